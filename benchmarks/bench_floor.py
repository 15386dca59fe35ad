"""How close the exact kNN kernel is to the floor of its method, and how much pruning skips.

``kneighbors_exact`` spends most of its time in single-precision matrix products (BLAS): a
self-search computes each of the n²/2 dot products once, by blocks of 512 rows, screens them
with a vectorised numba pass, and skips the block pairs whose bounding boxes prove that they
cannot improve any row's list. This script measures, in one child process:

* the BLAS product alone, one thread, then two threads at once (what the kernel runs);
* the floor: every block product of a 100k × 20 self-search with nothing else done, on both
  threads, as 512 × 512 numpy products (the definition of the issue) and as the kernel's own
  64-row tiles through numba's ``np.dot`` (what the kernel multiplies when it prunes nothing);
* ``kneighbors_exact`` on the same isotropic data, rounds of (floor, kernel) interleaved so that
  the load of this shared machine hits both alike, and where its time goes (stages);
* the fraction of block pairs skipped by pruning on isotropic, clustered (50 Gaussian clusters
  of mixed sizes and spreads) and SUSY-like data (18 heavy-tailed, skewed kinematic features
  and their derived combinations, generated here), with the time pruned and unpruned and a
  check that both give the same neighbours;
* scikit-learn's brute force on 50,000 rows (the peer).

Times are ns per candidate pair (n² pairs).

Usage::

    python benchmarks/bench_floor.py             # writes benchmarks/results_floor.md
    python benchmarks/bench_floor.py --quick --out /tmp/floor.md   # n = 20,000
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import code_version, load_avg, md_table, run_child  # noqa: E402

_CHILD = """
import time, numpy as np, numba
from concurrent.futures import ThreadPoolExecutor
from threadpoolctl import threadpool_limits
import scipy.linalg.cython_blas
from streamsmote.neighbors import exact
from streamsmote.neighbors.exact import kneighbors_exact, PAIR_BLOCK as B, TILE_ROWS
threadpool_limits(1)
exact._openblas_wide_call(20)
n, rounds = {n}, {rounds}


def isotropic(n, seed=1):
    return np.random.default_rng(seed).normal(size=(n, 20))


def clustered(n, seed=2, n_clusters=50, d=20):
    # cluster sizes from a heavy-tailed law (a few thousand rows down to a handful), spreads
    # from 0.3 to 1.5, centres drawn with scale 6: some clusters overlap, most do not
    rng = np.random.default_rng(seed)
    w = rng.pareto(1.0, n_clusters) + 0.05
    sizes = rng.multinomial(n, w / w.sum())
    centres = rng.normal(scale=6.0, size=(n_clusters, d))
    spread = rng.uniform(0.3, 1.5, n_clusters)
    X = np.concatenate(
        [c + s * rng.normal(size=(m, d)) for c, s, m in zip(centres, spread, sizes)]
    )
    return X[rng.permutation(n)]


def susy_like(n, seed=3):
    # like the SUSY data set's 8 raw and 10 derived features: exponential transverse momenta,
    # gaussian pseudorapidities, uniform angles, gamma missing energy, and their invariant
    # masses, sums, ratios and angle differences; standardised
    rng = np.random.default_rng(seed)
    pt1, pt2 = rng.exponential(1.0, n) + 0.5, rng.exponential(0.8, n) + 0.5
    eta1, eta2 = rng.normal(0, 1.1, n), rng.normal(0, 1.1, n)
    phi1, phi2, mphi = (rng.uniform(-np.pi, np.pi, n) for _ in range(3))
    met = rng.gamma(1.5, 0.8, n)
    dphi = np.angle(np.exp(1j * (phi1 - phi2)))
    mll = np.sqrt(2 * pt1 * pt2 * (np.cosh(eta1 - eta2) - np.cos(dphi)))
    mt = np.sqrt(np.maximum(0, 2 * pt1 * met * (1 - np.cos(phi1 - mphi))))
    ht = pt1 + pt2 + met
    X = np.column_stack([pt1, eta1, phi1, pt2, eta2, phi2, met, mphi, mll, mt, ht, met / ht,
                         np.log(pt1 / pt2), np.abs(dphi), pt1 * np.cosh(eta1),
                         pt2 * np.cosh(eta2), np.cos(phi1 - mphi), mll / ht])
    return (X - X.mean(0)) / X.std(0)


X = isotropic(n)
d = X.shape[1]
kneighbors_exact(X[:5000], 5)  # compile / load
pool = ThreadPoolExecutor(2)


def gemm(reps):
    A = np.random.default_rng(0).standard_normal((B, d)).astype(np.float32)
    Bt = np.random.default_rng(1).standard_normal((d, B)).astype(np.float32)
    D = np.empty((B, B), np.float32)
    np.matmul(A, Bt, out=D)
    t = time.perf_counter()
    for _ in range(reps):
        np.matmul(A, Bt, out=D)
    return (time.perf_counter() - t) / reps / (B * B) * 1e9


one = min(gemm(400) for _ in range(3))
two = min(max(pool.map(gemm, [400, 400])) for _ in range(3))

# the floor: every block product of the self-search, nothing else, on the same two threads
Xc = (X - X.mean(axis=0)).astype(np.float32)
packed = exact._packed_blocks(Xc, B)
nb = packed.shape[0]
pairs = [(i, j) for i in range(nb) for j in range(i, nb)]  # every block pair the search screens
parr = np.array(pairs, dtype=np.int64)


def blocks512(w):
    buf = np.empty(B * B, np.float32)
    for bi, bj in pairs[w::2]:
        i, j = bi * B, bj * B
        i1, j1 = min(i + B, n), min(j + B, n)
        S = buf[:(i1 - i) * (j1 - j)].reshape(i1 - i, j1 - j)
        np.matmul(Xc[i:i1], packed[bj, :, :j1 - j], out=S)


@numba.njit(nogil=True)
def _tiles(Xo, packed, pairs, rows, work):
    # the products of exact's _screen_pairs, tile by tile, and nothing else
    n = Xo.shape[0]
    Bk = packed.shape[2]
    for p in range(pairs.shape[0]):
        i0, j0 = pairs[p, 0] * Bk, pairs[p, 1] * Bk
        i1, nj = min(i0 + Bk, n), min(j0 + Bk, n) - j0
        Pj = packed[pairs[p, 1]] if nj == Bk else np.ascontiguousarray(packed[pairs[p, 1], :, :nj])
        for r0 in range(i0, i1, rows):
            r1 = min(r0 + rows, i1)
            S = work[: (r1 - r0) * nj].reshape((r1 - r0, nj))
            np.dot(Xo[r0:r1], Pj, S)


def tiles(w):
    mine = np.ascontiguousarray(parr[w::2])
    _tiles(Xc, packed, mine, TILE_ROWS, np.empty(TILE_ROWS * B, np.float32))


_tiles(Xc[:2048], packed[:4], parr[:3], TILE_ROWS, np.empty(TILE_ROWS * B, np.float32))  # compile


def timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t


floor512, floortile, knn = [], [], []
for _ in range(rounds):
    floor512.append(timed(lambda: list(pool.map(blocks512, [0, 1]))))
    floortile.append(timed(lambda: list(pool.map(tiles, [0, 1]))))
    knn.append(timed(lambda: kneighbors_exact(X, 5)))

# where the kernel's time goes: wall time of each stage, one more run
stages = {{}}
def wrap(name):
    f = getattr(exact, name)
    def g(*a, **k):
        t = time.perf_counter(); r = f(*a, **k)
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - t
        return r
    setattr(exact, name, g)
    return f
saved = {{nm: wrap(nm) for nm in ["_tree_order", "_screen_pairs", "_merge_top", "_rerank"]}}
total = timed(lambda: kneighbors_exact(X, 5))
for nm, f in saved.items():
    setattr(exact, nm, f)
stages["total"] = total

# pruning on three kinds of data, and the answer pruned vs not
prune = {{}}
for name, gen in [("isotropic", isotropic), ("clustered", clustered), ("SUSY-like", susy_like)]:
    Z = gen(n)
    st = {{}}
    t_on = min(timed(lambda: kneighbors_exact(Z, 5, stats=st)) for _ in range(2))
    got = kneighbors_exact(Z, 5)
    exact.PRUNE = False
    t_off = timed(lambda: kneighbors_exact(Z, 5))
    ref = kneighbors_exact(Z, 5)
    exact.PRUNE = True
    same = bool(np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1]))
    prune[name] = dict(
        d=Z.shape[1], pairs=st["pairs"], skipped=st["skipped"], on=t_on, off=t_off, same=same
    )

m = {n_sk}
if m == n:
    knn_m = min(knn)
else:
    knn_m = timed(lambda: kneighbors_exact(X[:m], 5))
from sklearn.neighbors import NearestNeighbors
t = time.perf_counter()
NearestNeighbors(n_neighbors=6, algorithm="brute").fit(X[:m]).kneighbors(X[:m])
sk = time.perf_counter() - t
emit(one=one, two=two, floor512=floor512, floortile=floortile, knn=knn, block=B, tile=TILE_ROWS,
     stages=stages, prune=prune, knn_m=knn_m, sk=sk)
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="n = 20,000, 2 rounds")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results_floor.md"))
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.rounds = 20_000, 2
    t0, load0 = time.time(), load_avg()
    n_sk = min(args.n, 50_000)
    r = run_child(_CHILD.format(n=args.n, n_sk=n_sk, rounds=args.rounds), label="floor")
    if not r["ok"]:
        sys.exit("child failed")
    n, B, T = args.n, r["block"], r["tile"]
    pairs = n * n

    def ns(t):
        return f"{t / pairs * 1e9:.2f}"

    def secs(ts):
        return " / ".join(f"{t:.2f}" for t in ts) + " s"

    f512, ftile, knn = min(r["floor512"]), min(r["floortile"]), min(r["knn"])
    ratios = [k / f for k, f in zip(r["knn"], r["floor512"], strict=True)]
    rows = [
        [
            f"BLAS sgemm {B}×20×{B}, 1 thread",
            f"{r['one']:.2f} ns / product",
            f"{r['one'] / 2:.2f} on one core (each product serves two pairs)",
        ],
        [
            "the same, 2 threads at once (per thread)",
            f"{r['two']:.2f} ns / product",
            f"{r['two'] / 4:.2f} on two cores",
        ],
        [
            f"**floor**: every block product of a {n:,}×20 self-search, {B}×{B} numpy "
            "products, 2 threads, nothing else (each round)",
            secs(r["floor512"]),
            ns(f512),
        ],
        [
            f"the same products in the kernel's {T}-row tiles (numba `np.dot`), nothing else",
            secs(r["floortile"]),
            ns(ftile),
        ],
        [
            f"`kneighbors_exact` {n:,}×20, k=5 (each round, after that round's floor)",
            secs(r["knn"]),
            ns(knn),
        ],
        [
            f"scikit-learn `NearestNeighbors(algorithm='brute')` {n_sk:,}×20 (peer)",
            f"{r['sk']:.2f} s",
            f"{r['sk'] / n_sk**2 * 1e9:.2f}",
        ],
    ]
    if n_sk != n:
        rows.insert(
            -1,
            [
                f"`kneighbors_exact` {n_sk:,}×20",
                f"{r['knn_m']:.2f} s",
                ns(r["knn_m"] * pairs / n_sk**2),
            ],
        )
    st = r["stages"]
    stage_rows = [
        ["tree order (subtrees on both threads)", f"{st.get('_tree_order', 0.0):.2f} s"],
        ["products + screen of the block pairs", f"{st.get('_screen_pairs', 0.0) / 2:.2f} s"],
        ["merge of the per-thread lists", f"{st.get('_merge_top', 0.0) / 2:.2f} s"],
        ["float64 re-rank and proof", f"{st.get('_rerank', 0.0) / 2:.2f} s"],
        ["total (with centring, packing, pair order, fallback)", f"{st['total']:.2f} s"],
    ]
    prune_rows = [
        [
            name,
            str(p["d"]),
            f"{p['pairs']:,}",
            f"{p['skipped'] / p['pairs']:.1%}",
            f"{p['on']:.2f} s",
            f"{p['off']:.2f} s",
            "yes" if p["same"] else "**NO**",
        ]
        for name, p in r["prune"].items()
    ]
    ratio = knn / f512
    best = min(ratios)
    target = "**met**" if ratio <= 1.25 else "**missed**"
    peer = r["sk"] / r["knn_m"]
    text = [
        "# Exact kNN: distance to the floor of the method, and pruning",
        "",
        f"`python benchmarks/bench_floor.py` — {time.strftime('%Y-%m-%d %H:%M', time.gmtime(t0))}"
        f" UTC; load average {load0:.1f} at start (2 cores shared with other jobs, so every "
        "time varies from run to run; the floor and the kernel are timed in alternation). "
        f"streamsmote code: {code_version()}.",
        "",
        "ns / pair counts n² candidate pairs, as in the kNN table of the core benchmarks.",
        "",
        md_table(["what", "time", "ns / pair"], rows),
        "",
        f"**Kernel / floor: {ratio:.2f}** (best of each; per round "
        + ", ".join(f"{x:.2f}" for x in ratios)
        + f", best {best:.2f}); target ≤ 1.25: {target}. Against the products it actually "
        f"computes ({T}-row tiles, faster than {B}×{B} products on this machine): "
        f"{knn / ftile:.2f}.",
        "",
        "Where the kernel's time goes (isotropic, one more run; the threaded stages' times are "
        "summed over the two threads and halved):",
        "",
        md_table(["stage", "wall time"], stage_rows),
        "",
        "## Pruning",
        "",
        f"Block pairs ({B} rows each, in the space-partition order) skipped because the "
        "bounding boxes prove that neither block can improve the other's top-m lists, "
        f"{n:,} rows, k=5; pruned and unpruned runs give identical neighbours and distances:",
        "",
        md_table(
            ["data", "d", "block pairs", "skipped", "time", "time, pruning off", "same answer"],
            prune_rows,
        ),
        "",
        "Isotropic 20-d data cannot be pruned by boxes (every box spans most of every axis); "
        "clustered data mostly can; the SUSY-like features (heavy tails, many independent "
        "raw quantities) behave like isotropic data at this block size.",
        "",
        f"Relative to the peer: scikit-learn takes {r['sk'] / n_sk**2 * 1e9:.2f} ns / pair and "
        f"the kernel is {peer:.1f}× faster at {n_sk:,} rows: "
        + ("**met** (≥ 5×)." if peer >= 5 else "**missed** (< 5×)."),
    ]
    with open(args.out, "w") as f:
        f.write("\n".join(text) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
