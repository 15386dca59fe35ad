# ruff: noqa: E501  (the child-process snippets are kept one statement per line)
"""Nominal-data benchmarks: ``streamsmote.SMOTENC`` / ``SMOTEN`` against imbalanced-learn's
in memory (time, peak RSS, identical output), SMOTE-NC with high-cardinality categories
(where imbalanced-learn runs out of memory), and SMOTE-NC / SMOTE-N streamed from Parquet
files of 1M and 5M rows (bounded memory).

Every configuration runs in its own fresh child process (:func:`_common.run_child`); peak RSS is
that child's own (its ``VmHWM``, see ``_common.py``). streamsmote children use a numba disk cache
primed by one earlier child (whose time, the first-ever compile, is reported apart).
imbalanced-learn children run under an address-space limit (``RLIMIT_AS``, 16 GiB) so that a huge
allocation fails with ``MemoryError`` instead of taking the machine down.

Outputs are compared in a separate child: each run pickles its ``(X_res, y_res)`` into a
temporary directory that is removed at the end; the Parquet files of the streaming section
are written into (and removed with) a temporary directory as well.

Usage::

    python benchmarks/bench_nominal.py           # full run, writes results_nominal.md
    python benchmarks/bench_nominal.py --quick   # small sizes (~2-3 min), writes to /tmp/ssbench
    python benchmarks/bench_nominal.py --sections nc,n,highcard,stream
"""

import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    BLOCK,
    cleanup,
    code_version,
    fmt_mb,
    fmt_s,
    fmt_x,
    load_avg,
    machine_info,
    md_table,
    minority_positions,
    run_child,
    section_run,
)

SECTIONS = ("nc", "n", "highcard", "stream")
N_NUM = 8
LEVELS = [300, 200, 40, 5]
HIGH_LEVELS = [4_000, 4_000]
AS_LIMIT = 16 * 2**30  # RLIMIT_AS of the imbalanced-learn children


def sizes(quick):
    if quick:
        return dict(
            inmem_n=30_000,
            high_n=60_000,
            stream_n=[100_000, 300_000],
            stream_minority=5_000,
            smoten_stream_n=[100_000, 300_000],
            batch=50_000,
            imblearn_cap=300,
            stream_cap=300,
        )
    return dict(
        inmem_n=150_000,
        high_n=400_000,
        stream_n=[1_000_000, 5_000_000],
        stream_minority=50_000,  # minority rows of every streamed file: the majority grows
        smoten_stream_n=[1_000_000, 5_000_000],
        batch=200_000,
        imblearn_cap=900,
        stream_cap=900,
    )


# ------------------------------------------------------------------------------------ data


def mixed_chunks(n, levels, n_num=N_NUM, minority=0.05, seed=0, chunk=BLOCK):
    """Yield ``(num, codes, y)`` chunks of mixed numeric / categorical data.

    ``num`` is ``(m, n_num)`` float64, ``codes`` a list of int32 arrays (one per categorical
    column, values in ``range(levels[j])``), ``y`` int64 labels, 1 for the minority
    (``round(minority * n)`` rows evenly spread through the data). Majority rows: N(0, I)
    numeric, Zipf-like categories (level i with weight 1/(i+1)); minority rows: N(1, I)
    numeric, the same weights over levels shifted by a third of the column's cardinality.
    Block ``i`` of :data:`_common.BLOCK` rows comes from ``default_rng([seed, i])``, so the
    data do not depend on ``chunk`` (a multiple of BLOCK, or a divisor of it).
    """
    n_min = int(round(minority * n))
    pos = minority_positions(n, n_min)
    probs = []
    for L in levels:
        w = 1.0 / np.arange(1, L + 1)
        probs.append(w / w.sum())
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        num = np.empty((stop - start, n_num))
        codes = [np.empty(stop - start, dtype=np.int32) for _ in levels]
        y = np.zeros(stop - start, dtype=np.int64)
        lo, hi = np.searchsorted(pos, [start, stop])
        y[pos[lo:hi] - start] = 1
        for b0 in range(start - start % BLOCK, stop, BLOCK):
            b1 = min(b0 + BLOCK, n)
            rng = np.random.default_rng([seed, b0 // BLOCK])
            m = b1 - b0
            bnum = rng.normal(0.0, 1.0, size=(m, n_num))
            bmin = np.zeros(m, dtype=bool)
            blo, bhi = np.searchsorted(pos, [b0, b1])
            bmin[pos[blo:bhi] - b0] = True
            bnum[bmin] += 1.0
            a, z = max(b0, start), min(b1, stop)
            num[a - start : z - start] = bnum[a - b0 : z - b0]
            for j, L in enumerate(levels):
                c = rng.choice(L, size=m, p=probs[j]).astype(np.int32)
                c[bmin] = (c[bmin] + L // 3) % L
                codes[j][a - start : z - start] = c[a - b0 : z - b0]
        yield num, codes, y


def level_names(j, L):
    return np.array([f"c{j}_{i:04d}" for i in range(L)], dtype=object)


def mixed_frame(n, levels, n_num=N_NUM, seed=0):
    """The whole data set of :func:`mixed_chunks` as a DataFrame (numeric ``n0..``, string
    categorical ``c0..``; object arrays as pandas infers them) and the label array."""
    import pandas as pd

    parts, ys = [], []
    names = [level_names(j, L) for j, L in enumerate(levels)]
    for num, codes, y in mixed_chunks(n, levels, n_num, seed=seed, chunk=10 * BLOCK):
        cols = {f"n{i}": num[:, i] for i in range(n_num)}
        for j, c in enumerate(codes):
            cols[f"c{j}"] = names[j][c]
        parts.append(pd.DataFrame(cols))
        ys.append(y)
    return pd.concat(parts, ignore_index=True), np.concatenate(ys)


def write_mixed_parquet(path, n, levels, n_num=N_NUM, seed=0, row_group=200_000, minority=0.05):
    """Write :func:`mixed_chunks` to Parquet chunk by chunk (string columns, ``label``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    dicts = [pa.array(level_names(j, L).tolist(), type=pa.string()) for j, L in enumerate(levels)]
    writer = None
    for num, codes, y in mixed_chunks(n, levels, n_num, minority, seed=seed, chunk=row_group):
        arrays = [pa.array(num[:, i]) for i in range(n_num)]
        for j, c in enumerate(codes):
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(c), dicts[j]).cast(pa.string()))
        arrays.append(pa.array(y))
        names = [f"n{i}" for i in range(n_num)] + [f"c{j}" for j in range(len(levels))]
        table = pa.Table.from_arrays(arrays, names=names + ["label"])
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression="snappy")
        writer.write_table(table, row_group_size=row_group)
    writer.close()
    return path


# ------------------------------------------------------------------------------------ children

_LIMIT = f"""
import resource as _r
_r.setrlimit(_r.RLIMIT_AS, ({AS_LIMIT}, {AS_LIMIT}))
"""

_IMB = (
    _LIMIT
    + """
import time, pickle, traceback
from bench_nominal import mixed_frame
X, y = mixed_frame({n}, {levels!r}, n_num={n_num})
from imblearn.over_sampling import {cls}
sm = {cls}({args}random_state=0)
emit(before_mb=peak_mb())
t = time.perf_counter()
try:
    Xr, yr = sm.fit_resample(X, y)
except MemoryError as e:
    emit(t=time.perf_counter() - t, error="MemoryError: " + str(e),
         where=traceback.format_exc().strip().splitlines()[-3].strip())
else:
    t1 = time.perf_counter() - t
    emit(t=t1, n_out=int(len(yr)))
    if {save!r}:
        with open({save!r}, "wb") as f:
            pickle.dump((Xr, yr), f, protocol=5)
"""
)

_SS = """
import time, pickle
from bench_nominal import mixed_frame
X, y = mixed_frame({n}, {levels!r}, n_num={n_num})
import streamsmote as ss
sm = ss.{cls}({args}random_state=0, neighbors="exact")
emit(before_mb=peak_mb())
t = time.perf_counter()
Xr, yr = sm.fit_resample(X, y)
emit(t=time.perf_counter() - t, n_out=int(len(yr)))
if {save!r}:
    with open({save!r}, "wb") as f:
        pickle.dump((Xr, yr), f, protocol=5)
"""

_DATA_ONLY = """
from bench_nominal import mixed_frame
X, y = mixed_frame({n}, {levels!r}, n_num={n_num})
emit(dtypes=sorted(set(str(t) for t in X.dtypes)))
"""

_PRIME = """
import time
t = time.perf_counter()
import streamsmote as ss
from bench_nominal import mixed_frame
X, y = mixed_frame(4_000, [30, 20, 4, 3])
ss.SMOTENC(["c0", "c1", "c2", "c3"], random_state=0, neighbors="exact").fit_resample(X, y)
ss.SMOTEN(random_state=0).fit_resample(X[["c0", "c1", "c2", "c3"]], y)
emit(t=time.perf_counter() - t)
"""

_CMP = """
import pickle, numpy as np, pandas as pd
with open({a!r}, "rb") as f:
    Xa, ya = pickle.load(f)
with open({b!r}, "rb") as f:
    Xb, yb = pickle.load(f)
res = dict(shape_a=list(Xa.shape), shape_b=list(Xb.shape), y_equal=bool(np.array_equal(np.asarray(ya), np.asarray(yb))))
same_cols = list(Xa.columns) == list(Xb.columns)
res["columns_equal"] = same_cols
res["dtypes_a"] = [str(t) for t in Xa.dtypes]
res["dtypes_b"] = [str(t) for t in Xb.dtypes]
if Xa.shape == Xb.shape and same_cols:
    A = Xa.reset_index(drop=True); B = Xb.reset_index(drop=True)
    diff = np.zeros(len(A), dtype=bool)
    for c in A.columns:
        a = A[c].to_numpy(); b = B[c].to_numpy()
        diff |= ~(a == b)
    res["rows_differ"] = int(diff.sum())
    try:
        pd.testing.assert_frame_equal(A, B, check_exact=True)
        res["frame_equal"] = True
    except AssertionError as e:
        res["frame_equal"] = False
        res["frame_msg"] = str(e)[:300]
else:
    res["rows_differ"] = None
    res["frame_equal"] = False
res["identical"] = bool(res["frame_equal"] and res["y_equal"])
emit(**res)
"""

_STREAM = """
import time, os
import streamsmote as ss
t = time.perf_counter()
if {smoten!r}:
    sm = ss.SMOTEN(random_state=0)
else:
    sm = ss.SMOTENC({cats!r}, random_state=0)
info = ss.write_parquet(sm.resample_chunks(ss.read_parquet({path!r}, "label", batch_size={batch}{cols})), {out!r})
el = time.perf_counter() - t
size = os.path.getsize({out!r})
os.unlink({out!r})
emit(t=el, n_out=int(info["rows"]), n_syn=int(info["synthetic_rows"]), out_mb=size / 2**20)
"""

_BARE = """
import time
import streamsmote as ss
import numpy as np
t = time.perf_counter()
n = 0
src = ss.read_parquet({path!r}, "label", batch_size={batch}{cols})
src.categorical = lambda X: np.array([str(c).startswith("c") for c in X.columns])  # as a sampler sets it
for X, y in src:
    n += len(y)
emit(t=time.perf_counter() - t, n_out=n)
"""


def _imb_args(cls, cats):
    return f"categorical_features={cats!r}, " if cls == "SMOTENC" else ""


def status(r, cap):
    if r.get("timed_out"):
        return f"> {cap} s (capped)"
    if "error" in r:
        return "MemoryError"
    if not r["ok"]:
        return "FAILED"
    return None


def verdict(ok):
    return "**met**" if ok else "**not met**"


# ------------------------------------------------------------------------------------ in memory


def bench_inmem(cfg, tmp, env, which):
    n = cfg["inmem_n"]
    if which == "nc":
        cls, levels, n_num = "SMOTENC", LEVELS, N_NUM
        cats = [f"c{j}" for j in range(len(levels))]
        title = (
            f"## SMOTE-NC in memory: {n:,} rows × ({n_num} float64 + {len(levels)} string "
            f"categorical columns with {'/'.join(map(str, levels))} levels), 5% minority"
        )
    else:
        cls, levels, n_num = "SMOTEN", LEVELS, 0
        cats = None
        title = (
            f"## SMOTE-N in memory: {n:,} rows × {len(levels)} string categorical columns "
            f"({'/'.join(map(str, levels))} levels), 5% minority"
        )
    print(f"[{which}] {n:,} rows", file=sys.stderr, flush=True)
    fa, fb = os.path.join(tmp, f"{which}_imb.pkl"), os.path.join(tmp, f"{which}_ss.pkl")
    base = run_child(_DATA_ONLY.format(n=n, levels=levels, n_num=n_num), label="data only")
    imb = run_child(
        _IMB.format(n=n, levels=levels, n_num=n_num, cls=cls, args=_imb_args(cls, cats), save=fa),
        timeout=cfg["imblearn_cap"],
        label=f"imblearn {cls}",
    )
    ssr = run_child(
        _SS.format(n=n, levels=levels, n_num=n_num, cls=cls, args=_imb_args(cls, cats), save=fb),
        env=env,
        label=f"streamsmote {cls}",
    )
    cmp = None
    if os.path.exists(fa) and os.path.exists(fb):
        cmp = run_child(_CMP.format(a=fa, b=fb), label="compare")
    for f in (fa, fb):
        if os.path.exists(f):
            os.unlink(f)
    t_imb = imb.get("t") if imb["ok"] and "error" not in imb else None
    t_ss = ssr.get("t") if ssr["ok"] else None
    tr = t_imb / t_ss if t_imb and t_ss else None
    mr = imb["rss_mb"] / ssr["rss_mb"] if imb["ok"] and ssr["ok"] else None
    # what the fit itself adds: peak RSS minus the peak before the call (input data, imports
    # and the sampler object are the same for both and outside the sampler's control)
    add_imb = imb["rss_mb"] - imb["before_mb"] if imb["ok"] and "before_mb" in imb else None
    add_ss = ssr["rss_mb"] - ssr["before_mb"] if ssr["ok"] and "before_mb" in ssr else None
    ar = add_imb / add_ss if add_imb and add_ss else None
    if cmp is None or not cmp["ok"]:
        ident = "not checked"
    elif cmp.get("identical"):
        ident = "yes"
    else:
        ident = f"NO ({cmp.get('rows_differ')} rows differ; y equal: {cmp.get('y_equal')})"
    rows = [
        [
            f"imblearn `{cls}(random_state=0)`",
            status(imb, cfg["imblearn_cap"]) or fmt_s(t_imb),
            "1.0×",
            fmt_mb(imb["rss_mb"]),
            "1.0×",
            fmt_mb(add_imb),
            "1.0×",
            f"{imb.get('n_out', 0):,}",
            "(reference)",
        ],
        [
            f"streamsmote `{cls}(random_state=0, neighbors='exact')`",
            status(ssr, 0) or fmt_s(t_ss),
            fmt_x(tr),
            fmt_mb(ssr["rss_mb"]),
            fmt_x(mr),
            fmt_mb(add_ss),
            fmt_x(ar),
            f"{ssr.get('n_out', 0):,}",
            ident,
        ],
    ]
    lines = [
        f"- ≥ 5× faster: {fmt_x(tr)} → {verdict(tr is not None and tr >= 5)}",
        f"- ≥ 5× less memory, judged on what `fit_resample` adds to the process: {fmt_x(ar)} → "
        f"{verdict(ar is not None and ar >= 5)} (whole-process peak, input data and imports "
        f"included: {fmt_x(mr)})",
        f"- identical output: {ident}",
    ]
    if cmp is not None and cmp["ok"] and not cmp.get("identical"):
        lines.append(
            f"  - compare details: {json.dumps({k: v for k, v in cmp.items() if k != 'out'})[:800]}"
        )
    text = [
        title,
        "",
        f"`fit_resample` on a pandas DataFrame (`_common`-style generated data, seed 0: "
        f"majority N(0, I), minority N(1, I), Zipf-like categories shifted for the minority), "
        f"`k_neighbors=5`, `sampling_strategy='auto'`, `random_state=0`. Time is the "
        f"`fit_resample` call only; peak RSS is the whole child (interpreter, imports, the input "
        f"DataFrame and the output); *added by fit_resample* is that peak minus the child's peak "
        f"just before the call (data built, library imported, sampler constructed). The input DataFrame alone, in a child that builds it and "
        f"imports nothing else, peaks at {fmt_mb(base['rss_mb'])} (column dtypes "
        f"`{', '.join(base.get('dtypes', []))}`). streamsmote runs in a fresh process with a "
        f"warm numba disk cache. *Identical*: `pd.testing.assert_frame_equal(check_exact=True)` "
        f"on `X_res` and `np.array_equal` on `y_res`, in a separate child.",
        "",
        md_table(
            [
                "run",
                "fit_resample",
                "imblearn / this",
                "peak RSS",
                "imblearn / this",
                "added by fit_resample",
                "imblearn / this",
                "rows out",
                "identical to imblearn",
            ],
            rows,
        ),
        "",
        *lines,
    ]
    return "\n".join(text), {"imblearn": imb, "ss": ssr, "cmp": cmp, "data_only": base}


# ------------------------------------------------------------------------------------ high card


def bench_highcard(cfg, tmp, env):
    n = cfg["high_n"]
    levels = HIGH_LEVELS
    cats = [f"c{j}" for j in range(len(levels))]
    print(f"[highcard] {n:,} rows", file=sys.stderr, flush=True)
    imb = run_child(
        _IMB.format(
            n=n,
            levels=levels,
            n_num=N_NUM,
            cls="SMOTENC",
            args=_imb_args("SMOTENC", cats),
            save="",
        ),
        timeout=cfg["imblearn_cap"],
        label="imblearn SMOTENC high-card",
    )
    ssr = run_child(
        _SS.format(
            n=n,
            levels=levels,
            n_num=N_NUM,
            cls="SMOTENC",
            args=_imb_args("SMOTENC", cats),
            save="",
        ),
        env=env,
        label="streamsmote SMOTENC high-card",
    )
    if "error" in imb:
        imb_t = f"{imb['error']} (after {fmt_s(imb['t'])})"
    else:
        imb_t = status(imb, cfg["imblearn_cap"]) or fmt_s(imb.get("t"))
    rows = [
        [
            "imblearn `SMOTENC(random_state=0)`",
            imb_t,
            fmt_mb(imb["rss_mb"]),
            f"{imb.get('n_out', 0):,}",
        ],
        [
            "streamsmote `SMOTENC(random_state=0, neighbors='exact')`",
            status(ssr, 0) or fmt_s(ssr.get("t")),
            fmt_mb(ssr["rss_mb"]),
            f"{ssr.get('n_out', 0):,}",
        ],
    ]
    ok = ssr["ok"] and ssr["rss_mb"] <= 1024
    lines = [
        f"- streamsmote peak RSS ≤ 1 GB: {fmt_mb(ssr['rss_mb'])} → {verdict(ok)}",
        "- imbalanced-learn: "
        + (
            f"raised `{imb['error']}` at `{imb.get('where', '?')}`"
            if "error" in imb
            else ("did not raise MemoryError" if imb["ok"] else status(imb, cfg["imblearn_cap"]))
        ),
    ]
    text = [
        f"## SMOTE-NC, high-cardinality categories: {n:,} rows × ({N_NUM} float64 + "
        f"{len(levels)} string columns of {'/'.join(f'{L:,}' for L in levels)} levels), 5% minority",
        "",
        "Same generator and call as above. imbalanced-learn one-hot encodes the categories and "
        "then builds a dense (synthetic rows × k × one-hot columns) float64 array for the vote; "
        f"its child runs under `RLIMIT_AS` = {AS_LIMIT / 2**30:.0f} GiB, catches the "
        "`MemoryError` and reports its message (the size it tried to allocate). Peak RSS is "
        "the whole child, the input DataFrame included.",
        "",
        md_table(["run", "fit_resample", "peak RSS", "rows out"], rows),
        "",
        *lines,
    ]
    return "\n".join(text), {"imblearn": imb, "ss": ssr}


# ------------------------------------------------------------------------------------ streaming


def bench_stream(cfg, tmp, env):
    cats = [f"c{j}" for j in range(len(LEVELS))]
    batch = cfg["batch"]
    ns = sorted(set(cfg["stream_n"]) | set(cfg["smoten_stream_n"]))
    rows, raw, lines = [], {}, []
    files = {}
    for n in ns:
        path = os.path.join(tmp, f"mixed_{n}.parquet")
        t = time.perf_counter()
        write_mixed_parquet(path, n, LEVELS, row_group=batch, minority=cfg["stream_minority"] / n)
        files[n] = path
        print(f"  wrote {n:,} rows in {time.perf_counter() - t:.1f}s", file=sys.stderr, flush=True)
    runs = [("SMOTENC", n, False) for n in cfg["stream_n"]] + [
        ("SMOTEN", n, True) for n in cfg["smoten_stream_n"]
    ]
    for n in ns:
        raw[("bare", n)] = run_child(
            _BARE.format(path=files[n], batch=batch, cols=""), env=env, label=f"bare read {n}"
        )
        if n in cfg["smoten_stream_n"]:
            raw[("bare_cat", n)] = run_child(
                _BARE.format(path=files[n], batch=batch, cols=f", columns={cats!r}"),
                env=env,
                label=f"bare read cats {n}",
            )
    for name, n, smoten in runs:
        out = os.path.join(tmp, f"out_{name}_{n}.parquet")
        r = run_child(
            _STREAM.format(
                smoten=smoten,
                cats=cats,
                path=files[n],
                batch=batch,
                out=out,
                cols=f", columns={cats!r}" if smoten else "",
            ),
            env=env,
            timeout=cfg["stream_cap"],
            label=f"{name} stream {n}",
        )
        if os.path.exists(out):
            os.unlink(out)
        raw[(name, n)] = r
    for n in ns:
        for key, what in (("bare", "all columns"), ("bare_cat", "the 4 categorical columns")):
            if (key, n) not in raw:
                continue
            b = raw[(key, n)]
            rows.append(
                [
                    f"{n:,}",
                    f"bare `read_parquet`, {what} (no SMOTE)",
                    status(b, 0) or fmt_s(b.get("t")),
                    f"{n / b['t'] / 1e3:,.0f} k" if b.get("t") else "–",
                    f"{b.get('n_out', 0):,}",
                    fmt_mb(b["rss_mb"]),
                ]
            )
    for name, n, _ in runs:
        r = raw[(name, n)]
        st = status(r, cfg["stream_cap"])
        rows.append(
            [
                f"{n:,}",
                f"`{name}` → `write_parquet`",
                st or fmt_s(r.get("t")),
                f"{n / r['t'] / 1e3:,.0f} k" if not st else "–",
                f"{r.get('n_out', 0):,}" if not st else "–",
                fmt_mb(r["rss_mb"]),
            ]
        )
    for name, key in (("SMOTENC", "stream_n"), ("SMOTEN", "smoten_stream_n")):
        sizes_ = cfg[key]
        if len(sizes_) < 2:
            continue
        lo, hi = raw[(name, sizes_[0])], raw[(name, sizes_[-1])]
        if lo["ok"] and hi["ok"]:
            ratio = hi["rss_mb"] / lo["rss_mb"]
            lines.append(
                f"- {name}: peak {fmt_mb(lo['rss_mb'])} at {sizes_[0]:,} rows → "
                f"{fmt_mb(hi['rss_mb'])} at {sizes_[-1]:,} rows, ratio {ratio:.2f} "
                f"(target ≤ 1.15, flat) → {verdict(ratio <= 1.15)}; input rows/s "
                f"{sizes_[0] / lo['t'] / 1e3:,.0f} k → {sizes_[-1] / hi['t'] / 1e3:,.0f} k."
            )
        else:
            lines.append(
                f"- {name}: {status(lo, cfg['stream_cap']) or 'ok'} at {sizes_[0]:,}, "
                f"{status(hi, cfg['stream_cap']) or 'ok'} at {sizes_[-1]:,} → flatness not measured."
            )
    text = [
        f"## Streaming from Parquet: {' and '.join(f'{n:,}' for n in ns)} rows, same schema "
        f"and generator as the SMOTE-NC section",
        "",
        f"Files written chunk by chunk with pyarrow (string columns, row groups of {batch:,}, "
        "snappy) into a temporary directory removed afterwards. Each run is one fresh child "
        "(warm numba cache): "
        f"`ss.write_parquet(ss.SMOTENC({cats!r}, random_state=0).resample_chunks("
        f"ss.read_parquet(path, 'label', batch_size={batch:_})), out_path)`; SMOTEN is "
        "the same with `ss.SMOTEN(random_state=0)` reading only the 4 categorical columns "
        f"(`read_parquet(..., columns={cats!r})`) of the same files. The minority is the same "
        f"{cfg['stream_minority']:,} rows in every file ("
        + ", ".join(f"{cfg['stream_minority'] / n:.0%} of {n:,}" for n in ns)
        + "): the majority grows, which is what the flat-memory claim is about (peak memory "
        "O(chunk + minority rows + graph), never O(majority rows)); with a fixed *share* the "
        "class itself grows and its exact graph costs n² (see the 2026-11-30 13:36 run of this "
        "script in git history: 175 s for a 250,000-row class). Time includes reading, "
        "resampling and writing the output (deleted afterwards); rows/s counts input rows. "
        "*bare read* iterates the same source without SMOTE (with the source's categorical-column "
        "mask set as a sampler sets it, so the string columns pass validation).",
        "",
        md_table(["rows", "run", "time", "input rows / s", "rows out", "peak RSS"], rows),
        "",
        *lines,
    ]
    return "\n".join(text), {f"{k[0]}_{k[1]}": v for k, v in raw.items()}


# ------------------------------------------------------------------------------------ main


def main(argv=None):
    args, out, tmp, env = section_run("nominal", __doc__, SECTIONS, argv)
    cfg = sizes(args.quick)
    sections = args.sections.split(",")
    t0, l0 = time.time(), load_avg()
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    parts, raw = [], {}
    try:
        prime = run_child(_PRIME, env=env, label="prime numba cache (first-ever compile)")
        raw["prime"] = prime
        for s in sections:
            if s in ("nc", "n"):
                text, r = bench_inmem(cfg, tmp, env, s)
            elif s == "highcard":
                text, r = bench_highcard(cfg, tmp, env)
            elif s == "stream":
                text, r = bench_stream(cfg, tmp, env)
            else:
                raise SystemExit(f"unknown section {s!r}")
            parts.append(text)
            raw[s] = r
            print("\n" + text + "\n", flush=True)
    finally:
        cleanup(tmp)
        cleanup(env["NUMBA_CACHE_DIR"])
    head = [
        "# Nominal data: SMOTE-NC and SMOTE-N" + (" (--quick)" if args.quick else ""),
        "",
        f"`python benchmarks/bench_nominal.py{' --quick' if args.quick else ''}` — {started}, "
        f"total {time.time() - t0:.0f} s; machine load average (1 min) {l0:.1f} at start, "
        f"{load_avg():.1f} at end (the machine is shared: compare ratios within this run, not "
        f"absolute times across runs). streamsmote code: {code_version()}. First-ever compile "
        f"(empty numba cache, SMOTENC + SMOTEN on 4,000 rows): {fmt_s(prime.get('t'))}; every "
        "streamsmote row below runs in a fresh process with that cache populated. "
        f"imbalanced-learn children run under RLIMIT_AS = {AS_LIMIT / 2**30:.0f} GiB.",
    ]
    text = "\n".join(head) + "\n\n" + "\n\n".join(parts) + "\n\n" + machine_info() + "\n"
    with open(out, "w") as f:
        f.write(text)
    with open(out.replace(".md", ".json"), "w") if args.quick else open(os.devnull, "w") as f:
        json.dump(raw, f, default=str, indent=1)
    print(text)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
