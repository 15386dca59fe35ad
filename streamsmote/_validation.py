"""Input and parameter checks whose error messages say what to do.

Sections
--------
* Chunk checks: what every ``(X, y)`` chunk read from a source must satisfy
  (:class:`ChunkChecker`, :func:`check_chunksize`, :func:`check_target_column`).

Parameter checks are declared as constraints (:mod:`streamsmote._constraints`).
"""

from numbers import Integral, Number, Real

import numpy as np
import pandas as pd

from . import _polars

# =============================================================================================
# Chunk checks (used by streamsmote.sources)
# =============================================================================================

# numpy dtype kinds accepted as features: bool, signed int, unsigned int, float.
_NUMERIC_KINDS = "biuf"

_CATEGORICAL_ADVICE = (
    "for categorical columns use streamsmote.SMOTENC(categorical_features=...) (CLI: "
    "--method smotenc --categorical auto), or SMOTEN when every column is categorical; "
    "otherwise encode or drop them."
)


def _is_positive_int(value):
    """An int (not a bool) of at least 1."""
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 1


def check_chunksize(value, name="chunksize"):
    """Return ``value`` as an int if it is a positive integer, else raise.

    Parameters
    ----------
    value : int
        Number of rows per chunk.
    name : str, default="chunksize"
        Parameter name used in the error message.

    Returns
    -------
    int
        ``value`` as a Python int.

    Raises
    ------
    ValueError
        If ``value`` is not an integer >= 1.

    Examples
    --------
    >>> check_chunksize(1000)
    1000
    >>> check_chunksize(0)
    Traceback (most recent call last):
    ...
    ValueError: chunksize must be a positive integer (rows per chunk); got 0. ...
    """
    if not _is_positive_int(value):
        raise ValueError(
            f"{name} must be a positive integer (rows per chunk); got {value!r}. "
            f"Pass e.g. {name}=100_000."
        )
    return int(value)


def check_target_column(columns, target, where="the data"):
    """Raise a ValueError listing the available columns if ``target`` is not among them.

    Parameters
    ----------
    columns : sequence of str
        Column names present in the data.
    target : str
        Name of the target (label) column.
    where : str, default="the data"
        Description of the data for the error message (e.g. a file name).

    Returns
    -------
    None

    Raises
    ------
    ValueError
        If ``target`` is None or not in ``columns``.

    Examples
    --------
    >>> check_target_column(["a", "label"], "label")
    >>> check_target_column(["a", "b"], "label", where="'x.csv'")
    Traceback (most recent call last):
    ...
    ValueError: target column 'label' not found in 'x.csv'; available columns: ['a', 'b']. ...
    """
    columns = list(columns)
    if target is None:
        raise ValueError(
            f"no target column given for {where}; pass target=<name of the label column>. "
            f"Available columns: {_short_list(columns)}."
        )
    if target not in columns:
        raise ValueError(
            f"target column {target!r} not found in {where}; available columns: "
            f"{_short_list(columns)}. Pass target= one of these names.{_sep_hint(columns)}"
        )


# Separators that make a whole header one cell when a file is read as comma-separated.
_OTHER_SEPARATORS = (";", "\t", "|")


def _sep_hint(columns):
    """Advice when a header read as one column looks separated by another character."""
    if len(columns) != 1 or not isinstance(columns[0], str):
        return ""
    for sep in _OTHER_SEPARATORS:
        if sep in columns[0]:
            return (
                f" The header is one column holding {sep!r}: the file looks {sep!r}-separated; "
                f"pass sep={sep!r}."
            )
    return ""


def check_unique_columns(columns, where="the data"):
    """Raise a ValueError naming the column names that occur more than once.

    Readers rename duplicates (pandas reads a second ``label`` as ``label.1``), which would
    silently train on the wrong column and change the output's schema; they are refused.

    Parameters
    ----------
    columns : sequence
        Column names as stored in the data (a CSV's raw header row, a Parquet schema).
    where : str, default="the data"
        Description of the data for the error message (e.g. a file name).

    Returns
    -------
    None

    Raises
    ------
    ValueError
        If a name occurs more than once.

    Examples
    --------
    >>> check_unique_columns(["a", "label"])
    >>> check_unique_columns(["a", "label", "label"], where="'x.csv'")
    Traceback (most recent call last):
    ...
    ValueError: 'x.csv' has duplicate column names ['label']: ...
    """
    seen, duplicates = set(), []
    for name in columns:
        if name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    if duplicates:
        raise ValueError(
            f"{where} has duplicate column names {_short_list(duplicates)}: every column needs "
            "its own name (the target and every feature), or the wrong column would be read. "
            "Rename the duplicates."
        )


def _short_list(items, limit=50):
    items = list(items)
    if len(items) <= limit:
        return repr(items)
    return repr(items[:limit])[:-1] + f", ... ({len(items) - limit} more)]"


def _is_numeric_dtype(dtype):
    """True for bool, integer and (real) float dtypes, numpy or pandas nullable."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in _NUMERIC_KINDS
    # pandas extension dtypes: Int64, Float64, boolean, ...
    if pd.api.types.is_bool_dtype(dtype):
        return True
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)


def _first_nonfinite_row(values):
    """Index of the first row of a 1-D or 2-D float array holding NaN/inf (and its column), or
    None. A cheap sum detects the common clean case without a boolean mask of the chunk."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(values.sum()):
            return None
    bad = ~np.isfinite(values)
    if values.ndim == 1:
        rows = np.flatnonzero(bad)
        return None if rows.size == 0 else (int(rows[0]), 0)
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size == 0:  # the sum overflowed but every value is finite
        return None
    r = int(rows[0])
    return r, int(np.argmax(bad[r]))


def _is_sparse(X):
    return type(X).__module__.startswith("scipy.sparse")


def _dtypes(X):
    """``(column, dtype)`` pairs of a DataFrame, or one pair for an ndarray."""
    return list(X.dtypes.items()) if isinstance(X, pd.DataFrame) else [(None, X.dtype)]


def _is_object(dtype):
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _holds_numbers(column):
    """True if an object column converts to float64 (numbers, None)."""
    try:
        column.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


def _object_as_float(X, loc):
    """An object ndarray of numbers as float64, as scikit-learn's ``check_array`` (and so
    imbalanced-learn) converts it; anything else is refused with numpy's reason."""
    try:
        return X.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"{loc}: X has dtype object and holds values that are not numbers ({exc}). SMOTE "
            "interpolates numbers: encode categories first (e.g. one-hot or ordinal codes)."
        ) from None


class ChunkChecker:
    """Validate a stream of ``(X, y)`` chunks against the first non-empty one.

    One checker is created per pass over a source. :meth:`check` validates and normalises a
    chunk and returns it (or ``None`` for an empty chunk, which callers skip). It tracks the
    chunk index and the global row offset so that errors point at the offending row.

    Checks: X is 2-D (ndarray or DataFrame), y is 1-D with ``len(y) == len(X)``; every chunk
    has the container kind, width, column names and dtypes of the first; features are bool,
    integer or float (other columns are named in the error; complex ones are "Complex data not
    supported"), or of object dtype holding numbers (an object ndarray becomes float64, as
    scikit-learn's ``check_array`` converts it; a DataFrame's object column keeps its dtype in
    the output, as imbalanced-learn restores it), unless the sampler declares them
    categorical; numeric features hold no NaN or infinity; labels hold no missing values and
    are all of one kind (numbers, strings, ...), as the first chunk's are, so that they can be
    compared and sorted.

    Parameters
    ----------
    where : str, default="the source"
        Description of the source, used in error messages.
    dtype_hint : str, optional
        Extra advice appended to dtype-change errors (e.g. how to pin CSV dtypes), formatted
        with ``column`` (the column's name) and ``dtype`` (a dtype that holds both chunks).
    categorical : callable, optional
        ``categorical(X)`` of the first chunk gives the boolean mask of its categorical
        columns (a variant's column roles, see :meth:`streamsmote.sampler.BaseSMOTE._columns`):
        these may hold any hashable values but no missing ones, and their pandas categories
        may grow from chunk to chunk; the other columns must be numeric and finite.
    categorical_advice : str, optional
        What to do about non-numeric columns (by default: use SMOTENC or SMOTEN).

    Attributes
    ----------
    chunk_index : int
        Index (0-based) of the next chunk to be checked; empty chunks are counted too.
    offset : int
        Global row offset (0-based) of the next chunk's first row.
    kind : {"pandas", "numpy"} or None
        Container kind of the first non-empty chunk (None before it).
    n_features : int or None
        Number of feature columns of the first non-empty chunk.
    columns : list or None
        Feature column names (DataFrames only).
    dtypes : list or None
        Feature dtypes of the first non-empty chunk (one per column).
    polars : streamsmote._polars.PolarsFormat or None
        The polars schema of the first chunk when its X is a polars DataFrame (polars chunks
        are checked, then returned as pandas).

    Examples
    --------
    >>> import numpy as np
    >>> checker = ChunkChecker()
    >>> X, y = checker.check(np.zeros((3, 2)), np.array([0, 1, 0]))
    >>> checker.offset, checker.chunk_index, checker.kind
    (3, 1, 'numpy')
    >>> checker.check(np.zeros((2, 3)), np.array([0, 1]))
    Traceback (most recent call last):
    ...
    ValueError: chunk 1 of the source has 3 feature columns but the first chunk had 2. ...
    """

    def __init__(
        self, where="the source", dtype_hint=None, categorical=None, categorical_advice=None
    ):
        self.where = where
        self.categorical_advice = categorical_advice or _CATEGORICAL_ADVICE
        self.dtype_hint = dtype_hint
        self.categorical = categorical
        self.cat_mask = None
        self.chunk_index = 0
        self.offset = 0
        self.kind = None
        self.n_features = None
        self.columns = None
        self.dtypes = None
        self.label_kind = None
        self.polars = None

    # -- public ------------------------------------------------------------------------------

    def check(self, X, y, where=None):
        """Validate one chunk; return the normalised ``(X, y)`` or ``None`` if it is empty.

        Normalisation: polars frames and series become pandas ones; array-likes become
        ndarrays; with a DataFrame X, a non-Series y becomes a Series on X's index; with an
        ndarray X, a Series y becomes an ndarray.

        Parameters
        ----------
        X : ndarray or DataFrame (pandas or polars)
            Features of the chunk.
        y : ndarray or Series (pandas or polars)
            Labels of the chunk.
        where : str, optional
            Extra location for error messages (e.g. the part file the chunk came from).

        Returns
        -------
        tuple (X, y) or None
            None when the chunk has 0 rows.

        Raises
        ------
        ValueError
            If the chunk breaks one of the checks listed in the class docstring.
        TypeError
            If X is a sparse matrix.
        """
        loc = f"chunk {self.chunk_index} of {self.where}" + (f" ({where})" if where else "")
        try:
            X, y = self._from_polars(X, y, loc)
            X, y = self._normalise(X, y, loc)
            n = X.shape[0]
            if n == 0:
                return None
            if self.kind is None:
                self._check_not_complex(X, loc)
                self._categorical_mask(X)
                self._check_numeric(X, loc)
                self._remember(X)
            else:
                self._check_same_layout(X, loc)
            self._check_finite(X, loc)
            self._check_categories(X, loc)
            self._check_labels(y, loc)
            self._check_label_kind(y, loc)
        finally:
            self.chunk_index += 1
        self.offset += n
        return X, y

    # -- steps -------------------------------------------------------------------------------

    def _from_polars(self, X, y, loc):
        """A polars chunk as pandas, after the checks that only polars can make: the same
        container and polars schema as the first chunk, and no nulls (see
        :mod:`streamsmote._polars`). The first polars chunk sets :attr:`polars`."""
        frame = _polars.is_frame(X)
        if self.kind is not None and frame != (self.polars is not None):
            first = "a polars DataFrame" if self.polars is not None else "not polars"
            this = "a polars DataFrame" if frame else f"a {type(X).__name__}"
            raise ValueError(
                f"{loc}: X is {this} but the first chunk's X was {first}. Yield the same "
                "container type in every chunk."
            )
        if _polars.is_series(X) or _polars.is_lazy(X):
            raise ValueError(
                f"{loc}: X is a polars {type(X).__name__}; X must be a polars DataFrame (use "
                "series.to_frame() for a single feature; stream a LazyFrame with "
                "streamsmote.from_polars(lazy, target=...) or collect it)."
            )
        y_series = _polars.is_series(y)
        if not frame:
            if y_series:
                _polars.check_no_nulls(None, y, loc, self.offset)
                y = _polars.series_to_pandas(y)
            return X, y
        _polars.check_no_nulls(X, y if y_series else None, loc, self.offset)
        if self.polars is None:
            if X.height:
                self.polars = _polars.PolarsFormat(X, y if y_series else None)
        else:
            self.polars.check_schema(X, loc)
        X = _polars.frame_to_pandas(X)
        if y_series:
            y = _polars.series_to_pandas(y)
        return X, y

    def _normalise(self, X, y, loc):
        if _is_sparse(X):
            raise TypeError(
                f"{loc}: X is a scipy.sparse matrix; streamsmote needs dense features. "
                "Convert each chunk with X.toarray()."
            )
        if isinstance(X, pd.Series):
            raise ValueError(
                f"{loc}: X is a pandas Series (1-D); X must be 2-D. "
                "Use X.to_frame() for a single feature."
            )
        if not isinstance(X, pd.DataFrame):
            X = np.asarray(X)
            if X.ndim != 2:
                raise ValueError(
                    f"{loc}: X must be 2-D (rows x features); got an array with shape "
                    f"{X.shape}. Use X.reshape(-1, 1) for a single feature."
                )
            if _is_object(X.dtype) and self._categorical_mask(X) is None:
                X = _object_as_float(X, loc)
        if isinstance(y, pd.DataFrame):
            if y.shape[1] != 1:
                raise ValueError(
                    f"{loc}: y must be 1-D; got a DataFrame with {y.shape[1]} columns. "
                    "Pass the label column as a Series."
                )
            y = y.iloc[:, 0]
        if not isinstance(y, pd.Series):
            y = self._as_1d(y, loc)
        if len(y) != X.shape[0]:
            raise ValueError(
                f"{loc}: X has {X.shape[0]} rows but y has {len(y)}; every chunk needs one "
                "label per row. Check how the chunks are built."
            )
        if isinstance(X, pd.DataFrame):
            if not isinstance(y, pd.Series):
                y = pd.Series(y, index=X.index)
        elif isinstance(y, pd.Series):
            y = y.to_numpy()
        return X, y

    @staticmethod
    def _as_1d(y, loc):
        y = np.asarray(y)
        if y.ndim == 2 and 1 in y.shape and y.size > 0:
            raise ValueError(f"{loc}: y must be 1-D; got shape {y.shape}. Use y.ravel().")
        if y.ndim != 1:
            raise ValueError(f"{loc}: y must be 1-D (one label per row); got shape {y.shape}.")
        return y

    def _check_not_complex(self, X, loc):
        complex_ = [c for c, dt in _dtypes(X) if pd.api.types.is_complex_dtype(dt)]
        if complex_:
            where = (
                f"columns {_short_list(complex_)} hold"
                if isinstance(X, pd.DataFrame)
                else "X holds"
            )
            raise ValueError(
                f"{loc}: Complex data not supported: {where} complex numbers. SMOTE "
                "interpolates real numbers: pass the real and imaginary parts as two columns."
            )

    def _check_numeric(self, X, loc):
        if isinstance(X, pd.DataFrame):
            bad = [
                c
                for j, (c, dt) in enumerate(X.dtypes.items())
                if not _is_numeric_dtype(dt)
                and not self._is_categorical(j)
                and not (_is_object(dt) and _holds_numbers(X[c]))
            ]
            if bad:
                kinds = {str(c): str(X.dtypes[c]) for c in bad}
                raise ValueError(
                    f"{loc}: non-numeric feature columns {_short_list(bad)} (dtypes {kinds}). "
                    f"SMOTE interpolates numbers: {self.categorical_advice} bool, int and "
                    "float columns are accepted."
                )
        elif self.cat_mask is not None:
            return  # an ndarray with categorical columns: numbers or objects
        elif X.dtype.kind not in _NUMERIC_KINDS:
            raise ValueError(
                f"{loc}: X has dtype {X.dtype}, which is not numeric. SMOTE interpolates "
                "numbers: convert X to float (X.astype(float)) after encoding any categories; "
                "bool, int and float arrays are accepted."
            )

    def _remember(self, X):
        if isinstance(X, pd.DataFrame):
            if X.columns.has_duplicates:
                names = list(X.columns[X.columns.duplicated()].unique())
                raise ValueError(
                    f"chunk {self.chunk_index} of {self.where}: duplicate feature column names "
                    f"{_short_list(names)}. Rename the columns so each is unique."
                )
            self.kind = "pandas"
            self.columns = list(X.columns)
            self.dtypes = list(X.dtypes)
        else:
            self.kind = "numpy"
            self.dtypes = [X.dtype]
        self.n_features = X.shape[1]

    def _check_same_layout(self, X, loc):
        kind = "pandas" if isinstance(X, pd.DataFrame) else "numpy"
        if kind != self.kind:
            first = "a DataFrame" if self.kind == "pandas" else "an ndarray"
            this = "a DataFrame" if kind == "pandas" else "an ndarray"
            raise ValueError(
                f"{loc}: X is {this} but the first chunk's X was {first}. Yield the same "
                "container type in every chunk."
            )
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"{loc} has {X.shape[1]} feature columns but the first chunk had "
                f"{self.n_features}. Every chunk must have the same columns; check the file "
                "for ragged rows or a changed schema."
            )
        if kind == "pandas":
            cols = list(X.columns)
            if cols != self.columns:
                diff = [
                    (i, a, b)
                    for i, (a, b) in enumerate(zip(self.columns, cols, strict=True))
                    if a != b
                ]
                i, a, b = diff[0]
                raise ValueError(
                    f"{loc}: column {i} is named {b!r} but was {a!r} in the first chunk. "
                    "Every chunk must have the same column names in the same order."
                )
            for c, dt0, dt in zip(cols, self.dtypes, X.dtypes, strict=True):
                both_categories = isinstance(dt, pd.CategoricalDtype) and isinstance(
                    dt0, pd.CategoricalDtype
                )  # levels may grow from chunk to chunk
                if dt != dt0 and not both_categories:
                    raise ValueError(
                        f"{loc}: column {c!r} has dtype {dt} but had {dt0} in the first chunk. "
                        f"Every chunk must keep the same dtypes.{self._hint(c, dt0, dt)}"
                    )
        elif X.dtype != self.dtypes[0]:
            raise ValueError(
                f"{loc}: X has dtype {X.dtype} but the first chunk had {self.dtypes[0]}. "
                "Every chunk must keep the same dtype; cast the chunks (X.astype(...))."
            )

    def _categorical_mask(self, X):
        """The categorical columns, decided once from the first chunk (None: there are
        none)."""
        if self.categorical is not None:
            mask = self.categorical(X)
            self.cat_mask = None if mask is None or not np.any(mask) else np.asarray(mask)
            self.categorical = None
        return self.cat_mask

    def _is_categorical(self, j):
        return self.cat_mask is not None and bool(self.cat_mask[j])

    def _check_categories(self, X, loc):
        """Categorical columns: any hashable value, none missing, no infinity."""
        if self.cat_mask is None:
            return
        for j in np.flatnonzero(self.cat_mask):
            col = X.iloc[:, j] if isinstance(X, pd.DataFrame) else X[:, j]
            bad = pd.isna(col)
            if pd.api.types.is_float_dtype(col.dtype):
                bad |= np.isinf(np.asarray(col, dtype=float))
            rows = np.flatnonzero(bad)
            if rows.size:
                r = int(rows[0])
                value = col.iloc[r] if isinstance(col, pd.Series) else col[r]
                what = "NaN (a missing value)" if pd.isna(value) else f"{value} (infinite)"
                name = repr(X.columns[j]) if isinstance(X, pd.DataFrame) else f"index {j}"
                raise ValueError(
                    f"{loc}: categorical column {name} holds {what} at row "
                    f"{self.offset + r} of the stream (row {r} of the chunk, rows counted "
                    "from 0). Give missing values a category of their own first (e.g. "
                    "df[col].fillna('missing')) or drop those rows."
                )

    def _hint(self, column, *dtypes):
        """The source's advice for a column whose dtype changed, with a dtype holding both."""
        if not self.dtype_hint:
            return ""
        try:
            common = np.result_type(*dtypes)
        except TypeError:  # an extension dtype
            common = None
        name = common.name if common is not None and common.kind in "iuf" else "float64"
        return " " + self.dtype_hint.format(column=column, dtype=name)

    def _check_finite(self, X, loc):
        if self.cat_mask is not None:
            if isinstance(X, pd.DataFrame):
                X = X.iloc[:, np.flatnonzero(~self.cat_mask)]
            else:
                X = X[:, np.flatnonzero(~self.cat_mask)].astype(np.float64)
        if isinstance(X, pd.DataFrame):
            first = None  # (row, column position)
            for j, dt in enumerate(X.dtypes):
                if isinstance(dt, np.dtype):
                    if dt.kind not in "fO":
                        continue  # bool / int cannot hold NaN
                    values = X.iloc[:, j].to_numpy(dtype=np.float64 if _is_object(dt) else None)
                else:  # nullable extension dtype: missing values become NaN
                    values = X.iloc[:, j].to_numpy(dtype="float64", na_value=np.nan)
                hit = _first_nonfinite_row(values)
                if hit is not None and (first is None or hit[0] < first[0]):
                    first = (hit[0], j)
                    if hit[0] == 0:
                        break
            if first is not None:
                r, j = first
                self._raise_nonfinite(X.iloc[r, j], repr(X.columns[j]), r, loc)
        elif X.dtype.kind == "f":
            hit = _first_nonfinite_row(X)
            if hit is not None:
                r, j = hit
                self._raise_nonfinite(X[r, j], f"index {j}", r, loc)

    def _raise_nonfinite(self, value, column, row, loc):
        what = "NaN (missing value)" if pd.isna(value) else f"{value} (infinite)"
        raise ValueError(
            f"{loc}: feature column {column} holds {what} at row {self.offset + row} of the "
            f"stream (row {row} of the chunk, rows counted from 0). SMOTE cannot interpolate "
            "missing or infinite values: impute or drop them first (e.g. df.fillna(...) or "
            "df.dropna(), or an imputer in the pipeline)."
        )

    def _check_labels(self, y, loc):
        if isinstance(y, pd.Series):
            if not y.hasnans:
                return
            missing = y.isna().to_numpy()
        elif y.dtype.kind == "f":
            missing = np.isnan(y)
        elif y.dtype.kind == "O":
            missing = pd.isna(y)
        else:
            return
        rows = np.flatnonzero(missing)
        if rows.size:
            r = int(rows[0])
            raise ValueError(
                f"{loc}: the label (y) is missing at row {self.offset + r} of the stream (row "
                f"{r} of the chunk). Every row needs a class label: drop unlabelled rows first."
            )

    def _check_label_kind(self, y, loc):
        """Labels of one kind in every chunk: ints then strings cannot be sorted together."""
        values = y.cat.categories if isinstance(y.dtype, pd.CategoricalDtype) else y
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        kind = _INFERRED_LABEL_KINDS.get(inferred, inferred)
        if kind == "mixed":
            kinds = [_label_kind(v) for v in np.asarray(y)]
            kind = kinds[0] if len(set(kinds)) == 1 else "mixed"
        if kind == self.label_kind or kind == "empty":
            return
        first = self.label_kind
        if first is None and kind != "mixed":
            self.label_kind = kind
            return
        values = np.asarray(y)
        reference = first if first is not None else _label_kind(values[0])
        r = next(i for i, v in enumerate(values) if _label_kind(v) != reference)
        before = "the first chunk's labels are" if first else "the labels before it are"
        name = y.name if isinstance(y, pd.Series) else None
        if self.dtype_hint and name is not None:
            fix = self.dtype_hint.format(column=name, dtype="str")
        else:
            fix = "Convert them to one type first, e.g. y.astype(str)."
        raise ValueError(
            f"{loc}: the label (y) at row {self.offset + r} of the stream (row {r} of the "
            f"chunk) is {values[r]!r}, a {_label_kind(values[r])}, but {before} "
            f"{_plural(reference)}. Class labels must all be of one type to be compared and "
            f"sorted. {fix}"
        )


# pandas.api.types.infer_dtype → the kind of label it holds ("mixed": look at each value).
_INFERRED_LABEL_KINDS = {
    "integer": "number",
    "floating": "number",
    "mixed-integer-float": "number",
    "decimal": "number",
    "boolean": "number",
    "string": "string",
    "mixed-integer": "mixed",
    "mixed": "mixed",
}


def _label_kind(value):
    """``"number"``, ``"string"`` or the type name of one label value."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, Number | np.bool_):
        return "number"
    return type(value).__name__


def _plural(kind):
    return {"number": "numbers", "string": "strings"}.get(kind, f"of type {kind}")


def check_sample_weight(sample_weight, n_samples):
    """Sample weights as scikit-learn checks them: a number (the same weight for every row)
    or a 1-D array of ``n_samples`` finite numbers, not all zero; returned as a float ndarray
    (float32 and float64 kept, anything else as float64).

    Examples
    --------
    >>> check_sample_weight(2, 3).tolist()
    [2.0, 2.0, 2.0]
    >>> check_sample_weight([1, 0.5], 3)
    Traceback (most recent call last):
    ...
    ValueError: sample_weight has 2 entries but X has 3 rows; pass one weight per row.
    """
    if isinstance(sample_weight, Real) and not isinstance(sample_weight, bool):
        w = np.full(n_samples, float(sample_weight))
    else:
        try:
            w = np.asarray(sample_weight)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"sample_weight must be a number or a 1-D array of numbers; got "
                f"{type(sample_weight).__name__}."
            ) from exc
        if w.dtype.kind not in "biuf":
            raise TypeError(
                f"sample_weight must hold numbers; got dtype {w.dtype}. Convert it with "
                "np.asarray(sample_weight, dtype=float)."
            )
        if w.ndim != 1:
            raise ValueError(
                f"sample_weight must be 1-D (one weight per row); got shape {w.shape}."
            )
        if w.shape[0] != n_samples:
            raise ValueError(
                f"sample_weight has {w.shape[0]} entries but X has {n_samples} rows; pass one "
                "weight per row."
            )
        dtype = w.dtype if w.dtype in (np.float32, np.float64) else np.float64
        w = np.array(w, dtype=dtype)  # a copy: the caller's array is never aliased
    if not np.isfinite(w).all():
        bad = int(np.flatnonzero(~np.isfinite(w))[0])
        raise ValueError(
            f"sample_weight holds NaN or infinity (first at row {bad}); pass finite weights."
        )
    if n_samples and not w.any():
        raise ValueError(
            "sample_weight is zero for every row, which leaves nothing to learn from; pass "
            "positive weights."
        )
    return w
