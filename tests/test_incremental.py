"""The incremental kNN index against a brute-force numpy reference, chunk after chunk."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamsmote.kernels.topk import NO_INDEX
from streamsmote.neighbors import incremental
from streamsmote.neighbors.incremental import IncrementalKNN


def brute_knn(W, k):
    """k nearest other rows of each row of W: squared distances summed in feature order in
    float64, ties by the smaller row number. Slots with no row hold NO_INDEX."""
    W = np.asarray(W, dtype=np.float64)
    n, d = W.shape
    D = np.zeros((n, n))
    for f in range(d):
        D += (W[:, None, f] - W[None, :, f]) ** 2
    np.fill_diagonal(D, np.inf)
    out = np.full((n, k), NO_INDEX, dtype=np.int64)
    order = np.arange(n)
    for i in range(n):
        best = np.lexsort((order, D[i]))[: min(k, n - 1)]
        out[i, : best.size] = best
    return out


def run_stream(index, chunks):
    for X in chunks:
        index.add(X)
        if index.n_rows == 0:
            continue
        W, nn = index.kneighbors()
        np.testing.assert_array_equal(nn, brute_knn(W, index.k))
        yield W, nn


def chunks_of(rng, sizes, d, decimals=None, dtype=np.float64):
    for m in sizes:
        X = rng.normal(size=(m, d))
        if decimals is not None:
            X = X.round(decimals)  # many exact distance ties
        yield X.astype(dtype)


@pytest.mark.parametrize("kind", ["sliding", "reservoir"])
@pytest.mark.parametrize("d", [1, 3])
def test_exact_graph_equals_brute_force_after_every_chunk(kind, d):
    rng = np.random.default_rng(d)
    sizes = [0, 1, 2, 3, 10, 37, 5, 80, 0, 120, 7, 300, 1, 4, 10, 3, 0, 9, 20, 1] * 2
    index = IncrementalKNN(4, 250, d, window_kind=kind, random_state=0)
    steps = list(run_stream(index, chunks_of(rng, sizes, d)))
    assert len(steps) == len(sizes) - 1
    assert index.n_rows == 250
    # Small chunks are absorbed incrementally, not by a full rebuild.
    assert index.n_rebuilds < len(steps) // 2


@pytest.mark.parametrize("kind", ["sliding", "reservoir"])
def test_exact_graph_with_duplicates_and_ties(kind):
    rng = np.random.default_rng(5)
    base = rng.normal(size=(6, 2)).round(1)
    chunks = [base[rng.integers(0, 6, size=m)] for m in [4, 9, 20, 3, 40, 11, 25, 60]]
    chunks += list(chunks_of(rng, [30, 30, 30], 2, decimals=0))
    index = IncrementalKNN(5, 64, 2, window_kind=kind, random_state=1)
    for _W, nn in run_stream(index, chunks):
        assert (nn != np.arange(nn.shape[0])[:, None]).all()  # never itself


def test_float32_window_and_single_feature():
    rng = np.random.default_rng(2)
    index = IncrementalKNN(3, 90, 1, dtype=np.float32)
    for _ in run_stream(index, chunks_of(rng, [5, 17, 40, 3, 60, 2], 1, dtype=np.float32)):
        pass
    assert index.window_rows().dtype == np.float32


def test_class_of_exactly_k_plus_one_rows_and_fewer():
    index = IncrementalKNN(3, 10, 2)
    index.add(np.array([[0.0, 0], [1, 0]]))
    nn = index.kneighbors()[1]
    assert nn.tolist() == [[1, NO_INDEX, NO_INDEX], [0, NO_INDEX, NO_INDEX]]
    index.add(np.array([[0.0, 2], [5, 5]]))
    np.testing.assert_array_equal(index.kneighbors()[1], brute_knn(index.window_rows(), 3))
    assert (index.kneighbors()[1] != NO_INDEX).all()


def test_sliding_window_keeps_the_newest_rows_in_ring_slots():
    index = IncrementalKNN(2, 5, 1)
    index.add(np.arange(7, dtype=float)[:, None])
    assert index.window_ids().tolist() == [5, 6, 2, 3, 4]
    assert index.window_rows().ravel().tolist() == [5, 6, 2, 3, 4]
    index.add(np.arange(100, 112, dtype=float)[:, None])  # one chunk longer than the window
    assert sorted(index.window_ids().tolist()) == list(range(14, 19))
    assert index.n_seen == 19 and index.n_rows == 5


def test_reservoir_is_a_uniform_seeded_sample():
    firsts = []
    for seed in range(40):
        index = IncrementalKNN(2, 50, 1, window_kind="reservoir", random_state=seed)
        for start in range(0, 1000, 37):
            index.add(np.arange(start, min(start + 37, 1000), dtype=float)[:, None])
        ids = index.window_ids()
        assert len(set(ids.tolist())) == 50
        np.testing.assert_array_equal(index.window_rows().ravel(), ids)
        firsts.append(ids)
    ids = np.concatenate(firsts)
    # Uniform over 0..999: mean 499.5, sd of the mean over 2000 draws about 6.5.
    assert abs(ids.mean() - 499.5) < 30
    assert (ids < 500).mean() == pytest.approx(0.5, abs=0.05)
    again = IncrementalKNN(2, 50, 1, window_kind="reservoir", random_state=39)
    for start in range(0, 1000, 37):
        again.add(np.arange(start, min(start + 37, 1000), dtype=float)[:, None])
    np.testing.assert_array_equal(again.window_ids(), firsts[-1])


def test_lazy_updates_and_dropped_graph_stay_exact():
    rng = np.random.default_rng(3)
    index = IncrementalKNN(5, 200, 3)
    index.add(rng.normal(size=(150, 3)))
    index.kneighbors()
    for _ in range(6):  # several chunks arrive while nobody needs the graph
        index.add(rng.normal(size=(20, 3)))
    np.testing.assert_array_equal(index.kneighbors()[1], brute_knn(index.window_rows(), 5))
    index.drop_graph()
    index.add(rng.normal(size=(3, 3)))
    np.testing.assert_array_equal(index.kneighbors()[1], brute_knn(index.window_rows(), 5))
    d = index.distances()
    W = index.window_rows()
    nn = index.kneighbors()[1]
    np.testing.assert_allclose(d, ((W[:, None, :] - W[nn]) ** 2).sum(-1), rtol=1e-12)


def test_pickle_mid_stream_continues_identically():
    rng = np.random.default_rng(4)
    a = IncrementalKNN(3, 80, 2, window_kind="reservoir", random_state=7)
    for m in (30, 50, 40):
        a.add(rng.normal(size=(m, 2)))
    a.kneighbors()
    b = pickle.loads(pickle.dumps(a))
    for m in (25, 60, 9):
        X = rng.normal(size=(m, 2))
        a.add(X)
        b.add(X)
        np.testing.assert_array_equal(a.kneighbors()[1], b.kneighbors()[1])
        np.testing.assert_array_equal(a.window_rows(), b.window_rows())


def test_approx_mode_recall_and_rebuilds():
    """The approximate mode's bookkeeping (buffer, local-join repairs, rebuild at 25%), on
    windows small enough that the bulk graph is built exactly (no pynndescent compile)."""
    assert incremental.APPROX_MIN_ROWS > 600
    rng = np.random.default_rng(6)
    index = IncrementalKNN(5, 600, 4, method="approx", random_state=0)
    recalls = []
    for _ in range(40):
        index.add(rng.normal(size=(int(rng.integers(5, 40)), 4)))
        W, nn = index.kneighbors()
        ref = brute_knn(W, 5)
        hits = (nn[:, :, None] == ref[:, None, :]).any(axis=2)
        recalls.append(hits.mean())
    assert min(recalls) >= 0.9
    assert np.mean(recalls) >= 0.95
    assert 3 <= index.n_rebuilds < 40
    assert (nn != NO_INDEX).all()


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 40), min_size=1, max_size=12),
    window=st.integers(2, 60),
    k=st.integers(1, 6),
    kind=st.sampled_from(["sliding", "reservoir"]),
    seed=st.integers(0, 2**16),
)
def test_exact_graph_property(sizes, window, k, kind, seed):
    rng = np.random.default_rng(seed)
    index = IncrementalKNN(k, window, 2, window_kind=kind, random_state=seed)
    for _ in run_stream(index, chunks_of(rng, sizes, 2, decimals=1)):
        pass
    assert index.n_rows == min(sum(sizes), window)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 0}, "k must be a positive integer"),
        ({"window": 1}, "window must be an integer >= 2"),
        ({"method": "fast"}, "method must be one of"),
        ({"window_kind": "tumbling"}, "window_kind must be one of"),
    ],
)
def test_bad_parameters(kwargs, match):
    params = {"k": 3, "window": 10, "n_features": 2} | kwargs
    with pytest.raises(ValueError, match=match):
        IncrementalKNN(**params)
