"""Kernels of the pruned query-block search (``kneighbors_exact`` with ``Q=``, or a self-search
that does not fit its memory budget as a symmetric screen).

Queries and index rows are both in a space-partition order, so that a block of either holds
rows near each other; each query block meets the index blocks nearest first and skips those
its bounding-box bounds prove useless. Serial, cached, releasing the GIL like the other top-k
kernels; :mod:`streamsmote._threads` runs one query block per task.
"""

import numba
import numpy as np

from .._config import SERIAL
from .topk import _cannot_improve, _screen_block

# float32 unit roundoff, and the float64 centring's share (as in ``_cannot_improve``)
_U = 1.0001 * 2.0**-24


@numba.njit(**SERIAL)
def _screen_queries(Qo, qn, sidx, Xo, cn, lo, hi, visit, gaps, B, prune, td, ti, work):
    """Screen one block of queries ``Qo`` (float32, centred; ``qn`` their float32 squared
    norms) against the index blocks ``visit`` (blocks of ``B`` rows of ``Xo``, nearest first)
    into the top-m lists ``td``/``ti`` (scores and row numbers of ``Xo``, see
    :func:`~streamsmote.kernels.topk._screen_block`; ``sidx`` the row of ``Xo`` each query is,
    or -1). Returns the number of index blocks skipped.

    With ``prune``, an index block is skipped when no row in its box ``lo``/``hi`` can enter
    any query's list. First for the whole query block: ``gaps[p]`` is the squared float64
    distance between the query block's box and block ``visit[p]``'s (float32 corners), a lower
    bound on every pair's float32 distance; the rounding of the coordinates moves a distance
    by at most ``u (|a| + |c|)``, with ``|c| <= |a| + dist``, so the true distance is at least
    ``(sqrt(gap) - 2 u max|a|) / (1 + u)``. When its square reaches every query's norm plus
    threshold, this block and every later one (``gaps`` ascend, thresholds only fall) are
    skipped. Otherwise query by query
    (:func:`~streamsmote.kernels.topk._cannot_improve`). A skipped row's true squared
    distance is then at least the query's norm plus its final m-th score, which is all that
    :func:`~streamsmote.kernels.topk._rerank`'s proof assumes of a row that is not a
    candidate."""
    n = Xo.shape[0]
    bq = Qo.shape[0]
    m = td.shape[1]
    amax = 0.0
    for a in range(bq):
        amax = max(amax, np.float64(qn[a]))
    amax = np.sqrt(amax)
    thr = td[:, m - 1]
    skipped = 0
    for p in range(visit.shape[0]):
        b = visit[p]
        if prune:
            worst = 0.0
            for a in range(bq):
                worst = max(worst, np.float64(qn[a]) + np.float64(thr[a]))
            if worst < np.inf:
                lb = (np.sqrt(gaps[p]) - 2.0 * _U * amax) / (1.0 + _U)
                if lb > 0.0 and lb * lb >= worst * (1.0 + 1e-12):
                    skipped += visit.shape[0] - p
                    break
                if _cannot_improve(Qo, qn, thr, 0, bq, lo[b], hi[b]):
                    skipped += 1
                    continue
        c0 = b * B
        c1 = min(c0 + B, n)
        S = work[: bq * (c1 - c0)].reshape((bq, c1 - c0))
        np.dot(Qo, Xo[c0:c1].T, S)
        _screen_block(S, cn[c0:c1], c0, sidx, td, ti)
    return skipped


@numba.njit(**SERIAL)
def _permute_rows(A, order):
    """Reorder the rows of ``A`` in place so that row ``i`` becomes the old row ``order[i]``
    (``order`` a permutation), following its cycles with one row of scratch: a large matrix
    is put in a new order without a second copy of it."""
    n = A.shape[0]
    done = np.zeros(n, dtype=np.bool_)
    row = np.empty(A.shape[1], dtype=A.dtype)
    for i in range(n):
        if done[i]:
            continue
        row[:] = A[i]
        j = i
        while True:
            done[j] = True
            src = order[j]
            if src == i:
                A[j] = row
                break
            A[j] = A[src]
            j = src
    return A
