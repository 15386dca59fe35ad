"""ADASYN: SMOTE with more synthetic rows where a class is harder to learn.

What differs from SMOTE (the hooks of :class:`~streamsmote.sampler.BaseSMOTE`):

* whole-data statistics: each stored row's ``n_neighbors + 1`` nearest rows over the whole
  data set (every chunk, majority included; the flow keeps a running top-M per stored row);
* parents and draws: each row of the class makes a fixed number of rows, its share of the
  class's total weighted by the fraction of its ``n_neighbors`` nearest rows that are of
  another class (rounded with ``rint``), parents in order; per row, a neighbour slot and a
  gap from one generator for the whole fit (imbalanced-learn calls ``check_random_state``
  once, so an int seed is not restarted per class as SMOTE's is);
* emit: SMOTE's interpolation (:class:`~streamsmote.variants.smote.Interpolation`) towards
  one of the row's ``n_neighbors`` nearest rows of its class.
"""

import numpy as np

from .._constraints import ParameterConstraints
from .._draws import CountedDraws
from ..sampler import BaseSMOTE
from ._context import n_neighbors, other_class
from .smote import Interpolation

_BASE = ParameterConstraints.of(BaseSMOTE)
_CONSTRAINTS = {
    ("n_neighbors" if k == "k_neighbors" else k): v for k, v in _BASE.constraints.items()
}
_HINTS = {("n_neighbors" if k == "k_neighbors" else k): v for k, v in _BASE.hints.items()}


class ADASYN(BaseSMOTE):
    """Adaptive Synthetic sampling (ADASYN), in memory or streaming.

    A drop-in for :class:`imblearn.over_sampling.ADASYN`: with ``neighbors="exact"`` and an
    int ``random_state`` (or a ``RandomState``) the output is identical to imbalanced-learn
    0.14's. While streaming, the majority is never stored: each stored row keeps a running
    list of its nearest rows over the whole data set, which takes a second read of the source
    (a re-iterable source).

    Parameters
    ----------
    n_neighbors : int or nearest-neighbours object, default=5
        Nearest rows that weigh each row (over the whole data set) and that it interpolates
        towards (of its class). An object is used as in :class:`streamsmote.SMOTE` for the
        within-class neighbours; over the whole data set only its ``n_neighbors`` is read
        (that search is streamsmote's own, Euclidean and exact).
    sampling_strategy : float, str, dict or callable, default="auto"
        As in :class:`streamsmote.SMOTE`.
    random_state : int, numpy.random.RandomState or None, default=None
        One generator for the whole fit, used class after class in label order, as in
        imbalanced-learn (an int seed is not restarted for each class).
    neighbors : {"auto", "exact", "approx", "pynndescent"}, default="auto"
        The within-class search, as in :class:`streamsmote.SMOTE`. The search over the whole
        data set is always exact.
    memory_limit : int or str, default=None
        As in :class:`streamsmote.SMOTE`.

    Attributes
    ----------
    classes_, class_counts_, sampling_strategy_, n_features_in_, feature_names_in_,
    provenance_
        As in :class:`streamsmote.SMOTE`.
    nn_ : estimator object
        imbalanced-learn's name for the nearest-neighbours object (see ``nn_k_`` of
        :class:`streamsmote.SMOTE`).

    Raises
    ------
    RuntimeError
        When no row of a class has a neighbour of another class (the weights would divide
        by zero), as imbalanced-learn raises it.
    ValueError
        When the rounded weights make no row at all, as imbalanced-learn raises it.

    Notes
    -----
    H. He, Y. Bai, E. A. Garcia, S. Li, "ADASYN: Adaptive Synthetic Sampling Approach for
    Imbalanced Learning", IJCNN 2008, section II. As in imbalanced-learn, the weights are
    one-vs-rest (every other class counts), and the rounding of each row's share means that a
    class gets about, not exactly, the rows ``sampling_strategy_`` lists for it (which keeps
    the planned number, as imbalanced-learn's does).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(size=(90, 2)), rng.normal(0.5, 1, size=(30, 2))]
    >>> y = np.r_[np.zeros(90, int), np.ones(30, int)]
    >>> X_res, y_res = ADASYN(random_state=0).fit_resample(X, y)
    >>> X_res.shape[0] - X.shape[0] == ADASYN(random_state=0).fit(X, y)._models[1].n_new
    True
    """

    _parameter_constraints = ParameterConstraints(_CONSTRAINTS, hints=_HINTS)
    _k_param = "n_neighbors"
    _one_generator = True

    def __init__(
        self,
        n_neighbors=5,
        sampling_strategy="auto",
        random_state=None,
        neighbors="auto",
        memory_limit=None,
    ):
        self.n_neighbors = n_neighbors
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.neighbors = neighbors
        self.memory_limit = memory_limit

    @property
    def k_neighbors(self):
        """The engine's name for the within-class neighbours: ``n_neighbors``."""
        return self.n_neighbors

    @property
    def nn_(self):
        return self.nn_k_

    # ------------------------------------------------------------------ hooks

    def _whole_data_neighbors(self):
        return n_neighbors(self.n_neighbors) + 1, False

    def _weights(self, c, rows):
        """Each row's share of class ``c``'s synthetic rows: the fraction of its
        ``n_neighbors`` nearest rows over the whole data set that are of another class,
        normalised to sum to 1, computed as imbalanced-learn computes it."""
        k = n_neighbors(self.n_neighbors)
        ratio_nn = np.sum(other_class(self, c, rows, k, "n_neighbors"), axis=1) / k
        if not np.sum(ratio_nn):
            raise RuntimeError(
                "Not any neigbours belong to the majority class. This case will induce a NaN "
                "case with a division by zero. ADASYN is not suited for this specific dataset. "
                f"Use SMOTE instead: no row of class {c!r} has one of its n_neighbors="
                f"{self.n_neighbors!r} nearest rows in another class (or raise n_neighbors, or "
                "leave the class out of sampling_strategy)."
            )
        ratio_nn /= np.sum(ratio_nn)
        return ratio_nn

    def _fit_class(self, c, rows, n_new, state, shared):
        counts = np.rint(self._weights(c, rows) * n_new).astype(int)
        if not np.sum(counts):
            raise ValueError(
                "No samples will be generated with the provided ratio settings. "
                f"Class {c!r} would get {n_new} rows, too few to give any of its "
                f"{counts.size} rows one after rounding its share; ask for more rows in "
                "sampling_strategy, leave the class out of it, or use SMOTE."
            )
        nn = self._euclidean_graph(rows.values)
        return Interpolation(rows, nn, CountedDraws(state, counts, nn.shape[1]))
