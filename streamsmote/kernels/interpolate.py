"""The SMOTE interpolation kernel: ``x + gap * (x_nn - x)``.

Parity with imbalanced-learn fixes the arithmetic: the difference is taken in the input dtype
(imbalanced-learn computes ``nn_data[nn_num[rows, cols]] - X[rows]`` on the input array), then
the product and sum in float64 (``steps`` is float64), then one cast to the output dtype. No
``fastmath``: contracting ``x + g * d`` into a fused multiply-add changes the last bit.
"""

import numba

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
