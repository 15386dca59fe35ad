# ruff: noqa: E501  (the child-process snippets are kept one statement per line)
"""Core benchmarks: streamsmote vs imbalanced-learn in memory (and what dominates the call),
the exact kNN kernel against scikit-learn, the interpolation kernel and ``import streamsmote``.
The approximate graphs and the ``auto`` thresholds are measured by ``bench_graph.py``.

Every configuration runs in its own child process (:func:`_common.run_child`), so that peak
RSS is that configuration's alone and JIT compilation is measured from a known state:

* *cold*: a fresh process with an empty ``NUMBA_CACHE_DIR`` (everything compiles);
* *fresh process, warm cache*: a new process whose on-disk numba cache is populated;
* *warm*: a second call in the same process.

Usage::

    python benchmarks/bench_core.py            # full run, writes benchmarks/results_core.md
    python benchmarks/bench_core.py --quick    # tiny sizes, ~1-2 min, writes to /tmp
    python benchmarks/bench_core.py --sections e2e --e2e 1M-5   # one section, one data set
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    SECTION_MARK,
    cleanup,
    code_version,
    data_dir,
    fmt_mb,
    fmt_s,
    fmt_x,
    fresh_cache_dir,
    kept_sections,
    load_avg,
    md_table,
    run_child,
)

SECTIONS = ("e2e", "knn", "gen", "import")
_WARM = {}  # a populated NUMBA_CACHE_DIR, shared by the sections that need one


def sizes(quick):
    if quick:
        return dict(
            e2e=[
                ("20k", "20k×10 (10%)", 20_000, 10, 2_000),
                ("60k", "60k×20 (5%)", 60_000, 20, 3_000),
            ],
            imblearn_cap=120,
            knn_n=[5_000, 10_000],
            sk_max=10_000,
            gen_rows=500_000,
        )
    return dict(
        e2e=[
            ("100k", "100k×20 (10%)", 100_000, 20, 10_000),
            ("1M-5", "1M×20 (5%)", 1_000_000, 20, 50_000),
            ("1M-20", "1M×20 (20%)", 1_000_000, 20, 200_000),
            ("susy", "SUSY-IR16 shape 2,881,796×18", 2_881_796, 18, 169_623),
        ],
        imblearn_cap=360,
        knn_n=[20_000, 50_000, 100_000],
        sk_max=50_000,
        gen_rows=5_000_000,
    )


# ----------------------------------------------------------------------------- end to end

_SS = """
import time, numpy as np
from _common import blobs
X, y = blobs({n}, {d}, {n_min})
import streamsmote as ss
sm = ss.SMOTE(random_state=0, neighbors={method!r})
t = time.perf_counter()
Xr, yr = sm.fit_resample(X, y)
t1 = time.perf_counter() - t
if {save!r}:
    np.save({save!r} + "_X.npy", Xr)
    np.save({save!r} + "_y.npy", yr)
emit(call1=t1, n_out=int(len(yr)))
del Xr, yr
if {second!r}:
    t = time.perf_counter()
    Xr, yr = sm.fit_resample(X, y)
    emit(call2=time.perf_counter() - t)
    del Xr, yr
if {graph!r}:
    # what dominates: the minority class's graph alone, built as fit_resample builds it
    from streamsmote.neighbors import kneighbors
    Xm = np.ascontiguousarray(X[y == 1])
    t = time.perf_counter()
    kneighbors(Xm, 5, method={method!r})
    emit(graph=time.perf_counter() - t)
"""

_IMB = """
import time, numpy as np
from _common import blobs
X, y = blobs({n}, {d}, {n_min})
from imblearn.over_sampling import SMOTE
t = time.perf_counter()
Xr, yr = SMOTE(random_state=0).fit_resample(X, y)
t1 = time.perf_counter() - t
emit(call1=t1, n_out=int(len(yr)))
if {save!r}:
    np.save({save!r} + "_X.npy", Xr)
    np.save({save!r} + "_y.npy", yr)
"""

_CMP = """
import numpy as np
a = np.load({a!r} + "_X.npy", mmap_mode="r"); b = np.load({b!r} + "_X.npy", mmap_mode="r")
ya = np.load({a!r} + "_y.npy"); yb = np.load({b!r} + "_y.npy")
same = a.shape == b.shape and a.dtype == b.dtype and np.array_equal(ya, yb)
bad = 0
if a.shape == b.shape:
    for s in range(0, a.shape[0], 500_000):
        bad += int(np.count_nonzero((a[s:s + 500_000] != b[s:s + 500_000]).any(axis=1)))
emit(identical=bool(same and bad == 0), rows_differ=bad, shape_a=list(a.shape),
     shape_b=list(b.shape))
"""

# (row label, method, numba cache, 2nd call in the process, time the graph alone)
_RUNS = [
    ("exact, fresh process, empty JIT cache (cold)", "exact", "cold", False, False),
    ("exact, fresh process, warm JIT cache", "exact", "warm", True, True),
    ("auto, fresh process, warm JIT cache", "auto", "warm", True, True),
    ("approx, fresh process, warm JIT cache", "approx", "warm", False, False),
]


def bench_e2e(cfg, tmp, only=None):
    rows, dominates, raw = [], [], {}
    warm_cache = fresh_cache_dir("e2e-warm")
    # the first-ever compile: every kernel exact and approx load, into the shared cache
    prime = run_child(
        _SS.format(n=20_000, d=8, n_min=2_000, method="approx", save="", second=False, graph=False)
        + "\nsm = ss.SMOTE(random_state=0, neighbors='exact'); sm.fit_resample(X, y)\n",
        env={"NUMBA_CACHE_DIR": warm_cache},
        label="prime cache (approx+exact, first-ever compile)",
    )
    raw["prime"] = prime
    for key, name, n, d, n_min in cfg["e2e"]:
        if only and key not in only:
            continue
        print(f"[e2e] {name}", file=sys.stderr, flush=True)
        base = os.path.join(tmp, f"e2e_{n}_{d}_{n_min}")
        res = {"load": load_avg()}
        res["imblearn"] = imb = run_child(
            _IMB.format(n=n, d=d, n_min=n_min, save=base + "_imb"),
            timeout=cfg["imblearn_cap"],
            label="imblearn",
        )
        for label, method, cache, second, graph in _RUNS:
            cache_dir = fresh_cache_dir("e2e-cold") if cache == "cold" else warm_cache
            save = base + "_ss" if cache == "cold" else ""
            code = _SS.format(
                n=n, d=d, n_min=n_min, method=method, save=save, second=second, graph=graph
            )
            res[label] = run_child(code, env={"NUMBA_CACHE_DIR": cache_dir}, label=label)
            if cache == "cold":
                cleanup(cache_dir)
        if imb["ok"] and res[_RUNS[0][0]]["ok"]:
            res["cmp"] = run_child(_CMP.format(a=base + "_imb", b=base + "_ss"), label="compare")
        for suffix in ("_imb_X.npy", "_imb_y.npy", "_ss_X.npy", "_ss_y.npy"):
            if os.path.exists(base + suffix):
                os.unlink(base + suffix)
        raw[name] = res
        t_imb = imb.get("call1") if imb["ok"] else None
        imb_txt = fmt_s(t_imb) if imb["ok"] else f"> {cfg['imblearn_cap']} s (capped)"
        rows.append(
            [name, "imblearn SMOTE", imb_txt, "1.0×", fmt_mb(imb["rss_mb"]), "(reference)"]
        )

        def ratio(t, t_imb=t_imb):
            if t is None:
                return "–"
            if t_imb is None:
                return f"> {cfg['imblearn_cap'] / t:.1f}×"
            return fmt_x(t_imb / t)

        cmp = res.get("cmp")
        ident = "–"
        if cmp is not None:
            ident = "yes" if cmp.get("identical") else f"NO ({cmp.get('rows_differ')} rows differ)"
        elif not imb["ok"]:
            ident = "not checked (imblearn capped)"
        for label, method, _, second, graph in _RUNS:
            r = res[label]
            t1 = r.get("call1")
            rows.append(
                [
                    name,
                    label,
                    fmt_s(t1) if r["ok"] else "failed",
                    ratio(t1),
                    fmt_mb(r["rss_mb"]),
                    ident if label == _RUNS[0][0] else "",
                ]
            )
            if second and "call2" in r:
                rows.append(
                    [
                        name,
                        f"{method}, 2nd call in the same process",
                        fmt_s(r["call2"]),
                        ratio(r["call2"]),
                        "",
                        "",
                    ]
                )
            t2, g = r.get("call2"), r.get("graph")
            if graph and t1 and t2 and g:
                rest = max(t2 - g, 0.0)
                dominates.append(
                    [
                        name,
                        method,
                        fmt_s(t1),
                        fmt_s(t2),
                        f"{fmt_s(g)} ({100 * g / t2:.0f}%)",
                        f"{fmt_s(rest)} ({100 * rest / t2:.0f}%)",
                        fmt_s(max(t1 - t2, 0.0)),
                    ]
                )
    _WARM.setdefault("dir", warm_cache)
    loads = ", ".join(f"{name} {raw[name]['load']:.1f}" for name in raw if name != "prime")
    text = [
        "## End to end: `fit_resample` vs imbalanced-learn",
        "",
        "Imbalanced Gaussian blobs (`_common.blobs`, seed 0), float64, `random_state=0`, "
        "`k_neighbors=5`, `sampling_strategy='auto'`. Time is the `fit_resample` call only "
        "(data generation and interpreter start-up excluded); peak RSS is the whole child "
        "(data + output included, for both libraries). Ratio = imblearn time / streamsmote "
        'time. "Identical" compares the full `X_res` and `y_res` arrays of imblearn and '
        "streamsmote exact (`np.array_equal`, row by row). *Fresh process*: the first call in "
        "a new interpreter (with the numba disk cache warm unless said otherwise); *2nd call*: "
        "the same call again in that process. `auto` picks exact up to "
        "`AUTO_EXACT_MAX` rows per class and streamsmote's approximate graph above (never "
        "pynndescent).",
        "",
        f"First-ever compile (empty cache, `neighbors='approx'` then `'exact'` on 20k×8): "
        f"{fmt_s(prime['wall'])} for the whole child process.",
        "",
        md_table(
            ["data", "method", "time", "imblearn / this", "peak RSS", "identical to imblearn"],
            rows,
        ),
        "",
        "What dominates: the minority class's neighbour graph built alone in the same process "
        "(`streamsmote.neighbors.kneighbors(X_min, 5, method)`) against the 2nd "
        "`fit_resample` call; *the rest* is validation, class counts, the row store and the "
        "generation of the synthetic rows. The first call in a fresh process pays in "
        "addition the loading of the compiled kernels from numba's disk cache and the "
        "start of the thread pools (*first-call extra* = 1st call − 2nd call).",
        "",
        md_table(
            [
                "data",
                "neighbors",
                "1st call",
                "2nd call",
                "graph alone",
                "the rest of the 2nd call",
                "first-call extra",
            ],
            dominates,
        ),
        "",
        f"1-minute load average when each data set started: {loads}.",
    ]
    return "\n".join(text), raw


# ----------------------------------------------------------------------------- exact kNN

_KNN = """
import time, numpy as np
from streamsmote.neighbors import kneighbors_exact
X = np.random.default_rng(1).normal(size=({n_max}, 20))
kneighbors_exact(X[:5000], 5)  # compile
out = {{}}
for n in {ns!r}:
    t = time.perf_counter(); idx, _ = kneighbors_exact(X[:n], 5); out[n] = time.perf_counter() - t
emit(ss={{str(k): v for k, v in out.items()}})
"""

_SK = """
import time, numpy as np
from sklearn.neighbors import NearestNeighbors
X = np.random.default_rng(1).normal(size=({n}, 20))
t = time.perf_counter()
NearestNeighbors(n_neighbors=6, algorithm="brute").fit(X).kneighbors(X)
emit(sk=time.perf_counter() - t)
"""


def bench_knn(cfg):
    ns = cfg["knn_n"]
    ss = run_child(_KNN.format(n_max=max(ns), ns=ns), label="exact kNN")
    sk = {}
    for n in ns:
        if n <= cfg["sk_max"]:
            sk[n] = run_child(_SK.format(n=n), label=f"sklearn brute {n}").get("sk")
    # sklearn brute is O(n^2): extrapolate its ns/pair from the largest measured n
    nmax = max(sk) if sk else None
    rows = []
    for n in ns:
        t = ss["ss"][str(n)]
        measured = sk.get(n)
        t_sk = measured if measured is not None else (sk[nmax] * (n / nmax) ** 2 if nmax else None)
        note = "" if measured is not None else " (extrapolated n²)"
        rows.append(
            [
                f"{n:,}",
                fmt_s(t),
                f"{t / n**2 * 1e9:.2f}",
                fmt_s(t_sk) + note if t_sk else "–",
                f"{t_sk / n**2 * 1e9:.2f}" if t_sk else "–",
                fmt_x(t_sk / t) if t_sk else "–",
            ]
        )
    text = [
        "## Exact kNN kernel (`kneighbors_exact`, k=5, d=20)",
        "",
        "Standard normal data, every row queried against all rows (n² candidate pairs), "
        "warm (compiled) calls, 2 threads. Peer: `sklearn.neighbors.NearestNeighbors("
        "n_neighbors=6, algorithm='brute')` fit + kneighbors on the same data, each n in its "
        "own process.",
        "",
        md_table(
            ["n", "streamsmote", "ns / pair", "sklearn brute", "ns / pair", "sklearn / this"], rows
        ),
    ]
    return "\n".join(text), {"ss": ss, "sk": sk}


# ----------------------------------------------------------------------------- generation

_GEN = """
import time, numba, numpy as np
from streamsmote.kernels.interpolate import _interpolate_serial, interpolate
try:
    from streamsmote._threads import n_threads
    threads = n_threads()
except ImportError:
    threads = numba.get_num_threads()
rng = np.random.default_rng(3)
n_c, d, m = 50_000, 20, {rows}
X = rng.normal(size=(n_c, d)); nn = rng.integers(0, n_c, size=(n_c, 5))
rows = rng.integers(0, n_c, size=m); cols = rng.integers(0, 5, size=m); gaps = rng.random(m)
out = np.empty((m, d))
_interpolate_serial(X, nn, rows[:10], cols[:10], gaps[:10], out[:10])
interpolate(X, nn, rows[:10], cols[:10], gaps[:10], out[:10])
best_s = best_p = 1e9
for _ in range(3):
    t = time.perf_counter(); _interpolate_serial(X, nn, rows, cols, gaps, out); best_s = min(best_s, time.perf_counter() - t)
    t = time.perf_counter(); interpolate(X, nn, rows, cols, gaps, out); best_p = min(best_p, time.perf_counter() - t)
# generate(): draws + kernel + container, end to end
import streamsmote as ss
from _common import blobs
Xb, yb = blobs(150_000, d, n_c)
sm = ss.SMOTE(random_state=0, neighbors="exact", sampling_strategy={{1: n_c + m}}).fit(Xb, yb)
t = time.perf_counter(); got = sum(len(b[1]) for b in sm.generate(batch_size=100_000)); t_gen = time.perf_counter() - t
emit(serial=best_s, parallel=best_p, threads=threads, gen=t_gen, gen_rows=got)
"""


def bench_gen(cfg):
    m = cfg["gen_rows"]
    r = run_child(_GEN.format(rows=m), label="generation")
    th = r["threads"]
    rows = [
        [
            "`_interpolate_serial` (1 thread)",
            fmt_s(r["serial"]),
            f"{m / r['serial'] / 1e6:.1f} M",
            f"{m / r['serial'] / 1e6:.1f} M",
        ],
        [
            f"`interpolate` (public, {th} threads)",
            fmt_s(r["parallel"]),
            f"{m / r['parallel'] / 1e6:.1f} M",
            f"{m / r['parallel'] / th / 1e6:.1f} M",
        ],
        [
            "`SMOTE.generate()` (draws + kernel + batches)",
            fmt_s(r["gen"]),
            f"{r['gen_rows'] / r['gen'] / 1e6:.1f} M",
            "–",
        ],
    ]
    text = [
        f"## Generation throughput (d=20, float64, {m:,} synthetic rows)",
        "",
        "Kernel: a 50k-row class, random (row, neighbour slot, gap) draws, best of 3 warm "
        "runs. `generate()`: `fit` on a 50k minority then all synthetic rows in batches of "
        "100k (includes imblearn-compatible `RandomState` draws, which are serial).",
        "",
        md_table(["what", "time", "rows / s", "rows / s / core"], rows),
    ]
    return "\n".join(text), r


# ----------------------------------------------------------------------------- import

_IMPORT = """
import sys, time
t = time.perf_counter(); import streamsmote; t1 = time.perf_counter() - t
heavy1 = [m for m in ("numpy", "pandas", "numba", "pynndescent", "pyarrow", "dask", "sklearn") if m in sys.modules]
t = time.perf_counter(); streamsmote.SMOTE; t2 = time.perf_counter() - t
heavy2 = [m for m in ("numpy", "pandas", "numba", "pynndescent", "pyarrow", "dask", "sklearn") if m in sys.modules]
emit(imp=t1, smote=t2, heavy1=heavy1, heavy2=heavy2)
"""


def bench_import(quick):
    reps = [run_child(_IMPORT) for _ in range(3 if quick else 7)]
    imp = sorted(r["imp"] for r in reps)
    smo = sorted(r["smote"] for r in reps)
    text = [
        "## `import streamsmote`",
        "",
        f"Fresh interpreter each time, {len(reps)} runs (min / median). Target < 0.5 s.",
        "",
        md_table(
            ["what", "min", "median", "heavy modules loaded"],
            [
                [
                    "`import streamsmote`",
                    fmt_s(imp[0]),
                    fmt_s(imp[len(imp) // 2]),
                    ", ".join(reps[0]["heavy1"]) or "none",
                ],
                [
                    "then first access to `streamsmote.SMOTE`",
                    fmt_s(smo[0]),
                    fmt_s(smo[len(smo) // 2]),
                    ", ".join(reps[0]["heavy2"]),
                ],
            ],
        ),
    ]
    return "\n".join(text), {"import": imp, "smote": smo}


# ----------------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    ap.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help="sections to run; the other sections of an existing results file are kept",
    )
    ap.add_argument(
        "--e2e", default=None, help="e2e data sets to run, e.g. 1M-5,susy (default: all)"
    )
    ap.add_argument(
        "--out",
        default=None,
        help="results file (default: results_core.md, or "
        "/tmp/ssbench/results_core_quick.md with --quick)",
    )
    args = ap.parse_args(argv)
    cfg = sizes(args.quick)
    todo = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in todo if s not in SECTIONS]
    if unknown:
        raise SystemExit(f"unknown section(s) {unknown}; choose from {SECTIONS}")
    only = {k.strip() for k in args.e2e.split(",")} if args.e2e else None
    tmp = data_dir()
    out = args.out or (
        os.path.join(tmp, "results_core_quick.md")
        if args.quick
        else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results_core.md")
    )
    benches = {
        "e2e": lambda: bench_e2e(cfg, tmp, only),
        "knn": lambda: bench_knn(cfg),
        "gen": lambda: bench_gen(cfg),
        "import": lambda: bench_import(args.quick),
    }
    parts, raw = kept_sections(out, todo), {}
    for s in todo:
        print(f"== {s}", file=sys.stderr, flush=True)
        t0, l0 = time.time(), load_avg()
        txt, raw[s] = benches[s]()
        run = (
            f"_Run {time.strftime('%Y-%m-%d %H:%M')} in {fmt_s(time.time() - t0)}; load "
            f"average {l0:.1f} at start, {load_avg():.1f} at end; streamsmote code: "
            f"{code_version()}._"
        )
        parts[s] = f"{SECTION_MARK.format(s)}\n{txt}\n\n{run}"
        print(txt + "\n", flush=True)
    header = [
        "# Core benchmarks" + (" (--quick)" if args.quick else ""),
        f"`python benchmarks/bench_core.py{' --quick' if args.quick else ''} "
        f"[--sections {','.join(SECTIONS)}]`. Each section says when it ran and the load "
        "average of this shared machine then: compare ratios within a section. The "
        "approximate graphs and `auto`'s thresholds are measured in `results_graph.md`.",
    ]
    body = [parts[s] for s in SECTIONS if s in parts]
    with open(out, "w") as f:
        f.write("\n\n".join(header + body) + "\n")
    with open(
        os.path.join(tmp, "raw_core" + ("_quick" if args.quick else "") + ".json"), "w"
    ) as f:
        json.dump(raw, f, default=str, indent=1)
    if "dir" in _WARM:
        cleanup(_WARM["dir"])
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
