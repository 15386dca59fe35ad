"""The running whole-data top-M (``RunningTopM``) against brute-force numpy, on both of its
paths (float64 brute force for small updates, float32 GEMM screen with exact float64
re-ranking), for any chunking of the references and any number of threads."""

import numpy as np
import pytest
from reference import whole_data_top_m

from streamsmote.neighbors import cross
from streamsmote.neighbors.cross import RunningTopM

DTYPES = [np.float32, np.float64]


@pytest.fixture(params=["brute", "screen"])
def path(request, monkeypatch):
    """Run each test on both paths; the screen with small, ragged blocks."""
    if request.param == "brute":
        monkeypatch.setattr(cross, "BRUTE_MAX_PAIRS", 10**18)
    else:
        monkeypatch.setattr(cross, "BRUTE_MAX_PAIRS", 0)
        monkeypatch.setattr(cross, "QUERY_BLOCK", 16)
        monkeypatch.setattr(cross, "REF_BLOCK", 40)
    return request.param


def run(Q, X, labels, M, bounds, with_values=True):
    top = RunningTopM(Q, M, with_values=with_values)
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        top.update(X[lo:hi], lo, labels[lo:hi])
    return top.result()


def chunkings(n, seed=0):
    """Whole, one row at a time (for small n), fixed sizes, and random cuts."""
    rng = np.random.default_rng(seed)
    out = [[0, n], list(range(0, n, 37)) + [n]]
    cuts = np.sort(rng.choice(np.arange(1, n), size=min(n - 1, 5), replace=False))
    out.append([0, *cuts.tolist(), n])
    if n <= 60:
        out.append(list(range(n + 1)))
    return out


def assert_same(got, ref):
    rows, labels, dist, values = got
    assert rows.dtype == np.int64 and dist.dtype == np.float64
    assert np.array_equal(rows, ref[0])
    assert np.array_equal(labels, ref[1])
    assert np.array_equal(dist, ref[2])
    if values is not None:
        assert values.dtype == ref[3].dtype
        assert np.array_equal(values, ref[3], equal_nan=True)


def query_of(X, y, cls=1):
    return np.ascontiguousarray(X[y == cls])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("n", "d", "M"), [(300, 4, 11), (150, 1, 6), (200, 9, 3)])
def test_equals_reference_for_any_chunking(path, dtype, seed, n, d, M):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(dtype)
    y = (rng.random(n) < 0.2).astype(np.int64)
    Q = query_of(X, y)
    ref = whole_data_top_m(Q, X, y, M)
    for bounds in chunkings(n, seed):
        assert_same(run(Q, X, y, M, bounds), ref)
    # a query row is its own nearest row, at distance 0 (continuous data: no duplicates)
    assert np.array_equal(ref[0][:, 0], np.flatnonzero(y == 1))
    assert np.all(ref[2][:, 0] == 0.0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_duplicates_and_ties(path, dtype):
    """Rows on a small lattice: many exact distance ties and duplicate rows, all broken by
    the smaller global row number."""
    rng = np.random.default_rng(3)
    X = rng.integers(0, 3, size=(240, 3)).astype(dtype)
    y = rng.integers(0, 3, size=240)
    Q = query_of(X, y, 2)
    ref = whole_data_top_m(Q, X, y, 9)
    assert np.any(ref[2][:, :-1] == ref[2][:, 1:])  # the case is real
    for bounds in chunkings(240, 4):
        assert_same(run(Q, X, y, 9, bounds), ref)


@pytest.mark.parametrize("dtype", DTYPES)
def test_more_neighbours_than_rows_seen(path, dtype):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(7, 2)).astype(dtype)
    y = np.array([0, 1, 0, 1, 1, 0, 0])
    Q = query_of(X, y)
    top = RunningTopM(Q, 10, with_values=True)
    top.update(X[:3], 0, y[:3])
    assert_same(top.result(), whole_data_top_m(Q, X[:3], y[:3], 10))
    rows, labels, dist, values = top.result()
    assert np.all(rows[:, 3:] == -1) and np.all(labels[:, 3:] == -1)
    assert np.all(dist[:, 3:] == np.inf) and np.isnan(values[:, 3:]).all()
    top.update(X[3:], 3, y[3:])
    assert_same(top.result(), whole_data_top_m(Q, X, y, 10))


def test_before_any_update():
    rows, labels, dist, values = RunningTopM(np.zeros((2, 3)), 4).result()
    assert np.all(rows == -1) and np.all(labels == -1) and np.all(dist == np.inf)
    assert values is None


@pytest.mark.parametrize("dtype", DTYPES)
def test_constant_column_one_query_row_far_from_the_origin(path, dtype):
    rng = np.random.default_rng(6)
    X = np.c_[rng.normal(size=200), np.full(200, 7.0), rng.normal(size=200)] + 1e3
    X = X.astype(dtype)
    y = np.zeros(200, dtype=np.int64)
    y[17] = 1
    Q = query_of(X, y)
    assert Q.shape == (1, 3)
    ref = whole_data_top_m(Q, X, y, 5)
    for bounds in chunkings(200, 7):
        assert_same(run(Q, X, y, 5, bounds), ref)


@pytest.mark.parametrize("dtype", DTYPES)
def test_near_ties_below_float32_resolution(path, dtype):
    """Rows that float32 cannot tell apart: the float64 re-rank orders them."""
    rng = np.random.default_rng(8)
    base = rng.normal(size=(30, 4))
    X = np.repeat(base, 8, axis=0) + rng.normal(size=(240, 4)) * 1e-9
    X = (X[rng.permutation(240)] + 50.0).astype(dtype)
    y = (rng.random(240) < 0.3).astype(np.int64)
    Q = query_of(X, y)
    ref = whole_data_top_m(Q, X, y, 12)
    for bounds in chunkings(240, 9):
        assert_same(run(Q, X, y, 12, bounds), ref)


def test_outliers_and_float32_overflow(path):
    """A far outlier widens one block's rounding bound; values whose float32 squares
    overflow fall back to float64 brute force for their chunk."""
    rng = np.random.default_rng(10)
    X = rng.normal(size=(200, 3))
    X[50] = [1e6, 0, 0]
    X[120] = [1e30, -1e30, 0]
    y = (rng.random(200) < 0.25).astype(np.int64)
    y[[50, 120]] = 0
    Q = query_of(X, y)
    ref = whole_data_top_m(Q, X, y, 6)
    for bounds in chunkings(200, 11):
        assert_same(run(Q, X, y, 6, bounds), ref)
    y[120] = 1  # a query row whose float32 square overflows: brute force throughout
    Q = query_of(X, y)
    assert_same(run(Q, X, y, 6, [0, 100, 200]), whole_data_top_m(Q, X, y, 6))


def test_values_follow_their_rows(path):
    rng = np.random.default_rng(12)
    X = rng.normal(size=(180, 5)).astype(np.float32)
    y = rng.integers(0, 4, size=180)
    Q = query_of(X, y, 3)
    rows, labels, dist, values = run(Q, X, y, 7, [0, 50, 51, 180])
    assert values.dtype == np.float32 and values.shape == (len(Q), 7, 5)
    assert np.array_equal(values, X[rows])
    assert np.array_equal(labels, y[rows])
    assert run(Q, X, y, 7, [0, 180], with_values=False)[3] is None


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_result_does_not_depend_on_the_thread_count(threads, monkeypatch):
    from streamsmote import _threads

    monkeypatch.setattr(_threads, "n_threads", lambda: threads)
    monkeypatch.setattr(cross, "QUERY_BLOCK", 64)
    monkeypatch.setattr(cross, "REF_BLOCK", 256)  # several blocks, a ragged last one
    rng = np.random.default_rng(13)
    X = rng.normal(size=(2500, 6))
    y = (rng.random(2500) < 0.12).astype(np.int64)
    Q = query_of(X, y)
    assert len(Q) * 1000 > cross.BRUTE_MAX_PAIRS  # the screened path
    ref = whole_data_top_m(Q, X, y, 11)
    assert_same(run(Q, X, y, 11, [0, 1000, 2500]), ref)
    assert_same(run(Q, X, y, 11, [0, 40, 2500]), ref)  # a first chunk on the brute path


def test_agrees_with_scikit_learn():
    """imbalanced-learn's search: NearestNeighbors over all rows, queried with the class;
    the same indices on continuous data (scikit-learn does not define its tie order)."""
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(14)
    X = rng.normal(size=(3000, 8))
    y = (rng.random(3000) < 0.1).astype(np.int64)
    Q = query_of(X, y)
    _, ind = NearestNeighbors(n_neighbors=11).fit(X).kneighbors(Q)
    rows = run(Q, X, y, 11, [0, 1234, 3000])[0]
    assert np.mean(rows == ind) > 0.999


@pytest.mark.parametrize(
    ("Q", "M", "match"),
    [
        (np.zeros(3), 2, "2-d"),
        (np.zeros((2, 3), dtype=np.int64), 2, "float"),
        (np.zeros((2, 3)), 0, "M must be"),
        (np.zeros((2, 3)), 2.0, "M must be"),
    ],
)
def test_rejects_bad_arguments(Q, M, match):
    with pytest.raises(ValueError, match=match):
        RunningTopM(Q, M)


def test_rejects_bad_chunks():
    top = RunningTopM(np.zeros((2, 3)), 2)
    with pytest.raises(ValueError, match="shape"):
        top.update(np.zeros((4, 2)), 0, np.zeros(4))
    with pytest.raises(ValueError, match="label_index"):
        top.update(np.zeros((4, 3)), 0, np.zeros(3))
