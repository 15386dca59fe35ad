"""Slow, obviously-correct numpy references for the kernels, and the test data they run on.

Nothing here is clever: distances are accumulated feature by feature in float64 (the order the
kernels use, so exact ties are ties here too), neighbours are ordered by a stable sort on the
distance (so ties go to the smaller index), and the draws are imbalanced-learn's, written out.
"""

import numpy as np

NO_INDEX = np.iinfo(np.int64).max


# ---------------------------------------------------------------------------------------------
# test data
# ---------------------------------------------------------------------------------------------


def make_data(counts, n_features=3, seed=0, dtype=np.float64, labels=None):
    """Continuous random rows (no exact distance ties), ``counts[i]`` rows of class
    ``labels[i]`` (default ``0, 1, ...``), classes shuffled through the rows."""
    rng = np.random.default_rng(seed)
    labels = list(range(len(counts))) if labels is None else list(labels)
    y = np.repeat(np.array(labels), counts)
    y = y[rng.permutation(len(y))]
    X = rng.normal(size=(len(y), n_features)) + (y == labels[0])[:, None] * 0.5
    return X.astype(dtype), y


# ---------------------------------------------------------------------------------------------
# k nearest neighbours
# ---------------------------------------------------------------------------------------------


def sq_distances(Q, X):
    """``D[i, j] = sum_f (Q[i, f] - X[j, f])**2`` in float64, summed in feature order."""
    Q = np.asarray(Q, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    D = np.zeros((Q.shape[0], X.shape[0]))
    for f in range(X.shape[1]):
        t = Q[:, f, None] - X[None, :, f]
        D = D + t * t
    return D


def knn(X, k, Q=None, self_idx=None):
    """Brute-force kNN: for each query, the k nearest rows of ``X`` other than itself, ordered
    by (squared distance, index); missing slots hold ``NO_INDEX`` / ``inf``.

    Returns ``(indices, sq_distances)`` like :func:`streamsmote.neighbors.kneighbors_exact`.
    """
    if Q is None:
        Q = X
        self_idx = np.arange(X.shape[0])
    elif self_idx is None:
        self_idx = np.full(Q.shape[0], -1)
    D = sq_distances(Q, X)
    out_i = np.full((Q.shape[0], k), NO_INDEX, dtype=np.int64)
    out_d = np.full((Q.shape[0], k), np.inf)
    for q in range(Q.shape[0]):
        order = np.argsort(D[q], kind="stable")  # ties: smaller index first
        order = order[order != self_idx[q]][:k]
        out_i[q, : len(order)] = order
        out_d[q, : len(order)] = D[q, order]
    return out_i, out_d


def knn_chunked(X, k, Q=None, self_idx=None, chunk=400):
    """:func:`knn` a chunk of queries at a time (its distance matrix is ``chunk x n``), with
    the same arithmetic and order; only the rows at most as far as the k-th smallest distance
    (ties included) are sorted. Every query needs at least k rows besides itself."""
    if Q is None:
        Q, self_idx = X, np.arange(X.shape[0])
    elif self_idx is None:
        self_idx = np.full(Q.shape[0], -1)
    nq = Q.shape[0]
    out_i = np.empty((nq, k), dtype=np.int64)
    out_d = np.empty((nq, k))
    for q0 in range(0, nq, chunk):
        q1 = min(q0 + chunk, nq)
        D = sq_distances(Q[q0:q1], X)
        own = self_idx[q0:q1]
        D[np.flatnonzero(own >= 0), own[own >= 0]] = np.inf  # self, sorted last
        kth = np.partition(D, k - 1, axis=1)[:, k - 1]
        for r in range(q1 - q0):
            near = np.flatnonzero(D[r] <= kth[r])
            near = near[np.lexsort((near, D[r, near]))][:k]
            out_i[q0 + r] = near
            out_d[q0 + r] = D[r, near]
    return out_i, out_d


def clusters(rng, sizes, d, spread=1.0, scale=100.0):
    """Gaussian clusters of ``sizes`` rows (centres ``scale`` apart, radius ``spread``), rows
    shuffled: the layouts that make the exact search's bounding boxes prune."""
    centres = rng.normal(scale=scale, size=(len(sizes), d))
    X = np.concatenate(
        [c + spread * rng.normal(size=(s, d)) for c, s in zip(centres, sizes, strict=True)]
    )
    return X[rng.permutation(X.shape[0])]


def class_knn(X, y, k):
    """``{class: set of global rows among the k nearest same-class rows}`` for every row."""
    out = {}
    for c in np.unique(y):
        rows = np.flatnonzero(y == c)
        nn = knn(X[rows], k)[0]
        for r, neighbours in zip(rows, nn, strict=True):
            out[int(r)] = set(rows[neighbours].tolist())
    return out


# ---------------------------------------------------------------------------------------------
# SMOTE
# ---------------------------------------------------------------------------------------------


def interpolate(X, nn, rows, cols, gaps):
    """``x + gap * (x_nn - x)``: the difference in the input dtype, the rest in float64, one
    cast back to the input dtype (imbalanced-learn's arithmetic)."""
    x = X[rows]
    diff = X[nn[rows, cols]] - x  # input dtype
    return (x + gaps[:, None] * diff).astype(X.dtype)


def draws(random_state, n_c, k, n_new):
    """imbalanced-learn's draws for one class: ``(row, neighbour slot, gap)``."""
    rs = random_state
    if not isinstance(rs, np.random.RandomState):
        rs = np.random.RandomState(rs)
    idx = rs.randint(0, n_c * k, size=n_new)
    gaps = rs.uniform(size=n_new)
    return idx // k, idx % k, gaps


def smote(X, y, n_new, k=5, seed=0):
    """The synthetic rows of SMOTE on float ``X``: class blocks in sorted label order, a fresh
    ``RandomState(seed)`` per class. Returns ``(X_synthetic, y_synthetic)``."""
    parts_X, parts_y = [], []
    for c in sorted(n_new):
        if n_new[c] == 0:
            continue
        X_c = X[y == c]
        nn = knn(X_c, k)[0]
        rows, cols, gaps = draws(seed, X_c.shape[0], k, n_new[c])
        parts_X.append(interpolate(X_c, nn, rows, cols, gaps))
        parts_y.append(np.full(n_new[c], c, dtype=y.dtype))
    if not parts_X:
        return np.empty((0, X.shape[1]), X.dtype), np.empty(0, y.dtype)
    return np.concatenate(parts_X), np.concatenate(parts_y)


def from_provenance(X, prov):
    """Synthetic rows recomputed from ``parent``, ``neighbor`` and ``gap`` of a provenance
    frame: the difference in ``X``'s float dtype (float64 for integer data), the result in
    float64."""
    X = np.asarray(X)
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    p = prov["parent"].to_numpy()
    nb = prov["neighbor"].to_numpy()
    g = prov["gap"].to_numpy()[:, None]
    return X[p] + g * (X[nb] - X[p])


# ---------------------------------------------------------------------------------------------
# categorical columns (SMOTE-NC, SMOTE-N)
# ---------------------------------------------------------------------------------------------


def discovery_codes(values):
    """Codes in order of first appearance (a streaming reader's), the categories in that order,
    and ``rank[code]``: the category's position in sorted order (``np.unique``'s)."""
    codes, uniques = _factorize(values)
    rank = np.searchsorted(np.unique(uniques), uniques)
    return codes.astype(np.int32), uniques, rank


def _factorize(values):
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return codes, np.asarray(uniques, dtype=object)


def mixed_knn(X_num, codes, penalty, k):
    """SMOTE-NC's brute-force kNN: float64 squared differences summed in feature order, plus
    ``penalty`` per mismatching categorical column; stable sort, self excluded."""
    n = X_num.shape[0]
    mismatches = (codes[:, None, :] != codes[None, :, :]).sum(axis=2)
    D = sq_distances(X_num, X_num) + penalty * mismatches
    out_i = np.full((n, k), NO_INDEX, dtype=np.int64)
    for q in range(n):
        order = np.argsort(D[q], kind="stable")
        order = order[order != q][:k]
        out_i[q, : len(order)] = order
    return out_i


def smotenc_vote(codes, rank, nn, parents, rng, value, dtype):
    """imbalanced-learn's ``SMOTENC._generate_samples`` vote written out on a one-hot array
    (columns in sorted category order, entries ``value`` of ``dtype``)."""
    out = np.empty((len(parents), codes.shape[1]), dtype=np.int64)
    for j in range(codes.shape[1]):
        L = len(rank[j])
        onehot = np.zeros((codes.shape[0], L), dtype=dtype)
        onehot[np.arange(codes.shape[0]), rank[j][codes[:, j]]] = value
        col_maxs = onehot[nn[parents]].sum(axis=1)
        is_max = np.isclose(col_maxs, col_maxs.max(axis=1, keepdims=True))
        max_idxs = rng.permutation(np.argwhere(is_max))
        xs, idx_sels = np.unique(max_idxs[:, 0], return_index=True)
        assert (xs == np.arange(len(parents))).all()
        out[:, j] = np.argsort(rank[j])[max_idxs[idx_sels, 1]]
    return out


def smoten_mode(codes, rank, nn, parents):
    """``scipy.stats.mode`` over the neighbours, on sorted-order codes, mapped back to codes."""
    from scipy.stats import mode

    ranked = np.stack([rank[j][codes[:, j]] for j in range(codes.shape[1])], axis=1)
    m = np.squeeze(mode(ranked[nn[parents]], axis=1, keepdims=True).mode, axis=1)
    return np.stack([np.argsort(rank[j])[m[:, j]] for j in range(codes.shape[1])], axis=1)


def legacy_shuffle(n, raw):
    """numpy's legacy ``RandomState.permutation(n)`` written out from the generator's raw
    32-bit outputs ``raw``: Fisher-Yates from the last position down, each ``j`` drawn by
    ``random_interval(i)`` (mask to the smallest all-ones mask >= i, draw again while above
    ``i``). Returns the permutation and the number of raw values used."""
    x = np.arange(n)
    used = 0
    for i in range(n - 1, 0, -1):
        mask = (1 << i.bit_length()) - 1
        while True:
            j = int(raw[used]) & mask
            used += 1
            if j <= i:
                break
        x[i], x[j] = x[j], x[i]
    return x, used


def smotenc_vote_permutation(codes, rank, nn, parents, rng, tie):
    """The vote by ``rng.permutation`` of the tied (row, category) pairs, listed in (row,
    sorted category) order; each row keeps the pair of smallest position. ``tie[m, a]``: a
    category counted ``a`` times ties with the maximum ``m``. Returns the codes and the
    generator's state after each column."""
    out = np.empty((len(parents), codes.shape[1]), dtype=np.int64)
    states = []
    for j in range(codes.shape[1]):
        by_rank = np.argsort(rank[j])
        pairs = []
        for i, p in enumerate(parents):
            counts = np.bincount(rank[j][codes[nn[p], j]], minlength=len(rank[j]))
            top = counts.max()
            tied = [r for r, a in enumerate(counts) if tie[top, a]]  # imblearn's is_max
            pairs += [(i, by_rank[r]) for r in tied]
        perm = rng.permutation(len(pairs))
        seen = set()
        for q in perm:
            i, c = pairs[q]
            if i not in seen:
                seen.add(i)
                out[i, j] = c
        states.append(rng.get_state())
    return out, states


def whole_data_top_m(Q, X, labels, M):
    """The M nearest rows of ``X`` (all of them, a query's own row included) for each row of
    ``Q``, by (squared distance, row number), as
    :meth:`streamsmote.neighbors.cross.RunningTopM.result` returns them: rows, labels,
    distances and values, with -1 / -1 / inf / NaN where ``X`` has fewer than M rows."""
    D = sq_distances(Q, X)
    rows = np.full((len(Q), M), -1, dtype=np.int64)
    dist = np.full((len(Q), M), np.inf)
    for q in range(len(Q)):
        order = np.argsort(D[q], kind="stable")[:M]  # ties: smaller row first
        rows[q, : len(order)] = order
        dist[q, : len(order)] = D[q, order]
    empty = rows < 0
    out_labels = np.where(empty, -1, np.asarray(labels)[rows])
    values = np.asarray(X)[rows].astype(np.asarray(Q).dtype)
    values[empty] = np.nan
    return rows, out_labels, dist, values


# ---------------------------------------------------------------------------------------------
# whole-data neighbours (Borderline-SMOTE, ADASYN)
# ---------------------------------------------------------------------------------------------


def other_class_neighbors(X, y, c, m):
    """For each row of class ``c`` (input order), how many of its ``m`` nearest rows over the
    whole of ``X`` (itself left out) are of another class."""
    rows = np.flatnonzero(y == c)
    nn = knn(X, m, Q=X[rows], self_idx=rows)[0]
    return (y[nn] != c).sum(axis=1)


def in_danger(X, y, c, m):
    """Global rows of class ``c`` in danger (Han et al. 2005, section 3): of their ``m``
    nearest rows, at least half and fewer than all are of another class."""
    n_other = other_class_neighbors(X, y, c, m)
    rows = np.flatnonzero(y == c)
    return rows[(2 * n_other >= m) & (n_other < m)]


def adasyn_counts(X, y, c, k, n_new):
    """ADASYN's synthetic rows per row of class ``c`` (He et al. 2008, section 3.1, steps
    b-d): the fraction ``r_i`` of other-class rows among its ``k`` nearest, normalised, times
    ``n_new``, rounded to the nearest integer (halves to even)."""
    r = other_class_neighbors(X, y, c, k) / k
    return np.rint(r / r.sum() * n_new).astype(int)
