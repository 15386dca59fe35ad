"""Shared helpers for the streamsmote benchmarks.

* :func:`run_child` runs a Python snippet in a fresh child process and returns its wall time,
  its own peak RSS (its ``VmHWM`` as it exits: see :data:`_PRELUDE`) and the
  JSON objects it printed with :func:`emit` (defined in the child's prelude).
* :func:`chunks` / :func:`blobs` generate imbalanced Gaussian blobs reproducibly from a seed,
  one chunk at a time; :func:`write_parquet_file` / :func:`write_csv_file` write them to disk
  chunk by chunk, so the generator never holds the whole file.
* :func:`md_table` formats a Markdown table.

This module imports only the standard library and numpy at top level: children import it
without paying for streamsmote, numba or pandas.
"""

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
DATA_DIR = os.environ.get("SSBENCH_DIR", "/tmp/ssbench")
PYTHON = sys.executable

# A child's peak RSS is read from its own ``VmHWM`` (Linux), never from ``ru_maxrss``: Python
# starts a child with vfork, so the exec records the *parent's* peak as the child's starting
# ``ru_maxrss`` (a parent that peaked at 500 MB has every child report at least 500 MB, an
# empty one included; measured), in ``os.wait4`` and in the child's own ``getrusage`` alike.
_PRELUDE = f"""\
import atexit as _atexit, json as _json, os as _os, resource as _resource, sys as _sys
import time as _time
_sys.path.insert(0, {BENCH_DIR!r})
def peak_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024
def emit(**kw):
    kw.setdefault("rss_mb", peak_mb())
    print("@@JSON " + _json.dumps(kw), flush=True)
_atexit.register(lambda: print("@@JSON " + _json.dumps(dict(own_peak_mb=peak_mb())), flush=True))
"""


# imbalanced-learn's SMOTE on a Parquet file loaded whole with pandas (a child's code)
IMB_SMOTE_PARQUET = """
import time
t = time.perf_counter()
import pandas as pd
df = pd.read_parquet({path!r})
y = df.pop("label").to_numpy(); X = df.to_numpy(); del df
t_load = time.perf_counter() - t
from imblearn.over_sampling import SMOTE
Xr, yr = SMOTE(random_state=0).fit_resample(X, y)
emit(t=time.perf_counter() - t, t_load=t_load, n_out=int(len(yr)))
"""


def data_dir():
    os.makedirs(DATA_DIR, exist_ok=True)
    return DATA_DIR


def fresh_cache_dir(tag="numba"):
    """A new empty directory for ``NUMBA_CACHE_DIR`` (a cold on-disk JIT cache)."""
    return tempfile.mkdtemp(prefix=f"{tag}-cache-", dir=data_dir())


def section_run(name, doc, sections, argv=None):
    """The command line of a benchmark script made of sections (``--quick``, ``--sections``,
    ``--out``): ``(args, out path, temp dir, child env with a fresh numba cache)``."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sections", default=",".join(sections))
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    out = args.out or (
        os.path.join(data_dir(), f"results_{name}_quick.md")
        if args.quick
        else os.path.join(os.path.dirname(os.path.abspath(__file__)), f"results_{name}.md")
    )
    tmp = tempfile.mkdtemp(prefix=f"{name}-", dir=data_dir())
    env = {"NUMBA_CACHE_DIR": fresh_cache_dir(name)}
    return args, out, tmp, env


def run_child(code, env=None, timeout=None, label=None):
    """Run ``code`` (Python source; ``emit(**kw)`` is predefined) in a fresh interpreter.

    Returns a dict: ``wall`` (seconds, whole process including start-up), ``rss_mb`` (the
    child's peak resident set, MB), ``out`` (list of emitted dicts; the last one is also
    merged into the result), ``ok``, ``timed_out`` and ``stderr`` (tail) on failure.
    """
    src = _PRELUDE + textwrap.dedent(code)
    fd, path = tempfile.mkstemp(suffix=".py", prefix="child-", dir=data_dir())
    with os.fdopen(fd, "w") as f:
        f.write(src)
    out_f = tempfile.TemporaryFile(mode="w+")
    err_f = tempfile.TemporaryFile(mode="w+")
    full_env = dict(os.environ)
    full_env.pop("NUMBA_CACHE_DIR", None)
    full_env.update(env or {})
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, path],
        stdout=out_f,
        stderr=err_f,
        env=full_env,
        cwd=REPO,
        start_new_session=True,
    )
    timed_out = False
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if timeout is not None and time.perf_counter() - t0 > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, ru = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    os.unlink(path)
    out_f.seek(0)
    err_f.seek(0)
    stdout, stderr = out_f.read(), err_f.read()
    out = [json.loads(line[7:]) for line in stdout.splitlines() if line.startswith("@@JSON ")]
    own_peak = [o.pop("own_peak_mb") for o in out if "own_peak_mb" in o]
    out = [o for o in out if o]
    res = {}
    for o in out:
        res.update(o)
    res.update(
        wall=wall,
        # its own peak, printed as it exits (see _PRELUDE); a killed child did not print it,
        # and its wait4 peak is only an upper bound (at least the parent's peak)
        rss_mb=own_peak[-1] if own_peak else ru.ru_maxrss / 1024,
        cpu_s=ru.ru_utime + ru.ru_stime,  # user + system CPU of the child (and its children)
        out=out,
        ok=proc.returncode == 0 and not timed_out,
        timed_out=timed_out,
    )
    if not res["ok"] and not timed_out:
        res["stderr"] = stderr[-3000:]
        print(
            f"[child {label or ''} failed rc={proc.returncode}]\n{stderr[-3000:]}", file=sys.stderr
        )
    if label:
        print(
            f"  {label}: wall {wall:.1f}s rss {res['rss_mb']:.0f}MB"
            + (" TIMEOUT" if timed_out else "")
            + ("" if res["ok"] or timed_out else " FAIL"),
            file=sys.stderr,
            flush=True,
        )
    return res


# ------------------------------------------------------------------------------------ data


def minority_positions(n, n_min):
    """Evenly spread rows of the minority class (the same count at every file size)."""
    return (np.arange(n_min, dtype=np.int64) * n) // n_min


BLOCK = 100_000  # rows per random block: the data do not depend on how they are chunked


def chunks(n, d, n_min, seed=0, chunk=BLOCK, shift=1.0, dtype=np.float64):
    """Yield ``(X, y)`` chunks of imbalanced Gaussian blobs.

    Majority rows (label 0) are N(0, I); minority rows (label 1) are N(shift, I), drawn from
    their own stream so that the minority rows are the same whatever ``n`` is; they sit at
    evenly spaced positions. Block ``i`` of :data:`BLOCK` rows comes from
    ``default_rng([seed, i])``, so the data set does not depend on ``chunk`` (a multiple of
    :data:`BLOCK`, or smaller than it and dividing it).
    """
    X_min = np.random.default_rng([seed, 10**9]).normal(shift, 1.0, size=(n_min, d))
    pos = minority_positions(n, n_min)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        X = np.empty((stop - start, d))
        for b0 in range(start - start % BLOCK, stop, BLOCK):
            b1 = min(b0 + BLOCK, n)
            block = np.random.default_rng([seed, b0 // BLOCK]).normal(0.0, 1.0, size=(b1 - b0, d))
            lo, hi = max(b0, start), min(b1, stop)
            X[lo - start : hi - start] = block[lo - b0 : hi - b0]
        y = np.zeros(stop - start, dtype=np.int64)
        lo, hi = np.searchsorted(pos, [start, stop])
        X[pos[lo:hi] - start] = X_min[lo:hi]
        y[pos[lo:hi] - start] = 1
        yield X.astype(dtype, copy=False), y


def blobs(n, d, n_min, seed=0, dtype=np.float64):
    """The whole data set of :func:`chunks` in memory."""
    X = np.empty((n, d), dtype=dtype)
    y = np.empty(n, dtype=np.int64)
    start = 0
    for Xc, yc in chunks(n, d, n_min, seed, chunk=10 * BLOCK, dtype=dtype):
        X[start : start + len(yc)] = Xc
        y[start : start + len(yc)] = yc
        start += len(yc)
    return X, y


def columns(d):
    return [f"f{j}" for j in range(d)]


def write_parquet_file(path, n, d, n_min, seed=0, row_group=100_000):
    """Write :func:`chunks` to a Parquet file (features ``f0..``, label ``label``), once."""
    if os.path.exists(path):
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = path + ".tmp"
    names = columns(d) + ["label"]
    writer = None
    for X, y in chunks(n, d, n_min, seed, chunk=row_group):
        arrays = [pa.array(X[:, j]) for j in range(d)] + [pa.array(y)]
        table = pa.Table.from_arrays(arrays, names=names)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema, compression="snappy")
        writer.write_table(table, row_group_size=row_group)
    writer.close()
    os.replace(tmp, path)
    return path


def write_csv_file(path, n, d, n_min, seed=0, chunk=100_000):
    """Write :func:`chunks` to a CSV file (``%.9g`` floats), once."""
    if os.path.exists(path):
        return path
    import pandas as pd

    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for i, (X, y) in enumerate(chunks(n, d, n_min, seed, chunk=chunk)):
            df = pd.DataFrame(X, columns=columns(d))
            df["label"] = y
            df.to_csv(f, header=i == 0, index=False, float_format="%.9g")
    os.replace(tmp, path)
    return path


# ------------------------------------------------------------------------------------ output


def md_table(headers, rows):
    """A Markdown table; floats are formatted by the caller."""
    rows = [[str(c) for c in r] for r in rows]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def fmt_s(t):
    if t is None:
        return "–"
    if t >= 100:
        return f"{t:.0f} s"
    if t >= 10:
        return f"{t:.1f} s"
    if t >= 0.1:
        return f"{t:.2f} s"
    return f"{t * 1000:.1f} ms"


def fmt_mb(m):
    return "–" if m is None else f"{m:.0f} MB"


def fmt_x(r):
    return "–" if r is None else f"{r:.1f}×"


def machine_info():
    """nproc, CPU model, library versions and the date, as Markdown lines."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    code = """
    import importlib, platform
    v = {}
    for m in ["numpy", "numba", "pynndescent", "imblearn", "sklearn", "pandas", "pyarrow",
              "streamsmote"]:
        try:
            v[m] = importlib.import_module(m).__version__
        except Exception as e:
            v[m] = "n/a"
    emit(versions=v, python=platform.python_version())
    """
    r = run_child(code)
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 2**20:.0f} GB"
    except OSError:
        pass
    vers = ", ".join(f"{k} {v}" for k, v in r.get("versions", {}).items())
    return "\n".join(
        [
            f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
            f"- nproc: {os.cpu_count()} ({cpu}), RAM {mem}, {platform.system()} "
            f"{platform.release()}",
            f"- Python {r.get('python', '?')}; {vers}",
            f"- streamsmote code: {code_version()}",
            f"- NUMBA_NUM_THREADS: {os.environ.get('NUMBA_NUM_THREADS', 'default')}",
        ]
    )


def load_avg():
    """The 1-minute load average, NaN where the platform has none."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return float("nan")


def code_version():
    """``HEAD`` commit of the repository, and whether ``streamsmote/`` differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "streamsmote"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes in streamsmote/" if dirty else "")


def cleanup(path):
    shutil.rmtree(path, ignore_errors=True)


SECTION_MARK = "<!-- section {} -->"


def kept_sections(path, rerun):
    """``{name: text}`` of the sections of an existing results file that this run does not
    redo (sections are delimited by ``<!-- section NAME -->`` lines)."""
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        text = f.read()
    kept = {}
    for block in re.split(r"^(?=<!-- section \w+ -->$)", text, flags=re.M)[1:]:
        name = re.match(r"<!-- section (\w+) -->", block).group(1)
        if name not in rerun:
            kept[name] = block.strip()
    return kept
