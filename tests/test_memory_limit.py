"""memory_limit bounds the whole fit (store, graph, search scratch, chunk buffers), and the
answer does not depend on it (streamsmote._budget, neighbors.exact.plan_search)."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import streamsmote as ss
from streamsmote import _threads, neighbors
from streamsmote._budget import CHUNK_COPIES, FitBudget
from streamsmote.neighbors import choose, kneighbors
from streamsmote.neighbors.approx import approx_bytes
from streamsmote.neighbors.exact import kneighbors_exact, plan_search, search_bytes
from streamsmote.sampler import parse_memory

pytest.importorskip("pyarrow")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _blobs(n, n_min, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.zeros(n, dtype=np.int64)
    y[rng.choice(n, n_min, replace=False)] = 1
    X[y == 1] += 0.5
    return X, y


def _write_parquet(path, n, n_min, d, seed=0, row_group=50_000):
    X, y = _blobs(n, n_min, d, seed)
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(d)])
    df["y"] = y
    df.to_parquet(path, row_group_size=row_group, index=False)
    return path


def _run_peak_mb(args, threads, auto_exact_max=None):
    """The command line ``streamsmote ARGS`` in a child with ``threads`` threads (and
    ``auto``'s exact search up to ``auto_exact_max`` rows); its own peak RSS (MB).

    The child reports its own peak as it ends (:func:`streamsmote.cli.peak_memory`): the
    ``ru_maxrss`` that ``wait4`` reports starts from the parent's peak (the child is started
    by vfork), so a test process grown by earlier tests would hide the child's."""
    env = dict(os.environ, PYTHONPATH=REPO, NUMBA_NUM_THREADS=str(threads))
    code = (
        "import sys, streamsmote.neighbors as nb, streamsmote.cli as cli\n"
        + ("" if auto_exact_max is None else f"nb.AUTO_EXACT_MAX = {auto_exact_max}\n")
        + "rc = cli.main(sys.argv[1:])\n"
        "print('peak-kB', cli.peak_memory() // 1024, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 0, err[-2000:]
    kb = [line.split()[1] for line in err.splitlines() if line.startswith("peak-kB ")]
    return int(kb[-1]) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM: Linux /proc")
def test_child_peak_rss_within_limit(tmp_path):
    # A 40,000-row class with k=30 searched by 4 threads: the symmetric screen would hold four
    # threads' top-38 lists and a merged one (~90 MB) besides the 19 MB of outputs (measured
    # without a limit: 94 MB above the baseline); under a 40 MB limit the search has to plan
    # query blocks instead (measured: 33 MB above the baseline).
    k, d, n, n_min, limit, threads = 30, 4, 200_000, 40_000, 40 << 20, 4
    assert search_bytes(n_min, d, k, threads) > 2 * limit  # today's plan would not fit
    big = _write_parquet(tmp_path / "big.parquet", n, n_min, d)
    small = _write_parquet(tmp_path / "small.parquet", 20_000, 4_000, d, seed=1)
    common = ["--target", "y", "--neighbors", "exact", "--k", str(k), "--seed", "0"]
    common += ["--chunksize", "50000", "--memory-limit", str(limit), "--overwrite"]
    # The process before the fit: interpreter, numba with the same kernels loaded (a small
    # file through the same search; run twice so that the numba disk cache is warm).
    out = str(tmp_path / "out.parquet")
    _run_peak_mb(["resample", str(small), out, *common], threads)
    baseline = _run_peak_mb(["resample", str(small), out, *common], threads)
    peak = _run_peak_mb(["resample", str(big), out, *common], threads)
    # margin: allocator slack, the writer's pyarrow pool, thread stacks (the unbounded plan
    # would exceed it by about 25 MB)
    margin = 30
    assert peak <= baseline + limit / 2**20 + margin, (peak, baseline)
    assert len(pd.read_parquet(out)) == 2 * (n - n_min)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM: Linux /proc")
def test_auto_takes_the_approximate_graph_only_if_it_fits(tmp_path):
    # auto's switch to the approximate graph lowered to 20,000 rows so that a 60,000-row class
    # takes it: about 42 MB (approx_bytes), which a 150 MB limit holds and a 30 MB limit
    # does not; there auto searches exactly, within the limit, with the exact answer. Twenty
    # columns, so that the approximate graph misses some neighbours (at 8 it found them all).
    k, d, n, n_min, threads = 5, 20, 180_000, 60_000, 2
    assert 30 << 20 < approx_bytes(n_min, d, k) < 150 << 20
    data = _write_parquet(tmp_path / "d.parquet", n, n_min, d)
    small = _write_parquet(tmp_path / "small.parquet", 20_000, 4_000, d, seed=1)
    common = ["--target", "y", "--k", str(k), "--seed", "0", "--chunksize", "40000"]
    common += ["--overwrite"]

    def run(src, out, limit, neighbors="auto"):
        args = ["resample", str(src), str(out), *common, "--neighbors", neighbors]
        args += ["--memory-limit", str(limit)]
        return _run_peak_mb(args, threads, auto_exact_max=20_000 if src == data else None)

    # the process before the fit, with the same kernels loaded (twice: a warm disk cache)
    for backend in ("approx", "exact", "approx"):
        baseline = run(small, tmp_path / "s.parquet", 150 << 20, backend)
    peaks = {}
    for limit in (150 << 20, 30 << 20):
        peaks[limit] = run(data, tmp_path / f"{limit}.parquet", limit)
        assert peaks[limit] <= baseline + limit / 2**20 + 30, (peaks, baseline)
    run(data, tmp_path / "exact.parquet", 30 << 20, "exact")
    exact = pd.read_parquet(tmp_path / "exact.parquet")
    tight = pd.read_parquet(tmp_path / f"{30 << 20}.parquet")
    roomy = pd.read_parquet(tmp_path / f"{150 << 20}.parquet")
    pd.testing.assert_frame_equal(tight, exact)  # 30 MB: the exact search
    assert not roomy.equals(exact)  # 150 MB: the approximate graph, another answer
    # (the two peaks are not compared: the graph, some 20 MB here, needs no more than the
    # exact search takes under 30 MB)


def test_choose_and_warn_by_the_approximate_graphs_footprint(monkeypatch):
    n, d, k = 1_000_000, 20, 5
    need = approx_bytes(n, d, k, threads=1)
    assert choose(n, memory=None, n_features=d, k=k) == "approx"
    for threads in (1, 2, 8):  # the choice, hence the graph, whatever the thread count
        monkeypatch.setattr(_threads, "n_threads", lambda t=threads: t)
        extra = approx_bytes(n, d, k) - need  # each other thread's scratch
        assert (threads - 1) * 8 * n <= extra <= (threads - 1) * 32 * n
        assert choose(n, memory=need, n_features=d, k=k) == "approx"
        assert choose(n, memory=need - 1, n_features=d, k=k) == "exact"
    assert choose(n, "approx", memory=1, n_features=d, k=k) == "approx"  # as asked
    assert choose(100, memory=1) == "exact"
    X = np.random.default_rng(2).normal(size=(3_000, 4))
    monkeypatch.setattr(neighbors, "AUTO_EXACT_MAX", 1_000)
    with pytest.warns(UserWarning, match=r'"auto" searches a class of 3000 rows exactly'):
        got = kneighbors(X, 5, memory=1 << 20)
    np.testing.assert_array_equal(got, kneighbors_exact(X, 5)[0])
    with pytest.warns(UserWarning, match=r'neighbors="approx" needs about \d+ MB .* 3000 rows'):
        got = kneighbors(X, 5, method="approx", random_state=0, memory=1 << 20)
    np.testing.assert_array_equal(got, kneighbors(X, 5, method="approx", random_state=0))


def test_exact_search_same_answer_under_any_budget():
    X = np.random.default_rng(3).normal(size=(6_000, 5))
    X[100:110] = X[0]  # exact ties: broken by index whatever the plan
    want_i, want_d = kneighbors_exact(X, 7)
    for memory in (1, search_bytes(6_000, 5, 7, 1), None):
        got_i, got_d = kneighbors_exact(X, 7, memory=memory)
        np.testing.assert_array_equal(got_i, want_i)
        np.testing.assert_array_equal(got_d, want_d)


def test_plan_search_shrinks_with_memory(monkeypatch):
    monkeypatch.setattr(_threads, "n_threads", lambda: 4)
    n, d, k = 100_000, 20, 5
    assert plan_search(n, d, k) == 4
    assert plan_search(n, d, k, memory=search_bytes(n, d, k, 4)) == 4
    assert plan_search(n, d, k, memory=search_bytes(n, d, k, 4) - 1) == 3
    assert plan_search(n, d, k, memory=search_bytes(n, d, k, 2)) == 2
    # one thread's lists of four: the query blocks are faster than a quarter of the threads
    assert plan_search(n, d, k, memory=search_bytes(n, d, k, 1)) is None
    assert search_bytes(n, d, k) < search_bytes(n, d, k, 1)


def test_fit_resample_identical_with_and_without_limit():
    X, y = _blobs(30_000, 4_000, 6, seed=4)
    want = ss.SMOTE(neighbors="exact", random_state=0).fit_resample(X, y)
    sm = ss.SMOTE(neighbors="exact", random_state=0, memory_limit="1MB")
    got = sm.fit_resample(X, y)
    # the class (4,000 x 6) would take the symmetric screen; 1 MB leaves only query blocks
    assert plan_search(4_000, 6, 5) is not None
    assert plan_search(4_000, 6, 5, sm._search_memory) is None
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_streaming_identical_with_and_without_limit(tmp_path):
    path = _write_parquet(tmp_path / "d.parquet", 60_000, 6_000, 5, row_group=10_000)
    runs = {}
    for limit in (None, "2MB"):
        sm = ss.SMOTE(neighbors="exact", random_state=0, memory_limit=limit)
        src = ss.read_parquet(path, target="y", batch_size=10_000)
        parts = list(sm.resample_chunks(src))
        runs[limit] = (
            pd.concat([b[0] for b in parts]).to_numpy(),
            np.concatenate([np.asarray(b[1]) for b in parts]),
        )
    np.testing.assert_array_equal(runs["2MB"][0], runs[None][0])
    np.testing.assert_array_equal(runs["2MB"][1], runs[None][1])


def test_budget_shares():
    b = FitBudget(parse_memory("100MB"))
    chunk = 50_000 * 20 * 8
    assert b.store_share(chunk) == 100_000_000 - CHUNK_COPIES * chunk
    assert b.search_share(resident=10_000_000) == 100_000_000 - CHUNK_COPIES * chunk - 10**7
    assert b.search_share(resident=10**9) == 0
    # a chunk as big as the limit still leaves the store a quarter of it
    assert FitBudget(1000).store_share(1000) == 250
    none = FitBudget(None)
    assert none.store_share(chunk) == parse_memory(None)
    assert none.search_share(resident=10**9) is None
