"""The SMOTE interpolation kernel: ``x + gap * (x_nn - x)``.

Parity with imbalanced-learn fixes the arithmetic: the difference is taken in the input dtype
(imbalanced-learn computes ``nn_data[nn_num[rows, cols]] - X[rows]`` on the input array), then
the product and sum in float64 (``steps`` is float64), then one cast to the output dtype. No
``fastmath``: contracting ``x + g * d`` into a fused multiply-add changes the last bit.
"""

import numba
import numpy as np

from .._config import SERIAL
from .._threads import run_rows

# Below this many rows a parallel launch costs more than it saves.
PARALLEL_MIN_ROWS = 20_000


def _interpolate_body(X, nn, rows, cols, gaps, out, i):
    r = rows[i]
    j = nn[r, cols[i]]
    g = gaps[i]
    for f in range(X.shape[1]):
        x = X[r, f]
        out[i, f] = x + g * (X[j, f] - x)


_body = numba.njit(inline="always", **SERIAL)(_interpolate_body)


@numba.njit(**SERIAL)
def _interpolate_serial(X, nn, rows, cols, gaps, out):
    for i in range(rows.shape[0]):
        _body(X, nn, rows, cols, gaps, out, i)


def interpolate(X, nn, rows, cols, gaps, out):
    """Fill ``out[i] = X[rows[i]] + gaps[i] * (X[nn[rows[i], cols[i]]] - X[rows[i]])``.

    ``X`` is float32 or float64 (integer data is passed as float64 and rounded by the caller);
    ``out`` has ``len(rows)`` rows and any float dtype. From ``PARALLEL_MIN_ROWS`` rows on,
    threads fill contiguous ranges of ``out``: each owns its rows, so the result does not
    depend on the number of threads.
    """

    def part(lo, hi):
        _interpolate_serial(X, nn, rows[lo:hi], cols[lo:hi], gaps[lo:hi], out[lo:hi])

    run_rows(part, rows.shape[0], min_rows=PARALLEL_MIN_ROWS // 2)
    return out


@numba.njit(**SERIAL)
def _interpolate_pairs_serial(P, parents, T, targets, gaps, scales, out):
    buf = np.empty(1, P.dtype)  # the difference is scaled in the input dtype, as numpy does
    scaled = scales.shape[0] > 0
    for i in range(parents.shape[0]):
        r = parents[i]
        j = targets[i]
        g = gaps[i]
        for f in range(P.shape[1]):
            x = P[r, f]
            buf[0] = T[j, f] - x
            if scaled:
                buf[0] = buf[0] * scales[i]
            out[i, f] = x + g * buf[0]


def interpolate_pairs(P, parents, T, targets, gaps, scales, out):
    """Fill ``out[i] = P[parents[i]] + gaps[i] * d`` with ``d = T[targets[i]] - P[parents[i]]``
    in the input dtype, first multiplied by ``scales[i]`` (and cast back to the input dtype)
    when ``scales`` is not empty: SMOTE's interpolation towards a row of another table
    (Borderline-2's neighbours over the whole data set, which imbalanced-learn scales in place
    by ``uniform(0, 0.5)`` for a neighbour of another class).

    ``P`` and ``T`` share a float dtype; threads own contiguous ranges of ``out``.
    """

    def part(lo, hi):
        s = scales[lo:hi] if scales.shape[0] else scales
        _interpolate_pairs_serial(P, parents[lo:hi], T, targets[lo:hi], gaps[lo:hi], s, out[lo:hi])

    run_rows(part, parents.shape[0], min_rows=PARALLEL_MIN_ROWS // 2)
    return out
