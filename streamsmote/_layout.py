"""What the input looked like, so that outputs keep its container, column names and dtypes.

Arithmetic happens on one "work" matrix: float32 when every feature is float32 (so that float32
input interpolates exactly like imbalanced-learn), float64 otherwise. Integer and boolean
columns are rounded to the nearest value (half to even) when synthetic rows are cast back;
imbalanced-learn truncates toward zero instead, which biases every synthetic integer towards 0.
"""

import numpy as np
import pandas as pd

from . import _polars
from ._categories import CategoryCoder


class Layout:
    """Container, columns and dtypes of a data set's ``(X, y)``, learned from its first chunk.

    Parameters
    ----------
    X, y : the first chunk
    categorical : bool ndarray of shape (n_features,), optional
        Columns whose values are categories (SMOTENC, SMOTEN): they are kept as int32 codes
        (:meth:`codes`) that grow chunk by chunk, outside the numeric work matrix
        (:meth:`values`), and decoded back to the column's values and dtype by :meth:`make_X`.
    polars : streamsmote._polars.PolarsFormat, optional
        The polars schema of a source of polars chunks: ``X`` and ``y`` are then their checked
        pandas form, and :meth:`make_X`, :meth:`make_y` and :func:`concat` give polars.
    """

    def __init__(self, X, y, categorical=None, polars=None):
        self.polars = polars
        self.kind = "pandas" if isinstance(X, pd.DataFrame) else "numpy"
        if self.kind == "pandas":
            self.columns = X.columns
            self.dtypes = list(X.dtypes)
        else:
            self.columns = None
            self.dtypes = [X.dtype] * X.shape[1]
        self.n_features = X.shape[1]
        self.y_name = y.name if isinstance(y, pd.Series) else None
        self.y_dtype = y.dtype
        mask = np.zeros(self.n_features, bool) if categorical is None else np.asarray(categorical)
        self.numeric = np.flatnonzero(~mask)
        self.categorical = np.flatnonzero(mask)
        self.coders = [CategoryCoder(self.dtypes[j]) for j in self.categorical]
        num_dtypes = [np.dtype(_numpy_dtype(self.dtypes[j])) for j in self.numeric]
        self.rounded = np.array([dt.kind in "biu" for dt in num_dtypes], dtype=bool)
        all32 = bool(num_dtypes) and all(dt == np.float32 for dt in num_dtypes)
        self.work_dtype = np.dtype(np.float32 if all32 else np.float64)

    @property
    def n_numeric(self):
        return self.numeric.size

    def values(self, X):
        """The numeric columns of ``X`` as a C-contiguous work matrix."""
        if self.categorical.size:
            X = X.iloc[:, self.numeric] if self.kind == "pandas" else X[:, self.numeric]
        if self.kind == "pandas":
            return np.ascontiguousarray(X.to_numpy(dtype=self.work_dtype))
        return np.ascontiguousarray(X, dtype=self.work_dtype)

    def codes(self, X):
        """The categorical columns of ``X`` as int32 codes, ``(rows, n_categorical)``."""
        out = np.empty((X.shape[0], self.categorical.size), dtype=np.int32)
        for i, (j, coder) in enumerate(zip(self.categorical, self.coders, strict=True)):
            try:
                out[:, i] = coder.encode(X.iloc[:, j] if self.kind == "pandas" else X[:, j])
            except TypeError as exc:  # lists, dicts, arrays as values
                name = repr(self.columns[j]) if self.kind == "pandas" else f"index {j}"
                raise TypeError(
                    f"categorical column {name} holds an unhashable value ({exc}): a category "
                    "argument must be a string or a number (any hashable value); convert such "
                    "values to strings first."
                ) from None
        return out

    def ranks(self):
        """Per categorical column, the sorted position of each code (see
        :meth:`streamsmote._categories.CategoryCoder.rank`)."""
        return [coder.rank() for coder in self.coders]

    def labels(self, y):
        """``y`` as an ndarray."""
        return y.to_numpy() if isinstance(y, pd.Series) else np.asarray(y)

    def make_X(self, values, start=0, codes=None):
        """Synthetic rows (numeric work matrix and, with categorical columns, their codes) in
        the input's container; pandas rows are indexed ``start, start + 1, ...``."""
        if self.rounded.any():
            values = values.copy()
            values[:, self.rounded] = np.rint(values[:, self.rounded])
        n = codes.shape[0] if self.categorical.size else values.shape[0]
        if self.categorical.size:
            decoded = [c.decode(codes[:, i]) for i, c in enumerate(self.coders)]
        if self.kind == "numpy":
            if not self.categorical.size:
                return values.astype(self.dtypes[0], copy=False) if self.n_features else values
            out = np.empty((n, self.n_features), dtype=self.dtypes[0])
            out[:, self.numeric] = values
            for j, col in zip(self.categorical, decoded, strict=True):
                out[:, j] = col
            return out
        index = pd.RangeIndex(start, start + n)
        if not self.categorical.size:
            df = pd.DataFrame(values, columns=self.columns, index=index, copy=False)
        else:
            cols = dict(zip(self.numeric, values.T, strict=True))
            cols.update(zip(self.categorical, decoded, strict=True))
            df = pd.DataFrame({j: cols[j] for j in range(self.n_features)}, index=index)
            df.columns = self.columns
        pairs = zip(self.columns, self.dtypes, strict=True)
        cast = {c: dt for c, dt in pairs if df[c].dtype != dt}
        df = df.astype(cast) if cast else df
        return df if self.polars is None else self.polars.frame(df)

    def make_y(self, label, n, start=0):
        """``n`` copies of ``label`` in the input's container and dtype."""
        if self.polars is not None:
            return self.polars.series(np.full(n, label))
        if self.kind == "numpy":
            return np.full(n, label, dtype=self.y_dtype)
        index = pd.RangeIndex(start, start + n)
        return pd.Series(np.full(n, label), index=index, name=self.y_name).astype(self.y_dtype)


def _numpy_dtype(dt):
    """The numpy dtype behind a pandas extension dtype (nullable Int64 → int64, Sparse[float64]
    → float64)."""
    if isinstance(dt, pd.SparseDtype):
        return dt.subtype
    return getattr(dt, "numpy_dtype", dt)


def concat(layout, parts_X, parts_y):
    """Concatenate row blocks of one container kind."""
    if layout.polars is not None:
        import polars as pl

        return pl.concat(parts_X), pl.concat(parts_y)
    if layout.kind == "numpy":
        return np.concatenate(parts_X), np.concatenate(parts_y)
    return pd.concat(parts_X), pd.concat(parts_y)


class CallerFormat:
    """How the caller of ``fit_resample`` passed ``X`` and ``y``, so that each comes back in
    its own container, as imbalanced-learn's ``ArraysTransformer`` restores them: ``y`` keeps
    its container whatever ``X`` is (a Series ``y`` beside an ndarray ``X`` comes back a Series
    with its name and dtype, categorical included; an ndarray ``y`` beside a DataFrame ``X`` an
    ndarray). On top of ndarrays, DataFrames and Series: Python lists (returned as lists), a
    one-column DataFrame ``y`` (returned as a DataFrame), a ``(n, 1)`` column ``y`` (raveled)
    and a one-hot ``(n, n_classes)`` ``y`` (resampled as the column index of its 1, returned
    one-hot). A Series ``y`` beside a DataFrame ``X`` takes ``X``'s new index. A polars
    DataFrame ``X`` comes back a polars DataFrame of its schema and a polars Series ``y`` a
    polars Series of its name and dtype (the checks hand the sampler their pandas form).

    Examples
    --------
    >>> fmt = CallerFormat([[0.0], [1.0]], np.array([[1, 0], [0, 1]]))
    >>> X, y = fmt.inputs()
    >>> y.tolist()
    [0, 1]
    >>> X_res, y_res = fmt.restore(np.array([[0.0], [1.0], [0.5]]), np.array([0, 1, 1]))
    >>> X_res, y_res.tolist()
    ([[0.0], [1.0], [0.5]], [[1, 0], [0, 1], [0, 1]])
    """

    def __init__(self, X, y):
        self.X_list = isinstance(X, list)
        self.y_list = isinstance(y, list)
        self.y_columns = None
        self.one_hot = None  # (n_columns, dtype) of a one-hot y
        self._X, self._y = X, y
        # polars X and y: the checks turn them into pandas; restore() gives them back
        self.X_polars = _polars.PolarsFormat(X) if _polars.is_frame(X) else None
        self.y_polars = None
        if _polars.is_series(y):
            self.y_polars = _polars.PolarsFormat(y=y)
        elif isinstance(y, pd.DataFrame) and y.shape[1] == 1:
            self.y_columns = y.columns
            self._y = y.iloc[:, 0]
        elif not isinstance(y, pd.Series | pd.DataFrame):
            arr = np.asarray(y)
            self._y = arr
            if arr.ndim == 2 and arr.shape[1] == 1:
                self._y = arr.ravel()
            elif arr.ndim == 2 and arr.shape[0] > 0:
                ones = (arr == 1).sum(axis=1)
                if not (np.isin(arr, (0, 1)).all() and (ones == 1).all()):
                    raise ValueError(
                        f"y has shape {arr.shape} and is not a one-hot encoding of one class "
                        "per row. Multilabel and multioutput targets are not supported. Pass "
                        "one class label per row (a 1-D y)."
                    )
                self.one_hot = (arr.shape[1], arr.dtype)
                self._y = arr.argmax(axis=1)
        # the container, name and dtype y comes back in, before the one-hot and list forms
        self.y_series = isinstance(self._y, pd.Series)
        self.y_name = getattr(self._y, "name", None)
        self.y_dtype = getattr(self._y, "dtype", None)

    def inputs(self):
        """``(X, y)`` with ``y`` 1-D, for the ordinary checks."""
        return self._X, self._y

    def restore_blocks(self, layout, parts_X, parts_y):
        """:meth:`restore` of row blocks, the input's rows first: a polars ``X`` keeps the
        caller's frame as its first block (only the synthetic blocks are converted), instead
        of a pandas concatenation converted whole."""
        if self.X_polars is None:
            return self.restore(*concat(layout, parts_X, parts_y))
        import polars as pl

        X = pl.concat([self._X, *(self.X_polars.frame(part) for part in parts_X[1:])])
        y = np.concatenate(parts_y) if layout.kind == "numpy" else pd.concat(parts_y)
        return self.restore(X, y)

    def restore(self, X, y):
        """The resampled ``(X, y)`` in the caller's forms, each in its own container."""
        if self.X_polars is not None and isinstance(X, pd.DataFrame):
            X = self.X_polars.frame(X)
        if self.y_polars is not None:
            return X, self.y_polars.series(y)
        if self.y_series:
            index = X.index if isinstance(X, pd.DataFrame) else None
            y = pd.Series(np.asarray(y), index=index, name=self.y_name).astype(self.y_dtype)
        else:
            y = y.to_numpy() if isinstance(y, pd.Series) else np.asarray(y)
            if self.y_dtype is not None:
                y = y.astype(self.y_dtype, copy=False)
        if self.one_hot is not None:
            n_columns, dtype = self.one_hot
            y = np.eye(n_columns, dtype=dtype)[y]
        elif self.y_columns is not None:
            y = y.to_frame(self.y_columns[0])
        if self.X_list:
            X = X.values.tolist() if isinstance(X, pd.DataFrame) else X.tolist()
        if self.y_list:
            y = y.tolist()
        return X, y
