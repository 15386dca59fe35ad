"""Neighbour graph backends: build time, recall@5 and peak memory of ``exact``, ``approx``
(streamsmote's own graph) and ``pynndescent``, and the ``neighbors="auto"`` threshold.

* Data: ``n`` rows x 20 features, float64, from a fixed seed: *isotropic* (standard normal, the
  hard case: no low-dimensional structure) and *clustered* (100 Gaussian clusters of different
  widths around centres spread 4 units apart).
* Every (size, data, backend) runs in its own fresh child process. *fresh* is the first build
  in that process (for pynndescent: its compile of 45-90 s plus the build; for streamsmote:
  loading the kernels from a disk cache that a priming child filled first, whose cold compile
  is reported apart); *warm* is a second build in the same process, with another seed. CPU
  is the process CPU time of the fresh build (all threads), steadier than wall time on a busy
  machine. Peak RSS is the child's own (its ``VmHWM``, see ``_common.py``); the data alone is
  reported apart.
* Recall@5: on 2,000 random query rows, against a brute-force float64 search computed once per
  data set by another child and kept on disk.
* auto: exact and approx warm build times from 20k to 320k rows (isotropic, 20-d); the
  crossover is the ``AUTO_EXACT_MAX`` of ``streamsmote/neighbors/__init__.py``.

The exact search is not run above 100k rows (it is n^2: about 10 min at 1M on 2 cores); its
time there is extrapolated from 100k as n^2 and marked so.

Run: python benchmarks/bench_graph.py [--quick] [--sections graph,auto] [--sizes 100000,1000000]
[--kinds isotropic] [--backends approx] [--out FILE]
(writes benchmarks/results_graph.md; --quick: 100k rows only, writes under /tmp/ssbench).
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import (  # noqa: E402
    data_dir,
    fmt_mb,
    fmt_s,
    fresh_cache_dir,
    machine_info,
    md_table,
    run_child,
)

D = 20
K = 5
N_QUERY = 2_000
SIZES = (100_000, 1_000_000, 4_000_000)
QUICK_SIZES = (100_000,)
KINDS = ("isotropic", "clustered")
BACKENDS = ("exact", "approx", "pynndescent")
EXACT_MAX_RUN = 100_000
AUTO_SIZES = (20_000, 40_000, 80_000, 160_000, 320_000)
QUICK_AUTO_SIZES = (10_000, 20_000, 40_000)

_DATA = f"""
import numpy as np
def make(kind, n, d={D}):
    rng = np.random.default_rng([7, n])
    if kind == "isotropic":
        return rng.standard_normal((n, d))
    centres = rng.standard_normal((100, d)) * 4.0
    X = rng.standard_normal((n, d)) * rng.uniform(0.3, 1.5, size=(n, 1))
    X += centres[rng.integers(0, 100, size=n)]
    return X
"""

_TRUTH = (
    _DATA
    + """
from streamsmote.neighbors.exact import brute_knn
X = make({kind!r}, {n})
q = np.sort(np.random.default_rng([8, {n}]).choice({n}, {nq}, replace=False))
d = np.empty((q.size, {k})); i = np.empty((q.size, {k}), dtype=np.int64)
brute_knn(X, np.ascontiguousarray(X[q]), q.astype(np.int64), d, i)
np.savez({path!r}, q=q, idx=i)
emit(done=True)
"""
)

_BUILD = (
    _DATA
    + """
X = make({kind!r}, {n})
emit(rss_data=peak_mb())
from streamsmote.neighbors import kneighbors
def build(seed):
    t, c = time.perf_counter(), time.process_time()
    nn = kneighbors(X, {k}, method={backend!r}, random_state=seed)
    return nn, time.perf_counter() - t, time.process_time() - c
import time
nn, fresh, cpu = build(0)
truth = np.load({truth!r})
found = nn[truth["q"]]
recall = float(np.mean([len(set(a) & set(b)) for a, b in zip(found, truth["idx"])])) / {k}
emit(fresh=fresh, cpu=cpu, recall=recall)
if {warm}:
    nn = None
    _, warm, warm_cpu = build(1)
    emit(warm=warm, warm_cpu=warm_cpu)
"""
)

_AUTO = """
import time, numpy as np
from streamsmote.neighbors import kneighbors
out = {{}}
for n in {sizes}:
    X = np.random.default_rng([9, n]).standard_normal((n, {d}))
    kneighbors(X[:5000], {k}, method={backend!r}, random_state=0)
    t, c = time.perf_counter(), time.process_time()
    kneighbors(X, {k}, method={backend!r}, random_state=0)
    out[n] = (time.perf_counter() - t, time.process_time() - c)
emit(times=out)
"""

_PRIME = """
import time, numpy as np
X = np.random.default_rng(0).standard_normal((6000, {d}))
from streamsmote.neighbors import kneighbors
t = time.perf_counter()
for m in ("exact", "approx"):
    kneighbors(X, {k}, method=m, random_state=0)
emit(compile=time.perf_counter() - t)
"""


def truth_file(kind, n, env):
    path = os.path.join(data_dir(), f"graph_truth_{kind}_{n}.npz")
    if not os.path.exists(path):
        code = _TRUTH.format(kind=kind, n=n, nq=N_QUERY, k=K, path=path)
        run_child(code, env=env, label=f"truth {kind} {n}")
    return path


def section_graph(sizes, kinds, env, timeout, rows, report, backends=BACKENDS):
    """Rows of the table, appended to ``rows``; ``report()`` after each (partial results
    survive an interrupted run)."""
    exact_at = {}
    for n in sizes:
        for kind in kinds:
            truth = truth_file(kind, n, env)
            for backend in backends:
                done = [r for r in rows if (r["n"], r["kind"]) == (n, kind)]
                if any(r["backend"].startswith(backend) for r in done):
                    if backend == "exact" and n <= EXACT_MAX_RUN:
                        exact_at[(kind, n)] = next(r for r in done if r["backend"] == "exact")
                    continue  # kept from an earlier run (--resume)
                if backend == "exact" and n > EXACT_MAX_RUN:
                    base = exact_at.get((kind, EXACT_MAX_RUN))
                    if base:
                        scale = (n / EXACT_MAX_RUN) ** 2
                        rows.append(
                            dict(
                                n=n,
                                kind=kind,
                                backend="exact (extrapolated n²)",
                                fresh=base["fresh"] * scale,
                                warm=base["warm"] * scale if base.get("warm") else None,
                                recall=1.0,
                            )
                        )
                        report()
                    continue
                code = _BUILD.format(
                    kind=kind,
                    n=n,
                    k=K,
                    backend=backend,
                    truth=truth,
                    warm=n <= 1_000_000,
                )
                r = run_child(code, env=env, timeout=timeout, label=f"{backend} {kind} {n}")
                row = dict(n=n, kind=kind, backend=backend, **r)
                rows.append(row)
                report()
                if backend == "exact":
                    exact_at[(kind, n)] = row


def section_auto(sizes, env, timeout):
    times = {}
    for backend in ("exact", "approx"):
        code = _AUTO.format(sizes=tuple(sizes), d=D, k=K, backend=backend)
        r = run_child(code, env=env, timeout=timeout, label=f"auto {backend}")
        times[backend] = {int(n): t for n, t in r.get("times", {}).items()}
    return times, crossover(times, sizes)


def crossover(times, sizes):
    """The first size where approx takes less CPU time than exact. CPU time decides: on a
    shared machine it follows the unloaded wall time (x threads) far more closely than the
    wall time does."""
    return next(
        (
            n
            for n in sizes
            if n in times["approx"]
            and n in times["exact"]
            and times["approx"][n][1] < times["exact"][n][1]
        ),
        None,
    )


def target_notes(rows):
    """Issue 12's targets, checked against the table: at 1M x 20 isotropic, approx fresh at
    least 4x faster than pynndescent fresh with recall@5 >= 0.95; recall >= 0.99 clustered."""

    def row(kind, backend):
        return next(
            (
                r
                for r in rows
                if (r["n"], r["kind"], r["backend"]) == (1_000_000, kind, backend)
                and r.get("fresh")
            ),
            None,
        )

    a, p, c = (
        row("isotropic", "approx"),
        row("isotropic", "pynndescent"),
        row("clustered", "approx"),
    )
    notes = []
    if a and p:
        ok = p["fresh"] / a["fresh"] >= 4 and a["recall"] >= 0.95
        notes.append(
            f"- 1M isotropic: approx fresh is {p['fresh'] / a['fresh']:.1f}× faster than "
            f"pynndescent fresh at recall@5 {a['recall']:.3f} (target: ≥ 4× at ≥ 0.95): "
            + ("met." if ok else "**not met**.")
        )
    if c:
        notes.append(
            f"- 1M clustered: approx recall@5 {c['recall']:.4f} (target ≥ 0.99): "
            + ("met." if c["recall"] >= 0.99 else "**not met**.")
        )
    return ["", "Targets (issue 12):", "", *notes] if notes else []


def warm_notes(rows):
    """The comparison that the online index's choice rests on: once pynndescent is compiled
    (a long-running process), which builds a graph faster, and with how much memory."""
    notes = []
    for r in rows:
        if r["backend"] != "approx" or not r.get("warm"):
            continue
        p = next(
            (
                p
                for p in rows
                if (p["n"], p["kind"], p["backend"]) == (r["n"], r["kind"], "pynndescent")
                and p.get("warm")
            ),
            None,
        )
        if p:
            notes.append(
                f"- {r['n']:,} {r['kind']}, warm (pynndescent already compiled): approx "
                f"{fmt_s(r['warm'])} ({fmt_s(r['warm_cpu'])} CPU), pynndescent "
                f"{fmt_s(p['warm'])} ({fmt_s(p['warm_cpu'])} CPU); peak RSS "
                f"{fmt_mb(r['rss_mb'])} against {fmt_mb(p['rss_mb'])}."
            )
    if notes:
        notes = [
            "Once pynndescent is compiled (the case of a long-running online process):",
            "",
            *notes,
        ]
    return notes


def graph_table(rows):
    out = []
    order = {b: i for i, b in enumerate(BACKENDS)}
    for r in sorted(
        rows,
        key=lambda r: (r["n"], KINDS.index(r["kind"]), order.get(r["backend"].split()[0], 9)),
    ):
        ratio = ""
        if r["backend"] == "approx":
            peer = next(
                (
                    p
                    for p in rows
                    if p["n"] == r["n"]
                    and p["kind"] == r["kind"]
                    and p["backend"] == "pynndescent"
                ),
                None,
            )
            if peer and peer.get("fresh") and r.get("fresh"):
                ratio = f"{peer['fresh'] / r['fresh']:.1f}×"
                if peer.get("cpu") and r.get("cpu"):
                    ratio += f" ({peer['cpu'] / r['cpu']:.1f}× in CPU time)"
        if r.get("timed_out"):
            fresh = "> cap"
        else:
            fresh = fmt_s(r.get("fresh"))
        out.append(
            [
                f"{r['n']:,}",
                r["kind"],
                r["backend"],
                fresh,
                fmt_s(r.get("cpu")),
                fmt_s(r.get("warm")),
                "–" if r.get("recall") is None else f"{r['recall']:.4f}",
                fmt_mb(r.get("rss_mb")) if "rss_mb" in r else "–",
                fmt_mb(r.get("rss_data")) if "rss_data" in r else "–",
                ratio,
            ]
        )
    return md_table(
        [
            "rows",
            "data",
            "backend",
            "fresh time",
            "fresh CPU",
            "warm time",
            "recall@5",
            "peak RSS",
            "RSS of the data",
            "pynndescent fresh / approx fresh",
        ],
        out,
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sections", default="graph,auto")
    ap.add_argument("--sizes", default=None, help="comma-separated row counts, run in order")
    ap.add_argument("--kinds", default=",".join(KINDS), help="data sets, run in this order")
    ap.add_argument(
        "--backends", default=",".join(BACKENDS), help="graph section: backends to run"
    )
    ap.add_argument("--out", default=None)
    ap.add_argument("--timeout", type=float, default=1800.0, help="cap per child (s)")
    ap.add_argument(
        "--resume", action="store_true", help="keep the rows of the last run, run the others"
    )
    args = ap.parse_args(argv)
    sizes = (
        tuple(int(s) for s in args.sizes.split(","))
        if args.sizes
        else (QUICK_SIZES if args.quick else SIZES)
    )
    out = args.out or (
        os.path.join(data_dir(), "results_graph_quick.md")
        if args.quick
        else os.path.join(HERE, "results_graph.md")
    )
    env = {"NUMBA_CACHE_DIR": fresh_cache_dir("graph")}
    prime = run_child(_PRIME.format(d=D, k=K), env=env, label="prime the numba cache")
    lines = [
        "# Neighbour graphs: exact, approx (streamsmote), pynndescent",
        "",
        machine_info(),
        "",
        f"k = {K}, {D} features, float64. One fresh child process per row. streamsmote's "
        "kernels are loaded from a disk cache filled beforehand; filling it (the one-time "
        f"compile of the exact and approx kernels) took {fmt_s(prime.get('compile'))}. "
        "pynndescent cannot cache its build functions: its fresh time includes their compile.",
    ]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" (run of {time.strftime('%H:%M')})"
    sections = args.sections.split(",")

    def report(extra=()):
        loads = state["loads"] or [load]
        note = [
            "",
            "Load average when the measuring runs started (other jobs shared the machine: wall "
            "times stretch with it, CPU times much less): " + "; ".join(loads) + ".",
        ]
        text = "\n".join(lines + note + list(extra)) + "\n"
        with open(out, "w") as f:
            f.write(text)
        return text

    # Measurements kept between runs (--resume): the table's rows and the auto timings.
    state_path = os.path.join(data_dir(), os.path.basename(out) + ".state.json")
    state = {"rows": [], "auto": None}
    if args.resume and os.path.exists(state_path):
        with open(state_path) as f:
            state = json.load(f)
    rows = state["rows"]
    state.setdefault("loads", [])
    n_before = len(rows)

    def save_state():
        if len(rows) > n_before and load not in state["loads"]:
            state["loads"].append(load)
        with open(state_path, "w") as f:
            json.dump(
                {**state, "rows": [{k: v for k, v in r.items() if k != "out"} for r in rows]},
                f,
            )

    if "graph" in sections:

        def save_rows():
            save_state()
            report(head + [graph_table(rows)])

        head = ["", "## Build time, recall@5, peak RSS", ""]
        section_graph(
            sizes,
            args.kinds.split(","),
            env,
            args.timeout,
            rows,
            save_rows,
            tuple(args.backends.split(",")),
        )
        lines += head + [graph_table(rows), ""] + warm_notes(rows)
        lines += target_notes(rows)
        missing = [
            f"{n:,} {kind}"
            for n in SIZES
            for kind in KINDS
            if not any((r["n"], r["kind"]) == (n, kind) for r in rows)
        ]
        if missing:
            lines += ["", "Not measured in this run: " + ", ".join(missing) + "."]
    if "auto" in sections:
        auto_sizes = QUICK_AUTO_SIZES if args.quick else AUTO_SIZES
        if state.get("auto"):
            times = {b: {int(n): t for n, t in v.items()} for b, v in state["auto"].items()}
            cross = crossover(times, auto_sizes)
        else:
            times, cross = section_auto(auto_sizes, env, args.timeout)
            state["auto"] = times
            state["loads"].append(f"{load}: auto")
            save_state()

        def cell(backend, n):
            t = times[backend].get(n)
            return "–" if t is None else f"{fmt_s(t[0])} ({fmt_s(t[1])} CPU)"

        table = md_table(
            ["rows", "exact (warm)", "approx (warm)"],
            [[f"{n:,}", cell("exact", n), cell("approx", n)] for n in auto_sizes],
        )
        lines += [
            "",
            "## auto: exact against approx by class size (isotropic, 20-d, warm)",
            "",
            table,
            "",
            f"approx first takes less CPU time than exact at {cross:,} rows."
            if cross
            else "approx never takes less CPU time than exact here.",
        ]
        from streamsmote import neighbors

        lines += [
            "",
            "Thresholds set in `streamsmote/neighbors/__init__.py`: "
            f"AUTO_EXACT_MAX = {neighbors.AUTO_EXACT_MAX:,} (exact up to there, approx above; "
            "auto never picks pynndescent: see the warm comparison above).",
        ]
    print(report())
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    t = time.time()
    main()
    print(f"{time.time() - t:.0f} s", file=sys.stderr)
