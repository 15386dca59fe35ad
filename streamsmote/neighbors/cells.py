"""Exact k-nearest-neighbour graph as independent tasks over the cells of a space partition.

A class too large for one machine's search is cut into cells (runs of the space-partition
order of :func:`~streamsmote.neighbors.exact._tree_order`); each cell is one task that needs
only the class rows and the cells' bounding boxes:

1. the cell's rows are searched against their own cell and its nearest cells (by the distance
   between boxes), which gives every row an upper bound of its k-th distance (with one seed
   cell, the default, this is a self-search of the cell: each product computed once);
2. every cell whose box is within some row's bound from that row is a *candidate* (a row
   outside the candidates is provably farther from each query row than its bound); the rows
   are searched again, exactly, against the rows of all candidate cells, by the pruned
   query-block search, which takes the cells' own space-partition order for the index rows
   and skips the blocks of them that its bounds rule out.

Candidate rows keep their global order, so ties go to the smaller row number as in the local
search, and the graph is the one :func:`~streamsmote.neighbors.exact.kneighbors_exact` builds
on the whole class, whatever the number of cells or of workers. The tasks run on whatever
runs them: :func:`kneighbors_cells` takes a ``runner`` (by default one after the other here;
:mod:`streamsmote.dask` sends them to the workers of a cluster).
"""

import numpy as np

from .exact import PRUNE_INDEX_BLOCK, _nested_order, kneighbors_exact

# Cells of this many rows: big enough that a cell's own search runs at the kernel's speed,
# small enough for a useful number of tasks (100k rows -> 13 cells).
CELL_ROWS = 8192
# Cells searched in the first step, the cell itself included (one: where nothing can be
# pruned, as for isotropic data in 20 dimensions, the first step is pure overhead).
SEED_CELLS = 1
# Relative widening of the candidate test against the float64 rounding of box distances.
_SLACK = 1e-9


def plan_cells(X, cell_rows):
    """The cells of ``X``: row numbers of each, and their bounding boxes.

    Returns
    -------
    cells : list of ndarray of int64
        Row numbers of each cell, in a space-partition order of their own (runs of
        :data:`~streamsmote.neighbors.exact.PRUNE_INDEX_BLOCK` rows near each other), which
        every task's search takes as the order of its index rows instead of computing one.
    boxes : ndarray of float64 (n_cells, 2, d)
        Lower and upper corner of each cell.
    """
    order = _nested_order(np.ascontiguousarray(X), cell_rows, PRUNE_INDEX_BLOCK)
    cells = [order[i : i + cell_rows] for i in range(0, X.shape[0], cell_rows)]
    boxes = np.empty((len(cells), 2, X.shape[1]))
    for j, rows in enumerate(cells):
        part = X[rows]
        boxes[j, 0] = part.min(axis=0)
        boxes[j, 1] = part.max(axis=0)
    return cells, boxes


def box_gaps(boxes, j):
    """Squared distance from the box of cell ``j`` to every cell's box (0 for overlaps)."""
    lo, hi = boxes[j]
    gap = np.maximum(np.maximum(boxes[:, 0] - hi, lo - boxes[:, 1]), 0.0)
    return np.einsum("ij,ij->i", gap, gap)


def cell_task(X, cells, boxes, j, k):
    """The exact k nearest rows of every row of cell ``j`` (one task).

    Returns
    -------
    rows : ndarray of int64
        The cell's row numbers.
    indices : ndarray of int64 (len(rows), k)
        Their neighbours, global row numbers, nearest first.
    n_candidates : int
        Rows searched in the second step (the measure of what the bounds pruned).
    """
    rows = cells[j]
    gaps = box_gaps(boxes, j)
    # Step 1: seed cells, enough rows for k neighbours: the cell first (other cells whose
    # boxes overlap it have a gap of 0 too), so that its rows are among the searched ones
    near = np.argsort(gaps, kind="stable")
    near = np.r_[j, near[near != j]]
    seed, size = [], 0
    for c in near:
        seed.append(c)
        size += len(cells[c])
        if len(seed) >= SEED_CELLS and size > k:
            break
    bound = _search(X, cells, seed, rows, k)[1][:, -1] * (1.0 + _SLACK)
    # Step 2: every cell that may hold a row within some row's bound.
    Q = X[rows].astype(np.float64)
    cand = [
        c
        for c in range(len(cells))
        if gaps[c] <= bound.max() and (_point_gaps(Q, boxes[c]) <= bound).any()
    ]
    indices, _ = _search(X, cells, cand, rows, k)
    return rows, indices, int(sum(len(cells[c]) for c in cand))


def _point_gaps(Q, box):
    """Squared distance from each row of ``Q`` to ``box`` (0 inside it)."""
    gap = np.maximum(np.maximum(box[0] - Q, Q - box[1]), 0.0)
    return np.einsum("ij,ij->i", gap, gap)


def _search(X, cells, which, rows, k):
    """The k nearest rows among the cells ``which`` of each row of ``rows``. The search runs
    on the rows in ascending order, so that ties go to the smaller row number."""
    members = np.concatenate([cells[c] for c in which])
    perm = np.argsort(members, kind="stable")
    pool = members[perm]
    local = np.searchsorted(pool, rows)  # the cell is one of ``which``: its rows are in pool
    if pool.shape[0] == rows.shape[0]:  # the cell alone: a self-search, each product once
        idx, dist = kneighbors_exact(X[pool], k)
        return pool[idx[local]], dist[local]
    # the cells' own order (runs of rows near each other), in the pool's numbering
    order = np.empty_like(perm)
    order[perm] = np.arange(perm.shape[0])
    idx, dist = kneighbors_exact(X[pool], k, Q=X[rows], self_idx=local, order=order)
    return pool[idx], dist


def run_here(X, cells, boxes, k):
    """Every :func:`cell_task`, one after the other in this process."""
    return [cell_task(X, cells, boxes, j, k) for j in range(len(cells))]


def kneighbors_cells(X, k, runner=run_here, cell_rows=None, stats=None):
    """Exact k nearest other rows of each row of ``X``, as one task per cell.

    Parameters
    ----------
    X : ndarray (n, d)
        The rows of one class; ``n >= k + 1``.
    k : int
        Neighbours per row.
    runner : callable, default :func:`run_here`
        ``runner(X, cells, boxes, k)`` returns ``cell_task(X, cells, boxes, j, k)`` for every
        cell ``j`` (in any order).
    cell_rows : int, optional
        Rows per cell; default :data:`CELL_ROWS`.
    stats : dict, optional
        Filled with ``cells`` and ``pairs`` (query x candidate pairs of the second step).

    Returns
    -------
    ndarray of int64 (n, k)
        The graph of :func:`~streamsmote.neighbors.exact.kneighbors_exact` on ``X``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(3000, 3))
    >>> g = kneighbors_cells(X, 5, cell_rows=500)
    >>> bool((g == kneighbors_exact(X, 5)[0]).all())
    True
    """
    X = np.ascontiguousarray(X)
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    cells, boxes = plan_cells(X, cell_rows or CELL_ROWS)
    out = np.empty((X.shape[0], k), dtype=np.int64)
    pairs = 0
    for rows, indices, n_cand in runner(X, cells, boxes, k):
        out[rows] = indices
        pairs += len(rows) * n_cand
    if stats is not None:
        stats.update(cells=len(cells), pairs=pairs)
    return out
