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
    """The numpy dtype behind a pandas extension dtype (nullable Int64 → int64)."""
    return getattr(dt, "numpy_dtype", dt)


def concat(layout, parts_X, parts_y):
    """Concatenate row blocks of one container kind."""
    if layout.kind == "numpy":
        return np.concatenate(parts_X), np.concatenate(parts_y)
    return pd.concat(parts_X), pd.concat(parts_y)
