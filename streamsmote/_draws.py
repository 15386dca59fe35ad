"""The random draws of one class, in imbalanced-learn's order, in batches of any size.

imbalanced-learn draws, per class, ``randint(0, n_c * k, size=n_new)`` and then
``uniform(size=n_new)`` from one ``RandomState``. Drawing the two streams batch by batch
without holding all ``n_new`` values needs two generators: one at the start of the integer
stream and one advanced to the start of the uniform stream. Legacy ``RandomState`` draws each
value independently of the batch size, so every batching gives the same sequence.
"""

import numpy as np

_ADVANCE_BATCH = 1 << 20


def _clone(state):
    rs = np.random.RandomState()
    rs.set_state(state)
    return rs


class ClassDraws:
    """Cursor over the ``(index, gap)`` draws of one class.

    Parameters
    ----------
    state : tuple
        ``RandomState.get_state()`` at the start of this class's draws.
    high : int
        ``n_c * k``: indices are drawn from ``[0, high)``.
    n_new : int
        Synthetic rows of this class.

    Examples
    --------
    >>> rs = np.random.RandomState(0)
    >>> whole = rs.randint(0, 10, size=5), rs.uniform(size=5)
    >>> d = ClassDraws(np.random.RandomState(0).get_state(), 10, 5)
    >>> parts = [d.take(2), d.take(3)]
    >>> bool((np.concatenate([p[0] for p in parts]) == whole[0]).all())
    True
    >>> bool((np.concatenate([p[1] for p in parts]) == whole[1]).all())
    True
    """

    def __init__(self, state, high, n_new):
        self.state = state
        self.high = int(high)
        self.n_new = int(n_new)
        self.rewind()

    def rewind(self):
        """Back to the first draw."""
        self._idx = _clone(self.state)
        self._gap = _clone(self.state)
        left = self.n_new
        while left:  # skip the integer stream to reach the uniform one
            b = min(left, _ADVANCE_BATCH)
            self._gap.randint(0, self.high, size=b)
            left -= b
        self.taken = 0

    def seek(self, position):
        """Jump to draw number ``position`` (costs ``position`` skipped draws, a few ns each),
        so that any slice of the stream can be drawn independently, e.g. by a Dask worker."""
        self.rewind()
        left = int(position)
        while left:
            b = min(left, _ADVANCE_BATCH)
            self._idx.randint(0, self.high, size=b)
            self._gap.uniform(size=b)
            left -= b
        self.taken = int(position)

    def take(self, n):
        """The next ``n`` draws: ``(indices int64, gaps float64)``."""
        n = min(int(n), self.n_new - self.taken)
        self.taken += n
        return self._idx.randint(0, self.high, size=n), self._gap.uniform(size=n)

    def end_state(self):
        """Generator state after every draw of this class (the next class's start, when one
        ``RandomState`` instance is shared as in imbalanced-learn)."""
        rs = _clone(self._gap.get_state())
        left = self.n_new - self.taken
        while left:
            b = min(left, _ADVANCE_BATCH)
            rs.uniform(size=b)
            left -= b
        return rs.get_state()


class ParentDraws:
    """Cursor over SMOTE-N's parent draws of one class, in batches of any size.

    imbalanced-learn's SMOTEN draws the parents of one class with
    ``random_state.choice(np.arange(n_c), size=n_new, replace=True)``; legacy
    ``RandomState.choice`` with replacement and no weights is ``randint(0, n_c, size=n_new)``,
    one value at a time, so any batching gives the same sequence.

    Parameters
    ----------
    state : tuple
        ``RandomState.get_state()`` at the start of this class's draws.
    n_c : int
        Rows of the class.
    n_new : int
        Synthetic rows of this class.

    Examples
    --------
    >>> whole = np.random.RandomState(0).choice(np.arange(7), size=5, replace=True)
    >>> d = ParentDraws(np.random.RandomState(0).get_state(), 7, 5)
    >>> bool((np.concatenate([d.take(2), d.take(3)]) == whole).all())
    True
    """

    def __init__(self, state, n_c, n_new):
        self.state = state
        self.n_c = int(n_c)
        self.n_new = int(n_new)
        self.rewind()

    def rewind(self):
        """Back to the first draw."""
        self.seek(0)

    def seek(self, position):
        """Jump to draw number ``position`` (costs ``position`` skipped draws)."""
        self._rs = _clone(self.state)
        left = int(position)
        while left:
            b = min(left, _ADVANCE_BATCH)
            self._rs.randint(0, self.n_c, size=b)
            left -= b
        self.taken = int(position)

    def take(self, n):
        """The next ``n`` parent rows (int64)."""
        n = min(int(n), self.n_new - self.taken)
        self.taken += n
        return self._rs.randint(0, self.n_c, size=n)

    def end_state(self):
        """Generator state after every draw of this class (the next class's start, when one
        ``RandomState`` instance is shared as in imbalanced-learn)."""
        rs = _clone(self._rs.get_state())
        left = self.n_new - self.taken
        while left:
            b = min(left, _ADVANCE_BATCH)
            rs.randint(0, self.n_c, size=b)
            left -= b
        return rs.get_state()
