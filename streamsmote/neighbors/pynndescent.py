"""Approximate k-nearest neighbours with pynndescent (``neighbors="pynndescent"``), imported
only when this path runs.

pynndescent's build functions take a distance function, so numba cannot cache them: the first
build in every process compiles for 45-90 s. streamsmote's own graph
(:mod:`streamsmote.neighbors.approx`) has no such cost; this backend stays for comparison and
for processes that have already paid the compile (see :func:`is_warm`).

NN-descent's recall at its own ``n_neighbors`` is poor for the last few neighbours (on 100k
isotropic 20-d Gaussian points: recall@5 = 0.50 with ``n_neighbors=6``), so the graph is built
with :data:`BUILD_NEIGHBORS` neighbours and the k best are kept after an exact float64
re-ranking, which also orders ties like the exact path does.
"""

import numpy as np

from .._threads import run_rows
from ..kernels.topk import NO_INDEX, _rerank_candidates
from .exact import kneighbors_exact

# recall@5 on 100k 20-d Gaussian points: 0.93 at 15, 0.97 at 20, 0.99 at 24 (3.6 s vs 4.6 s).
BUILD_NEIGHBORS = 20
_warm = False


def is_warm():
    """Whether pynndescent has already compiled its build functions in this process."""
    return _warm


def kneighbors_pynndescent(X, k, random_state=None, n_neighbors=None):
    """Approximate k nearest other rows of each row of ``X`` (pynndescent).

    Parameters
    ----------
    X : ndarray (n, d)
    k : int
    random_state : int or None
        Seed of pynndescent's random projection trees.
    n_neighbors : int, optional
        Neighbours in the NN-descent graph; default ``max(BUILD_NEIGHBORS, 2 * k + 1)``.

    Returns
    -------
    indices : ndarray of int64 (n, k)
    sq_distances : ndarray of float64 (n, k)
    """
    global _warm
    try:
        from pynndescent import NNDescent
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ImportError(
            'neighbors="pynndescent" needs pynndescent: pip install pynndescent'
        ) from exc
    X = np.ascontiguousarray(X)
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    n = X.shape[0]
    nn = min(n - 1, n_neighbors or max(BUILD_NEIGHBORS, 2 * k + 1))
    index = NNDescent(
        X,
        n_neighbors=nn + 1,
        metric="euclidean",
        random_state=random_state,
        low_memory=True,
        compressed=True,
        verbose=False,
    )
    cand = np.ascontiguousarray(index.neighbor_graph[0], dtype=np.int64)
    _warm = True
    cand[cand < 0] = NO_INDEX
    out_d = np.empty((n, k), dtype=np.float64)
    out_i = np.empty((n, k), dtype=np.int64)
    run_rows(
        lambda lo, hi: _rerank_candidates(X, cand, lo, out_d[lo:hi], out_i[lo:hi]),
        n,
        min_rows=4096,
    )
    short = np.flatnonzero(out_i[:, k - 1] == NO_INDEX)
    if short.size:  # NN-descent left a row with fewer than k neighbours: search it exactly
        out_i[short], out_d[short] = kneighbors_exact(X, k, Q=X[short], self_idx=short)
    return out_i, out_d
