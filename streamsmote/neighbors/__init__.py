"""k-nearest-neighbour graphs within one class.

``exact`` is a numba kernel (the reference for tests); ``approx`` is pynndescent, imported
only when it runs; ``auto`` picks between them by class size and by whether pynndescent has
already paid its compile cost in this process (see :func:`choose`).
"""

from .exact import kneighbors_exact

__all__ = ["kneighbors", "kneighbors_exact", "choose", "METHODS"]

METHODS = ("auto", "exact", "approx")

# Exact self-search costs ~0.5-0.65 ns per pair at d=20 on 2 cores (6.4 s at 100k rows, 14 s
# at 170k); pynndescent builds 100k rows in ~4.5 s once compiled, but its first build in a
# process compiles for 45-90 s. So (benchmarks/RESULTS.md, "auto"): exact wins below AUTO_EXACT_MAX
# rows always; above AUTO_COLD_MIN rows it loses even when pynndescent must compile first; in
# between it wins unless pynndescent is already compiled in this process. Never pay a minute
# to save a second.
AUTO_EXACT_MAX = 60_000
AUTO_COLD_MIN = 350_000


def choose(n_rows, method="auto"):
    """The backend that :func:`kneighbors` uses for a class of ``n_rows`` rows.

    Parameters
    ----------
    n_rows : int
        Rows of the class.
    method : {"auto", "exact", "approx"}, default="auto"
        Anything but ``"auto"`` is returned as it is.

    Returns
    -------
    str
        ``"exact"`` or ``"approx"``.

    Examples
    --------
    >>> choose(1_000)
    'exact'
    >>> choose(10_000_000)
    'approx'
    """
    if method != "auto":
        return method
    if n_rows <= AUTO_EXACT_MAX:
        return "exact"
    if n_rows >= AUTO_COLD_MIN:
        return "approx"
    from . import approx

    return "approx" if approx.is_warm() else "exact"


def kneighbors(X, k, method="auto", random_state=None, memory=None):
    """Indices ``(n, k)`` of the k nearest other rows of each row of ``X``, nearest first.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Rows of one class, float32 or float64 (or anything castable to float64).
    k : int
        Neighbours per row; needs ``n >= k + 1``.
    method : {"auto", "exact", "approx"}
    random_state : int or None
        Seed of pynndescent's random projections (approximate search only).
    memory : int, optional
        Bytes the exact search may allocate (its scratch and outputs): it then plans its
        blocks to fit (:func:`streamsmote.neighbors.exact.plan_search`), with the same
        answer. The approximate search does not take a budget.

    Returns
    -------
    ndarray of int64, shape (n, k)
    """
    method = choose(X.shape[0], method)
    if method == "exact":
        return kneighbors_exact(X, k, memory=memory)[0]
    from .approx import kneighbors_approx

    return kneighbors_approx(X, k, random_state=random_state)[0]
