"""Numba kernels. They take arrays and scalars only, never raise user-facing errors and never
see pandas; the public wrappers in :mod:`streamsmote.sampler` and :mod:`streamsmote.neighbors`
validate and convert."""
