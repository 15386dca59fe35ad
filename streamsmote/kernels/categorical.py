"""Categorical kernels of SMOTE-NC and SMOTE-N, bit-identical to imbalanced-learn 0.14.x.

Categorical columns arrive as integer *codes*: ``codes[:, j]`` holds ``0 .. L_j - 1``, assigned
in the order a streaming reader discovers the categories, and ``rank[j][code]`` is the position
of that category in sorted order (imbalanced-learn's encoders sort the categories with
``np.unique``, and its tie-breaking follows that order). Every function here gives
imbalanced-learn's result whatever the code assignment; only the outputs are codes again.

SMOTE-NC (Chawla et al. 2002, §6.1): imbalanced-learn one-hot encodes the categorical columns
and sets every one-hot entry to ``median_std / sqrt(2)``, so that a mismatch in one column adds
``median_std ** 2`` to the squared Euclidean distance. Here no one-hot column is ever built:
:func:`mixed_kneighbors` adds a constant penalty per mismatching column, and
:func:`smotenc_vote` reproduces the vote of the synthetic rows' categories, random tie-breaking
included, from per-row counts and one random permutation per column.

SMOTE-N (Chawla et al. 2002, §6.1): rows are compared with the value difference metric of
Stanfill & Waltz (1986) as imbalanced-learn computes it (:func:`vdm_tables`,
:func:`smoten_kneighbors`), and each synthetic row takes, per column, the most frequent
category among its parent's neighbours (:func:`smoten_mode`).

References
----------
N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer. "SMOTE: Synthetic Minority
Over-sampling Technique". JAIR 16 (2002), 321-357, §6.1 (SMOTE-NC, SMOTE-N).

C. Stanfill, D. Waltz. "Toward memory-based reasoning". Communications of the ACM 29(12)
(1986), 1213-1228.
"""

import math

import numba
import numpy as np

from .._config import SERIAL
from .._threads import run_rows
from .topk import NO_INDEX, _push

# Candidate rows compared with one query row at a time (scratch of a few kB per thread).
TILE = 1024
# Query rows of one block of a SMOTE-N distance matrix: about this many distances per block.
VDM_BLOCK_ELEMENTS = 1 << 21


def _as_random_state(random_state):
    """imbalanced-learn's ``check_random_state`` without its global-state case: an int gives a
    fresh ``RandomState(seed)``, an instance is used (and advanced) as it is."""
    if isinstance(random_state, np.random.RandomState):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.RandomState(random_state)
    raise TypeError(
        "random_state must be an int or a numpy.random.RandomState; got "
        f"{type(random_state).__name__}. Pass the seed or the generator explicitly."
    )


def _codes_2d(codes, n_rows=None):
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.dtype.kind not in "iu":
        raise ValueError(f"codes must be a 2-d integer array; got shape {codes.shape}.")
    if n_rows is not None and codes.shape[0] != n_rows:
        raise ValueError(f"codes has {codes.shape[0]} rows; the numeric block has {n_rows}.")
    return np.ascontiguousarray(codes, dtype=np.int32)


# ---------------------------------------------------------------------------------------------
# SMOTE-NC: scale of the categorical columns
# ---------------------------------------------------------------------------------------------


@numba.njit(**SERIAL)
def _sparse_variance(X):
    """scikit-learn's ``csr_mean_variance_axis0`` (unit weights) on the nonzero entries of the
    dense ``X``, operation for operation: a float64 mean, then the corrected two-pass
    variance (Chan, Golub & LeVeque), with the zeros added in closed form."""
    n, d = X.shape
    means = np.zeros(d)
    variances = np.zeros(d)
    correction = np.zeros(d)
    nnz = np.zeros(d, dtype=np.int64)
    for i in range(n):
        for f in range(d):
            if X[i, f] != 0:
                means[f] += np.float64(X[i, f]) * 1.0
                nnz[f] += 1
    total = np.float64(n)
    for f in range(d):
        means[f] /= total
    for i in range(n):
        for f in range(d):
            if X[i, f] != 0:
                diff = X[i, f] - means[f]
                correction[f] += diff * 1.0
                variances[f] += diff * diff * 1.0
    for f in range(d):
        zeros = total - np.float64(nnz[f])
        if nnz[f] != n:
            correction[f] -= zeros * means[f]
        correction[f] = correction[f] ** 2 / total
        if nnz[f] != n:
            variances[f] += zeros * means[f] ** 2
        variances[f] = (variances[f] - correction[f]) / total
    return variances


def median_std(X_num):
    """Median over the numeric features of one class of their standard deviation (ddof 0),
    exactly as imbalanced-learn's SMOTENC computes it.

    Parameters
    ----------
    X_num : ndarray (n_c, n_num)
        The numeric columns of one class (any real dtype; integers count as float64). Must be
        finite.

    Returns
    -------
    numpy.float64 or numpy.float32
        ``np.median(np.sqrt(var))``, the variance computed as scikit-learn's
        ``csr_mean_variance_axis0`` does on the sparse matrix imbalanced-learn builds (zeros
        are not stored, so a constant column may get a tiny nonzero variance there and here
        alike); float32 for float32 input, as in imbalanced-learn.

    Notes
    -----
    Chawla et al. (2002), §6.1: a categorical mismatch costs the median of the standard
    deviations of the numeric features of the minority class.

    Examples
    --------
    >>> float(median_std(np.array([[0.0, 1.0, 5.0], [2.0, 1.0, 9.0]])))
    1.0
    """
    X = np.asarray(X_num)
    if X.ndim != 2 or X.shape[1] == 0:
        raise ValueError(f"X_num must be a 2-d array with columns; got shape {X.shape}.")
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    var = _sparse_variance(np.ascontiguousarray(X))
    if X.dtype == np.float32:
        var = var.astype(np.float32)
    return np.median(np.sqrt(var))


def _onehot_value(median_std, dtype):
    """The value imbalanced-learn stores in the one-hot entries of one class (``dtype``: its
    one-hot dtype), for the distances and for the vote: ``median_std / sqrt(2)`` cast to
    ``dtype`` for both, except that when ``median_std`` is exactly zero the vote sees the
    original ones (its ``math.isclose(median_std, 0)`` special case)."""
    dist = np.asarray(median_std / np.sqrt(2)).astype(dtype)[()]
    vote = np.ones((), dtype=dtype)[()] if math.isclose(median_std, 0) else dist
    return dist, vote


def smotenc_penalty(median_std, dtype=np.float64):
    """Squared-distance cost of one mismatching categorical column in SMOTENC's search.

    Parameters
    ----------
    median_std : float
        :func:`median_std` of the class.
    dtype : numpy dtype, default float64
        imbalanced-learn's one-hot dtype: the dtype of the numeric block, float64 when it is
        of object dtype.

    Returns
    -------
    float
        ``2 * v ** 2`` with ``v = dtype(median_std / sqrt(2))``, the one-hot entry value: two
        one-hot columns differ per mismatch. Close to ``median_std ** 2`` for float dtypes.

    Examples
    --------
    >>> smotenc_penalty(2.0) == 2 * float(2.0 / np.sqrt(2)) ** 2
    True
    """
    v = float(_onehot_value(median_std, dtype)[0])
    return 2.0 * v * v


# ---------------------------------------------------------------------------------------------
# SMOTE-NC: neighbours
# ---------------------------------------------------------------------------------------------


@numba.njit(**SERIAL)
def _mixed_knn(XT, CT, penalty, q0, q1, out_d, out_i):
    """Exact kNN of rows ``q0 .. q1 - 1`` among all rows (itself excluded) under
    ``sum_f (x_f - y_f) ** 2 + penalty * mismatches``: the float64 squared differences summed
    in feature order, then the penalty term added. ``XT`` (d, n) and ``CT`` (c, n) are the
    transposed numeric block and codes, so that the inner loops run over candidates (SIMD);
    candidates arrive in increasing index order, so ties go to the smaller index."""
    d, n = XT.shape
    c = CT.shape[0]
    k = out_d.shape[1]
    s = np.empty(TILE)
    m = np.empty(TILE, dtype=np.int32)
    for q in range(q0, q1):
        td = out_d[q]
        ti = out_i[q]
        td[:] = np.inf
        ti[:] = NO_INDEX
        for j0 in range(0, n, TILE):
            w = min(TILE, n - j0)
            s[:w] = 0.0
            m[:w] = 0
            for f in range(d):
                xq = XT[f, q]
                row = XT[f, j0 : j0 + w]
                for b in range(w):
                    t = xq - row[b]
                    s[b] += t * t
            for g in range(c):
                cq = CT[g, q]
                row = CT[g, j0 : j0 + w]
                for b in range(w):
                    m[b] += row[b] != cq
            for b in range(w):
                v = s[b] + penalty * m[b]
                if v < td[k - 1] and j0 + b != q:
                    _push(v, j0 + b, td, ti)


def mixed_kneighbors(X_num, codes, penalty, k):
    """Exact k nearest other rows of one class under SMOTE-NC's distance.

    Parameters
    ----------
    X_num : ndarray (n, d)
        Numeric columns (compared in float64).
    codes : ndarray of int (n, c)
        Categorical codes; only equality matters, so discovery-order codes are fine.
    penalty : float
        Added per mismatching categorical column (:func:`smotenc_penalty`).
    k : int
        Neighbours per row.

    Returns
    -------
    indices : ndarray of int64 (n, k)
    sq_distances : ndarray of float64 (n, k)
        ``sum_f (x_f - y_f) ** 2`` in float64, summed in feature order, plus
        ``penalty * mismatches``; nearest first, ties to the smaller index, self excluded.
        Slots no row fills hold ``NO_INDEX`` and ``inf``.

    Notes
    -----
    Chawla et al. (2002), §6.1 (SMOTE-NC). imbalanced-learn finds these neighbours with a
    Euclidean search on the one-hot encoded class whose entries are ``median_std / sqrt(2)``;
    its squared distances equal these up to rounding, so only near-ties may order
    differently. Blocked brute force without one-hot columns: memory O(n (d + c)) plus a few
    kB per thread; each thread owns a range of query rows, so the result does not depend on
    the number of threads.

    Examples
    --------
    >>> X = np.array([[0.0], [0.1], [0.2], [5.0]])
    >>> codes = np.array([[0], [1], [0], [0]])
    >>> mixed_kneighbors(X, codes, 1.0, 2)[0].tolist()
    [[2, 1], [0, 2], [0, 1], [2, 0]]
    """
    X = np.asarray(X_num)
    if X.ndim != 2:
        raise ValueError(f"X_num must be 2-d; got shape {X.shape}.")
    if k < 1:
        raise ValueError(f"k must be at least 1; got {k}.")
    CT = np.ascontiguousarray(_codes_2d(codes, X.shape[0]).T)
    XT = np.ascontiguousarray(X.T, dtype=np.float64)
    n = X.shape[0]
    out_d = np.empty((n, k), dtype=np.float64)
    out_i = np.empty((n, k), dtype=np.int64)
    penalty = float(penalty)
    run_rows(
        lambda lo, hi: _mixed_knn(XT, CT, penalty, lo, hi, out_d, out_i),
        n,
        min_rows=max(1, 2_000_000 // max(1, n)),
    )
    return out_i, out_d


# ---------------------------------------------------------------------------------------------
# SMOTE-NC: the categorical vote
# ---------------------------------------------------------------------------------------------


@numba.njit(**SERIAL)
def _parent_ties(col, rank, nn, tie, lo, hi, n_ties, tied):
    """The tie of each parent row ``p`` in ``lo .. hi - 1`` (every synthetic row of a parent
    has the same): ``n_ties[p]``, the number of categories imbalanced-learn marks ``is_max``
    among ``p``'s neighbours, and ``tied[p, :n_ties[p]]`` those categories in sorted order.
    ``tie[m, a]`` says whether a category counted ``a`` times ties with the maximum ``m``;
    when ``tie[m, 0]`` every category ties, even those no neighbour holds: ``n_ties[p]`` is
    then the number of levels and ``tied[p]`` is left alone."""
    n_levels = rank.shape[0]
    counts = np.zeros(n_levels, dtype=np.int64)
    for p in range(lo, hi):
        nbrs = nn[p]
        top = 0
        for s in range(nbrs.shape[0]):
            c = col[nbrs[s]]
            counts[c] += 1
            if counts[c] > top:
                top = counts[c]
        t = 0
        for s in range(nbrs.shape[0]):
            c = col[nbrs[s]]
            if counts[c] > 0:
                if tie[top, counts[c]] and not tie[top, 0]:
                    q = t  # insertion by rank
                    while q > 0 and rank[tied[p, q - 1]] > rank[c]:
                        tied[p, q] = tied[p, q - 1]
                        q -= 1
                    tied[p, q] = c
                    t += 1
                counts[c] = 0  # reset, and count each category once
        n_ties[p] = n_levels if tie[top, 0] else t


@numba.njit(**SERIAL)
def _count_pairs(n_ties, parents, totals):
    """Adds to ``totals[j]`` the tied (row, category) pairs of column ``j`` of the synthetic
    rows whose parents are ``parents`` (``n_ties[j, p]``: ties of parent ``p`` in column
    ``j``)."""
    for j in range(n_ties.shape[0]):
        nt = n_ties[j]
        total = 0
        for i in range(parents.shape[0]):
            total += nt[parents[i]]
        totals[j] += total


@numba.njit(**SERIAL)
def _label_pairs(n_ties, parents, row0, stride, x, q):
    """The tied pairs of synthetic rows ``row0 .. row0 + len(parents) - 1`` (parents
    ``parents``) in imbalanced-learn's (row, sorted category) order, written into ``x`` from
    position ``q``, each labelled ``row * stride + t`` for the ``t``-th tie of ``row``.
    Returns the position after the last."""
    for i in range(parents.shape[0]):
        base = (row0 + i) * stride
        for t in range(n_ties[parents[i]]):
            x[q] = base + t
            q += 1
    return q


@numba.njit(**SERIAL)
def _shuffle(x, i, raw):
    """numpy's legacy ``RandomState.shuffle`` of ``x[: i + 1]``, resumable: Fisher-Yates from
    position ``i`` down to 1, ``j = random_interval(i)`` (a raw 32-bit output masked to the
    smallest all-ones mask >= i, drawn again while above ``i``), then ``x[i], x[j] = x[j],
    x[i]``. Stops when ``raw`` runs out; returns the position still to do and the raw values
    used, rejected ones included. Valid for ``i < 2**32``, where numpy draws 32 bits."""
    used = 0
    n_raw = raw.shape[0]
    while i > 0:
        mask = i
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        while True:
            if used == n_raw:
                return i, used
            j = np.int64(raw[used]) & mask
            used += 1
            if j <= i:
                break
        t = x[i]
        x[i] = x[j]
        x[j] = t
        i -= 1
    return i, used


@numba.njit(**SERIAL)
def _first_ties(x, stride, lo, hi, win):
    """``win[row]`` for synthetic rows ``lo .. hi - 1``: which of the row's ties comes first in
    the permuted pairs ``x``. Positions are read from the last down to 0 and every pair
    overwrites its row's entry, so the first position wins."""
    a = lo * stride
    b = hi * stride
    for p in range(x.shape[0] - 1, -1, -1):
        label = np.int64(x[p])
        if a <= label < b:
            row = label // stride
            win[row] = label - row * stride


@numba.njit(**SERIAL)
def _vote_pick(parents, n_ties, tied, by_rank, row0, lo, hi, out):
    """In place, ``out[row0 + i]`` for ``i`` in ``lo .. hi - 1`` (parent ``parents[i]``): from
    the place of the synthetic row's winner among its ties to the winner's code."""
    n_levels = by_rank.shape[0]
    for i in range(lo, hi):
        p = parents[i]
        w = out[row0 + i]
        out[row0 + i] = by_rank[w] if n_ties[p] == n_levels else tied[p, w]


def _tie_table(k, value, dtype):
    """``tie[m, a]``: imbalanced-learn's ``np.isclose(col_maxs, col_maxs.max())`` for a
    category held by ``a`` of the k neighbours when the most frequent is held by ``m``. Its
    column sums add the one-hot value once per neighbour holding the category, in neighbour
    order, in the one-hot dtype; the table does the same sums and calls ``np.isclose``."""
    sums = np.zeros(k + 1, dtype=dtype)
    for a in range(1, k + 1):
        sums[a] = sums[a - 1] + value
    return np.isclose(sums[None, :], sums[:, None])


def smotenc_vote(codes, rank, nn, parents, random_state, *, median_std, dtype=np.float64):
    """Categorical columns of one class's synthetic SMOTE-NC rows, as imbalanced-learn votes.

    Parameters
    ----------
    codes : ndarray of int (n_c, n_cat)
        Category codes of the class's rows (discovery order).
    rank : sequence of n_cat ndarrays of int
        ``rank[j][code]``: position of the category in sorted order; a permutation of
        ``0 .. L_j - 1`` (L_j: categories of column j over the whole data).
    nn : ndarray of int (n_c, k)
        The class's neighbours, self excluded (:func:`mixed_kneighbors`).
    parents : array-like of int (n_new,), or callable
        Parent row of each synthetic row (``idx // k`` of the SMOTE draws). Or a callable
        that returns, at every call, an iterable of 1-d int arrays which, concatenated, are
        those parents (the same values every time): the parents are then read in passes,
        ``n_cat + 2`` of them, and never held all at once.
    random_state : int or numpy.random.RandomState
        imbalanced-learn's ``check_random_state(random_state)``: for an int seed a *fresh*
        ``RandomState(seed)`` (the same stream as the class's draws start with); for an
        instance, the generator after the class's ``randint`` and ``uniform`` draws. An
        instance is advanced by one permutation per column, leaving it where the next class
        starts.
    median_std : float
        :func:`median_std` of the class.
    dtype : numpy dtype, default float64
        imbalanced-learn's one-hot dtype (the numeric block's dtype; float64 for object).

    Returns
    -------
    list of n_cat ndarrays of unsigned int (n_new,)
        Per column, the codes of the synthetic rows' categories, each in the smallest
        unsigned dtype that holds ``L_j - 1`` (uint8 up to 256 levels, then uint16, uint32).

    Raises
    ------
    ValueError
        When the shapes disagree or a parent is not a row of the class.

    Notes
    -----
    Chawla et al. (2002), §6.1: each categorical value of a synthetic SMOTE-NC row is the
    value most frequent among the parent's k nearest neighbours. imbalanced-learn breaks
    ties at random, per column: it lists the tied ``(row, category)`` pairs in (row, sorted
    category) order, permutes the list with ``rng.permutation`` and keeps each row's first
    pair. Here the ties are found once per parent row, the ``P`` pairs are labelled
    ``row * stride + t`` (``t``-th tie of the row) in that order and shuffled in place by
    numpy's own Fisher-Yates algorithm on the generator's raw outputs (:func:`_shuffle_like`),
    which leaves the generator where ``rng.permutation(P)`` does; reading the shuffled labels
    from the last position down, each row's last label read is its first in the
    permutation. No one-hot ``(n_new, k, L_j)`` array, no inverse permutation: besides the
    output (one array per column, so that a column's pages are touched only when it is
    voted), 4 bytes per tied pair of one column at a time (8 when ``n_new * stride >=
    2**32``).

    Examples
    --------
    >>> codes = np.array([[0], [1], [1], [0]])
    >>> nn = np.array([[1, 2], [2, 3], [1, 3], [1, 2]])
    >>> out = smotenc_vote(codes, [np.array([1, 0])], nn, np.array([0, 3]), 0, median_std=1.0)
    >>> [col.tolist() for col in out]
    [[1, 1]]
    >>> batches = lambda: iter([np.array([0]), np.array([3])])
    >>> [col.tolist() for col in smotenc_vote(codes, [np.array([1, 0])], nn, batches, 0,
    ...                                        median_std=1.0)]
    [[1, 1]]
    """
    codes = _codes_2d(codes)
    nn = np.ascontiguousarray(nn, dtype=np.int64)
    n_c, n_cat = codes.shape
    if len(rank) != n_cat:
        raise ValueError(f"rank has {len(rank)} columns; codes has {n_cat}.")
    if nn.ndim != 2 or nn.shape[0] != n_c:
        raise ValueError(f"nn must have one row per row of codes ({n_c}); got {nn.shape}.")
    batches = _parent_batches(parents, n_c)
    rng = _as_random_state(random_state)
    tie = _tie_table(nn.shape[1], _onehot_value(median_std, np.dtype(dtype))[1], dtype)
    ranks = [np.ascontiguousarray(r, dtype=np.int64) for r in rank]
    # Holds every code of the column, and the place of a row's winner among its <= L_j ties.
    kinds = [np.min_scalar_type(max(r.shape[0] - 1, 0)) for r in ranks]
    n_ties = np.empty((n_cat, n_c), dtype=np.int64)
    tied = [np.empty((n_c, nn.shape[1]), dtype=kind) for kind in kinds]
    for j in range(n_cat):
        col = np.ascontiguousarray(codes[:, j])
        run_rows(
            lambda lo, hi, col=col, j=j: _parent_ties(
                col, ranks[j], nn, tie, lo, hi, n_ties[j], tied[j]
            ),
            n_c,
            min_rows=max(1, 50_000 // max(1, nn.shape[1])),
        )
    n_pairs = np.zeros(n_cat, dtype=np.int64)
    n_new = 0
    for b in batches():
        _count_pairs(n_ties, b, n_pairs)
        n_new += b.shape[0]
    out = [np.empty(n_new, dtype=kind) for kind in kinds]  # pages touched column by column
    # One pass over the parents per column labels its pairs and, for the column before,
    # turns the winners' places into codes; the last pass only does the latter.
    pick = None
    for j in range(n_cat + 1):
        x = None
        if j < n_cat:
            stride = max(1, int(n_ties[j].max(initial=0)))
            wide = n_new * stride > LABELS_32
            x = np.empty(n_pairs[j], dtype=np.uint64 if wide else np.uint32)
        row0 = q = 0
        for b in batches():
            if pick is not None:
                _pick_batch(b, row0, *pick)
            if x is not None:
                q = _label_pairs(n_ties[j], b, row0, stride, x, q)
            row0 += b.shape[0]
        if x is None:
            break
        _shuffle_like(rng, x)
        _first_ties_all(x, stride, out[j])
        del x
        pick = (n_ties[j], tied[j], np.argsort(ranks[j]), out[j])
    return out


def _first_ties_all(x, stride, win):
    """:func:`_first_ties` for every synthetic row, in at most two parts (each reads all of
    ``x``)."""
    run_rows(
        lambda lo, hi: _first_ties(x, stride, lo, hi, win),
        win.shape[0],
        min_rows=max(1, win.shape[0] // 2),
    )


def _pick_batch(parents, row0, n_ties, tied, by_rank, out):
    """:func:`_vote_pick` for the synthetic rows ``row0 ..`` of one batch of parents."""
    run_rows(
        lambda lo, hi: _vote_pick(parents, n_ties, tied, by_rank, row0, lo, hi, out),
        parents.shape[0],
        min_rows=50_000,
    )


def _parent_batches(parents, n_c):
    """``parents`` of :func:`smotenc_vote` as a callable giving its batches, each a checked
    contiguous int32 or int64 array."""

    def checked(b):
        b = np.asarray(b)
        if b.ndim != 1 or (b.size and b.dtype.kind not in "iu"):
            raise ValueError(f"parents must be 1-d int arrays; got a batch of shape {b.shape}.")
        if b.dtype not in (np.int32, np.int64):
            b = b.astype(np.int64)
        if b.size and not (0 <= b.min() and b.max() < n_c):
            raise ValueError(
                f"parents must be rows of the class, in [0, {n_c}); got {b.min()} .. {b.max()}."
            )
        return np.ascontiguousarray(b)

    if callable(parents):
        return lambda: (checked(b) for b in parents())
    whole = checked(parents)
    return lambda: (whole,)


# Labels up to this many fit the 4-byte pair array.
LABELS_32 = 2**32
# Raw 32-bit outputs drawn per refill of :func:`_shuffle`'s buffer (4 MB).
RAW_BATCH = 1 << 20


def _shuffle_like(rng, x):
    """Permute ``x`` in place as ``x[rng.permutation(len(x))]``, bit for bit, leaving ``rng``
    where ``rng.permutation(len(x))`` leaves it.

    numpy's legacy shuffle takes the generator's raw 32-bit outputs while ``i < 2**32``, and
    ``randint(0, 2**32, dtype=uint32)`` returns exactly those, one per value: they are drawn
    in batches for :func:`_shuffle`. The batch that outlasts the shuffle is undone: the
    generator goes back to its state before that batch and draws again only the values
    used."""
    n = x.shape[0]
    if n > 2**32:  # numpy draws 64 bits at a time there (and x alone is 16 GB)
        x[:] = x[rng.permutation(n)]
        return
    i = n - 1
    while i > 0:
        state = rng.get_state()
        raw = rng.randint(0, 2**32, size=min(RAW_BATCH, 2 * i), dtype=np.uint32)
        i, used = _shuffle(x, i, raw)
        if used < raw.shape[0]:
            del raw
            rng.set_state(state)
            rng.randint(0, 2**32, size=used, dtype=np.uint32)


# ---------------------------------------------------------------------------------------------
# SMOTE-N: value difference metric
# ---------------------------------------------------------------------------------------------


def vdm_tables(counts):
    """Per-column class-conditional probabilities of the value difference metric.

    Parameters
    ----------
    counts : sequence of ndarrays (L_j, n_classes)
        For each column, how many rows of the whole data hold category ``code`` (row) and
        class ``i`` (column, classes in sorted label order).

    Returns
    -------
    list of ndarray of float64 (L_j, n_classes)
        imbalanced-learn's ``ValueDifferenceMetric.proba_per_class_``, rows indexed by code:
        each row divided by its sum (the same numpy calls, so the same bits), a category that
        no row holds giving zeros.

    Notes
    -----
    Stanfill & Waltz (1986); Chawla et al. (2002), §6.1 (SMOTE-N).

    Examples
    --------
    >>> vdm_tables([np.array([[3, 1], [0, 2]])])[0].tolist()
    [[0.75, 0.25], [0.0, 1.0]]
    """
    tables = []
    for c in counts:
        p = np.array(c, dtype=np.float64)
        if p.ndim != 2:
            raise ValueError(f"each count table must be 2-d (L_j, n_classes); got {p.shape}.")
        with np.errstate(invalid="ignore"):
            p /= p.sum(axis=1).reshape(-1, 1)
        np.nan_to_num(p, copy=False)
        tables.append(p)
    return tables


@numba.njit(inline="always", **SERIAL)
def _pairwise_leaf(a, lo, n):
    """numpy's pairwise summation of ``a[lo : lo + n]`` for ``n <= 128``: a plain loop below
    8 items, else 8 accumulators."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@numba.njit(**SERIAL)
def _pairwise_sum(a, n):
    """numpy's pairwise summation of ``a[:n]`` (``np.sum`` over a contiguous axis): above 128
    items, the sum of the two halves (the first a multiple of 8 long), evaluated with an
    explicit stack (a cached numba function must not recurse)."""
    if n <= 128:
        return _pairwise_leaf(a, 0, n)
    los = np.empty(64, dtype=np.int64)
    ns = np.empty(64, dtype=np.int64)
    left = np.empty(64)
    phase = np.zeros(64, dtype=np.int64)
    los[0], ns[0], top = 0, n, 0
    value = 0.0
    while top >= 0:
        if ns[top] <= 128:
            value = _pairwise_leaf(a, los[top], ns[top])
            top -= 1
        elif phase[top] == 0:  # descend into the left half
            n2 = ns[top] // 2
            n2 -= n2 % 8
            phase[top] = 1
            los[top + 1], ns[top + 1], phase[top + 1] = los[top], n2, 0
            top += 1
            continue
        elif phase[top] == 1:  # left half done: keep it, descend into the right half
            n2 = ns[top] // 2
            n2 -= n2 % 8
            left[top] = value
            phase[top] = 2
            los[top + 1], ns[top + 1], phase[top + 1] = los[top] + n2, ns[top] - n2, 0
            top += 1
            continue
        else:
            value = left[top] + value
            top -= 1
    return value


@numba.njit(**SERIAL)
def _vdm_rows(CT, proba, start, q0, q1, out):
    """Rows ``q0 .. q1 - 1`` of the VDM distance matrix of the class (``out[q - q0, j]``), in
    imbalanced-learn's arithmetic: per column the L1 distance between the two categories'
    probability rows (``np.sum(np.abs(y - x), axis=-1)``, numpy's pairwise sum) squared, the
    columns added in order to a zero. ``proba`` stacks the tables of all columns, column
    ``g`` from row ``start[g]``; each query row first computes its per-column terms against
    every category, then gathers them."""
    c, n = CT.shape
    n_cls = proba.shape[1]
    term = np.empty(proba.shape[0])
    diff = np.empty(n_cls)
    for q in range(q0, q1):
        for g in range(c):
            a = start[g] + CT[g, q]
            for b in range(start[g], start[g + 1]):
                for h in range(n_cls):
                    diff[h] = abs(proba[b, h] - proba[a, h])
                t = _pairwise_sum(diff, n_cls)
                term[b] = t * t
        row = out[q - q0]
        row[:] = 0.0
        for g in range(c):
            col = CT[g]
            s0 = start[g]
            for j in range(n):
                row[j] += term[s0 + col[j]]


def smoten_kneighbors(codes, tables, k):
    """The k + 1 nearest rows of each row of one class under the value difference metric,
    itself included, in imbalanced-learn's order.

    Parameters
    ----------
    codes : ndarray of int (n_c, n_cat)
        Category codes of the class's rows.
    tables : sequence of ndarrays (L_j, n_classes)
        :func:`vdm_tables`, rows indexed by code.
    k : int
        ``k_neighbors``; k + 1 neighbours are returned (n_c must be at least k + 1).

    Returns
    -------
    ndarray of int64 (n_c, k + 1)
        What ``NearestNeighbors(n_neighbors=k + 1, metric="precomputed")`` returns on
        imbalanced-learn's ``vdm.pairwise(X_class)``, exact ties in its order.

    Notes
    -----
    Stanfill & Waltz (1986); Chawla et al. (2002), §6.1. scikit-learn 1.9 answers a dense
    precomputed query in row chunks with ``np.argpartition(dist, k, axis=1)[:, :k + 1]`` and
    an ``np.argsort`` of those distances; both work row by row, so the same calls on row
    blocks of bit-identical distances give the same indices, ties included. Distances are
    computed per block in imbalanced-learn's arithmetic (:func:`_vdm_rows`): memory
    O(block x n_c), never n_c².

    Examples
    --------
    >>> t = vdm_tables([np.array([[4, 0], [2, 2], [0, 4]])])
    >>> smoten_kneighbors(np.array([[0], [2], [1], [0]]), t, 1).tolist()
    [[0, 3], [1, 2], [2, 0], [0, 3]]
    """
    codes = _codes_2d(codes)
    n = codes.shape[0]
    if not 1 <= k + 1 <= n:
        raise ValueError(f"k_neighbors={k} needs at least {k + 1} rows; got {n}.")
    tables = [np.ascontiguousarray(t, dtype=np.float64) for t in tables]
    if len(tables) != codes.shape[1]:
        raise ValueError(f"{len(tables)} tables for {codes.shape[1]} columns.")
    proba = np.concatenate(tables)
    start = np.cumsum([0] + [t.shape[0] for t in tables]).astype(np.int64)
    CT = np.ascontiguousarray(codes.T)
    out = np.empty((n, k + 1), dtype=np.int64)
    block = max(1, VDM_BLOCK_ELEMENTS // n)

    def part(lo, hi):
        dist = np.empty((min(block, hi - lo), n))
        for q0 in range(lo, hi, block):
            q1 = min(q0 + block, hi)
            d = dist[: q1 - q0]
            _vdm_rows(CT, proba, start, q0, q1, d)
            rows = np.arange(q1 - q0)[:, None]
            ind = np.argpartition(d, k, axis=1)[:, : k + 1]
            out[q0:q1] = ind[rows, np.argsort(d[rows, ind])]

    run_rows(part, n, min_rows=max(1, 2_000_000 // n))
    return out


# ---------------------------------------------------------------------------------------------
# SMOTE-N: the mode
# ---------------------------------------------------------------------------------------------


@numba.njit(**SERIAL)
def _mode(codes, rank, nn, parents, lo, hi, out):
    """Per synthetic row and column, the most frequent code among the parent's neighbours,
    ties to the smallest rank (``scipy.stats.mode`` on sorted-order codes)."""
    n_cols = codes.shape[1]
    counts = np.zeros(rank.shape[1], dtype=np.int64)
    for i in range(lo, hi):
        nbrs = nn[parents[i]]
        for g in range(n_cols):
            best = -1
            top = 0
            for s in range(nbrs.shape[0]):
                c = codes[nbrs[s], g]
                counts[c] += 1
                a = counts[c]
                if a > top or (a == top and rank[g, c] < rank[g, best]):
                    top = a
                    best = c
            for s in range(nbrs.shape[0]):
                counts[codes[nbrs[s], g]] = 0
            out[i, g] = best


def smoten_mode(codes, rank, nn, parents):
    """Categories of one class's synthetic SMOTE-N rows.

    Parameters
    ----------
    codes : ndarray of int (n_c, n_cat)
        Category codes of the class's rows.
    rank : sequence of n_cat ndarrays of int
        ``rank[j][code]``: position of the category in sorted order.
    nn : ndarray of int (n_c, k + 1)
        :func:`smoten_kneighbors` (each row among its own neighbours).
    parents : ndarray of int (n_new,)
        Parent rows, from :class:`streamsmote._draws.ParentDraws`.

    Returns
    -------
    ndarray of int32 (n_new, n_cat)
        Per column, the code most frequent among the parent's k + 1 neighbours; a tie goes
        to the category first in sorted order (imbalanced-learn's ``scipy.stats.mode`` on
        ordinal codes).

    Notes
    -----
    Chawla et al. (2002), §6.1 (SMOTE-N): the synthetic row takes, feature by feature, the
    value the parent's nearest neighbours agree on most.

    Examples
    --------
    >>> codes = np.array([[0], [1], [1], [0]])
    >>> nn = np.array([[0, 1, 2], [1, 2, 3], [2, 1, 3], [3, 0, 1]])
    >>> smoten_mode(codes, [np.array([1, 0])], nn, np.array([0, 3])).tolist()
    [[1], [0]]
    """
    codes = _codes_2d(codes)
    nn = np.ascontiguousarray(nn, dtype=np.int64)
    parents = np.ascontiguousarray(parents, dtype=np.int64)
    width = max([len(r) for r in rank], default=0)
    rank2 = np.zeros((codes.shape[1], width), dtype=np.int64)
    for g, r in enumerate(rank):
        rank2[g, : len(r)] = r
    out = np.empty((parents.shape[0], codes.shape[1]), dtype=np.int32)
    run_rows(
        lambda lo, hi: _mode(codes, rank2, nn, parents, lo, hi, out),
        parents.shape[0],
        min_rows=50_000,
    )
    return out
