"""Thread-level parallelism for serial, nogil, disk-cached numba kernels.

Numba's ``parallel=True`` kernels cannot be cached safely, so every process would compile
them again (seconds per kernel). Instead each kernel is serial and releases the GIL, and this
module hands contiguous row ranges to a pool of threads: each thread owns its output rows,
so results never depend on the number of threads.
"""

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

_pool = None
_pool_size = 0
_local = threading.local()
_pool_pid = None


def n_threads():
    """Threads to use: the :func:`limited` count of the calling thread, else
    ``NUMBA_NUM_THREADS`` if set, else the CPUs this process may use."""
    limit = getattr(_local, "limit", None)
    if limit:
        return limit
    env = os.environ.get("NUMBA_NUM_THREADS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def pool():
    """A process-wide pool, created on first use, and again in a forked child (a DataLoader
    worker): the parent's pool threads do not exist there, and work queued to them would wait
    forever."""
    global _pool, _pool_size, _pool_pid
    size = n_threads()
    if _pool is None or _pool_size != size or _pool_pid != os.getpid():
        _pool = ThreadPoolExecutor(size, thread_name_prefix="streamsmote")
        _pool_size = size
        _pool_pid = os.getpid()
    return _pool


def run_rows(fn, n, min_rows=1):
    """Call ``fn(lo, hi)`` over ``[0, n)`` split into one contiguous range per thread.

    Ranges shorter than ``min_rows`` are not split further; with one range the call runs in
    the calling thread."""
    parts = max(1, min(n_threads(), n // max(1, min_rows)))
    if parts == 1:
        fn(0, n)
        return
    bounds = [n * i // parts for i in range(parts + 1)]
    futures = [pool().submit(fn, bounds[i], bounds[i + 1]) for i in range(parts)]
    for f in futures:
        f.result()


def map_tasks(fn, items):
    """``list(map(fn, items))`` on the pool (``fn`` must release the GIL to gain anything)."""
    if n_threads() == 1 or len(items) <= 1:
        return [fn(i) for i in items]
    return list(pool().map(fn, items))


@contextlib.contextmanager
def limited(n):
    """Kernels called from this thread use at most ``n`` threads (None: no limit); for a
    thread that shares the machine with others, such as a task on a Dask worker."""
    old = getattr(_local, "limit", None)
    _local.limit = None if n is None else max(1, int(n))
    try:
        yield
    finally:
        _local.limit = old
