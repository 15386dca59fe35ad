"""Approximate k-nearest neighbours: a forest of random space-partition trees, an exact search
inside each leaf, neighbourhood refinement, and an exact float64 re-rank.

1. *Forest.* :data:`N_TREES` binary trees (more above a million rows: :func:`_n_trees`) cut
   every cell at the median of its rows' projection on the line through two of its rows drawn
   at random (a random-projection tree that follows the data, as in Dasgupta & Freund 2008
   and pynndescent's forest), down to leaves of at most :data:`LEAF` rows. The draws come
   from ``numpy.random.default_rng(random_state)`` before any kernel runs.
2. *Leaves.* Every leaf is searched exactly, in one kernel per run of leaves
   (:func:`_search_leaves`): float32 matrix products by tiles of rows, screened with the
   self-search machinery of :mod:`~streamsmote.kernels.topk` straight into each row's
   top-``k + MARGIN`` list, so a row holds the best candidates of every leaf it fell in. The
   first tree fills the empty lists from an estimated threshold; later trees screen each pair
   once for both of its rows against the lists' own thresholds. Rows are renumbered in the
   first tree's leaf order first, so that a row's neighbours, and theirs, lie near it in
   memory for the refinement.
3. *Refinement.* Rounds of NN-descent's local join (Dong, Moses & Li 2011, section 2.3):
   each row's neighbours and nearest :data:`MAX_REVERSE` reverse neighbours are compared with
   each other, each pair once and only if one of the two entered a list since the last round,
   and every pair is offered to both of its rows. The rows' vectors are read once per join and
   the pairs computed from cache (a "pull" search that offers each row its neighbours'
   neighbours reads a scattered vector per candidate instead). Lists hold float32 squared
   distances. Rounds stop when fewer than :data:`MIN_UPDATES` of the entries changed.
4. *Re-rank.* The candidates of each row are ranked by exact float64 distance, ties by the
   smaller index, like the exact path.

Every kernel is serial, takes only arrays and scalars and is cached on disk, so no process pays
a compile once the cache is warm. Threads (:mod:`streamsmote._threads`) take whole trees, whole
leaves of one tree (disjoint rows) or row ranges, each owning its output rows; in the join they
take parts of a block of rows and collect offers, grouped by the thread that owns their row,
which then applies them in the order one thread would have made them: the result depends on
the seed only, never on the number of threads.
"""

import numba
import numpy as np

from .. import _threads
from .._config import FASTMATH, SERIAL
from .._threads import map_tasks, run_rows
from ..kernels import prefetch, prefetch_row, wide_vectors
from ..kernels.topk import (
    GROUPS,
    NO_INDEX,
    _any_hit,
    _mark_hits,
    _rerank_candidates,
    _screen_diagonal,
)
from .exact import _openblas_wide_call, _single_threaded_blas, centred32, kneighbors_exact

# Measured at 1M x 20 isotropic Gaussian rows, k = 5 (recall@5 of 3000 rows, wall and CPU
# time of one build on 2 threads of a shared 2-core machine). Many trees and short lists:
# a tree's leaves find neighbours at a lower cost than the local join does, and the join's
# cost grows with the square of a list's length. With lists of 11 (MARGIN = 6):
# - leaves of 1024 rows at most (976 here): 26 trees 0.9624 in 11.9 s (22.9 s CPU), 28 trees
#   0.9686 in 12.2 s, 24 trees 0.954, 20 trees 0.936;
# - leaves of 512 (488 here): 36 trees 0.9625 in 12.6 s (24.2 s CPU), 32 trees 0.953, 28
#   trees 0.946 (0.959 with lists of 13 and 30 reverse neighbours); with lists of 9, 0.954;
#   leaves of 256 and 48 trees 0.961, 15% slower than 36 of 512;
# - lists of 15 and 32 trees of 512: 0.968, 19% slower. The first setting, lists of 30 and
#   16 trees of 512: 0.963, 50% slower (half of it in the join).
# Larger leaves find more per tree, and their products run faster (longer BLAS calls) while
# the cut is one level shorter.
N_TREES = 26
# Trees added per doubling of the rows above TREES_ROWS: at 4M x 20 isotropic rows, 26 trees
# gave recall@5 0.924 in 58 s, 34 trees 0.953 in 66 s, 38 trees 0.964 in 71 s (pynndescent:
# 0.927 in 240-295 s).
TREES_PER_DOUBLING = 6
TREES_ROWS = 1_000_000
# Rows per leaf at most (leaves hold between LEAF / 2 and LEAF rows).
LEAF = 1024
# Candidates kept per row beyond k while the graph is built (see N_TREES).
MARGIN = 6
# Reverse neighbours (the nearest ones) each row joins per round: 12 gave 0.955 (lists of 11,
# 36 trees of 512).
MAX_REVERSE = 20
# Rows of a leaf multiplied and screened at once (their products stay in cache), and leaves
# per thread task.
LEAF_TILE = 64
LEAF_RUN = 16
MAX_ROUNDS = 8
# Rows ahead of use at which a gather's rows are prefetched.
AHEAD = 40
# Rows joined between two applications of the offers: bounds the offers held at once (at
# 16384, peak RSS 1.2 GB at 1M isotropic rows; at 250k, 4096 took as much CPU time).
JOIN_BLOCK = 4096
# A refinement round that changes fewer than this fraction of the list entries is the last
# (0.005 instead: one more round, +0.001 recall at 250k).
MIN_UPDATES = 0.01
_EMPTY = np.iinfo(np.int32).max


def approx_bytes(n, d, k, threads=None):
    """Bytes :func:`kneighbors_approx` allocates for ``n`` rows of ``d`` columns, at its peak,
    with ``threads`` threads (None: as many as it will use).

    Two phases peak: the forest (the float32 copy, counted twice for the moment it is
    renumbered, the lists, the first tree's order and, per thread, a tree's order and its
    partition scratch) and the refinement's reverse edges (the float32 copy, the lists, every
    list entry as a grouped edge, the reverse lists and each thread's edge counts). Measured
    peak RSS increase on 2 threads, k = 5: 406 MB at 1M x 20 (440 predicted), 120 MB at
    300k x 8 (129), 169 MB at 300k x 50 (190), 36 MB at 100k x 20 (59). Each thread adds 32
    bytes a row to the forest and 8 to the refinement.

    Examples
    --------
    >>> round(approx_bytes(1_000_000, 20, 5) / 1e6)
    440
    """
    m = k + MARGIN
    parts = _threads.n_threads() if threads is None else threads
    forest = 8 * d + 9 * m + 32 * parts + 32
    refine = 4 * d + 17 * m + 5 * MAX_REVERSE + 8 * parts + 40
    return n * max(forest, refine) + (16 << 20)


def _n_trees(n):
    """Trees of the forest for ``n`` rows: :data:`N_TREES`, and :data:`TREES_PER_DOUBLING` more
    per doubling above :data:`TREES_ROWS` rows.

    Examples
    --------
    >>> _n_trees(100_000), _n_trees(1_000_000), _n_trees(4_000_000)
    (26, 26, 38)
    """
    return N_TREES + max(0, round(TREES_PER_DOUBLING * np.log2(n / TREES_ROWS)))


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
    n_trees = _n_trees(n)
    draws = rng.random((n_trees, 2 * (n // LEAF) + 4, 2))

    mu = X.mean(axis=0, dtype=np.float64)
    Xc = np.empty(X.shape, dtype=np.float32)
    run_rows(lambda lo, hi: centred32(X[lo:hi], mu, Xc[lo:hi]), n, min_rows=65536)
    cn = np.einsum("ij,ij->i", Xc, Xc)

    def lists():
        # A row's list holds (distance, index, new): the float32 squared distance of
        # :func:`_dist32`, sorted by (distance, index).
        return (
            np.full((n, m), np.inf, dtype=np.float32),
            np.full((n, m), _EMPTY, dtype=np.int32),
            np.zeros((n, m), dtype=np.bool_),
        )

    def tree(t):
        order = np.empty(n, dtype=np.int64)
        starts = np.empty(draws.shape[1] + 2, dtype=np.int64)
        n_leaves = _rp_tree(Xc, LEAF, draws[t], order, starts)
        return order, starts[: n_leaves + 1]

    # the first tree is cut alone (the others are cut on its order): meanwhile the lists'
    # memory is filled
    first, (gs, gi, gnew) = map_tasks(lambda f: f(), [lambda: tree(0), lists])
    # Rows renumbered in the first tree's order: a row's neighbours, and theirs, then sit
    # nearby in memory, which the refinement's scattered reads need at millions of rows. The
    # other trees are cut on the renumbered rows, whose cells then gather rows near each other
    # in memory too (the trees 14% faster at 1M rows).
    perm = first[0]
    Xp = np.empty_like(Xc)
    run_rows(lambda lo, hi: np.take(Xc, perm[lo:hi], axis=0, out=Xp[lo:hi]), n, min_rows=65536)
    Xc = Xp
    Xp = None
    cn = cn[perm]
    ready = [(np.arange(n), first[1])]  # trees cut and not searched yet
    first = None
    parts = _threads.n_threads()
    with _single_threaded_blas():
        _openblas_wide_call(X.shape[1])
        # Trees cut as many at a time as there are threads (so that only their orders are
        # held) and searched one after the other (their leaves overlap), each by runs of
        # leaves in parallel (a leaf's rows are in no other leaf of its tree).
        for t in range(n_trees):
            if not ready:
                ready = map_tasks(tree, list(range(t, min(t + parts, n_trees))))
            order, starts = ready.pop(0)
            n_leaves = starts.size - 1
            runs = np.linspace(0, n_leaves, -(-n_leaves // LEAF_RUN) + 1).astype(np.int64)
            map_tasks(
                lambda r, o=order, s=starts, f=t == 0, b=runs: _search_leaves(
                    Xc, cn, o, s, b[r], b[r + 1], f, gs, gi, gnew
                ),
                list(range(runs.size - 1)),
            )
    order = starts = None
    _refine_rounds(Xc, gs, gi, gnew)
    gs = gnew = Xc = None
    # Back to the caller's row numbers: row perm[p] lists perm[gi[p]].
    # Only the head of each list is re-ranked: its float32 order is right but for rounding, and
    # the k-th neighbour is far from the (2k + 5)-th (half the re-rank's scattered reads).
    r = min(m, 2 * k + 5)
    cand = np.empty((n, r), dtype=gi.dtype)

    def renumber(lo, hi):
        cand[perm[lo:hi]] = perm[gi[lo:hi, :r]]

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


def _refine_rounds(Xc, gs, gi, gnew):
    """Rounds of the local join until few entries change; updates the lists in place.

    A round takes its candidates from the lists as they stood at its start (then marks them
    old) and runs the join over blocks of :data:`JOIN_BLOCK` rows: the threads join
    consecutive parts of a block, collecting the offers that pass the lists' thresholds (read
    only meanwhile), then apply them, each thread to the lists it owns, taking the parts in
    order: every list sees its offers in the order of a one-thread run, so the graph depends
    on the block size but not on the number of threads."""
    n, m = gi.shape
    thr = np.ascontiguousarray(gs[:, m - 1])
    ri = np.empty((n, MAX_REVERSE), dtype=np.int32)
    rnew = np.empty((n, MAX_REVERSE), dtype=np.bool_)
    parts = _threads.n_threads()
    for _ in range(MAX_ROUNDS):
        start, edge, edge_d = _grouped_edges(gs, gi, gnew, parts)
        run_rows(
            lambda lo, hi, a=(start, edge, edge_d, ri, rnew): _reverse(*a, lo, hi),
            n,
            min_rows=4096,
        )
        start = edge = edge_d = None
        fi = gi.copy()
        fnew = gnew.copy()
        gnew[:] = False
        for b0 in range(0, n, JOIN_BLOCK):
            b1 = min(n, b0 + JOIN_BLOCK)
            bounds = [b0 + (b1 - b0) * t // parts for t in range(parts + 1)]
            # each part's offers grouped by the thread that owns their row, so that an
            # applier reads only its own
            offers = map_tasks(
                lambda t, f=(Xc, fi, fnew, ri, rnew, thr), b=bounds: _by_owner(
                    *_join(*f, b[t], b[t + 1]), n, parts
                ),
                list(range(parts)),
            )
            map_tasks(
                lambda t, o=offers, g=(gs, gi, gnew, thr): [
                    _apply(op, oq, osc, at[t], at[t + 1], *g) for op, oq, osc, at in o
                ],
                list(range(parts)),
            )
        fi = fnew = offers = None  # not held while the next round groups the edges
        # entries that entered a list this round (and stayed in it)
        if np.count_nonzero(gnew) < MIN_UPDATES * n * m:
            break


def _grouped_edges(gs, gi, gnew, parts):
    """The edges of the lists grouped by the row they point to, as ``(start, edge, edge_d)``:
    ``edge[start[h] .. start[h + 1] - 1]`` are the rows that list ``h``, in increasing order
    (``~s`` for a new entry), ``edge_d`` their distances. Read once, in order, so that
    :func:`_reverse` reads nothing at random. Each of ``parts`` threads counts and then
    places the edges of its own range of listing rows, at offsets that put them in the order
    of a one-thread run."""
    n = gi.shape[0]
    bounds = [n * t // parts for t in range(parts + 1)]
    counts = np.zeros((parts, n + 1), dtype=np.int64)
    map_tasks(
        lambda t: _count_edges(gi, bounds[t], bounds[t + 1], counts[t]),
        list(range(parts)),
    )
    start = np.empty(n + 1, dtype=np.int64)
    _edge_offsets(counts, start)  # counts[t] become thread t's first slot per row
    edge = np.empty(start[n], dtype=np.int32)  # row numbers: n < 2**31
    edge_d = np.empty(start[n], dtype=np.float32)
    map_tasks(
        lambda t: _place_edges(gs, gi, gnew, bounds[t], bounds[t + 1], counts[t], edge, edge_d),
        list(range(parts)),
    )
    return start, edge, edge_d


@numba.njit(inline="always", **SERIAL)
def _push_new(s, j, ls, li, lnew, whole):
    """Insert ``(s, j)`` into the sorted list ``ls``/``li`` (flagged new in ``lnew``), dropping
    the last entry, unless ``j`` is already in it; whether it was inserted. The caller has
    checked that ``(s, j)`` sorts before the last entry.

    ``whole`` (a constant at each call) looks for ``j`` in the whole list at once, vectorised,
    instead of stopping at the first match: the join's offers are mostly pairs listed already
    (applying them took 9.7 s of CPU time at 1M x 20, 5.9 s so), while a leaf's pushes are
    mostly new and its screening loop ran 13% slower with the longer inlined code."""
    m = ls.shape[0]
    if whole:
        listed = False
        for h in range(m):
            listed |= li[h] == j
        if listed:
            return False
    else:
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
def _dist32(X, a, b):
    """Float32 squared distance of rows ``a`` and ``b`` of ``X``. Not inlined by numba (its
    inlining would drop ``fastmath`` and the vectorised sum: 2.4x slower, measured)."""
    s = np.float32(0.0)
    for f in range(X.shape[1]):
        t = X[a, f] - X[b, f]
        s += t * t
    return s


@numba.njit(fastmath=FASTMATH, **SERIAL)
def _dot32(x, v):
    """Float32 dot product, summed in any order: vectorised, the trees' projections take
    0.37 instead of 0.56 s a tree at 1M x 20 (summed in sequence, each addition waits for
    the last)."""
    s = np.float32(0.0)
    for f in range(x.shape[0]):
        s += x[f] * v[f]
    return s


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
    mid = np.empty(n, dtype=np.float32)  # scratch of _kth_smallest
    tmp = np.empty(n + 1, dtype=np.int64)
    right = np.empty(n, dtype=np.int64)
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
        # the rows prefetched AHEAD rows before their use, so that their loads overlap (a cut of
        # 1M rows: 0.21 s instead of 0.24 on one thread); the last row stands in past the end
        for i in range(lo, min(hi, lo + AHEAD)):
            prefetch_row(Xc, order[i])
        for i in range(lo, hi):
            prefetch_row(Xc, order[min(i + AHEAD, hi - 1)])
            proj[i] = _dot32(Xc[order[i]], v)
        half = size // 2
        med = _kth_smallest(proj[lo:hi], half - 1, mid)
        below = 0
        for i in range(lo, hi):
            if proj[i] < med:
                below += 1
        ties = half - below  # rows at the median that go to the first half
        # branch-free (each row's side is a coin toss): every row is written to both
        # sides, and only its own side's position advances
        a = lo
        b = 0
        for i in range(lo, hi):
            x = proj[i]
            o = order[i]
            left = (x < med) | ((x == med) & (ties > 0))
            ties -= (x == med) & left
            tmp[a] = o
            right[b] = o
            a += left
            b += not left
        order[lo + half : hi] = right[: size - half]
        order[lo : lo + half] = tmp[lo : lo + half]
        stack[sp, 0] = lo + half
        stack[sp, 1] = hi
        stack[sp + 1, 0] = lo
        stack[sp + 1, 1] = lo + half
        sp += 2
    starts[n_leaves] = n
    return n_leaves


@numba.njit(**SERIAL)
def _kth_smallest(x, kth, mid):
    """The ``kth`` smallest (from 0) of ``x``, which stays as it is; ``mid`` is scratch of
    ``x``'s length. The value ``np.partition`` finds, in less than half its time at a
    million rows (it took 0.15 s of a tree's 0.41 s at 1M rows).

    Two bounds around rank ``kth`` are read from a sorted, evenly spaced sample; one
    branch-free pass counts the values below the lower one and gathers those between the
    two (about 1 in 12), among which the rank is selected. If the sample misled (the rank
    is not among them), the whole array is selected."""
    n = x.shape[0]
    if n < 256:
        return np.partition(x, kth)[kth]
    s = min(1024, n // 8)
    w = max(6, s // 24)
    step = n // s
    sample = np.empty(s, dtype=x.dtype)
    for i in range(s):
        sample[i] = x[i * step]
    sample.sort()
    r = kth * s // n
    low = sample[r - w] if r >= w else -np.inf
    high = sample[r + w] if r + w < s else np.inf
    below = 0
    m = 0
    for i in range(n):
        v = x[i]
        below += v < low
        mid[m] = v
        m += (v >= low) & (v <= high)
    if below <= kth < below + m:
        return np.partition(mid[:m], kth - below)[kth - below]
    return np.partition(x, kth)[kth]


@numba.njit(**SERIAL)
def _search_leaves(Xc, cn, order, starts, l0, l1, first, gs, gi, gnew):
    """Exact search inside leaves ``l0 .. l1 - 1`` of one tree (leaf ``b`` holds the rows
    ``order[starts[b] : starts[b + 1]]``), merged into the rows' lists: a pair that beats a
    row's m-th entry is pushed into its list, unless already listed.

    A leaf's rows are gathered and their dot products taken by tiles of :data:`LEAF_TILE`
    rows (single-precision BLAS through ``np.dot``), screened while in cache by the score
    ``|x_j|^2 - 2 x_i . x_j`` (the squared distance minus ``|x_i|^2``). With ``first`` (the
    lists are empty) each row screens its whole leaf at once with
    :func:`~streamsmote.kernels.topk._screen_diagonal`, whose first threshold (from the minima
    of groups of the row's scores) spares the m ln(leaf / m) pushes of a list filled in an
    order unrelated to distance. Later trees
    start from the lists' thresholds, tight by then: each dot product serves both of its rows
    (a tile's rows against the rows after them), and a pair already listed by an earlier tree
    is dropped at its push, holding no slot.

    The rows' vectors, norms and (for later trees) lists are prefetched :data:`AHEAD` rows
    before they are gathered, across the leaves of the run: a later tree at 1M rows took
    0.29 s instead of 0.31 on one thread (lists read in the pushes, not prefetched: 0.33)."""
    d = Xc.shape[1]
    m = gs.shape[1]
    L = 1
    for b in range(l0, l1):
        L = max(L, starts[b + 1] - starts[b])
    Xl = np.empty((L, d), dtype=np.float32)
    cl = np.empty(L, dtype=np.float32)
    thr = np.empty(L, dtype=np.float32)
    work = np.empty(LEAF_TILE * L, dtype=np.float32)
    flags = np.zeros(L + 8, dtype=np.uint8)
    minima = np.empty(GROUPS, dtype=np.float32)  # scratch of _screen_diagonal
    td = np.empty((L if first else 0, m), dtype=np.float32)
    ti = np.empty((L if first else 0, m), dtype=np.int64)
    end = starts[l1]
    for b in range(l0, l1):
        rows = order[starts[b] : starts[b + 1]]
        size = rows.shape[0]
        for a in range(size):
            h = order[min(starts[b] + a + AHEAD, end - 1)]
            prefetch_row(Xc, h)
            prefetch(cn, h)
            if not first:
                prefetch_row(gs, h)
                prefetch_row(gi, h)
                prefetch_row(gnew, h)
            g = rows[a]
            for f in range(d):
                Xl[a, f] = Xc[g, f]
            cl[a] = cn[g]
        X = Xl[:size]
        c = cl[:size]
        # -2 X, whose transposed rows are a column-major operand of the BLAS call
        P = np.float32(-2.0) * X
        if first:
            td[:size] = np.inf
            ti[:size] = NO_INDEX
            thr[:size] = np.inf
        else:
            for a in range(size):
                thr[a] = gs[rows[a], m - 1] - c[a]
        for r0 in range(0, size, LEAF_TILE):
            r1 = min(r0 + LEAF_TILE, size)
            if first:
                S = work[: (r1 - r0) * size].reshape((r1 - r0, size))
                np.dot(X[r0:r1], P.T, S)
                _screen_diagonal(S, c, r0, 0, td, ti, thr, flags, minima)
            else:
                # only the pairs from the tile on are used: half the products of the whole
                # leaf
                S = work[: (r1 - r0) * (size - r0)].reshape((r1 - r0, size - r0))
                np.dot(X[r0:r1], P[r0:size].T, S)
                _screen_leaf_rows(S, c[r0:], rows[r0:], thr[r0:size], flags, gs, gi, gnew)
        if first:
            # the lists were empty: the leaf's are the lists (ordered by score, hence by
            # distance, but for the rounding of the sum)
            for a in range(size):
                g = rows[a]
                for e in range(m):
                    if ti[a, e] == NO_INDEX:
                        break
                    gs[g, e] = td[a, e] + c[a]
                    gi[g, e] = rows[ti[a, e]]
                    gnew[g, e] = True


@numba.njit(**SERIAL)
def _screen_leaf_rows(S, c, rows, thr, flags, gs, gi, gnew):
    """Rows ``0 .. S.shape[0] - 1`` of a run of a leaf's rows (``S``: their scores against
    every row of the run) against the rows after them, each pair offered to both of its
    rows' lists (``thr``: the scores to beat, kept in step with the lists)."""
    wide_vectors()
    bi, size = S.shape
    m = gs.shape[1]
    words = flags[: (flags.shape[0] // 8) * 8].view(np.uint64)
    for q in range(bi):
        first = q + 1
        if first >= size:
            continue
        cq = c[q]
        if not _any_hit(S, q, c, thr, 0, first, size, cq, thr[q]):
            continue
        _mark_hits(S, q, c, thr, 0, first, size, cq, thr[q], flags)
        # bytes before ``first`` or from ``size`` on may be stale: the loop bounds skip them
        for w in range(first >> 3, (size + 7) >> 3):
            if words[w] == 0:
                continue
            for a in range(max(w * 8, first), min(w * 8 + 8, size)):
                if flags[a] == 0:
                    continue
                v = c[a] + S[q, a]  # row a's score as q's candidate
                if v < thr[q]:
                    if _push_listed(gs, gi, gnew, rows[q], rows[a], v + cq):
                        thr[q] = gs[rows[q], m - 1] - cq
                u = cq + S[q, a]  # and q's as a's
                if u < thr[a]:
                    if _push_listed(gs, gi, gnew, rows[a], rows[q], u + c[a]):
                        thr[a] = gs[rows[a], m - 1] - c[a]


@numba.njit(inline="always", **SERIAL)
def _push_listed(gs, gi, gnew, p, j, s):
    """Push ``(s, j)`` into row ``p``'s list (flagged new) if it beats the list's last entry
    and is not listed yet; whether it was pushed."""
    m = gs.shape[1]
    if s < gs[p, m - 1] or (s == gs[p, m - 1] and j < gi[p, m - 1]):
        return _push_new(s, j, gs[p], gi[p], gnew[p], False)
    return False


@numba.njit(**SERIAL)
def _count_edges(gi, lo, hi, count):
    """``count[h]``: how many of the lists of rows ``lo .. hi - 1`` hold ``h``."""
    m = gi.shape[1]
    for s in range(lo, hi):
        for c in range(m):
            h = gi[s, c]
            if h == _EMPTY:
                break
            count[h] += 1


@numba.njit(**SERIAL)
def _edge_offsets(counts, start):
    """From the edge counts per thread and row (``counts[t, h]``, threads taking increasing
    ranges of listing rows), ``start`` (each row's first edge) and, in place of the counts,
    each thread's first slot per row."""
    parts, n1 = counts.shape
    total = 0
    for h in range(n1 - 1):
        start[h] = total
        for t in range(parts):
            c = counts[t, h]
            counts[t, h] = total
            total += c
    start[n1 - 1] = total


@numba.njit(**SERIAL)
def _place_edges(gs, gi, gnew, lo, hi, fill, edge, edge_d):
    """Write the edges of the lists of rows ``lo .. hi - 1`` at the slots ``fill`` (advanced
    as they are used): ``~s`` for a new entry of row ``s``'s list, else ``s``."""
    m = gi.shape[1]
    for s in range(lo, hi):
        for c in range(m):
            h = gi[s, c]
            if h == _EMPTY:
                break
            edge[fill[h]] = ~s if gnew[s, c] else s
            edge_d[fill[h]] = gs[s, c]
            fill[h] += 1


@numba.njit(**SERIAL)
def _reverse(start, edge, edge_d, ri, rnew, lo, hi):
    """Rows ``lo .. hi - 1``' nearest reverse neighbours (rows that list them), at most
    ``ri.shape[1]``, by (squared distance, index), with the flag of the listing edge."""
    last = ri.shape[1] - 1
    rd = np.empty(ri.shape[1], dtype=edge_d.dtype)  # the distances of one row's list
    for h in range(lo, hi):
        rd[:] = np.inf
        ri[h] = _EMPTY
        rnew[h] = False
        for e in range(start[h], start[h + 1]):
            s = edge[e]
            new = s < 0
            if new:
                s = ~s
            dist = edge_d[e]
            if dist < rd[last] or (dist == rd[last] and s < ri[h, last]):
                # s lists h once: no duplicate to look for
                p = last
                while p > 0 and (rd[p - 1] > dist or (rd[p - 1] == dist and ri[h, p - 1] > s)):
                    rd[p] = rd[p - 1]
                    ri[h, p] = ri[h, p - 1]
                    rnew[h, p] = rnew[h, p - 1]
                    p -= 1
                rd[p] = dist
                ri[h, p] = s
                rnew[h, p] = new


@numba.njit(**SERIAL)
def _join(Xc, fi, fnew, ri, rnew, thr, lo, hi):
    """The local join of NN-descent (Dong, Moses & Li 2011, section 2.3) for rows
    ``lo .. hi - 1``: row ``v``'s neighbours and reverse neighbours are compared with each
    other, each pair once and only if one of its two is new since the last round (older pairs
    were compared then), and the pair is offered to both rows; a reverse neighbour that is new
    is also offered to ``v``. Offers that cannot enter a list (above its threshold ``thr``) are
    dropped here; the others are returned as (row, candidate, distance) arrays and a count.

    Reads only: the caller applies the offers with :func:`_apply`."""
    m = fi.shape[1]
    nrev = ri.shape[1]
    width = m + nrev
    size = max(1024, (hi - lo) * 64)
    op = np.empty(size, dtype=np.int32)
    oq = np.empty(size, dtype=np.int32)
    osc = np.empty(size, dtype=np.float32)
    cnt = 0
    ids = np.empty(width, dtype=np.int32)
    isnew = np.empty(width, dtype=np.bool_)
    for v in range(lo, hi):
        # the vectors of the row two ahead's neighbours and reverse neighbours, prefetched
        # (the join's CPU time at 1M rows: 1.8 s instead of 2.0)
        w = min(v + 2, hi - 1)
        for a in range(width):
            h = fi[w, a] if a < m else ri[w, a - m]
            if h != _EMPTY:
                prefetch_row(Xc, h)
        fresh = False
        for a in range(width):
            if (fnew[v, a] if a < m else rnew[v, a - m]) and (a < m or ri[v, a - m] != _EMPTY):
                fresh = True
                break
        if not fresh:
            continue  # every pair of this join was compared in an earlier round
        # the neighbours (no duplicates in a list), then the reverse neighbours they do not
        # hold, each looked for among the neighbours at once (vectorised: the one-by-one
        # search with an early exit cost as much as the pairs)
        c = 0
        for a in range(m):
            h = fi[v, a]
            if h == _EMPTY:
                break
            ids[c] = h
            isnew[c] = fnew[v, a]
            c += 1
        listed = c
        for e in range(nrev):
            h = ri[v, e]
            if h == _EMPTY:
                break
            at = -1
            for a in range(listed):
                at = a if ids[a] == h else at
            if at >= 0:
                isnew[at] = isnew[at] or rnew[v, e]
            else:
                ids[c] = h
                isnew[c] = rnew[v, e]
                c += 1
        need = cnt + c * (c - 1) + nrev
        if need > size:
            size = max(2 * size, need)
            op = _grown(op, size, cnt)
            oq = _grown(oq, size, cnt)
            osc = _grown(osc, size, cnt)
        tv = thr[v]
        for e in range(nrev):
            u = ri[v, e]
            if u == _EMPTY:
                break
            if rnew[v, e]:
                s = _dist32(Xc, v, u)
                if s <= tv:
                    cnt = _offer(op, oq, osc, cnt, v, u, s)
        # new x everything: new-new pairs once (from the first of the two), old-old never
        for a in range(c):
            if not isnew[a]:
                continue
            pa = ids[a]
            ta = thr[pa]
            for b in range(c):
                if b == a or (isnew[b] and b < a):
                    continue
                pb = ids[b]
                s = _dist32(Xc, pa, pb)
                if s <= ta:
                    cnt = _offer(op, oq, osc, cnt, pa, pb, s)
                if s <= thr[pb]:
                    cnt = _offer(op, oq, osc, cnt, pb, pa, s)
    return op, oq, osc, cnt


@numba.njit(inline="always", **SERIAL)
def _offer(op, oq, osc, cnt, p, q, s):
    """Record the offer of ``q`` (at score ``s``) to row ``p`` in slot ``cnt``; the next slot."""
    op[cnt] = p
    oq[cnt] = q
    osc[cnt] = s
    return cnt + 1


@numba.njit(**SERIAL)
def _grown(a, size, cnt):
    """``a`` copied into a longer array of ``size`` entries (its first ``cnt`` kept)."""
    b = np.empty(size, dtype=a.dtype)
    b[:cnt] = a[:cnt]
    return b


@numba.njit(**SERIAL)
def _by_owner(op, oq, osc, cnt, n, parts):
    """The first ``cnt`` offers of :func:`_join` (rows below ``n``) grouped by the thread of
    ``parts`` that owns their row (rows in runs of 64, dealt round robin), and within a group
    by run, each run's offers in their order (a stable counting sort): arrays of offers and
    ``at``, group ``t`` being ``at[t] .. at[t + 1] - 1``. Every list still sees its offers in
    order, and its applier visits the lists run by run instead of at random (at 250k rows,
    63 ns an offer applied when taken as they came)."""
    runs = (n + 63) >> 6
    per = (runs + parts - 1) // parts
    fill = np.zeros(parts * per + 1, dtype=np.int64)
    for e in range(cnt):
        r = op[e] >> 6
        fill[(r % parts) * per + r // parts + 1] += 1
    for key in range(parts * per):
        fill[key + 1] += fill[key]
    at = np.empty(parts + 1, dtype=np.int64)
    for t in range(parts + 1):
        at[t] = fill[t * per]
    gp = np.empty(cnt, dtype=op.dtype)
    gq = np.empty(cnt, dtype=oq.dtype)
    gsc = np.empty(cnt, dtype=osc.dtype)
    for e in range(cnt):
        r = op[e] >> 6
        key = (r % parts) * per + r // parts
        f = fill[key]
        gp[f] = op[e]
        gq[f] = oq[e]
        gsc[f] = osc[e]
        fill[key] = f + 1
    return gp, gq, gsc, at


@numba.njit(**SERIAL)
def _apply(op, oq, osc, lo, hi, gs, gi, gnew, thr):
    """Apply the offers ``lo .. hi - 1`` of :func:`_join` in order, keeping ``thr`` at each
    list's last distance. The caller runs, in parallel, groups of offers whose rows differ."""
    m = gs.shape[1]
    for e in range(lo, hi):
        p = op[e]
        s = osc[e]
        q = oq[e]
        if s < gs[p, m - 1] or (s == gs[p, m - 1] and q < gi[p, m - 1]):
            if _push_new(s, q, gs[p], gi[p], gnew[p], True):
                thr[p] = gs[p, m - 1]
