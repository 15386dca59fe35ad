"""Borderline-SMOTE: SMOTE from the minority rows on the border between the classes.

What differs from SMOTE (the hooks of :class:`~streamsmote.sampler.BaseSMOTE`):

* whole-data statistics: each stored row's ``m_neighbors + 1`` nearest rows over the whole
  data set (every chunk, majority included; the flow keeps a running top-M per stored row);
  Borderline-2 also keeps their values (``max(m_neighbors, k_neighbors) + 1`` of them);
* parents and draws: only the rows *in danger* (of their ``m_neighbors`` nearest rows, at least
  half but not all are of another class) are parents, with SMOTE's draws over them;
* emit: SMOTE's interpolation (:class:`~streamsmote.variants.smote.Interpolation`) towards a
  parent's ``k_neighbors`` nearest rows of its class (Borderline-1) or of the whole data set
  (Borderline-2, where the step towards a row of another class is scaled by
  ``uniform(0, 0.5)``: the new row stays on the minority's side).
"""

from numbers import Integral

import numpy as np

from .._constraints import HasMethods, Interval, ParameterConstraints, StrOptions
from .._draws import ClassDraws, ScaledDraws
from ..sampler import BaseSMOTE
from ._context import n_neighbors, other_class, whole_data_rows
from .smote import Interpolation

KINDS = ("borderline-1", "borderline-2")

_BASE = ParameterConstraints.of(BaseSMOTE)


class BorderlineSMOTE(BaseSMOTE):
    """Borderline-SMOTE (kinds 1 and 2), in memory or streaming.

    A drop-in for :class:`imblearn.over_sampling.BorderlineSMOTE`: with ``neighbors="exact"``
    and an int ``random_state`` (or a ``RandomState``) the output is identical to
    imbalanced-learn 0.14's. While streaming, the majority is never stored: each stored row
    keeps a running list of its nearest rows over the whole data set, which takes a second
    read of the source (a re-iterable source).

    Parameters
    ----------
    k_neighbors : int or nearest-neighbours object, default=5
        Neighbours to interpolate towards (of the parent's class for Borderline-1, over the
        whole data set for Borderline-2). An object is used as in :class:`streamsmote.SMOTE`
        for Borderline-1; for Borderline-2 only its ``n_neighbors`` is read (the search over
        the whole data set is streamsmote's own, Euclidean and exact).
    m_neighbors : int or nearest-neighbours object, default=10
        Nearest rows over the whole data set that decide whether a row is in danger. For an
        object only its ``n_neighbors`` (minus the row itself) is read.
    kind : {"borderline-1", "borderline-2"}, default="borderline-1"
    sampling_strategy : float, str, dict or callable, default="auto"
        As in :class:`streamsmote.SMOTE`.
    random_state : int, numpy.random.RandomState or None, default=None
        As in :class:`streamsmote.SMOTE` (a fresh generator per class for an int seed, as in
        imbalanced-learn).
    neighbors : {"auto", "exact", "approx", "pynndescent"}, default="auto"
        The within-class search of Borderline-1, as in :class:`streamsmote.SMOTE`. The
        search over the whole data set is always exact.
    memory_limit : int or str, default=None
        As in :class:`streamsmote.SMOTE`.

    Attributes
    ----------
    in_danger_indices : dict
        ``{class: input row numbers of its rows in danger}``, for the classes that have any
        (imbalanced-learn's name, without the trailing underscore).
    classes_, class_counts_, sampling_strategy_, n_features_in_, feature_names_in_, nn_k_,
    provenance_
        As in :class:`streamsmote.SMOTE`. ``provenance_``'s ``neighbor`` may be a row of
        another class for Borderline-2, and its ``gap`` then includes the ``uniform(0, 0.5)``
        scale.

    Notes
    -----
    H. Han, W.-Y. Wang, B.-H. Mao, "Borderline-SMOTE: A New Over-Sampling Method in
    Imbalanced Data Sets Learning", ICIC 2005, section 3. As in imbalanced-learn, a class with
    no row in danger gets no synthetic rows, although ``sampling_strategy_`` still lists the
    rows it would have had; a row whose ``m_neighbors`` nearest rows are all of another class
    is noise and is no parent either. The draws are imbalanced-learn's: SMOTE's over the
    rows in danger, then (Borderline-2) one ``uniform(0, 0.5)`` per draw whose neighbour is
    of another class, from a fresh generator for an int seed (its stream starts at the seed
    again) or from the shared ``RandomState``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(size=(90, 2)), rng.normal(0.5, 1, size=(30, 2))]
    >>> y = np.r_[np.zeros(90, int), np.ones(30, int)]
    >>> sm = BorderlineSMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(sm[1]).tolist()
    [90, 90]
    """

    _parameter_constraints = ParameterConstraints(
        {
            **_BASE.constraints,
            "m_neighbors": [
                Interval(Integral, 1, None, closed="left"),
                HasMethods(["kneighbors", "kneighbors_graph"]),
            ],
            "kind": [StrOptions(KINDS)],
        },
        hints={
            **_BASE.hints,
            "m_neighbors": "Pass the number of rows (usually 10) whose classes decide whether "
            "a row is on the border.",
            "kind": "'borderline-1' interpolates towards rows of the same class, "
            "'borderline-2' towards any class.",
        },
    )

    def __init__(
        self,
        k_neighbors=5,
        m_neighbors=10,
        kind="borderline-1",
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
        self.m_neighbors = m_neighbors
        self.kind = kind

    @property
    def in_danger_indices(self):
        """``{class: input row numbers of its rows in danger}`` of the last fit, for the
        classes that have any (imbalanced-learn's name; a property, so that a fit adds no
        public attribute without a trailing underscore)."""
        if not hasattr(self, "_danger_rows"):
            raise AttributeError(
                f"{type(self).__name__} has no in_danger_indices before it is fitted."
            )
        return self._danger_rows

    # ------------------------------------------------------------------ hooks

    def _whole_data_neighbors(self):
        m = n_neighbors(self.m_neighbors)
        if self.kind == "borderline-2":
            return max(m, n_neighbors(self.k_neighbors)) + 1, True
        return m + 1, False

    def _min_class_rows(self):
        if self.kind == "borderline-2":
            return None  # the neighbours are rows of the whole data set
        return super()._min_class_rows()

    def _in_danger(self, c, rows):
        """Positions (in the class's stored rows) of the rows of class ``c`` in danger: of
        their ``m`` nearest rows over the whole data set, ``m / 2 <= other-class < m``."""
        m = n_neighbors(self.m_neighbors)
        n_other = other_class(self, c, rows, m, "m_neighbors").sum(axis=1)
        return np.flatnonzero((n_other >= m / 2) & (n_other < m))

    def _fit_class(self, c, rows, n_new, state, shared):
        if c == self._needed()[0]:
            self._danger_rows = {}
        danger = self._in_danger(c, rows)
        if danger.size:
            self._danger_rows[c] = rows.rows[danger]
        else:  # imbalanced-learn skips the class, drawing nothing
            n_new = 0
        if self.kind == "borderline-1":
            nn = self._euclidean_graph(rows.values)[danger]
            draws = ClassDraws(state, danger.size * nn.shape[1], n_new)
            return Interpolation(rows, nn, draws, parents=danger)
        k = n_neighbors(self.k_neighbors)
        other = other_class(self, c, rows, k, "k_neighbors")[danger].ravel()
        draws = ClassDraws(state, danger.size * k, n_new)
        # the scales come from a fresh generator for an int seed (imbalanced-learn calls
        # check_random_state again), from the shared one after the gaps otherwise
        draws = ScaledDraws(draws, other, None if shared else state)
        nn = np.arange(danger.size * k, dtype=np.int64).reshape(danger.size, k)
        return Interpolation(
            rows, nn, draws, parents=danger, targets=whole_data_rows(rows, k, danger)
        )
