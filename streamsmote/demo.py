"""A synthetic imbalanced data set written to disk chunk by chunk, and the demo's plot.

``streamsmote demo`` (:mod:`streamsmote.cli`) uses these helpers; they are public so that
tests, examples and benchmarks can make the same data.

The data: ``n_features`` float32 features; the majority class (label 0) is a correlated
Gaussian cloud, the minority class (label 1, about ``minority`` of the rows) three tight
Gaussian blobs inside it. Rows are generated ``chunksize`` at a time from one seeded
generator, so the file is the same whatever the chunk size of the reader, and memory stays at
one chunk.
"""

import os

import numpy as np
import pandas as pd

__all__ = ["make_chunks", "write_demo_data", "Tap", "plot_demo"]

TARGET = "label"


def _centres(n_features, seed):
    rng = np.random.default_rng([seed, 1])
    centres = rng.normal(scale=1.2, size=(3, n_features))
    mixing = np.eye(n_features) + rng.normal(scale=0.3, size=(n_features, n_features))
    return centres, mixing


def make_chunks(n_rows, n_features=20, minority=0.015, seed=0, chunksize=200_000):
    """Yield ``(X, y)`` chunks of the demo data set.

    Parameters
    ----------
    n_rows : int
        Rows in total.
    n_features : int, default=20
    minority : float, default=0.015
        Probability that a row belongs to the minority class 1.
    seed : int, default=0
    chunksize : int, default=200_000

    Yields
    ------
    X : DataFrame of float32 columns ``f00, f01, ...``
    y : Series of int64 named ``"label"``

    Examples
    --------
    >>> chunks = list(make_chunks(1000, n_features=3, minority=0.1, chunksize=600))
    >>> [X.shape for X, y in chunks], chunks[0][1].name
    ([(600, 3), (400, 3)], 'label')
    >>> 50 < sum(int(y.sum()) for X, y in chunks) < 150
    True
    """
    centres, mixing = _centres(n_features, seed)
    rng = np.random.default_rng(seed)
    columns = [f"f{j:02d}" for j in range(n_features)]
    start = 0
    while start < n_rows:
        n = min(chunksize, n_rows - start)
        y = (rng.random(n) < minority).astype(np.int64)
        X = rng.standard_normal((n, n_features)) @ mixing
        rare = np.flatnonzero(y)
        blob = rng.integers(0, len(centres), size=rare.size)
        X[rare] = centres[blob] + 0.6 * rng.standard_normal((rare.size, n_features))
        index = pd.RangeIndex(start, start + n)
        yield (
            pd.DataFrame(X.astype(np.float32), columns=columns, index=index),
            pd.Series(y, name=TARGET, index=index),
        )
        start += n


def write_demo_data(path, n_rows, n_features=20, minority=0.015, seed=0, chunksize=200_000):
    """Write the demo data set to ``path`` (``.parquet`` or ``.csv``) chunk by chunk, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; an existing file is replaced.
    n_rows, n_features, minority, seed, chunksize
        As in :func:`make_chunks`.

    Returns
    -------
    dict
        ``{label: rows}`` of the file, sorted by label.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "demo.csv")
    >>> counts = write_demo_data(path, 500, n_features=2, minority=0.2)
    >>> sorted(counts), sum(counts.values())
    ([0, 1], 500)
    """
    from .sinks import write_csv, write_parquet

    counts = {}

    def counted():
        for X, y in make_chunks(n_rows, n_features, minority, seed, chunksize):
            for label, n in zip(*np.unique(y.to_numpy(), return_counts=True), strict=True):
                counts[int(label)] = counts.get(int(label), 0) + int(n)
            yield X, y

    parquet = os.fspath(path).lower().endswith((".parquet", ".pq"))
    writer = write_parquet if parquet else write_csv
    writer(counted(), path, overwrite=True, target=TARGET)
    return dict(sorted(counts.items()))


class Tap:
    """Pass ``(X, y)`` batches through while keeping a random sample of some of their rows.

    Keeps about ``size`` original rows of class ``label``, about ``size`` synthetic rows
    (those flagged in ``batch.synthetic``) and about ``size`` original rows of the other
    classes, each row with a fixed probability, so the sample is spread over the whole stream
    without holding more than a few thousand rows.

    Parameters
    ----------
    batches : iterable of Batch
    label : class label whose original rows are sampled
    expected_real, expected_synthetic : int
        How many rows of each kind the stream will carry (sets the keep probability).
    size : int, default=3000
    seed : int, default=0
    expected_other : int, default=0
        How many original rows of the other classes the stream will carry (0: keep none).

    Examples
    --------
    >>> from streamsmote._batch import Batch
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> y = np.array([0] * 6 + [1] * 4)
    >>> synthetic = np.arange(10) >= 8
    >>> tap = Tap([Batch(X, y, synthetic)], label=1, expected_real=2, expected_synthetic=2,
    ...           expected_other=6)
    >>> n_rows = sum(len(batch[1]) for batch in tap)  # the batches pass through
    >>> n_rows, tap.real.shape, tap.synthetic.shape, tap.other.shape
    (10, (2, 2), (2, 2), (6, 2))
    """

    def __init__(
        self, batches, label, expected_real, expected_synthetic, size=3000, seed=0,
        expected_other=0,
    ):  # fmt: skip
        self.batches = batches
        self.label = label
        self.p_real = min(1.0, size / max(expected_real, 1))
        self.p_synth = min(1.0, size / max(expected_synthetic, 1))
        self.p_other = min(1.0, size / expected_other) if expected_other else 0.0
        self.rng = np.random.default_rng(seed)
        self._real, self._synth, self._other = [], [], []

    def __iter__(self):
        for batch in self.batches:
            X, y = batch
            labels = np.asarray(y)
            synthetic = getattr(batch, "synthetic", None)
            if synthetic is None:
                synthetic = np.zeros(len(labels), dtype=bool)
            real = np.flatnonzero((labels == self.label) & ~synthetic)
            synth = np.flatnonzero(synthetic)
            self._real.append(_rows(X, real[self.rng.random(real.size) < self.p_real]))
            self._synth.append(_rows(X, synth[self.rng.random(synth.size) < self.p_synth]))
            if self.p_other:
                other = np.flatnonzero((labels != self.label) & ~synthetic)
                self._other.append(_rows(X, other[self.rng.random(other.size) < self.p_other]))
            yield batch

    @property
    def real(self):
        """Sampled original rows of ``label``, float64."""
        return _stack(self._real)

    @property
    def synthetic(self):
        """Sampled synthetic rows, float64."""
        return _stack(self._synth)

    @property
    def other(self):
        """Sampled original rows of the other classes, float64."""
        return _stack(self._other)


def _rows(X, idx):
    if isinstance(X, pd.DataFrame):
        return X.iloc[idx].to_numpy(dtype=np.float64)
    return np.asarray(X[idx], dtype=np.float64)


def _stack(blocks):
    blocks = [b for b in blocks if len(b)]
    return np.concatenate(blocks).astype(np.float64) if blocks else np.empty((0, 0))


def plot_demo(path, real, synthetic, before, after, label=1, other=None):
    """Save a PNG: a 2-D projection of real and synthetic minority rows beside the class counts.

    The majority rows (``other``) are drawn faintly behind the real minority rows, and the
    synthetic rows on top, as in the figures of the SMOTE paper (Chawla et al., 2002, JAIR
    16). The projection is onto the first two principal components of the real minority rows
    (the first two features when there are fewer than two). Uses matplotlib's Agg canvas
    directly, so no GUI backend is touched.

    Parameters
    ----------
    path : str
        PNG file to write.
    real, synthetic : ndarray (n, d)
        Sampled real and synthetic rows of the minority class.
    before, after : dict
        ``{label: rows}`` before and after resampling.
    label : default=1
        The minority class, for the title.
    other : ndarray (n, d), optional
        Sampled rows of the other classes, drawn behind.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install "streamsmote[plot]"``).
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            'the demo plot needs matplotlib: pip install "streamsmote[plot]"'
        ) from exc

    def project(rows):
        return (rows - centre) @ basis if rows.size else np.empty((0, 2))

    other = np.empty((0, real.shape[1])) if other is None else other
    if real.shape[0] >= 2 and real.shape[1] >= 2:
        centre = real.mean(axis=0)
        _, _, vt = np.linalg.svd(real - centre, full_matrices=False)
        basis = vt[:2].T
        real_2d, synth_2d, other_2d = project(real), project(synthetic), project(other)
        axes_names = ("PC 1", "PC 2")
    else:
        real_2d, synth_2d, other_2d = real[:, :2], synthetic[:, :2], other[:, :2]
        axes_names = ("feature 0", "feature 1")

    fig = Figure(figsize=(11, 4.6), dpi=100)
    FigureCanvasAgg(fig)
    ax, bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    # The majority faintly behind, then the real rows, and the synthetic rows on top: these
    # should fill the real clusters, not the space between them.
    others = [c for c in before if c != label]
    other_name = f"class {others[0]!r}" if len(others) == 1 else "other classes"
    layers = (
        (other_2d, other_name, {"s": 4, "alpha": 0.15, "c": "0.45", "linewidths": 0}),
        (real_2d, "real", {"s": 14, "alpha": 0.6, "c": "tab:blue"}),
        (synth_2d, "synthetic", {"s": 3, "alpha": 0.6, "c": "tab:orange"}),
    )
    for points, name, style in layers:
        if points.size:
            label_ = f"{name} (sample of {len(points):,})"
            ax.scatter(points[:, 0], points[:, 1], label=label_, **style)
    ax.set_xlabel(axes_names[0])
    ax.set_ylabel(axes_names[1])
    ax.set_title(f"class {label!r}: real and synthetic rows")
    ax.legend(loc="best", markerscale=3)

    labels = sorted(set(before) | set(after), key=str)
    x = np.arange(len(labels))
    width = 0.38
    b = bars.bar(x - width / 2, [before.get(c, 0) for c in labels], width, label="before")
    a = bars.bar(x + width / 2, [after.get(c, 0) for c in labels], width, label="after")
    bars.bar_label(b, labels=[f"{before.get(c, 0):,}" for c in labels], fontsize=8)
    bars.bar_label(a, labels=[f"{after.get(c, 0):,}" for c in labels], fontsize=8)
    bars.set_xticks(x, [str(c) for c in labels])
    bars.set_xlabel("class")
    bars.set_yscale("log")
    bars.set_ylim(top=max([*before.values(), *after.values(), 1]) * 8)
    bars.set_ylabel("rows (log scale)")
    bars.set_title("class counts")
    bars.legend(loc="upper right", ncols=2)
    fig.tight_layout()
    fig.savefig(path)
    return path
