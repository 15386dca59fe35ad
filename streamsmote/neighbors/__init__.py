"""k-nearest-neighbour graphs within one class.

``exact`` is a numba kernel (the reference for tests); ``approx`` is streamsmote's own
approximate graph (:mod:`.approx`: cached kernels, no compile once the disk cache is warm);
``pynndescent`` is pynndescent, imported only when it runs; ``auto`` picks by class size and
never pays a compile (see :func:`choose`).
"""

import warnings

from .exact import kneighbors_exact

__all__ = ["kneighbors", "kneighbors_exact", "choose", "METHODS"]

METHODS = ("auto", "exact", "approx", "pynndescent")

# neighbors="auto" (benchmarks/results_graph.md, warm, 20-d isotropic): the exact search up to
# AUTO_EXACT_MAX rows, the approximate graph above. Exact is as fast up to 80k rows (0.85 s
# against 0.74 s); above, it costs at most about twice the approximate graph's time up to 200k
# (2.53 s against 1.45 s at 160k) for the exact answer, identical to imbalanced-learn (a
# SUSY-sized minority of 170k rows stays exact); at 320k approx takes 3.03 s against 9.46 s.
# pynndescent is never chosen: it compiles for 20-40 s in every process, and even once
# compiled it is slower than approx at 1M rows (32.8 s against 12.0 s isotropic, 27.6 s
# against 11.6 s clustered).
AUTO_EXACT_MAX = 200_000


def choose(n_rows, method="auto", memory=None, n_features=1, k=5):
    """The backend that :func:`kneighbors` uses for a class of ``n_rows`` rows.

    ``"auto"`` never pays a compile: it never picks pynndescent. Under a memory budget it
    picks the approximate graph only if it fits (:func:`.approx.approx_bytes`); the exact
    search plans its blocks to fit any budget above its floor, with the exact answer, but
    takes longer on a large class (about 6x at 1M x 20).

    Parameters
    ----------
    n_rows : int
        Rows of the class.
    method : {"auto", "exact", "approx", "pynndescent"}, default="auto"
        Anything but ``"auto"`` is returned as it is.
    memory : int, optional
        Bytes the search may allocate (None: no bound).
    n_features, k : int
        Columns of the class and neighbours per row, for the approximate graph's footprint.

    Returns
    -------
    str
        ``"exact"`` or ``"approx"`` for ``"auto"``, else ``method`` itself.

    Examples
    --------
    >>> choose(1_000)
    'exact'
    >>> choose(10_000_000)
    'approx'
    >>> choose(10_000_000, memory=2**30, n_features=20)
    'exact'
    """
    if method != "auto":
        return method
    if n_rows <= AUTO_EXACT_MAX:
        return "exact"
    if memory is not None:
        from .approx import approx_bytes

        # counted for one thread, so that the choice, and the graph, do not depend on the
        # number of threads (each further thread adds 8 to 12 bytes a row, about 1%)
        if approx_bytes(n_rows, n_features, k, threads=1) > memory:
            return "exact"
    return "approx"


def kneighbors(X, k, method="auto", random_state=None, memory=None):
    """Indices ``(n, k)`` of the k nearest other rows of each row of ``X``, nearest first.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Rows of one class, float32 or float64 (or anything castable to float64).
    k : int
        Neighbours per row; needs ``n >= k + 1``.
    method : {"auto", "exact", "approx", "pynndescent"}
    random_state : int or None
        Seed of the approximate graphs' random draws (``approx``, ``pynndescent``).
    memory : int, optional
        Bytes the search may allocate (its scratch and outputs): the exact search plans its
        blocks to fit (:func:`streamsmote.neighbors.exact.plan_search`), with the same
        answer; ``"auto"`` takes the approximate graph only if it fits; ``"approx"`` and
        ``"pynndescent"`` warn when they do not fit, and run anyway.

    Returns
    -------
    ndarray of int64, shape (n, k)
    """
    n, d = X.shape
    asked = method
    method = choose(n, method, memory=memory, n_features=d, k=k)
    if method == "exact":
        if asked == "auto" and n > AUTO_EXACT_MAX:
            from .approx import approx_bytes

            need = approx_bytes(n, d, k, threads=1)
            warnings.warn(
                f'neighbors="auto" searches a class of {n} rows exactly: the approximate graph '
                f"needs about {need / 1e6:.0f} MB, more than the {memory / 1e6:.0f} MB that "
                "memory_limit leaves for the search, and the exact search takes time "
                "quadratic in the class size (138 s at 1M x 20 on 2 cores, against 12 s). Raise "
                f"memory_limit by {(need - memory) / 1e6:.0f} MB to use the approximate graph, "
                'or pass neighbors="exact" to keep the exact search without this warning.',
                stacklevel=2,
            )
        return kneighbors_exact(X, k, memory=memory)[0]
    if method == "approx":
        from .approx import approx_bytes, kneighbors_approx

        _warn_over(method, approx_bytes(n, d, k), n, d, memory)
        return kneighbors_approx(X, k, random_state=random_state)[0]
    from .pynndescent import kneighbors_pynndescent, pynndescent_bytes

    _warn_over(method, pynndescent_bytes(n, d, k), n, d, memory)
    return kneighbors_pynndescent(X, k, random_state=random_state)[0]


def _warn_over(method, need, n, d, memory):
    """Warn that the graph ``method`` (asked for by name) needs ``need`` bytes, more than the
    ``memory`` the limit leaves for the search (nothing without a limit)."""
    if memory is None or need <= memory:
        return
    warnings.warn(
        f'neighbors="{method}" needs about {need / 1e6:.0f} MB for a class of {n} rows x '
        f"{d} columns, more than the {memory / 1e6:.0f} MB that memory_limit leaves "
        'for the search; it runs anyway. Pass neighbors="exact" (it plans its blocks '
        'to fit, slower on a large class) or "auto", or raise memory_limit.',
        stacklevel=3,
    )
