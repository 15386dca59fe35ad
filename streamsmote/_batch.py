"""The ``(X, y)`` pair that streaming methods yield."""


class Batch(tuple):
    """A 2-tuple ``(X, y)`` that also knows which of its rows are synthetic, where each
    synthetic row comes from, and the columns that travel with the rows.

    It unpacks like a plain tuple (``X, y = batch``); sinks read :attr:`synthetic` (a boolean
    ndarray, one entry per row, or ``None`` when unknown) to mark synthetic rows in a file,
    :attr:`provenance` to write where they come from and :attr:`passthrough` to write the
    columns that are neither features nor target.

    Parameters
    ----------
    X : ndarray or DataFrame
        The rows.
    y : ndarray or Series
        Their labels.
    synthetic : ndarray of bool, shape (n_rows,), optional
        True for each synthetic row.
    provenance : tuple of 3 ndarrays, optional
        ``(parent, neighbor, gap)`` of every row (see :attr:`provenance`).
    passthrough : DataFrame, optional
        The passthrough columns of the rows.

    Attributes
    ----------
    synthetic : ndarray of bool or None
    provenance : tuple of 3 ndarrays or None
        ``(parent, neighbor, gap)``, one entry per row: global input row numbers (``-1``
        where there is none: an original row, SMOTEN's neighbours) and the gap (NaN where
        there is none). None when unknown (a batch of original rows only).
    passthrough : DataFrame or None
        The passthrough columns of the rows, in row order (see
        :func:`streamsmote.sources.read_csv`'s ``passthrough``).

    Examples
    --------
    >>> import numpy as np
    >>> b = Batch(np.zeros((2, 1)), np.array([0, 1]), np.array([False, True]))
    >>> X, y = b
    >>> b.synthetic.tolist()
    [False, True]
    """

    def __new__(cls, X, y, synthetic=None, provenance=None, passthrough=None):
        self = super().__new__(cls, (X, y))
        self.synthetic = synthetic
        self.provenance = provenance
        self.passthrough = passthrough
        return self

    def __getnewargs__(self):
        return (self[0], self[1], self.synthetic, self.provenance, self.passthrough)

    @property
    def X(self):
        return self[0]

    @property
    def y(self):
        return self[1]
