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

import sys

import numpy as np

from .._threads import run_rows
from ..kernels.topk import NO_INDEX, _rerank_candidates
from .exact import kneighbors_exact

# recall@5 on 100k 20-d Gaussian points: 0.93 at 15, 0.97 at 20, 0.99 at 24 (3.6 s vs 4.6 s).
BUILD_NEIGHBORS = 20
# Peak RSS increase of a build, measured on 2 threads with k = 5 (21 neighbours a row): 96 MB
# at 100k x 20, 246 MB at 300k x 20, 803 MB at 1M x 20, 244 and 276 MB at 300k x 8 and x 50
# (pynndescent_bytes: 96, 256, 816, 242, 292). Importing pynndescent takes 131 MB more, and
# its first build in a process compiles for another 176 MB (272 MB at 100k x 20).
IMPORT_BYTES = 131 << 20
COMPILE_BYTES = 176 << 20
_warm = False


def is_warm():
    """Whether pynndescent has already compiled its build functions in this process."""
    return _warm


def pynndescent_bytes(n, d, k):
    """Bytes :func:`kneighbors_pynndescent` takes at its peak for ``n`` rows of ``d`` columns,
    in this process: with pynndescent's import if it is not imported yet, and with the
    compile of its build functions if they have not run yet (:func:`is_warm`). pynndescent
    takes no budget; this only lets ``memory_limit`` warn.

    Examples
    --------
    >>> round((pynndescent_bytes(2_000_000, 20, 5) - pynndescent_bytes(1_000_000, 20, 5)) / 1e6)
    794
    """
    nn = _build_neighbors(n, k)
    need = n * (34 * (nn + 1) + 4 * d) + (16 << 20)
    if not _warm:
        need += COMPILE_BYTES
    if "pynndescent" not in sys.modules:
        need += IMPORT_BYTES
    return need


def _build_neighbors(n, k, n_neighbors=None):
    """Neighbours of a row in pynndescent's graph (without the row itself)."""
    return min(n - 1, n_neighbors or max(BUILD_NEIGHBORS, 2 * k + 1))


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
    nn = _build_neighbors(n, k, n_neighbors)
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
