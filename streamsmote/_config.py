"""Numba options, in one place.

Every kernel is serial, releases the GIL and is cached on disk, so that a second process loads
it instead of compiling it again; :mod:`streamsmote._threads` runs kernels over row ranges on
a thread pool. (Numba's ``parallel=True`` kernels are not cached safely — pynndescent saw
random segfaults from cached parallel functions when the thread count changed — and would
compile again in every process.)
"""

SERIAL = {"nogil": True, "cache": True}
# Pure arithmetic leaves may contract; never with nnan/ninf, never in the interpolation kernel.
FASTMATH = {"contract", "arcp", "reassoc"}

# Memory budget of the minority store before it drops the largest class (bytes).
DEFAULT_MEMORY_LIMIT = 128 << 20
