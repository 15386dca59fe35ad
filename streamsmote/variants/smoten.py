"""SMOTE-N: SMOTE for data whose columns are all categorical.

What differs from SMOTE (the hooks of :class:`~streamsmote.sampler.BaseSMOTE`):

* columns: every column is categorical, kept as int32 codes;
* whole-data statistics: per column, how many rows of each class hold each category, counted
  over every chunk (majority included) for the value difference metric;
* metric: the value difference metric between category codes
  (:func:`streamsmote.kernels.categorical.smoten_kneighbors`);
* parents and draws: a uniformly drawn parent per synthetic row, no gap;
* emit: per column, the most frequent category among the parent's ``k_neighbors + 1``
  nearest rows, itself included (:func:`streamsmote.kernels.categorical.smoten_mode`).
"""

import numpy as np
import pandas as pd

from .._constraints import ParameterConstraints
from .._draws import ParentDraws
from ..sampler import Emitter
from ._nominal import NOMINAL_CONSTRAINTS, NOMINAL_HINTS, NominalSMOTE


class SMOTEN(NominalSMOTE):
    """SMOTE for categorical features only (SMOTE-N), in memory or streaming.

    A drop-in for :class:`imblearn.over_sampling.SMOTEN`: with an int ``random_state`` the
    output is identical to imbalanced-learn 0.14's. The class-conditional category counts of
    the value difference metric are gathered while streaming; the distances are computed block
    by block, never as a full ``rows × rows`` matrix.

    Parameters
    ----------
    categorical_encoder : None or OrdinalEncoder, default=None
        Accepted for compatibility with imbalanced-learn; as for :class:`SMOTENC`, only an
        encoder that keeps every category in sorted order.
    k_neighbors : int, default=5
        A synthetic row takes, per column, the most frequent category among its parent's
        ``k_neighbors + 1`` nearest rows (the parent included).
    sampling_strategy : float, str, dict or callable, default="auto"
        As in :class:`streamsmote.SMOTE`.
    random_state : int, numpy.random.RandomState or None, default=None
        As in :class:`streamsmote.SMOTE`.
    neighbors : {"auto", "exact"}, default="auto"
        The value-difference search is exact; ``"approx"`` is not available for SMOTE-N.
    memory_limit : int or str, default=None
        As in :class:`streamsmote.SMOTE`.

    Attributes
    ----------
    classes_, class_counts_, sampling_strategy_, n_features_in_, feature_names_in_,
    provenance_
        As in :class:`streamsmote.SMOTE`; in ``provenance_`` a synthetic row has a
        ``parent`` only (``neighbor`` is -1 and ``gap`` NaN: its categories are a vote).

    Notes
    -----
    N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: Synthetic Minority
    Over-sampling Technique", JAIR 16 (2002), section 6.2 (SMOTE-N); the value difference
    metric is C. Stanfill and D. Waltz, "Toward memory-based reasoning", CACM 29 (1986). A
    missing category is refused: give missing values a category of their own first.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.choice(["a", "b", "c"], size=(40, 2)).astype(object)
    >>> y = np.r_[np.zeros(30, int), np.ones(10, int)]
    >>> X_res, y_res = SMOTEN(k_neighbors=3, random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist(), X_res.dtype
    ([30, 30], dtype('O'))
    """

    _parameter_constraints = ParameterConstraints(NOMINAL_CONSTRAINTS, hints=NOMINAL_HINTS)

    def __init__(
        self,
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
        self.categorical_encoder = categorical_encoder

    def _default_encoder(self):
        from sklearn.preprocessing import OrdinalEncoder

        return OrdinalEncoder(dtype=np.int32)

    # ------------------------------------------------------------------ hooks

    def _columns(self, X):
        return np.ones(X.shape[1], dtype=bool)

    _observe_weighted = True  # category counts: sums over rows

    def _observe(self, layout, X, labels, weights=None):
        """Count, per column, the rows of each class holding each category."""
        if getattr(self, "_counted_layout", None) is not layout:
            self._counted_layout = layout
            self._labels = pd.Index([])  # class slots, in order of first appearance
            self._counts = [np.zeros((0, 0), np.int64) for _ in layout.coders]
        codes = layout.codes(X)
        slots = self._labels.get_indexer(labels)
        if (slots < 0).any():
            self._labels = self._labels.append(pd.Index(pd.unique(labels[slots < 0])))
            slots = self._labels.get_indexer(labels)
        n_slots = len(self._labels)
        for j, coder in enumerate(layout.coders):
            flat = codes[:, j].astype(np.int64) * n_slots + slots
            seen = np.bincount(flat, weights, minlength=coder.n_levels * n_slots)
            seen = seen.astype(np.int64, copy=False)
            table = np.zeros((coder.n_levels, n_slots), np.int64)
            old = self._counts[j]
            table[: old.shape[0], : old.shape[1]] = old
            self._counts[j] = table + seen.reshape(coder.n_levels, n_slots)

    def _tables(self):
        """Per column the value difference metric's class-conditional probabilities, classes
        in sorted label order as imbalanced-learn orders them."""
        from ..kernels.categorical import vdm_tables

        order = self._labels.get_indexer(self.classes_)
        return vdm_tables([counts[:, order] for counts in self._counts])

    def _fit_class(self, c, rows, n_new, state, shared):
        from ..kernels.categorical import smoten_kneighbors

        if c == self._needed()[0]:
            self._vdm = self._tables()
        nn = smoten_kneighbors(rows.codes, self._vdm, self.k_neighbors)
        return Vote(rows, nn, self._layout.ranks(), ParentDraws(state, rows.rows.size, n_new))


class Vote(Emitter):
    """Emitter of one class's SMOTE-N rows: per column, the most frequent category among the
    parent's nearest rows (ties to the smallest category in sorted order)."""

    def __init__(self, rows, nn, ranks, draws):
        super().__init__(rows, nn, draws)
        self.ranks = ranks

    def skip(self, n):
        return self.draws.take(n)

    def emit(self, n, out=None):
        from ..kernels.categorical import smoten_mode

        parents = self.skip(n)
        codes = smoten_mode(self.rows.codes, self.ranks, self.nn, parents)
        return np.empty((len(parents), 0), self.rows.values.dtype), codes, parents

    def provenance(self, parents):
        n = len(parents)
        return self.rows.rows[parents], np.full(n, -1, np.int64), np.full(n, np.nan)
