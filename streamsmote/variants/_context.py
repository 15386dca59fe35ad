"""What Borderline-SMOTE and ADASYN share: the labels of each stored row's nearest rows over
the whole data set (the flow's :class:`~streamsmote.sampler.Context`), read as
imbalanced-learn reads ``kneighbors(X_class)[:, 1:]`` of a search fitted on all of ``X``."""

from numbers import Integral

import numpy as np
import pandas as pd


def n_neighbors(value):
    """The neighbours a parameter asks for: an int itself, a neighbours object its
    ``n_neighbors`` minus the row itself (as imbalanced-learn's ``check_neighbors_object``
    adds one to an int)."""
    if isinstance(value, Integral):
        return int(value)
    return int(value.n_neighbors) - 1


def other_class(sampler, c, rows, n, param):
    """Boolean ``(n_c, n)``: whether each of the ``n`` nearest rows of each stored row of
    class ``c`` over the whole data set, after the first (the row itself), is of another
    class.

    Raises
    ------
    ValueError
        When the whole data set has fewer than ``n + 1`` rows (scikit-learn's search refuses
        it in imbalanced-learn too), naming ``param`` and the fix.
    """
    ctx = rows.context
    if ctx.rows.shape[1] < n + 1 or (ctx.rows[:, n] < 0).any():
        total = int(sampler._n_rows)
        raise ValueError(
            f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {n + 1}, "
            f"n_samples_fit = {total}: {param}={getattr(sampler, param)!r} compares each row "
            f"of class {c!r} with its {n} nearest rows over the whole data set, which has "
            f"{total} rows. Lower {param} to at most {max(total - 1, 0)}."
        )
    position = pd.Index(sampler.classes_).get_loc(c)
    return ctx.labels[:, 1 : n + 1] != position


def whole_data_rows(rows, n, select):
    """``(values, global rows)`` of the ``n`` nearest rows over the whole data set (after the
    row itself) of the stored rows ``select``, flattened row after row: the table a graph
    ``arange(len(select) * n).reshape(-1, n)`` points into."""
    ctx = rows.context
    values = ctx.values[select, 1 : n + 1]
    return (
        np.ascontiguousarray(values.reshape(-1, values.shape[-1])),
        np.ascontiguousarray(ctx.rows[select, 1 : n + 1]).ravel(),
    )
