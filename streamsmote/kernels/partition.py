"""Kernel of the space-partition order of the exact search (``exact._tree_order``).

Serial, cached and releasing the GIL like the other kernels, so that the subtrees of the
partition are cut on several threads at once.
"""

import numba
import numpy as np

from .._config import SERIAL

# Rows of a cell whose covariance guides its cut: every ``size // SAMPLE_ROWS``-th row.
SAMPLE_ROWS = 4096
# Power iterations from the axis of largest variance (three were enough to cut as well as
# the exact principal direction does).
POWER_STEPS = 3


@numba.njit(**SERIAL)
def _principal_projection(X, idx, proj):
    """Coordinates of the rows ``idx`` of ``X`` along their principal direction, written to
    ``proj`` (float64, same length as ``idx``).

    The rows are centred on their mean (float64); the direction starts at the axis of
    largest variance of a sample of at most about :data:`SAMPLE_ROWS` evenly spaced rows
    and takes :data:`POWER_STEPS` power iterations with the sample's covariance. One pass
    over the cell's rows for the mean, one for the projection: the rows are read where they
    are, never gathered into a copy (numpy's version spent most of its time gathering,
    centring and reducing copies, holding the GIL between the calls)."""
    size = idx.shape[0]
    d = X.shape[1]
    mean = np.zeros(d)
    for i in range(size):
        r = idx[i]
        for f in range(d):
            mean[f] += X[r, f]
    mean /= max(size, 1)
    step = max(1, size // SAMPLE_ROWS)
    ns = (size + step - 1) // step
    S = np.empty((ns, d))
    for s in range(ns):
        r = idx[s * step]
        for f in range(d):
            S[s, f] = np.float64(X[r, f]) - mean[f]
    best, axis = -1.0, 0
    for f in range(d):
        c = 0.0
        for s in range(ns):
            c += S[s, f]
        c /= ns
        var = 0.0
        for s in range(ns):
            var += (S[s, f] - c) ** 2
        if var > best:
            best, axis = var, f
    v = np.zeros(d)
    v[axis] = 1.0
    t = np.empty(ns)
    for _ in range(POWER_STEPS):
        for s in range(ns):
            acc = 0.0
            for f in range(d):
                acc += S[s, f] * v[f]
            t[s] = acc
        w = np.zeros(d)
        for s in range(ns):
            for f in range(d):
                w[f] += S[s, f] * t[s]
        norm = np.sqrt(np.sum(w * w))
        if norm == 0.0:
            break
        v = w / norm
    for i in range(size):
        r = idx[i]
        acc = 0.0
        for f in range(d):
            acc += (np.float64(X[r, f]) - mean[f]) * v[f]
        proj[i] = acc


@numba.njit(**SERIAL)
def _block_boxes(Xo, B, lo, hi, centres):
    """Bounding box (``lo``, ``hi``, float32) and mean (``centres``, float64) of each block
    of ``B`` consecutive rows of ``Xo``, the last one possibly shorter: one pass over the
    rows (numpy's three ``reduceat`` took 20 ms at 100k x 20)."""
    n, d = Xo.shape
    for b in range(lo.shape[0]):
        r0 = b * B
        r1 = min(r0 + B, n)
        for f in range(d):
            lo[b, f] = Xo[r0, f]
            hi[b, f] = Xo[r0, f]
            centres[b, f] = 0.0
        for r in range(r0, r1):
            for f in range(d):
                x = Xo[r, f]
                lo[b, f] = min(lo[b, f], x)
                hi[b, f] = max(hi[b, f], x)
                centres[b, f] += x
        for f in range(d):
            centres[b, f] /= r1 - r0
