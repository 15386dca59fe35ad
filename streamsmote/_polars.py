"""polars frames in and out.

Inside, streamsmote works on pandas (checks, category codes, the work matrix). A polars chunk is
turned into a pandas one column by column (numbers and booleans zero-copy through numpy, the
other columns through pandas' own conversion), after its nulls are refused: a null would make
a pandas integer column float and a boolean one object, and the error would then speak of a
dtype change instead of the null. What comes out is turned back into polars with the first
chunk's schema (:class:`PolarsFormat`), so that ``Categorical`` and ``Enum`` columns, float32,
small integers and the label's name and dtype come back as they went in.

Nothing here imports polars: a polars object can only exist once its user has imported it, so
``sys.modules`` tells whether an object is one without making ``import streamsmote`` heavier.
"""

import sys

import numpy as np
import pandas as pd

EXTRA = 'pip install "streamsmote[polars]"'

_NULL_FIX = (
    "SMOTE cannot interpolate or vote on missing values: fill them first (e.g. "
    "frame.with_columns(pl.col(name).fill_null(...)), a category of their own such as "
    "'missing' for a categorical column) or drop those rows (frame.drop_nulls())."
)


def import_polars(what):
    """The polars module, or an ImportError saying which extra installs it."""
    try:
        import polars as pl
    except ImportError as exc:
        raise ImportError(f"{what} needs polars: {EXTRA}") from exc
    return pl


def _loaded():
    return sys.modules.get("polars")


def is_frame(obj):
    """True for a polars DataFrame."""
    pl = _loaded()
    return pl is not None and isinstance(obj, pl.DataFrame)


def is_series(obj):
    """True for a polars Series."""
    pl = _loaded()
    return pl is not None and isinstance(obj, pl.Series)


def is_lazy(obj):
    """True for a polars LazyFrame."""
    pl = _loaded()
    return pl is not None and isinstance(obj, pl.LazyFrame)


def is_polars(obj):
    """True for a polars DataFrame, Series or LazyFrame."""
    return is_frame(obj) or is_series(obj) or is_lazy(obj)


# ---------------------------------------------------------------------------------------------
# polars → pandas
# ---------------------------------------------------------------------------------------------


def _first_null(series):
    """Row of the first null of a Series that holds one."""
    return int(series.is_null().arg_max())


def check_no_nulls(X, y, loc, offset):
    """Raise a ValueError naming the first null of a polars chunk: its column and its row.

    ``X`` is a polars DataFrame or None, ``y`` a polars Series or None; ``loc`` says which
    chunk (for the message) and ``offset`` is the stream row of the chunk's first row.
    """
    counts = X.null_count().row(0) if X is not None and X.width else ()
    hits = [
        (_first_null(X.get_column(name)), name)
        for name, count in zip(X.columns if counts else (), counts, strict=True)
        if count
    ]
    if hits:
        row, name = min(hits)
        raise ValueError(
            f"{loc}: feature column {name!r} holds null (a missing value) at row "
            f"{offset + row} of the stream (row {row} of the chunk, rows counted from 0). "
            + _NULL_FIX.replace("pl.col(name)", f"pl.col({name!r})")
        )
    if y is not None and y.null_count():
        row = _first_null(y)
        raise ValueError(
            f"{loc}: the label (y) is missing (null) at row {offset + row} of the stream (row "
            f"{row} of the chunk). Every row needs a class label: drop unlabelled rows first "
            f"(frame.drop_nulls({y.name!r}))."
        )


def _is_plain_numeric(dtype):
    """polars dtypes that numpy holds as they are: integers, floats and booleans."""
    pl = _loaded()
    return dtype.is_integer() or dtype.is_float() or dtype == pl.Boolean


def series_to_pandas(series):
    """A polars Series as a pandas Series of the same name: numbers and booleans without nulls
    through numpy (zero-copy where polars allows), integers and booleans with nulls (the
    passthrough columns of synthetic rows) as pandas' masked ``Int64``/``boolean`` arrays,
    other dtypes (strings, categoricals, enums, dates) through pandas' conversion (strings
    become pandas strings, categoricals and enums pandas categoricals)."""
    if _is_plain_numeric(series.dtype):
        if not series.null_count():
            return pd.Series(series.to_numpy(), name=series.name, copy=False)
        if not series.dtype.is_float():
            # polars' own conversion makes such a column float64, which rounds ids above 2**53
            # and writes 7 as 7.0 in a CSV file
            boolean = not series.dtype.is_integer()
            values = series.fill_null(False if boolean else 0).to_numpy()
            mask = series.is_null().to_numpy()
            array = (pd.arrays.BooleanArray if boolean else pd.arrays.IntegerArray)(values, mask)
            return pd.Series(array, name=series.name, copy=False)
    return series.to_pandas()


def frame_to_pandas(X):
    """A polars DataFrame as a pandas DataFrame with a RangeIndex (see
    :func:`series_to_pandas`)."""
    columns = {name: series_to_pandas(X.get_column(name)) for name in X.columns}
    return pd.DataFrame(columns, index=pd.RangeIndex(X.height), copy=False)


# ---------------------------------------------------------------------------------------------
# pandas → polars
# ---------------------------------------------------------------------------------------------


def series_from_pandas(values, name, dtype):
    """A polars Series named ``name`` of polars dtype ``dtype`` from a pandas Series or an
    ndarray (numbers zero-copy through numpy; categoricals, strings and objects through
    polars' pandas conversion, then cast)."""
    pl = _loaded()
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":
            values = values.to_numpy()
        else:
            series = pl.from_pandas(values).rename(name)
            return series if series.dtype == dtype else series.cast(dtype)
    # a column of a row-major block is strided, which polars copies value by value (20x
    # slower than numpy's copy into a contiguous array first)
    series = pl.Series(name, np.ascontiguousarray(values))
    return series if series.dtype == dtype else series.cast(dtype)


def _transposed(values, rows=2048):
    """``values.T`` as a C-contiguous array (one contiguous row per column of ``values``),
    copied in blocks of ``rows`` rows that stay in cache (a plain transposing copy of a tall
    row-major array jumps through memory and runs about twice as slowly)."""
    if values.flags.f_contiguous:
        return values.T
    out = np.empty(values.shape[::-1], dtype=values.dtype)
    for start in range(0, values.shape[0], rows):
        out[:, start : start + rows] = values[start : start + rows].T
    return out


class PolarsFormat:
    """The polars schema of the first chunk's ``X`` and ``y``, to give outputs back in it.

    Parameters
    ----------
    X : polars.DataFrame, optional
        Features of the first chunk (None when only ``y`` is polars).
    y : polars.Series, optional
        Labels of the first chunk (None when they are not polars: outputs then keep them as
        a polars Series of the dtype polars gives those labels).

    Examples
    --------
    >>> import polars as pl
    >>> X = pl.DataFrame({"a": pl.Series([1.0, 2.0], dtype=pl.Float32),
    ...                   "c": pl.Series(["x", "y"], dtype=pl.Enum(["x", "y"]))})
    >>> fmt = PolarsFormat(X, pl.Series("label", [0, 1]))
    >>> out = fmt.frame(frame_to_pandas(X))
    >>> out.schema == X.schema, out.equals(X)
    (True, True)
    >>> fmt.series(np.array([1, 1])).to_list(), fmt.y_name
    ([1, 1], 'label')
    """

    def __init__(self, X=None, y=None):
        self.schema = X.schema if X is not None else None
        self.y_name = y.name if y is not None else None
        self.y_dtype = y.dtype if y is not None else None

    def check_schema(self, X, loc):
        """Raise a ValueError if a later chunk's columns or polars dtypes differ from the
        first chunk's (an ``Enum`` with other categories counts as another dtype)."""
        if X.schema == self.schema:
            return
        names, first = X.columns, list(self.schema)
        if names != first:
            raise ValueError(
                f"{loc} has columns {names} but the first chunk had {first}. Every chunk must "
                "have the same columns in the same order."
            )
        for name, dtype in X.schema.items():
            if dtype != self.schema[name]:
                raise ValueError(
                    f"{loc}: column {name!r} has polars dtype {dtype} but had "
                    f"{self.schema[name]} in the first chunk. Every chunk must keep the same "
                    f"dtypes: cast it (pl.col({name!r}).cast(...)) in the query."
                )

    def frame(self, df):
        """The pandas DataFrame ``df`` (same column names) as a polars DataFrame of this
        schema."""
        pl = _loaded()
        # Synthetic rows are made row by row: numeric columns of one numpy dtype are turned
        # into contiguous columns by one transposing copy, not a strided gather per column.
        by_dtype = {}
        for name in self.schema:
            dtype = df.dtypes[name]
            if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
                by_dtype.setdefault(dtype, []).append(name)
        columns = {}
        for names in by_dtype.values():
            block = _transposed(df[names].to_numpy())
            columns.update(zip(names, block, strict=True))
        return pl.DataFrame(
            [
                series_from_pandas(columns.get(name, df[name]), name, dtype)
                for name, dtype in self.schema.items()
            ]
        )

    def series(self, values):
        """Labels (pandas Series or ndarray) as a polars Series of the first chunk's name and
        dtype."""
        pl = _loaded()
        if self.y_dtype is None:
            values = values.to_numpy() if isinstance(values, pd.Series) else values
            return pl.Series(self.y_name or "", np.asarray(values))
        return series_from_pandas(values, self.y_name, self.y_dtype)

    def labels(self, y):
        """A chunk's labels as a polars Series: as given when they are one, else built from
        the checked labels (an ndarray or pandas Series)."""
        return y if is_series(y) else self.series(y)


class PolarsChunk(tuple):
    """A checked polars chunk: unpacks as ``(X, y)``, the polars frames as read, and carries
    ``checked``, the pandas ``(X, y)`` the checks made of them, for the sampler to work on
    without converting again, ``polars``, the first chunk's :class:`PolarsFormat`, and
    ``passthrough``, the chunk's passthrough columns (a polars DataFrame, or None)."""

    def __new__(cls, X, y, checked, polars, passthrough=None):
        self = super().__new__(cls, (X, y))
        self.checked = checked
        self.polars = polars
        self.passthrough = passthrough
        return self

    def __getnewargs__(self):
        return (self[0], self[1], self.checked, self.polars, self.passthrough)


def checked_pair(chunk):
    """The pandas ``(X, y)`` of a source's chunk: a polars chunk's checked form, else the
    chunk itself."""
    return getattr(chunk, "checked", chunk)


def take(obj, rows):
    """Rows ``rows`` (positions) of a pandas, polars or numpy container."""
    if isinstance(obj, pd.DataFrame | pd.Series):
        return obj.iloc[rows]
    return obj[rows]
