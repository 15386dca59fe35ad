"""Streaming benchmarks: bounded memory, throughput against a bare chunked read, the
SUSY-IR16 shape streamed from Parquet against imbalanced-learn in memory, and the command
line from CSV to CSV on the demo's data beside a bare read and a bare write of the same file.

Every configuration runs in its own child process; peak RSS is that child's own (its
``VmHWM``, see ``_common.py``).
Data files are generated once into ``$SSBENCH_DIR`` (default ``/tmp/ssbench``), never into
the repository.

Usage::

    python benchmarks/bench_streaming.py           # full run, writes results_streaming.md
    python benchmarks/bench_streaming.py --quick   # tiny sizes, writes to /tmp/ssbench
    python benchmarks/bench_streaming.py --sections memory,throughput,susy,csv
"""

import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    IMB_SMOTE_PARQUET,
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
    write_csv_file,
    write_parquet_file,
)

SECTIONS = ("memory", "throughput", "susy", "csv")


def sizes(quick):
    if quick:
        return dict(
            mem_n=[100_000, 200_000, 400_000],
            mem_d=20,
            mem_min=2_000,
            tp_ns=[100_000, 400_000],
            susy=(300_000, 18, 17_650),
            imblearn_cap=120,
            csv_rows=200_000,
        )
    return dict(
        mem_n=[1_000_000, 4_000_000, 8_000_000],
        mem_d=20,
        mem_min=20_000,
        tp_ns=[1_000_000, 8_000_000],
        susy=(2_881_796, 18, 169_623),
        imblearn_cap=360,
        csv_rows=2_000_000,
    )


_STREAM = """
import time
import streamsmote as ss
src = ss.{reader}({path!r}, target="label", {bs}=100_000)
sm = ss.SMOTE(random_state=0, neighbors={neighbors!r}, memory_limit={mem!r})
t = time.perf_counter()
n_in = n_out = 0
t_first = None
if {write!r}:
    info = ss.write_parquet(sm.resample_chunks(src), {write!r})
    n_out = info["rows"]
    import os; os.unlink({write!r})
else:
    for b in sm.resample_chunks(src, order="append"):
        if t_first is None and b.synthetic.any():
            t_first = time.perf_counter() - t
        n_out += len(b[1])
emit(t=time.perf_counter() - t, t_first=t_first, n_out=n_out)
"""

_BARE = """
import time
import streamsmote as ss
src = ss.{reader}({path!r}, target="label", {bs}=100_000)
t = time.perf_counter()
n = 0
for X, y in src:
    n += len(y)
emit(t=time.perf_counter() - t, n_out=n)
"""

_PRIME = """
import numpy as np, streamsmote as ss
from _common import blobs
X, y = blobs(20_000, 20, 2_000)
ss.SMOTE(random_state=0).fit_resample(X, y)
ss.SMOTE(random_state=0, neighbors="approx").fit_resample(X, y)
import io
ss.write_csv([(X[:10], y[:10])], io.BytesIO())  # the CSV text kernel
emit()
"""


def stream_code(path, neighbors="auto", mem=None, write=""):
    reader = "read_csv" if path.endswith(".csv") else "read_parquet"
    bs = "chunksize" if reader == "read_csv" else "batch_size"
    return _STREAM.format(
        reader=reader, bs=bs, path=path, neighbors=neighbors, mem=mem, write=write
    )


def bare_code(path):
    reader = "read_csv" if path.endswith(".csv") else "read_parquet"
    bs = "chunksize" if reader == "read_csv" else "batch_size"
    return _BARE.format(reader=reader, bs=bs, path=path)


# ----------------------------------------------------------------------------- memory


def bench_memory(cfg, tmp, env):
    d, n_min = cfg["mem_d"], cfg["mem_min"]
    rows, raw = [], {}
    for n in cfg["mem_n"]:
        path = write_parquet_file(os.path.join(tmp, f"mem_{n}_{d}_{n_min}.parquet"), n, d, n_min)
        out = os.path.join(tmp, f"out_{n}.parquet")
        r = {
            "bare read": run_child(bare_code(path), env=env, label=f"{n} bare"),
            "consume": run_child(stream_code(path), env=env, label=f"{n} consume"),
            "consume, memory_limit='128MB'": run_child(
                stream_code(path, mem="128MB"), env=env, label=f"{n} consume 128MB"
            ),
            "write_parquet": run_child(stream_code(path, write=out), env=env, label=f"{n} write"),
        }
        if os.path.exists(out):
            os.unlink(out)
        raw[n] = r
        for what, x in r.items():
            rows.append(
                [
                    f"{n:,}",
                    f"{n * d * 8 / 2**20:,.0f} MB",
                    what,
                    fmt_s(x.get("t")),
                    f"{x.get('n_out', 0):,}",
                    fmt_mb(x["rss_mb"]),
                ]
            )
    ns = cfg["mem_n"]
    lines = []
    for what in ("consume", "consume, memory_limit='128MB'", "write_parquet"):
        lo, hi = raw[ns[0]][what]["rss_mb"], raw[ns[-1]][what]["rss_mb"]
        growth = (hi / lo - 1) * 100
        ok = growth <= 15 and hi < 600
        lines.append(
            f"- {what}: {fmt_mb(lo)} at {ns[0]:,} rows → {fmt_mb(hi)} at {ns[-1]:,} "
            f"rows ({growth:+.0f}%): target (≤ +15%, < 600 MB) "
            f"{'**met**' if ok else '**missed**'}."
        )
    text = [
        f"## Bounded memory: Parquet files of {', '.join(f'{n:,}' for n in ns)} rows × {d} "
        f"float64, the same {n_min:,} minority rows",
        "",
        "`SMOTE(random_state=0).resample_chunks(read_parquet(path, target='label', "
        "batch_size=100_000))` with the default `sampling_strategy='auto'` and "
        "`neighbors='auto'`, consumed (`order='append'`) or written with `write_parquet` to a "
        "temporary file. Output rows include the synthetic rows (the minority is topped up to "
        "the majority). *bare read* iterates the same source without SMOTE (the floor: "
        'interpreter, pandas, pyarrow, one batch). "in memory" is the float64 feature '
        "matrix alone.",
        "",
        md_table(["rows", "in memory", "run", "time", "rows out", "peak RSS"], rows),
        "",
        *lines,
    ]
    return "\n".join(text), raw


# ----------------------------------------------------------------------------- throughput


def bench_throughput(cfg, tmp, env):
    d, n_min = cfg["mem_d"], cfg["mem_min"]
    rows, raw, verdicts = [], {}, []
    for n in cfg["tp_ns"]:
        pq = write_parquet_file(os.path.join(tmp, f"mem_{n}_{d}_{n_min}.parquet"), n, d, n_min)
        csv = write_csv_file(os.path.join(tmp, f"tp_{n}_{d}_{n_min}.csv"), n, d, n_min)
        for fmt, path in (("CSV", csv), ("Parquet", pq)):
            bare = run_child(bare_code(path), env=env, label=f"{fmt} {n} bare")
            sm = run_child(stream_code(path), env=env, label=f"{fmt} {n} append")
            raw[f"{fmt}_{n}"] = {"bare": bare, "append": sm}
            tb, ts, tf = bare["t"], sm["t"], sm.get("t_first")
            rows.append(
                [
                    f"{n:,}",
                    fmt,
                    "bare chunked read",
                    fmt_s(tb),
                    f"{n / tb / 1e3:,.0f} k",
                    "–",
                    "–",
                    fmt_mb(bare["rss_mb"]),
                ]
            )
            rows.append(
                [
                    f"{n:,}",
                    fmt,
                    "`resample_chunks(order='append')`",
                    fmt_s(ts),
                    f"{n / ts / 1e3:,.0f} k",
                    f"{(tf / tb - 1) * 100:+.0f}%" if tf else "–",
                    f"{(ts / tb - 1) * 100:+.0f}%",
                    fmt_mb(sm["rss_mb"]),
                ]
            )
            if fmt == "CSV":
                o = (ts / tb - 1) * 100
                verdicts.append(
                    f"- CSV, {n:,} rows: total overhead {o:+.0f}% → target ≤ 25% "
                    f"{'**met**' if o <= 25 else '**missed**'}."
                )
    text = [
        f"## Throughput: `order='append'` vs a bare chunked read (× {d} float64, the same "
        f"{n_min:,} minority rows)",
        "",
        "Same file, same reader (`read_csv(chunksize=100_000)` / `read_parquet(batch_size="
        "100_000)`), each run in its own process with a warm numba cache. *Pass-through "
        "overhead*: time until the first synthetic batch (all originals read, counted, "
        "validated and stored, graph built) vs the bare read; *total overhead* also includes "
        "generating the synthetic rows (as many as the majority minus the minority). Rows/s "
        "counts input rows. SMOTE's cost is a fixed part (the neighbour graph of the "
        f"{n_min:,} minority rows, about 0.5 s) plus a per-chunk part (class counts, the store, "
        "generation), so the overhead falls as the file grows.",
        "",
        md_table(
            [
                "rows",
                "format",
                "run",
                "time",
                "input rows / s",
                "pass-through overhead",
                "total overhead",
                "peak RSS",
            ],
            rows,
        ),
        "",
        *verdicts,
    ]
    return "\n".join(text), raw


# ----------------------------------------------------------------------------- SUSY

_IMB_PQ = IMB_SMOTE_PARQUET


def bench_susy(cfg, tmp, env):
    n, d, n_min = cfg["susy"]
    path = write_parquet_file(os.path.join(tmp, f"susy_{n}_{d}_{n_min}.parquet"), n, d, n_min)
    raw = {
        "imblearn": run_child(
            _IMB_PQ.format(path=path), timeout=cfg["imblearn_cap"], label="SUSY imblearn"
        ),
        "auto": run_child(stream_code(path), env=env, label="SUSY stream auto"),
        "auto128": run_child(
            stream_code(path, mem="128MB"), env=env, label="SUSY stream auto 128MB"
        ),
        "approx": run_child(
            stream_code(path, neighbors="approx"), env=env, label="SUSY stream approx"
        ),
    }
    imb = raw["imblearn"]
    t_imb = imb.get("t") if imb["ok"] else None

    def ratio(t):
        if t_imb is None:
            return f"> {cfg['imblearn_cap'] / t:.1f}×"
        return fmt_x(t_imb / t)

    rows = [
        [
            "imblearn `SMOTE().fit_resample` on `pd.read_parquet` arrays",
            fmt_s(t_imb) if t_imb else f"> {cfg['imblearn_cap']} s (capped)",
            "1.0×",
            fmt_mb(imb["rss_mb"]),
            f"{imb.get('n_out', 0):,}" if t_imb else "–",
        ]
    ]
    names = {
        "auto": "streamsmote `resample_chunks` (neighbors='auto', default memory_limit)",
        "auto128": "streamsmote `resample_chunks` (neighbors='auto', memory_limit='128MB')",
        "approx": "streamsmote `resample_chunks` (neighbors='approx')",
    }
    verdict = []
    for key, label in names.items():
        r = raw[key]
        rows.append([label, fmt_s(r["t"]), ratio(r["t"]), fmt_mb(r["rss_mb"]), f"{r['n_out']:,}"])
        speed = (t_imb or cfg["imblearn_cap"]) / r["t"]
        bound = "> " if t_imb is None else ""
        verdict.append(
            f"- {key}: {bound}{speed:.1f}× ({'≥' if speed >= 5 else '<'} 5×), peak "
            f"{fmt_mb(r['rss_mb'])} ({'≤' if r['rss_mb'] <= 600 else '>'} 600 MB) → "
            f"{'**met**' if speed >= 5 and r['rss_mb'] <= 600 else '**missed**'}"
        )
    text = [
        f"## SUSY-IR16 shape streamed from Parquet ({n:,} × {d}, {n_min:,} minority)",
        "",
        "Generated Gaussian data of the SUSY-IR16 shape in one Parquet file (100k-row row "
        "groups). streamsmote streams it (`read_parquet(batch_size=100_000)`, "
        "`order='append'`, output consumed); imblearn loads it with pandas and runs in memory. "
        "Times include reading the file for both (warm numba cache for streamsmote; a fresh "
        "process, so `auto` picks exact for this class size).",
        "",
        md_table(["run", "time", "imblearn / this", "peak RSS", "rows out"], rows),
        "",
        "Targets (≥ 5× faster, ≤ 600 MB peak):",
        *verdict,
    ]
    return "\n".join(text), raw


# ----------------------------------------------------------------------------- CSV -> CSV

_CSV_BARE_WRITE = """
import time
import streamsmote as ss
# the file's rows in memory (as read), then only the writing is timed
chunks = list(ss.read_csv({path!r}, target="label", chunksize=100_000))
{engine}
t = time.perf_counter()
info = ss.write_csv(chunks, {out!r})
emit(t=time.perf_counter() - t, n_in=0, n_out=info["rows"])
"""

_CSV_COPY = """
import time
import streamsmote as ss
{engine}
t = time.perf_counter()
info = ss.write_csv(ss.read_csv({path!r}, target="label", chunksize=100_000), {out!r})
emit(t=time.perf_counter() - t, n_in=info["rows"], n_out=info["rows"])
"""

# The command line in this process; its own report gives the time of the resampling (read,
# resample, write; not the interpreter's start) and the rows written, as a user sees them.
_CSV_CLI = """
import contextlib, io, re
from streamsmote.cli import main
{engine}
report = io.StringIO()
with contextlib.redirect_stdout(report):
    code = main({argv!r})
assert code == 0, report.getvalue()
emit(report=report.getvalue())
"""

_CSV_PIPE = """
import subprocess, sys
done = subprocess.run(
    ["bash", "-c", "cat {path} | " + sys.executable + " -m streamsmote resample - - "
     "--target label --seed 0 > {out}"],
    capture_output=True, text=True, check=True,
)
emit(report=done.stderr)
"""

_PANDAS_TEXT = (
    "import streamsmote.sinks as sinks; sinks._import_arrow_compute = lambda: None; "
    "sinks._numeric_columns = lambda df: None  # CSV text by pandas, as before the kernels"
)


def _cli_numbers(report):
    """Rows written and seconds from the command's own summary."""
    rows = int(re.search(r"rows written +([\d,]+)", report).group(1).replace(",", ""))
    seconds = float(re.search(r"time +([\d.]+) s", report).group(1))
    return rows, seconds


def bench_csv(cfg, tmp, env):
    from streamsmote.demo import write_demo_data

    n = cfg["csv_rows"]
    path = os.path.join(tmp, f"demo_{n}.csv")
    if not os.path.exists(path):
        write_demo_data(path, n)  # the demo's data: 20 float32 features, 1.5 % minority
    out = os.path.join(tmp, "csv_out.csv")
    out_pq = os.path.join(tmp, "csv_out.parquet")
    argv = ["resample", path, out, "--target", "label", "--seed", "0", "--overwrite"]
    runs = {
        "bare chunked read (`read_csv`)": run_child(bare_code(path), env=env, label="csv bare"),
        "bare write (`write_csv` of the rows held in memory)": run_child(
            _CSV_BARE_WRITE.format(path=path, out=out, engine=""), env=env, label="csv write"
        ),
        "bare write, pandas' `to_csv` text": run_child(
            _CSV_BARE_WRITE.format(path=path, out=out, engine=_PANDAS_TEXT),
            env=env,
            label="csv write pandas",
        ),
        "copy (`read_csv` → `write_csv`, no SMOTE)": run_child(
            _CSV_COPY.format(path=path, out=out, engine=""), env=env, label="csv copy"
        ),
        "`streamsmote resample in.csv out.csv`": run_child(
            _CSV_CLI.format(argv=argv, engine=""), env=env, label="cli csv"
        ),
        "`streamsmote resample in.csv out.csv`, pandas' `to_csv` text (no pyarrow)": run_child(
            _CSV_CLI.format(argv=argv, engine=_PANDAS_TEXT), env=env, label="cli csv pandas"
        ),
        "`cat in.csv | streamsmote resample - - > out.csv`": run_child(
            _CSV_PIPE.format(path=path, out=out), env=env, label="cli pipe"
        ),
        "`streamsmote resample in.csv out.parquet`": run_child(
            _CSV_CLI.format(argv=[*argv[:2], out_pq, *argv[3:]], engine=""),
            env=env,
            label="cli parquet",
        ),
    }
    for f in (out, out_pq):
        if os.path.exists(f):
            os.unlink(f)
    rows, raw = [], {}
    for what, r in runs.items():
        if "report" in r:
            n_out, t = _cli_numbers(r["report"])
            n_in = n
        else:
            n_out, t, n_in = r.get("n_out", 0), r.get("t"), r.get("n_in", n)
            if what.startswith("bare chunked read"):
                n_out = 0  # it writes nothing
        rate = (n_out or n_in) / t
        raw[what] = dict(t=t, n_in=n_in, n_out=n_out, rate=rate, rss_mb=r["rss_mb"])
        raw[what]["cpu_s"] = r["cpu_s"]
        rss = "–" if "cat in.csv" in what else fmt_mb(r["rss_mb"])
        shown = [f"{n_in:,}" if n_in else "–", f"{n_out:,}" if n_out else "–"]
        label = what.replace("|", "\\|")  # a pipe inside a Markdown table cell
        rows.append([label, fmt_s(t), *shown, f"{rate / 1e3:,.0f} k", fmt_s(r["cpu_s"]), rss])
    cli = raw["`streamsmote resample in.csv out.csv`"]
    old = raw["`streamsmote resample in.csv out.csv`, pandas' `to_csv` text (no pyarrow)"]
    ok = cli["rate"] >= 400_000
    text = [
        f"## Command line, CSV → CSV: the demo's data ({n:,} rows × 20 float32 features, "
        "1.5 % minority)",
        "",
        "`write_demo_data(path, n)` written once as CSV; each run in its own process with a "
        "warm numba cache. The command's runs report their own time (read, resample, write; "
        "not the interpreter's start) and rows written, as a user sees them; *rows / s* counts "
        "rows written (rows read for the bare read). *Process CPU* is the user + system time "
        "of the whole process (start-up, imports and, for the bare write, reading the file "
        "first, included; all threads): on a busy shared machine it says more than the time. "
        "*pandas' `to_csv` text* is pandas' own formatting (as before pyarrow and the numba "
        "kernel formatted CSV). The pipeline's peak memory is not measured (it is a grandchild).",
        "",
        md_table(
            ["run", "time", "rows in", "rows out", "rows / s", "process CPU", "peak RSS"], rows
        ),
        "",
        f"- CSV → CSV: {cli['rate'] / 1e3:,.0f} k rows/s ({old['t'] / cli['t']:.1f}× the "
        f"pandas text path) → target ≥ 400 k rows/s {'**met**' if ok else '**missed**'}.",
    ]
    return "\n".join(text), raw


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help="sections to run; the other sections of an existing results file are kept",
    )
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    cfg = sizes(args.quick)
    tmp = data_dir()
    out = args.out or (
        os.path.join(tmp, "results_streaming_quick.md")
        if args.quick
        else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results_streaming.md")
    )
    todo = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in todo if s not in SECTIONS]
    if unknown:
        raise SystemExit(f"unknown section(s) {unknown}; choose from {SECTIONS}")
    cache = fresh_cache_dir("stream")
    env = {"NUMBA_CACHE_DIR": cache}
    run_child(_PRIME, env=env, label="prime numba cache")
    benches = {
        "memory": bench_memory,
        "throughput": bench_throughput,
        "susy": bench_susy,
        "csv": bench_csv,
    }
    parts, raw = kept_sections(out, todo), {}
    for s in todo:
        print(f"== {s}", file=sys.stderr, flush=True)
        t0, l0 = time.time(), load_avg()
        txt, raw[s] = benches[s](cfg, tmp, env)
        run = (
            f"_Run {time.strftime('%Y-%m-%d %H:%M')} in {fmt_s(time.time() - t0)}; load "
            f"average {l0:.1f} at start, {load_avg():.1f} at end; streamsmote code: "
            f"{code_version()}._"
        )
        parts[s] = f"{SECTION_MARK.format(s)}\n{txt}\n\n{run}"
        print(txt + "\n", flush=True)
    cleanup(cache)
    header = [
        "# Streaming benchmarks" + (" (--quick)" if args.quick else ""),
        f"`python benchmarks/bench_streaming.py{' --quick' if args.quick else ''} "
        f"[--sections {','.join(SECTIONS)}]` (data files cached in {tmp}). Each section says "
        "when it ran and the load average of this shared machine then: compare within a "
        "section.",
    ]
    body = [parts[s] for s in SECTIONS if s in parts]
    with open(out, "w") as f:
        f.write("\n\n".join(header + body) + "\n")
    with open(
        os.path.join(tmp, "raw_streaming" + ("_quick" if args.quick else "") + ".json"), "w"
    ) as f:
        json.dump(raw, f, default=str, indent=1)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
