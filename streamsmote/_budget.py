"""One memory budget for a whole fit: what ``memory_limit`` covers and how it is shared.

``memory_limit`` bounds the working memory of a fit, above what the process holds before it
starts (the interpreter, numpy, numba with its loaded kernels, pandas, pyarrow: about 230 MB
on Linux once the kernels are loaded). Four things share it, in the order the fit needs them:

1. *chunk buffers*: one chunk in the reader (a pyarrow batch or a CSV block), as a DataFrame,
   as the work matrix, and the writer's copy of the batch it is encoding. Measured from the
   first chunk as :data:`CHUNK_COPIES` times its work matrix; the chunk size is the caller's
   (``batch_size``/``chunksize``), so a chunk bigger than the budget is the caller's choice.
2. *store*: the rows of the classes that may need synthetic rows (:mod:`streamsmote.store`)
   get what the chunk buffers leave; past it the largest unpinned class is dropped, or a
   pinned class spills to a memory-mapped file.
3. *graphs*: ``n_c x k`` int64 per class, kept until the synthetic rows are emitted.
4. *search scratch*: each class's neighbour search gets what the chunk buffers, the stored rows
   still in RAM and the graphs leave, and plans its blocks to fit
   (:func:`streamsmote.neighbors.exact.plan_search`); the exact answer does not depend on it.

Below a floor (the float32 copy of a class and a few MB of blocks per thread, see
:func:`streamsmote.neighbors.exact.search_bytes`) the search cannot shrink further and runs
anyway. Without ``memory_limit`` the store keeps :data:`~streamsmote._config.DEFAULT_MEMORY_LIMIT`
bytes of rows and the search is not bounded (its fastest plan).

Memory freed by one phase is given back to the operating system before the next
(:func:`release_memory`): pyarrow's allocator keeps the pages of the batches it has decoded
and encoded mapped after they are freed, and glibc the blocks of freed chunks. Measured on the
SUSY shape streamed by the CLI (400k-row row groups, 100k-row chunks, Parquet output): RSS fell
by 150 MB (pyarrow) and 27 MB (glibc) when they were released after the read, which would
otherwise have counted against the graph search that follows.
"""

import sys

from ._config import DEFAULT_MEMORY_LIMIT

# Copies of a chunk alive at once: the reader's decoded batch, the DataFrame built from it,
# the work matrix of the rows kept, and the writer's encoded copy of a batch.
CHUNK_COPIES = 4


class FitBudget:
    """Shares of ``memory_limit`` (bytes, or None for no bound) in one fit.

    Examples
    --------
    >>> b = FitBudget(100 << 20)
    >>> b.store_share(5 << 20) == (100 - 4 * 5) << 20
    True
    >>> b.search_share(resident=30 << 20) == (100 - 20 - 30) << 20
    True
    >>> FitBudget(None).search_share(resident=1) is None
    True
    """

    def __init__(self, limit):
        self.limit = None if limit is None else int(limit)
        self.chunk = 0

    def store_share(self, chunk_bytes):
        """Bytes of rows the store keeps in RAM, given the work-matrix bytes of one chunk:
        the limit less the chunk buffers, but never less than a quarter of it (a chunk size
        close to the limit is the caller's choice, not a reason to drop every class)."""
        if self.limit is None:
            return DEFAULT_MEMORY_LIMIT
        self.chunk = CHUNK_COPIES * int(chunk_bytes)
        return max(self.limit - self.chunk, self.limit // 4, 1)

    def search_share(self, resident):
        """Bytes a neighbour search may allocate, with ``resident`` bytes of stored rows and
        graphs alive; None without a limit."""
        if self.limit is None:
            return None
        return max(self.limit - self.chunk - int(resident), 0)


def release_memory():
    """Give memory freed so far back to the operating system: pyarrow's pool (only if
    pyarrow is already imported) and, on glibc, the free blocks at the top of each heap
    (``malloc_trim``). A few ms; no effect on results."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        try:
            pa.default_memory_pool().release_unused()
        except AttributeError:  # pragma: no cover - pyarrow < 9
            pass
    if sys.platform.startswith("linux"):
        _malloc_trim()


def _malloc_trim():
    import ctypes
    import ctypes.util

    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _libc.malloc_trim  # noqa: B018 - musl has no malloc_trim
        except (OSError, AttributeError):
            _libc = False
    if _libc:
        _libc.malloc_trim(0)


_libc = None
