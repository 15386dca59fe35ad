"""What the input looked like, so that outputs keep its container, column names and dtypes.

Arithmetic happens on one "work" matrix: float32 when every feature is float32 (so that float32
input interpolates exactly like imbalanced-learn), float64 otherwise. Integer and boolean
columns are rounded to the nearest value (half to even) when synthetic rows are cast back;
imbalanced-learn truncates toward zero instead, which biases every synthetic integer towards 0.
"""

import numpy as np
import pandas as pd


class Layout:
    """Container, columns and dtypes of a data set's ``(X, y)``, learned from its first chunk."""

    def __init__(self, X, y):
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
        kinds = [np.dtype(_numpy_dtype(dt)).kind for dt in self.dtypes]
        self.rounded = np.array([k in "biu" for k in kinds], dtype=bool)
        all32 = all(np.dtype(_numpy_dtype(dt)) == np.float32 for dt in self.dtypes)
        self.work_dtype = np.dtype(np.float32 if all32 else np.float64)

    def values(self, X):
        """``X`` as a C-contiguous work matrix."""
        if self.kind == "pandas":
            return np.ascontiguousarray(X.to_numpy(dtype=self.work_dtype))
        return np.ascontiguousarray(X, dtype=self.work_dtype)

    def labels(self, y):
        """``y`` as an ndarray."""
        return y.to_numpy() if isinstance(y, pd.Series) else np.asarray(y)

    def make_X(self, values, start=0):
        """Synthetic rows (work matrix) in the input's container; pandas rows are indexed
        ``start, start + 1, ...``."""
        if self.rounded.any():
            values = values.copy()
            values[:, self.rounded] = np.rint(values[:, self.rounded])
        if self.kind == "numpy":
            return values.astype(self.dtypes[0], copy=False) if self.n_features else values
        index = pd.RangeIndex(start, start + values.shape[0])
        df = pd.DataFrame(values, columns=self.columns, index=index, copy=False)
        pairs = zip(self.columns, self.dtypes, strict=True)
        cast = {c: dt for c, dt in pairs if df[c].dtype != dt}
        return df.astype(cast) if cast else df

    def make_y(self, label, n, start=0):
        """``n`` copies of ``label`` in the input's container and dtype."""
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
    one-hot). A Series ``y`` beside a DataFrame ``X`` takes ``X``'s new index.

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
        if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
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
                        "per row: multilabel and multioutput targets are not supported. Pass "
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

    def restore(self, X, y):
        """The resampled ``(X, y)`` in the caller's forms, each in its own container."""
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
