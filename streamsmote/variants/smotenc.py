"""SMOTE-NC: SMOTE for data with numeric and categorical columns.

What differs from SMOTE (the hooks of :class:`~streamsmote.sampler.BaseSMOTE`):

* columns: ``categorical_features`` picks the categorical columns, kept as int32 codes;
* metric: squared Euclidean distance over the numeric columns plus a constant per
  mismatching categorical column (the class's median numeric standard deviation, squared),
  never one-hot columns (:func:`streamsmote.kernels.categorical.mixed_kneighbors`);
* emit: numeric columns interpolated as SMOTE does, each categorical column the most frequent
  category among the parent's neighbours, ties broken exactly as imbalanced-learn does
  (:func:`streamsmote.kernels.categorical.smotenc_vote`).
"""

import numpy as np
import pandas as pd

from .._constraints import ParameterConstraints, StrOptions
from .._draws import ClassDraws
from ._nominal import NOMINAL_CONSTRAINTS, NOMINAL_HINTS, NominalSMOTE
from .smote import Interpolation


class SMOTENC(NominalSMOTE):
    """SMOTE for numeric and categorical features (SMOTE-NC), in memory or streaming.

    A drop-in for :class:`imblearn.over_sampling.SMOTENC`: with ``neighbors="exact"`` and an
    int ``random_state`` the output is identical to imbalanced-learn 0.14's. Categories are
    never one-hot encoded: memory is O(rows of the sampled classes × columns) whatever the
    number of levels, and levels are learned chunk by chunk while streaming.

    Parameters
    ----------
    categorical_features : "auto", array-like of int, str or bool
        The categorical columns: indices, names (DataFrames), a boolean mask, or ``"auto"``
        for the non-numeric columns and the pandas ``category`` columns of a DataFrame.
    categorical_encoder : None or OneHotEncoder, default=None
        Accepted for compatibility with imbalanced-learn. streamsmote codes categories
        itself; an encoder may be passed only when it keeps every category in sorted order
        (``categories="auto"``, no ``drop``, no infrequent grouping), which gives the same
        result.
    k_neighbors : int, default=5
        Nearest same-class neighbours to interpolate towards and to vote.
    sampling_strategy : float, str, dict or callable, default="auto"
        As in :class:`streamsmote.SMOTE`.
    random_state : int, numpy.random.RandomState or None, default=None
        As in :class:`streamsmote.SMOTE`.
    neighbors : {"auto", "exact"}, default="auto"
        The mixed-metric search is exact (a numba kernel); ``"approx"`` is not available for
        SMOTE-NC yet.
    memory_limit : int or str, default=None
        As in :class:`streamsmote.SMOTE`.

    Attributes
    ----------
    categorical_features_ : ndarray of int
        Positions of the categorical columns.
    continuous_features_ : ndarray of int
        Positions of the numeric columns.
    median_std_ : dict
        ``{class: median standard deviation of its numeric columns}``; a categorical mismatch
        costs its square in the neighbour search.
    classes_, class_counts_, sampling_strategy_, n_features_in_, feature_names_in_,
    provenance_
        As in :class:`streamsmote.SMOTE`; a synthetic row's categories come from the parent's
        neighbours, so its ``neighbor`` and ``gap`` describe the numeric columns only.

    Notes
    -----
    N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: Synthetic Minority
    Over-sampling Technique", JAIR 16 (2002), section 6.1 (SMOTE-NC). A categorical column
    with a missing value is refused (imbalanced-learn's encoder would make NaN a category):
    give missing values a category of their own first.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"amount": rng.normal(size=30),
    ...                   "country": rng.choice(["fr", "de", "it"], size=30)})
    >>> y = np.r_[np.zeros(24, int), np.ones(6, int)]
    >>> X_res, y_res = SMOTENC(["country"], k_neighbors=3, random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist(), sorted(set(X_res["country"]))
    ([24, 24], ['de', 'fr', 'it'])
    """

    _parameter_constraints = ParameterConstraints(
        {**NOMINAL_CONSTRAINTS, "categorical_features": ["array-like", StrOptions(("auto",))]},
        hints={
            **NOMINAL_HINTS,
            "categorical_features": "Pass 'auto', column indices, column names or a boolean mask.",
        },
    )

    def __init__(
        self,
        categorical_features="auto",
        categorical_encoder=None,
        k_neighbors=5,
        sampling_strategy="auto",
        random_state=None,
        neighbors="auto",
        memory_limit=None,
    ):
        super().__init__(
            k_neighbors=k_neighbors,
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            neighbors=neighbors,
            memory_limit=memory_limit,
        )
        self.categorical_features = categorical_features
        self.categorical_encoder = categorical_encoder

    def _default_encoder(self):
        from sklearn.preprocessing import OneHotEncoder

        return OneHotEncoder(handle_unknown="ignore", dtype=self._layout.work_dtype)

    # ------------------------------------------------------------------ hooks

    def _columns(self, X):
        if X.shape[1] == 0:
            return None  # refused as "0 feature(s)" by the checks that follow
        mask = categorical_mask(X, self.categorical_features)
        if mask.all():
            raise ValueError(
                "SMOTE-NC is not designed to work only with categorical features. It requires "
                f"some numerical features: all n_features={mask.size} columns are categorical "
                "here, so use streamsmote.SMOTEN (CLI: --method smoten)."
            )
        if not mask.any():
            raise ValueError(
                "SMOTE-NC is not designed to work only with numerical features. It requires "
                f"some categorical features: none of the n_features={mask.size} columns is "
                f"(categorical_features={self.categorical_features!r}), so use "
                "streamsmote.SMOTE (CLI: --method smote), or name the categorical columns."
            )
        self.categorical_features_ = np.flatnonzero(mask)
        self.continuous_features_ = np.flatnonzero(~mask)
        return mask

    def _fit_class(self, c, rows, n_new, state, shared):
        from ..kernels.categorical import (
            median_std,
            mixed_kneighbors,
            smotenc_penalty,
            smotenc_vote,
        )

        k = self.k_neighbors
        dtype = self._layout.work_dtype
        m = median_std(rows.values)
        if c == self._needed()[0]:
            self.median_std_ = {}
        self.median_std_[c] = m
        nn = mixed_kneighbors(rows.values, rows.codes, smotenc_penalty(m, dtype), k)[0]
        draws = ClassDraws(state, rows.values.shape[0] * k, n_new)
        # imbalanced-learn votes with check_random_state(random_state): a fresh generator for
        # an int seed, the shared instance (after this class's draws) otherwise.
        rng = np.random.RandomState()
        rng.set_state(draws.end_state() if shared else state)
        codes = smotenc_vote(
            rows.codes,
            self._layout.ranks(),
            nn,
            _parents(draws, k),
            rng,
            median_std=m,
            dtype=dtype,
        )
        return _Voted(rows, nn, draws, codes, rng.get_state())


# Parents drawn per batch when the vote reads them (a 2 MB int64 batch).
PARENT_BATCH = 1 << 18


def _parents(draws, k, batch=None):
    """The parent rows of the synthetic rows of ``draws`` (a :class:`ClassDraws`), as the
    callable :func:`~streamsmote.kernels.categorical.smotenc_vote` reads in passes: each call
    draws the index stream again from the class's start state, in batches (``idx // k``), so
    that no O(n_new) array is held; the gap stream is not drawn, and ``draws`` is not moved."""
    batch = PARENT_BATCH if batch is None else batch

    def batches():
        rs = np.random.RandomState()
        rs.set_state(draws.state)
        left = draws.n_new
        while left:
            size = min(left, batch)
            idx = rs.randint(0, draws.high, size=size)
            idx //= k
            yield idx
            left -= size

    return batches


class _Voted(Interpolation):
    """SMOTE's interpolation with categories voted up front; the shared generator continues
    after the vote."""

    def __init__(self, rows, nn, draws, codes, end_state):
        super().__init__(rows, nn, draws, codes)
        self._end_state = end_state

    def end_state(self):
        return self._end_state


def categorical_mask(X, categorical_features):
    """Boolean mask of the categorical columns of ``X`` (a first chunk or a whole array).

    ``categorical_features`` is ``"auto"`` (a DataFrame's non-numeric and ``category``
    columns), a boolean mask, or column indices or names.

    Examples
    --------
    >>> categorical_mask(np.zeros((2, 3)), [2]).tolist()
    [False, False, True]
    >>> df = pd.DataFrame({"a": [1.0], "b": ["x"], "c": [2]})
    >>> categorical_mask(df, "auto").tolist(), categorical_mask(df, ["c"]).tolist()
    ([False, True, False], [False, False, True])
    """
    n = X.shape[1]
    frame = isinstance(X, pd.DataFrame)
    if isinstance(categorical_features, str) and categorical_features == "auto":
        if not frame:
            raise ValueError(
                "When `categorical_features='auto'`, the input data should be a "
                f"pandas.DataFrame. Got {type(X)} instead. Pass the column indices (or a "
                "boolean mask) of the categorical columns."
            )
        return np.array(
            [
                isinstance(dt, pd.CategoricalDtype)
                or not (pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt))
                for dt in X.dtypes
            ]
        )
    given = np.asarray(categorical_features)
    if given.ndim != 1:
        raise ValueError(
            "categorical_features must be 'auto', or a 1-D list of column indices, column "
            f"names or a boolean mask; got {categorical_features!r}."
        )
    mask = np.zeros(n, dtype=bool)
    if given.dtype.kind == "b":
        if given.size != n:
            raise ValueError(
                f"categorical_features is a boolean mask of {given.size} entries but X has {n} "
                "columns: give one entry per column."
            )
        return given.copy()
    if given.dtype.kind in "iu":
        bad = given[(given < -n) | (given >= n)]
        if bad.size:
            raise ValueError(
                f"categorical_features holds column index {bad[0]}, but X has {n} columns: "
                f"all features must be in [0, {n - 1}]."
            )
        mask[given] = True
        return mask
    if not frame:
        raise ValueError(
            f"categorical_features={categorical_features!r} names columns, but X is an array "
            "without column names: pass column indices or a boolean mask."
        )
    columns = list(X.columns)
    unknown = [name for name in given.tolist() if name not in columns]
    if unknown:
        raise ValueError(
            f"categorical_features names unknown column(s) {unknown}; the columns are {columns}."
        )
    mask[[columns.index(name) for name in given.tolist()]] = True
    return mask
