"""polars beside pandas: ``fit_resample`` on the same data as ndarray, pandas and polars, and
the same file streamed with ``read_parquet``/``read_csv`` and with ``from_polars`` over a
``scan_parquet``/``scan_csv`` query.

Every configuration runs in its own child process; peak RSS is that child's own (its
``VmHWM``, see ``_common.py``).
In memory, the time is the median of 3 warm calls (the first call, which loads numba's
kernels, is not counted); streamed, it is one full ``write_parquet(sm.resample_chunks(src))``
pass, the child's peak RSS included numba's kernels in both columns alike.

Usage::

    python benchmarks/bench_polars.py           # full run, writes results_polars.md
    python benchmarks/bench_polars.py --quick   # tiny sizes, writes to /tmp/ssbench
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    cleanup,
    code_version,
    fmt_mb,
    fmt_s,
    fmt_x,
    load_avg,
    md_table,
    run_child,
    section_run,
    write_csv_file,
    write_parquet_file,
)

SECTIONS = ("memory", "stream")


def sizes(quick):
    if quick:
        return dict(
            mem=(50_000, 20, 1_000), parquet=(200_000, 20, 2_000), csv=(100_000, 20, 1_000)
        )
    return dict(
        mem=(1_000_000, 20, 10_000),
        parquet=(4_000_000, 20, 20_000),
        csv=(1_000_000, 20, 10_000),
    )


_IN_MEMORY = """
import statistics, time
import numpy as np
import streamsmote as ss
from _common import blobs, columns
X, y = blobs({n}, {d}, {n_min})
kind = {kind!r}
if kind == "pandas":
    import pandas as pd
    X, y = pd.DataFrame(X, columns=columns({d})), pd.Series(y, name="label")
elif kind == "polars":
    import polars as pl
    X, y = pl.DataFrame(X, schema=columns({d})), pl.Series("label", y)
sm = ss.SMOTE(random_state=0, neighbors="exact")
sm.fit_resample(X, y)
times = []
for _ in range(3):
    t = time.perf_counter()
    X_res, y_res = sm.fit_resample(X, y)
    times.append(time.perf_counter() - t)
emit(t=statistics.median(times), rows=len(y_res), out=type(X_res).__module__.split(".")[0])
"""

_STREAM = """
import os, time
import streamsmote as ss
path, out = {path!r}, {out!r}
if {polars!r}:
    import polars as pl
    query = pl.scan_parquet(path) if path.endswith(".parquet") else pl.scan_csv(path)
    src = ss.from_polars(query, target="label", batch_size=100_000)
elif path.endswith(".parquet"):
    src = ss.read_parquet(path, target="label", batch_size=100_000)
else:
    src = ss.read_csv(path, target="label", chunksize=100_000)
t = time.perf_counter()
info = ss.write_parquet(ss.SMOTE(random_state=0).resample_chunks(src), out)
emit(t=time.perf_counter() - t, rows=info["rows"])
os.unlink(out)
"""


def bench_memory(cfg, env):
    n, d, n_min = cfg["mem"]
    res = {
        kind: run_child(
            _IN_MEMORY.format(n=n, d=d, n_min=n_min, kind=kind), env=env, label=f"mem {kind}"
        )
        for kind in ("numpy", "pandas", "polars")
    }
    assert all(r["ok"] for r in res.values()), "a child failed"
    rows = [
        [kind, r["out"][-1]["out"], fmt_s(r["t"]), fmt_x(r["t"] / res["pandas"]["t"]),
         fmt_mb(r["rss_mb"])]
        for kind, r in res.items()
    ]  # fmt: skip
    return (
        f"## fit_resample in memory ({n:,} rows × {d}, {n_min:,} minority, exact)\n\n"
        + md_table(["input", "output", "warm call", "vs pandas", "peak RSS"], rows)
    )


def bench_stream(cfg, tmp, env):
    lines = []
    for fmt in ("parquet", "csv"):
        n, d, n_min = cfg[fmt]
        path = os.path.join(tmp, f"polars_{n}x{d}.{fmt}")
        (write_parquet_file if fmt == "parquet" else write_csv_file)(path, n, d, n_min)
        res = {}
        for polars in (False, True):
            code = _STREAM.format(path=path, out=os.path.join(tmp, "out.parquet"), polars=polars)
            name = f"from_polars(scan_{fmt})" if polars else f"read_{fmt}"
            res[name] = run_child(code, env=env, label=f"stream {name}")
            assert res[name]["ok"], f"{name} failed"
        pandas_t = next(iter(res.values()))["t"]
        rows = [
            [f"`{name}`", f"{r['rows']:,}", fmt_s(r["t"]), fmt_x(r["t"] / pandas_t),
             fmt_mb(r["rss_mb"])]
            for name, r in res.items()
        ]  # fmt: skip
        lines.append(
            f"## {fmt.upper()} → balanced Parquet ({n:,} rows × {d}, {n_min:,} minority, "
            "batches of 100,000)\n\n"
            + md_table(["source", "rows written", "wall", "vs pandas reader", "peak RSS"], rows)
        )
    return "\n\n".join(lines)


def main(argv=None):
    args, out, tmp, env = section_run("polars", __doc__, SECTIONS, argv)
    cfg = sizes(args.quick)
    wanted = args.sections.split(",")
    parts = [
        "# polars beside pandas" + (" (--quick)" if args.quick else ""),
        "",
        f"streamsmote {code_version()}; load average at start {load_avg():.1f}. "
        "In memory: median of 3 warm calls. Streamed: one pass writing the balanced Parquet "
        "file; peak RSS of the child.",
    ]
    try:
        if "memory" in wanted:
            parts += ["", bench_memory(cfg, env)]
        if "stream" in wanted:
            parts += ["", bench_stream(cfg, tmp, env)]
    finally:
        cleanup(tmp)
    with open(out, "w") as f:
        f.write("\n".join(parts) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
