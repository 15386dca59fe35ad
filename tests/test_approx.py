"""The approximate path with the real pynndescent, judged by recall against exact search.

pynndescent compiles its build functions for about a minute on its first call in a process
(they take a distance function, so numba cannot cache them), so everything that needs it lives
in this one module and shares that cost.
"""

import numpy as np
import pytest

import streamsmote as ss
from streamsmote.neighbors import approx, choose
from streamsmote.neighbors.approx import kneighbors_approx
from streamsmote.neighbors.exact import kneighbors_exact
from streamsmote.neighbors.incremental import APPROX_MIN_ROWS, IncrementalKNN

RECALL = 0.95


def recall(found, truth):
    hits = [len(set(a) & set(b)) for a, b in zip(found, truth, strict=True)]
    return float(np.mean(hits)) / truth.shape[1]


@pytest.fixture(scope="module")
def gaussian():
    # isotropic Gaussian: the hard case for NN-descent (no low-dimensional structure)
    return np.random.default_rng(0).standard_normal((6000, 12))


def test_recall_at_k_against_exact(gaussian):
    found, dist = kneighbors_approx(gaussian, 5, random_state=0)
    truth, _ = kneighbors_exact(gaussian, 5)
    assert recall(found, truth) >= RECALL
    # every row's list: k distinct other rows, nearest first
    assert (found != np.arange(len(gaussian))[:, None]).all()
    assert all(len(set(r)) == 5 for r in found)
    assert (np.diff(dist, axis=1) >= 0).all()
    assert approx.is_warm()


def test_auto_uses_the_warm_index_between_the_thresholds(gaussian):
    kneighbors_approx(gaussian[:200], 5, random_state=0)  # warm in this process
    from streamsmote.neighbors import AUTO_COLD_MIN, AUTO_EXACT_MAX

    assert choose(AUTO_EXACT_MAX + 1) == "approx"
    assert choose(AUTO_EXACT_MAX) == "exact"
    assert choose(AUTO_COLD_MIN) == "approx"


def test_smote_with_approx_neighbours(gaussian):
    y = np.r_[np.zeros(1000, int), np.ones(5000, int)]
    X = gaussian
    sm = ss.SMOTE(neighbors="approx", random_state=0)
    X_res, y_res = sm.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [5000, 5000]
    np.testing.assert_array_equal(X_res[: len(X)], X)
    prov = sm.provenance_
    parent, neighbor, gap = (prov[c].to_numpy() for c in ("parent", "neighbor", "gap"))
    np.testing.assert_allclose(
        X_res[len(X) :], X[parent] + gap[:, None] * (X[neighbor] - X[parent]), rtol=1e-12
    )
    # the neighbour is (almost always) among the parent's exact 5 nearest same-class rows
    minority = np.flatnonzero(y == 0)
    truth, _ = kneighbors_exact(X[minority], 5)
    pos = np.searchsorted(minority, parent)
    nb = np.searchsorted(minority, neighbor)
    assert np.mean([n in truth[p] for p, n in zip(pos, nb, strict=True)]) >= RECALL


def test_online_approx_index_keeps_recall_through_updates():
    rng = np.random.default_rng(1)
    index = IncrementalKNN(
        5, window=2 * APPROX_MIN_ROWS, n_features=8, method="approx", random_state=0
    )
    index.add(rng.standard_normal((APPROX_MIN_ROWS + 500, 8)))
    for _ in range(6):  # sliding window: rows leave, buffers grow, the bulk is rebuilt
        index.add(rng.standard_normal((700, 8)))
        X, nn = index.kneighbors()
        truth, _ = kneighbors_exact(X, 5)
        assert recall(nn, truth) >= RECALL
    assert index.n_rebuilds >= 2
