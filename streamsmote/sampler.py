"""SMOTE: in memory (``fit_resample``) and out of core (``fit``, ``generate``,
``resample_chunks``).

The flow, top to bottom::

    source (chunks) → validate → plan → minority store → neighbour graph → draws → kernel → yield

1. *source*: :func:`streamsmote.sources.as_source` turns arrays, files or generators into
   chunks of ``(X, y)``, each checked against the first.
2. *plan*: class counts → ``sampling_strategy_ = {class: n_new}`` (:mod:`streamsmote.strategy`).
3. *store*: rows of the classes that may need synthetic rows (:mod:`streamsmote.store`),
   within a memory budget, never the majority once the budget is reached.
4. *graph*: k nearest neighbours within each class (:mod:`streamsmote.neighbors`).
5. *draws*: per class, imbalanced-learn's ``randint`` then ``uniform`` streams
   (:mod:`streamsmote._draws`), batch by batch.
6. *kernel*: ``x + gap * (x_nn - x)`` (:mod:`streamsmote.kernels.interpolate`), yielded in the
   input's container (:mod:`streamsmote._layout`).
"""

import copy
import warnings
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd

from . import strategy as _strategy
from ._batch import Batch
from ._config import DEFAULT_MEMORY_LIMIT
from ._constraints import HasMethods, Interval, ParameterConstraints, StrOptions, validate_params
from ._draws import ClassDraws
from ._layout import CallerFormat, Layout, concat
from ._threads import run_rows
from ._validation import ChunkChecker, _is_sparse, check_chunksize
from .kernels.interpolate import interpolate
from .neighbors import METHODS, kneighbors
from .store import MinorityStore

ORDERS = ("append", "interleave")
DEFAULT_BATCH = 100_000


class _ParamsMixin:
    """``get_params``/``set_params``/``repr`` as scikit-learn defines them, without importing
    scikit-learn (so that ``sklearn.clone`` and imblearn's ``Pipeline`` accept the sampler)."""

    _param_names = ()

    def get_params(self, deep=True):
        return {name: getattr(self, name) for name in self._param_names}

    def set_params(self, **params):
        for name, value in params.items():
            if name not in self._param_names:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}; valid parameters "
                    f"are {list(self._param_names)}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = type(self)().get_params()
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if not _same(v, defaults[k])]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(a, b):
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001 - arrays, odd objects: show them
        return False


def parse_memory(value, name="memory_limit"):
    """Bytes from an int or a string such as ``"512MB"`` or ``"2GiB"``.

    Examples
    --------
    >>> parse_memory("512MB"), parse_memory("1GiB"), parse_memory(1000)
    (512000000, 1073741824, 1000)
    """
    if value is None:
        return DEFAULT_MEMORY_LIMIT
    if isinstance(value, Integral) and not isinstance(value, bool) and value > 0:
        return int(value)
    if isinstance(value, str):
        units = {
            "KIB": 2**10,
            "MIB": 2**20,
            "GIB": 2**30,
            "TIB": 2**40,
            "KB": 10**3,
            "MB": 10**6,
            "GB": 10**9,
            "TB": 10**12,
            "B": 1,
            "": 1,
        }
        text = value.strip().upper().replace(" ", "")
        for unit in sorted(units, key=len, reverse=True):
            if text.endswith(unit):
                try:
                    number = float(text[: len(text) - len(unit)])
                except ValueError:
                    break
                if number > 0:
                    return int(number * units[unit])
                break
    raise ValueError(
        f"{name} must be a positive number of bytes or a string like '512MB' or '2GiB'; "
        f"got {value!r}."
    )


class SMOTE(_ParamsMixin):
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
    neighbors : {"auto", "exact", "approx"}, default="auto"
        Neighbour search: an exact numba kernel, pynndescent, or whichever is faster for each
        class's size (:func:`streamsmote.neighbors.choose`). Not used when ``k_neighbors`` is
        an object.
    memory_limit : int or str, default=None
        Bytes (or ``"512MB"``) of rows the streaming store keeps in RAM before it drops the
        largest class or spills to disk; ``None`` means 128 MiB.

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

    _param_names = (
        "k_neighbors",
        "sampling_strategy",
        "random_state",
        "neighbors",
        "memory_limit",
    )
    # what imbalanced-learn's ensembles (BalancedBaggingClassifier, ...) read to plan a sampler
    _sampling_type = "over-sampling"
    _parameter_constraints = ParameterConstraints(
        {
            "k_neighbors": [
                Interval(Integral, 1, None, closed="left"),
                HasMethods(["kneighbors", "kneighbors_graph"]),
            ],
            "sampling_strategy": [
                Interval(Real, 0, 1, closed="right"),
                StrOptions(_strategy.STRING_STRATEGIES),
                Mapping,
                callable,
            ],
            "random_state": ["random_state"],
            "neighbors": [StrOptions(METHODS)],
            "memory_limit": [None, Interval(Integral, 1, None, closed="left"), str],
        },
        hints={
            "k_neighbors": "Pass the number of neighbours per row (usually 5) or a "
            "nearest-neighbours object such as NearestNeighbors(n_neighbors=6).",
            "sampling_strategy": "A float is the minority/majority ratio wanted (two classes "
            "only), a dict {class: rows wanted}, a callable y -> such a dict.",
            "random_state": "numpy.random.Generator is not supported: imbalanced-learn's draws "
            "use the legacy RandomState.",
            "neighbors": "'exact' is the reference search, 'approx' an approximate graph, "
            "'auto' picks by class size.",
            "memory_limit": "Pass a number of bytes or a string like '512MB' or '2GiB'.",
        },
    )

    def __init__(
        self,
        k_neighbors=5,
        sampling_strategy="auto",
        random_state=None,
        neighbors="auto",
        memory_limit=None,
    ):
        self.k_neighbors = k_neighbors
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.neighbors = neighbors
        self.memory_limit = memory_limit

    # ------------------------------------------------------------------ parameters

    def _check_params(self):
        validate_params(self)
        parse_memory(self.memory_limit)

    # ------------------------------------------------------------------ in memory

    def fit_resample(self, X, y):
        """Resample an in-memory data set; a drop-in for imbalanced-learn's ``fit_resample``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features (dense).
        y : array-like or Series of shape (n_samples,)
            Class labels of any dtype.

        Returns
        -------
        X_resampled : ndarray or DataFrame
            The rows of ``X`` in order, then one block of synthetic rows per class in sorted
            label order. Same container, columns and dtypes as ``X``.
        y_resampled : ndarray or Series
            Labels, same container, name and dtype as ``y``. As in imbalanced-learn, lists
            come back as lists, a one-column DataFrame ``y`` as a DataFrame and a one-hot
            ``y`` one-hot.

        Raises
        ------
        ValueError
            Bad parameters, non-numeric or non-finite features, a length mismatch, a single
            class, or a class with no more than ``k_neighbors`` rows.
        """
        self._check_params()
        caller = CallerFormat(X, y)
        X, y = self._check_arrays(*caller.inputs())
        layout = Layout(X, y)
        values = layout.values(X)
        labels = layout.labels(y)
        self._set_fit_info(layout, X.shape[0])
        self._plan(_strategy.class_counts(labels), y=labels)
        data = {}
        for c in self._needed():
            rows = np.flatnonzero(labels == c)
            data[c] = (values[rows], rows)
        self._build(data)
        needed = self._needed()
        sizes = [self._draws[c].n_new for c in needed]
        # An ndarray that is its own work matrix: one output array, the input copied into it
        # by the threads and the synthetic rows written in place (no blocks, no second copy).
        in_place = layout.kind == "numpy" and X.dtype == values.dtype and not layout.rounded.any()
        X_res = _with_room(values, sum(sizes)) if in_place else None
        parts_X = [X.reset_index(drop=True) if layout.kind == "pandas" else X]
        parts_y = [y.reset_index(drop=True) if layout.kind == "pandas" else y]
        prov = []
        start = X.shape[0]
        for c, n_c in zip(needed, sizes, strict=True):
            self._draws[c].rewind()
            out = X_res[start : start + n_c] if in_place else None
            Xs, p = self._synthesize(c, n_c, out=out)
            if not in_place:
                parts_X.append(layout.make_X(Xs, start))
            parts_y.append(layout.make_y(c, n_c, start))
            prov.append(p)
            start += n_c
        self.provenance_ = _provenance_frame(prov)
        if in_place:
            return caller.restore(X_res, np.concatenate(parts_y))
        return caller.restore(*concat(layout, parts_X, parts_y))

    def _check_arrays(self, X, y):
        try:
            checked = ChunkChecker(where="X").check(X, y)
        except (TypeError, ValueError) as exc:
            raise type(exc)(str(exc).replace("chunk 0 of X: ", "", 1)) from None
        if checked is None:
            raise ValueError(
                "Found array with 0 sample(s) (shape=(0, ...)) while a minimum of 1 is "
                "required: X has no rows."
            )
        X, y = checked
        if X.shape[1] == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is "
                "required: X has no columns."
            )
        return X, y

    # ------------------------------------------------------------------ streaming

    def fit(self, source, y=None, *, class_counts=None, progress=False):
        """Count classes, store the minority rows and build their neighbour graphs.

        Parameters
        ----------
        source : source, (X, y) tuple, callable or iterator
            Anything :func:`streamsmote.sources.as_source` accepts; or an array/DataFrame
            ``X`` with ``y`` as the second argument.
        y : array-like, optional
            Labels, required when ``source`` is an in-memory ``X`` (which is then checked as
            :meth:`fit_resample` checks it).
        class_counts : dict, optional
            ``{class: rows}`` of the whole source, when known: the store then keeps only the
            classes that need synthetic rows and never has to guess.
        progress : bool, default=False
            A tqdm progress bar over rows read (needs ``streamsmote[progress]``).

        Returns
        -------
        self
        """
        src = self._source(source, y, progress)
        for _ in self._scan(src, class_counts):
            pass
        return self

    def generate(self, batch_size=DEFAULT_BATCH):
        """Yield the synthetic rows only, class by class in label order, in batches.

        Parameters
        ----------
        batch_size : int, default=100_000

        Yields
        ------
        Batch
            ``(X_synthetic, y_synthetic)`` in the source's container.
        """
        self._check_fitted()
        batch_size = check_chunksize(batch_size, "batch_size")
        start = self._n_rows
        for c in self._needed():
            draws = self._draws[c]
            draws.rewind()
            while draws.taken < draws.n_new:
                Xs, _ = self._synthesize(c, batch_size)
                n = Xs.shape[0]
                yield Batch(
                    self._layout.make_X(Xs, start),
                    self._layout.make_y(c, n, start),
                    np.ones(n, dtype=bool),
                )
                start += n

    def provenance(self, batch_size=DEFAULT_BATCH):
        """Yield the provenance of the synthetic rows in :meth:`generate` order.

        Yields
        ------
        DataFrame
            Columns ``class``, ``parent``, ``neighbor`` (global input row numbers) and
            ``gap``, one row per synthetic row.
        """
        self._check_fitted()
        for c in self._needed():
            draws = self._draws[c]
            draws.rewind()
            while draws.taken < draws.n_new:
                yield _provenance_frame([self._synthesize(c, batch_size, rows_only=True)[1]])

    def resample_chunks(
        self,
        source,
        order="append",
        *,
        shuffle=False,
        batch_size=None,
        class_counts=None,
        progress=False,
    ):
        """Yield the resampled data set in chunks: every original row once, in input order,
        plus the synthetic rows.

        Parameters
        ----------
        source : source, (X, y) tuple, callable or iterator
            See :func:`streamsmote.sources.as_source`.
        order : {"append", "interleave"}, default="append"
            ``"append"`` reads the source once: originals as read, then the synthetic rows.
            ``"interleave"`` reads it twice (fit, then emit) and adds to each chunk each
            class's synthetic rows in proportion to the rows emitted so far, so that every
            batch is balanced (for ``partial_fit`` learners).
        shuffle : bool, default=False
            With ``"interleave"``, mix the rows inside each batch (seeded by
            ``random_state``).
        batch_size : int, optional
            Rows per synthetic batch with ``"append"``; by default the source's chunk size.
        class_counts : dict, optional
            ``{class: rows}`` of the whole source, if known (see :meth:`fit`).
        progress : bool, default=False
            A tqdm progress bar over rows read.

        Yields
        ------
        Batch
            ``(X, y)`` in the source's container; ``batch.synthetic`` marks synthetic rows.

        Raises
        ------
        ValueError
            For ``"interleave"`` (or a wrong guess of the store) on a one-shot iterator, with
            how to make the source re-iterable.
        """
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}; got {order!r}.")
        src = self._source(source, None, progress)
        if order == "append":
            for X, y in self._scan(src, class_counts):
                yield Batch(X, y, np.zeros(len(y), dtype=bool))
            size = batch_size or getattr(src, "chunksize", None) or DEFAULT_BATCH
            yield from self.generate(size)
            return
        if not src.reiterable:
            raise ValueError(
                'order="interleave" reads the source twice (fit, then emit), but it is a '
                "one-shot iterator. Pass a re-iterable source: from_chunks(lambda: "
                "make_chunks()), from_arrays, read_csv or read_parquet."
            )
        if shuffle and self.random_state is None:
            warnings.warn(
                "shuffle=True with random_state=None: the order is not reproducible.", stacklevel=2
            )
        self.fit(src, class_counts=class_counts)
        yield from self._interleave(src, shuffle)

    def _interleave(self, src, shuffle):
        total = self._n_rows
        needed = self._needed()
        for c in needed:
            self._draws[c].rewind()
        # global synthetic numbering: class blocks in label order, as generate() yields them
        first = {}
        start = total
        for c in needed:
            first[c] = start
            start += self._draws[c].n_new
        seed = _seed_of(self.random_state)
        seen = 0
        for i, (X, y) in enumerate(src):
            seen += len(y)
            parts_X, parts_y = [X], [y]
            for c in needed:
                draws = self._draws[c]
                due = draws.n_new * min(seen, total) // total - draws.taken
                if due > 0:
                    s = first[c] + draws.taken
                    Xs, _ = self._synthesize(c, due)
                    parts_X.append(self._layout.make_X(Xs, s))
                    parts_y.append(self._layout.make_y(c, Xs.shape[0], s))
            Xb, yb = concat(self._layout, parts_X, parts_y)
            mark = np.zeros(len(yb), dtype=bool)
            mark[len(y) :] = True
            if shuffle:
                perm = np.random.default_rng([seed, i]).permutation(len(yb))
                Xb = Xb.iloc[perm] if self._layout.kind == "pandas" else Xb[perm]
                yb = yb.iloc[perm] if self._layout.kind == "pandas" else yb[perm]
                mark = mark[perm]
            yield Batch(Xb, yb, mark)
        if seen != total:
            raise RuntimeError(
                f"The source yielded {seen} rows on the emit pass but {total} on the fit pass; "
                "it changed between the two passes of order='interleave'."
            )

    # ------------------------------------------------------------------ the flow

    def _source(self, source, y, progress):
        from .sources import as_source, from_arrays

        self._check_params()
        if y is not None:  # in-memory X: checked as fit_resample checks it
            X, y = self._check_arrays(*CallerFormat(source, y).inputs())
            return from_arrays(X, y, chunksize=len(y), progress=progress)
        if isinstance(source, np.ndarray | pd.DataFrame) or _is_sparse(source):
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None: "
                "call fit(X, y), or pass a source of (X, y) chunks (from_arrays, read_csv, "
                "read_parquet, from_chunks)."
            )
        src = as_source(source, progress=progress)
        if progress and not src.progress:
            src = copy.copy(src)
            src.progress = True
        return src

    def _scan(self, src, class_counts):
        """One pass over ``src``: yield its chunks while counting classes and storing rows;
        at the end, plan, fetch any class the store guessed wrong, and build the graphs."""
        counts = {}
        store = None
        layout = None
        n = 0
        keep = None
        if class_counts is not None:
            keep = [
                c for c, m in _strategy.plan(self.sampling_strategy, class_counts).items() if m > 0
            ]
        try:
            for X, y in src:
                if layout is None:
                    layout = Layout(X, y)
                    # Under string and float strategies the final majority never gets
                    # synthetic rows: drop the dominant class early, if a wrong guess only
                    # costs a second read.
                    dominant = src.reiterable and isinstance(self.sampling_strategy, str | float)
                    store = MinorityStore(
                        layout.n_features,
                        layout.work_dtype,
                        parse_memory(self.memory_limit),
                        keep=keep,
                        drop_dominant=dominant,
                    )
                labels = layout.labels(y)
                for c, m in _strategy.class_counts(labels).items():
                    counts[c] = counts.get(c, 0) + m
                store.count(counts)
                _store_chunk(store, layout, X, labels, n)
                n += len(labels)
                yield X, y
            if layout is None:
                raise ValueError(f"{src!r} yielded no rows; there is nothing to resample.")
            if class_counts is not None and {k: int(v) for k, v in class_counts.items()} != counts:
                raise ValueError(
                    f"class_counts={class_counts} does not match the source, which holds "
                    f"{counts}. Pass the exact counts, or leave class_counts out."
                )
            self._set_fit_info(layout, n)
            self._plan(counts)
            missing = [c for c in self._needed() if c in store.dropped]
            if missing:
                self._reread(src, store, missing)
            self._build({c: store.finish(c) for c in self._needed()})
        finally:
            if store is not None:
                store.close()

    def _reread(self, src, store, missing):
        if not src.reiterable:
            raise ValueError(
                f"The row store (memory_limit={self.memory_limit!r}) dropped class(es) "
                f"{missing} before it was known that they need synthetic rows, and the source "
                "is a one-shot iterator that cannot be read again. Pass class_counts=... "
                "(e.g. from `streamsmote inspect`), raise memory_limit, or pass a re-iterable "
                "source (from_chunks(lambda: make_chunks()), read_csv, read_parquet)."
            )
        warnings.warn(
            f"Reading the source again for class(es) {missing}: the store dropped them at its "
            "memory limit before the class counts were known. Pass class_counts=... to read "
            "once.",
            stacklevel=4,
        )
        again = MinorityStore(store.n_features, store.dtype, store.memory_limit, keep=missing)
        try:
            n = 0
            for X, y in src:
                labels = self._layout.labels(y)
                _store_chunk(again, self._layout, X, labels, n)
                n += len(labels)
        except BaseException:
            again.close()  # and its spill folder
            raise
        store.adopt(again, missing)  # store.close() then removes again's spill folder too

    def _set_fit_info(self, layout, n_rows):
        """Layout, row count and the scikit-learn fitted attributes of the data just seen
        (one place for in-memory, streaming and Dask fits)."""
        self._layout = layout
        self._n_rows = n_rows
        self.n_features_in_ = layout.n_features
        if layout.kind == "pandas" and all(isinstance(c, str) for c in layout.columns):
            self.feature_names_in_ = np.asarray(layout.columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _plan(self, counts, y=None):
        self.class_counts_ = dict(sorted(counts.items()))
        self.classes_ = np.array(list(self.class_counts_))
        self.sampling_strategy_ = _strategy.plan(self.sampling_strategy, counts, y=y)

    def _needed(self):
        return [c for c, n in self.sampling_strategy_.items() if n > 0]

    def _build(self, data):
        """Neighbour graph and draw cursor of every class that needs synthetic rows."""
        given = not isinstance(self.k_neighbors, Integral)  # a neighbours object
        n_nn = getattr(self.k_neighbors, "n_neighbors", None) if given else self.k_neighbors + 1
        for c in self._needed():
            n_c = data[c][0].shape[0]
            if n_nn is not None and n_c < n_nn:
                lower = "its n_neighbors (to at most" if given else "k_neighbors (to at most"
                raise ValueError(
                    f"k_neighbors={self.k_neighbors!r} needs at least {n_nn} rows of class "
                    f"{c!r}; got {n_c}. Lower {lower} {max(n_c - 1 + given, 0)}), or leave the "
                    "class out of sampling_strategy."
                )
        seed_rs = self.random_state
        shared = isinstance(seed_rs, np.random.RandomState)
        if seed_rs is None:
            seed_rs = int(np.random.SeedSequence().generate_state(1)[0])
        self._seed = seed_rs if not shared else None
        self._data, self._nn, self._draws = {}, {}, {}
        self._nn_estimator = _clone(self.k_neighbors) if given else None
        state = seed_rs.get_state() if shared else None
        for c in self._needed():
            X_c, rows = data[c]
            if given:  # used as given, exactly as imbalanced-learn's SMOTE uses it
                nn = self._nn_estimator.fit(X_c).kneighbors(X_c, return_distance=False)
                self._nn[c] = np.ascontiguousarray(nn[:, 1:], dtype=np.int64)
            else:
                graph_seed = seed_rs if isinstance(seed_rs, Integral) else None
                self._nn[c] = kneighbors(
                    X_c, self.k_neighbors, method=self.neighbors, random_state=graph_seed
                )
            self._data[c] = (X_c, rows)
            start = state if shared else np.random.RandomState(seed_rs).get_state()
            n_slots = X_c.shape[0] * self._nn[c].shape[1]
            self._draws[c] = ClassDraws(start, n_slots, self.sampling_strategy_[c])
            if shared:
                state = self._draws[c].end_state()
        if shared:
            seed_rs.set_state(state)

    @property
    def nn_k_(self):
        """The nearest-neighbours estimator of the last fit, as imbalanced-learn's ``nn_k_``:
        the clone of a ``k_neighbors`` object (fitted on the last class resampled), or, for an
        int, an unfitted ``sklearn.neighbors.NearestNeighbors(n_neighbors=k_neighbors + 1)``
        (streamsmote's own search built the graph; needs scikit-learn)."""
        if not hasattr(self, "_draws"):
            raise AttributeError(f"{type(self).__name__} has no nn_k_ before it is fitted.")
        if self._nn_estimator is not None:
            return self._nn_estimator
        try:
            from sklearn.neighbors import NearestNeighbors
        except ImportError as exc:
            raise AttributeError("nn_k_ needs scikit-learn for an int k_neighbors.") from exc
        k = next(iter(self._nn.values())).shape[1] if self._nn else self.k_neighbors
        return NearestNeighbors(n_neighbors=k + 1)

    def _synthesize(self, c, n, rows_only=False, out=None):
        """The next ``n`` synthetic rows of class ``c`` (work matrix, or written into
        ``out``) and their provenance."""
        X_c, rows = self._data[c]
        nn = self._nn[c]
        k = nn.shape[1]
        idx, gaps = self._draws[c].take(n)
        base = idx // k
        slot = idx % k
        prov = (c, rows[base], rows[nn[base, slot]], gaps)
        if rows_only:
            return None, prov
        if out is None:
            out = np.empty((idx.shape[0], X_c.shape[1]), dtype=X_c.dtype)
        interpolate(X_c, nn, base, slot, gaps, out)
        return out, prov

    def _check_fitted(self):
        if not hasattr(self, "_draws"):
            raise RuntimeError(
                "This SMOTE is not fitted yet: call fit(source) (or resample_chunks) first."
            )

    def get_feature_names_out(self, input_features=None):
        """Names of the resampled features: the input's (SMOTE adds rows, not columns).

        Parameters
        ----------
        input_features : array-like of str, optional
            Must equal ``feature_names_in_`` when it exists; by default ``feature_names_in_``
            or ``x0, x1, ...``.

        Returns
        -------
        ndarray of object
        """
        from ._sklearn import feature_names_out

        return feature_names_out(self, input_features)

    def __sklearn_tags__(self):
        from ._sklearn import sampler_tags

        return sampler_tags(self)


def _clone(estimator):
    """An unfitted copy of a neighbours object: ``sklearn.base.clone``, as imbalanced-learn
    clones it, or a deep copy of an object that is no scikit-learn estimator."""
    try:
        from sklearn.base import clone
    except ImportError:
        return copy.deepcopy(estimator)
    return clone(estimator, safe=False)


def _with_room(X, n_more):
    """A new array holding the rows of ``X`` (copied by the threads) then ``n_more`` rows
    left to fill."""
    out = np.empty((X.shape[0] + n_more, X.shape[1]), dtype=X.dtype)
    run_rows(lambda lo, hi: np.copyto(out[lo:hi], X[lo:hi]), X.shape[0], min_rows=1 << 16)
    return out


def _store_chunk(store, layout, X, labels, offset):
    """Hand a chunk's rows to the store, converting only the rows it keeps."""
    rows = store.wanted(labels)
    if rows is None or rows.size > 0.5 * len(labels):
        store.add(layout.values(X), labels, offset)
    elif rows.size:
        part = X.iloc[rows] if layout.kind == "pandas" else X[rows]
        store.add(layout.values(part), labels[rows], offset, rows=rows)


def _seed_of(random_state):
    """An int seed: the int itself, one drawn from a RandomState instance (reproducible for a
    given instance state), or fresh entropy for None."""
    if isinstance(random_state, Integral):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31))
    return int(np.random.SeedSequence().generate_state(1)[0])


def _provenance_frame(parts):
    if not parts:
        return pd.DataFrame(
            {
                "class": [],
                "parent": np.empty(0, np.int64),
                "neighbor": np.empty(0, np.int64),
                "gap": np.empty(0),
            }
        )
    return pd.DataFrame(
        {
            "class": np.concatenate([np.full(len(p[1]), p[0]) for p in parts]),
            "parent": np.concatenate([p[1] for p in parts]),
            "neighbor": np.concatenate([p[2] for p in parts]),
            "gap": np.concatenate([p[3] for p in parts]),
        }
    )
