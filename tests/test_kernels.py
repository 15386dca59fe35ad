"""Numba kernels against the numpy references: top-k search paths and the interpolation kernel
(serial and parallel give the same bits)."""

import numpy as np
import pytest
from reference import NO_INDEX, draws, interpolate, knn

from streamsmote import _threads
from streamsmote._draws import ClassDraws
from streamsmote.kernels import interpolate as interp_mod
from streamsmote.kernels.interpolate import PARALLEL_MIN_ROWS, _interpolate_serial
from streamsmote.kernels.topk import _brute_knn, _rerank_candidates

DTYPES = [np.float32, np.float64]


# ---------------------------------------------------------------------------------------------
# interpolation
# ---------------------------------------------------------------------------------------------


def _interp_case(n, d, n_draws, k, seed, dtype):
    rng = np.random.default_rng(seed)
    X = (rng.normal(size=(n, d)) * 10.0 ** rng.integers(-3, 4, size=d)).astype(dtype)
    nn = knn(X, k)[0]
    rows, cols, gaps = draws(seed, n, k, n_draws)
    return X, nn, rows, cols, gaps


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_interpolate_serial_equals_reference(dtype, seed):
    X, nn, rows, cols, gaps = _interp_case(40, 4, 500, 5, seed, dtype)
    out = np.empty((rows.size, X.shape[1]), dtype=dtype)
    interp_mod.interpolate(X, nn, rows, cols, gaps, out)
    expected = interpolate(X, nn, rows, cols, gaps)
    assert out.dtype == expected.dtype
    assert np.array_equal(out, expected)


@pytest.fixture
def kernel_calls(monkeypatch):
    """Rows handed to each call of the serial interpolation kernel."""
    calls = []

    def spy(X, nn, rows, cols, gaps, out):
        calls.append(rows.shape[0])
        return _interpolate_serial(X, nn, rows, cols, gaps, out)

    monkeypatch.setattr(interp_mod, "_interpolate_serial", spy)
    return calls


@pytest.mark.parametrize("dtype", DTYPES)
def test_interpolate_threaded_and_serial_give_identical_bits(dtype, monkeypatch, kernel_calls):
    n_draws = 3 * PARALLEL_MIN_ROWS // 2 + 123  # enough rows for three threads
    X, nn, rows, cols, gaps = _interp_case(60, 3, n_draws, 5, 7, dtype)
    expected = interpolate(X, nn, rows, cols, gaps)
    uint = np.uint32 if dtype == np.float32 else np.uint64
    for threads in [1, 2, 3]:
        monkeypatch.setattr(_threads, "n_threads", lambda t=threads: t)
        kernel_calls.clear()
        out = np.empty((n_draws, 3), dtype=dtype)
        interp_mod.interpolate(X, nn, rows, cols, gaps, out)
        assert np.array_equal(out.view(uint), expected.view(uint)), threads
        # one contiguous range per thread: the threaded path did run
        assert len(kernel_calls) == threads and sum(kernel_calls) == n_draws


def test_small_batches_run_in_one_call(monkeypatch, kernel_calls):
    monkeypatch.setattr(_threads, "n_threads", lambda: 4)
    X, nn, rows, cols, gaps = _interp_case(30, 2, 50, 3, 0, np.float64)
    out = np.empty((50, 2))
    interp_mod.interpolate(X, nn, rows, cols, gaps, out)
    assert kernel_calls == [50]
    assert np.array_equal(out, interpolate(X, nn, rows, cols, gaps))


def test_interpolate_difference_is_taken_in_the_input_dtype():
    # float32 rows whose float32 difference rounds: computing it in float64 gives other bits.
    X = np.array([[0.94708097], [-6.6543646]], dtype=np.float32)
    nn = np.array([[1], [0]], dtype=np.int64)
    rows = np.array([0], dtype=np.int64)
    cols = np.zeros(1, dtype=np.int64)
    gaps = np.array([0.27569557971833136])
    out = np.empty((1, 1), dtype=np.float32)
    interp_mod.interpolate(X, nn, rows, cols, gaps, out)
    assert np.array_equal(out, interpolate(X, nn, rows, cols, gaps))
    in64 = (X[0] + gaps[0] * (X[1].astype(np.float64) - X[0])).astype(np.float32)
    assert not np.array_equal(in64, out[0])  # the case does tell the two apart


def test_interpolate_gap_zero_and_endpoints():
    X = np.array([[0.0, 5.0], [2.0, -1.0], [4.0, 3.0]])
    nn = np.array([[1], [2], [0]], dtype=np.int64)
    rows = np.array([0, 1, 2], dtype=np.int64)
    cols = np.zeros(3, dtype=np.int64)
    out = np.empty((3, 2))
    interp_mod.interpolate(X, nn, rows, cols, np.zeros(3), out)
    assert np.array_equal(out, X)
    interp_mod.interpolate(X, nn, rows, cols, np.full(3, 0.5), out)
    assert np.array_equal(out, (X + X[[1, 2, 0]]) / 2)


# ---------------------------------------------------------------------------------------------
# brute-force top-k kernel
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("n", "d", "k"), [(20, 3, 5), (6, 2, 5), (50, 1, 4), (30, 7, 1)])
def test_brute_knn_kernel_equals_reference(dtype, n, d, k):
    X = np.random.default_rng(n * d + k).normal(size=(n, d)).astype(dtype)
    out_d = np.empty((n, k))
    out_i = np.empty((n, k), dtype=np.int64)
    _brute_knn(X, X, np.arange(n, dtype=np.int64), out_d, out_i)
    ref_i, ref_d = knn(X, k)
    assert np.array_equal(out_i, ref_i)
    assert np.array_equal(out_d, ref_d)


def test_brute_knn_kernel_pads_missing_slots():
    X = np.array([[0.0], [1.0], [3.0]])
    out_d = np.empty((3, 4))
    out_i = np.empty((3, 4), dtype=np.int64)
    _brute_knn(X, X, np.arange(3, dtype=np.int64), out_d, out_i)
    assert (out_i[:, 2:] == NO_INDEX).all() and np.isinf(out_d[:, 2:]).all()
    assert out_i[:, :2].tolist() == [[1, 2], [0, 2], [1, 0]]


def test_rerank_candidates_equals_reference_on_its_candidates():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3))
    ref_i = knn(X, 10)[0]
    # candidate lists: the true 10 nearest, shuffled, with self, duplicates and padding mixed in
    cand = np.full((40, 14), NO_INDEX, dtype=np.int64)
    for q in range(40):
        row = np.r_[ref_i[q], q, ref_i[q, :2]]
        cand[q, :13] = row[rng.permutation(13)]
    ref5_i, ref5_d = knn(X, 5)
    for bounds in [(0, 40), (0, 17, 40)]:  # whole, and in row ranges (q0 = first row)
        out_d = np.empty((40, 5))
        out_i = np.empty((40, 5), dtype=np.int64)
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            _rerank_candidates(X, cand, lo, out_d[lo:hi], out_i[lo:hi])
        assert np.array_equal(out_i, ref5_i)
        assert np.array_equal(out_d, ref5_d)


# ---------------------------------------------------------------------------------------------
# draws
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("batches", [[7], [1, 1, 5], [3, 4], [2, 100]])
def test_class_draws_match_imblearn_stream_in_any_batching(batches):
    n_c, k, n_new = 9, 5, 7
    rows, cols, gaps = draws(42, n_c, k, n_new)
    d = ClassDraws(np.random.RandomState(42).get_state(), n_c * k, n_new)
    for _ in range(2):  # rewind gives the same stream again
        d.rewind()
        parts = [d.take(b) for b in batches]
        idx = np.concatenate([p[0] for p in parts])
        g = np.concatenate([p[1] for p in parts])
        assert np.array_equal(idx // k, rows) and np.array_equal(idx % k, cols)
        assert np.array_equal(g, gaps)
        assert d.taken == n_new
        assert d.take(5)[0].size == 0  # exhausted


def test_class_draws_end_state_continues_a_shared_random_state():
    rs = np.random.RandomState(5)
    d = ClassDraws(rs.get_state(), 30, 11)
    d.take(4)
    rs.randint(0, 30, size=11)
    rs.uniform(size=11)
    after = np.random.RandomState()
    after.set_state(d.end_state())
    assert np.array_equal(after.uniform(size=5), rs.uniform(size=5))
