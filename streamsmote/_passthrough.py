"""Passthrough columns on their way through a resampling: ids, timestamps, weights that are
neither features nor target travel with their original rows; a synthetic row gets nulls or
its parent row's values."""

import numpy as np
import pandas as pd


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
        """The passthrough rows of original rows, as written (nullable dtypes when
        synthetic rows get nulls, so that every batch has the same dtypes)."""
        if self.fill == "null":
            extra = nullable(extra)
        if self.template is None:
            self.template = extra.iloc[:0]
        return extra

    def keep(self, c, rows, table):
        """The passthrough rows ``table`` of class ``c``'s stored rows ``rows``."""
        self.tables[c] = (rows, table)

    def synthetic(self, c, parents, start):
        """The passthrough rows of synthetic rows of class ``c`` with parent rows ``parents``
        (global input row numbers), indexed from ``start``."""
        index = pd.RangeIndex(start, start + len(parents))
        if self.fill == "null":
            return self.template.reindex(index)
        rows, table = self.tables[c]
        return table.iloc[np.searchsorted(rows, parents)].set_axis(index)
