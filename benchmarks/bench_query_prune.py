"""The pruned query-block exact search against the unpruned one, in the same run.

    python benchmarks/bench_query_prune.py [--quick] [--baseline DIR]

The query-block path of ``kneighbors_exact`` serves the cell tasks of the Dask graph
(``kneighbors_cells``: each cell's rows against its candidate cells) and every self-search
whose symmetric screen does not fit ``memory=``. For each class shape one fresh child per
variant builds the exact 5-neighbour graph

* as query blocks (``memory=`` the query path's own :func:`search_bytes`, too little for the
  symmetric screen), its peak RSS above the process before the search (numba kernels loaded);
* as cell tasks run one after the other here (``kneighbors_cells(runner=run_here)``, 8192-row
  cells);
* by the symmetric self-search (no memory bound), the reference graph;

with ``exact.QUERY_PRUNE`` on (this code) and off (rows in the caller's order, every index
block searched: the search before the pruning), and, with ``--baseline DIR``, with the
streamsmote tree in ``DIR`` (for example a checkout of the commit before). Every graph is
checked identical to the reference. Times are the child's CPU time (all threads) and wall
time; the machine is shared, so the 1-minute load average at the start of each child is
recorded with them. Writes ``benchmarks/results_query_prune.md``.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import fmt_s, machine_info, md_table, run_child, section_run  # noqa: E402

_CHILD = """
import os, time, hashlib
import numpy as np
from streamsmote.neighbors import exact
from streamsmote.neighbors.cells import kneighbors_cells
from streamsmote.neighbors.exact import kneighbors_exact, search_bytes

prune = {prune!r}
if prune is not None:
    exact.QUERY_PRUNE = prune
rng = np.random.default_rng(0)
n, d, kind = {n}, {d}, {kind!r}
X = rng.uniform(size=(n, d)) if kind == "uniform" else rng.normal(size=(n, d))
load = os.getloadavg()[0]
# the query path's kernels loaded (more than 8192 queries: the pruned path where there is one)
kneighbors_exact(X[:12000], 5, memory=1)
res = dict(load=load)


def run(name, fn):
    c, w = time.process_time(), time.perf_counter()
    out = fn()
    res[name + "_cpu"] = time.process_time() - c
    res[name + "_wall"] = time.perf_counter() - w
    return out


rss0 = peak_mb()
memory = search_bytes(n, d, 5)
stats = {{}}
g_query = run("query", lambda: kneighbors_exact(X, 5, memory=memory, stats=stats)[0])
res["query_rss_mb"] = peak_mb() - rss0
res["query_budget_mb"] = memory / 2**20
res["skipped"] = stats.get("skipped", 0) / max(1, stats.get("pairs", 1))
kneighbors_exact(X[:5000], 5)  # the other kernels loaded
kneighbors_cells(X[:20000], 5)
g_cells = run("cells", lambda: kneighbors_cells(X, 5))
g_sym = run("sym", lambda: kneighbors_exact(X, 5)[0])
res["same"] = bool((g_query == g_sym).all() and (g_cells == g_sym).all())
res["digest"] = hashlib.sha1(g_sym.tobytes()).hexdigest()
res["load_end"] = os.getloadavg()[0]
emit(**res)
"""


def sizes(quick):
    if quick:
        return [(40_000, 3, "uniform"), (20_000, 20, "isotropic"), (17_000, 18, "Gaussian")]
    return [(400_000, 3, "uniform"), (100_000, 20, "isotropic"), (170_000, 18, "Gaussian")]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    baseline = None
    if "--baseline" in argv:
        i = argv.index("--baseline")
        baseline = os.path.abspath(argv[i + 1])
        del argv[i : i + 2]
    args, out, _tmp, env = section_run("query_prune", __doc__, ("query",), argv)
    variants = [("pruned (this code)", True, None), ("unpruned (QUERY_PRUNE=False)", False, None)]
    if baseline:
        variants.append((f"baseline `{os.path.basename(baseline)}`", None, baseline))
    rows, digests = [], {}
    start = time.time()
    for n, d, kind in sizes(args.quick):
        shape = f"{n:,} × {d} {kind}"
        for label, prune, path in variants:
            print(f"[query prune] {shape}: {label}", file=sys.stderr, flush=True)
            child_env = dict(env)
            if path:
                child_env["PYTHONPATH"] = path
            code = _CHILD.format(n=n, d=d, kind=kind, prune=prune)
            r = run_child(code, env=child_env, timeout=7200)
            if not r["ok"]:
                rows.append([shape, label, "failed: " + r.get("stderr", "")[-200:]] + [""] * 7)
                continue
            digests.setdefault(shape, set()).add(r["digest"])
            rows.append(
                [
                    shape,
                    label,
                    f"{fmt_s(r['query_cpu'])} / {fmt_s(r['query_wall'])}",
                    f"{r['skipped']:.0%}",
                    f"{r['query_rss_mb']:.0f} MB ({r['query_budget_mb']:.0f} MB)",
                    f"{fmt_s(r['cells_cpu'])} / {fmt_s(r['cells_wall'])}",
                    f"{fmt_s(r['sym_cpu'])} / {fmt_s(r['sym_wall'])}",
                    f"{r['load']:.1f} → {r['load_end']:.1f}",
                    "yes" if r["same"] and len(digests[shape]) == 1 else "NO",
                ]
            )
    lines = [
        "# Pruned query-block exact search",
        "",
        f"`python benchmarks/bench_query_prune.py` — "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(start))}; total "
        f"{time.time() - start:.0f} s. One fresh child per shape and variant, default threads. "
        "Times are CPU (all threads) / wall; the machine is shared with other processes "
        "(load average at the start and end of each child), so CPU time is the steadier "
        "measure. *query blocks*: a self-search given `memory=` the query path's "
        "`search_bytes` (too little for the symmetric screen); its peak RSS above the process "
        "before it, with that budget in brackets. *cell tasks*: `kneighbors_cells(X, 5)` with "
        "`runner=run_here` (8192-row cells). *symmetric*: `kneighbors_exact(X, 5)`, the "
        "reference graph. *identical*: the three graphs equal, and equal across variants.",
        "",
        md_table(
            [
                "class",
                "code",
                "query blocks",
                "index blocks skipped",
                "query blocks: peak RSS (budget)",
                "cell tasks",
                "symmetric",
                "load average",
                "identical",
            ],
            rows,
        ),
        "",
        machine_info(),
        "",
    ]
    text = "\n".join(lines)
    with open(out, "w") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
