"""Top-k kernels for exact nearest-neighbour search.

Neighbours are ordered by (squared distance, index), so ties break towards the smaller row
number and every kernel gives the same answer whatever the blocking or the number of threads:
each query row is owned by one thread, and its candidates arrive in increasing index order.
Every kernel is serial, cached on disk and releases the GIL; :mod:`streamsmote._threads` runs
them on row ranges in parallel.
"""

import numba
import numpy as np

from .._config import SERIAL
from . import prefetch_row, wide_vectors

NO_INDEX = np.iinfo(np.int64).max
# Scores checked at once by the vectorised pre-check of the cross search (measured: 64).
RUN = 64
# A diagonal block's first threshold of a row comes from the minima of GROUPS groups of its
# scores (columns b and b + GROUPS, b + 2 GROUPS, ...; see _screen_diagonal). Measured at
# 50k x 20, one thread: 64 groups 0.059 s for every diagonal block, 32 groups 0.063, and
# the former sample of every 8th column 0.089.
GROUPS = 64
# Rows ahead of the re-rank at which their candidates' rows are prefetched.
RERANK_AHEAD = 2


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


@numba.njit(boundscheck=False, **SERIAL)
def _run_beats(g, cnorm, thr):
    """Whether any score ``cnorm[j] - 2 g[j]`` of a run beats ``thr``: the test of
    :func:`_screen_block`, or-reduced so that it vectorises. No ``fastmath``: a rewritten
    comparison that missed a candidate the scalar test would take would void the proof of
    :func:`_rerank`."""
    hit = False
    for j in range(g.shape[0]):
        hit |= cnorm[j] - np.float32(2.0) * g[j] < thr
    return hit


@numba.njit(**SERIAL)
def _screen_block(G, cnorm, c0, self_idx, td, ti):
    """Merge one block of float32 screening scores into each query's top-m.

    ``G[i, j]`` is the dot product of query ``i`` and candidate ``c0 + j`` (centred, float32);
    the score ``|c|^2 - 2 q.c`` orders candidates like the squared distance does, up to
    float32 rounding that :func:`_rerank` bounds. Each run of :data:`RUN` scores of a row is
    first checked at once (:func:`_run_beats`): once the thresholds are tight most runs hold
    no candidate, and only the others are merged score by score (measured at d = 20: 0.4
    instead of 0.6 ns a score). Serial: the caller runs one query block per thread, so that
    the block of ``G`` stays in that core's cache."""
    bq, bc = G.shape
    m = td.shape[1]
    for i in range(bq):
        tdi = td[i]
        tii = ti[i]
        thr = tdi[m - 1]
        skip = self_idx[i] - c0
        Gi = G[i]
        for r0 in range(0, bc, RUN):
            r1 = min(r0 + RUN, bc)
            if not _run_beats(Gi[r0:r1], cnorm[r0:r1], thr):
                continue
            for j in range(r0, r1):
                v = cnorm[j] - np.float32(2.0) * Gi[j]
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
    caller searches that query again by brute force.

    The same bound holds for the candidates, which come in increasing score: once k of them
    are ranked, the first whose bound exceeds the k-th distance ends the list (about half of
    the float64 distances at 100k x 20, k = 5: they read rows all over ``X``)."""
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
            bound = qnorm[q] + np.float64(cand_s[q, c]) - err[q]
            if c >= k and bound > td[k - 1] * (1.0 + 1e-9) + 1e-300:
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
    rows = out_d.shape[0]
    for r in range(rows):
        q = q0 + r
        if r + RERANK_AHEAD < rows:
            # the candidates' rows a few rows ahead, whose reads are scattered
            for c in range(cand.shape[1]):
                j = cand[q + RERANK_AHEAD, c]
                if j != NO_INDEX:
                    prefetch_row(X, j)
        td = out_d[r]
        ti = out_i[r]
        td[:] = np.inf
        ti[:] = NO_INDEX
        for c in range(cand.shape[1]):
            j = cand[q, c]
            if j != NO_INDEX and j != q:
                _offer(X, q, X, j, td, ti)


@numba.njit(inline="always", boundscheck=False, **SERIAL)
def _any_hit(S, a, cn_j, thr, j0, first, bj, ca, ta):
    """Whether any score ``S[a, b]``, ``first <= b < bj``, beats the row's threshold ``ta``
    (``cn_j[b] + S[a, b] < ta``) or its column's ``thr[j0 + b]`` (``ca + S[a, b]``): a
    vectorised pre-check (an or-reduction LLVM turns into packed compares), since most rows
    hold no candidate at all.

    Inlined and indexed with unsigned integers instead of taking row slices: a slice is a new
    array whose reference count is updated at every call (atomically, on a counter that the
    other threads' rows share through ``thr``), and a signed index costs a wrap-around select
    that stops the vectoriser. Same float32 operations as the scalar test that follows, so
    it never misses a score that test would take."""
    hit = False
    first_u = np.uint64(first)
    j0_u = np.uint64(j0)
    a_u = np.uint64(a)
    for i in range(first_u, np.uint64(bj)):
        b = np.uint64(i)
        v = S[a_u, b]
        hit |= ((cn_j[b] + v) < ta) | ((ca + v) < thr[j0_u + b])
    return hit


@numba.njit(inline="always", boundscheck=False, **SERIAL)
def _mark_hits(S, a, cn_j, thr, j0, first, bj, ca, ta, flags):
    """``flags[b] = 1`` where score ``S[a, b]`` beats the row's threshold ``ta`` or its
    column's ``thr[j0 + b]`` (the test of :func:`_any_hit`, stored instead of reduced), else
    0, for ``first <= b < bj``: one vectorised pass, so that the scalar merge visits only the
    few hits."""
    j0_u = np.uint64(j0)
    a_u = np.uint64(a)
    for i in range(np.uint64(first), np.uint64(bj)):
        b = np.uint64(i)
        v = S[a_u, b]
        flags[b] = np.uint8(((cn_j[b] + v) < ta) | ((ca + v) < thr[j0_u + b]))


@numba.njit(boundscheck=False, **SERIAL)
def _screen_rows(S, cn_i, cn_j, i0, j0, diag, td, ti, thr, flags):
    """Merge the scores ``S = -2 X_I X_J^T`` of row blocks I (from ``i0``) and J (from ``j0``)
    into the top-m lists of both: row ``a`` of I sees the columns of J as candidates (score
    ``cn_j[b] + S[a, b]``) and column ``b`` of J sees the rows of I (``cn_i[a] + S[a, b]``),
    so each dot product serves two queries. With ``diag`` (I and J overlap) only the pairs
    whose column comes after the row (``j0 + b > i0 + a``) are used, so a row is never its
    own candidate and no pair is offered twice. ``flags`` is scratch of at least
    ``S.shape[1] + 8`` bytes.

    ``thr[q]`` is the score to beat for row ``q``; it may be shared with other threads that
    keep their own lists. It only ever decreases to the m-th score of some list, so a score
    that does not beat it cannot be among the m best of all lists merged; a stale value read
    from another thread only lets an extra candidate through. Each row is first checked whole
    by :func:`_any_hit` (most rows of most blocks hold no candidate once the thresholds are
    tight); a row with a hit has its hits marked by :func:`_mark_hits` and read back eight at
    a time, and only the marked scores are merged one by one. A score is pushed only if it
    also beats the thread's own m-th: two threads writing one threshold can leave the larger
    value, above this thread's m-th, and a push must never drop a better entry. Rows and
    lists are indexed in place, never sliced per row (see :func:`_any_hit`)."""
    wide_vectors()  # 512-bit vectors where the CPU has them
    bi, bj = S.shape
    m = td.shape[1]
    words = flags[: (flags.shape[0] // 8) * 8].view(np.uint64)
    for a in range(bi):
        qa = i0 + a
        ca = cn_i[a]
        ta = thr[qa]
        first = max(0, qa - j0 + 1) if diag else 0
        if first >= bj or not _any_hit(S, a, cn_j, thr, j0, first, bj, ca, ta):
            continue
        _mark_hits(S, a, cn_j, thr, j0, first, bj, ca, ta, flags)
        # bytes before ``first`` or from ``bj`` on may be stale: the loop bounds skip them
        for w in range(first >> 3, (bj + 7) >> 3):
            if words[w] == 0:
                continue
            for b in range(max(w * 8, first), min(w * 8 + 8, bj)):
                if flags[b] == 0:
                    continue
                s = S[a, b]
                v = cn_j[b] + s
                if v < ta and v < td[qa, m - 1]:
                    _push(v, j0 + b, td[qa], ti[qa])
                    ta = min(ta, td[qa, m - 1])
                u = ca + s
                qb = j0 + b
                if u < thr[qb] and u < td[qb, m - 1]:
                    _push(u, qa, td[qb], ti[qb])
                    if td[qb, m - 1] < thr[qb]:
                        thr[qb] = td[qb, m - 1]
        if ta < thr[qa]:
            thr[qa] = ta


@numba.njit(inline="always", boundscheck=False, **SERIAL)
def _mark_below(S, a, cn_j, bj, t, flags):
    """``flags[b] = 1`` where the score ``cn_j[b] + S[a, b]``, ``b < bj``, is below ``t``,
    else 0 (vectorised; indexed in place like :func:`_any_hit`)."""
    a_u = np.uint64(a)
    for i in range(np.uint64(bj)):
        b = np.uint64(i)
        flags[b] = np.uint8((cn_j[b] + S[a_u, b]) < t)


@numba.njit(inline="always", boundscheck=False, **SERIAL)
def _group_minima(S, a, cn_j, bj, g):
    """``g[i]``: the smallest score ``cn_j[b] + S[a, b]`` over the columns ``b < bj`` with
    ``b % len(g) == i`` (inf for none), elementwise over whole runs of ``len(g)`` columns,
    so that it vectorises."""
    G = np.uint64(g.shape[0])
    a_u = np.uint64(a)
    for i in range(G):
        g[i] = np.inf
    runs = np.uint64(bj) // G
    for c in range(runs):
        c0 = np.uint64(c) * G
        for i in range(G):
            g[i] = min(g[i], cn_j[c0 + i] + S[a_u, c0 + i])
    c0 = runs * G
    for i in range(np.uint64(bj) - c0):
        g[i] = min(g[i], cn_j[c0 + i] + S[a_u, c0 + i])


@numba.njit(inline="always", boundscheck=False, **SERIAL)
def _count_less(g, t):
    """How many of ``g`` are below ``t`` (vectorised)."""
    c = 0
    for i in range(np.uint64(g.shape[0])):
        c += g[i] < t
    return c


@numba.njit(boundscheck=False, **SERIAL)
def _screen_diagonal(S, cn_j, r0, j0, td, ti, thr, flags, g):
    """Screen rows ``r0 ..`` of a diagonal block against every other row of the block:
    ``S = -2 X_I X_I^T`` for those rows and all ``S.shape[1]`` columns (from ``j0``), each
    row taking only its own candidates (score ``cn_j[b] + S[a, b]``, the row itself
    excluded). ``g`` is scratch of :data:`GROUPS` float32.

    A row meets its block first, when its list is empty: merged one by one, in an order
    unrelated to distance, about ``m ln(B / m)`` scores would enter the list and be pushed
    out again (61 per row at m = 13, B = 512: two thirds of every push of a 100k x 20 search).
    Instead the row's threshold is first set from the minima of :data:`GROUPS` groups of its
    scores (:func:`_group_minima`, the row itself left out): a value with at least m of the
    minima below it has at least m scores below it, and is found by bisection over the
    minima alone (vectorised counts of 64 values) until at most m + 2 of them are below.
    Every score below it is pushed (little more than m) and the others are not: the m pushed
    below it prove them out, as the m-th of a list does. Rows and lists are indexed in place,
    never sliced per row (see :func:`_any_hit`)."""
    wide_vectors()  # 512-bit vectors where the CPU has them
    bi, bj = S.shape
    m = td.shape[1]
    words = flags[: (flags.shape[0] // 8) * 8].view(np.uint64)
    G = g.shape[0]
    for a in range(bi):
        qa = r0 + a
        own = qa - j0
        lim = min(thr[qa], td[qa, m - 1])
        if bj >= 2 * G and m + 2 < G:
            _group_minima(S, a, cn_j, bj, g)
            mine = own % G
            g[mine] = np.inf
            for b in range(mine, bj, G):
                if b != own:
                    g[mine] = min(g[mine], cn_j[b] + S[a, b])
            lo = g[0]
            hi = g[0]
            for i in range(G):
                lo = min(lo, g[i])
                hi = max(hi, g[i])
            # every minimum is below hi (finite scores; an inf one only ends the search)
            hi = np.nextafter(hi, np.float32(np.inf))
            for _ in range(24):
                if _count_less(g, hi) <= m + 2:
                    break
                mid = lo + (hi - lo) * np.float32(0.5)
                if not (lo < mid and mid < hi):
                    break
                if _count_less(g, mid) >= m:
                    hi = mid
                else:
                    lo = mid
            if hi < lim and _count_less(g, hi) >= m:
                lim = hi
        _mark_below(S, a, cn_j, bj, lim, flags)
        flags[own] = 0
        for w in range((bj + 7) >> 3):
            if words[w] == 0:
                continue
            for b in range(w * 8, min(w * 8 + 8, bj)):
                if flags[b] == 0:
                    continue
                v = cn_j[b] + S[a, b]
                if v < td[qa, m - 1]:
                    _push(v, j0 + b, td[qa], ti[qa])
        if td[qa, m - 1] < thr[qa]:
            thr[qa] = td[qa, m - 1]


@numba.njit(**SERIAL)
def _cannot_improve(X, cn, thr, r0, r1, lo, hi):
    """Whether no row inside the box ``[lo, hi]`` can enter the top-m list of any row
    ``r0 .. r1 - 1`` of ``X`` (float32, centred; ``cn`` its squared norms).

    Row ``a`` needs a true squared distance below ``cn[a] + thr[a]`` (its score to beat plus
    its norm). Its float32 distance to the box is a lower bound on its float32 distance to
    every row inside; the float32 rounding of the coordinates moves a distance by at most
    ``u (|a| + |c|)``, with ``|c| <= |a| + dist``, so the true distance is at least
    ``(box distance - 2 u |a|) / (1 + u)``. When that exceeds the threshold for every row,
    the screen would reject every pair anyway and :func:`_rerank`'s proof still holds (a
    skipped row's true squared distance is at least ``|a|^2 + thr[a]``, at least the final
    m-th score). Stops at the first row that might still improve (the common case when the
    boxes overlap)."""
    d = X.shape[1]
    u = 1.0001 * 2.0**-24  # float32 unit roundoff, and the float64 centring's share
    for a in range(r0, r1):
        t = thr[a]
        if not t < np.inf:
            return False
        g = 0.0
        for f in range(d):
            x = X[a, f]
            if x < lo[f]:
                e = np.float64(lo[f]) - np.float64(x)
                g += e * e
            elif x > hi[f]:
                e = np.float64(x) - np.float64(hi[f])
                g += e * e
        ca = np.float64(cn[a])
        lb = (np.sqrt(g) - 2.0 * u * np.sqrt(ca)) / (1.0 + u)
        if lb <= 0.0 or lb * lb < (ca + np.float64(t)) * (1.0 + 1e-12):
            return False
    return True


@numba.njit(**SERIAL)
def _screen_pairs(Xo, packed, cn, lo, hi, pairs, rows, prune, td, ti, thr, work):
    """Screen the block pairs ``pairs[p] = (I, J)`` (``I <= J``, blocks of ``packed.shape[2]``
    rows of ``Xo``) into the top-m lists ``td``/``ti`` (see :func:`_screen_rows`), and return
    how many pairs were skipped.

    With ``prune``, a pair is skipped when neither block can improve the other's lists
    (:func:`_cannot_improve` against the other block's bounding box ``lo``/``hi``, with the
    thresholds as they stand: they only decrease, so the proof stays true). Otherwise its
    products are computed ``rows`` rows of I at a time (single-precision BLAS through
    ``np.dot``) into ``work`` and screened at once, while they are still in cache."""
    n, d = Xo.shape
    B = packed.shape[2]
    skipped = 0
    flags = np.zeros(B + 8, dtype=np.uint8)
    groups = np.empty(GROUPS, dtype=np.float32)
    for p in range(pairs.shape[0]):
        bi = pairs[p, 0]
        bj = pairs[p, 1]
        i0 = bi * B
        i1 = min(i0 + B, n)
        j0 = bj * B
        j1 = min(j0 + B, n)
        diag = bi == bj
        if prune and not diag:
            if _cannot_improve(Xo, cn, thr, i0, i1, lo[bj], hi[bj]):
                if _cannot_improve(Xo, cn, thr, j0, j1, lo[bi], hi[bi]):
                    skipped += 1
                    continue
        nj = j1 - j0
        Pj = packed[bj] if nj == B else np.ascontiguousarray(packed[bj, :, :nj])
        for r0 in range(i0, i1, rows):
            r1 = min(r0 + rows, i1)
            S = work[: (r1 - r0) * nj].reshape((r1 - r0, nj))
            np.dot(Xo[r0:r1], Pj, S)
            if diag:
                _screen_diagonal(S, cn[j0:j1], r0, j0, td, ti, thr, flags, groups)
            else:
                _screen_rows(S, cn[r0:r1], cn[j0:j1], r0, j0, False, td, ti, thr, flags)
    return skipped


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
