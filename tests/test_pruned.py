"""Pruned exact self-search: block pairs skipped by their bounding boxes, same answer.

``kneighbors_exact`` skips a pair of row blocks when the boxes prove that neither block can
improve the other's candidate lists. These layouts are chosen to break a careless bound:
exact ties and duplicates (thresholds equal to box distances), clusters of very different
sizes (most pairs skipped, a tiny cluster whose rows must still find each other), one far
outlier (a huge rounding bound if it were global), one feature, k + 1 rows and float32 input.
Every answer is compared with the float64 brute force of ``tests/reference.py``, indices and
distances, in order.
"""

import numpy as np
import pytest
from reference import clusters, knn
from reference import knn_chunked as reference

from streamsmote.neighbors import exact, kneighbors_exact


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    # blocks of 128 rows: many block pairs (and a ragged last one) on test-sized data
    monkeypatch.setattr(exact, "PAIR_BLOCK", 128)


@pytest.fixture(params=[1, 2, 3], ids=lambda t: f"threads{t}")
def threads(request, monkeypatch):
    # streamsmote's own thread pool size (see tests/test_categorical_kernels.py)
    from streamsmote import _threads

    monkeypatch.setattr(_threads, "n_threads", lambda: request.param)
    return request.param


def search(X, k):
    stats = {}
    got = kneighbors_exact(X, k, stats=stats)
    return got, stats


def assert_same(got, ref):
    assert np.array_equal(got[0], ref[0])
    assert np.array_equal(got[1], ref[1])


def test_clusters_of_10_and_10000_rows():
    # the 10-row cluster shares no block pair worth screening with the big one; its rows
    # must still find each other (and nothing else) through the pairs that are not skipped
    rng = np.random.default_rng(1)
    X = clusters(rng, [10_000, 10], d=5)
    got, stats = search(X, 5)
    assert_same(got, reference(X, 5))
    assert stats["skipped"] > 0


def test_many_clusters_of_mixed_sizes_skip_most_pairs(threads):
    rng = np.random.default_rng(2)
    X = clusters(rng, [1500, 700, 300, 120, 40, 9, 6], d=8)
    got, stats = search(X, 5)
    assert_same(got, reference(X, 5))
    if threads == 1:
        assert stats["skipped"] > stats["pairs"] // 3  # 116 of 231
    else:
        # With more threads, how many pairs are skipped depends on how far each thread has
        # tightened its rows' thresholds when the other reaches a pair across their runs
        # (112-116 of 231 on a quiet machine, 76 in a loaded CI run); the answer does not.
        assert stats["skipped"] > 0


@pytest.mark.parametrize("copies", [2, 7, 20])
def test_exact_duplicates_and_ties(copies):
    # every row several times, on an integer grid in far-apart clusters: many equal
    # distances, thresholds equal to distances between boxes, ties broken by row number
    rng = np.random.default_rng(3)
    base = np.round(clusters(rng, [600 // copies, 900 // copies, 20], d=3, spread=3.0))
    X = np.repeat(base, copies, axis=0)[rng.permutation(base.shape[0] * copies)]
    got, _ = search(X, 5)
    assert_same(got, reference(X, 5))


def test_one_far_outlier(threads):
    # one row 1e8 away: its own neighbours are the nearest of the rest, and it must not
    # loosen the bounds of every other row
    rng = np.random.default_rng(4)
    X = clusters(rng, [2000, 500], d=4)
    X[17] = 1e8
    got, stats = search(X, 5)
    assert_same(got, reference(X, 5))
    assert stats["skipped"] > 0


def test_one_feature(monkeypatch):
    from streamsmote import _threads

    # one thread: how many pairs several threads skip depends on their timing (see above)
    monkeypatch.setattr(_threads, "n_threads", lambda: 1)
    rng = np.random.default_rng(5)
    X = np.r_[rng.normal(size=(2500, 1)), rng.normal(loc=50, size=(500, 1))]
    got, stats = search(X, 4)
    assert_same(got, reference(X, 4))
    assert stats["skipped"] > stats["pairs"] // 2  # a line is easy to cut


@pytest.mark.parametrize("n", [6, 1537])
def test_k_plus_one_rows_and_one_more_block(n):
    # k + 1 rows (every other row is a neighbour; brute force) and a ragged last block of
    # one row
    X = np.random.default_rng(6).normal(size=(n, 3))
    got, _ = search(X, 5)
    assert_same(got, reference(X, 5))
    assert_same(got, knn(X, 5))


def test_float32_input(threads):
    rng = np.random.default_rng(7)
    X = clusters(rng, [1800, 600, 30], d=6, spread=0.5, scale=20.0).astype(np.float32)
    got, stats = search(X, 5)
    assert_same(got, reference(X, 5))
    assert stats["skipped"] > 0


def test_pruning_changes_nothing(monkeypatch):
    # the same search with pruning off: the same neighbours and distances, no pair skipped
    rng = np.random.default_rng(8)
    X = clusters(rng, [1200, 800, 400, 25], d=10, spread=2.0, scale=10.0)
    on, stats_on = search(X, 6)
    monkeypatch.setattr(exact, "PRUNE", False)
    off, stats_off = search(X, 6)
    assert_same(on, off)
    assert_same(on, reference(X, 6))
    assert stats_on["skipped"] > 0 and stats_off["skipped"] == 0
    assert stats_on["pairs"] == stats_off["pairs"]


def test_isotropic_data_skips_nothing_and_stays_exact(threads):
    # boxes of 20-d Gaussian blocks all overlap: nothing to skip, the plain blocked screen
    X = np.random.default_rng(9).normal(size=(1600, 20))
    got, stats = search(X, 5)
    assert_same(got, reference(X, 5))
    assert stats["skipped"] == 0


def test_pair_order_is_every_pair_once_diagonal_first():
    centres = np.random.default_rng(10).normal(size=(9, 3))
    pairs = exact._pair_order(centres)
    assert pairs.shape == (45, 2)
    assert np.array_equal(pairs[:9], np.c_[np.arange(9), np.arange(9)])
    assert {tuple(p) for p in pairs.tolist()} == {(i, j) for i in range(9) for j in range(i, 9)}
    gaps = np.linalg.norm(centres[pairs[9:, 0]] - centres[pairs[9:, 1]], axis=1)
    assert np.all(np.diff(gaps) >= -1e-12)  # nearest blocks first


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_dealt_pairs_are_every_pair_once_in_order(workers):
    # each thread keeps the global order (diagonal first), owns the pairs inside its run of
    # blocks, and the pairs across runs are shared out evenly
    nb = 10
    pairs = exact._pair_order(np.random.default_rng(11).normal(size=(nb, 3)))
    dealt = exact._deal_pairs(pairs, nb, workers)
    assert len(dealt) == workers
    rank = {tuple(p): r for r, p in enumerate(pairs.tolist())}
    assert sorted(rank[tuple(p)] for d in dealt for p in d.tolist()) == list(range(len(pairs)))
    run = np.arange(nb) * workers // nb
    across = []
    for w, d in enumerate(dealt):
        ranks = [rank[tuple(p)] for p in d.tolist()]
        assert ranks == sorted(ranks)
        inside = run[d[:, 0]] == run[d[:, 1]]
        assert np.all(run[d[inside, 0]] == w)
        across.append(int((~inside).sum()))
    assert max(across) - min(across) <= 1
