"""An incremental k-nearest-neighbour graph over a bounded window of one class's rows.

:class:`IncrementalKNN` keeps a window of at most ``window`` rows in a slot array (``sliding``:
the newest rows, slot ``t % window`` for the ``t``-th row; ``reservoir``: a uniform sample of
every row seen, Vitter's algorithm R) and, on demand, the k nearest neighbours of every row of
the window *within the window*, as slot numbers. Slots are stable: a row keeps its slot until
another row replaces it, so an update touches only what changed.

Updates are lazy. :meth:`IncrementalKNN.add` only writes rows into slots and marks them dirty;
:meth:`IncrementalKNN.kneighbors` brings the graph up to date when someone needs it (a class
that owes no synthetic rows never pays for its graph). With ``m`` dirty slots out of ``n``:

1. *new rows* (the dirty slots) get their kNN against the whole window, exactly
   (:func:`~streamsmote.neighbors.exact.kneighbors_exact` with ``Q`` = the new rows);
2. *old rows* none of whose neighbours was replaced merge their list with the new rows as
   candidates (top-k by ``(squared distance, slot)``), which is exact: their old list was the
   top-k of the surviving rows, and the window is the surviving rows plus the new ones;
3. *old rows that lost a neighbour* are repaired: searched again exactly (``exact``), or, in
   the approximate modes, re-ranked over their own list and their neighbours' lists (the local join
   of NN-descent) and then merged with the new rows.

Neighbours are ordered by ``(squared distance, slot)``, so the ``exact`` graph equals a brute
force kNN of ``window_rows()`` with ties broken by the smaller slot, whatever the sequence of
updates. A full rebuild replaces the update when it is cheaper (``(k + 2) * m >= n``).

The approximate modes build the bulk graph with streamsmote's approximate graph (``approx``,
:mod:`streamsmote.neighbors.approx`) or pynndescent (``pynndescent``) and keep the rows that
arrived since that build as an exactly searched buffer (steps 1 and 2 above are exact); the
graph is rebuilt when that buffer passes ``rebuild_fraction`` (25%) of the rows the bulk graph
was built on. pynndescent's own ``update()`` re-processes the whole index and cannot delete
rows, so it is not used.
"""

from numbers import Integral

import numba
import numpy as np

from .._config import SERIAL
from .._threads import run_rows
from ..kernels.topk import NO_INDEX, _offer, _push
from .exact import BRUTE_MAX_PAIRS, kneighbors_exact

WINDOW_KINDS = ("sliding", "reservoir")
INCREMENTAL_METHODS = ("exact", "approx", "pynndescent")
# Below this many rows the approximate modes build their bulk graph exactly: an approximate
# build costs more than the n^2 search there, and small graphs are where recall is worst.
APPROX_MIN_ROWS = 4096
REBUILD_FRACTION = 0.25
_MIN_CAPACITY = 256
# Below this many (row, candidate) pairs per thread, splitting the rows costs more than it saves.
PARALLEL_MIN_PAIRS = 200_000


def _merge_new_body(X, nn, nd, rows, new):
    """Merge the rows ``new`` as candidates into the top-k lists of the rows ``rows``.

    ``rows`` are distinct; each thread owns its rows' lists. A distance stops accumulating,
    8 features at a time, once it exceeds the k-th (partial sums only grow)."""
    d = X.shape[1]
    k = nn.shape[1]
    for t in range(rows.shape[0]):
        r = rows[t]
        td = nd[r]
        ti = nn[r]
        kth = td[k - 1]
        klast = ti[k - 1]
        for c in range(new.shape[0]):
            j = new[c]
            if j == r:
                continue
            s = 0.0
            f0 = 0
            while f0 < d:
                f1 = min(f0 + 8, d)
                for f in range(f0, f1):
                    u = np.float64(X[r, f]) - np.float64(X[j, f])
                    s += u * u
                if s > kth:
                    break
                f0 = f1
            if s < kth or (s == kth and j < klast):
                _push(s, j, td, ti)
                kth = td[k - 1]
                klast = ti[k - 1]


def _local_join_body(X, nn, rows, out_d, out_i):
    """Re-rank each row of ``rows`` over its own neighbours and their neighbours (``nn`` is a
    read-only snapshot of the graph), exact distances, ties by slot."""
    k = nn.shape[1]
    n = X.shape[0]
    for t in range(rows.shape[0]):
        r = rows[t]
        td = out_d[t]
        ti = out_i[t]
        td[:] = np.inf
        ti[:] = NO_INDEX
        for a in range(-1, k):
            hop = r if a < 0 else nn[r, a]
            if hop >= n:
                continue
            for b in range(-1, k):
                j = hop if b < 0 else nn[hop, b]
                if j < n and j != r:
                    _offer(X, r, X, j, td, ti)


# Serial, disk-cached kernels; threads take contiguous ranges of ``rows`` (each thread owns
# the lists of its rows, so results do not depend on the number of threads).
_merge_new_serial = numba.njit(**SERIAL)(_merge_new_body)
_local_join_serial = numba.njit(**SERIAL)(_local_join_body)


def _merge_new(X, nn, nd, rows, new):
    def part(lo, hi):
        _merge_new_serial(X, nn, nd, rows[lo:hi], new)

    min_rows = max(1, PARALLEL_MIN_PAIRS // max(1, new.shape[0]))
    run_rows(part, rows.shape[0], min_rows=min_rows)


def _local_join(X, nn, rows, out_d, out_i):
    def part(lo, hi):
        _local_join_serial(X, nn, rows[lo:hi], out_d[lo:hi], out_i[lo:hi])

    k = nn.shape[1]
    run_rows(part, rows.shape[0], min_rows=max(1, PARALLEL_MIN_PAIRS // (k + 1) ** 2))


def _search(X, k, rows):
    """Exact kNN (within ``X``, self excluded) of the rows ``rows`` of ``X``: the serial merge
    kernel over every row for small problems (no parallel launch, cached), else
    :func:`~streamsmote.neighbors.exact.kneighbors_exact`. Both order by (distance, index)
    with the same float64 arithmetic, so they agree exactly."""
    n = X.shape[0]
    if rows.shape[0] * n <= BRUTE_MAX_PAIRS:
        nn = np.full((n, k), NO_INDEX, dtype=np.int64)
        nd = np.full((n, k), np.inf)
        _merge_new_serial(X, nn, nd, rows, np.arange(n, dtype=np.int64))
        return nn[rows], nd[rows]
    return kneighbors_exact(X, k, Q=X[rows], self_idx=rows)


class IncrementalKNN:
    """A bounded window of rows and the kNN graph of that window, updated incrementally.

    Parameters
    ----------
    k : int
        Neighbours per row.
    window : int
        Most rows kept; older (``sliding``) or unsampled (``reservoir``) rows leave.
    n_features : int
    dtype : numpy dtype, default=float64
        Dtype the rows are stored in (float32 or float64).
    method : {"exact", "approx", "pynndescent"}, default="exact"
        See the module docstring.
    window_kind : {"sliding", "reservoir"}, default="sliding"
    random_state : int or None
        Seeds the reservoir's draws and the approximate graph's.
    rebuild_fraction : float, default=0.25
        Approximate modes only: rebuild the bulk graph once this fraction of it has been replaced.

    Attributes
    ----------
    n_rows : int
        Rows in the window now (at most ``window``).
    n_seen : int
        Rows ever passed to :meth:`add`.
    n_rebuilds : int
        Full graph builds so far.

    Examples
    --------
    >>> index = IncrementalKNN(k=1, window=3, n_features=1)
    >>> index.add(np.array([[0.0], [1.0], [5.0]]))
    >>> index.kneighbors()[1].ravel().tolist()
    [1, 0, 1]
    >>> index.add(np.array([[4.0]]))  # sliding: replaces the oldest row (slot 0)
    >>> index.window_rows().ravel().tolist(), index.kneighbors()[1].ravel().tolist()
    ([4.0, 1.0, 5.0], [2, 0, 0])
    """

    def __init__(
        self,
        k,
        window,
        n_features,
        dtype=np.float64,
        method="exact",
        window_kind="sliding",
        random_state=None,
        rebuild_fraction=REBUILD_FRACTION,
    ):
        if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
            raise ValueError(f"k must be a positive integer; got {k!r}.")
        if isinstance(window, bool) or not isinstance(window, Integral) or window < 2:
            raise ValueError(f"window must be an integer >= 2 (rows kept); got {window!r}.")
        if method not in INCREMENTAL_METHODS:
            raise ValueError(f"method must be one of {INCREMENTAL_METHODS}; got {method!r}.")
        if window_kind not in WINDOW_KINDS:
            raise ValueError(f"window_kind must be one of {WINDOW_KINDS}; got {window_kind!r}.")
        self.k = int(k)
        self.window = int(window)
        self.method = method
        self.window_kind = window_kind
        self.rebuild_fraction = float(rebuild_fraction)
        self.random_state = random_state
        self._rng = np.random.default_rng(random_state)
        self.dtype = np.dtype(dtype)
        cap = min(self.window, _MIN_CAPACITY)
        self._X = np.empty((cap, int(n_features)), dtype=self.dtype)
        self._ids = np.empty(cap, dtype=np.int64)
        self._dirty = np.zeros(cap, dtype=bool)
        self._nn = None
        self._nd = None
        self.n_rows = 0
        self.n_seen = 0
        self.n_rebuilds = 0
        self._bulk_rows = 0
        self._since_build = 0

    # ------------------------------------------------------------------ window

    def add(self, rows, ids=None):
        """Put new rows (``(m, n_features)``) into the window; the graph updates lazily.
        ``ids`` (one integer per row, e.g. the rows' numbers in a stream of several classes)
        stay with the rows and come back from :meth:`window_ids`; by default the arrival
        numbers."""
        rows = np.asarray(rows)
        m = rows.shape[0]
        if m == 0:
            return
        t = self.n_seen + np.arange(m, dtype=np.int64)
        if self.window_kind == "sliding":
            keep = np.arange(max(0, m - self.window), m)
            slots = t[keep] % self.window
        else:
            slots = t.copy()
            full = t >= self.window
            if full.any():
                slots[full] = self._rng.integers(0, t[full] + 1)
            take = slots < self.window
            # A slot drawn twice in this batch ends up holding the last row drawn for it.
            rev_slots = slots[take][::-1]
            _, first = np.unique(rev_slots, return_index=True)
            keep = np.flatnonzero(take)[::-1][first]
            slots = slots[keep]
        self._grow(int(slots.max()) + 1 if slots.size else 0)
        self._X[slots] = rows[keep]
        self._ids[slots] = (t if ids is None else np.asarray(ids, dtype=np.int64))[keep]
        self._dirty[slots] = True
        self.n_seen += m
        self.n_rows = min(self.n_seen, self.window)

    def _grow(self, needed):
        cap = self._X.shape[0]
        if needed <= cap:
            return
        new_cap = min(self.window, max(needed, 2 * cap))
        X = np.empty((new_cap, self._X.shape[1]), dtype=self.dtype)
        X[:cap] = self._X
        ids = np.empty(new_cap, dtype=np.int64)
        ids[:cap] = self._ids
        dirty = np.zeros(new_cap, dtype=bool)
        dirty[:cap] = self._dirty
        self._X, self._ids, self._dirty = X, ids, dirty
        if self._nn is not None:
            nn = np.full((new_cap, self.k), NO_INDEX, dtype=np.int64)
            nd = np.full((new_cap, self.k), np.inf)
            nn[:cap] = self._nn
            nd[:cap] = self._nd
            self._nn, self._nd = nn, nd

    def window_rows(self):
        """The rows of the window in slot order (a view: do not modify it)."""
        return self._X[: self.n_rows]

    def window_ids(self):
        """The id of each slot's row: its arrival number (0-based, over every row passed to
        :meth:`add`), or the id :meth:`add` was given for it."""
        return self._ids[: self.n_rows].copy()

    # ------------------------------------------------------------------ graph

    def kneighbors(self):
        """The window and its kNN graph, brought up to date.

        Returns
        -------
        X : ndarray (n_rows, n_features)
            The window in slot order.
        indices : ndarray of int64 (n_rows, k)
            Slots of each row's k nearest other rows, nearest first, ties by the smaller slot;
            ``NO_INDEX`` where the window has fewer than ``k + 1`` rows. Both are views of
            the index's state: do not modify them.
        """
        self._sync()
        return self.window_rows(), self._nn[: self.n_rows]

    def distances(self):
        """Squared distances matching :meth:`kneighbors` (brought up to date)."""
        self._sync()
        return self._nd[: self.n_rows].copy()

    def drop_graph(self):
        """Forget the graph (memory); the next :meth:`kneighbors` rebuilds it."""
        self._nn = self._nd = None

    def _sync(self):
        n = self.n_rows
        X = self._X[:n]
        dirty_mask = self._dirty[:n]
        new = np.flatnonzero(dirty_mask)
        m = new.size
        if self._nn is not None and m == 0:
            return
        rebuild = self._nn is None or (self.k + 2) * m >= n
        if self.method != "exact" and not rebuild:
            rebuild = self._since_build + m > self.rebuild_fraction * self._bulk_rows
        if rebuild:
            self._rebuild(X)
        else:
            self._update(X, new, dirty_mask)
            self._since_build += m
        self._dirty[:] = False

    def _rebuild(self, X):
        n = X.shape[0]
        cap = self._X.shape[0]
        if self.method != "exact" and n >= APPROX_MIN_ROWS:
            seed = int(self._rng.integers(2**31 - 1))
            if self.method == "approx":
                from .approx import kneighbors_approx as build
            else:
                from .pynndescent import kneighbors_pynndescent as build
            nn, nd = build(X, self.k, random_state=seed)
        else:
            nn, nd = _search(X, self.k, np.arange(n, dtype=np.int64))
        self._nn = np.full((cap, self.k), NO_INDEX, dtype=np.int64)
        self._nd = np.full((cap, self.k), np.inf)
        self._nn[:n] = nn
        self._nd[:n] = nd
        self._bulk_rows = n
        self._since_build = 0
        self.n_rebuilds += 1

    def _update(self, X, new, dirty_mask):
        n = X.shape[0]
        nn = self._nn[:n]
        nd = self._nd[:n]
        # Old rows whose list points at a replaced slot: their list is stale.
        valid = nn < n
        lost = (dirty_mask[np.where(valid, nn, 0)] & valid).any(axis=1) & ~dirty_mask
        repair = np.flatnonzero(lost)
        clean = np.flatnonzero(~lost & ~dirty_mask)
        if self.method == "exact":
            search = np.concatenate([new, repair])
        else:
            search = new
        nn[search], nd[search] = _search(X, self.k, search)
        _merge_new(X, nn, nd, clean, new)
        if self.method != "exact" and repair.size:
            snap = nn.copy()
            out_d = np.empty((repair.size, self.k))
            out_i = np.empty((repair.size, self.k), dtype=np.int64)
            _local_join(X, snap, repair, out_d, out_i)
            nn[repair] = out_i
            nd[repair] = out_d
            short = repair[out_i[:, -1] == NO_INDEX]
            if short.size:  # too few candidates nearby: search those rows exactly
                nn[short], nd[short] = _search(X, self.k, short)
            _merge_new(X, nn, nd, repair, new)

    def nbytes(self):
        """Bytes held by the window and the graph."""
        total = self._X.nbytes + self._ids.nbytes + self._dirty.nbytes
        if self._nn is not None:
            total += self._nn.nbytes + self._nd.nbytes
        return total
