"""SMOTE: interpolation between a minority row and one of its nearest same-class rows.

The flow lives in :mod:`streamsmote.sampler`; SMOTE is :class:`~streamsmote.sampler.BaseSMOTE`
with its default hooks. :class:`Interpolation` is the emitter that SMOTE and SMOTENC share.
"""

import numpy as np

from ..kernels.interpolate import interpolate, interpolate_pairs
from ..sampler import BaseSMOTE, Emitter


class SMOTE(BaseSMOTE):
    """Synthetic Minority Over-sampling Technique, in memory or streaming.

    For a minority row, pick one of its ``k_neighbors`` nearest neighbours within its class and
    add a row at a uniformly random place on the segment between them, until the classes reach
    ``sampling_strategy``.

    Parameters
    ----------
    k_neighbors : int or nearest-neighbours object, default=5
        Nearest same-class neighbours to interpolate towards, found by streamsmote's own
        search (``neighbors``). Or, as in imbalanced-learn, an object with ``kneighbors`` and
        ``kneighbors_graph`` (e.g. ``sklearn.neighbors.NearestNeighbors(n_neighbors=6)``):
        it is cloned, fitted on each class's rows and used as given, each row's
        ``n_neighbors - 1`` nearest rows after itself being its neighbours, so that the output
        is imbalanced-learn's with that object.
    sampling_strategy : float, str, dict or callable, default="auto"
        Which classes to over-sample and how far, exactly as in
        :class:`imblearn.over_sampling.SMOTE` (see :func:`streamsmote.strategy.plan`).
    random_state : int, numpy.random.RandomState or None, default=None
        With an int the output is reproducible and, with ``neighbors="exact"``, identical to
        imbalanced-learn's. An instance is consumed as imbalanced-learn consumes it.
    neighbors : {"auto", "exact", "approx", "pynndescent"}, default="auto"
        Neighbour search: an exact numba kernel, streamsmote's approximate graph
        (:mod:`streamsmote.neighbors.approx`), pynndescent, or (``"auto"``) the exact search
        for small classes and the approximate graph for large ones
        (:func:`streamsmote.neighbors.choose`). Not used when ``k_neighbors`` is an object.
    memory_limit : int or str, default=None
        Bytes (or ``"512MB"``) of working memory for the whole fit, above what the process
        holds before it: the chunk buffers (measured from the first chunk), the store of the
        classes that may need synthetic rows (past its share it drops the largest class or
        spills to disk), the neighbour graphs and the exact search's scratch, which plans
        its blocks to fit (same result, slower when tight). ``None``: the store keeps 128 MiB
        of rows and the search takes what its fastest plan needs. See
        :mod:`streamsmote._budget`.

    Attributes
    ----------
    classes_ : ndarray
        Sorted class labels.
    class_counts_ : dict
        ``{class: rows}`` of the data seen by the last fit.
    sampling_strategy_ : dict
        ``{class: synthetic rows}``, ordered by label.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X was a DataFrame with string column names.
    nn_k_ : estimator object
        The nearest-neighbours object: the fitted clone of a ``k_neighbors`` object, or, for
        an int, ``NearestNeighbors(n_neighbors=k_neighbors + 1)`` (unfitted; needs
        scikit-learn), as imbalanced-learn names it.
    provenance_ : DataFrame
        After :meth:`fit_resample`: for every synthetic row (in output order) its ``class``,
        the input row numbers of its ``parent`` and ``neighbor`` (0-based positions) and the
        ``gap`` in [0, 1) with ``row = X[parent] + gap * (X[neighbor] - X[parent])``.

    Notes
    -----
    N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: Synthetic Minority
    Over-sampling Technique", JAIR 16 (2002), section 4.2. Draws follow imbalanced-learn's
    implementation so that results are identical for an int ``random_state`` (ties between
    exactly equal distances aside). Integer and boolean features are rounded to the nearest
    value, where imbalanced-learn truncates toward zero.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 2))
    >>> y = np.r_[np.zeros(90, int), np.ones(10, int)]
    >>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [90, 90]
    >>> SMOTE(random_state=0).fit_resample(X, y)[0].shape
    (180, 2)
    """

    # The flow and every hook are BaseSMOTE's defaults.


class Interpolation(Emitter):
    """Emitter of one class's SMOTE rows: ``x + gap * (x_nn - x)``, drawn in
    imbalanced-learn's order.

    SMOTE interpolates from every row of the class towards its nearest rows of the class;
    a variant may restrict the parents (Borderline's rows in danger), point the graph at
    another table of rows (Borderline-2's neighbours over the whole data set) and scale a
    difference before the gap (its draws then also return a scale per row).

    Parameters
    ----------
    rows : streamsmote.sampler.ClassRows
        The class's stored rows.
    nn : ndarray of int64, shape (n_parents, k)
        Each parent's k neighbours, nearest first: positions in ``targets`` (by default the
        class's rows).
    draws : streamsmote._draws.ClassDraws or a cursor like it
        ``take(n)`` gives ``(index, gap)`` draws, parent ``index // k``, neighbour slot
        ``index % k`` (and, from :class:`~streamsmote._draws.ScaledDraws`, a third array:
        the scale of each difference).
    codes : sequence of n_categorical ndarrays of unsigned int, shape (n_new,), optional
        Per categorical column, the category codes of every synthetic row, in draw order
        (SMOTENC's vote); ``emit`` stacks a batch's into one 2-d block.
    parents : ndarray of int64, shape (n_parents,), optional
        Positions in ``rows`` of the parents, one per row of ``nn``; by default every row.
    targets : tuple (values, global rows), optional
        The rows ``nn`` points into, when they are not the class's own: their work-matrix
        values (the class's dtype) and their global input row numbers.
    """

    def __init__(self, rows, nn, draws, codes=None, parents=None, targets=None):
        super().__init__(rows, nn, draws)
        self.codes = codes
        self.parents = parents
        self.targets = targets

    def skip(self, n):
        """Draw the next ``n`` rows without computing them; their picks
        ``(parent positions in nn, slots, gaps, scales or None)``."""
        drawn = self.draws.take(n)
        k = self.nn.shape[1]
        scales = drawn[2] if len(drawn) > 2 else None
        return drawn[0] // k, drawn[0] % k, drawn[1], scales

    def emit(self, n, out=None):
        """The next ``n`` rows: ``(values, codes, picks)``; values written into ``out`` when
        given."""
        first = self.draws.taken
        base, slot, gaps, scales = picks = self.skip(n)
        X_c = self.rows.values
        if out is None:
            out = np.empty((base.shape[0], X_c.shape[1]), dtype=X_c.dtype)
        if self.parents is None and self.targets is None and scales is None:
            interpolate(X_c, self.nn, base, slot, gaps, out)  # SMOTE
        else:
            parents = base if self.parents is None else self.parents[base]
            table = X_c if self.targets is None else self.targets[0]
            scales = np.empty(0) if scales is None else scales
            interpolate_pairs(X_c, parents, table, self.nn[base, slot], gaps, scales, out)
        if self.codes is None:
            codes = self.rows.codes[:0]
        else:  # one array per column, each in its own dtype: a 2-d block of the widest
            codes = np.stack([col[first : first + base.shape[0]] for col in self.codes], axis=1)
        return out, codes, picks

    def provenance(self, picks):
        """``(parent rows, neighbour rows, gaps)`` as global input row numbers; a scaled
        difference counts in the gap (``gap * scale``)."""
        base, slot, gaps, scales = picks
        rows = self.rows.rows
        parents = base if self.parents is None else self.parents[base]
        table = rows if self.targets is None else self.targets[1]
        return rows[parents], table[self.nn[base, slot]], gaps if scales is None else gaps * scales
