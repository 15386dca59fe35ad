"""Numba options, in one place.

Serial kernels are cached on disk so that a second process does not compile them again.
Parallel (``prange``) kernels are not cached: pynndescent saw random segfaults from cached
parallel functions when the thread count changed between processes.
"""

SERIAL = {"nogil": True, "cache": True}
PARALLEL = {"nogil": True, "parallel": True, "cache": False}
# Pure arithmetic leaves may contract; never with nnan/ninf, never in the interpolation kernel.
FASTMATH = {"contract", "arcp", "reassoc"}

# Memory budget of the minority store before it drops the largest class (bytes).
DEFAULT_MEMORY_LIMIT = 128 << 20
