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


def _advance_uniform(rs, n):
    """Skip ``n`` uniform draws of ``rs`` (in place)."""
    while n:
        b = min(n, _ADVANCE_BATCH)
        rs.uniform(size=b)
        n -= b
    return rs


class ScaledDraws:
    """Borderline-2's draws: SMOTE's ``(index, gap)`` draws of :class:`ClassDraws`, then, for
    every draw whose neighbour is of another class, a scale ``uniform(0, 0.5)`` of the
    difference, in draw order.

    imbalanced-learn draws these scales after the class's indices and gaps, all at once, from
    ``check_random_state(random_state)``: a fresh generator for an int seed (the stream starts
    at the seed again), the shared instance otherwise (it continues after the gaps). ``start``
    is that stream's first state. Legacy ``uniform`` draws each value independently of the
    batch size, so a batch's scales are the next ``other[index].sum()`` values of the stream.

    Parameters
    ----------
    draws : ClassDraws
    other : ndarray of bool, shape (high,)
        Whether draw index ``i`` pairs its row with a row of another class.
    start : tuple or None
        ``RandomState.get_state()`` at the start of the scale stream; None for the shared
        instance's (after every index and gap of the class).

    Examples
    --------
    >>> other = np.array([False, True, True, False])
    >>> rs = np.random.RandomState(0)
    >>> idx, gaps = rs.randint(0, 4, size=6), rs.uniform(size=6)
    >>> scales = np.ones(6)
    >>> scales[other[idx]] = rs.uniform(0.0, 0.5, size=other[idx].sum())
    >>> d = ScaledDraws(ClassDraws(np.random.RandomState(0).get_state(), 4, 6), other, None)
    >>> parts = [d.take(4), d.take(2)]
    >>> bool((np.concatenate([p[2] for p in parts]) == scales).all())
    True
    """

    def __init__(self, draws, other, start):
        self.draws = draws
        self.other = other
        self.n_new = draws.n_new
        self.start = draws.end_state() if start is None else start
        self.rewind()

    @property
    def taken(self):
        return self.draws.taken

    def _n_other(self, n):
        """How many of the first ``n`` draws pair with another class."""
        replay = ClassDraws(self.draws.state, self.draws.high, n)
        count = 0
        while replay.taken < n:
            count += int(self.other[replay.take(_ADVANCE_BATCH)[0]].sum())
        return count

    def rewind(self):
        self.draws.rewind()
        self._rs = _clone(self.start)

    def seek(self, position):
        self.draws.seek(position)
        self._rs = _advance_uniform(_clone(self.start), self._n_other(int(position)))

    def take(self, n):
        """The next ``n`` draws: ``(indices, gaps, scales)``, scale 1 for a same-class pair."""
        idx, gaps = self.draws.take(n)
        mask = self.other[idx]
        scales = np.ones(idx.shape[0])
        scales[mask] = self._rs.uniform(0.0, 0.5, size=int(mask.sum()))
        return idx, gaps, scales

    def end_state(self):
        return _advance_uniform(_clone(self.start), self._n_other(self.n_new)).get_state()


class CountedDraws:
    """ADASYN's draws: parent ``i`` makes ``counts[i]`` rows, parents in order; each row's
    neighbour slot is ``randint(0, k)`` (imbalanced-learn's ``choice(k, size=n_new)``) and its
    gap ``uniform()``, the two streams of :class:`ClassDraws` with ``high=k``. ``take``
    returns SMOTE's flat index ``parent * k + slot``.

    Examples
    --------
    >>> d = CountedDraws(np.random.RandomState(0).get_state(), np.array([2, 0, 1]), 3)
    >>> idx, _ = d.take(3)
    >>> (idx // 3).tolist()
    [0, 0, 2]
    """

    def __init__(self, state, counts, k):
        self.k = int(k)
        self.bounds = np.cumsum(counts)
        self.draws = ClassDraws(state, self.k, int(self.bounds[-1]) if counts.size else 0)
        self.n_new = self.draws.n_new

    @property
    def taken(self):
        return self.draws.taken

    def rewind(self):
        self.draws.rewind()

    def seek(self, position):
        self.draws.seek(position)

    def take(self, n):
        first = self.draws.taken
        slots, gaps = self.draws.take(n)
        parents = np.searchsorted(self.bounds, np.arange(first, first + slots.size), "right")
        return parents * self.k + slots, gaps

    def end_state(self):
        return self.draws.end_state()
