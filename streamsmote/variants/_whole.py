"""What SVM-SMOTE and KMeans-SMOTE share: a model fitted on the whole data set (an SVM, a
k-means), seen chunk by chunk, and an emitter made of segments.

A model variant (:class:`ModelSMOTE`) gets every chunk through the flow's ``_observe`` hook:

* in memory (:meth:`~streamsmote.sampler.BaseSMOTE.fit_resample`) the single chunk *is* the
  data set, kept by reference, and the model is fitted on it exactly as imbalanced-learn fits
  it;
* streaming, a seeded :class:`Reservoir` keeps a uniform sample of bounded size of every
  chunk (its keys hash the seed and the global row number, so the sample does not depend on
  the chunk size), and the variant may feed its own running fit
  (:meth:`ModelSMOTE._stream_chunk`, e.g. ``partial_fit``). When the whole source fits in the
  reservoir, the reservoir is the data set in input order and the streamed fit is the
  in-memory one.

The per-class emitter (:class:`Segments`) is a list of :class:`Segment`, each a run of
imbalanced-learn's ``_make_samples`` draws: parents (a subset of some rows), each parent's
``k`` nearest rows, a ``(index, gap)`` draw stream and a step that scales the gaps.
"""

from typing import NamedTuple

import numpy as np

from .._draws import ClassDraws
from ..kernels.interpolate import interpolate
from ..sampler import BaseSMOTE, Emitter, parse_memory

# Streaming: at most this many rows are sampled into the reservoir (and at most a quarter of
# memory_limit), so that the fit on it stays a bounded cost.
RESERVOIR_ROWS = 20_000

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def row_keys(seed, rows):
    """A pseudo-random uint64 key per global row number (splitmix64 of ``seed`` and the row):
    the same for a row whatever chunk it arrives in."""
    with np.errstate(over="ignore"):
        z = np.asarray(rows, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        z = z + np.uint64(seed % 2**64) * np.uint64(0xBF58476D1CE4E5B9) + np.uint64(1)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


class Reservoir:
    """A uniform sample of at most ``capacity`` rows of a stream: the rows with the smallest
    :func:`row_keys`, kept chunk by chunk in bounded memory.

    Examples
    --------
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> a, b = Reservoir(4, seed=0), Reservoir(4, seed=0)
    >>> a.add(X, np.zeros(10, int), 0)
    >>> for lo in range(0, 10, 3):
    ...     b.add(X[lo : lo + 3], np.zeros(len(X[lo : lo + 3]), int), lo)
    >>> bool((a.result()[2] == b.result()[2]).all()), a.seen, len(a.result()[2])
    (True, 10, 4)
    """

    def __init__(self, capacity, seed):
        self.capacity = int(capacity)
        self.seed = int(seed)
        self.seen = 0
        self._parts = []  # (keys, values, labels, rows)

    def add(self, values, labels, offset):
        rows = np.arange(offset, offset + len(labels), dtype=np.int64)
        keys = row_keys(self.seed, rows)
        self._parts.append((keys, values, np.asarray(labels), rows))
        self.seen += len(labels)
        if sum(len(p[0]) for p in self._parts) > 2 * self.capacity:
            self._parts = [self._merged()]

    def _merged(self):
        keys, values, labels, rows = (
            np.concatenate([p[i] for p in self._parts]) for i in range(4)
        )
        if keys.size > self.capacity:
            keep = np.argpartition(keys, self.capacity - 1)[: self.capacity]
            keep.sort()
            keys, values, labels, rows = keys[keep], values[keep], labels[keep], rows[keep]
        return keys, np.array(values), labels, rows

    @property
    def complete(self):
        """Whether every row seen is in the sample."""
        return self.seen <= self.capacity

    def result(self):
        """``(values, labels, rows)`` of the sample, in global row order."""
        if not self._parts:
            return np.empty((0, 0)), np.empty(0), np.empty(0, np.int64)
        self._parts = [self._merged()]
        _, values, labels, rows = self._parts[0]
        order = np.argsort(rows, kind="stable")
        return values[order], labels[order], rows[order]


class ModelSMOTE(BaseSMOTE):
    """A variant whose parents come from a model fitted on the whole data set.

    Subclasses read ``self._whole`` (in memory: ``(values, labels)`` of the whole data set) or
    ``self._reservoir`` (streaming) when they fit the model, and may override
    :meth:`_stream_chunk` to feed a running fit.
    """

    def fit_resample(self, X, y, sample_weight=None):
        self._in_memory = True
        try:
            return super().fit_resample(X, y, sample_weight=sample_weight)
        finally:
            self._in_memory = False

    fit_resample.__doc__ = BaseSMOTE.fit_resample.__doc__

    def _observe(self, layout, X, labels, weights=None):
        values = layout.values(X)
        if getattr(self, "_observed_layout", None) is not layout:
            self._observed_layout = layout
            self._seen = 0
            self._whole = None
            self._reservoir = None
            if not getattr(self, "_in_memory", False):
                from ..sampler import _seed_of

                row_bytes = max(values.itemsize * values.shape[1], 1)
                budget = parse_memory(self.memory_limit) // 4 // row_bytes
                seed = (
                    self.random_state
                    if isinstance(self.random_state, int | np.integer)
                    else _seed_of(self.random_state)
                )
                self._reservoir = Reservoir(max(min(RESERVOIR_ROWS, budget), 1), seed)
                self._start_stream(layout, values)
        if self._reservoir is None:
            self._whole = (values, labels)
        else:
            self._reservoir.add(values, labels, self._seen)
            self._stream_chunk(values, labels, self._seen)
        self._seen += len(labels)

    def _start_stream(self, layout, values):
        """Streaming: called with the first chunk's work matrix, before any chunk is fed."""

    def _stream_chunk(self, values, labels, offset):
        """Streaming: one chunk (rows ``offset ...`` of the source) for a running fit."""

    def _streamed_sample(self):
        """Streaming: ``(values, labels, rows, complete)`` of the reservoir; ``complete``
        when it holds the whole source (in input order)."""
        values, labels, rows = self._reservoir.result()
        return values, labels, rows, self._reservoir.complete

    def _build(self, data):
        self._data = data
        try:
            super()._build(data)
        finally:
            self._data = None


class Segment(NamedTuple):
    """One run of imbalanced-learn's ``_make_samples``: ``n`` rows
    ``values[p] + step * u * (values[nn[p, slot]] - values[p])`` with ``p = parents[i // k]``
    and ``slot = i % k`` for ``i = randint(0, len(parents) * k)``, ``u = uniform()``."""

    values: np.ndarray  # rows holding the parents and their neighbours
    rows: np.ndarray  # their global row numbers
    parents: np.ndarray  # int64 positions in values
    nn: np.ndarray  # int64 (len(values), k): neighbours, positions in values
    draws: ClassDraws
    step: float


def segment(values, rows, parents, nn, state, n, step=1.0):
    k = nn.shape[1]
    return Segment(values, rows, parents, nn, ClassDraws(state, len(parents) * k, n), step)


class Segments(Emitter):
    """Emitter of one class's rows made by consecutive :class:`Segment` runs (SVM-SMOTE's
    danger then safe support vectors, KMeans-SMOTE's clusters)."""

    def __init__(self, rows, segments, nn, end_state=None):
        self.rows = rows
        self.segments = list(segments)
        self.nn = nn  # the class's k (for nn_k_)
        self.n_new = sum(s.draws.n_new for s in self.segments)
        self._end_state = end_state

    @property
    def taken(self):
        return sum(s.draws.taken for s in self.segments)

    def rewind(self):
        for s in self.segments:
            s.draws.rewind()

    def seek(self, position):
        left = int(position)
        for s in self.segments:
            here = min(left, s.draws.n_new)
            s.draws.seek(here)
            left -= here

    def end_state(self):
        if self.segments:
            return self.segments[-1].draws.end_state()
        return self._end_state

    def skip(self, n):
        """The next ``n`` draws as picks: per segment ``(segment, base, slot, gaps)``."""
        picks = []
        for j, s in enumerate(self.segments):
            if n <= 0:
                break
            m = min(n, s.draws.n_new - s.draws.taken)
            if m <= 0:
                continue
            idx, u = s.draws.take(m)
            k = s.nn.shape[1]
            picks.append((j, s.parents[idx // k], idx % k, s.step * u))
            n -= m
        return picks

    def emit(self, n, out=None):
        picks = self.skip(n)
        total = sum(len(p[1]) for p in picks)
        d = self.rows.values.shape[1]
        if out is None:
            out = np.empty((total, d), dtype=self.rows.values.dtype)
        lo = 0
        for j, base, slot, gaps in picks:
            s = self.segments[j]
            interpolate(s.values, s.nn, base, slot, gaps, out[lo : lo + len(base)])
            lo += len(base)
        return out, self.rows.codes[:0], picks

    def provenance(self, picks):
        if not picks:
            empty = np.empty(0, np.int64)
            return empty, empty, np.empty(0)
        parents, neighbours, gaps = [], [], []
        for j, base, slot, g in picks:
            s = self.segments[j]
            parents.append(s.rows[base])
            neighbours.append(s.rows[s.nn[base, slot]])
            gaps.append(g)
        return np.concatenate(parents), np.concatenate(neighbours), np.concatenate(gaps)
