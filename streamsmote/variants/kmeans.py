"""KMeans-SMOTE: SMOTE inside the clusters where a class is dense enough.

What differs from SMOTE (the hooks of :class:`~streamsmote.sampler.BaseSMOTE`):

* whole-data statistics: a k-means clustering of the whole data set (scikit-learn's
  ``MiniBatchKMeans`` by default); in memory exactly as imbalanced-learn fits it, streaming by
  ``partial_fit`` over fixed blocks of rows as they arrive, with each cluster's size estimated
  from a seeded reservoir sample (:mod:`._whole`);
* parents and draws: per cluster where the class makes up at least
  ``cluster_balance_threshold`` of the rows and has more than ``k_neighbors`` rows, SMOTE
  among the class's rows of that cluster (its own nearest neighbours and draws), with a share
  of the rows that grows with the cluster's sparsity (mean distance ** ``density_exponent``
  / rows), rounded up per cluster as imbalanced-learn rounds it.
"""

import math
from numbers import Integral, Real

import numpy as np

from .._constraints import HasMethods, Interval, ParameterConstraints, StrOptions
from ..sampler import BaseSMOTE
from ._whole import ModelSMOTE, Segments, segment

_BASE = ParameterConstraints.of(BaseSMOTE)

# Mean pairwise distance: scikit-learn's full matrix (imbalanced-learn's rounding) up to this
# many rows, row blocks beyond it (memory stays rows × block).
_FULL_MATRIX_ROWS = 4096
_BLOCK_BYTES = 16 << 20


class KMeansSMOTE(ModelSMOTE):
    """SMOTE within k-means clusters (KMeans-SMOTE), in memory or streaming.

    A drop-in for :class:`imblearn.over_sampling.KMeansSMOTE`: with ``neighbors="exact"`` and
    an int ``random_state``, :meth:`fit_resample` returns imbalanced-learn 0.14's output
    (exactly equal distances aside).

    Parameters
    ----------
    k_neighbors : int or nearest-neighbours object, default=2
        Nearest same-class rows *of the same cluster* to interpolate towards.
    kmeans_estimator : int or estimator object, default=None
        None: ``sklearn.cluster.MiniBatchKMeans(random_state=random_state)``; an int: that
        many clusters; an estimator with ``fit`` and ``predict`` (cloned).
    cluster_balance_threshold : "auto" or float, default="auto"
        A cluster is sampled when the class makes up at least this fraction of its rows;
        ``"auto"``: the class's share of all synthetic rows, halved.
    density_exponent : "auto" or float, default="auto"
        Exponent of the mean distance in a cluster's sparsity; ``"auto"``:
        ``log_1.6(n_features) ** 1.8 * 0.16``, as imbalanced-learn computes it from the
        cluster's class rows.
    sampling_strategy, random_state, neighbors, memory_limit
        As in :class:`streamsmote.SMOTE`.

    Attributes
    ----------
    classes_, class_counts_, sampling_strategy_, n_features_in_, feature_names_in_, nn_k_,
    provenance_
        As in :class:`streamsmote.SMOTE` (gaps in [0, 1)).
    kmeans_estimator_ : estimator object
        The clustering of the last fit.
    cluster_balance_threshold_ : "auto" or float
        ``-inf`` with a single cluster.

    Raises
    ------
    RuntimeError
        "No clusters found with sufficient samples of class ...", as imbalanced-learn says it,
        when no cluster passes the threshold.

    Notes
    -----
    G. Douzas, F. Bacao, F. Last, "Improving imbalanced learning through a heuristic
    oversampling method based on k-means and SMOTE", Information Sciences 465 (2018),
    section 3. As in imbalanced-learn, each cluster's row count is rounded up, so a class may
    get a few more rows than ``sampling_strategy_`` asks.

    **Streaming is an approximation of the in-memory result.** The clustering is
    ``MiniBatchKMeans.partial_fit`` over consecutive blocks of ``batch_size`` rows (blocks, not
    chunks: the result does not depend on the chunk size), and a cluster's size is its stored
    rows of the class plus the other rows estimated from a seeded reservoir sample (20,000
    rows at most) assigned to the final centres. An estimator without ``partial_fit``
    (``KMeans``) is fitted on the reservoir sample. When the whole source fits in the reservoir,
    the clustering is fitted on it as in memory and the output equals :meth:`fit_resample`'s.
    ``benchmarks/bench_approx_variants.py`` measures how close the approximation is downstream.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(size=(90, 2)), rng.normal(3, 0.5, size=(20, 2))]
    >>> y = np.r_[np.zeros(90, int), np.ones(20, int)]
    >>> sm = KMeansSMOTE(kmeans_estimator=2, random_state=0)
    >>> X_res, y_res = sm.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [90, 90]
    """

    _parameter_constraints = ParameterConstraints(
        {
            **_BASE.constraints,
            "kmeans_estimator": [
                HasMethods(["fit", "predict"]),
                Interval(Integral, 1, None, closed="left"),
                None,
            ],
            "cluster_balance_threshold": [StrOptions(("auto",)), Real],
            "density_exponent": [StrOptions(("auto",)), Real],
        },
        hints={
            **_BASE.hints,
            "kmeans_estimator": "Pass None, a number of clusters, or a clustering such as "
            "sklearn.cluster.MiniBatchKMeans(n_clusters=8).",
            "cluster_balance_threshold": "Pass 'auto' or a fraction such as 0.1.",
            "density_exponent": "Pass 'auto' or a number such as 2.",
        },
    )

    def __init__(
        self,
        k_neighbors=2,
        kmeans_estimator=None,
        cluster_balance_threshold="auto",
        density_exponent="auto",
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
        self.kmeans_estimator = kmeans_estimator
        self.cluster_balance_threshold = cluster_balance_threshold
        self.density_exponent = density_exponent

    # ------------------------------------------------------------------ the clustering

    def _new_kmeans(self, random_state):
        from sklearn.base import clone
        from sklearn.cluster import MiniBatchKMeans

        if self.kmeans_estimator is None:
            est = MiniBatchKMeans(random_state=random_state)
        elif isinstance(self.kmeans_estimator, Integral):
            est = MiniBatchKMeans(n_clusters=self.kmeans_estimator, random_state=random_state)
        else:
            est = clone(self.kmeans_estimator)
        self.kmeans_estimator_ = est
        self.cluster_balance_threshold_ = (
            self.cluster_balance_threshold if est.n_clusters != 1 else -np.inf
        )
        return est

    def _start_stream(self, layout, values):
        est = self._new_kmeans(self._stream_seed())
        self._partial = hasattr(est, "partial_fit")
        self._block = max(int(getattr(est, "batch_size", 1024)), int(est.n_clusters))
        self._pending = []

    def _stream_seed(self):
        rs = self.random_state
        return rs if rs is None or isinstance(rs, Integral) else self._reservoir.seed

    def _stream_chunk(self, values, labels, offset):
        if not self._partial:
            return
        self._pending.append(values)
        held = sum(len(v) for v in self._pending)
        if held >= self._block:
            rows = np.concatenate(self._pending)
            cut = held - held % self._block
            for lo in range(0, cut, self._block):
                self.kmeans_estimator_.partial_fit(rows[lo : lo + self._block])
            self._pending = [rows[cut:]] if cut < held else []

    def _clusters(self, c, rows):
        """``(cluster of each row of class c, rows per cluster)``."""
        est = self.kmeans_estimator_
        if getattr(self, "_in_memory", False):
            if self._assigned is None:
                X, _ = self._whole
                self._assigned = np.asarray(est.fit_predict(X))
            labels = self._whole[1]
            sizes = np.bincount(self._assigned, minlength=est.n_clusters)
            return self._assigned[labels == c], sizes.astype(np.int64)
        values, labels, _, complete = self._streamed_sample()
        if self._assigned is None:
            if complete:  # the whole source, in order: the in-memory clustering
                self._new_kmeans(self._stream_seed())
                self._assigned = np.asarray(self.kmeans_estimator_.fit_predict(values))
            elif self._partial and (self._pending or hasattr(est, "cluster_centers_")):
                rest = np.concatenate(self._pending) if self._pending else values[:0]
                if len(rest) >= est.n_clusters or hasattr(est, "cluster_centers_"):
                    if len(rest):
                        est.partial_fit(rest)
                self._pending = []
                self._assigned = np.asarray(est.predict(values))
            else:
                self._assigned = np.asarray(est.fit_predict(values))
        assigned = self._assigned
        if complete:
            sizes = np.bincount(assigned, minlength=est.n_clusters).astype(np.int64)
            return assigned[labels == c], sizes
        own = np.asarray(self.kmeans_estimator_.predict(rows.values))
        other = labels != c
        scale = (self._n_rows - rows.rows.size) / max(int(other.sum()), 1)
        sizes = np.bincount(own, minlength=est.n_clusters) + scale * np.bincount(
            assigned[other], minlength=est.n_clusters
        )
        return own, sizes

    def _sparsity(self, X):
        """imbalanced-learn's ``_find_cluster_sparsity``: mean off-diagonal distance **
        exponent / rows, with its rounding (blocked beyond a few thousand rows)."""
        from sklearn.metrics import pairwise_distances

        n = X.shape[0]
        if n <= _FULL_MATRIX_ROWS:
            d = pairwise_distances(X, metric="euclidean")
            np.fill_diagonal(d, 0)
            total = d.sum()
        else:
            total = 0.0
            # a block of distances holds at most _BLOCK_BYTES (scikit-learn's temporaries
            # are a few times that), whatever the cluster's size
            block = max(1, min(1024, _BLOCK_BYTES // (8 * n)))
            for lo in range(0, n, block):
                d = pairwise_distances(X[lo : lo + block], X, metric="euclidean")
                idx = np.arange(d.shape[0])
                d[idx, lo + idx] = 0
                total += float(d.sum(dtype=np.float64))
            total = X.dtype.type(total) if X.dtype == np.float32 else total
        mean_distance = total / (n**2 - n)
        exponent = (
            math.log(n, 1.6) ** 1.8 * 0.16
            if self.density_exponent == "auto"
            else self.density_exponent
        )
        return (mean_distance**exponent) / n

    # ------------------------------------------------------------------ hooks

    def _fit_class(self, c, rows, n_new, state, shared):
        in_memory = getattr(self, "_in_memory", False)
        rs = None
        if shared:
            rs = np.random.RandomState()
            rs.set_state(state)
        if c == self._needed()[0] or (shared and in_memory):
            # in memory imbalanced-learn refits the clustering per class; with an int seed
            # every refit is the same, with a shared RandomState it draws from the one state
            self._assigned = None
            if in_memory:
                self._new_kmeans(rs if shared else self.random_state)
        own, sizes = self._clusters(c, rows)
        if shared and in_memory:
            self.kmeans_estimator_.random_state = self.random_state
            state = rs.get_state()

        total = sum(self.sampling_strategy_.values())
        k_rows = BaseSMOTE._min_class_rows(self)  # imbalanced-learn's nn_k_.n_neighbors
        valid, sparsities = [], []
        for j in range(self.kmeans_estimator_.n_clusters):
            if sizes[j] == 0:
                continue
            members = np.flatnonzero(own == j)
            mean = members.size / sizes[j]
            if self.cluster_balance_threshold_ == "auto":
                threshold = n_new / total / 2
            else:
                threshold = self.cluster_balance_threshold_
            if mean < threshold:
                continue
            if mean * sizes[j] < k_rows:
                continue
            valid.append(members)
            sparsities.append(self._sparsity(rows.values[members]))
        if not valid:
            raise RuntimeError(
                f"No clusters found with sufficient samples of class {c}. Try lowering the "
                "cluster_balance_threshold or increasing the number of clusters. (Or use "
                "SMOTE, which does not cluster.)"
            )
        sparsities = np.array(sparsities)
        weights = sparsities / sparsities.sum()

        segments = []
        nn0 = None
        for members, w in zip(valid, weights, strict=True):
            n_j = int(math.ceil(n_new * w))
            X_j = np.ascontiguousarray(rows.values[members])
            nn = self._euclidean_graph(X_j)
            nn0 = nn if nn0 is None else nn0
            seg = segment(X_j, rows.rows[members], np.arange(len(members)), nn, state, n_j)
            segments.append(seg)
            if shared:
                state = seg.draws.end_state()
        return Segments(rows, segments, nn0, end_state=state)

    def _min_class_rows(self):
        # rows are needed per cluster, not per class: the cluster filter says when too few
        return None
