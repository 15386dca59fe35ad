"""Pruned query-block search: queries and index rows in the space-partition order, index
blocks skipped by their bounding boxes, same answer.

``kneighbors_exact`` takes this path for explicit queries (``Q=``, as the cell tasks and the
incremental index do) and for a self-search whose symmetric screen does not fit ``memory=``.
The layouts are the ones that break a careless bound or a careless reordering: exact ties and
duplicates (ties must still go to the smaller row number of the caller, not of the order),
clusters of very different sizes, one far outlier, one feature, 3-d uniform rows (most blocks
skipped), float32 input, queries that are not rows of ``X`` (some far from every row), and
queries that are rows of ``X`` given by ``self_idx``. Every answer is compared with a float64
brute force (``tests/reference.py``'s arithmetic), indices and distances, in order.
"""

import numpy as np
import pytest
from reference import clusters, knn
from reference import knn_chunked as reference

from streamsmote.kernels.query import _permute_rows
from streamsmote.neighbors import exact, kneighbors_exact


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    # blocks of 64 queries and 128 index rows: many block pairs, ragged last blocks, and the
    # pruned path from the first query on
    monkeypatch.setattr(exact, "QUERY_BLOCK", 64)
    monkeypatch.setattr(exact, "PRUNE_INDEX_BLOCK", 128)
    monkeypatch.setattr(exact, "PRUNE_MIN_QUERIES", 1)


@pytest.fixture(params=[1, 2, 3], ids=lambda t: f"threads{t}")
def threads(request, monkeypatch):
    from streamsmote import _threads

    monkeypatch.setattr(_threads, "n_threads", lambda: request.param)
    return request.param


def search(X, k, Q=None, self_idx=None):
    """The query-block path: ``Q=`` as given, or a self-search with no memory for the
    symmetric screen's lists."""
    stats = {}
    if Q is None:
        assert exact.plan_search(X.shape[0], X.shape[1], k, memory=1) is None
        got = kneighbors_exact(X, k, memory=1, stats=stats)
    else:
        got = kneighbors_exact(X, k, Q=Q, self_idx=self_idx, stats=stats)
    return got, stats


def assert_same(got, ref):
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])


def _outlier(rng):
    X = clusters(rng, [3000, 400], d=4)
    X[123] = 1e8
    return X


# Self-searches: the rows, k, and the share of (query block, index block) pairs skipped.
SELF_LAYOUTS = {
    # most blocks of a 3-d cube are far from a given query block
    "uniform 3-d": (lambda rng: rng.uniform(size=(5000, 3)), 5, (0.7, 1.0)),
    # the 7-row cluster's rows must find each other through the blocks not skipped; every
    # pair of blocks across clusters (a fifth of all) is skipped, the boxes inside the 5-d
    # cluster overlap
    "clusters of 4000, 600 and 7 rows": (
        lambda rng: clusters(rng, [4000, 600, 7], d=5),
        5,
        (0.2, 1.0),
    ),
    # a row 1e8 away: its neighbours are the nearest of the rest, and neither its box nor its
    # norm may loosen the other rows' bounds into skipping nothing
    "one far outlier": (_outlier, 5, (0.05, 1.0)),
    "one feature": (
        lambda rng: np.r_[rng.normal(size=(3000, 1)), rng.normal(loc=40.0, size=(300, 1))],
        4,
        (0.8, 1.0),
    ),
    "float32 clusters": (
        lambda rng: clusters(rng, [2500, 800, 40], d=6, spread=0.5, scale=20.0).astype(np.float32),
        5,
        (0.05, 1.0),
    ),
    # the boxes of 20-d Gaussian blocks all overlap: nothing to skip, still exact
    "isotropic 20-d": (lambda rng: rng.normal(size=(2500, 20)), 5, (0.0, 0.0)),
}


@pytest.mark.parametrize("layout", list(SELF_LAYOUTS))
def test_self_search_layouts(layout, threads):
    make, k, (least, most) = SELF_LAYOUTS[layout]
    X = make(np.random.default_rng(sorted(SELF_LAYOUTS).index(layout)))
    got, stats = search(X, k)
    assert_same(got, reference(X, k))
    assert least <= stats["skipped"] / stats["pairs"] <= most


@pytest.mark.parametrize("copies", [2, 9])
def test_exact_duplicates_and_ties(copies):
    # an integer grid, every row several times: thresholds equal to box distances, and ties
    # that the space-partition order must not break by its own row numbers
    rng = np.random.default_rng(2)
    base = np.round(clusters(rng, [2400 // copies, 1200 // copies, 30], d=3, spread=3.0))
    X = np.repeat(base, copies, axis=0)[rng.permutation(base.shape[0] * copies)]
    got, _ = search(X, 6)
    assert_same(got, reference(X, 6))
    Q = np.round(rng.normal(scale=4.0, size=(700, 3))) + base[0]
    got, _ = search(X, 6, Q=Q)
    assert_same(got, reference(X, 6, Q=Q))


def test_float32_queries(threads):
    rng = np.random.default_rng(5)
    X = clusters(rng, [2500, 800, 40], d=6, spread=0.5, scale=20.0).astype(np.float32)
    Q = (X[:900] + rng.normal(scale=0.3, size=(900, 6))).astype(np.float32)
    got, stats = search(X, 5, Q=Q)
    assert_same(got, reference(X, 5, Q=Q))
    assert stats["skipped"] > 0


def test_queries_not_rows_of_x(threads):
    # queries inside, between and far outside the clusters (a far query has every index
    # block at some distance: nothing proves skippable until its lists are full)
    rng = np.random.default_rng(6)
    X = clusters(rng, [2500, 900, 15], d=3, scale=30.0)
    Q = np.r_[
        X[rng.choice(X.shape[0], 1500)] + rng.normal(scale=0.2, size=(1500, 3)),
        rng.uniform(-60.0, 60.0, size=(500, 3)),
        [[1e6, -1e6, 3.0]],
    ]
    got, stats = search(X, 7, Q=Q)
    assert_same(got, reference(X, 7, Q=Q))
    assert stats["skipped"] > 0


def test_self_idx_excludes_the_query_row(threads):
    # queries that are rows of X (some twice, in shuffled order) and queries that are not
    rng = np.random.default_rng(7)
    X = clusters(rng, [3000, 500, 12], d=4, scale=20.0)
    X[40:50] = X[7]  # duplicates of a query row: they stay, the row itself does not
    rows = np.r_[rng.choice(X.shape[0], 1200), [7, 7, 45]]
    Q = np.r_[X[rows], rng.normal(size=(300, 4))]
    self_idx = np.r_[rows, np.full(300, -1)]
    got, _ = search(X, 5, Q=Q, self_idx=self_idx)
    assert_same(got, reference(X, 5, Q=Q, self_idx=self_idx))
    assert_same(got, knn(X, 5, Q=Q, self_idx=self_idx))


def test_same_answer_as_the_unpruned_query_blocks(monkeypatch):
    # QUERY_PRUNE off: rows in the caller's order, every block searched; nothing else changes
    rng = np.random.default_rng(8)
    X = clusters(rng, [1500, 1000, 500, 30], d=8, spread=2.0, scale=10.0)
    Q = X[::3] + 0.01
    on = search(X, 6), search(X, 6, Q=Q)
    monkeypatch.setattr(exact, "QUERY_PRUNE", False)
    off = search(X, 6), search(X, 6, Q=Q)
    for (got_on, stats_on), (got_off, stats_off) in zip(on, off, strict=True):
        assert_same(got_on, got_off)
        assert stats_on["skipped"] > 0 and stats_off["skipped"] == 0
    assert_same(on[0][0], reference(X, 6))


def test_default_blocks(monkeypatch):
    # the module's own block sizes and query threshold, on a class just large enough for them
    monkeypatch.undo()
    assert exact.PRUNE_INDEX_BLOCK % exact.QUERY_BLOCK == 0  # query blocks nest in index blocks
    X = np.random.default_rng(10).uniform(size=(exact.PRUNE_MIN_QUERIES + 3000, 3))
    got, stats = search(X, 5)
    assert_same(got, reference(X, 5))
    assert stats["skipped"] > 0


def test_permute_rows_in_place():
    rng = np.random.default_rng(11)
    for n in (1, 2, 17, 1000):
        A = rng.normal(size=(n, 3)).astype(np.float32)
        order = rng.permutation(n)
        want = A[order]
        assert _permute_rows(A, order) is A
        np.testing.assert_array_equal(A, want)


def test_a_given_order_changes_nothing(threads):
    # the index rows' order is the caller's (the cell tasks pass their cells' order): any
    # permutation gives the same answer, a good one prunes as much as the search's own
    rng = np.random.default_rng(12)
    X = clusters(rng, [2000, 700, 20], d=3, scale=20.0)
    Q = X[::2] + 0.05
    want, stats_own = search(X, 5, Q=Q)
    for order in (rng.permutation(X.shape[0]), exact._tree_order(X, 128)):
        stats = {}
        got = kneighbors_exact(X, 5, Q=Q, order=order, stats=stats)
        assert_same(got, want)
    assert stats["skipped"] > 0 and stats_own["skipped"] > 0
    assert_same(kneighbors_exact(X, 5, memory=1, order=order), reference(X, 5))
    assert_same(want, reference(X, 5, Q=Q))


@pytest.mark.parametrize(
    "order", [np.arange(99), np.r_[np.arange(99), 5], np.r_[-1, np.arange(1, 100)]]
)
def test_an_order_that_is_no_permutation_is_refused(order):
    X = np.random.default_rng(13).normal(size=(100, 2))
    with pytest.raises(ValueError, match="permutation of the 100 rows"):
        kneighbors_exact(X, 3, Q=X[:5], order=order)
