"""Passthrough columns on their way through a resampling: ids, timestamps, weights that are
neither features nor target travel with their original rows; a synthetic row gets nulls or
its parent row's values.

The columns stay in the source's container from reader to batch: a pandas DataFrame, or a
polars one for a polars source (whose dtypes hold a null as they are, so nothing is widened,
and which never goes through pandas and back, so no polars dtype is lost on the way).
"""

import numpy as np
import pandas as pd

from . import _polars


def rows(frame, positions):
    """Rows ``positions`` (an int array or a slice) of a pandas or polars DataFrame."""
    return _polars.take(frame, positions)


def concat(frames):
    """pandas or polars DataFrames of the same columns, one below the other, with a fresh
    RangeIndex (pandas)."""
    if _polars.is_frame(frames[0]):
        return _polars.import_polars("a polars source").concat(frames, rechunk=False)
    return pd.concat(frames, ignore_index=True)


def nbytes(frame):
    """Bytes a pandas or polars DataFrame holds (strings and objects included)."""
    if _polars.is_frame(frame):
        return int(frame.estimated_size())
    return int(frame.memory_usage(index=False, deep=True).sum())


def nullable(frame):
    """``frame`` with its integer and boolean columns in pandas' nullable dtypes (``Int64``,
    ``UInt8``, ``boolean``, ...), the columns that cannot hold a null otherwise; floats (NaN),
    datetimes (NaT), strings and objects (None) hold one already."""
    out = {}
    for name, col in frame.items():
        kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else None
        if kind in ("i", "u"):
            col = col.astype(("Int" if kind == "i" else "UInt") + str(8 * col.dtype.itemsize))
        elif kind == "b":
            col = col.astype("boolean")
        out[name] = col
    return pd.DataFrame(out, index=frame.index)


class Passthrough:
    """The passthrough columns of one fit: their dtypes, the fill of synthetic rows and, for
    ``fill="parent"``, the values of the stored rows of each class that gets synthetic rows.

    Parameters
    ----------
    fill : {"null", "parent"}

    Examples
    --------
    >>> pt = Passthrough("null")
    >>> pt.originals(pd.DataFrame({"id": [7, 8]})).dtypes["id"]
    Int64Dtype()
    >>> pt.synthetic(1, np.array([0]), start=2)["id"].tolist()
    [<NA>]
    """

    def __init__(self, fill):
        self.fill = fill
        self.template = None
        self.tables = {}  # class -> (global row numbers, sorted; their passthrough rows)

    def originals(self, extra):
        """The passthrough rows of original rows, as written (pandas: nullable dtypes when
        synthetic rows get nulls, so that every batch has the same dtypes; polars columns
        hold nulls as they are)."""
        if self.fill == "null" and not _polars.is_frame(extra):
            extra = nullable(extra)
        if self.template is None:
            self.template = rows(extra, slice(0, 0))
        return extra

    def keep(self, c, kept, table):
        """The passthrough rows ``table`` of class ``c``'s stored rows ``kept`` (global row
        numbers)."""
        self.tables[c] = (kept, table)

    def synthetic(self, c, parents, start):
        """The passthrough rows of synthetic rows of class ``c`` with parent rows ``parents``
        (global input row numbers), indexed from ``start`` (pandas)."""
        if _polars.is_frame(self.template):
            if self.fill == "null":
                return self.template.clear(len(parents))
            kept, table = self.tables[c]
            return table[np.searchsorted(kept, parents)]
        index = pd.RangeIndex(start, start + len(parents))
        if self.fill == "null":
            return self.template.reindex(index)
        kept, table = self.tables[c]
        return table.iloc[np.searchsorted(kept, parents)].set_axis(index)
