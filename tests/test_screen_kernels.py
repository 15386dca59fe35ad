"""The small kernels of the symmetric exact screen against plain numpy: the block boxes and
centres, the projection that cuts a cell of the space partition, and the first screen of a
diagonal block (each row's m smallest scores within its block, however its threshold was
found)."""

import numba
import numpy as np
import pytest

from streamsmote.kernels import prefetch, prefetch_row
from streamsmote.kernels.partition import _block_boxes, _principal_projection
from streamsmote.kernels.topk import GROUPS, NO_INDEX, _screen_diagonal


@pytest.mark.parametrize("n", [1, 100, 512, 1300])
def test_block_boxes_match_numpy(n):
    X = np.random.default_rng(n).normal(size=(n, 6)).astype(np.float32)
    B = 256
    starts = np.arange(0, n, B)
    nb = len(starts)
    lo = np.empty((nb, 6), np.float32)
    hi = np.empty((nb, 6), np.float32)
    centres = np.empty((nb, 6))
    _block_boxes(X, B, lo, hi, centres)
    assert np.array_equal(lo, np.minimum.reduceat(X, starts, axis=0))
    assert np.array_equal(hi, np.maximum.reduceat(X, starts, axis=0))
    sizes = np.diff(np.r_[starts, n])[:, None]
    ref = np.add.reduceat(X, starts, axis=0, dtype=np.float64) / sizes
    np.testing.assert_allclose(centres, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_principal_projection_follows_the_widest_direction(dtype):
    rng = np.random.default_rng(3)
    # an elongated cloud along (1, 2, 0, -1) / sqrt(6), plus small noise; a cell is a subset
    direction = np.array([1.0, 2.0, 0.0, -1.0]) / np.sqrt(6.0)
    X = (np.outer(rng.normal(scale=10, size=3000), direction) + rng.normal(size=(3000, 4))).astype(
        dtype
    )
    idx = rng.permutation(3000)[:2000]
    proj = np.empty(idx.size)
    _principal_projection(X, idx, proj)
    P = X[idx].astype(np.float64)
    P -= P.mean(axis=0)
    # numpy's principal direction; the kernel's (three power iterations on a sample) is
    # close to it, up to sign
    v = np.linalg.svd(P, full_matrices=False)[2][0]
    assert abs(np.corrcoef(proj, P @ v)[0, 1]) > 0.999
    assert abs(proj.mean()) < 1e-9 * np.abs(proj).max()  # centred on the cell's mean


def test_principal_projection_of_identical_rows_is_zero():
    X = np.ones((50, 3), dtype=np.float32)
    proj = np.full(50, np.nan)
    _principal_projection(X, np.arange(50), proj)
    assert np.array_equal(proj, np.zeros(50))


@pytest.mark.parametrize("bj", [100, 128, 300, 512])
@pytest.mark.parametrize("m", [1, 13, GROUPS - 3, 70])
@pytest.mark.parametrize("ties", [False, True])
def test_diagonal_screen_keeps_each_rows_m_smallest(bj, m, ties):
    rng = np.random.default_rng(bj + m)
    X = rng.normal(size=(bj, 5)).astype(np.float32)
    if ties:
        X = np.round(X)  # many equal scores
    cn = np.einsum("ij,ij->i", X, X)
    S = (X @ (-2.0 * X.T)).astype(np.float32)
    n = bj + 40  # rows of other blocks around this one
    j0 = 20
    td = np.full((n, m), np.inf, np.float32)
    ti = np.full((n, m), NO_INDEX, np.int64)
    thr = np.full(n, np.inf, np.float32)
    flags = np.zeros(bj + 8, np.uint8)
    groups = np.empty(GROUPS, np.float32)
    for r0 in range(0, bj, 64):  # in tiles of rows, as the screen calls it
        r1 = min(r0 + 64, bj)
        tile = np.ascontiguousarray(S[r0:r1])
        _screen_diagonal(tile, cn, j0 + r0, j0, td, ti, thr, flags, groups)
    scores = cn[None, :] + S
    np.fill_diagonal(scores, np.inf)
    for a in range(bj):
        keys = np.lexsort((np.arange(bj), scores[a]))[: min(m, bj - 1)]
        got = ti[j0 + a][ti[j0 + a] != NO_INDEX] - j0
        assert np.array_equal(got, keys), a
        assert np.array_equal(td[j0 + a, : keys.size], scores[a, keys])
        assert thr[j0 + a] == td[j0 + a, m - 1]
    assert np.all(ti[:j0] == NO_INDEX) and np.all(ti[j0 + bj :] == NO_INDEX)


def test_screens_are_marked_for_wide_vectors():
    # the mark reaches the LLVM function of each screen (the exact search's and the
    # approximate graph's leaves', and so their inlined pre-checks);
    # compiled again, uncached here: a kernel loaded from the disk cache has no IR to show
    from streamsmote.kernels import WIDE_ATTRIBUTE
    from streamsmote.kernels.topk import _screen_rows
    from streamsmote.neighbors.approx import _screen_leaf_rows

    f32 = np.float32
    S, cn, flags = np.zeros((4, 8), f32), np.zeros(8, f32), np.zeros(16, np.uint8)
    td, ti, thr = (
        np.full((12, 3), np.inf, f32),
        np.full((12, 3), NO_INDEX),
        np.full(12, np.inf, f32),
    )
    lists = (np.full((8, 3), np.inf, f32), np.zeros((8, 3), np.int32), np.zeros((8, 3), bool))
    calls = [
        (_screen_rows, (S, cn[:4], cn, 0, 4, False, td, ti, thr, flags)),
        (_screen_diagonal, (S, cn, 0, 0, td, ti, thr, flags, np.empty(GROUPS, f32))),
        (_screen_leaf_rows, (S, cn, np.arange(8), thr[:8], flags, *lists)),
    ]
    for kernel, args in calls:
        fresh = numba.njit(nogil=True)(kernel.py_func)
        fresh(*args)
        assert WIDE_ATTRIBUTE in fresh.inspect_llvm(fresh.signatures[0]), kernel


@numba.njit
def _prefetched_sum(X, rows, v):
    # a gather that prefetches each row (and an entry of v) before reading it
    s = 0.0
    for i in range(rows.shape[0]):
        prefetch_row(X, rows[i])
        prefetch(v, rows[i])
        prefetch(X, (rows[i], np.int32(0)))
        s += X[rows[i]].sum() + v[rows[i]]
    return s


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
@pytest.mark.parametrize("d", [1, 3, 20, 50])
@pytest.mark.parametrize("index", [np.int32, np.int64])
def test_prefetch_changes_no_result(dtype, d, index):
    # rows of one to seven cache lines, at every alignment; indices of either width
    rng = np.random.default_rng(d)
    X = rng.integers(0, 100, size=(97, d)).astype(dtype)
    v = rng.standard_normal(97)
    rows = rng.permutation(97).astype(index)
    assert _prefetched_sum(X, rows, v) == pytest.approx(X[rows].sum(dtype=np.float64) + v.sum())


def test_prefetch_emits_llvm_prefetch():
    # one request per cache line of the row: its first and last, and a loop for any between
    fresh = numba.njit(_prefetched_sum.py_func)
    fresh(np.zeros((4, 20), np.float32), np.arange(4), np.zeros(4))
    ir = fresh.inspect_llvm(fresh.signatures[0])
    assert ir.count("call void @llvm.prefetch") >= 4
