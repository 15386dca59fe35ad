"""Per-class row store with a memory budget; rows spill to a temporary memory-mapped file.

Which classes need synthetic rows is only known once every row has been counted. Until then
the store keeps every class; when the budget is reached it drops the largest class (under
every string or float ``sampling_strategy`` the final majority gets no synthetic rows, so the
largest class so far is the best guess). A class known to be needed (``pinned``) is never
dropped: past the budget it spills to a memory-mapped file in a temporary folder, removed by
:meth:`MinorityStore.close`.
"""

import os
import shutil
import tempfile

import numpy as np

from . import _passthrough

# drop_dominant waits for this many rows before it trusts a class to be the majority.
DOMINANT_MIN_ROWS = 10_000


class _ClassRows:
    """Rows of one class: per field (numeric values, category codes) a list of blocks in RAM,
    or an append-only file on disk; and, when asked for, the rows' passthrough columns
    (DataFrame blocks, always in RAM: their dtypes may be strings or objects)."""

    def __init__(self, fields):
        self.fields = fields  # [(columns, dtype)]
        self.blocks = []  # tuples of one block per field
        self.rows = []  # global row numbers, int64 blocks
        self.n = 0
        self.files = None
        self.paths = None
        self.side = []
        self.side_bytes = 0

    @property
    def nbytes(self):
        if self.files is not None:
            return 0
        row = sum(width * dtype.itemsize for width, dtype in self.fields)
        return self.n * row + self.side_bytes

    def add(self, parts, rows, side=None):
        if side is not None:
            self.side.append(side)
            self.side_bytes += _passthrough.nbytes(side)
        if self.files is not None:
            for f, part in zip(self.files, parts, strict=True):
                f.write(np.ascontiguousarray(part).tobytes())
        else:
            self.blocks.append(parts)
        self.rows.append(rows)
        self.n += rows.shape[0]

    def spill(self, folder):
        self.paths = [
            os.path.join(folder, f"class-{id(self)}-{i}.bin") for i in range(len(self.fields))
        ]
        self.files = [open(path, "wb") for path in self.paths]  # noqa: SIM115 - closed by finish()/close()
        for parts in self.blocks:
            for f, part in zip(self.files, parts, strict=True):
                f.write(np.ascontiguousarray(part).tobytes())
        self.blocks = []

    def finish(self):
        rows = np.concatenate(self.rows) if self.rows else np.empty(0, np.int64)
        out = []
        for i, (width, dtype) in enumerate(self.fields):
            if self.files is not None:
                self.files[i].close()
                shape = (self.n, width)
                out.append(
                    np.memmap(self.paths[i], dtype=dtype, mode="r", shape=shape)
                    if self.n * width
                    else np.empty(shape, dtype)
                )
            elif self.blocks:
                out.append(np.concatenate([parts[i] for parts in self.blocks]))
            else:
                out.append(np.empty((0, width), dtype=dtype))
        self.blocks, self.rows = [], []
        return (*out, rows)


class MinorityStore:
    """Rows of the classes that may need synthetic rows, within ``memory_limit`` bytes.

    Parameters
    ----------
    fields : list of (int, numpy dtype)
        What a row is made of: ``(columns, dtype)`` per part (the numeric work matrix, then
        the category codes of variants with categorical columns).
    memory_limit : int
        Bytes of rows kept in RAM before the largest unpinned class is dropped or, when every
        class left is pinned, the largest one spills to disk.
    keep : collection, optional
        Store only these classes, all pinned (the plan is known in advance).
    drop_dominant : bool, default=False
        Drop a class as soon as it holds more than half of at least ``DOMINANT_MIN_ROWS`` rows
        seen, without waiting for the budget. Right when the final majority gets no synthetic
        rows (every string or float ``sampling_strategy``) and the data is not sorted by
        class; a wrong guess costs a second read, so only pass it for re-iterable sources.

    Examples
    --------
    >>> s = MinorityStore([(1, np.dtype(np.float64))], memory_limit=8 * 3)
    >>> s.add((np.arange(4.0).reshape(4, 1),), np.array([0, 0, 0, 1]), offset=0)
    >>> sorted(s.dropped), s.kept()
    ([0], [1])
    >>> X, rows = s.finish(1)
    >>> X.ravel().tolist(), rows.tolist()
    ([3.0], [3])
    """

    def __init__(self, fields, memory_limit, keep=None, drop_dominant=False):
        self.drop_dominant = drop_dominant and keep is None
        self.seen = {}
        self.fields = [(int(width), np.dtype(dtype)) for width, dtype in fields]
        self.memory_limit = int(memory_limit)
        self.keep = None if keep is None else set(keep)
        self.classes = {}
        self.dropped = set()
        self.folder = None
        self.spilled = set()
        self._adopted_folders = []  # spill folders of stores this one took classes from

    def kept(self):
        return sorted(self.classes)

    def wanted(self, y):
        """Positions of the rows of a chunk that the store would keep, or None for all of
        them: lets the caller convert only those rows (the majority is usually dropped)."""
        if self.keep is not None:
            return np.flatnonzero(np.isin(y, list(self.keep)))
        if self.dropped:
            return np.flatnonzero(~np.isin(y, list(self.dropped)))
        return None

    def add(self, parts, y, offset, rows=None, side=None):
        """Store the rows of ``parts`` (one array per field) whose class in ``y`` is still kept.

        ``rows`` gives the chunk positions of the rows of ``parts`` when they are a selection
        (see :meth:`wanted`); global row numbers are ``offset + position``. ``side``, a
        DataFrame (pandas or polars) aligned with ``parts``, is kept beside them (see
        :meth:`side`)."""
        rows = np.arange(len(y), dtype=np.int64) if rows is None else rows.astype(np.int64)
        labels = self.keep if self.keep is not None else np.unique(y)
        for c in labels:
            c = c.item() if isinstance(c, np.generic) else c
            if c in self.dropped:
                continue
            idx = np.flatnonzero(y == c)
            if idx.size == 0:
                continue
            store = self.classes.get(c)
            if store is None:
                store = self.classes[c] = _ClassRows(self.fields)
            part_side = None if side is None else _passthrough.rows(side, idx)
            store.add(tuple(part[idx] for part in parts), rows[idx] + offset, part_side)
        self._enforce_budget()

    def count(self, counts):
        """Running class counts of every row seen (kept or not), for ``drop_dominant``."""
        self.seen = counts
        if not self.drop_dominant or self.dropped:
            return
        total = sum(counts.values())
        c = max(counts, key=counts.get)
        if total >= DOMINANT_MIN_ROWS and 2 * counts[c] > total and c in self.classes:
            del self.classes[c]
            self.dropped.add(c)

    def _enforce_budget(self):
        while sum(s.nbytes for s in self.classes.values()) > self.memory_limit:
            ram = {c: s for c, s in self.classes.items() if s.files is None}
            loose = [c for c in ram if self.keep is None]
            if len(self.classes) > 1 and loose:
                c = max(loose, key=lambda c: (self.classes[c].n, str(c)))
                del self.classes[c]
                self.dropped.add(c)
            else:
                c = max(ram, key=lambda c: self.classes[c].n)
                if self.folder is None:
                    self.folder = tempfile.mkdtemp(prefix="streamsmote-")
                self.classes[c].spill(self.folder)
                self.spilled.add(c)

    def finish(self, c):
        """``(*fields, global row numbers)`` of class ``c``; a spilled class's fields are
        read-only memmaps."""
        return self.classes[c].finish()

    def side(self, c):
        """The ``side`` frames given to :meth:`add` for class ``c``, in row order (as the
        global row numbers of :meth:`finish`), with a fresh RangeIndex; None if none were."""
        blocks = self.classes[c].side
        if not blocks:
            return None
        return _passthrough.concat(blocks)

    def adopt(self, other, classes):
        """Take over ``classes`` from ``other`` (a store filled by a second read of the
        source), with the spill folder their files live in, which :meth:`close` removes."""
        for c in classes:
            self.classes[c] = other.classes.pop(c)
            self.dropped.discard(c)
            if c in other.spilled:
                self.spilled.add(c)
        if other.folder is not None:
            self._adopted_folders.append(other.folder)
            other.folder = None
        other.close()

    def close(self):
        """Release everything and remove the spill folders, even when closing a spill file
        fails (on a full disk its buffered rows cannot be flushed): the rows are discarded
        anyway, and the error that brought the caller here matters more."""
        for s in self.classes.values():
            for f in s.files or ():
                if not f.closed:
                    try:
                        f.close()
                    except OSError:
                        pass
        self.classes = {}
        for folder in [self.folder, *self._adopted_folders]:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self.folder = None
        self._adopted_folders = []
