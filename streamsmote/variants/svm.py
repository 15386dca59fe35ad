"""SVM-SMOTE: new rows around the minority support vectors of an SVM.

What differs from SMOTE (the hooks of :class:`~streamsmote.sampler.BaseSMOTE`):

* whole-data statistics: an SVM (scikit-learn's ``SVC`` by default) fitted on the whole data
  set; in memory exactly as imbalanced-learn fits it, streaming on the rows of the classes to
  over-sample plus a seeded reservoir sample of the other classes (:mod:`._whole`); and each
  support vector's ``m_neighbors`` nearest rows over the whole data set (in memory scikit-learn's
  search as imbalanced-learn runs it; streaming the flow's whole-data neighbour pass);
* parents and draws: the class's support vectors that are not noise, split into "danger" ones
  (at least half of their ``m_neighbors`` from other classes), which get a Beta(10, 10)
  fraction of the rows, and "safe" ones, which get the rest; imbalanced-learn's draw order;
* emit: interpolation from a danger support vector towards a same-class neighbour, and
  extrapolation from a safe one *away* from it (gap in ``(-out_step, 0]``).
"""

import inspect
from numbers import Integral, Real

import numpy as np

from .._constraints import HasMethods, Interval, ParameterConstraints
from ..sampler import BaseSMOTE, parse_memory
from ._whole import ModelSMOTE, Segments, segment

_BASE = ParameterConstraints.of(BaseSMOTE)


class SVMSMOTE(ModelSMOTE):
    """Over-sampling around the support vectors of an SVM (SVM-SMOTE), in memory or streaming.

    A drop-in for :class:`imblearn.over_sampling.SVMSMOTE`: with ``neighbors="exact"`` and an
    int ``random_state``, :meth:`fit_resample` returns imbalanced-learn 0.14's output
    (exactly equal distances aside).

    Parameters
    ----------
    k_neighbors : int or nearest-neighbours object, default=5
        Nearest same-class rows a support vector interpolates towards (or extrapolates away
        from); as in :class:`streamsmote.SMOTE`.
    m_neighbors : int or nearest-neighbours object, default=10
        Nearest rows over the whole data set that decide whether a support vector is noise
        (all of them from other classes: dropped), in danger (at least half) or safe.
    svm_estimator : estimator object, default=None
        A fitted estimator must expose ``support_``; by default
        ``sklearn.svm.SVC(gamma="scale", random_state=random_state)``. It is cloned.
    out_step : float, default=0.5
        Step of the extrapolation from a safe support vector: a new row is
        ``x - out_step * u * (x_nn - x)`` with ``u`` uniform in [0, 1).
    sampling_strategy : float, str, dict or callable, default="auto"
        As in :class:`streamsmote.SMOTE`.
    random_state : int, numpy.random.RandomState or None, default=None
        As in :class:`streamsmote.SMOTE`.
    neighbors : {"auto", "exact", "approx", "pynndescent"}, default="auto"
        Search of the same-class neighbours, as in :class:`streamsmote.SMOTE`.
    memory_limit : int or str, default=None
        As in :class:`streamsmote.SMOTE`; streaming, the SVM's reservoir also stays within a
        quarter of it.

    Attributes
    ----------
    classes_, class_counts_, sampling_strategy_, n_features_in_, feature_names_in_, nn_k_
        As in :class:`streamsmote.SMOTE`.
    svm_estimator_ : estimator object
        The SVM fitted by the last fit.
    nn_m_ : estimator object
        ``NearestNeighbors(n_neighbors=m_neighbors + 1)`` (fitted on the whole data in memory)
        or the clone of an ``m_neighbors`` object.
    provenance_ : DataFrame
        As in :class:`streamsmote.SMOTE`, with ``row = X[parent] + gap * (X[neighbor] -
        X[parent])`` where ``parent`` is a support vector. For rows extrapolated from a safe
        support vector the gap is **negative**, in ``(-out_step, 0]`` (the row lies on the far
        side of the parent from the neighbour), so it is not in [0, 1) as for SMOTE.

    Notes
    -----
    H. M. Nguyen, E. W. Cooper, K. Kamei, "Borderline over-sampling for imbalanced data
    classification", IJKESDP 3(1) (2011), section 3. As imbalanced-learn does, a class whose
    support vectors are all in danger (or all safe) gets only the danger (or safe) share of
    its rows, so it may end with fewer rows than ``sampling_strategy_`` asks.

    **Streaming is an approximation of the in-memory result.** The SVM is fitted on every row
    of the classes to over-sample plus a seeded reservoir sample of at most 20,000 rows (and a
    quarter of ``memory_limit``) of the other classes, each reservoir row weighted by the
    number of rows it stands for (``sample_weight``, when the estimator's ``fit`` takes it).
    The noise/danger test is exact: it takes each stored row's ``m_neighbors`` nearest rows
    over the whole source, in a second read of it (a one-shot iterator is refused). The
    reservoir is chosen by a hash of the seed and the row number, so for an int
    ``random_state`` the output does not depend on the chunk size; when the whole source fits
    in the reservoir it equals :meth:`fit_resample`'s. ``benchmarks/bench_approx_variants.py``
    measures how close the approximation is downstream.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(size=(90, 2)), rng.normal(1.5, 1, size=(20, 2))]
    >>> y = np.r_[np.zeros(90, int), np.ones(20, int)]
    >>> X_res, y_res = SVMSMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [90, 90]
    """

    _parameter_constraints = ParameterConstraints(
        {
            **_BASE.constraints,
            "m_neighbors": [
                Interval(Integral, 1, None, closed="left"),
                HasMethods(["kneighbors", "kneighbors_graph"]),
            ],
            "svm_estimator": [HasMethods(["fit", "predict"]), None],
            "out_step": [Interval(Real, 0, 1, closed="both")],
        },
        hints={
            **_BASE.hints,
            "m_neighbors": "Pass the number of rows that decide danger and noise (usually 10) "
            "or a nearest-neighbours object such as NearestNeighbors(n_neighbors=11).",
            "svm_estimator": "Pass None (an SVC) or an SVM such as sklearn.svm.SVC(...).",
            "out_step": "A step in [0, 1]; 0.5 is the usual value.",
        },
    )

    def __init__(
        self,
        k_neighbors=5,
        m_neighbors=10,
        svm_estimator=None,
        out_step=0.5,
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
        self.svm_estimator = svm_estimator
        self.out_step = out_step

    # ------------------------------------------------------------------ hooks

    def _m(self):
        """Rows (the row itself included) of the noise/danger test."""
        if isinstance(self.m_neighbors, Integral):
            return self.m_neighbors + 1
        return int(self.m_neighbors.n_neighbors)

    def _whole_data_neighbors(self):
        if getattr(self, "_in_memory", False):
            return 0, False  # scikit-learn's search, as imbalanced-learn runs it
        return self._m(), False

    def _new_estimators(self, random_state):
        from sklearn.base import clone
        from sklearn.neighbors import NearestNeighbors
        from sklearn.svm import SVC

        if self.svm_estimator is None:
            self.svm_estimator_ = SVC(gamma="scale", random_state=random_state)
            if not getattr(self, "_in_memory", False):
                # Streaming: libsvm's kernel cache (200 MB by default) counts in memory_limit,
                # a quarter of it as the reservoir; its size changes the fit's speed, never
                # its result. (With the weights of a larger majority the solver iterates more
                # and fills more of the cache: 4M rows peaked 1.15x the 1M run with 200 MB.)
                share = parse_memory(self.memory_limit) / 4 / 2**20
                self.svm_estimator_.set_params(cache_size=float(min(200.0, max(16.0, share))))
        else:
            self.svm_estimator_ = clone(self.svm_estimator)
        if isinstance(self.m_neighbors, Integral):
            self.nn_m_ = NearestNeighbors(n_neighbors=self.m_neighbors + 1)
        else:
            self.nn_m_ = clone(self.m_neighbors)

    def _fit_svm(self, rs):
        """Fit ``svm_estimator_`` on the whole data (streaming: the stored rows and the
        reservoir); return the global row numbers of its support vectors and their labels."""
        if getattr(self, "_in_memory", False):
            X, y = self._whole
            self.svm_estimator_.fit(X, y)
            self._check_support()
            support = np.asarray(self.svm_estimator_.support_)
            self.nn_m_.fit(X)
            return support, y[support]
        values, labels, rows, complete = self._streamed_sample()
        needed = self._needed()
        weight = None
        if not complete:
            keep = ~np.isin(labels, needed)
            counts = self.class_counts_
            sampled = {c: int((labels[keep] == c).sum()) for c in np.unique(labels[keep])}
            parts = [(values[keep], labels[keep], rows[keep])]
            parts += [
                (
                    self._data[c].values,
                    np.full(self._data[c].rows.size, c, labels.dtype),
                    self._data[c].rows,
                )
                for c in needed
            ]
            values, labels, rows = (np.concatenate([p[i] for p in parts]) for i in range(3))
            order = np.argsort(rows, kind="stable")
            values, labels, rows = values[order], labels[order], rows[order]
            weight = np.ones(len(rows))
            for c, n in sampled.items():
                weight[labels == c] = counts[c] / n
        fit = self.svm_estimator_.fit
        if weight is not None and "sample_weight" in inspect.signature(fit).parameters:
            fit(values, labels, sample_weight=weight)
        else:
            fit(values, labels)
        self._check_support()
        support = np.asarray(self.svm_estimator_.support_)
        return rows[support], labels[support]

    def _check_support(self):
        if not hasattr(self.svm_estimator_, "support_"):
            raise RuntimeError(
                "`svm_estimator` is required to exposed a `support_` fitted attribute. Such "
                "estimator belongs to the familly of Support Vector Machine. Pass an SVM such "
                "as sklearn.svm.SVC(...) (or None), or use SMOTE or BorderlineSMOTE."
            )

    def _noise_danger(self, c, rows, sv_local, sv_global):
        """Per support vector: (noise, danger) by its ``m_neighbors`` nearest other rows."""
        if getattr(self, "_in_memory", False):
            X, y = self._whole
            nn = self.nn_m_.kneighbors(X[sv_global], return_distance=False)[:, 1:]
            n_maj = np.sum(y[nn] != c, axis=1)
        else:
            labels = rows.context.labels[sv_local, 1:]
            n_maj = np.sum(labels != int(np.searchsorted(self.classes_, c)), axis=1)
        m = self._m() - 1
        return n_maj == m, (n_maj >= m / 2) & (n_maj < m)

    def _fit_class(self, c, rows, n_new, state, shared):
        if c == self._needed()[0] and not shared:
            # imbalanced-learn: one RandomState(seed) for the Beta draws of every class
            self._beta = np.random.RandomState(self._seed)
            self._new_estimators(self.random_state)
        rs = None
        if shared:  # one RandomState through the SVM fit, the Beta draw and the rows
            rs = np.random.RandomState()
            rs.set_state(state)
            self._new_estimators(rs)
            self._support = self._fit_svm(rs)
            self.svm_estimator_.random_state = self.random_state
        elif c == self._needed()[0]:
            self._support = self._fit_svm(None)
        sv_global, sv_labels = self._support
        sv_global = sv_global[sv_labels == c]
        sv_local = np.searchsorted(rows.rows, sv_global)

        noise, danger = self._noise_danger(c, rows, sv_local, sv_global)
        sv_local, sv_global = sv_local[~noise], sv_global[~noise]
        if sv_local.size == 0:
            raise ValueError(
                "All support vectors are considered as noise. SVM-SMOTE is not adapted to "
                f"your dataset. Try another SMOTE variant (class {c!r}: every support vector "
                "has only other classes among its m_neighbors nearest rows; SMOTE or "
                "BorderlineSMOTE, or a larger m_neighbors)."
            )
        danger = danger[~noise]
        safe = ~danger

        nn = self._euclidean_graph(rows.values)
        fraction = (rs if shared else self._beta).beta(10, 10)
        n_danger = int(fraction * (n_new + 1))
        start = rs.get_state() if shared else state
        segments = []
        if danger.any():
            seg = segment(rows.values, rows.rows, sv_local[danger], nn, start, n_danger, 1.0)
            segments.append(seg)
            if shared:
                start = seg.draws.end_state()
        if safe.any():
            segments.append(
                segment(
                    rows.values,
                    rows.rows,
                    sv_local[safe],
                    nn,
                    start,
                    n_new - n_danger,
                    -float(self.out_step),
                )
            )
        return Segments(rows, segments, nn, end_state=start)
