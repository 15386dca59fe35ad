"""The flow of every SMOTE variant: in memory (``fit_resample``) and out of core (``fit``,
``generate``, ``resample_chunks``).

The flow, top to bottom::

    source (chunks) → validate → plan → minority store → neighbour graph → draws → kernel → yield

1. *source*: :func:`streamsmote.sources.as_source` turns arrays, files or generators into
   chunks of ``(X, y)``, each checked against the first.
2. *columns*: the variant says which columns are categorical (:meth:`BaseSMOTE._columns`);
   :class:`~streamsmote._layout.Layout` keeps numeric columns in a work matrix and categories
   as int32 codes that grow chunk by chunk. Whole-data statistics a variant needs beyond the
   stored rows are gathered from every chunk (:meth:`BaseSMOTE._observe`).
3. *plan*: class counts → ``sampling_strategy_ = {class: n_new}`` (:mod:`streamsmote.strategy`).
4. *store*: rows of the classes that may need synthetic rows (:mod:`streamsmote.store`),
   within a memory budget, never the majority once the budget is reached.
5. *graph, parents and draws*: per class, the variant's :meth:`BaseSMOTE._fit_class` builds its
   neighbour graph (its metric) and a cursor over imbalanced-learn's random draws.
6. *kernel*: the class's cursor emits the next synthetic rows (interpolation, categorical vote,
   ...), yielded in the input's container (:mod:`streamsmote._layout`).

A variant (:mod:`streamsmote.variants`) overrides only the hooks where it differs.
"""

import copy
import inspect
import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import pandas as pd

from . import _passthrough, _polars
from . import strategy as _strategy
from ._batch import Batch
from ._budget import FitBudget, release_memory
from ._config import DEFAULT_MEMORY_LIMIT
from ._constraints import HasMethods, Interval, ParameterConstraints, StrOptions, validate_params
from ._draws import ClassDraws
from ._layout import CallerFormat, Layout, concat
from ._polars import checked_pair, take
from ._threads import run_rows
from ._validation import ChunkChecker, _is_sparse, check_chunksize, check_sample_weight
from .neighbors import METHODS, kneighbors
from .store import MinorityStore

ORDERS = ("append", "interleave")
DEFAULT_BATCH = 100_000


class _ParamsMixin:
    """``get_params``/``set_params``/``repr`` as scikit-learn defines them, without importing
    scikit-learn (so that ``sklearn.clone`` and imblearn's ``Pipeline`` accept the sampler)."""

    @classmethod
    def _param_names(cls):
        """The parameters of ``__init__``, which stores each under its own name."""
        params = inspect.signature(cls.__init__).parameters.values()
        return [p.name for p in params if p.name != "self" and p.kind != p.VAR_KEYWORD]

    def get_params(self, deep=True):
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        for name, value in params.items():
            if name not in self._param_names():
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}; valid parameters "
                    f"are {self._param_names()}."
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
    """Bytes from an int or a string such as ``"512MB"`` or ``"2GiB"``: finite, at least 1.

    Examples
    --------
    >>> parse_memory("512MB"), parse_memory("1GiB"), parse_memory(1000)
    (512000000, 1073741824, 1000)
    >>> parse_memory("0.5")
    Traceback (most recent call last):
    ...
    ValueError: memory_limit must be a positive number of bytes (finite, at least 1) or ...
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
                size = number * units[unit]
                if np.isfinite(size) and size >= 1:
                    return int(size)
                break
    raise ValueError(
        f"{name} must be a positive number of bytes (finite, at least 1) or a string like "
        f"'512MB' or '2GiB'; got {value!r}."
    )


class BaseSMOTE(_ParamsMixin):
    """The SMOTE flow, written once; variants subclass it and override its hooks.

    Hooks (with SMOTE's behaviour as the default):

    * :meth:`_columns` -- which columns are categorical (none);
    * :meth:`_observe` -- whole-data statistics from every chunk (none);
    * :meth:`_fit_class` -- per class: the neighbour graph (Euclidean), which rows are parents
      and the random draws (uniform, imbalanced-learn's order), and the cursor that emits rows
      (:class:`streamsmote.variants.smote.Interpolation`);
    * :meth:`_min_class_rows` -- the smallest class the variant can sample.
    """

    # what imbalanced-learn's ensembles (BalancedBaggingClassifier, ...) read to plan a sampler
    _sampling_type = "over-sampling"
    # the parameter that sets the within-class neighbours (named in errors)
    _k_param = "k_neighbors"
    # set by streamsmote.dask while it fits: (X_c, k, neighbors) -> graph built on the cluster,
    # or None for the local search
    _graph_builder = None
    # True: an int seed seeds one RandomState for the whole fit, used class after class (as
    # imbalanced-learn's ADASYN calls check_random_state once); False: a fresh one per class
    _one_generator = False
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
            "neighbors": "'exact' is the reference search, 'approx' streamsmote's approximate "
            "graph, 'pynndescent' pynndescent's, 'auto' picks by class size.",
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

    def _memory_bytes(self):
        """``memory_limit`` in bytes, or None when not given (see :mod:`streamsmote._budget`)."""
        return None if self.memory_limit is None else parse_memory(self.memory_limit)

    # ------------------------------------------------------------------ in memory

    def fit_resample(self, X, y, sample_weight=None):
        """Resample an in-memory data set; a drop-in for imbalanced-learn's ``fit_resample``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features (dense).
        y : array-like or Series of shape (n_samples,)
            Class labels of any dtype.
        sample_weight : array-like of shape (n_samples,) or float, optional
            Weights of the rows, checked as scikit-learn checks them (finite, one per row,
            not all zero). They do not change which rows are made; when given, the
            resampled weights are returned too: each original row keeps its weight and a
            synthetic row gets its parent row's (as imbalanced-learn's proposal to resample
            sample weights, PR #463, returns them).

        Returns
        -------
        X_resampled : ndarray or DataFrame
            The rows of ``X`` in order, then one block of synthetic rows per class in sorted
            label order. Same container, columns and dtypes as ``X``.
        y_resampled : ndarray or Series
            Labels, same container, name and dtype as ``y``. As in imbalanced-learn, lists
            come back as lists, a one-column DataFrame ``y`` as a DataFrame and a one-hot
            ``y`` one-hot.
        sample_weight_resampled : ndarray of shape (n_samples_new,)
            Only when ``sample_weight`` is given: the weights of the rows of
            ``X_resampled`` (the parent's weight on a synthetic row; :attr:`provenance_`
            names the parents).

        Raises
        ------
        ValueError
            Bad parameters, non-numeric or non-finite features, a length mismatch, a single
            class, or a class with no more than ``k_neighbors`` rows; ``sample_weight`` of
            the wrong length, non-finite or all zero.

        Notes
        -----
        imbalanced-learn's ``Pipeline`` never passes ``sample_weight`` to a sampler's
        ``fit_resample`` (without metadata routing, ``step__sample_weight`` goes to the
        step's ``fit``; with it, a sampler would have to request the weights), so inside a
        pipeline ``fit_resample`` returns two arrays, as the pipeline expects. To weight the
        synthetic rows, resample before the model: ``X_r, y_r, w_r = sampler.fit_resample(X,
        y, sample_weight=w)``, then ``model.fit(X_r, y_r, sample_weight=w_r)``.

        Examples
        --------
        >>> import numpy as np
        >>> from streamsmote import SMOTE
        >>> X = np.arange(16.0).reshape(8, 2)
        >>> y = np.array([0, 0, 0, 0, 0, 0, 1, 1])
        >>> w = np.array([1, 1, 1, 1, 1, 1, 2, 3])
        >>> sm = SMOTE(k_neighbors=1, random_state=0)
        >>> X_res, y_res, w_res = sm.fit_resample(X, y, sample_weight=w)
        >>> sm.provenance_["parent"].tolist()  # of the four synthetic rows of class 1
        [6, 7, 7, 6]
        >>> w_res[8:].tolist()
        [2.0, 3.0, 3.0, 2.0]
        """
        self._check_params()
        caller = CallerFormat(X, y)
        X, y = self._check_arrays(*caller.inputs())
        weights = None
        if sample_weight is not None:
            weights = check_sample_weight(sample_weight, X.shape[0])
        layout = Layout(X, y, self._columns(X))
        values = layout.values(X)
        codes = layout.codes(X)
        labels = layout.labels(y)
        self._observe(layout, X, labels)
        self._set_fit_info(layout, X.shape[0])
        self._plan(_strategy.class_counts(labels), y=labels)
        self._budget = FitBudget(self._memory_bytes())
        data = {}
        for c in self._needed():
            rows = np.flatnonzero(labels == c)
            data[c] = ClassRows(values[rows], codes[rows], rows)
        self._build(self._with_context(data, [(values, labels)]))
        needed = self._needed()
        sizes = [self._models[c].n_new for c in needed]
        # An ndarray that is its own work matrix: one output array, the input copied into it
        # by the threads and the synthetic rows written in place (no blocks, no second copy).
        in_place = (
            layout.kind == "numpy"
            and X.dtype == values.dtype
            and not layout.rounded.any()
            and not layout.categorical.size
        )
        X_res = _with_room(values, sum(sizes)) if in_place else None
        parts_X = [X.reset_index(drop=True) if layout.kind == "pandas" else X]
        parts_y = [y.reset_index(drop=True) if layout.kind == "pandas" else y]
        prov = []
        start = X.shape[0]
        for c, n_c in zip(needed, sizes, strict=True):
            self._models[c].rewind()
            out = X_res[start : start + n_c] if in_place else None
            Xs, p = self._synthesize(c, n_c, out=out, start=start)
            if not in_place:
                parts_X.append(Xs)
            parts_y.append(layout.make_y(c, n_c, start))
            prov.append(p)
            start += n_c
        self.provenance_ = _provenance_frame(prov)
        if in_place:
            out = caller.restore(X_res, np.concatenate(parts_y))
        else:
            out = caller.restore_blocks(layout, parts_X, parts_y)
        if weights is None:
            return out
        parents = self.provenance_["parent"].to_numpy()
        return (*out, np.concatenate([weights, weights[parents]]))

    def _check_arrays(self, X, y):
        try:
            checked = ChunkChecker(where="X", categorical=self._columns).check(X, y)
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
            ``(X_synthetic, y_synthetic)`` in the source's container; ``batch.provenance``
            holds each row's parent, neighbour and gap (see :meth:`provenance`) and
            ``batch.passthrough`` the source's passthrough columns (nulls or the parent's).
        """
        self._check_fitted()
        batch_size = check_chunksize(batch_size, "batch_size")
        start = self._n_rows
        bounded = self.memory_limit is not None
        for c in self._needed():
            model = self._models[c]
            model.rewind()
            while model.taken < model.n_new:
                Xs, prov = self._synthesize(c, batch_size, start=start)
                yield self._synthetic_batch(c, Xs, prov, start)
                start += len(Xs)
                if bounded:
                    release_memory()  # the consumer's buffers of the batch (a writer's)

    def _synthetic_batch(self, c, Xs, prov, start):
        """A :class:`Batch` of synthetic rows of class ``c`` numbered from ``start``, with
        their provenance and passthrough columns."""
        n = len(Xs)
        _, parents, neighbors, gaps = prov
        pt = getattr(self, "_passthrough", None)
        return Batch(
            Xs,
            self._layout.make_y(c, n, start),
            np.ones(n, dtype=bool),
            provenance=(parents, neighbors, gaps),
            passthrough=None if pt is None else pt.synthetic(c, parents, start),
        )

    def provenance(self, batch_size=DEFAULT_BATCH):
        """Yield the provenance of the synthetic rows in :meth:`generate` order.

        The same columns reach files as ``parent_row``, ``neighbor_row`` and ``gap``
        (``write_parquet(..., provenance=True)``, ``streamsmote resample --provenance``).

        Parameters
        ----------
        batch_size : int, default=100_000
            Synthetic rows per yielded frame, as in :meth:`generate`.

        Yields
        ------
        DataFrame
            Columns ``class``, ``parent``, ``neighbor`` (global input row numbers) and
            ``gap``, one row per synthetic row.

        Notes
        -----
        For every variant with numeric columns, a synthetic row's numeric features are
        ``X[parent] + gap * (X[neighbor] - X[parent])``, computed in float64 and cast to the
        column's dtype (integer columns rounded). What differs:

        * SMOTE, ADASYN, KMeans-SMOTE, Borderline-1: ``neighbor`` is one of the parent's
          ``k_neighbors`` nearest rows of its class, ``gap`` in [0, 1);
        * Borderline-2: ``neighbor`` may be a row of another class; the gap then includes
          the ``uniform(0, 0.5)`` scale, so it lies in [0, 0.5);
        * SVM-SMOTE: ``parent`` is a support vector; ``gap`` is negative, in
          ``(-out_step, 0]``, when it extrapolates away from the neighbour;
        * SMOTE-NC: the numeric columns follow the formula; each categorical column holds
          the most frequent category among the parent's ``k_neighbors`` nearest rows (not
          ``neighbor``'s own category);
        * SMOTE-N: no interpolation: ``neighbor`` is -1 and ``gap`` NaN (null in files); each
          column holds the most frequent category among the parent's ``k_neighbors + 1``
          nearest rows under the value difference metric, the parent included.
        """
        self._check_fitted()
        for c in self._needed():
            model = self._models[c]
            model.rewind()
            while model.taken < model.n_new:
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
            for chunk in self._scan(src, class_counts):
                X, y = chunk
                yield Batch(X, y, np.zeros(len(y), dtype=bool), passthrough=self._extra(chunk))
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
        for c in self._needed():
            self._models[c].rewind()
        offsets = self._synthetic_offsets()
        seed = _seed_of(self.random_state)
        seen = 0
        for i, chunk in enumerate(src):
            X, y = chunk  # as read: polars chunks stay polars
            parts = [Batch(X, y, passthrough=self._extra(chunk))]
            parts += self._share(seen, seen + len(y), offsets)
            seen += len(y)
            Xb, yb = concat(self._layout, [p.X for p in parts], [p.y for p in parts])
            mark = np.zeros(len(yb), dtype=bool)
            mark[len(y) :] = True
            prov = _provenance_columns(parts)
            extra = parts[0].passthrough
            if extra is not None:
                extra = _passthrough.concat([p.passthrough for p in parts])
            if shuffle:
                perm = np.random.default_rng([seed, i]).permutation(len(yb))
                Xb, yb, mark = take(Xb, perm), take(yb, perm), mark[perm]
                prov = tuple(a[perm] for a in prov)
                extra = None if extra is None else _passthrough.rows(extra, perm)
            yield Batch(Xb, yb, mark, provenance=prov, passthrough=extra)
        if seen != total:
            raise RuntimeError(
                f"The source yielded {seen} rows on the emit pass but {total} on the fit pass; "
                "it changed between the two passes of order='interleave'."
            )

    def _extra(self, chunk):
        """The passthrough columns of an original chunk, as written (None without)."""
        extra = getattr(chunk, "passthrough", None)
        pt = getattr(self, "_passthrough", None)
        return None if extra is None or pt is None else pt.originals(extra)

    def _synthetic_offsets(self):
        """``{class: global number of its first synthetic row}``: the class blocks follow the
        originals in label order, as :meth:`generate` yields them."""
        offsets, start = {}, self._n_rows
        for c in self._needed():
            offsets[c] = start
            start += self._models[c].n_new
        return offsets

    def _share(self, lo, hi, offsets, emit=True):
        """The synthetic rows that go with original rows ``lo`` to ``hi`` (exclusive) of the
        fitted data set: of each class, draws ``floor(n_new * lo / N)`` up to
        ``floor(n_new * hi / N)``. These ranges telescope, so any cut of the rows into ranges
        (the chunks of ``order="interleave"``, Dask partitions, the chunks of a DataLoader
        worker) hands out every synthetic row exactly once, and each row is the one
        :meth:`fit_resample` makes. A class cursor seeks only when it is not already there.

        Returns a list of synthetic :class:`Batch` es, one per class with rows, in the input's
        container (pandas rows indexed by their global synthetic number, ``offsets`` from
        :meth:`_synthetic_offsets`), with their provenance and passthrough columns; with
        ``emit=False`` an empty list, the cursors only moved past the share (draws, no rows).
        """
        out = []
        total = self._n_rows
        lo, hi = min(lo, total), min(hi, total)
        for c in self._needed():
            model = self._models[c]
            first = model.n_new * lo // total
            last = model.n_new * hi // total
            if last <= first:
                continue
            if model.taken != first:
                model.seek(first)
            if not emit:
                model.skip(last - first)
                continue
            start = offsets[c] + first
            Xs, prov = self._synthesize(c, last - first, start=start)
            out.append(self._synthetic_batch(c, Xs, prov, start))
        return out

    # ------------------------------------------------------------------ the flow

    def _source(self, source, y, progress):
        from .sources import as_source, from_arrays

        self._check_params()
        if y is not None and _polars.is_frame(source):  # polars in, polars batches out
            src = as_source((source, y), chunksize=max(len(y), 1), progress=progress)
        elif y is not None:  # in-memory X: checked as fit_resample checks it
            X, y = self._check_arrays(*CallerFormat(source, y).inputs())
            src = from_arrays(X, y, chunksize=len(y), progress=progress)
        elif (
            isinstance(source, np.ndarray | pd.DataFrame)
            or _is_sparse(source)
            or _polars.is_frame(source)
        ):
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None: "
                "call fit(X, y), or pass a source of (X, y) chunks (from_arrays, read_csv, "
                "read_parquet, from_chunks)."
            )
        else:
            src = as_source(source, progress=progress)
        if (progress and not src.progress) or src.categorical != self._columns:
            src = copy.copy(src)
            src.progress = src.progress or progress
            src.categorical = self._columns
        return src

    def _scan(self, src, class_counts):
        """One pass over ``src``: yield its chunks while counting classes and storing rows;
        at the end, plan, fetch any class the store guessed wrong, and build the graphs."""
        counts = {}
        store = None
        layout = None
        n = 0
        keep = None
        self._passthrough = (
            _passthrough.Passthrough(src.passthrough_fill) if src.passthrough else None
        )
        # "parent" fill: the store keeps the passthrough values of the rows it keeps
        self._keep_side = bool(src.passthrough) and src.passthrough_fill == "parent"
        budget = FitBudget(self._memory_bytes())
        if class_counts is not None:
            keep = [
                c for c, m in _strategy.plan(self.sampling_strategy, class_counts).items() if m > 0
            ]
        try:
            for chunk in src:
                X, y = checked_pair(chunk)  # a polars chunk's pandas form
                if layout is None:
                    polars = getattr(chunk, "polars", None)
                    layout = Layout(X, y, self._columns(X), polars=polars)
                    # Under string and float strategies the final majority never gets
                    # synthetic rows: drop the dominant class early, if a wrong guess only
                    # costs a second read.
                    dominant = src.reiterable and isinstance(self.sampling_strategy, str | float)
                    row_bytes = sum(w * np.dtype(t).itemsize for w, t in _fields(layout))
                    store = MinorityStore(
                        _fields(layout),
                        budget.store_share(len(y) * row_bytes),
                        keep=keep,
                        drop_dominant=dominant,
                    )
                labels = layout.labels(y)
                self._observe(layout, X, labels)
                for c, m in _strategy.class_counts(labels).items():
                    counts[c] = counts.get(c, 0) + m
                store.count(counts)
                extra = getattr(chunk, "passthrough", None)
                if self._passthrough is not None and self._passthrough.template is None:
                    # the dtypes, for generate()
                    self._passthrough.originals(_passthrough.rows(extra, slice(0, 0)))
                _store_chunk(store, layout, X, labels, n, extra if self._keep_side else None)
                n += len(labels)
                yield chunk
                if budget.limit is not None:
                    release_memory()  # the reader's and the consumer's buffers of this chunk
            if layout is None:
                raise ValueError(f"{src!r} yielded no rows; there is nothing to resample.")
            if class_counts is not None and {k: int(v) for k, v in class_counts.items()} != counts:
                raise ValueError(
                    f"class_counts={class_counts} does not match the source, which holds "
                    f"{counts}. Pass the exact counts, or leave class_counts out."
                )
            self._set_fit_info(layout, n, self._passthrough)
            self._plan(counts)
            missing = [c for c in self._needed() if c in store.dropped]
            if missing:
                self._reread(src, store, missing)
            data = {c: ClassRows(*store.finish(c)) for c in self._needed()}
            if self._keep_side:
                for c, d in data.items():
                    self._passthrough.keep(c, d.rows, store.side(c))
            if self._whole_data_neighbors()[0]:
                data = self._with_context(data, self._context_pass(src))
            # the reader's and the chunks' buffers are free now: hand them back before the
            # graphs are searched, so that they do not add to the search's peak
            release_memory()
            self._budget = budget
            self._build(data)
        finally:
            if store is not None:
                store.close()

    def _context_pass(self, src):
        """The chunks of a second read of ``src``, as ``(work matrix, labels)``, for a variant
        whose stored rows need their nearest rows over the whole data set."""
        if not src.reiterable:
            raise ValueError(
                f"{type(self).__name__} compares every stored row with every row of the data "
                "set, which takes a second read of the source, but it is a one-shot iterator. "
                "Pass a re-iterable source: from_chunks(lambda: make_chunks()), from_arrays, "
                "read_csv or read_parquet."
            )
        for chunk in src:
            X, y = checked_pair(chunk)
            yield self._layout.values(X), self._layout.labels(y)

    def _with_context(self, data, chunks):
        """``data`` with each stored row's nearest rows over the whole data set (the rows of
        ``chunks``, ``(work matrix, labels)`` in input order), when the variant asks for them
        (:meth:`_whole_data_neighbors`): a running top-M per stored row, never the majority
        itself."""
        M, with_values = self._whole_data_neighbors()
        if not M:
            return data
        from .neighbors.cross import RunningTopM

        classes = pd.Index(self.classes_)
        tops = {c: RunningTopM(d.values, M, with_values=with_values) for c, d in data.items()}
        offset = 0
        for values, labels in chunks:
            label_index = classes.get_indexer(labels)
            for top in tops.values():
                top.update(values, offset, label_index)
            offset += len(labels)
        return {c: d._replace(context=Context(*tops[c].result())) for c, d in data.items()}

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
        again = MinorityStore(store.fields, store.memory_limit, keep=missing)
        try:
            n = 0
            for chunk in src:
                X, y = checked_pair(chunk)
                labels = self._layout.labels(y)
                side = getattr(chunk, "passthrough", None) if self._keep_side else None
                _store_chunk(again, self._layout, X, labels, n, side)
                n += len(labels)
        except BaseException:
            again.close()  # and its spill folder
            raise
        store.adopt(again, missing)  # store.close() then removes again's spill folder too

    def _set_fit_info(self, layout, n_rows, passthrough=None):
        """Layout, row count, passthrough columns (:class:`~streamsmote._passthrough.
        Passthrough` or None) and the scikit-learn fitted attributes of the data just seen
        (one place for in-memory, streaming and Dask fits)."""
        self._layout = layout
        self._n_rows = n_rows
        self._passthrough = passthrough
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
        """Per class that needs synthetic rows: the variant's graph, draws and emitter."""
        self._search_memory = _search_share(self, data)
        least = self._min_class_rows()
        for c in self._needed():
            n_c = data[c].rows.shape[0]
            if n_c < 2:
                raise ValueError(
                    f"class {c!r} has {n_c} row; {type(self).__name__} needs at least two rows "
                    "of a class to make new ones, so no k_neighbors can add rows to it. Leave "
                    "the class out of sampling_strategy (a dict of the classes to oversample), "
                    "or add rows of it."
                )
            if least is not None and n_c < least:
                name = self._k_param
                value = getattr(self, name)
                given = not isinstance(value, Integral)
                lower = "its n_neighbors (to at most" if given else f"{name} (to at most"
                raise ValueError(
                    f"{name}={value!r} needs at least {least} rows of class "
                    f"{c!r}; got {n_c}. Lower {lower} {max(n_c - 1 + given, 0)}), or leave the "
                    "class out of sampling_strategy."
                )
        seed_rs = self.random_state
        instance = isinstance(seed_rs, np.random.RandomState)
        if seed_rs is None:
            seed_rs = int(np.random.SeedSequence().generate_state(1)[0])
        self._seed = seed_rs if not instance else None
        self._models = {}
        given = not isinstance(self.k_neighbors, Integral)  # a neighbours object
        self._nn_estimator = _clone(self.k_neighbors) if given else None
        # One generator for every class: a RandomState instance, or an int seed for a variant
        # that seeds one generator per fit (_one_generator, ADASYN); else a fresh one per class.
        shared = instance or self._one_generator
        state = None
        if shared:
            state = (seed_rs if instance else np.random.RandomState(seed_rs)).get_state()
        for c in self._needed():
            start = state if shared else np.random.RandomState(seed_rs).get_state()
            n_new = self.sampling_strategy_[c]
            self._models[c] = self._fit_class(c, data[c], n_new, start, shared)
            if shared:
                state = self._models[c].end_state()
        if instance:
            seed_rs.set_state(state)

    @property
    def nn_k_(self):
        """The nearest-neighbours estimator of the last fit, as imbalanced-learn's ``nn_k_``:
        the clone of a ``k_neighbors`` object (fitted on the last class resampled), or, for an
        int, an unfitted ``sklearn.neighbors.NearestNeighbors(n_neighbors=k_neighbors + 1)``
        (streamsmote's own search built the graph; needs scikit-learn)."""
        if not hasattr(self, "_models"):
            raise AttributeError(f"{type(self).__name__} has no nn_k_ before it is fitted.")
        if self._nn_estimator is not None:
            return self._nn_estimator
        try:
            from sklearn.neighbors import NearestNeighbors
        except ImportError as exc:
            raise AttributeError("nn_k_ needs scikit-learn for an int k_neighbors.") from exc
        k = next(iter(self._models.values())).nn.shape[1] if self._models else self.k_neighbors
        return NearestNeighbors(n_neighbors=k + 1)

    def _euclidean_graph(self, X_c):
        """The ``k`` nearest other rows of each row of ``X_c``: streamsmote's own search for
        an int ``k_neighbors``; a neighbours object used exactly as imbalanced-learn uses it
        (fitted on the class, its first neighbour, the row itself, dropped)."""
        if self._nn_estimator is not None:
            nn = self._nn_estimator.fit(X_c).kneighbors(X_c, return_distance=False)
            return np.ascontiguousarray(nn[:, 1:], dtype=np.int64)
        if self._graph_builder is not None:  # streamsmote.dask: the graph on the cluster
            nn = self._graph_builder(X_c, self.k_neighbors, self.neighbors)
            if nn is not None:
                return nn
        seed = self._seed if isinstance(self._seed, Integral) else None
        return kneighbors(
            X_c,
            self.k_neighbors,
            method=self.neighbors,
            random_state=seed,
            memory=getattr(self, "_search_memory", None),
        )

    def _synthesize(self, c, n, rows_only=False, out=None, start=0):
        """The next ``n`` synthetic rows of class ``c``, in the input's container (rows
        numbered from ``start``), or written into ``out`` (a work-matrix slice, returned as
        is); and their provenance ``(class, parent rows, neighbour rows, gaps)``."""
        model = self._models[c]
        if rows_only:
            return None, (c, *model.provenance(model.skip(n)))
        values, codes, picks = model.emit(n, out)
        prov = (c, *model.provenance(picks))
        if out is not None:
            return out, prov
        return self._layout.make_X(values, start, codes), prov

    # ------------------------------------------------------------------ hooks (SMOTE's)

    def _columns(self, X):
        """Boolean mask of the categorical columns of the first chunk ``X``, or None."""
        return None

    # whether _observe's statistics are sums over rows, so that distinct rows with counts
    # (``weights``) can stand for the data (streamsmote.dask); else it sees every row in order
    _observe_weighted = False

    def _observe(self, layout, X, labels, weights=None):
        """Whole-data statistics from one chunk (every row, majority included); ``weights``
        counts each row that many times (only for ``_observe_weighted`` variants)."""

    def _whole_data_neighbors(self):
        """``(M, with_values)``: how many nearest rows over the whole data set (the row itself
        included) every stored row needs, and whether their values are kept; ``(0, False)``
        for none (SMOTE)."""
        return 0, False

    def _min_class_rows(self):
        """Rows a class needs to be sampled: the row itself and ``k_neighbors`` others (a
        neighbours object's ``n_neighbors``; None when it does not say)."""
        if isinstance(self.k_neighbors, Integral):
            return self.k_neighbors + 1
        return getattr(self.k_neighbors, "n_neighbors", None)

    def _fit_class(self, c, rows, n_new, state, shared):
        """The emitter of class ``c``'s synthetic rows: SMOTE's interpolation between a row
        and one of its ``k_neighbors`` nearest rows of the class, with imbalanced-learn's
        draws from the ``RandomState`` state ``state``."""
        from .variants.smote import Interpolation

        nn = self._euclidean_graph(rows.values)
        return Interpolation(
            rows, nn, ClassDraws(state, rows.values.shape[0] * nn.shape[1], n_new)
        )

    def _check_fitted(self):
        if not hasattr(self, "_models"):
            raise RuntimeError(
                f"This {type(self).__name__} is not fitted yet: call fit(source) (or "
                "resample_chunks) first."
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


class Emitter:
    """What the flow asks of one class's synthetic rows: a cursor over the class's random
    draws (``n_new``, ``taken``, ``rewind``, ``seek`` for a Dask partition, ``end_state`` for
    a shared ``RandomState``) and, per variant, ``skip(n)`` (the next draws, as picks),
    ``emit(n, out)`` (the next rows: ``(values, codes, picks)``) and ``provenance(picks)``.

    Parameters
    ----------
    rows : ClassRows
    nn : ndarray of int64, shape (n_c, k)
        The class's neighbour graph, nearest first.
    draws : streamsmote._draws.ClassDraws or ParentDraws
    """

    def __init__(self, rows, nn, draws):
        self.rows = rows
        self.nn = nn
        self.draws = draws
        self.n_new = draws.n_new

    @property
    def taken(self):
        return self.draws.taken

    def rewind(self):
        self.draws.rewind()

    def seek(self, position):
        self.draws.seek(position)

    def end_state(self):
        return self.draws.end_state()


class Context(NamedTuple):
    """Each stored row's M nearest rows over the whole data set, itself included, nearest
    first: global row numbers, class positions in ``classes_``, squared distances, and the
    rows' values (or None)."""

    rows: np.ndarray
    labels: np.ndarray
    dist: np.ndarray
    values: np.ndarray | None


class ClassRows(NamedTuple):
    """The stored rows of one class: numeric work matrix, category codes (int32, one column
    per categorical feature), global row numbers and, for variants that ask for it, their
    nearest rows over the whole data set."""

    values: np.ndarray
    codes: np.ndarray
    rows: np.ndarray
    context: Context | None = None


def _fields(layout):
    """What the store keeps of a row: the numeric work matrix, then the category codes."""
    return [(layout.n_numeric, layout.work_dtype), (layout.categorical.size, np.int32)]


def _search_share(smote, data):
    """Bytes of ``memory_limit`` left for a neighbour search once the stored rows still in
    RAM (not spilled to disk) and every needed class's graph are counted (None without a
    limit): :meth:`BaseSMOTE._fit_class` builds the graphs one class at a time."""
    budget = smote.__dict__.pop("_budget", None) or FitBudget(smote._memory_bytes())
    k = smote.k_neighbors if isinstance(smote.k_neighbors, Integral) else 0
    resident = 0
    for rows in data.values():
        for part in (rows.values, rows.codes, rows.rows):
            if part is not None and not isinstance(part, np.memmap):
                resident += part.nbytes
        resident += rows.rows.shape[0] * k * 8
    return budget.search_share(resident)


def _store_chunk(store, layout, X, labels, offset, side=None):
    """Hand a chunk's rows (and their passthrough columns ``side``, for a parent fill) to the
    store, converting only the rows it keeps."""
    rows = store.wanted(labels)
    if rows is None or rows.size > 0.5 * len(labels):
        store.add((layout.values(X), layout.codes(X)), labels, offset, side=side)
    elif rows.size:
        part = X.iloc[rows] if layout.kind == "pandas" else X[rows]
        side = None if side is None else _passthrough.rows(side, rows)
        store.add(
            (layout.values(part), layout.codes(part)), labels[rows], offset, rows=rows, side=side
        )


def _seed_of(random_state):
    """An int seed: the int itself, one drawn from a RandomState instance (reproducible for a
    given instance state), or fresh entropy for None."""
    if isinstance(random_state, Integral):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31))
    return int(np.random.SeedSequence().generate_state(1)[0])


def _provenance_columns(batches):
    """``(parent, neighbor, gap)`` over the rows of ``batches``: their ``provenance``, or
    ``-1, -1, NaN`` for a batch of original rows."""
    parents, neighbors, gaps = [], [], []
    for b in batches:
        if b.provenance is None:
            n = len(b.y)
            parents.append(np.full(n, -1, np.int64))
            neighbors.append(np.full(n, -1, np.int64))
            gaps.append(np.full(n, np.nan))
        else:
            parents.append(np.asarray(b.provenance[0], np.int64))
            neighbors.append(np.asarray(b.provenance[1], np.int64))
            gaps.append(np.asarray(b.provenance[2], np.float64))
    return np.concatenate(parents), np.concatenate(neighbors), np.concatenate(gaps)


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
