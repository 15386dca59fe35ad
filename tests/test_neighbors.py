"""Exact kNN (``kneighbors_exact``) against brute-force numpy on both of its paths: the small
float64 brute force, and the float32 GEMM screen with float64 re-ranking and its brute-force
fallback for queries whose screen cannot be proved exact."""

import numpy as np
import pytest
from reference import NO_INDEX, knn

from streamsmote.neighbors import METHODS, choose, exact, kneighbors, kneighbors_exact

DTYPES = [np.float32, np.float64]
GEMM_N = 1500  # GEMM_N**2 > BRUTE_MAX_PAIRS: the screened path


@pytest.fixture
def fallback_rows(monkeypatch):
    """Count the queries searched again by brute force after the GEMM screen."""
    calls = []
    real = exact._brute_knn

    def spy(X, Q, self_idx, out_d, out_i):
        calls.append(Q.shape[0])
        return real(X, Q, self_idx, out_d, out_i)

    monkeypatch.setattr(exact, "_brute_knn", spy)
    return calls


def assert_same(got, ref):
    assert np.array_equal(got[0], ref[0])
    assert np.array_equal(got[1], ref[1])


def test_gemm_case_is_big_enough():
    assert GEMM_N * GEMM_N > exact.BRUTE_MAX_PAIRS


# ---------------------------------------------------------------------------------------------
# small brute-force path
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("n", "d", "k"), [(50, 4, 5), (200, 2, 3), (31, 9, 7)])
def test_brute_path_equals_reference(dtype, seed, n, d, k, fallback_rows):
    X = np.random.default_rng(seed).normal(size=(n, d)).astype(dtype)
    assert_same(kneighbors_exact(X, k), knn(X, k))
    assert sum(fallback_rows) == n  # the small case goes straight to brute force


@pytest.mark.parametrize("dtype", DTYPES)
def test_class_of_exactly_k_plus_one_rows(dtype):
    X = np.random.default_rng(0).normal(size=(6, 3)).astype(dtype)
    got = kneighbors_exact(X, 5)
    assert_same(got, knn(X, 5))
    for q in range(6):  # every other row, each exactly once
        assert sorted(got[0][q]) == [j for j in range(6) if j != q]


def test_duplicates_tie_to_smaller_index():
    base = np.random.default_rng(1).normal(size=(10, 2))
    X = base[np.r_[0:10, 0:10, 3, 3]]  # rows i and i+10 are equal; 3, 13, 20, 21 too
    got = kneighbors_exact(X, 4)
    assert_same(got, knn(X, 4))
    assert got[0][3].tolist() == [13, 20, 21, got[0][3][3]]
    assert got[0][21].tolist()[:3] == [3, 13, 20]
    assert got[1][3][:3].tolist() == [0.0, 0.0, 0.0]


def test_all_rows_equal():
    X = np.ones((8, 2))
    idx, dist = kneighbors_exact(X, 3)
    assert idx.tolist() == [[j for j in range(8) if j != q][:3] for q in range(8)]
    assert (dist == 0).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_one_feature_and_constant_columns(dtype):
    rng = np.random.default_rng(2)
    X1 = rng.normal(size=(40, 1)).astype(dtype)
    assert_same(kneighbors_exact(X1, 5), knn(X1, 5))
    Xc = rng.normal(size=(40, 4)).astype(dtype)
    Xc[:, 1] = 3.0
    Xc[:, 3] = -7.5
    assert_same(kneighbors_exact(Xc, 5), knn(Xc, 5))


def test_integer_input_is_searched_in_float64():
    X = np.random.default_rng(3).integers(-50, 50, size=(30, 3))
    assert_same(kneighbors_exact(X, 4), knn(X.astype(np.float64), 4))


def test_fewer_rows_than_k_pads_with_no_index():
    X = np.array([[0.0], [1.0], [5.0]])
    idx, dist = kneighbors_exact(X, 4)
    assert_same((idx, dist), knn(X, 4))
    assert (idx[:, 2:] == NO_INDEX).all() and np.isinf(dist[:, 2:]).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_queries_against_an_index_with_self_idx(dtype):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 3)).astype(dtype)
    Q = np.r_[X[[5, 17, 40]], rng.normal(size=(4, 3)).astype(dtype)]
    self_idx = np.array([5, 17, 40, -1, -1, -1, -1])
    got = kneighbors_exact(X, 5, Q=Q, self_idx=self_idx)
    assert_same(got, knn(X, 5, Q=Q, self_idx=self_idx))
    assert 5 not in got[0][0] and 17 not in got[0][1]
    # without self_idx every query may find itself at distance 0
    got = kneighbors_exact(X, 5, Q=Q)
    assert got[0][:3, 0].tolist() == [5, 17, 40] and (got[1][:3, 0] == 0).all()
    assert_same(got, knn(X, 5, Q=Q, self_idx=np.full(7, -1)))


def test_empty_queries():
    idx, dist = kneighbors_exact(np.zeros((5, 2)), 3, Q=np.zeros((0, 2)))
    assert idx.shape == (0, 3) and dist.shape == (0, 3)


# ---------------------------------------------------------------------------------------------
# screened GEMM path
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_path_equals_reference(dtype, fallback_rows):
    X = np.random.default_rng(5).normal(size=(GEMM_N, 5)).astype(dtype)
    got = kneighbors_exact(X, 5)
    assert_same(got, knn(X, 5))
    # the screen proved (almost) every query: it is the GEMM path, not brute force
    assert sum(fallback_rows) < GEMM_N // 10


def test_gemm_path_with_offset_and_constant_column(fallback_rows):
    rng = np.random.default_rng(6)
    X = rng.normal(size=(GEMM_N, 3)) + 1e4  # centring removes the offset
    X[:, 2] = 42.0
    assert_same(kneighbors_exact(X, 5), knn(X, 5))
    assert sum(fallback_rows) < GEMM_N // 10


def test_gemm_path_duplicates_tie_to_smaller_index():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(GEMM_N // 5, 4))
    X = base[rng.permutation(np.repeat(np.arange(GEMM_N // 5), 5))]  # every row 5 times
    got = kneighbors_exact(X, 6)
    assert_same(got, knn(X, 6))
    assert (got[1][:, :4] == 0).all()


def test_gemm_path_queries_with_self_idx():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(GEMM_N, 3))
    pick = rng.choice(GEMM_N, size=GEMM_N, replace=False)
    Q = np.r_[X[pick[:1000]], rng.normal(size=(500, 3))]
    self_idx = np.r_[pick[:1000], np.full(500, -1)]
    assert_same(kneighbors_exact(X, 5, Q=Q, self_idx=self_idx), knn(X, 5, Q, self_idx))


def test_outlier_is_proved_without_brute_force(fallback_rows):
    # one far outlier: the data are centred on the median and the rounding bound of a proof
    # only counts rows that could be near the query, so the other rows are still proved
    rng = np.random.default_rng(9)
    X = rng.normal(size=(GEMM_N, 3))
    X[123] = 1e7
    got = kneighbors_exact(X, 5)
    assert_same(got, knn(X, 5))
    assert sum(fallback_rows) <= 5


def test_exact_duplicates_force_brute_force_fallback(fallback_rows):
    # every row 20 times: the k-th and the m-th candidate are at distance 0, no float32 score
    # can prove which copies come first, every query is searched again in float64
    rng = np.random.default_rng(9)
    X = np.repeat(rng.normal(size=(GEMM_N // 20, 3)), 20, axis=0)
    got = kneighbors_exact(X, 5)
    assert_same(got, knn(X, 5))
    assert sum(fallback_rows) > GEMM_N // 2


@pytest.mark.parametrize("n", [1, 7, 256, 257, 1500])
def test_tree_order_is_a_permutation_in_leaf_runs(n):
    rng = np.random.default_rng(13)
    X = (rng.normal(size=(n, 4)) * [10, 1, 1, 0]).astype(np.float32)  # a constant column
    order = exact._tree_order(X, 64)
    assert np.array_equal(np.sort(order), np.arange(n))
    assert np.array_equal(order, exact._tree_order(X, 64))  # deterministic
    if n >= 256:
        # a run of 64 lies in one cell: it spans far less of the widest axis than the data
        runs = X[order[: n - n % 64], 0].reshape(-1, 64)
        assert np.median(np.ptp(runs, axis=1)) < 0.5 * np.ptp(X[:, 0])


def test_screen_with_tree_order_on_clustered_rows(fallback_rows, monkeypatch):
    # well-separated clusters of unequal size: after the tree order most block pairs hold no
    # candidate, and the answer must still be the exact one
    monkeypatch.setattr(exact, "PAIR_BLOCK", 128)
    rng = np.random.default_rng(14)
    centres = rng.normal(scale=50, size=(6, 5))
    X = np.concatenate(
        [
            c + rng.normal(size=(s, 5))
            for c, s in zip(centres, [700, 300, 250, 150, 80, 20], strict=True)
        ]
    )
    assert_same(kneighbors_exact(X, 5), knn(X, 5))
    assert sum(fallback_rows) < X.shape[0] // 10


def test_nearby_float32_ties_are_resolved_in_float64():
    # rows 1e-9 apart are equal in float32 but not in float64: the float64 re-rank decides
    rng = np.random.default_rng(10)
    base = rng.normal(size=(GEMM_N // 2, 2))
    X = np.r_[base, base + 1e-9]
    assert_same(kneighbors_exact(X, 3), knn(X, 3))


# ---------------------------------------------------------------------------------------------
# dispatch
# ---------------------------------------------------------------------------------------------


def test_kneighbors_exact_method_returns_indices():
    X = np.random.default_rng(11).normal(size=(40, 3))
    assert np.array_equal(kneighbors(X, 5, method="exact"), knn(X, 5)[0])
    assert np.array_equal(kneighbors(X, 5), knn(X, 5)[0])  # auto: small → exact


def test_choose():
    assert METHODS == ("auto", "exact", "approx", "pynndescent")
    assert choose(1000) == "exact"
    assert choose(10**7) == "approx"
    assert choose(10, "approx") == "approx" and choose(10**7, "exact") == "exact"
    assert choose(10**7, "pynndescent") == "pynndescent"


@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_result_does_not_depend_on_the_thread_count(threads, symmetric, monkeypatch):
    from streamsmote import _threads
    from streamsmote.neighbors import exact

    monkeypatch.setattr(_threads, "n_threads", lambda: threads)
    monkeypatch.setattr(exact, "SYMMETRIC", symmetric)
    monkeypatch.setattr(exact, "PAIR_BLOCK", 256)  # several block pairs, a ragged last one
    rng = np.random.default_rng(12)
    X = np.r_[rng.normal(size=(GEMM_N, 3)), [[1e6, 0, 0]]]  # GEMM + a few fallbacks
    assert_same(kneighbors_exact(X, 5), knn(X, 5))
    small = rng.normal(size=(300, 2))
    assert_same(kneighbors_exact(small, 5), knn(small, 5))
