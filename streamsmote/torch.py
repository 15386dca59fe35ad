"""A PyTorch ``IterableDataset`` over a resampled source, sharded across DataLoader workers.

This module imports torch at the top; it is loaded only by ``import streamsmote.torch``, never
by ``import streamsmote``.

How the rows are shared out (``num_workers=W``):

1. the sampler is fitted once, in the process that builds the dataset, before any worker
   starts (class counts, minority rows, neighbour graphs); the fitted state travels to the
   workers with the dataset (a fork copies it; a spawn pickles it);
2. every worker reads the source and keeps chunk ``i`` when ``i % W`` is its id, so each
   original row is yielded by exactly one worker;
3. chunk ``i``, rows ``R_i`` to ``R_{i+1}`` of the ``N`` rows, carries of each class the
   synthetic rows numbered ``floor(n_new * R_i / N)`` to ``floor(n_new * R_{i+1} / N)``: the
   scheme of ``order="interleave"`` and of :mod:`streamsmote.dask`
   (``BaseSMOTE._share``). These ranges cover each class's draws exactly once, and a worker
   moves its cursors past the other workers' ranges by drawing without computing rows, so
   the synthetic rows are those of ``fit_resample`` whatever ``W`` is.
"""

from numbers import Integral

import numpy as np
import pandas as pd

try:
    import torch
    from torch.utils.data import IterableDataset, get_worker_info
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError('streamsmote.torch needs PyTorch: pip install "streamsmote[torch]"') from exc

from ._validation import check_chunksize
from .sampler import ORDERS, _seed_of

__all__ = ["ResampledDataset"]


class ResampledDataset(IterableDataset):
    """The rows of ``sampler.resample_chunks(source)`` as ``(X, y)`` tensor batches, for a
    ``torch.utils.data.DataLoader`` with any number of workers.

    Under ``DataLoader(ds, batch_size=None, num_workers=W)`` the ``W`` workers together yield
    every original row exactly once and every synthetic row of the resampled data set exactly
    once (see the module's notes for how). With ``num_workers=0`` the main process yields
    them all.

    Parameters
    ----------
    source : source, (X, y) tuple or callable
        Anything :func:`streamsmote.sources.as_source` accepts that can be read more than once
        (``from_arrays``, ``read_parquet``, ``read_csv``, ``from_chunks(callable)``). Under a
        spawn start method it must pickle (file readers and arrays do; a lambda does not).
    sampler : streamsmote.SMOTE or any SMOTE variant
        Fitted here on ``source`` (in place: read ``sampler.classes_`` and the like after).
    batch_size : int, default=1024
        Rows per yielded batch. Each worker fills its batches from its own chunks; its last
        batch of an epoch may be shorter.
    order : {"interleave", "append"}, default="interleave"
        ``"interleave"``: each chunk comes with its share of synthetic rows, so that batches
        are balanced when the classes are spread through the source. ``"append"``: a worker
        yields its original rows first, then the synthetic rows of its chunks.
    shuffle : bool, default=True
        Mix the rows of each chunk (its originals and its synthetic rows) before batching,
        with a generator seeded by the sampler's ``random_state``, the epoch and the chunk
        number: the same permutation whatever ``num_workers`` is.
    dtype : torch.dtype, default=torch.float32
        Floating dtype of the ``X`` tensors.
    reseed : bool, default=True
        Whether :meth:`set_epoch` draws new synthetic rows (a new fit, one more read of the
        source) or only shuffles again.
    class_counts : dict, optional
        ``{class: rows}`` of the source, when known (see :meth:`streamsmote.SMOTE.fit`).

    Attributes
    ----------
    classes_ : ndarray
        The class labels; ``y`` tensors hold positions in it (int64).
    feature_names_ : list or None
        Column names of a DataFrame source, in the order of the ``X`` columns.
    n_rows_ : int
        Rows per epoch: the originals plus the synthetic rows.
    epoch : int
        The epoch set by :meth:`set_epoch` (0 at first).

    Raises
    ------
    ValueError
        A bad ``order``, ``batch_size`` or ``dtype``; a one-shot iterator as source; a feature
        column that is not numeric (see Notes); or any error of ``sampler.fit``.

    Notes
    -----
    Features become one floating tensor: numeric and boolean columns as they are, a pandas
    ``category`` column as its category codes (``Series.cat.codes``, fixed by the dtype's
    categories). Other columns (strings, objects) raise: encode them as numbers first.
    SMOTENC and SMOTEN therefore work with integer or ``category`` columns.

    Every worker reads the whole source (it needs each chunk's row range), but converts and
    yields only its own chunks. Use one iterator of a dataset at a time per process: the
    class cursors live in the fitted sampler.

    Epochs: :meth:`set_epoch` with ``persistent_workers=False`` (the DataLoader's default, so
    that the workers get the new state). What stays: the originals (each once, unchanged),
    the classes and the synthetic row count per class. What changes with ``reseed=True``:
    every random choice of the sampler, whose ``random_state`` for epoch ``e > 0`` is
    :meth:`epoch_seed` ``(e)`` (epoch 0 uses the sampler's own, so its synthetic rows are
    those of ``sampler.fit_resample``); and in any case the shuffle.

    Examples
    --------
    >>> import numpy as np, torch
    >>> import streamsmote as ss
    >>> from streamsmote.torch import ResampledDataset
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = np.r_[np.zeros(180, int), np.ones(20, int)]
    >>> ds = ResampledDataset(ss.from_arrays(X, y, chunksize=50),
    ...                       ss.SMOTE(random_state=0), batch_size=64)
    >>> loader = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=0)
    >>> counts = sum(torch.bincount(yb, minlength=2) for Xb, yb in loader)
    >>> counts.tolist(), ds.n_rows_
    ([180, 180], 360)
    >>> Xb, yb = next(iter(loader))
    >>> Xb.dtype, yb.dtype, tuple(Xb.shape)
    (torch.float32, torch.int64, (64, 3))
    """

    def __init__(
        self,
        source,
        sampler,
        batch_size=1024,
        order="interleave",
        shuffle=True,
        *,
        dtype=torch.float32,
        reseed=True,
        class_counts=None,
    ):
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}; got {order!r}.")
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise ValueError(
                f"dtype must be a floating torch dtype such as torch.float32; got {dtype!r}."
            )
        self.batch_size = check_chunksize(batch_size, "batch_size")
        self.order = order
        self.shuffle = bool(shuffle)
        self.dtype = dtype
        self.reseed = bool(reseed)
        self.class_counts = class_counts
        self.sampler = sampler
        self.epoch = 0
        src = sampler._source(source, None, False)
        if not src.reiterable:
            raise ValueError(
                "ResampledDataset reads the source once to fit and again in every worker and "
                "epoch, but it is a one-shot iterator. Pass a re-iterable source: "
                "from_chunks(lambda: make_chunks()), from_arrays, read_csv or read_parquet."
            )
        self._source = src
        # one seed for shuffles and later epochs, drawn here so that every worker agrees
        self._seed = _seed_of(sampler.random_state)
        self._fit(sampler)

    def _fit(self, sampler):
        sampler.fit(self._source, class_counts=self.class_counts)
        self._fitted = sampler
        layout = sampler._layout
        self._codes = _feature_plan(layout)
        self.classes_ = sampler.classes_
        self.feature_names_ = list(layout.columns) if layout.kind == "pandas" else None
        self.n_rows_ = sampler._n_rows + sum(sampler.sampling_strategy_.values())

    def epoch_seed(self, epoch):
        """The sampler's ``random_state`` for ``epoch`` (``epoch > 0``) under ``reseed=True``.

        Parameters
        ----------
        epoch : int

        Returns
        -------
        int
        """
        return int(np.random.SeedSequence([self._seed, int(epoch)]).generate_state(1)[0])

    def set_epoch(self, epoch):
        """Start epoch ``epoch``: new shuffles and, with ``reseed=True``, new synthetic rows.

        Call it before ``iter(loader)`` (with ``persistent_workers=False``). Setting an epoch
        other than the current one refits a copy of the sampler with ``random_state =
        epoch_seed(epoch)`` (epoch 0: the sampler as given), which reads the source once.

        Parameters
        ----------
        epoch : int
            Non-negative.

        Returns
        -------
        self
        """
        if not isinstance(epoch, Integral) or isinstance(epoch, bool) or epoch < 0:
            raise ValueError(f"epoch must be a non-negative int; got {epoch!r}.")
        epoch = int(epoch)
        if self.reseed and epoch != self.epoch:
            if epoch == 0:
                sampler = self.sampler
            else:
                sampler = type(self.sampler)(**self.sampler.get_params())
                sampler.set_params(random_state=self.epoch_seed(epoch))
            self._fit(sampler)
        self.epoch = epoch
        return self

    # ------------------------------------------------------------------ iteration

    def __iter__(self):
        info = get_worker_info()
        worker, n_workers = (0, 1) if info is None else (info.id, info.num_workers)
        sm = self._fitted
        for c in sm._needed():
            sm._models[c].rewind()
        carry = None
        for block in self._blocks(sm, worker, n_workers):
            X, y = block if carry is None else _join(carry, block)
            n_full = len(y) // self.batch_size * self.batch_size
            for lo in range(0, n_full, self.batch_size):
                hi = lo + self.batch_size
                yield self._tensors(X[lo:hi], y[lo:hi])
            carry = (X[n_full:], y[n_full:]) if n_full < len(y) else None
        if carry is not None:
            yield self._tensors(*carry)

    def _blocks(self, sm, worker, n_workers):
        """This worker's rows, one ``(X ndarray, y positions)`` block per chunk it owns (the
        chunk's originals and synthetic share, or with ``"append"`` the originals of every
        owned chunk, then their synthetic shares), shuffled within the block."""
        offsets = sm._synthetic_offsets()
        bounds = []  # (chunk, first row, end row) of every chunk, for "append"
        lo = 0
        for i, (X, y) in enumerate(self._source):
            hi = lo + len(y)
            mine = i % n_workers == worker
            if self.order == "append":
                bounds.append((i, lo, hi))
                if mine:
                    yield self._block(sm, [(X, y)], (i, 0))
            else:
                share = sm._share(lo, hi, offsets, emit=mine)
                if mine:
                    yield self._block(sm, [(X, y)] + [(b.X, b.y) for b in share], (i,))
            lo = hi
        if lo != sm._n_rows:
            raise RuntimeError(
                f"{self._source!r} yielded {lo} rows in a worker but {sm._n_rows} when the "
                "sampler was fitted; the source changed between the two reads."
            )
        for i, lo, hi in bounds:
            mine = i % n_workers == worker
            share = sm._share(lo, hi, offsets, emit=mine)
            if mine and share:
                yield self._block(sm, [(b.X, b.y) for b in share], (i, 1))

    def _block(self, sm, parts, key):
        """Rows of ``parts`` as one float array and class positions, shuffled by a generator
        keyed by the seed, the epoch and ``key`` (the chunk)."""
        X = np.concatenate([self._features(Xp) for Xp, _ in parts])
        labels = np.concatenate([sm._layout.labels(yp) for _, yp in parts])
        y = pd.Index(self.classes_).get_indexer(labels).astype(np.int64)
        if self.shuffle:
            perm = np.random.default_rng([self._seed, self.epoch, *key]).permutation(len(y))
            X, y = X[perm], y[perm]
        return X, y

    def _features(self, X):
        """A chunk's features as one float64 (or float32) ndarray, categories as codes."""
        if isinstance(X, pd.DataFrame):
            if self._codes:
                X = X.copy(deep=False)
                for j in self._codes:  # by position: column names may be any hashable
                    X.isetitem(j, X.iloc[:, j].cat.codes)
            return X.to_numpy(dtype=np.float32 if self.dtype == torch.float32 else np.float64)
        return np.asarray(X, dtype=np.float32 if self.dtype == torch.float32 else np.float64)

    def _tensors(self, X, y):
        Xt = torch.from_numpy(np.ascontiguousarray(X))
        if Xt.dtype != self.dtype:
            Xt = Xt.to(self.dtype)
        return Xt, torch.from_numpy(np.ascontiguousarray(y))


def _join(a, b):
    return np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]])


def _feature_plan(layout):
    """Positions of the pandas ``category`` columns (sent as their codes); raises for a
    column that is neither numeric, boolean nor ``category``."""
    codes, bad = [], []
    for j, dt in enumerate(layout.dtypes):
        if isinstance(dt, pd.CategoricalDtype):
            codes.append(j)
        elif not (pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt)):
            bad.append(layout.columns[j] if layout.kind == "pandas" else j)
    if bad:
        what = "columns" if layout.kind == "pandas" else "column positions"
        raise ValueError(
            f"ResampledDataset makes one float tensor of the features, but feature {what} "
            f"{bad} are not numeric. Encode them as numbers (or as pandas 'category' dtype, "
            "sent as its codes) before streaming, or drop them."
        )
    return codes
