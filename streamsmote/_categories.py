"""Integer codes for the categories of one column, learned chunk by chunk.

A streaming reader never sees a column whole, so codes are handed out in order of first
appearance (a level first seen in the last chunk simply gets the next code). imbalanced-learn's
encoders number categories in sorted order, and its tie-breaking depends on that order:
:meth:`CategoryCoder.rank` gives each code its sorted position, so kernels can break ties
exactly as imbalanced-learn does whatever the order of discovery.
"""

import numpy as np
import pandas as pd


class CategoryCoder:
    """Codes ``0, 1, ...`` for the distinct values of one categorical column.

    Parameters
    ----------
    dtype : numpy or pandas dtype
        The column's dtype in the first chunk; :meth:`decode` returns values of that dtype
        (a pandas ``category`` column keeps its categories, extended by levels seen later).

    Examples
    --------
    >>> coder = CategoryCoder(np.dtype(object))
    >>> coder.encode(np.array(["b", "a", "b"], dtype=object)).tolist()
    [0, 1, 0]
    >>> coder.encode(np.array(["c", "a"], dtype=object)).tolist()
    [2, 1]
    >>> coder.rank().tolist()  # sorted order: a, b, c
    [1, 0, 2]
    >>> coder.decode(np.array([2, 0])).tolist()
    ['c', 'b']
    """

    def __init__(self, dtype):
        self.dtype = dtype
        self._index = pd.Index([])

    @property
    def n_levels(self):
        return len(self._index)

    @property
    def levels(self):
        """The categories, by code."""
        return self._index.to_numpy()

    def encode(self, values):
        """Codes (int32) of a 1-D array or Series, learning values not seen before."""
        if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
            # map the (few) categories once, then take by the pandas codes
            self._learn(values.cat.categories)
            lookup = self._index.get_indexer(values.cat.categories).astype(np.int32)
            return lookup[values.cat.codes.to_numpy()]
        values = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
        codes = self._index.get_indexer(values)
        new = codes < 0
        if new.any():
            self._learn(pd.unique(values[new]))
            codes[new] = self._index.get_indexer(values[new])
        return codes.astype(np.int32, copy=False)

    def _learn(self, values):
        unseen = pd.Index(values).difference(self._index, sort=False)
        if len(unseen):
            self._index = self._index.append(unseen)

    def rank(self):
        """Position of each code's category in sorted order (int32), as ``np.unique`` sorts."""
        order = np.argsort(np.asarray(self.levels), kind="stable")
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        return rank

    def decode(self, codes):
        """The values of ``codes``, as an array (or Categorical) of the column's dtype."""
        values = self.levels[np.asarray(codes)]
        if isinstance(self.dtype, pd.CategoricalDtype):
            known = self.dtype.categories
            cats = known.append(pd.Index(self.levels).difference(known, sort=False))
            return pd.Categorical(values, categories=cats, ordered=self.dtype.ordered)
        if isinstance(self.dtype, np.dtype):
            return values.astype(self.dtype, copy=False)
        return pd.array(values, dtype=self.dtype)
