"""How close the exact kNN kernel is to the floor of its method on this machine.

``kneighbors_exact`` spends most of its time in single-precision matrix products (BLAS): a
self-search computes each of the n²/2 dot products once, in 512 × 512 blocks, and screens
them with a vectorised numba pass. This script measures, in one child process:

* the BLAS product alone, one thread, then two threads at once (what the kernel runs);
* every block product of a 100k × 20 self-search with nothing else done (the floor: the same
  products the kernel computes, on both threads);
* ``kneighbors_exact`` on the same data;

and reports each as ns per candidate pair (n² pairs), so that the gap between the kernel
and its floor (the screening, re-ranking and merging) is visible.

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
import time, numpy as np
from concurrent.futures import ThreadPoolExecutor
from threadpoolctl import threadpool_limits
from streamsmote.neighbors import exact
from streamsmote.neighbors.exact import kneighbors_exact, PAIR_BLOCK as B
threadpool_limits(1)
exact._openblas_wide_call(20)
rng = np.random.default_rng(1)
n, d = {n}, 20
X = rng.normal(size=(n, d))
kneighbors_exact(X[:5000], 5)  # compile / load

def gemm(reps):
    A = rng.standard_normal((B, d)).astype(np.float32)
    Bt = rng.standard_normal((d, B)).astype(np.float32)
    D = np.empty((B, B), np.float32)
    np.matmul(A, Bt, out=D)
    t = time.perf_counter()
    for _ in range(reps):
        np.matmul(A, Bt, out=D)
    return (time.perf_counter() - t) / reps / (B * B) * 1e9

one = min(gemm(400) for _ in range(3))
pool = ThreadPoolExecutor(2)
two = min(max(pool.map(gemm, [400, 400])) for _ in range(3))

# every block product of the self-search, nothing else (same blocks, same two threads)
Xc = (X - X.mean(axis=0)).astype(np.float32)
packed = exact._packed_blocks(Xc, B)
pairs = exact._block_pairs(packed.shape[0])
def work(w):
    buf = np.empty(B * B, np.float32)
    for bi, bj in pairs[w::2]:
        i, j = bi * B, bj * B
        i1, j1 = min(i + B, n), min(j + B, n)
        S = buf[:(i1 - i) * (j1 - j)].reshape(i1 - i, j1 - j)
        np.matmul(Xc[i:i1], packed[bj, :, :j1 - j], out=S)
t = time.perf_counter(); list(pool.map(work, [0, 1])); products = time.perf_counter() - t
knn = []
for _ in range(2):
    t = time.perf_counter(); kneighbors_exact(X, 5); knn.append(time.perf_counter() - t)
m = {n_sk}
if m == n:
    knn_m = min(knn)
else:
    t = time.perf_counter(); kneighbors_exact(X[:m], 5); knn_m = time.perf_counter() - t
from sklearn.neighbors import NearestNeighbors
t = time.perf_counter()
NearestNeighbors(n_neighbors=6, algorithm="brute").fit(X[:m]).kneighbors(X[:m])
sk = time.perf_counter() - t
emit(one=one, two=two, products=products, knn=min(knn), block=B, knn_m=knn_m, sk=sk)
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true", help="n = 20,000")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results_floor.md"))
    args = ap.parse_args(argv)
    if args.quick:
        args.n = 20_000
    t0, load0 = time.time(), load_avg()
    n_sk = min(args.n, 50_000)
    r = run_child(_CHILD.format(n=args.n, n_sk=n_sk), label="floor")
    if not r["ok"]:
        sys.exit("child failed")
    n, B = args.n, r["block"]
    pairs = n * n
    floor = r["products"] / pairs * 1e9
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
            f"every block product of a {n:,}×20 self-search, 2 threads, nothing else",
            f"{r['products']:.2f} s",
            f"{r['products'] / pairs * 1e9:.2f}",
        ],
        [
            f"`kneighbors_exact` {n:,}×20, k=5 (products + screen + re-rank + merge)",
            f"{r['knn']:.2f} s",
            f"{r['knn'] / pairs * 1e9:.2f}",
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
                f"{r['knn_m'] / n_sk**2 * 1e9:.2f}",
            ],
        )
    ratio = r["sk"] / r["knn_m"]
    text = [
        "# Exact kNN: distance to the floor of the method",
        "",
        f"`python benchmarks/bench_floor.py` — {time.strftime('%Y-%m-%d %H:%M', time.gmtime(t0))}"
        f" UTC; load average {load0:.1f} at start. streamsmote code: {code_version()}.",
        "",
        "ns / pair counts n² candidate pairs, as in the kNN table of the core benchmarks. "
        "The two-thread rows vary by ±15% from run to run on this shared machine.",
        "",
        md_table(["what", "time", "ns / pair"], rows),
        "",
        f"The kernel runs at {r['products'] / r['knn']:.0%} of the speed of its block products "
        "alone. " + f"The products alone take {floor:.2f} ns / pair, against the issue's absolute "
        f"target of 0.4; the kernel's other {r['knn'] / pairs * 1e9 - floor:.2f} ns / pair "
        "are the screen, the float64 re-rank and the merge of the per-thread lists.",
        "",
        "Relative to the peer: the issue puts scikit-learn's brute force at about 2 ns / pair "
        "on its machine, so 0.4 ns / pair there means 5× faster than scikit-learn. Here "
        f"scikit-learn takes {r['sk'] / n_sk**2 * 1e9:.2f} ns / pair and the kernel is "
        f"{ratio:.1f}× faster at {n_sk:,} rows: "
        + ("**met** (≥ 5×)." if ratio >= 5 else "**missed** (< 5×)."),
    ]
    with open(args.out, "w") as f:
        f.write("\n".join(text) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
