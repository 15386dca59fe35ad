"""The ``(X, y)`` pair that streaming methods yield."""


class Batch(tuple):
    """A 2-tuple ``(X, y)`` that also knows which of its rows are synthetic.

    It unpacks like a plain tuple (``X, y = batch``); sinks read :attr:`synthetic` (a boolean
    ndarray, one entry per row, or ``None`` when unknown) to mark synthetic rows in a file.

    Parameters
    ----------
    X : ndarray or DataFrame
        The rows.
    y : ndarray or Series
        Their labels.
    synthetic : ndarray of bool, shape (n_rows,), optional
        True for each synthetic row.

    Examples
    --------
    >>> import numpy as np
    >>> b = Batch(np.zeros((2, 1)), np.array([0, 1]), np.array([False, True]))
    >>> X, y = b
    >>> b.synthetic.tolist()
    [False, True]
    """

    def __new__(cls, X, y, synthetic=None):
        self = super().__new__(cls, (X, y))
        self.synthetic = synthetic
        return self

    def __getnewargs__(self):
        return (self[0], self[1], self.synthetic)

    @property
    def X(self):
        return self[0]

    @property
    def y(self):
        return self[1]
