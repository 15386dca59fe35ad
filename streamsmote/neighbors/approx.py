"""Approximate k-nearest neighbours: a forest of random space-partition trees, an exact search
inside each leaf, neighbourhood refinement, and an exact float64 re-rank.

1. *Forest.* :data:`N_TREES` binary trees cut every cell at the median of its rows' projection
   on the line through two of its rows drawn at random (a random-projection tree that follows
   the data, as in Dasgupta & Freund 2008 and pynndescent's forest), down to leaves of at most
   :data:`LEAF` rows. The draws come from ``numpy.random.default_rng(random_state)`` before any
   kernel runs.
2. *Leaves.* Every leaf is searched exactly with the self-search machinery of
   :mod:`~streamsmote.neighbors.exact`: float32 matrix products by square blocks (each dot
   product serves both of its rows), screened into a top-``k + MARGIN`` list per row. A row's
   lists from the trees are merged, so a row holds the best candidates of every leaf it fell in.
   Rows are renumbered in the first tree's leaf order first, so that a row's neighbours, and
   theirs, lie near it in memory for the refinement.
3. *Refinement.* Rounds of neighbourhood exploration (the local join of NN-descent, Dong,
   Moses & Li 2011, section 3, done "pull" style): each row offers itself its neighbours'
   neighbours and its reverse neighbours' neighbours, skipping pairs that an earlier round
   already compared; a round reads the previous round's graph and writes a new one, so each row
   owns its output. Rounds stop when fewer than :data:`MIN_UPDATES` of the entries change.
4. *Re-rank.* The candidates of each row are ranked by exact float64 distance, ties by the
   smaller index, like the exact path.

Every kernel is serial, takes only arrays and scalars and is cached on disk, so no process pays
a compile once the cache is warm. Threads (:mod:`streamsmote._threads`) take whole trees, whole
leaves of one tree (disjoint rows) or row ranges, each owning its output rows: the result
depends on the seed only, never on the number of threads.
"""

import numba
import numpy as np

from .._config import FASTMATH, SERIAL
from .._threads import map_tasks, run_rows
from ..kernels.topk import NO_INDEX, _rerank_candidates, _screen_pair
from .exact import (
    PAIR_BLOCK,
    _block_pairs,
    _openblas_wide_call,
    _packed_blocks,
    _single_threaded_blas,
    kneighbors_exact,
)

# Measured at 20-d (benchmarks/results_graph.md): recall@5 0.98 at 100k isotropic rows and
# 0.93 at 1M (more tree levels separate more neighbours), 0.997 on clustered data at 1M. On
# 100k isotropic rows, 4 trees and 4 rounds gave 0.95, 8 trees 0.98 with fewer updates per
# round: a tree (block products) costs less than a refinement round (scattered reads).
N_TREES = 8
# Rows per leaf at most (leaves hold between LEAF / 2 and LEAF rows).
LEAF = 2048
# Candidates kept per row beyond k while the graph is built.
MARGIN = 15
# Reverse neighbours (the nearest ones) each row explores per round.
MAX_REVERSE = 10
MAX_ROUNDS = 4
# A refinement round that changes fewer than this fraction of the list entries is the last.
MIN_UPDATES = 0.002
_EMPTY = np.iinfo(np.int32).max


def kneighbors_approx(X, k, random_state=None):
    """Approximate k nearest other rows of each row of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Float32 or float64 rows (anything else is cast to float64).
    k : int
        Neighbours per row; needs ``n >= k + 1``.
    random_state : int, numpy.random.Generator or None
        Seed of the trees' random cuts; the same seed gives the same graph whatever the number
        of threads.

    Returns
    -------
    indices : ndarray of int64 (n, k)
    sq_distances : ndarray of float64 (n, k)
        Nearest first by exact float64 squared distance, ties broken by the smaller index.
        Classes of at most :data:`LEAF` rows are searched exactly.

    Examples
    --------
    >>> X = np.random.default_rng(0).standard_normal((5000, 8))
    >>> idx, dist = kneighbors_approx(X, 5, random_state=0)
    >>> idx.shape, bool((np.diff(dist, axis=1) >= 0).all())
    ((5000, 5), True)
    """
    X = np.ascontiguousarray(X)
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    n = X.shape[0]
    m = k + MARGIN
    if n <= LEAF or m + 1 > LEAF // 2:
        # One leaf holds everything: the forest would be the exact search.
        return kneighbors_exact(X, k)
    rng = np.random.default_rng(random_state)
    draws = rng.random((N_TREES, 2 * (n // LEAF) + 4, 2))

    mu = X.mean(axis=0, dtype=np.float64)
    Xc = (X - mu).astype(np.float32)
    cn = np.einsum("ij,ij->i", Xc, Xc)
    # A row's list holds (score, index, new) with score = |x_j|^2 - 2 x_i.x_j (centred,
    # float32): the squared distance minus |x_i|^2, which orders row i's candidates.
    gs = np.full((n, m), np.inf, dtype=np.float32)
    gi = np.full((n, m), _EMPTY, dtype=np.int32)
    gnew = np.zeros((n, m), dtype=np.bool_)

    def tree(t):
        order = np.empty(n, dtype=np.int64)
        starts = np.empty(draws.shape[1] + 2, dtype=np.int64)
        n_leaves = _rp_tree(Xc, LEAF, draws[t], order, starts)
        return order, starts[: n_leaves + 1]

    trees = map_tasks(tree, list(range(N_TREES)))
    # Rows renumbered in the first tree's order: a row's neighbours, and theirs, then sit
    # nearby in memory, which the refinement's scattered reads need at millions of rows.
    perm = trees[0][0]
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    Xc = Xc[perm]
    cn = cn[perm]
    with _single_threaded_blas():
        _openblas_wide_call(X.shape[1])
        # Trees one after the other (their leaves overlap); leaves of one tree in parallel.
        for t in range(N_TREES):
            order, starts = trees[t]
            order = np.arange(n) if t == 0 else inv[order]
            trees[t] = None
            map_tasks(
                lambda b, order=order, starts=starts: _search_leaf(
                    Xc, cn, order[starts[b] : starts[b + 1]], gs, gi, gnew
                ),
                list(range(starts.size - 1)),
            )
    order = starts = inv = None
    _refine_rounds(Xc, cn, gs, gi, gnew)
    gs = gnew = Xc = None
    # Back to the caller's row numbers: row perm[p] lists perm[gi[p]].
    cand = np.empty_like(gi)

    def renumber(lo, hi):
        cand[perm[lo:hi]] = perm[gi[lo:hi]]

    run_rows(renumber, n, min_rows=65536)
    gi = None

    out_d = np.empty((n, k), dtype=np.float64)
    out_i = np.empty((n, k), dtype=np.int64)
    run_rows(
        lambda lo, hi: _rerank_candidates(X, cand, lo, out_d[lo:hi], out_i[lo:hi]),
        n,
        min_rows=4096,
    )
    return out_i, out_d


def _search_leaf(Xc, cn, rows, gs, gi, gnew):
    """Exact top-m screening among the rows of one leaf, merged into their lists.

    A leaf's rows belong to no other leaf of the same tree, so leaves run in parallel. Each
    row's screening threshold starts at its list's m-th score: a pair that cannot enter the
    list is not pushed."""
    size = rows.size
    m = gs.shape[1]
    B = PAIR_BLOCK
    Xl = Xc[rows]
    cl = cn[rows]
    packed = _packed_blocks(Xl, B)
    td = np.full((size, m), np.inf, dtype=np.float32)
    ti = np.full((size, m), NO_INDEX, dtype=np.int64)
    thr = gs[rows, m - 1]
    buf = np.empty(B * B, dtype=np.float32)
    for bi, bj in _block_pairs(packed.shape[0]):
        i, j = bi * B, bj * B
        i1, j1 = min(i + B, size), min(j + B, size)
        S = buf[: (i1 - i) * (j1 - j)].reshape(i1 - i, j1 - j)
        np.matmul(Xl[i:i1], packed[bj, :, : j1 - j], out=S)
        _screen_pair(S, cl[i:i1], cl[j:j1], i, j, bi == bj, td, ti, thr)
    _merge_leaf(rows, td, ti, gs, gi, gnew)


def _refine_rounds(Xc, cn, gs, gi, gnew):
    """Rounds of :func:`_refine` until few entries change; updates the lists in place."""
    n, m = gi.shape
    os_ = np.empty_like(gs)
    oi = np.empty_like(gi)
    onew = np.empty_like(gnew)
    ri = np.empty((n, MAX_REVERSE), dtype=np.int32)
    rnew = np.empty((n, MAX_REVERSE), dtype=np.bool_)
    rd = np.empty((n, MAX_REVERSE), dtype=np.float32)
    counts = np.zeros(n, dtype=np.int64)

    def part(lo, hi):
        seen = np.full(n, -1, dtype=np.int32)  # the row that last saw each row
        _refine(Xc, cn, gs, gi, gnew, ri, rnew, lo, hi, os_, oi, onew, counts, seen)

    for _ in range(MAX_ROUNDS):
        _reverse(gs, gi, gnew, cn, rd, ri, rnew)
        run_rows(part, n, min_rows=4096)
        gs[:], gi[:], gnew[:] = os_, oi, onew
        if counts.sum() < MIN_UPDATES * n * m:
            break


@numba.njit(inline="always", **SERIAL)
def _push_new(s, j, ls, li, lnew):
    """Insert ``(s, j)`` into the sorted list ``ls``/``li`` (flagged new in ``lnew``), dropping
    the last entry, unless ``j`` is already in it; whether it was inserted. The caller has
    checked that ``(s, j)`` sorts before the last entry."""
    m = ls.shape[0]
    for h in range(m):
        if li[h] == j:
            return False
    p = m - 1
    while p > 0 and (ls[p - 1] > s or (ls[p - 1] == s and li[p - 1] > j)):
        ls[p] = ls[p - 1]
        li[p] = li[p - 1]
        lnew[p] = lnew[p - 1]
        p -= 1
    ls[p] = s
    li[p] = j
    lnew[p] = True
    return True


@numba.njit(fastmath=FASTMATH, **SERIAL)
def _score(X, cn, i, j):
    """Row ``i``'s score of row ``j``: ``|x_j|^2 - 2 x_i.x_j`` in float32. Not inlined by
    numba (its inlining would drop ``fastmath`` and the vectorised sum: 2.5x slower); rows
    indexed directly rather than passed as views (2x faster)."""
    s = np.float32(0.0)
    for f in range(X.shape[1]):
        s += X[i, f] * X[j, f]
    return cn[j] - np.float32(2.0) * s


@numba.njit(**SERIAL)
def _rp_tree(Xc, leaf, draws, order, starts):
    """One random-projection tree: fills ``order`` with a permutation of the rows in which
    every leaf is a contiguous run, and ``starts`` with the leaves' first positions (then
    ``n``); returns the number of leaves.

    A cell of more than ``leaf`` rows is cut at the median of the projections on the line
    through two of its rows (``draws[node]`` picks them), into halves of ``size // 2`` and the
    rest; rows projecting exactly on the median fill the first half, in their current order.
    Cells are taken depth first, left first, so the leaves come out in order."""
    n, d = Xc.shape
    for i in range(n):
        order[i] = i
    proj = np.empty(n, dtype=np.float32)
    tmp = np.empty(n, dtype=np.int64)
    v = np.empty(d, dtype=np.float32)
    stack = np.empty((130, 2), dtype=np.int64)
    stack[0, 0] = 0
    stack[0, 1] = n
    sp = 1
    node = 0
    n_leaves = 0
    while sp > 0:
        sp -= 1
        lo = stack[sp, 0]
        hi = stack[sp, 1]
        size = hi - lo
        if size <= leaf:
            starts[n_leaves] = lo
            n_leaves += 1
            continue
        p = order[lo + min(size - 1, int(draws[node, 0] * size))]
        q = order[lo + min(size - 1, int(draws[node, 1] * size))]
        node += 1
        for f in range(d):
            v[f] = Xc[p, f] - Xc[q, f]
        for i in range(lo, hi):
            o = order[i]
            x = np.float32(0.0)
            for f in range(d):
                x += Xc[o, f] * v[f]
            proj[i] = x
        half = size // 2
        med = np.partition(proj[lo:hi], half - 1)[half - 1]
        below = 0
        for i in range(lo, hi):
            if proj[i] < med:
                below += 1
        ties = half - below  # rows at the median that go to the first half
        a = lo
        b = lo + half
        for i in range(lo, hi):
            x = proj[i]
            if x < med or (x == med and ties > 0):
                if x == med:
                    ties -= 1
                tmp[a] = order[i]
                a += 1
            else:
                tmp[b] = order[i]
                b += 1
        order[lo:hi] = tmp[lo:hi]
        stack[sp, 0] = lo + half
        stack[sp, 1] = hi
        stack[sp + 1, 0] = lo
        stack[sp + 1, 1] = lo + half
        sp += 2
    starts[n_leaves] = n
    return n_leaves


@numba.njit(**SERIAL)
def _merge_leaf(rows, td, ti, gs, gi, gnew):
    """Merge a leaf's top-m lists (``ti`` holds positions in ``rows``) into the lists of its
    rows, in the caller's row numbers; candidates already listed are skipped."""
    m = gs.shape[1]
    for a in range(rows.shape[0]):
        g = rows[a]
        ls = gs[g]
        li = gi[g]
        for c in range(td.shape[1]):
            jj = ti[a, c]
            if jj == NO_INDEX:
                break
            s = td[a, c]
            j = rows[jj]
            if s < ls[m - 1] or (s == ls[m - 1] and j < li[m - 1]):
                _push_new(s, j, ls, li, gnew[g])


@numba.njit(**SERIAL)
def _reverse(gs, gi, gnew, cn, rd, ri, rnew):
    """Each row's nearest reverse neighbours (rows that list it), at most ``ri.shape[1]``,
    by (squared distance, index), with the flag of the listing edge."""
    n, m = gi.shape
    rd[:] = np.inf
    ri[:] = _EMPTY
    rnew[:] = False
    for s in range(n):
        for c in range(m):
            h = gi[s, c]
            if h == _EMPTY:
                break
            dist = gs[s, c] + cn[s]
            if dist < rd[h, -1] or (dist == rd[h, -1] and s < ri[h, -1]):
                _push_new(dist, s, rd[h], ri[h], rnew[h])
                # the slot's flag is the edge's, not "inserted now"
                for e in range(ri.shape[1]):
                    if ri[h, e] == s:
                        rnew[h, e] = gnew[s, c]
                        break


@numba.njit(**SERIAL)
def _refine(Xc, cn, gs, gi, gnew, ri, rnew, lo, hi, os_, oi, onew, counts, seen):
    """One pull-style local join for rows ``lo .. hi - 1``: row ``r``'s list is offered the
    lists of its neighbours and reverse neighbours (``hops``), and the reverse neighbours
    themselves. A pair is compared only if the hop edge or the listing edge is new since the
    last round (older pairs were compared then). Reads ``gs/gi/gnew``, writes
    ``os_/oi/onew`` and ``counts`` for its own rows only."""
    m = gi.shape[1]
    nrev = ri.shape[1]
    for r in range(lo, hi):
        ls = os_[r]
        li = oi[r]
        lf = onew[r]
        ls[:] = gs[r]
        li[:] = gi[r]
        lf[:] = False
        updates = 0
        seen[r] = r
        for a in range(m):
            if gi[r, a] != _EMPTY:
                seen[gi[r, a]] = r
        for a in range(m + nrev):
            if a < m:
                h = gi[r, a]
                hn = gnew[r, a]
            else:
                h = ri[r, a - m]
                hn = rnew[r, a - m]
                if h == _EMPTY:
                    break
                if hn and seen[h] != r:
                    seen[h] = r
                    s = _score(Xc, cn, r, h)
                    if s < ls[m - 1] or (s == ls[m - 1] and h < li[m - 1]):
                        updates += _push_new(s, h, ls, li, lf)
            if h == _EMPTY:
                continue
            for b in range(m + nrev):
                if b < m:
                    q = gi[h, b]
                    qn = gnew[h, b]
                else:
                    q = ri[h, b - m]
                    qn = rnew[h, b - m]
                if q == _EMPTY:
                    continue
                if seen[q] == r or not (hn or qn):
                    continue
                seen[q] = r
                s = _score(Xc, cn, r, q)
                if s < ls[m - 1] or (s == ls[m - 1] and q < li[m - 1]):
                    updates += _push_new(s, q, ls, li, lf)
        counts[r] = updates
