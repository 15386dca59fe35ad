"""Top-k kernels for exact nearest-neighbour search.

Neighbours are ordered by (squared distance, index), so ties break towards the smaller row
number and every kernel gives the same answer whatever the blocking or the number of threads:
each query row is owned by one thread, and its candidates arrive in increasing index order.
Every kernel is serial, cached on disk and releases the GIL; :mod:`streamsmote._threads` runs
them on row ranges in parallel.
"""

import numba
import numpy as np

from .._config import FASTMATH, SERIAL

NO_INDEX = np.iinfo(np.int64).max
# Scores checked at once by the vectorised pre-check of _screen_pair (measured: 64).
RUN = 64


@numba.njit(inline="always", **SERIAL)
def _push(dist, idx, td, ti):
    """Insert ``(dist, idx)`` into the sorted rows ``td``/``ti``, dropping the last entry.

    The caller has checked that ``(dist, idx)`` sorts before the last entry."""
    p = td.shape[0] - 1
    while p > 0 and (td[p - 1] > dist or (td[p - 1] == dist and ti[p - 1] > idx)):
        td[p] = td[p - 1]
        ti[p] = ti[p - 1]
        p -= 1
    td[p] = dist
    ti[p] = idx


@numba.njit(inline="always", **SERIAL)
def _offer(Q, q, X, j, td, ti):
    """Offer row ``j`` of ``X`` to the sorted list ``td``/``ti`` of query row ``q`` of ``Q``
    at its exact float64 squared distance (differences in float64, summed in feature order);
    a candidate already in the list is ignored."""
    k = td.shape[0]
    for h in range(k):
        if ti[h] == j:
            return
    s = 0.0
    for f in range(X.shape[1]):
        t = np.float64(Q[q, f]) - np.float64(X[j, f])
        s += t * t
    if s < td[k - 1] or (s == td[k - 1] and j < ti[k - 1]):
        _push(s, j, td, ti)


@numba.njit(**SERIAL)
def _brute_knn(X, Q, self_idx, out_d, out_i):
    """Exact float64 kNN of each row of ``Q`` among the rows of ``X``.

    ``self_idx[q]`` is the row of ``X`` that query ``q`` is (excluded), or -1. Distances are
    sums of squared float64 differences, in feature order."""
    n, d = X.shape
    k = out_d.shape[1]
    for q in range(Q.shape[0]):
        td = out_d[q]
        ti = out_i[q]
        td[:] = np.inf
        ti[:] = NO_INDEX
        skip = self_idx[q]
        for j in range(n):
            if j == skip:
                continue
            s = 0.0
            for f in range(d):
                t = np.float64(Q[q, f]) - np.float64(X[j, f])
                s += t * t
            if s < td[k - 1]:
                _push(s, j, td, ti)


@numba.njit(**SERIAL)
def _screen_block(G, cnorm, c0, self_idx, td, ti):
    """Merge one block of float32 screening scores into each query's top-m.

    ``G[i, j]`` is the dot product of query ``i`` and candidate ``c0 + j`` (centred, float32);
    the score ``|c|^2 - 2 q.c`` orders candidates like the squared distance does, up to
    float32 rounding that :func:`_rerank` bounds. Serial: the caller runs one query block per
    thread, so that the block of ``G`` stays in that core's cache."""
    bq, bc = G.shape
    m = td.shape[1]
    for i in range(bq):
        tdi = td[i]
        tii = ti[i]
        thr = tdi[m - 1]
        skip = self_idx[i] - c0
        for j in range(bc):
            v = cnorm[j] - np.float32(2.0) * G[i, j]
            if v < thr and j != skip:
                _push(v, c0 + j, tdi, tii)
                thr = tdi[m - 1]


@numba.njit(**SERIAL)
def _rerank(X, Q, cand_i, cand_s, qnorm, err, out_d, out_i, ok):
    """Exact float64 distances for the screened candidates, the k best of them, and a proof
    that no other row can beat them.

    A row that was not a candidate has a float32 score of at least ``cand_s[q, -1]``; its
    true squared distance is then at least ``qnorm[q] + cand_s[q, -1] - err[q]``. When that
    bound exceeds the k-th exact distance the answer is exact (``ok[q] = True``); otherwise the
    caller searches that query again by brute force."""
    m = cand_i.shape[1]
    k = out_d.shape[1]
    for q in range(Q.shape[0]):
        td = out_d[q]
        ti = out_i[q]
        td[:] = np.inf
        ti[:] = NO_INDEX
        for c in range(m):
            j = cand_i[q, c]
            if j == NO_INDEX:
                break
            _offer(Q, q, X, j, td, ti)
        last = np.float64(cand_s[q, m - 1])
        if np.isinf(last):
            ok[q] = True  # fewer than m rows in all: every row was a candidate
        else:
            kth = td[k - 1]
            ok[q] = qnorm[q] + last - err[q] > kth * (1.0 + 1e-9) + 1e-300


@numba.njit(**SERIAL)
def _rerank_candidates(X, cand, q0, out_d, out_i):
    """The k nearest of each row's candidate list (its own index skipped), by exact float64
    distance then index, for rows ``q0, q0 + 1, ...`` (one per row of ``out_d``). Rows with
    fewer than k valid candidates keep ``NO_INDEX`` slots."""
    for r in range(out_d.shape[0]):
        q = q0 + r
        td = out_d[r]
        ti = out_i[r]
        td[:] = np.inf
        ti[:] = NO_INDEX
        for c in range(cand.shape[1]):
            j = cand[q, c]
            if j != NO_INDEX and j != q:
                _offer(X, q, X, j, td, ti)


@numba.njit(fastmath=FASTMATH, boundscheck=False, **SERIAL)
def _any_hit(s, cn_j, thr_j, ca, ta):
    """Whether any score of a run of one row of a block beats the row's threshold ``ta`` or
    its column's ``thr_j``: a vectorised pre-check (an or-reduction LLVM turns into packed
    compares), since most runs hold no candidate at all. Arguments are slices, so indices
    never wrap."""
    hit = False
    for b in range(s.shape[0]):
        v = s[b]
        hit |= ((cn_j[b] + v) < ta) | ((ca + v) < thr_j[b])
    return hit


@numba.njit(**SERIAL)
def _screen_pair(S, cn_i, cn_j, i0, j0, diag, td, ti, thr):
    """Merge the scores ``S = -2 X_I X_J^T`` of row blocks I (from ``i0``) and J (from ``j0``)
    into the top-m lists of both: row ``a`` of I sees the columns of J as candidates (score
    ``cn_j[b] + S[a, b]``) and column ``b`` of J sees the rows of I (``cn_i[a] + S[a, b]``),
    so each dot product serves two queries. On a diagonal block only the upper triangle is
    used (a row is never its own candidate).

    ``thr[q]`` is the score to beat for row ``q``; it may be shared with other threads that
    keep their own lists. It only ever decreases to the m-th score of some list, so a score
    that does not beat it cannot be among the m best of all lists merged; a stale value read
    from another thread only lets an extra candidate through. Runs of ``RUN`` scores are
    checked at once by :func:`_any_hit`."""
    bi, bj = S.shape
    m = td.shape[1]
    thr_j = thr[j0 : j0 + bj]
    for a in range(bi):
        qa = i0 + a
        ca = cn_i[a]
        Sa = S[a]
        tda = td[qa]
        tia = ti[qa]
        ta = thr[qa]
        for lo in range(a + 1 if diag else 0, bj, RUN):
            hi = min(lo + RUN, bj)
            if not _any_hit(Sa[lo:hi], cn_j[lo:hi], thr_j[lo:hi], ca, ta):
                continue
            for b in range(lo, hi):
                v = cn_j[b] + Sa[b]
                if v < ta:
                    _push(v, j0 + b, tda, tia)
                    ta = min(ta, tda[m - 1])
                w = ca + Sa[b]
                if w < thr_j[b]:
                    qb = j0 + b
                    _push(w, qa, td[qb], ti[qb])
                    if td[qb, m - 1] < thr_j[b]:
                        thr_j[b] = td[qb, m - 1]
        if ta < thr[qa]:
            thr[qa] = ta


@numba.njit(**SERIAL)
def _merge_top(tds, tis, order, lo, hi, out_s, out_i):
    """Merge the per-thread top-m lists (``tds[t, r]``) of rows ``lo .. hi - 1`` into one
    top-m list per row, ordered by (score, index), and write it in the caller's numbering:
    row ``r`` is the caller's row ``order[r]``, and so is candidate index ``r``."""
    m = out_s.shape[1]
    for r in range(lo, hi):
        q = order[r]
        ts = out_s[q]
        ti = out_i[q]
        ts[:] = np.inf
        ti[:] = NO_INDEX
        for t in range(tds.shape[0]):
            for c in range(m):
                v = tds[t, r, c]
                j = tis[t, r, c]
                if j == NO_INDEX:
                    break
                if v < ts[m - 1] or (v == ts[m - 1] and j < ti[m - 1]):
                    _push(v, j, ts, ti)
        for c in range(m):
            if ti[c] != NO_INDEX:
                ti[c] = order[ti[c]]
