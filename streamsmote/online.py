"""OnlineSMOTE: SMOTE over an unbounded stream, chunk by chunk, in bounded memory.

The flow of one chunk, top to bottom::

    chunk → validate → running class counts (optionally decayed) → per-class windows
          → plan (targets over the running counts) → owed synthetic rows per class
          → incremental kNN graph of each class that owes rows → draws → kernel → yield

1. *validate*: one :class:`~streamsmote._validation.ChunkChecker` is kept for the whole stream,
   so a chunk with another width, dtype or container is refused with its chunk number.
2. *counts*: ``class_counts_`` is the number of original rows seen per class; with
   ``half_life`` it decays (see :class:`OnlineSMOTE`, Notes).
3. *windows*: every class keeps at most ``window`` of its rows in an
   :class:`~streamsmote.neighbors.incremental.IncrementalKNN` (sliding or reservoir).
4. *plan*: :func:`streamsmote.strategy.plan` over the running counts gives, per class, the
   synthetic rows the emitted stream should hold so far; what is owed is that target minus the
   synthetic rows already emitted.
5. *graph, draws, kernel*: for an owing class, the window's kNN graph is brought up to date
   incrementally, and each synthetic row is ``x + gap * (x_nn - x)`` from the interpolation
   kernel (:mod:`streamsmote.kernels.interpolate`), returned in the input's container.
"""

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np

from . import _passthrough
from . import strategy as _strategy
from ._batch import Batch
from ._constraints import Interval, ParameterConstraints, StrOptions, validate_params
from ._layout import Layout, concat
from ._validation import ChunkChecker
from .kernels.interpolate import interpolate
from .neighbors import METHODS
from .neighbors.incremental import WINDOW_KINDS, IncrementalKNN
from .sampler import BaseSMOTE, _ParamsMixin

_SMOTE_PARAMS = ParameterConstraints.of(BaseSMOTE)

# neighbors="auto": windows up to this many rows keep an exact graph, larger ones an
# approximate one. An exact update costs about (k + 2) * m * window distance evaluations for m
# new rows (new rows searched, old rows merged, rows that lost a neighbour re-searched); the
# approximate one replaces the re-searches (k * m * window) by a local join (k^3 per row) plus
# a rebuild of the approximate graph every window / 4 rows. Measured in
# benchmarks/results_online.md. The bulk graph is streamsmote's own (neighbors="approx"), not
# pynndescent's (benchmarks/results_graph.md): it builds faster even once pynndescent is
# compiled (100k x 20 isotropic rows: 1.83 s against 3.77 s of CPU, 238 MB against 717 MB
# peak; 1M rows: 22.9 s against 64.0 s, 734 MB against 1381 MB) and costs no compile in a new
# process; neighbors="pynndescent" stays available.
AUTO_EXACT_MAX_WINDOW = 50_000

# OnlineSMOTE's windows keep a Euclidean neighbour index updated row by row; a mixed or
# value-difference metric (SMOTENC, SMOTEN) needs per-class statistics of the window that
# change with every row, which the incremental index does not maintain yet.
ONLINE_CATEGORICAL = (
    "OnlineSMOTE (and the river wrapper) does not accept categorical columns yet: its "
    "incremental neighbour index is Euclidean. For categorical data use "
    "streamsmote.SMOTENC or SMOTEN over chunks (resample_chunks), or encode the columns."
)


class OnlineSMOTE(_ParamsMixin):
    """SMOTE for unbounded streams: each chunk comes back topped up with synthetic minority rows.

    After every chunk, the stream emitted so far (original rows plus synthetic rows) meets
    ``sampling_strategy`` over the running class counts: for every class ``c``,
    ``synthetic_emitted[c]`` equals the number of synthetic rows that
    :func:`streamsmote.strategy.plan` asks for given the counts of original rows seen so far.
    Each class keeps its rows in a bounded window and a k-nearest-neighbour graph of that window
    that is updated incrementally; memory is ``O(window * n_classes)`` whatever the length of the
    stream.

    Parameters
    ----------
    k_neighbors : int, default=5
        Nearest same-class neighbours (within the class's window) to interpolate towards.
    sampling_strategy : float, str, dict or callable, default="auto"
        As in :class:`streamsmote.SMOTE`, applied to the running counts. A dict target below a
        class's running count means "no synthetic rows" (a stream outgrows fixed counts), a
        float ratio likewise; dict keys not seen yet are ignored until they appear.
    window : int, default=50_000
        Most rows of each class kept for interpolation.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None
        Seeds every draw (reservoir sampling, base rows, neighbour slots, gaps).
    neighbors : {"auto", "exact", "approx", "pynndescent"}, default="auto"
        Neighbour graph of each window: exact incremental updates, or a bulk approximate graph
        (streamsmote's own, or pynndescent's) with an exactly searched buffer of the newest
        rows; ``"auto"`` is exact for ``window <= 50_000`` and streamsmote's approximate graph
        above.
    window_kind : {"sliding", "reservoir"}, default="sliding"
        ``"sliding"`` keeps each class's newest ``window`` rows; ``"reservoir"`` keeps a uniform
        random sample of all its rows so far (algorithm R).
    half_life : float or None, default=None
        In rows of the stream: when set, the running counts forget exponentially, so the
        target follows a changing imbalance (see Notes).

    Attributes
    ----------
    classes_ : ndarray
        Sorted labels of every class seen.
    class_counts_ : dict
        ``{class: running count}`` of original rows: ints, or decayed floats with
        ``half_life``.
    n_synthetic_ : dict
        ``{class: synthetic rows emitted so far}`` (never decayed).
    n_owed_ : dict
        ``{class: synthetic rows owed but not emitted yet}`` (a class with at most
        ``k_neighbors`` rows in its window cannot interpolate yet).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when the chunks are DataFrames with string column names.

    Notes
    -----
    **Targets.** After each chunk, the running counts ``n[c]`` (rounded to integers) are passed
    to :func:`streamsmote.strategy.plan`, which returns ``want[c]``, the synthetic rows class
    ``c`` should have received so far. The chunk is followed by
    ``max(0, want[c] - s[c])`` synthetic rows of each class ``c``, where ``s[c]`` counts the
    synthetic rows already emitted. Synthetic rows are never taken back: when a class's share
    grows, it simply receives none until its target catches up.

    **Decay.** With ``half_life=h``, every original row that arrives multiplies all running
    counts, ``n[c]`` and ``s[c]`` alike, by ``2 ** (-1 / h)`` before adding 1 to its own class;
    synthetic rows are added to ``s[c]`` at the end of their chunk, undecayed. A row thus
    weighs 1/2 after ``h`` further rows of the stream, and the targets follow the class mix of
    roughly the last ``h / ln 2`` rows. A class whose decayed count rounds to 0 is left out of
    the plan until it reappears.

    **Classes too small to interpolate.** A class needs ``k_neighbors + 1`` rows in its window
    before it can produce a synthetic row. Until then, what it is owed accumulates (in
    ``n_owed_``) and is emitted with the first chunk after which it has enough rows.

    **Draws.** Each synthetic row of class ``c`` takes a base row uniformly among the rows of
    ``c``'s window, a neighbour slot uniformly in ``0 .. k-1`` of that row's k nearest
    neighbours in the window, and a gap uniformly in ``[0, 1)``: the SMOTE rule of
    N. V. Chawla et al., "SMOTE: Synthetic Minority Over-sampling Technique", JAIR 16 (2002),
    section 4.2, over a window as in C-SMOTE (A. Bernardo, H. M. Gomes, J. Montiel,
    B. Pfahringer, A. Bifet, E. Della Valle, "C-SMOTE: Continuous Synthetic Minority Oversampling
    for Evolving Data Streams", IEEE Big Data 2020). The classes owed rows are served in sorted
    label order, so the same seed and the same chunks give the same output.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> osm = OnlineSMOTE(k_neighbors=3, window=1000, random_state=0)
    >>> for _ in range(3):
    ...     X = rng.normal(size=(200, 2))
    ...     y = (rng.random(200) < 0.1).astype(int)
    ...     X_out, y_out = osm.partial_fit_resample(X, y)
    ...     assert (X_out[:200] == X).all()
    >>> n0, n1 = osm.class_counts_[0], osm.class_counts_[1]
    >>> n1 + osm.n_synthetic_[1] == n0
    True
    """

    _structural = ("k_neighbors", "window", "neighbors", "window_kind")
    _sampling_type = "over-sampling"  # as imbalanced-learn's samplers declare it
    _parameter_constraints = ParameterConstraints(
        {
            "k_neighbors": [Interval(Integral, 1, None, closed="left")],
            "sampling_strategy": _SMOTE_PARAMS.constraints["sampling_strategy"],
            "window": [Interval(Integral, 2, None, closed="left")],
            "random_state": [
                None,
                Interval(Integral, 0, None, closed="left"),
                np.random.RandomState,
                np.random.Generator,
            ],
            "neighbors": [StrOptions(METHODS)],
            "window_kind": [StrOptions(WINDOW_KINDS)],
            "half_life": [None, Interval(Real, 0, None, closed="neither")],
        },
        hints={
            "k_neighbors": "The usual value is 5.",
            "sampling_strategy": _SMOTE_PARAMS.hints["sampling_strategy"],
            "window": "Pass e.g. window=50_000 (rows kept per class, more than k_neighbors).",
            "neighbors": _SMOTE_PARAMS.hints["neighbors"],
            "window_kind": "'sliding' keeps the newest rows, 'reservoir' a uniform sample of "
            "all rows.",
            "half_life": "Pass e.g. half_life=100_000 to weigh a row half after 100k more rows.",
        },
    )

    def __init__(
        self,
        k_neighbors=5,
        sampling_strategy="auto",
        window=50_000,
        random_state=None,
        neighbors="auto",
        window_kind="sliding",
        half_life=None,
    ):
        self.k_neighbors = k_neighbors
        self.sampling_strategy = sampling_strategy
        self.window = window
        self.random_state = random_state
        self.neighbors = neighbors
        self.window_kind = window_kind
        self.half_life = half_life

    # ------------------------------------------------------------------ parameters

    def _check_params(self):
        validate_params(self)
        k, w, h = self.k_neighbors, self.window, self.half_life
        if w <= k:
            raise ValueError(
                f"window must be an integer greater than k_neighbors={k} (rows kept per class); "
                f"got {w!r}. Pass e.g. window=50_000."
            )
        if h is not None and not np.isfinite(h):
            raise ValueError(
                f"half_life must be None or a positive number of rows; got {h!r}. Pass e.g. "
                "half_life=100_000 to weigh a row half after 100k more rows."
            )

    def _start(self):
        """Fresh stream state (first chunk)."""
        self._check_params()
        rs = self.random_state
        if isinstance(rs, np.random.RandomState):
            seed = int(rs.randint(0, 2**32 - 1))
        elif isinstance(rs, np.random.Generator):
            seed = int(rs.integers(2**63))
        else:
            seed = rs
        self._rng = np.random.default_rng(seed)
        self._frozen = {name: getattr(self, name) for name in self._structural}
        self._checker = ChunkChecker(where="the stream", categorical_advice=ONLINE_CATEGORICAL)
        self._layout = None
        self._windows = {}
        self._counts = {}
        self._synth = {}
        self._owed = {}
        self._n_rows = 0
        self._passthrough = None  # the passthrough columns of resample_stream's chunks
        self.n_synthetic_ = {}
        self.class_counts_ = {}
        self.n_owed_ = {}
        self.classes_ = np.array([])

    def _method(self):
        if self.neighbors == "auto":
            return "exact" if self.window <= AUTO_EXACT_MAX_WINDOW else "approx"
        return self.neighbors

    # ------------------------------------------------------------------ public

    def partial_fit(self, X, y):
        """Take in one chunk: update the counts and windows and work out what is owed.

        :meth:`partial_fit_resample` is this followed by :meth:`generate_owed`; call the two
        separately to hand out synthetic rows at other moments (the river wrapper feeds a
        class's rows when a real row of that class arrives).

        Parameters
        ----------
        X : ndarray or DataFrame of shape (n_rows, n_features)
        y : ndarray or Series of shape (n_rows,)

        Returns
        -------
        self
        """
        self._take(X, y)
        return self

    def partial_fit_resample(self, X, y):
        """One chunk in, the same chunk plus the synthetic rows it is owed out.

        Parameters
        ----------
        X : ndarray or DataFrame (pandas or polars) of shape (n_rows, n_features)
            Numeric features; every chunk has the width, container and dtypes of the first.
        y : ndarray or Series (pandas or polars) of shape (n_rows,)
            Labels.

        Returns
        -------
        X_out : ndarray or DataFrame
            The rows of ``X``, unchanged and in order, then the synthetic rows, one block per
            class in sorted label order. A pandas DataFrame gets a fresh ``RangeIndex``;
            columns and dtypes are those of ``X`` (a polars ``X`` gives a polars DataFrame of
            its schema, with a polars Series ``y``).
        y_out : ndarray or Series
            Labels in ``y``'s container, name and dtype.

            The pair is a :class:`~streamsmote._batch.Batch`: ``.synthetic`` marks the
            synthetic rows and ``.provenance`` holds each row's ``(parent, neighbor, gap)``,
            parent and neighbour as row numbers of the stream (counted from 0 over every
            chunk this sampler has taken; -1 and NaN on the chunk's own rows), so that
            ``write_parquet(..., provenance=True)`` can store them.

        Raises
        ------
        ValueError
            Bad parameters, NaN or infinite features, missing labels, a chunk whose width,
            columns, dtypes or container differ from the first chunk's, or a structural
            parameter (``k_neighbors``, ``window``, ``neighbors``, ``window_kind``) changed
            after the first chunk.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.arange(24, dtype=float).reshape(12, 2)
        >>> y = np.array([0] * 8 + [1] * 4)
        >>> out = OnlineSMOTE(k_neighbors=2, random_state=0).partial_fit_resample(X, y)
        >>> X_out, y_out = out
        >>> np.bincount(y_out).tolist()
        [8, 8]
        >>> parent, neighbor, gap = out.provenance
        >>> parent[12:].min() >= 8 and bool((y[parent[12:]] == 1).all())  # rows of class 1
        True
        """
        return self._resample(X, y)

    def _resample(self, X, y, extra=None, fill="null"):
        """:meth:`partial_fit_resample` of one chunk, with its passthrough columns ``extra``
        (a pandas or polars DataFrame, or None) filled by ``fill`` on synthetic rows."""
        given = X, y
        checked = self._take(X, y)
        if checked is None:
            X, y = _as_output(X, y)
            return Batch(X, y, np.zeros(len(y), dtype=bool), passthrough=extra)
        X, y = checked
        n = X.shape[0]
        pt = None
        if extra is not None:
            pt = self._passthrough_of(fill)
            if fill == "parent":
                self._keep_window_side(pt, extra, self._layout.labels(y), self._n_rows - n)
            extra = pt.originals(extra)
        syn = self._emit(None, start=n, passthrough=pt)
        polars = self._layout.polars
        if polars is not None:  # the polars chunk as given
            X, y = given[0], polars.labels(given[1])
        elif self._layout.kind == "pandas":
            X = X.reset_index(drop=True)
            y = y.reset_index(drop=True)
        mark = np.zeros(n, dtype=bool)
        none = (np.full(n, -1), np.full(n, -1), np.full(n, np.nan))
        if syn[0] is None:
            return Batch(X, y, mark, provenance=none, passthrough=extra)
        X_out, y_out = concat(self._layout, [X, syn.X], [y, syn.y])
        provenance = tuple(map(np.concatenate, zip(none, syn.provenance, strict=True)))
        if extra is not None:
            extra = _passthrough.concat([extra, syn.passthrough])
        mark = np.r_[mark, syn.synthetic]
        return Batch(X_out, y_out, mark, provenance=provenance, passthrough=extra)

    def generate_owed(self, classes=None):
        """Emit the synthetic rows owed now (all classes, or only ``classes``).

        Parameters
        ----------
        classes : iterable of labels, optional
            Serve only these classes; the others keep what they are owed.

        Returns
        -------
        X_synthetic, y_synthetic : ndarray/DataFrame and ndarray/Series
            In the stream's container (possibly with 0 rows); when there are rows, a
            :class:`~streamsmote._batch.Batch` whose ``.provenance`` names each row's parent
            and neighbour rows of the stream (see :meth:`partial_fit_resample`).

        Examples
        --------
        >>> import numpy as np
        >>> osm = OnlineSMOTE(k_neighbors=1, random_state=0)
        >>> osm = osm.partial_fit(np.array([[0.0], [1.0], [2.0], [10.0], [11.0]]),
        ...                       np.array([0, 0, 0, 1, 1]))
        >>> osm.n_owed_
        {1: 1}
        >>> X_s, y_s = osm.generate_owed()
        >>> bool(10.0 <= X_s[0, 0] <= 11.0), y_s.tolist(), osm.n_owed_
        (True, [1], {})
        """
        self._check_started()
        if self._layout is None:
            return np.empty((0, 0)), np.empty(0)
        synthetic = self._emit(classes, start=0)
        if synthetic[0] is None:
            empty = np.empty((0, self._layout.n_features), dtype=self._layout.work_dtype)
            return self._layout.make_X(empty), self._layout.make_y(self.classes_[0], 0)
        return synthetic

    def resample_stream(self, chunks):
        """Resample a stream of ``(X, y)`` chunks lazily.

        Parameters
        ----------
        chunks : iterable of (X, y)
            Any iterable of pairs, e.g. a generator, a list, or a source of
            :mod:`streamsmote.sources`. The passthrough columns of a source's chunks
            (``passthrough=[...]``) come out with their rows, and on synthetic rows as the
            source's ``passthrough_fill`` says: nulls, or the parent row's values (kept for
            the rows in the windows only).

        Yields
        ------
        Batch
            ``(X_out, y_out)`` as :meth:`partial_fit_resample` returns them; ``.synthetic``
            marks the synthetic rows, ``.provenance`` says where they come from and
            ``.passthrough`` holds the passthrough columns (None without).

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(1)
        >>> chunks = [(rng.normal(size=(50, 3)), np.r_[np.zeros(45, int), np.ones(5, int)])
        ...           for _ in range(4)]
        >>> out = list(OnlineSMOTE(k_neighbors=3, random_state=0).resample_stream(chunks))
        >>> [int((b.y == 1).sum()) for b in out]
        [45, 45, 45, 45]
        >>> int(out[0].synthetic.sum())
        40
        """
        fill = getattr(chunks, "passthrough_fill", "null")
        for item in chunks:
            X, y = item
            yield self._resample(X, y, getattr(item, "passthrough", None), fill)

    # ------------------------------------------------------------------ steps

    def _take(self, X, y):
        if not hasattr(self, "_checker"):
            self._start()
        else:
            changed = [n for n in self._structural if not _same(getattr(self, n), self._frozen[n])]
            if changed:
                raise ValueError(
                    f"{changed} changed after the first chunk (was "
                    f"{ {n: self._frozen[n] for n in changed} }); a stream's windows cannot "
                    "change shape. Create a new OnlineSMOTE (sklearn.clone(osm)) to start over."
                )
        checked = self._checker.check(X, y)
        if checked is None:
            return None
        X, y = checked
        if self._layout is None:
            self._layout = Layout(X, y, polars=self._checker.polars)
            self.n_features_in_ = self._layout.n_features
            if self._layout.kind == "pandas" and all(isinstance(c, str) for c in X.columns):
                self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self._ingest(self._layout.values(X), self._layout.labels(y))
        return X, y

    def _ingest(self, values, labels):
        """Counts, windows and plan from a validated work matrix and its label array; each
        window row keeps its row number in the stream (for the provenance)."""
        first = self._n_rows
        self._count(labels)
        if labels.shape[0] == 1:  # one row at a time (river): skip the grouping
            self._window(_strategy._py(labels[0])).add(values, ids=np.array([first]))
        else:
            for c in sorted(_strategy.class_counts(labels)):
                at = np.flatnonzero(labels == c)
                self._window(c).add(values[at], ids=first + at)
        self._plan()

    def _passthrough_of(self, fill):
        """The stream's :class:`~streamsmote._passthrough.Passthrough` (made by the first
        chunk with passthrough columns)."""
        pt = self._passthrough
        if pt is None or pt.fill != fill:
            pt = self._passthrough = _passthrough.Passthrough(fill)
        return pt

    def _keep_window_side(self, pt, extra, labels, first):
        """For the parent fill: the passthrough rows of exactly the rows in each window,
        after a chunk (``extra``, its stream rows from ``first``) went in; bounded by the
        windows, as the rows are."""
        for c in _strategy.class_counts(labels):
            in_window = self._windows[c].window_ids()
            at = np.flatnonzero(labels == c)
            new = first + at
            kept, table = pt.tables.get(c, (np.empty(0, np.int64), None))
            old = np.isin(kept, in_window)
            fresh = np.isin(new, in_window)
            parts = [_passthrough.rows(extra, at[fresh])]
            if table is not None:  # the older rows first: row numbers stay sorted
                parts.insert(0, _passthrough.rows(table, np.flatnonzero(old)))
            pt.keep(c, np.r_[kept[old], new[fresh]], _passthrough.concat(parts))

    def _count(self, labels):
        m = labels.shape[0]
        if m == 1:
            uniq, codes = labels, np.zeros(1, dtype=np.intp)
        else:
            uniq, codes = np.unique(labels, return_inverse=True)
        if self.half_life is None:
            added = np.bincount(codes, minlength=uniq.size).astype(np.int64)
        else:
            lam = 2.0 ** (-1.0 / float(self.half_life))
            scale = lam**m
            for c in self._counts:
                self._counts[c] *= scale
                self._synth[c] *= scale
            weights = lam ** np.arange(m - 1, -1, -1, dtype=np.float64)
            added = np.bincount(codes, weights=weights, minlength=uniq.size)
        for label, a in zip(uniq, added, strict=True):
            c = _strategy._py(label)
            self._counts[c] = self._counts.get(c, 0) + a.item()
            self._synth.setdefault(c, 0)
            self.n_synthetic_.setdefault(c, 0)
        self._n_rows += m
        self.class_counts_ = dict(sorted(self._counts.items()))
        self.classes_ = np.array(list(self.class_counts_))

    def _window(self, c):
        index = self._windows.get(c)
        if index is None:
            index = IncrementalKNN(
                self.k_neighbors,
                self.window,
                self._layout.n_features,
                dtype=self._layout.work_dtype,
                method=self._method(),
                window_kind=self.window_kind,
                random_state=int(self._rng.integers(2**63)),
            )
            self._windows[c] = index
        return index

    def _plan(self):
        counts = {c: int(round(v)) for c, v in self.class_counts_.items()}
        counts = {c: v for c, v in counts.items() if v > 0}
        self._owed = {}
        if len(counts) >= 2:
            want = _online_plan(self.sampling_strategy, counts)
            for c, n_new in want.items():
                owed = n_new - int(round(self._synth[c]))
                if owed > 0:
                    self._owed[c] = owed
        self.n_owed_ = dict(self._owed)

    def _emit(self, classes, start, passthrough=None):
        """Synthetic rows owed to ``classes`` (all by default) as a :class:`Batch` in the
        stream's container, with their provenance (and their passthrough rows when
        ``passthrough`` is the stream's :class:`~streamsmote._passthrough.Passthrough`), or
        ``(None, None)`` when there are none."""
        wanted = sorted(self._owed) if classes is None else sorted(set(classes) & set(self._owed))
        k = self.k_neighbors
        parts_X, parts_y, provenance, extras = [], [], [], []
        for c in wanted:
            index = self._windows[c]
            n_c = index.n_rows
            if n_c <= k:
                continue
            n_new = self._owed[c]
            Xw, nn = index.kneighbors()
            base = self._rng.integers(0, n_c, size=n_new)
            slot = self._rng.integers(0, k, size=n_new)
            gaps = self._rng.random(n_new)
            out = np.empty((n_new, Xw.shape[1]), dtype=Xw.dtype)
            interpolate(Xw, nn, base, slot, gaps, out)
            parts_X.append(self._layout.make_X(out, start))
            parts_y.append(self._layout.make_y(c, n_new, start))
            ids = index.window_ids()  # stream row numbers of the window's slots
            provenance.append((ids[base], ids[nn[base, slot]], gaps))
            if passthrough is not None:
                extras.append(passthrough.synthetic(c, ids[base], start))
            start += n_new
            self._synth[c] += n_new
            self.n_synthetic_[c] += n_new
            del self._owed[c]
        self.n_owed_ = dict(self._owed)
        if not parts_X:
            return None, None
        if len(parts_X) == 1:
            X, y = parts_X[0], parts_y[0]
        else:
            X, y = concat(self._layout, parts_X, parts_y)
        return Batch(
            X,
            y,
            np.ones(len(y), dtype=bool),
            provenance=tuple(map(np.concatenate, zip(*provenance, strict=True))),
            passthrough=_passthrough.concat(extras) if extras else None,
        )

    def _check_started(self):
        if not hasattr(self, "_checker"):
            raise RuntimeError(
                "This OnlineSMOTE has seen no chunk yet: call partial_fit(X, y) or "
                "partial_fit_resample(X, y) first."
            )

    def nbytes(self):
        """Bytes held by the class windows and their graphs (the state grows with
        ``window * n_classes``, never with the length of the stream)."""
        return sum(index.nbytes() for index in getattr(self, "_windows", {}).values())

    def __sklearn_tags__(self):
        from ._sklearn import sampler_tags

        return sampler_tags(self)


def _online_plan(sampling_strategy, counts):
    """:func:`streamsmote.strategy.plan` for running counts: dict and float targets that a
    class has already outgrown mean 0 rows instead of an error."""
    s = sampling_strategy
    if isinstance(s, Real) and not isinstance(s, bool) and len(counts) == 2 and 0 < s <= 1:
        major = max(counts, key=counts.get)
        s = {c: max(n, int(counts[major] * s)) for c, n in counts.items() if c != major}
    if isinstance(s, Mapping):
        s = {
            _strategy._py(c): (max(n, counts[_strategy._py(c)]) if _is_int(n) else n)
            for c, n in s.items()
            if _strategy._py(c) in counts
        }
    return _strategy.plan(s, counts)


def _is_int(n):
    return isinstance(n, Integral) and not isinstance(n, bool)


def _same(a, b):
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001 - odd objects: treat as changed only if not identical
        return a is b


def _as_output(X, y):
    """An empty chunk comes back as it was given."""
    return X, y
