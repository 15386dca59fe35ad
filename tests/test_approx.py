"""The approximate graphs, judged by recall against exact search: streamsmote's own
(``neighbors="approx"``) and pynndescent's (``neighbors="pynndescent"``).

pynndescent compiles its build functions for about a minute on its first call in a process
(they take a distance function, so numba cannot cache them), so the tests that need it share
that cost in this one module.
"""

import importlib
import sys

import numpy as np
import pytest

import streamsmote as ss
from streamsmote import _threads
from streamsmote.neighbors import METHODS, approx, choose, kneighbors, pynndescent
from streamsmote.neighbors.approx import kneighbors_approx
from streamsmote.neighbors.exact import kneighbors_exact
from streamsmote.neighbors.incremental import APPROX_MIN_ROWS, IncrementalKNN
from streamsmote.neighbors.pynndescent import kneighbors_pynndescent

RECALL = 0.95
RECALL_CLUSTERED = 0.99


def recall(found, truth):
    hits = [len(set(a) & set(b)) for a, b in zip(found, truth, strict=True)]
    return float(np.mean(hits)) / truth.shape[1]


def check_lists(found, dist):
    """k distinct other rows per row, nearest first."""
    assert (found != np.arange(len(found))[:, None]).all()
    assert all(len(set(r)) == found.shape[1] for r in found)
    assert (np.diff(dist, axis=1) >= 0).all()


@pytest.fixture(scope="module")
def isotropic():
    # isotropic Gaussian: the hard case (no low-dimensional structure)
    return np.random.default_rng(0).standard_normal((20_000, 20))


@pytest.fixture(scope="module")
def clustered():
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((40, 20)) * 4.0
    X = rng.standard_normal((20_000, 20)) * rng.uniform(0.3, 1.5, size=(20_000, 1))
    return X + centres[rng.integers(0, 40, size=20_000)]


@pytest.fixture(scope="module")
def truth_isotropic(isotropic):
    return kneighbors_exact(isotropic, 5)


# ------------------------------------------------------------- streamsmote's approximate graph


def test_recall_isotropic(isotropic, truth_isotropic):
    found, dist = kneighbors_approx(isotropic, 5, random_state=0)
    assert recall(found, truth_isotropic[0]) >= RECALL
    check_lists(found, dist)
    # distances are the exact float64 ones of the rows found, summed in feature order
    diff = isotropic - isotropic[found[:, 4]]
    expected = np.zeros(len(diff))
    for f in range(diff.shape[1]):
        expected += diff[:, f] ** 2
    np.testing.assert_array_equal(dist[:, 4], expected)


def test_recall_clustered(clustered):
    found, dist = kneighbors_approx(clustered, 5, random_state=0)
    assert recall(found, kneighbors_exact(clustered, 5)[0]) >= RECALL_CLUSTERED
    check_lists(found, dist)


def test_same_seed_same_graph_and_thread_count_does_not_matter(isotropic, monkeypatch):
    X = isotropic[:8000]
    graphs = []
    for threads in (1, 2, 3):
        monkeypatch.setattr(_threads, "n_threads", lambda threads=threads: threads)
        graphs.append(kneighbors_approx(X, 5, random_state=7))
    for idx, dist in graphs[1:]:
        np.testing.assert_array_equal(idx, graphs[0][0])
        np.testing.assert_array_equal(dist, graphs[0][1])
    other = kneighbors_approx(X, 5, random_state=8)[0]
    assert recall(other, graphs[0][0]) >= RECALL  # another seed: other trees, same quality


def test_float32_input(isotropic, truth_isotropic):
    X32 = isotropic.astype(np.float32)
    found, dist = kneighbors_approx(X32, 5, random_state=0)
    assert dist.dtype == np.float64
    assert recall(found, kneighbors_exact(X32, 5)[0]) >= RECALL
    check_lists(found, dist)


def test_duplicates_and_a_constant_column():
    rng = np.random.default_rng(3)
    base = rng.standard_normal((3000, 6))
    X = np.vstack([base, base[:2000], base[:500]])  # rows repeated two and three times
    X = np.hstack([X, np.full((len(X), 1), 2.5)])  # a constant column
    found, dist = kneighbors_approx(X, 5, random_state=0)
    check_lists(found, dist)
    exact_idx, exact_dist = kneighbors_exact(X, 5)
    # ties make indices ambiguous: compare the distances of the k-th neighbour
    assert np.mean(np.isclose(dist[:, 4], exact_dist[:, 4], rtol=0, atol=1e-12)) >= RECALL
    assert (dist >= exact_dist - 1e-12).all()
    # a row with a duplicate finds it at distance 0
    assert (dist[:2000, 0] == 0).all()


def test_all_rows_identical():
    X = np.ones((5000, 4))
    found, dist = kneighbors_approx(X, 3, random_state=0)
    check_lists(found, dist)
    assert (dist == 0).all()


@pytest.mark.parametrize("n", [6, 7, 300])
def test_small_classes_are_searched_exactly(n):
    X = np.random.default_rng(n).standard_normal((n, 4))
    idx, dist = kneighbors_approx(X, 5, random_state=0)
    e_idx, e_dist = kneighbors_exact(X, 5)
    np.testing.assert_array_equal(idx, e_idx)
    np.testing.assert_array_equal(dist, e_dist)


def test_several_leaves_per_tree(monkeypatch):
    """Small leaves (many per tree, ragged blocks) still give a valid, high-recall graph."""
    monkeypatch.setattr(approx, "LEAF", 300)
    X = np.random.default_rng(5).standard_normal((4000, 5))
    found, dist = kneighbors_approx(X, 5, random_state=0)
    check_lists(found, dist)
    assert recall(found, kneighbors_exact(X, 5)[0]) >= RECALL


def test_local_join_and_reverse_lists_match_a_reference():
    """One refinement round's kernels against a plain-Python NN-descent round: reverse lists
    are the nearest rows listing each row; after the join every list is the best m of its
    old entries and every pair offered to it (pairs of a row's neighbours and reverse
    neighbours with at least one new, and the new reverse neighbours themselves)."""
    rng = np.random.default_rng(4)
    n, d, m, nrev = 300, 5, 6, 4
    X = rng.standard_normal((n, d)).astype(np.float32)

    def dist(a, b):
        return float(approx._dist32(X, a, b))

    gi = np.array(
        [rng.choice(np.delete(np.arange(n), i), m, replace=False) for i in range(n)],
        dtype=np.int32,
    )
    gs = np.array([[dist(i, j) for j in row] for i, row in enumerate(gi)], dtype=np.float32)
    order = np.argsort(gs, axis=1, kind="stable")
    gi = np.take_along_axis(gi, order, axis=1)
    gs = np.take_along_axis(gs, order, axis=1)
    gnew = rng.random((n, m)) < 0.5

    start, edge, edge_d = approx._grouped_edges(gs, gi, gnew, 1)
    ri = np.empty((n, nrev), dtype=np.int32)
    rnew = np.empty((n, nrev), dtype=np.bool_)
    approx._reverse(start, edge, edge_d, ri, rnew, 0, n)
    for h in range(n):
        listing = sorted(
            (gs[s, c], s, gnew[s, c]) for s, c in zip(*np.nonzero(gi == h), strict=True)
        )
        got = [(ri[h, e], rnew[h, e]) for e in range(nrev) if ri[h, e] != approx._EMPTY]
        assert got == [(s, new) for _, s, new in listing[:nrev]]

    offered = [set() for _ in range(n)]
    for v in range(n):
        new = {}
        for j, f in zip(gi[v], gnew[v], strict=True):
            new[int(j)] = new.get(int(j), False) or bool(f)
        for e in range(nrev):
            if ri[v, e] != approx._EMPTY:
                u = int(ri[v, e])
                new[u] = new.get(u, False) or bool(rnew[v, e])
                if rnew[v, e]:
                    offered[v].add(u)
        for a in new:
            for b in new:
                if a != b and (new[a] or new[b]):
                    offered[a].add(b)
    expected = [
        sorted({(dist(p, q), q) for q in set(map(int, gi[p])) | offered[p]})[:m] for p in range(n)
    ]

    thr = np.ascontiguousarray(gs[:, m - 1])
    fi, fnew = gi.copy(), gnew.copy()
    gnew[:] = False
    op, oq, osc, cnt = approx._join(X, fi, fnew, ri, rnew, thr, 0, n)
    approx._apply(op, oq, osc, 0, cnt, gs, gi, gnew, thr)
    for p in range(n):
        assert gi[p].tolist() == [q for _, q in expected[p]]
        np.testing.assert_allclose(gs[p], [s for s, _ in expected[p]], rtol=1e-6)
        # flagged new: exactly the entries that were not in the list before
        assert gnew[p].tolist() == [int(q) not in set(fi[p]) for q in gi[p]]
    np.testing.assert_array_equal(thr, gs[:, m - 1])
    assert gnew.mean() > 0.1  # random lists: the round improved many of them


def test_leaf_search_matches_a_reference():
    """The leaf kernel against plain numpy: after the first tree each list is its row's m
    nearest leaf-mates; after another tree, the m nearest of its old entries and its new
    leaf-mates, the entries that entered flagged new."""
    rng = np.random.default_rng(6)
    n, d, m = 1500, 5, 7
    X = rng.standard_normal((n, d)).astype(np.float32)
    cn = np.einsum("ij,ij->i", X, X)
    gs = np.full((n, m), np.inf, dtype=np.float32)
    gi = np.full((n, m), approx._EMPTY, dtype=np.int32)
    gnew = np.zeros((n, m), dtype=np.bool_)
    draws = rng.random((2, 2 * (n // 400) + 4, 2))

    def leaves(t):
        order = np.empty(n, dtype=np.int64)
        starts = np.empty(draws.shape[1] + 2, dtype=np.int64)
        n_leaves = approx._rp_tree(X, 400, draws[t], order, starts)
        assert np.array_equal(np.sort(order), np.arange(n))
        return order, starts[: n_leaves + 1]

    def nearest(p, candidates):
        cand = sorted(set(candidates) - {p})
        d2 = ((X[cand] - X[p]) ** 2).sum(axis=1)
        return [cand[i] for i in np.argsort(d2, kind="stable")[:m]]

    for t in range(2):
        order, starts = leaves(t)
        assert (np.diff(starts) <= 400).all() and (np.diff(starts) >= 200).all()
        old = [set(r[r != approx._EMPTY].tolist()) for r in gi]
        gnew[:] = False
        # two runs of leaves, as two threads would take them
        half = (starts.size - 1) // 2
        for l0, l1 in ((0, half), (half, starts.size - 1)):
            approx._search_leaves(X, cn, order, starts, l0, l1, t == 0, gs, gi, gnew)
        for b in range(starts.size - 1):
            rows = order[starts[b] : starts[b + 1]]
            for p in rows[::7]:
                expected = nearest(p, list(rows) + list(old[p]))
                assert sorted(gi[p].tolist()) == sorted(expected)
                np.testing.assert_allclose(
                    gs[p], ((X[gi[p]] - X[p]) ** 2).sum(axis=1), rtol=1e-4, atol=1e-5
                )
                assert (np.diff(gs[p]) >= 0).all()
                assert gnew[p].tolist() == [int(j) not in old[p] for j in gi[p]]


@pytest.mark.parametrize(
    "layout", ["random", "ties", "sorted", "reversed", "constant", "misleading"]
)
def test_kth_smallest_is_numpys(layout):
    """The trees' median selection finds np.partition's value, in the sampled path, the
    fallback after a sample that misled (every sampled value far above the others) and the
    small-array path, and leaves its input as it was."""
    rng = np.random.default_rng(8)
    n = 5000
    x = {
        "random": rng.standard_normal(n),
        "ties": rng.integers(0, 3, n),
        "sorted": np.sort(rng.random(n)),
        "reversed": np.sort(rng.random(n))[::-1],
        "constant": np.full(n, 2.5),
        "misleading": np.where(np.arange(n) % 8 == 0, 1e6 + np.arange(n), rng.random(n)),
    }[layout].astype(np.float32)
    before = x.copy()
    mid = np.empty(n, dtype=np.float32)
    for size in (10, 255, 256, 300, 4999, 5000):
        for kth in {0, size // 2 - 1, size // 2, size - 1}:
            expected = np.partition(x[:size], kth)[kth]
            assert approx._kth_smallest(x[:size], kth, mid) == expected, (size, kth)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_grouped_edges_and_offers_by_owner_match_one_thread(parts):
    """The reverse edges grouped on several threads equal the one-thread grouping; offers
    grouped by owning thread keep, for every row, the order they were made in."""
    rng = np.random.default_rng(7)
    n, m = 1000, 6
    gi = rng.integers(0, n, size=(n, m)).astype(np.int32)
    gi[rng.random((n, m)) < 0.1] = approx._EMPTY
    gi.sort(axis=1)  # empty slots last, as in the lists
    gs = rng.random((n, m)).astype(np.float32)
    gnew = rng.random((n, m)) < 0.5
    one = approx._grouped_edges(gs, gi, gnew, 1)
    got = approx._grouped_edges(gs, gi, gnew, parts)
    assert one[0][-1] == np.count_nonzero(gi != approx._EMPTY)
    for a, b in zip(got, one, strict=True):
        np.testing.assert_array_equal(a, b)

    cnt = 5000
    op = rng.integers(0, n, size=cnt + 7).astype(np.int32)  # slots past cnt are ignored
    oq = rng.integers(0, n, size=cnt + 7).astype(np.int32)
    osc = rng.random(cnt + 7).astype(np.float32)
    gp, gq, gsc, at = approx._by_owner(op, oq, osc, cnt, n, parts)
    assert at[0] == 0 and at[-1] == cnt and (np.diff(at) >= 0).all()
    for t in range(parts):
        mine = slice(at[t], at[t + 1])
        assert ((gp[mine] >> 6) % parts == t).all()
        assert (np.diff(gp[mine] >> 6) >= 0).all()  # run by run
    for p in np.unique(op[:cnt]):
        made = np.flatnonzero(op[:cnt] == p)
        kept = np.flatnonzero(gp == p)
        np.testing.assert_array_equal(gq[kept], oq[made])
        np.testing.assert_array_equal(gsc[kept], osc[made])


def test_smote_with_approx_neighbours(isotropic):
    X = isotropic[:9000, :12]
    y = np.r_[np.zeros(3000, int), np.ones(6000, int)]  # minority above one leaf
    sm = ss.SMOTE(neighbors="approx", random_state=0)
    X_res, y_res = sm.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [6000, 6000]
    np.testing.assert_array_equal(X_res[: len(X)], X)
    prov = sm.provenance_
    parent, neighbor, gap = (prov[c].to_numpy() for c in ("parent", "neighbor", "gap"))
    np.testing.assert_allclose(
        X_res[len(X) :], X[parent] + gap[:, None] * (X[neighbor] - X[parent]), rtol=1e-12
    )
    minority = np.flatnonzero(y == 0)
    truth, _ = kneighbors_exact(X[minority], 5)
    pos = np.searchsorted(minority, parent)
    nb = np.searchsorted(minority, neighbor)
    assert np.mean([n in truth[p] for p, n in zip(pos, nb, strict=True)]) >= RECALL


def test_auto_never_picks_pynndescent(monkeypatch):
    from streamsmote.neighbors import AUTO_EXACT_MAX

    assert METHODS == ("auto", "exact", "approx", "pynndescent")
    for warm in (False, True):  # not even where it is already compiled
        monkeypatch.setattr(pynndescent, "_warm", warm)
        assert choose(AUTO_EXACT_MAX) == "exact"
        assert choose(AUTO_EXACT_MAX + 1) == "approx"
        assert choose(10**8) == "approx"
    assert choose(10, "pynndescent") == "pynndescent"


def test_online_index_keeps_recall_through_updates():
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


# ------------------------------------------------------------------------------- pynndescent


def test_pynndescent_recall(isotropic, truth_isotropic):
    X = isotropic[:6000, :12]
    found, dist = kneighbors_pynndescent(X, 5, random_state=0)
    assert recall(found, kneighbors_exact(X, 5)[0]) >= RECALL
    check_lists(found, dist)
    assert pynndescent.is_warm()
    np.testing.assert_array_equal(kneighbors(X, 5, method="pynndescent", random_state=0), found)
    # under a limit it cannot keep, it says so and builds the same graph
    with pytest.warns(UserWarning, match=r'"pynndescent" needs about \d+ MB .* 6000 rows'):
        got = kneighbors(X, 5, method="pynndescent", random_state=0, memory=1 << 20)
    np.testing.assert_array_equal(got, found)


def test_pynndescent_footprint_counts_import_and_compile_once(monkeypatch):
    n, d, k = 1_000_000, 20, 5
    monkeypatch.setattr(pynndescent, "_warm", True)
    importlib.import_module("pynndescent")  # imported: its import is not counted
    warm = pynndescent.pynndescent_bytes(n, d, k)
    assert 700e6 < warm < 900e6  # 803 MB measured (peak RSS increase, 2 threads)
    monkeypatch.setattr(pynndescent, "_warm", False)
    assert pynndescent.pynndescent_bytes(n, d, k) == warm + pynndescent.COMPILE_BYTES
    monkeypatch.delitem(sys.modules, "pynndescent")
    assert pynndescent.pynndescent_bytes(n, d, k) == (
        warm + pynndescent.COMPILE_BYTES + pynndescent.IMPORT_BYTES
    )


def test_smote_and_online_index_with_pynndescent():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((6000, 8))
    y = np.r_[np.zeros(1000, int), np.ones(5000, int)]
    X_res, y_res = ss.SMOTE(neighbors="pynndescent", random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [5000, 5000]
    index = IncrementalKNN(
        5, window=2 * APPROX_MIN_ROWS, n_features=8, method="pynndescent", random_state=0
    )
    index.add(rng.standard_normal((APPROX_MIN_ROWS + 500, 8)))
    index.add(rng.standard_normal((700, 8)))
    Xw, nn = index.kneighbors()
    assert recall(nn, kneighbors_exact(Xw, 5)[0]) >= RECALL
