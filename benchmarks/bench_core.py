# ruff: noqa: E501  (the child-process snippets are kept one statement per line)
"""Core benchmarks: streamsmote vs imbalanced-learn in memory, exact and approximate kNN,
the ``auto`` thresholds, the interpolation kernel and ``import streamsmote``.

Every configuration runs in its own child process (:func:`_common.run_child`), so that peak
RSS is that configuration's alone and JIT compilation is measured from a known state:

* *cold*: a fresh process with an empty ``NUMBA_CACHE_DIR`` (everything compiles);
* *fresh process, warm cache*: a new process whose on-disk numba cache is populated;
* *warm*: a second call in the same process.

Usage::

    python benchmarks/bench_core.py            # full run, writes benchmarks/results_core.md
    python benchmarks/bench_core.py --quick    # tiny sizes, ~1-2 min, writes to /tmp
    python benchmarks/bench_core.py --sections e2e,knn,approx,auto,gen,import
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    cleanup,
    code_version,
    data_dir,
    fmt_mb,
    fmt_s,
    fmt_x,
    fresh_cache_dir,
    load_avg,
    md_table,
    run_child,
)

SECTIONS = ("e2e", "knn", "approx", "auto", "gen", "import")
_WARM = {}  # a populated NUMBA_CACHE_DIR, shared by the sections that need one


def sizes(quick):
    if quick:
        return dict(
            e2e=[
                ("20k×10 (10%)", 20_000, 10, 2_000),
                ("60k×20 (5%)", 60_000, 20, 3_000),
            ],
            imblearn_cap=120,
            knn_n=[5_000, 10_000],
            sk_max=10_000,
            approx_n=10_000,
            build=[15, 24],
            auto_n=[5_000, 10_000, 20_000],
            gen_rows=500_000,
            exact_limit=60.0,
        )
    return dict(
        e2e=[
            ("100k×20 (10%)", 100_000, 20, 10_000),
            ("1M×20 (5%)", 1_000_000, 20, 50_000),
            ("1M×20 (20%)", 1_000_000, 20, 200_000),
            ("SUSY-IR16 shape 2,881,796×18", 2_881_796, 18, 169_623),
        ],
        imblearn_cap=360,
        knn_n=[20_000, 50_000, 100_000],
        sk_max=50_000,
        approx_n=100_000,
        build=[15, 20, 24, 30],
        auto_n=[20_000, 50_000, 100_000, 200_000, 400_000],
        gen_rows=5_000_000,
        exact_limit=60.0,
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
if {second!r}:
    del Xr, yr
    t = time.perf_counter()
    Xr, yr = sm.fit_resample(X, y)
    emit(call2=time.perf_counter() - t)
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

_APPROX_WARM = """
import time, numpy as np
from _common import blobs
import streamsmote as ss
X, y = blobs(20_000, 8, 2_000)
t = time.perf_counter()
ss.SMOTE(random_state=0, neighbors="approx").fit_resample(X, y)
emit(compile=time.perf_counter() - t)
res = {{"approx": {{}}, "auto": {{}}}}
for n, d, n_min in {configs!r}:
    X, y = blobs(n, d, n_min)
    key = f"{{n}}_{{d}}_{{n_min}}"
    for m in ("approx", "auto"):
        t = time.perf_counter()
        Xr, yr = ss.SMOTE(random_state=0, neighbors=m).fit_resample(X, y)
        res[m][key] = time.perf_counter() - t
        del Xr, yr
    del X, y
    emit(**res)
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


def bench_e2e(cfg, tmp):
    rows = []
    raw = {}
    warm_cache = fresh_cache_dir("e2e-warm")
    # populate the shared cache (streamsmote serial kernels + pynndescent) once
    prime = run_child(
        _SS.format(n=20_000, d=8, n_min=2_000, method="approx", save="", second=False)
        + "\nsm = ss.SMOTE(random_state=0, neighbors='exact'); sm.fit_resample(X, y)\n",
        env={"NUMBA_CACHE_DIR": warm_cache},
        label="prime cache (approx+exact, first-ever compile)",
    )
    raw["prime"] = prime
    # approx (and auto once pynndescent is compiled) in one process: its first build in a
    # process costs about a minute whatever the size, so it is paid once, up front
    warm_ap = run_child(
        _APPROX_WARM.format(configs=[c[1:] for c in cfg["e2e"]]),
        env={"NUMBA_CACHE_DIR": warm_cache},
        label="approx + auto, pynndescent warm",
    )
    raw["approx_warm"] = warm_ap
    for name, n, d, n_min in cfg["e2e"]:
        print(f"[e2e] {name}", file=sys.stderr, flush=True)
        base = os.path.join(tmp, f"e2e_{n}_{d}_{n_min}")
        second = n_min <= 60_000
        res = {}
        res["imblearn"] = run_child(
            _IMB.format(n=n, d=d, n_min=n_min, save=base + "_imb"),
            timeout=cfg["imblearn_cap"] if n_min > 100_000 else 3 * cfg["imblearn_cap"],
            label="imblearn",
        )
        cold = fresh_cache_dir("e2e-cold")
        res["exact_cold"] = run_child(
            _SS.format(n=n, d=d, n_min=n_min, method="exact", save=base + "_ss", second=second),
            env={"NUMBA_CACHE_DIR": cold},
            label="exact, empty cache",
        )
        cleanup(cold)
        res["exact_warm"] = run_child(
            _SS.format(n=n, d=d, n_min=n_min, method="exact", save="", second=False),
            env={"NUMBA_CACHE_DIR": warm_cache},
            label="exact, warm cache",
        )
        res["auto"] = run_child(
            _SS.format(n=n, d=d, n_min=n_min, method="auto", save="", second=False),
            env={"NUMBA_CACHE_DIR": warm_cache},
            label="auto",
        )
        imb = res["imblearn"]
        if imb["ok"] and res["exact_cold"]["ok"]:
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

        ec, ew = res["exact_cold"], res["exact_warm"]
        cmp = res.get("cmp")
        ident = "–"
        if cmp is not None:
            ident = "yes" if cmp.get("identical") else f"NO ({cmp.get('rows_differ')} rows differ)"
        elif not imb["ok"]:
            ident = "not checked (imblearn capped)"
        rows.append(
            [
                name,
                "exact, fresh process, empty JIT cache (cold)",
                fmt_s(ec.get("call1")),
                ratio(ec.get("call1")),
                fmt_mb(ec["rss_mb"]),
                ident,
            ]
        )
        if "call2" in ec:
            rows.append(
                [
                    name,
                    "exact, 2nd call in process (warm)",
                    fmt_s(ec["call2"]),
                    ratio(ec["call2"]),
                    "",
                    "",
                ]
            )
        rows.append(
            [
                name,
                "exact, fresh process, warm JIT cache",
                fmt_s(ew.get("call1")),
                ratio(ew.get("call1")),
                fmt_mb(ew["rss_mb"]),
                "",
            ]
        )
        key = f"{n}_{d}_{n_min}"
        ta = warm_ap.get("approx", {}).get(key)
        tu = warm_ap.get("auto", {}).get(key)
        au = res["auto"]
        rows.append(
            [
                name,
                "auto, fresh process (warm JIT cache)",
                fmt_s(au.get("call1")),
                ratio(au.get("call1")),
                fmt_mb(au["rss_mb"]),
                "",
            ]
        )
        rows.append(
            [name, "approx, pynndescent already compiled in process", fmt_s(ta), ratio(ta), "", ""]
        )
        rows.append(
            [name, "auto, pynndescent already compiled in process", fmt_s(tu), ratio(tu), "", ""]
        )
    _WARM.setdefault("dir", warm_cache)
    text = [
        "## End to end: `fit_resample` vs imbalanced-learn",
        "",
        "Imbalanced Gaussian blobs (`_common.blobs`, seed 0), float64, `random_state=0`, "
        "`k_neighbors=5`, `sampling_strategy='auto'`. Time is the `fit_resample` call only "
        "(data generation and interpreter start-up excluded); peak RSS is the whole child "
        "(data + output included, for both libraries). Ratio = imblearn time / streamsmote "
        'time. "Identical" compares the full `X_res` and `y_res` arrays of imblearn and '
        "streamsmote exact (`np.array_equal`, row by row). The in-process 2nd call is "
        "measured only for minority classes ≤ 60k rows (elsewhere it equals the warm-cache "
        "figure within noise, and each call costs minutes).",
        "",
        f"First-ever compile (empty cache, `neighbors='approx'` then `'exact'` on 20k×8): "
        f"{fmt_s(prime['wall'])} for the whole child process. The approx rows come from one "
        f"process that first paid pynndescent's first-build-in-process cost "
        f"({fmt_s(warm_ap.get('compile'))} on a 20k×8 toy with a warm disk cache), then ran "
        "every data set (peak RSS of that process: "
        f"{fmt_mb(warm_ap['rss_mb'])}).",
        "",
        md_table(
            ["data", "method", "time", "imblearn / this", "peak RSS", "identical to imblearn"],
            rows,
        ),
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
    if n == {n_ref}:
        np.save({ref!r}, idx)
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


def bench_knn(cfg, tmp):
    ns = cfg["knn_n"]
    ref = os.path.join(tmp, f"exact_ref_{cfg['approx_n']}.npy")
    ss = run_child(
        _KNN.format(
            n_max=max(ns + [cfg["approx_n"]]),
            ns=sorted(set(ns + [cfg["approx_n"]])),
            n_ref=cfg["approx_n"],
            ref=ref,
        ),
        label="exact kNN",
    )
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
    return "\n".join(text), {"ss": ss, "sk": sk}, ref


# ----------------------------------------------------------------------------- approx

_APPROX = """
import time, numpy as np
from streamsmote.neighbors.pynndescent import kneighbors_pynndescent as kneighbors_approx
from streamsmote.neighbors import kneighbors_exact
X = np.random.default_rng(1).normal(size=({n}, 20))
import os
ref = np.load({ref!r}) if os.path.exists({ref!r}) else kneighbors_exact(X, 5)[0]
t = time.perf_counter(); kneighbors_approx(X, 5, random_state=0, n_neighbors=24)
emit(cold=time.perf_counter() - t)
res = {{}}
for b in {builds!r}:
    best = 1e9
    for _ in range({reps}):
        t = time.perf_counter(); idx, _ = kneighbors_approx(X, 5, random_state=0, n_neighbors=b)
        best = min(best, time.perf_counter() - t)
    hits = sum(len(np.intersect1d(idx[i], ref[i])) for i in range(0, len(idx)))
    res[str(b)] = dict(warm=best, recall=hits / idx.size)
    emit(builds=res)
"""


def bench_approx(cfg, tmp, ref):
    n = cfg["approx_n"]
    empty = fresh_cache_dir("approx-cold")
    r = run_child(
        _APPROX.format(n=n, ref=ref, builds=cfg["build"], reps=2),
        env={"NUMBA_CACHE_DIR": empty},
        label="approx sweep, empty cache",
    )
    if "dir" in _WARM:
        cleanup(empty)
    else:
        _WARM["dir"] = empty
    try:
        from streamsmote.neighbors.pynndescent import BUILD_NEIGHBORS as default
    except Exception:  # noqa: BLE001
        default = None
    first_b = 24
    compile_cost = r["cold"] - r["builds"][str(first_b)]["warm"]
    rows = []
    for b in cfg["build"]:
        x = r["builds"][str(b)]
        rows.append(
            [
                str(b) + (" (default)" if b == default else ""),
                f"{x['recall']:.4f}",
                "✓" if x["recall"] >= 0.95 else "✗",
                fmt_s(x["warm"]),
                fmt_s(x["warm"] + compile_cost),
            ]
        )
    text = [
        f"## Approximate kNN (`kneighbors_approx`, pynndescent), {n:,} × 20 isotropic Gaussian",
        "",
        "recall@5 = mean over rows of |approx top-5 ∩ exact top-5| / 5 (exact from "
        "`kneighbors_exact`), target ≥ 0.95. `n_neighbors=` sets the NN-descent graph size "
        "(BUILD_NEIGHBORS). *Warm*: best of 2 builds after pynndescent is compiled in the "
        "process. *Cold*: the first build in a fresh process with an **empty** numba cache "
        f"(the first run after installing) took {fmt_s(r['cold'])} at BUILD_NEIGHBORS=24, i.e. "
        f"{fmt_s(compile_cost)} of compilation on top of the warm build; since compilation "
        "does not depend on BUILD_NEIGHBORS, the other cold figures are warm + that overhead. "
        "The first build in a process whose disk cache is already populated is in the auto "
        "section below. Same `random_state=0` everywhere.",
        "",
        md_table(
            [
                "BUILD_NEIGHBORS",
                "recall@5",
                "≥ 0.95",
                "warm build",
                "cold build (empty cache, 1st in process)",
            ],
            rows,
        ),
    ]
    return "\n".join(text), r


# ----------------------------------------------------------------------------- auto

_AUTO_EXACT = """
import time, numpy as np
from streamsmote.neighbors import kneighbors_exact
X = np.random.default_rng(2).normal(size=({n_max}, 20))
kneighbors_exact(X[:5000], 5)
out = {{}}
pred = None
ns = {ns!r}
for i, n in enumerate(ns):
    if pred is not None and pred > {limit}:
        break
    t = time.perf_counter(); kneighbors_exact(X[:n], 5); out[str(n)] = time.perf_counter() - t
    if i + 1 < len(ns):
        pred = out[str(n)] * (ns[i + 1] / n) ** 2
emit(exact=out)
"""

_AUTO_APPROX = """
import time, numpy as np
from streamsmote.neighbors.pynndescent import kneighbors_pynndescent as kneighbors_approx
X = np.random.default_rng(2).normal(size=({n_max}, 20))
out = {{}}
n0 = {ns!r}[0]
t = time.perf_counter(); kneighbors_approx(X[:n0], 5, random_state=0); cold = time.perf_counter() - t
for n in {ns!r}:
    best = 1e9
    for _ in range(2 if n <= 50_000 else 1):
        t = time.perf_counter(); kneighbors_approx(X[:n], 5, random_state=0); best = min(best, time.perf_counter() - t)
    out[str(n)] = best
    emit(cold0=cold, warm=out)
"""


def _crossing(f, g, lo=1_000, hi=20_000_000):
    """Smallest n on a log grid where f(n) >= g(n) (f: exact, g: approx)."""
    grid = np.unique(np.geomspace(lo, hi, 2000).astype(np.int64))
    for n in grid:
        if f(n) >= g(n):
            return int(n)
    return None


def bench_auto(cfg, first_ever_compile=None):
    ns = cfg["auto_n"]
    warm_cache = _WARM.get("dir")
    if warm_cache is None:
        warm_cache = _WARM["dir"] = fresh_cache_dir("auto")
        # populate the cache, so that "cold" below means "first build in this process"
        run_child(
            _AUTO_APPROX.format(n_max=ns[0], ns=[ns[0]]),
            env={"NUMBA_CACHE_DIR": warm_cache},
            label="auto: prime cache",
        )
    ex = run_child(
        _AUTO_EXACT.format(n_max=max(ns), ns=ns, limit=cfg["exact_limit"]),
        env={"NUMBA_CACHE_DIR": warm_cache},
        label="auto: exact",
    )
    ap = run_child(
        _AUTO_APPROX.format(n_max=max(ns), ns=ns),
        env={"NUMBA_CACHE_DIR": warm_cache},
        label="auto: approx",
    )
    exact = {int(k): v for k, v in ex["exact"].items()}
    warm = {int(k): v for k, v in ap["warm"].items()}
    compile_cost = max(0.0, ap["cold0"] - warm[ns[0]])
    # exact ~ a n^2 (from the two largest measured n); approx warm ~ b n^p (log-log fit)
    big = sorted(exact)[-2:]
    a = float(np.mean([exact[n] / n**2 for n in big]))
    xs = np.log(np.array(sorted(warm), dtype=float))
    ys = np.log(np.array([warm[n] for n in sorted(warm)]))
    p, logb = np.polyfit(xs, ys, 1)

    def f_exact(n):
        return a * float(n) ** 2

    def f_warm(n):
        return float(np.exp(logb) * float(n) ** p)

    rows = []
    for n in ns:
        t_ex = exact.get(n)
        ex_txt = fmt_s(t_ex) if t_ex is not None else f"{fmt_s(f_exact(n))} (extrapolated n²)"
        t_e = t_ex if t_ex is not None else f_exact(n)
        rows.append(
            [
                f"{n:,}",
                ex_txt,
                fmt_s(warm[n]),
                fmt_s(warm[n] + compile_cost),
                "exact" if t_e <= warm[n] else "approx",
                "exact" if t_e <= warm[n] + compile_cost else "approx",
            ]
        )
    x_warm = _crossing(f_exact, f_warm)
    x_cold = _crossing(f_exact, lambda n: f_warm(n) + compile_cost)
    res = dict(
        exact=exact,
        warm=warm,
        compile=compile_cost,
        a=a,
        p=p,
        x_warm=x_warm,
        x_cold=x_cold,
        first_ever=first_ever_compile,
    )
    # streamsmote's thresholds now weigh exact against its own approximate graph
    # (bench_graph.py); this section keeps the exact-vs-pynndescent crossovers for reference.
    text = [
        '## `neighbors="auto"` thresholds: exact vs approximate kNN (d=20, k=5)',
        "",
        "Exact: `kneighbors_exact`, warm; measured while the next size is predicted to take "
        f"≤ {cfg['exact_limit']:.0f} s, larger sizes extrapolated as a·n² from the two largest "
        "measured. Approx: `kneighbors_approx` (BUILD_NEIGHBORS default), warm = already "
        "compiled in this process; cold = warm + the first-build-in-process overhead "
        f"({fmt_s(compile_cost)}, measured at n={ns[0]:,} with a populated numba disk cache).",
        "",
        md_table(
            [
                "n (class rows)",
                "exact",
                "approx warm",
                "approx cold (1st in process)",
                "faster if warm",
                "faster if cold",
            ],
            rows,
        ),
        "",
        f"Fits: exact ≈ {a * 1e9:.3f} ns · n²; approx warm ≈ {np.exp(logb) * 1e6:.3g} µs · "
        f"n^{p:.2f}.",
        "",
        (
            f"**Crossovers.** Exact stops beating an already-compiled pynndescent at "
            f"n ≈ {x_warm:,} rows; it stops beating a pynndescent that still has to compile "
            f"in this process at n ≈ {x_cold:,} rows. "
            if x_warm and x_cold
            else "**Crossovers.** not found in range. "
        )
        + "streamsmote's own thresholds: benchmarks/results_graph.md."
        + (
            f" (The very first build on a machine, with an empty numba disk cache, costs "
            f"{fmt_s(first_ever_compile)} instead; that happens once per install.)"
            if first_ever_compile
            else ""
        ),
    ]
    return "\n".join(text), res


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
    ap.add_argument("--sections", default=",".join(SECTIONS))
    ap.add_argument(
        "--out",
        default=None,
        help="results file (default: results_core.md, or "
        "/tmp/ssbench/results_core_quick.md with --quick)",
    )
    args = ap.parse_args(argv)
    cfg = sizes(args.quick)
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    tmp = data_dir()
    out = args.out or (
        os.path.join(tmp, "results_core_quick.md")
        if args.quick
        else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results_core.md")
    )
    t0 = time.time()
    parts, raw = [], {}
    l0 = load_avg()
    ref = os.path.join(tmp, f"exact_ref_{cfg['approx_n']}.npy")
    first_ever = None
    for s in sections:
        print(f"== {s}", file=sys.stderr, flush=True)
        if s == "e2e":
            txt, raw[s] = bench_e2e(cfg, tmp)
        elif s == "knn":
            txt, raw[s], ref = bench_knn(cfg, tmp)
        elif s == "approx":
            txt, raw[s] = bench_approx(cfg, tmp, ref)
            first_ever = raw[s]["cold"]
        elif s == "auto":
            txt, raw[s] = bench_auto(cfg, first_ever)
        elif s == "gen":
            txt, raw[s] = bench_gen(cfg)
        elif s == "import":
            txt, raw[s] = bench_import(args.quick)
        else:
            raise SystemExit(f"unknown section {s!r}; choose from {SECTIONS}")
        parts.append(txt)
        print(txt + "\n", flush=True)
    header = [
        "# Core benchmarks" + (" (--quick)" if args.quick else ""),
        f"`python benchmarks/bench_core.py{' --quick' if args.quick else ''}` — "
        f"{time.strftime('%Y-%m-%d %H:%M')}, total {fmt_s(time.time() - t0)}; machine load "
        f"average (1 min) {l0:.1f} at start, {load_avg():.1f} at end (the machine is shared: "
        "compare ratios within this run, not absolute times across runs). streamsmote code: "
        + code_version()
        + ".",
    ]
    with open(out, "w") as f:
        f.write("\n\n".join(header + parts) + "\n")
    with open(
        os.path.join(tmp, "raw_core" + ("_quick" if args.quick else "") + ".json"), "w"
    ) as f:
        json.dump(raw, f, default=str, indent=1)
    if "dir" in _WARM:
        cleanup(_WARM["dir"])
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
