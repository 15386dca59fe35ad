"""Exact k-nearest neighbours: float32 GEMM screening, float64 re-ranking, proof or fallback.

Computing every squared distance directly in numba costs about 3 ns per pair at d=20. Instead
each block of queries is screened with a single-precision matrix product (BLAS) on centred
data, keeping the ``k + MARGIN`` best candidates per query; the candidates are then re-ranked
with exact float64 distances. A rounding bound on the float32 scores proves, query by query,
that no row outside the candidates can be closer than the k-th; the rare query without such a
proof is searched again by brute force in float64. The result is the exact kNN in (distance,
index) order, whatever the blocking or the number of threads.

A self-search (the usual case: a class against itself) computes each dot product once for
both of its rows, in square blocks of :data:`PAIR_BLOCK` rows: the rows are first put in a
space-partitioning order (:func:`_tree_order`) and the diagonal block pairs screened first,
then the others nearest first, so that every row holds a tight threshold early and a
vectorised pre-check rejects most rows of scores without looking at them one by one. A block
pair whose bounding boxes prove that neither block holds a row closer than the other's
current thresholds is skipped without a product (pruning: most pairs of clustered data, none
of isotropic 20-d data; the answer is the same). Queries against another matrix (``Q=``) take
whole query blocks per thread: queries and index rows in the same kind of order, each query
block meets the index blocks nearest first and skips those its bounds prove useless against
its rows' current thresholds (:func:`_search_queries`). Every thread runs single-threaded BLAS
and the serial screening kernel; threads never share output rows.

Memory. The self-search keeps a top-``(k + MARGIN)`` list of every row per thread and one
merged list (``(threads + 1) * n * (k + MARGIN) * 12`` bytes) besides float32 copies of the
data; the query-block search only needs a few MB per thread. Given ``memory=`` (the share of
``memory_limit`` left for the search scratch), :func:`plan_search` keeps the self-search with
as many threads' lists as fit, and otherwise searches the rows as query blocks (each dot
product computed twice instead of once: slower where little is pruned, same exact answer).
"""

import functools

import numpy as np

from .. import _threads
from .._budget import release_memory
from .._threads import map_tasks, run_rows
from ..kernels.partition import _block_boxes, _principal_projection
from ..kernels.query import _permute_rows, _screen_queries
from ..kernels.topk import (
    NO_INDEX,
    _brute_knn,
    _merge_top,
    _rerank,
    _screen_pairs,
)

MARGIN = 8
# Below this many query x index pairs, brute force float64 is as fast and simpler.
BRUTE_MAX_PAIRS = 2_000_000
QUERY_BLOCK = 256
INDEX_BLOCK = 2048
# Self-search: square blocks of rows (measured on 2-core Zen 1: 512 beats 1024 and 256).
PAIR_BLOCK = 512
# Whether a self-search computes each dot product once for both rows (measured faster).
SYMMETRIC = True
# Self-search: rows of a block multiplied and screened at once, so that their products are
# screened while in cache (measured: 64).
TILE_ROWS = 64
# Whether a self-search skips the block pairs that bounds prove useless (same answer).
PRUNE = True
# Query-block search: whether queries and index rows are put in the space-partition order and
# index blocks that bounds prove useless are skipped (same answer); from how many queries on
# when the caller gives no order (ordering the index rows costs about as much per row as
# screening 1,800 queries against it, measured at d = 3 to 20: at most +22% where nothing is
# pruned); and the index block.
QUERY_PRUNE = True
PRUNE_MIN_QUERIES = 8192
PRUNE_INDEX_BLOCK = 1024
_U32 = 2.0**-24


def kneighbors_exact(X, k, Q=None, self_idx=None, *, stats=None, memory=None, order=None):
    """Exact k nearest rows of ``X`` for each row of ``Q``.

    Parameters
    ----------
    X : ndarray (n, d)
        The indexed rows.
    k : int
        Neighbours per query.
    Q : ndarray (nq, d), optional
        Query rows; by default ``X`` itself, each row excluding itself.
    self_idx : ndarray of int64 (nq,), optional
        For explicit ``Q``: the row of ``X`` each query is (excluded), or -1.
    stats : dict, optional
        Filled by a blocked search with ``pairs`` (block pairs: of rows for a self-search, of
        query and index blocks otherwise) and ``skipped`` (pairs proved useless by their
        bounds and never multiplied); left empty by the brute force.
    memory : int, optional
        Bytes the search may allocate besides ``X`` (scratch and outputs); by default
        unbounded. See :func:`plan_search`; the answer does not depend on it.
    order : ndarray of int64 (n,), optional
        A permutation of the rows of ``X`` in which runs of :data:`PRUNE_INDEX_BLOCK` rows lie
        close together (as :func:`_tree_order` makes), used by the pruned query-block search
        instead of computing its own: a caller that searches many query sets against subsets
        of one partition (:mod:`~streamsmote.neighbors.cells`) orders the rows once. The
        answer does not depend on it; a poor order only prunes less.

    Raises
    ------
    ValueError
        If ``order`` is not a permutation of ``range(len(X))``.

    Returns
    -------
    indices : ndarray of int64 (nq, k)
    sq_distances : ndarray of float64 (nq, k)
        Nearest first; ties broken by the smaller index. Slots that no row fills (fewer than
        k other rows) hold index ``NO_INDEX`` and distance ``inf``.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [3.0], [7.0]])
    >>> kneighbors_exact(X, 2)[0].tolist()
    [[1, 2], [0, 2], [1, 0], [2, 1]]
    """
    X = np.ascontiguousarray(X)
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    if order is not None:
        order = np.asarray(order, dtype=np.int64)
        n = X.shape[0]
        inside = order.shape == (n,) and (n == 0 or (order.min() >= 0 and order.max() < n))
        if not inside or not (np.bincount(order, minlength=n) == 1).all():
            raise ValueError(
                f"order= must be a permutation of the {n} rows of X (each of 0 .. {n - 1} "
                "once); pass None to let the search compute its own."
            )
    workers = None
    if Q is None and SYMMETRIC:
        workers = plan_search(X.shape[0], X.shape[1], k, memory)
    symmetric = workers is not None
    own = Q is None
    if Q is None:
        Q = X
        self_idx = np.arange(X.shape[0], dtype=np.int64)
    else:
        Q = np.ascontiguousarray(Q, dtype=X.dtype)
        if self_idx is None:
            self_idx = np.full(Q.shape[0], -1, dtype=np.int64)
    self_idx = np.ascontiguousarray(self_idx, dtype=np.int64)
    n, nq = X.shape[0], Q.shape[0]
    out_d = np.empty((nq, k), dtype=np.float64)
    out_i = np.empty((nq, k), dtype=np.int64)
    if nq == 0:
        return out_i, out_d
    if n * nq <= BRUTE_MAX_PAIRS or n <= k + MARGIN:
        brute_knn(X, Q, self_idx, out_d, out_i)
        return out_i, out_d

    # Centred on the median (of at most ~16k rows, evenly spaced), not the mean: one far
    # outlier would drag the mean away from every other row, and float32 scores far from the
    # origin are too coarse to prove anything (the rounding bound grows with the norms). The
    # sample only sets the centre, never the answer (the median of 100k rows took 35 ms); the
    # columns are made contiguous first, since numpy partitions each one.
    sample = np.ascontiguousarray(X[:: max(1, n // 16384)].T)
    mu = np.median(sample, axis=1).astype(np.float64)
    Xc = centred32(X, mu)
    cnorm = np.einsum("ij,ij->i", Xc, Xc)
    radius = float(np.sqrt(cnorm.max()))
    m = k + MARGIN
    coef = 4.0 * (X.shape[1] + 4) * _U32
    ok = np.empty(nq, dtype=np.bool_)

    with _single_threaded_blas():
        if symmetric:
            cand_s, cand_i = _screen_symmetric(Xc, cnorm, m, stats, workers)
            qn = cnorm.astype(np.float64)
            err = coef * (np.sqrt(qn) + radius) ** 2

            # one range of rows per thread: per block of a few hundred rows, the Python
            # around each call held the GIL for longer than the kernel ran
            def part(q0, q1):
                r = slice(q0, q1)
                _rerank(X, X[r], cand_i[r], cand_s[r], qn[r], err[r], out_d[r], out_i[r], ok[r])
                _prove_again(qn[r], cand_s[r, m - 1], out_d[r, k - 1], coef, radius, ok[r])

            run_rows(part, nq, min_rows=QUERY_BLOCK)
        else:
            proof = (radius, coef)
            _search_queries(
                X, Q, self_idx, own, order, Xc, cnorm, mu, proof, out_d, out_i, ok, stats
            )

    bad = np.flatnonzero(~ok)
    if bad.size:
        bd = np.empty((bad.size, k), dtype=np.float64)
        bi = np.empty((bad.size, k), dtype=np.int64)
        brute_knn(X, np.ascontiguousarray(Q[bad]), self_idx[bad], bd, bi)
        out_d[bad] = bd
        out_i[bad] = bi
    return out_i, out_d


def centred32(X, mu, out=None):
    """``X - mu`` rounded to float32, subtracted in float64 by blocks of rows: the values of
    ``(X - mu).astype(np.float32)`` without its float64 temporary of 8 bytes a value (160 MB
    for 1M x 20 rows, more than the float32 copy itself). Every search centres its rows with
    it: the exact self-search and its query blocks, the cross search and the approximate graph
    (which fills parts of one ``out`` from several threads).

    Examples
    --------
    >>> X = np.arange(6.0).reshape(3, 2)
    >>> centred32(X, X.mean(axis=0)).tolist()
    [[-2.0, -2.0], [0.0, 0.0], [2.0, 2.0]]
    """
    if out is None:
        out = np.empty(X.shape, dtype=np.float32)
    step = max(1, (1 << 20) // max(1, X.shape[1]))  # blocks of 8 MB in float64
    for lo in range(0, X.shape[0], step):
        out[lo : lo + step] = X[lo : lo + step] - mu
    return out


def search_bytes(n, d, k, workers=None):
    """Bytes :func:`kneighbors_exact` allocates for a self-search of ``n`` rows of ``d``
    columns: with ``workers`` threads' top-m lists (the symmetric screen), or, for None, as
    query blocks. Measured within 5% of the peak RSS increase (170k x 18: 107 MB predicted,
    112 MB measured); as pruned query blocks 32 MB predicted, 35 MB measured (400k x 3:
    47 and 48 MB; ``benchmarks/results_query_prune.md``)."""
    m = k + MARGIN
    fixed = n * d * 4 + n * k * 16  # float32 centred copy; outputs (indices, distances)
    threads = _threads.n_threads()
    if workers is None:
        # the space-partition order, each row's place in it and the reordered norms; per
        # thread a query block's lists, its products with one index block, its float64 rows
        # and its outputs
        block = max(INDEX_BLOCK, PRUNE_INDEX_BLOCK) * 4 + m * 12 + k * 16 + 8 * d
        return fixed + n * 20 + threads * QUERY_BLOCK * block
    lists = n * m * 12
    # the screen holds the tree-ordered copy and its packed transpose, the block pairs (int64
    # pairs) and boxes; the merge the merged lists; both hold the per-thread lists and every
    # thread a tile of products
    nb = -(-n // PAIR_BLOCK)
    pairs = nb * (nb + 1) // 2 * 16 + nb * d * 24
    tiles = threads * TILE_ROWS * PAIR_BLOCK * 4
    return fixed + workers * lists + max(2 * n * d * 4 + pairs, lists) + tiles


def plan_search(n, d, k, memory=None):
    """How a self-search of ``n`` rows fits in ``memory`` bytes: the number of threads that
    keep their own top-m lists in the symmetric screen, or None to search as query blocks.

    The symmetric screen computes each product once and prunes block pairs: with every
    thread it was 1.5x (d=18) to 3.5x (d=4) faster than the unpruned query blocks on 2 cores
    at 100k rows, so with half of the threads it is about as fast at d=18 and faster at low
    d; with fewer than half, the query blocks (which also need less memory) are taken. The
    query blocks now prune too (``benchmarks/results_query_prune.md``, CPU time on 2 cores):
    the symmetric screen is 2.5x faster at 100k x 20 and 170k x 18, but no faster at
    400k x 3, where half of the threads' lists may now lose to the query blocks.

    Examples
    --------
    >>> plan_search(100_000, 20, 5) is not None
    True
    >>> plan_search(100_000, 20, 5, memory=30_000_000) is None
    True
    """
    threads = _threads.n_threads()
    if memory is None:
        return threads
    for w in range(threads, 0, -1):
        if 2 * w < threads:
            break
        if search_bytes(n, d, k, w) <= memory:
            return w
    return None


def _screen_symmetric(Xc, cnorm, m, stats=None, workers=None):
    """Screening of every row against every other, each dot product computed once.

    Rows are first put in :func:`_tree_order`, so that a block holds rows near each other;
    block pairs are then taken diagonal first, then by growing distance between the block
    centres (:func:`_pair_order`), so that every row has a tight threshold early. A pair whose
    bounding boxes prove that neither block can improve the other's lists is skipped
    (:func:`~streamsmote.kernels.topk._cannot_improve`); the others are multiplied a few rows
    at a time and screened while the products are in cache
    (:func:`~streamsmote.kernels.topk._screen_pairs`). Each thread takes the pairs inside its
    own run of blocks and a share of the pairs across runs (:func:`_deal_pairs`); it keeps
    its own top-m list for every row (no shared list writes) and the thresholds are shared.
    The lists are merged at the end and the candidates re-ranked exactly, so the answer does
    not depend on the number of threads, on their timing or on which pairs were skipped.
    ``workers`` caps the number of threads (each holds top-m lists of every row)."""
    n, d = Xc.shape
    B = PAIR_BLOCK
    order = _tree_order(Xc, B)
    Xo = Xc[order]
    cn = cnorm[order]
    packed = _packed_blocks(Xo, B)
    nb = -(-n // B)
    lo = np.empty((nb, d), dtype=Xo.dtype)
    hi = np.empty((nb, d), dtype=Xo.dtype)
    centres = np.empty((nb, d))
    _block_boxes(Xo, B, lo, hi, centres)
    pairs = _pair_order(centres)
    workers = max(1, min(workers or _threads.n_threads(), len(pairs)))
    tds = np.empty((workers, n, m), dtype=np.float32)
    tis = np.empty((workers, n, m), dtype=np.int64)
    thr = np.full(n, np.inf, dtype=np.float32)

    dealt = _deal_pairs(pairs, nb, workers)

    def work(w):
        # each thread fills its own lists (their first touch: 26 MB at 100k rows, k = 5)
        tds[w].fill(np.inf)
        tis[w].fill(NO_INDEX)
        buf = np.empty(TILE_ROWS * B, dtype=np.float32)
        mine = dealt[w]
        return _screen_pairs(
            Xo, packed, cn, lo, hi, mine, TILE_ROWS, PRUNE, tds[w], tis[w], thr, buf
        )

    skipped = sum(map_tasks(work, list(range(workers))))
    if stats is not None:
        stats.update(pairs=len(pairs), skipped=int(skipped))
    packed = Xo = None  # free them before the merged lists are allocated
    # One list per row, back in the caller's row numbers (rows and the indices they hold).
    cand_s = np.empty((n, m), dtype=np.float32)
    cand_i = np.empty((n, m), dtype=np.int64)
    run_rows(lambda lo, hi: _merge_top(tds, tis, order, lo, hi, cand_s, cand_i), n, min_rows=4096)
    return cand_s, cand_i


def _search_queries(X, Q, self_idx, own, order, Xc, cnorm, mu, proof, out_d, out_i, ok, stats):
    """Screening and re-ranking of whole query blocks (``QUERY_BLOCK`` rows) against blocks of
    index rows, one query block per thread; fills ``out_d``/``out_i``/``ok`` like the
    symmetric path.

    With :data:`QUERY_PRUNE`, from :data:`PRUNE_MIN_QUERIES` queries on or with a given
    ``order``, the index rows ``Xc`` (float32, centred; reordered in place, the caller's copy
    is spent) and the queries are put in :func:`_tree_order`, each query block meets the
    index blocks of :data:`PRUNE_INDEX_BLOCK` rows nearest first (by the distance between
    their boxes, then between their centres), so that its thresholds tighten early, and
    skips those its bounds prove useless (:func:`~streamsmote.kernels.query._screen_queries`).
    For a self-search (``own``) the queries are the index rows, in an order whose runs of
    ``QUERY_BLOCK`` rows lie inside runs of ``PRUNE_INDEX_BLOCK`` (:func:`_nested_order`). A
    given ``order`` of the index rows replaces theirs (the queries of a self-search then
    follow it too). With fewer queries and no ``order``, ordering every index row could cost
    more than it saves: the rows stay in their order and nothing is skipped. Candidates are
    mapped back to the caller's row numbers before the float64 re-rank, so ties go to the
    smaller row number as everywhere."""
    n, d = Xc.shape
    nq, k = out_d.shape
    m = k + MARGIN
    radius, coef = proof
    ordered = QUERY_PRUNE and (nq >= PRUNE_MIN_QUERIES or order is not None)
    B = PRUNE_INDEX_BLOCK if ordered else INDEX_BLOCK
    nb = -(-n // B)
    if ordered:
        if order is None:
            order = _nested_order(Xc, B, QUERY_BLOCK) if own else _tree_order(Xc, B)
        _permute_rows(Xc, order)
        # the partition's copies are freed but glibc keeps their pages, and the threads'
        # blocks come on top (measured at 170k x 18: 47 MB peak instead of 35 without this)
        release_memory()
        cnorm = cnorm[order]
        if own:
            Qo, qorder, sidx_o = Xc, order, np.arange(n, dtype=np.int64)
        else:
            Qo = centred32(Q, mu)
            qorder = _tree_order(Qo, QUERY_BLOCK)
            _permute_rows(Qo, qorder)
            rank = np.empty(n, dtype=np.int64)
            rank[order] = np.arange(n)
            s = self_idx[qorder]
            sidx_o = np.where(s >= 0, rank[np.maximum(s, 0)], -1)
            rank = None
        starts = np.arange(0, n, B)
        lo = np.minimum.reduceat(Xc, starts, axis=0)
        hi = np.maximum.reduceat(Xc, starts, axis=0)
        lo64, hi64 = lo.astype(np.float64), hi.astype(np.float64)
        # box centres, not means: a float64 reduceat would copy all of Xc in float64
        centres = (lo64 + hi64) / 2.0
    else:
        lo = hi = np.zeros((1, d), dtype=np.float32)  # not read without pruning
        every = np.arange(nb, dtype=np.int64)
        no_gaps = np.zeros(nb)

    def block(q0):
        q1 = min(q0 + QUERY_BLOCK, nq)
        if ordered:
            Qc, rows, sidx = Qo[q0:q1], qorder[q0:q1], sidx_o[q0:q1]
            # squared distances from this block's box to every index block's box, then from
            # its centre to theirs: the nearest blocks first, ties by the nearest centres
            qlo = Qc.min(axis=0).astype(np.float64)
            qhi = Qc.max(axis=0).astype(np.float64)
            gap = np.maximum(np.maximum(lo64 - qhi, qlo - hi64), 0.0)
            gap = np.einsum("ij,ij->i", gap, gap)
            off = centres - Qc.mean(axis=0, dtype=np.float64)
            visit = np.lexsort((np.einsum("ij,ij->i", off, off), gap))
            gaps = gap[visit]
        else:
            Qc = centred32(Q[q0:q1], mu)
            rows, sidx, visit, gaps = slice(q0, q1), self_idx[q0:q1], every, no_gaps
        cand_s = np.full((q1 - q0, m), np.inf, dtype=np.float32)
        cand_i = np.full((q1 - q0, m), NO_INDEX, dtype=np.int64)
        qn32 = np.einsum("ij,ij->i", Qc, Qc)
        work = np.empty(QUERY_BLOCK * B, dtype=np.float32)
        skipped = _screen_queries(
            Qc, qn32, sidx, Xc, cnorm, lo, hi, visit, gaps, B, ordered, cand_s, cand_i, work
        )
        if ordered:
            found = cand_i != NO_INDEX
            cand_i[found] = order[cand_i[found]]
        qn = np.einsum("ij,ij->i", Qc, Qc, dtype=np.float64)
        err = coef * (np.sqrt(qn) + radius) ** 2
        od = np.empty((q1 - q0, k), dtype=np.float64)
        oi = np.empty((q1 - q0, k), dtype=np.int64)
        okb = np.empty(q1 - q0, dtype=np.bool_)
        _rerank(X, Q[rows], cand_i, cand_s, qn, err, od, oi, okb)
        _prove_again(qn, cand_s[:, m - 1], od[:, k - 1], coef, radius, okb)
        out_d[rows], out_i[rows], ok[rows] = od, oi, okb
        return skipped

    blocks = list(range(0, nq, QUERY_BLOCK))
    skipped = sum(map_tasks(block, blocks))
    if stats is not None:
        stats.update(pairs=len(blocks) * nb, skipped=int(skipped))


def _nested_order(X, outer, inner):
    """:func:`_tree_order` with leaves of ``outer`` rows, each leaf put in its own tree order
    with leaves of ``inner`` rows: runs of ``inner`` rows are cells inside the cells of
    ``outer`` rows (a self-search's query blocks inside its index blocks)."""
    order = _tree_order(X, outer)
    if inner < outer:
        for a in range(0, X.shape[0], outer):
            run = order[a : a + outer]
            order[a : a + outer] = run[_tree_order(X[run], inner)]
    return order


def _prove_again(qn, last, kth, coef, radius, ok):
    """A second, tighter proof for the queries that :func:`_rerank` could not prove.

    Its rounding bound ``coef (|q| + radius)^2`` holds for every candidate row, however far;
    but a row that could beat the k-th distance lies within ``sqrt(kth)`` of the query, so
    its norm is at most ``|q| + sqrt(kth)``, and the bound with that norm is enough. This
    spares the brute-force search when a far outlier makes ``radius`` large. ``ok`` is
    updated in place."""
    bad = np.flatnonzero(~ok)
    if bad.size == 0:
        return
    q = np.sqrt(qn[bad].astype(np.float64))
    kb = kth[bad]
    reach = np.minimum(radius, (q + np.sqrt(kb)) * (1.0 + 1e-6))
    err = coef * (q + reach) ** 2
    lb = qn[bad] + last[bad].astype(np.float64) - err
    ok[bad] = np.isfinite(kb) & (lb > kb * (1.0 + 1e-9) + 1e-300)


def _pair_order(centres):
    """Block pairs ``(I, J)``, ``I <= J``, as an ``(n_pairs, 2)`` array: the diagonal first,
    then by growing distance between the block centres (ties by ``(I, J)``), so that the
    thresholds tighten early and far pairs meet them tight enough to be skipped."""
    nb = centres.shape[0]
    iu, ju = np.triu_indices(nb, 1)
    sq = np.einsum("ij,ij->i", centres, centres)
    dist = sq[iu] + sq[ju] - 2.0 * np.einsum("ij,ij->i", centres[iu], centres[ju])
    off = np.lexsort((ju, iu, dist))
    diag = np.arange(nb)
    return np.ascontiguousarray(
        np.stack([np.r_[diag, iu[off]], np.r_[diag, ju[off]]], axis=1), dtype=np.int64
    )


def _deal_pairs(pairs, nb, workers):
    """The block pairs of each thread, each list in the order of ``pairs``.

    The blocks are cut into ``workers`` runs of consecutive blocks (subtrees of the space
    partition); a pair inside one run goes to that run's thread, and the pairs across runs
    are dealt in turn. A thread then fills the lists of its own rows alone, as a single
    thread would: each candidate it keeps tightens the row's threshold at once. (Dealing
    every pair in turn gave each row's candidates to both threads, whose half-filled lists
    could not tighten it: 16% more candidates kept and 28% more rows of scores searched at
    100k x 20.)"""
    run = np.arange(nb) * workers // nb
    ri = run[pairs[:, 0]]
    rj = run[pairs[:, 1]]
    across = np.flatnonzero(ri != rj)
    owner = ri.copy()
    owner[across] = np.arange(across.size) % workers
    return [np.ascontiguousarray(pairs[owner == w]) for w in range(workers)]


def _packed_blocks(X, B):
    """``-2 X^T`` by blocks of ``B`` rows, each block contiguous (``(n_blocks, d, B)``, the
    last zero-padded): a column slice of ``X^T`` has a stride of n floats, which maps all of
    a block's rows onto the same cache sets when n is a multiple of 1024. Scaling by -2 is
    exact, so the products are exactly -2 times the dot products."""
    n, d = X.shape
    packed = np.zeros((-(-n // B), d, B), dtype=np.float32)
    for b in range(packed.shape[0]):
        rows = X[b * B : (b + 1) * B]
        packed[b, :, : rows.shape[0]] = -2.0 * rows.T
    return packed


def _tree_order(X, leaf):
    """A row order in which each run of ``leaf`` rows lies in one cell of a binary space
    partition: every cell is cut at the median of its rows along their principal direction
    (three power iterations on at most 4096 of its rows, from the axis of largest variance),
    into parts whose sizes are multiples of ``leaf`` while possible. Deterministic; costs a
    few passes over the data, against n² / 2 dot products for the screen it speeds up. The
    cells of the first levels are cut in turn, then one subtree per thread (the projection
    kernel and numpy's partition release the GIL): the order is the same. (Measured at
    100k x 20, 2 threads: 0.04 s; 0.27 s when numpy gathered and reduced each cell.)"""
    n = X.shape[0]
    order = np.arange(n)
    cells = [(0, n)]
    threads = _threads.n_threads()
    while len(cells) < 2 * threads and any(hi - lo > leaf for lo, hi in cells):
        cells = [part for lo, hi in cells for part in _cut_cell(X, order, lo, hi, leaf)]
    if threads > 1 and len(cells) > 1:
        map_tasks(lambda cell: _cut_subtree(X, order, *cell, leaf), cells)
    else:
        for lo, hi in cells:
            _cut_subtree(X, order, lo, hi, leaf)
    return order


def _cut_subtree(X, order, lo, hi, leaf):
    """Cut the cell ``order[lo:hi]`` and all its parts down to ``leaf`` rows, in place."""
    stack = [(lo, hi)]
    while stack:
        stack.extend(_cut_cell(X, order, *stack.pop(), leaf))


def _cut_cell(X, order, lo, hi, leaf):
    """Cut the cell ``order[lo:hi]`` in two at the median of its rows along their principal
    direction (:func:`~streamsmote.kernels.partition._principal_projection`), in place, and
    return the two parts (none when it holds at most ``leaf``)."""
    size = hi - lo
    if size <= leaf:
        return []
    idx = order[lo:hi]
    proj = np.empty(size)
    _principal_projection(X, idx, proj)
    half = ((size // leaf + 1) // 2) * leaf
    part = np.argpartition(proj, half - 1, kind="introselect")
    order[lo:hi] = idx[part]
    return [(lo, lo + half), (lo + half, hi)]


@functools.cache
def _openblas_wide_call(d):
    """One float32 product with more than 512 columns, once per process.

    Measured with OpenBLAS 0.3.31 (Haswell kernels, Zen 1): until the process has made such
    a call, 512 x 20 x 512 products run at 2.1 ns per output instead of 1.3. Harmless
    elsewhere."""
    np.matmul(np.ones((8, d), np.float32), np.ones((d, 1024), np.float32))


def brute_knn(X, Q, self_idx, out_d, out_i):
    """Float64 brute-force kNN (:func:`_brute_knn`), query rows split over threads."""

    def part(lo, hi):
        _brute_knn(X, Q[lo:hi], self_idx[lo:hi], out_d[lo:hi], out_i[lo:hi])

    run_rows(part, Q.shape[0], min_rows=max(1, 200_000 // max(1, X.shape[0])))


_blas_controller = None


def _single_threaded_blas():
    """Each of our threads runs its own matrix product; BLAS must not spawn more.

    One ``ThreadpoolController`` per process: building one inspects every loaded library
    (about 50 ms), too much to pay per class. SciPy's BLAS, which numba's ``np.dot`` calls
    in :func:`~streamsmote.kernels.topk._screen_pairs`, is loaded first so that it is
    limited too."""
    global _blas_controller
    try:
        import scipy.linalg.cython_blas  # noqa: F401
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - both come with scikit-learn
        from contextlib import nullcontext

        return nullcontext()
    if _blas_controller is None:
        _blas_controller = ThreadpoolController()
    return _blas_controller.limit(limits=1, user_api="blas")
