"""k-nearest-neighbour graphs within one class.

``exact`` is a numba kernel (the reference for tests); ``approx`` is streamsmote's own
approximate graph (:mod:`.approx`: cached kernels, no compile once the disk cache is warm);
``pynndescent`` is pynndescent, imported only when it runs; ``auto`` picks by class size and
never pays a compile (see :func:`choose`).
"""

from .exact import kneighbors_exact

__all__ = ["kneighbors", "kneighbors_exact", "choose", "METHODS"]

METHODS = ("auto", "exact", "approx", "pynndescent")

# neighbors="auto" (benchmarks/results_graph.md): the exact search up to AUTO_EXACT_MAX rows
# (at 20-d it takes less CPU time than the approximate graph up to 160k rows and more from
# 320k: 12.8 s against 14.3 s, then 45.8 s against 35.0 s) and gives the exact answer; the
# approximate graph above. pynndescent pays 45-90 s of compile in every process (195 s of CPU
# for its first 1M-row build against 127 s warm), so auto takes it only where this process has
# already compiled it and it was measured faster than the approximate graph: from
# AUTO_WARM_PYNNDESCENT_MIN rows (127 s against 150 s of CPU at 1M rows, recall@5 0.95 against
# 0.93; at 100k rows the approximate graph is faster, 8.9 s against 10.2 s).
AUTO_EXACT_MAX = 200_000
AUTO_WARM_PYNNDESCENT_MIN = 1_000_000


def choose(n_rows, method="auto"):
    """The backend that :func:`kneighbors` uses for a class of ``n_rows`` rows.

    ``"auto"`` never pays a compile: pynndescent only when it has already been compiled in
    this process and the class has at least :data:`AUTO_WARM_PYNNDESCENT_MIN` rows.

    Examples
    --------
    >>> choose(1_000)
    'exact'
    >>> choose(500_000)
    'approx'
    """
    if method != "auto":
        return method
    if n_rows <= AUTO_EXACT_MAX:
        return "exact"
    if n_rows >= AUTO_WARM_PYNNDESCENT_MIN:
        from . import pynndescent  # our module: imports pynndescent itself only to build

        if pynndescent.is_warm():
            return "pynndescent"
    return "approx"


def kneighbors(X, k, method="auto", random_state=None):
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

    Returns
    -------
    ndarray of int64, shape (n, k)
    """
    method = choose(X.shape[0], method)
    if method == "exact":
        return kneighbors_exact(X, k)[0]
    if method == "approx":
        from .approx import kneighbors_approx

        return kneighbors_approx(X, k, random_state=random_state)[0]
    from .pynndescent import kneighbors_pynndescent

    return kneighbors_pynndescent(X, k, random_state=random_state)[0]
