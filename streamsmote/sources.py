"""Chunk sources: re-iterable streams of ``(X, y)`` chunks read from memory or files.

Every source is a :class:`ChunkSource`. Iterating it starts a new pass from the first row
(except for sources built from a one-shot iterator), reads one chunk at a time so that memory
stays bounded by the chunk size, and validates each chunk against the first one
(:class:`streamsmote._validation.ChunkChecker`): same columns and dtypes, numeric features, no
NaN or infinity, one label per row. Empty chunks are skipped.

A source built from a DataFrame-producing reader (``read_csv``, ``read_parquet``, a DataFrame
given to ``from_arrays``) yields ``(DataFrame, Series)``; one built from arrays yields
``(ndarray, ndarray)``.
"""

import functools
import gzip
import io
import os
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from . import _polars
from ._batch import Batch
from ._polars import PolarsChunk
from ._validation import (
    ChunkChecker,
    check_chunksize,
    check_target_column,
    check_unique_columns,
)

__all__ = [
    "ChunkSource",
    "as_source",
    "from_arrays",
    "from_chunks",
    "from_polars",
    "read_csv",
    "read_parquet",
]

_ONE_SHOT_FIX = (
    "pass a callable that returns a new iterator, e.g. from_chunks(lambda: make_chunks()), "
    "or use from_arrays/read_csv/read_parquet"
)
_CSV_DTYPE_HINT = (
    "pandas infers CSV dtypes chunk by chunk; pin this column's dtype with "
    "read_csv(..., dtype={{{column!r}: {dtype!r}}})."
)
# Bytes read at a time from a Parquet column chunk (see _iter_parquet).
PARQUET_BUFFER = 1 << 18
_PARQUET_COLUMNS_HINT = " To read only some columns, pass read_parquet(..., columns=[...])."


def _import_tqdm():
    try:
        from tqdm import tqdm
    except ImportError as exc:  # pragma: no cover - tqdm is installed in the test env
        raise ImportError('progress=True needs tqdm: pip install "streamsmote[progress]"') from exc
    return tqdm


def _import_parquet():
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is installed in the test env
        raise ImportError(
            'read_parquet needs pyarrow: pip install "streamsmote[parquet]"'
        ) from exc
    return pq


class ChunkSource:
    """A stream of validated ``(X, y)`` chunks; build one with the ``from_*``/``read_*`` helpers.

    Parameters
    ----------
    factory : callable
        Zero-argument callable returning a new iterator of ``(X, y, where)`` triples, where
        ``where`` is None or a short location (e.g. a part-file name) for error messages.
    name : str
        Description of the source, used in ``repr`` and error messages.
    kind : {"pandas", "numpy", "polars"}, optional
        Container of the chunks, when known before reading; else set by the first chunk.
    n_rows : int, optional
        Total number of rows, when known without reading; else set after a complete pass.
    target : str, optional
        Name of the label column.
    columns : list, optional
        Feature column names, when known; else set by the first chunk (DataFrames only).
    chunksize : int, optional
        Rows per chunk asked of the reader (None when the chunks come from the user).
    reiterable : bool, default=True
        False when ``factory`` can run only once (a one-shot iterator).
    progress : bool, default=False
        Show a tqdm progress bar over rows on stderr while iterating.
    dtype_hint : str, optional
        Advice appended to dtype-change errors, formatted with ``column`` and ``dtype``
        (see :class:`~streamsmote._validation.ChunkChecker`).
    passthrough : list of str, optional
        Columns that are neither features nor target (ids, timestamps, weights): split off
        every DataFrame chunk and carried with its rows (``chunk.passthrough``), never seen
        by the sampler's features.
    passthrough_fill : {"null", "parent"}, default="null"
        What the passthrough columns hold on synthetic rows: nulls (integer and boolean
        columns then become pandas' nullable ``Int64``/``boolean`` in every batch, so that
        a file has one schema), or the values of the synthetic row's parent row (the
        sampler then keeps them for the stored minority rows, in RAM).

    Attributes
    ----------
    reiterable : bool
        Whether each ``iter()`` starts again from the first row.
    kind : {"pandas", "numpy", "polars"} or None
        ``"pandas"`` for ``(DataFrame, Series)`` chunks, ``"numpy"`` for ``(ndarray, ndarray)``,
        ``"polars"`` for polars ``(DataFrame, Series)``; None until the first chunk when it
        cannot be known before reading.
    n_rows : int or None
        Total rows, or None while unknown.
    target : str or None
        Label column name (None for arrays without a name).
    columns : list or None
        Feature column names (None for ndarray chunks or while unknown).
    n_features : int or None
        Number of feature columns, once known.
    passthrough : list of str
        The passthrough columns (empty when there are none).
    passthrough_fill : {"null", "parent"}

    Examples
    --------
    >>> import numpy as np
    >>> src = from_arrays(np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 1]), chunksize=2)
    >>> src
    ChunkSource(from_arrays(ndarray of shape (5, 2), chunksize=2), kind='numpy', n_rows=5, ...)
    >>> [len(y) for X, y in src]
    [2, 2, 1]
    >>> [len(y) for X, y in src]  # every iter() starts again
    [2, 2, 1]
    """

    def __init__(
        self,
        factory,
        *,
        name,
        kind=None,
        n_rows=None,
        target=None,
        columns=None,
        chunksize=None,
        reiterable=True,
        progress=False,
        dtype_hint=None,
        passthrough=None,
        passthrough_fill="null",
    ):
        if progress:
            _import_tqdm()  # fail now rather than at the first iteration
        self._factory = factory
        self.name = name
        self.kind = kind
        self.n_rows = n_rows
        self.target = target
        self.columns = None if columns is None else list(columns)
        self.n_features = None if columns is None else len(self.columns)
        self.chunksize = chunksize
        self.reiterable = bool(reiterable)
        self.progress = bool(progress)
        self._dtype_hint = dtype_hint
        self._consumed = False
        # set by a sampler: callable(first X) -> mask of categorical columns (ChunkChecker)
        self.categorical = None
        self.passthrough = list(passthrough or ())
        self.passthrough_fill = check_passthrough_fill(passthrough_fill)

    def __repr__(self):
        return (
            f"ChunkSource({self.name}, kind={self.kind!r}, n_rows={self.n_rows!r}, "
            f"target={self.target!r}, reiterable={self.reiterable})"
        )

    def __iter__(self):
        if not self.reiterable:
            if self._consumed:
                raise ValueError(
                    f"{self.name} wraps a one-shot iterator that has already been iterated; it "
                    f"cannot be read a second time. To read it more than once, {_ONE_SHOT_FIX}."
                )
            self._consumed = True
        return self._iterate()

    def _iterate(self):
        checker = ChunkChecker(
            where=self.name, dtype_hint=self._dtype_hint, categorical=self.categorical
        )
        chunks = self._factory()
        if not self.reiterable:
            self._factory = None  # drop the reference to the consumed iterator
        bar = None
        try:
            if self.progress:
                tqdm = _import_tqdm()
                desc = self.name.split("(", 1)[0]
                bar = tqdm(total=self.n_rows, unit="rows", desc=desc, file=sys.stderr)
            extras = _PassthroughChecker(self.passthrough, self.name, self._dtype_hint)
            for item in chunks:
                # a reader yields (X, y, where), or (X, y, where, passthrough frame) when the
                # passthrough columns come apart from X (from_arrays with a DataFrame of them)
                X, y, where = item[:3]
                extra = item[3] if len(item) > 3 else None
                if self.passthrough and extra is None:
                    X, extra = extras.split(X, checker.chunk_index, where)
                checked = checker.check(X, y, where=where)
                if checked is None:
                    continue
                if extra is not None:
                    extra = extras.check(extra, checked[0], checker.chunk_index - 1, where)
                    checked = Batch(*checked, passthrough=extra)
                if checker.polars is not None:
                    # the polars frames as read, carrying the pandas form the checks made
                    checked = PolarsChunk(
                        X, checker.polars.labels(y), checked, checker.polars, passthrough=extra
                    )
                if self.kind is None:
                    self.kind = "polars" if checker.polars is not None else checker.kind
                if self.n_features is None:
                    self.n_features = checker.n_features
                if self.columns is None and checker.columns is not None:
                    self.columns = list(checker.columns)
                if bar is not None:
                    bar.update(len(checked[1]))
                yield checked
            if self.n_rows is None:
                self.n_rows = checker.offset
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            if bar is not None:
                bar.close()


# ---------------------------------------------------------------------------------------------
# Passthrough columns
# ---------------------------------------------------------------------------------------------

PASSTHROUGH_FILLS = ("null", "parent")


def check_passthrough_fill(fill):
    """``fill`` if it is one of :data:`PASSTHROUGH_FILLS`, else a ValueError saying so."""
    if not isinstance(fill, str) or fill not in PASSTHROUGH_FILLS:
        raise ValueError(
            f"passthrough_fill must be one of {PASSTHROUGH_FILLS} (what the passthrough "
            f"columns hold on synthetic rows); got {fill!r}."
        )
    return fill


def check_passthrough(passthrough, columns, target, where):
    """The passthrough column names as a list, checked against the ``columns`` of the data
    (the target included): a list of distinct names of columns other than the target."""
    if passthrough is None:
        return []
    if isinstance(passthrough, str) or not hasattr(passthrough, "__iter__"):
        raise TypeError(
            f"passthrough must be a list of column names; got {passthrough!r}. Pass e.g. "
            f"passthrough=[{passthrough!r}]."
        )
    names = list(passthrough)
    twice = sorted({str(c) for c in names if names.count(c) > 1})
    if twice:
        raise ValueError(f"passthrough names column(s) {twice} more than once; name each once.")
    if target is not None and target in names:
        raise ValueError(
            f"passthrough names the target column {target!r}; the target is written in any "
            "case. Leave it out of passthrough."
        )
    if columns is not None:
        missing = [c for c in names if c not in list(columns)]
        if missing:
            raise ValueError(
                f"passthrough names column(s) {missing} that are not in {where}; its columns "
                f"are {list(columns)}."
            )
    return names


class _PassthroughChecker:
    """Splits the passthrough columns off each DataFrame chunk (pandas or polars: they stay in
    the chunk's container) and checks that every chunk's passthrough columns have the first
    chunk's dtypes (a file gets one schema)."""

    def __init__(self, names, source, dtype_hint):
        self.names = names
        self.source = source
        self.dtype_hint = dtype_hint
        self.dtypes = None

    def _loc(self, index, where):
        return f"chunk {index} of {self.source}" + (f" ({where})" if where else "")

    def split(self, X, index, where):
        polars = _polars.is_frame(X)
        if not (polars or isinstance(X, pd.DataFrame)):
            raise TypeError(
                f"{self._loc(index, where)}: passthrough={self.names} needs DataFrame chunks to "
                f"take the columns from; got {type(X).__name__}. Pass the passthrough columns "
                "as a DataFrame to from_arrays(X, y, passthrough=frame)."
            )
        missing = [c for c in self.names if c not in X.columns]
        if missing:
            raise ValueError(
                f"{self._loc(index, where)} lacks passthrough column(s) {missing}; its columns "
                f"are {list(X.columns)}. Every chunk needs the passthrough columns."
            )
        if polars:
            return X.drop(self.names), X.select(self.names)
        return X.drop(columns=self.names), X[self.names]

    def check(self, extra, X, index, where):
        if len(extra) != X.shape[0]:
            raise ValueError(
                f"{self._loc(index, where)}: the passthrough columns have {len(extra)} rows but "
                f"X has {X.shape[0]}; pass one passthrough row per row."
            )
        dtypes = list(extra.dtypes)
        if self.dtypes is None:
            self.dtypes = dtypes
        elif dtypes != self.dtypes:
            column, was, now = next(
                (c, a, b)
                for c, a, b in zip(extra.columns, self.dtypes, dtypes, strict=True)
                if a != b
            )
            hint = (
                " " + self.dtype_hint.format(column=column, dtype=str(was))
                if self.dtype_hint
                else ""
            )
            raise ValueError(
                f"{self._loc(index, where)}: passthrough column {column!r} has dtype {now} but "
                f"{was} in chunk 0; every chunk must give it one dtype.{hint}"
            )
        pandas = isinstance(X, pd.DataFrame) and isinstance(extra, pd.DataFrame)
        if pandas and not extra.index.equals(X.index):  # a polars frame has no index
            extra = extra.set_axis(X.index)
        return extra


# ---------------------------------------------------------------------------------------------
# In-memory arrays
# ---------------------------------------------------------------------------------------------


def _iter_arrays(X, y, chunksize, extra=None):
    n = X.shape[0]
    frame = isinstance(X, pd.DataFrame)
    for start in range(0, n, chunksize):
        stop = min(start + chunksize, n)
        if frame:
            Xc = X.iloc[start:stop]
            if isinstance(y, pd.Series):
                yc = y.iloc[start:stop]
            else:
                yc = pd.Series(np.array(y[start:stop]), index=Xc.index)
        else:
            # np.array copies only this slice, also from a read-only memmap.
            Xc = np.array(X[start:stop])
            yc = np.array(y[start:stop])
        if extra is None:
            yield Xc, yc, None
        else:
            yield Xc, yc, None, extra.iloc[start:stop]


def from_arrays(
    X, y, chunksize=100_000, *, progress=False, passthrough=None, passthrough_fill="null"
):
    """Stream in-memory (or memory-mapped) arrays in chunks of ``chunksize`` rows.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features) or DataFrame
        Features. A ``np.load(..., mmap_mode="r")`` memmap is sliced chunk by chunk, never
        copied whole.
    y : ndarray of shape (n_rows,) or Series
        Labels.
    chunksize : int, default=100_000
        Rows per chunk; the last chunk may be shorter.
    progress : bool, default=False
        Show a tqdm progress bar (total = ``len(X)``) on stderr while iterating.
    passthrough : list of str or DataFrame, optional
        Columns that travel with the rows without being features: names of columns of a
        DataFrame ``X``, or a DataFrame of ``len(X)`` rows holding them (for any ``X``).
        Each chunk then carries them as ``chunk.passthrough``.
    passthrough_fill : {"null", "parent"}, default="null"
        What they hold on synthetic rows (see :class:`ChunkSource`).

    Returns
    -------
    ChunkSource
        Re-iterable; yields ``(ndarray, ndarray)`` for an ndarray X and ``(DataFrame, Series)``
        for a DataFrame X (a non-Series y is wrapped in a Series on the chunk's index).

    Raises
    ------
    ValueError
        If X is not 2-D, y is not 1-D, their lengths differ or ``chunksize`` is not a positive
        integer. Chunk checks (NaN, non-numeric columns, ...) raise while iterating.
    ImportError
        If ``progress=True`` and tqdm is not installed.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4, 5, 6]})
    >>> y = pd.Series([0, 1, 0], name="label")
    >>> src = from_arrays(X, y, chunksize=2)
    >>> src.kind, src.n_rows, src.target, src.columns
    ('pandas', 3, 'label', ['a', 'b'])
    >>> for X_c, y_c in src:
    ...     print(X_c.shape, y_c.tolist())
    (2, 2) [0, 1]
    (1, 2) [0]
    """
    chunksize = check_chunksize(chunksize)
    if isinstance(X, pd.DataFrame):
        kind, columns = "pandas", list(X.columns)
        what = f"DataFrame of shape {X.shape}"
    else:
        if not isinstance(X, np.ndarray):
            X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(
                f"from_arrays: X must be 2-D (rows x features); got shape {X.shape}. "
                "Use X.reshape(-1, 1) for a single feature."
            )
        kind, columns = "numpy", None
        what = f"ndarray of shape {X.shape}"
    target = None
    if isinstance(y, pd.Series):
        target = y.name
    else:
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(
                f"from_arrays: y must be 1-D (one label per row); got shape {y.shape}. "
                "Use y.ravel()."
            )
    if len(y) != X.shape[0]:
        raise ValueError(
            f"from_arrays: X has {X.shape[0]} rows but y has {len(y)}; pass one label per row."
        )
    extra = None
    if isinstance(passthrough, pd.DataFrame):
        extra, passthrough = passthrough, list(passthrough.columns)
        check_passthrough(passthrough, None, target, "from_arrays")
        if len(extra) != X.shape[0]:
            raise ValueError(
                f"from_arrays: X has {X.shape[0]} rows but the passthrough DataFrame has "
                f"{len(extra)}; pass one passthrough row per row of X."
            )
        if columns is not None and set(passthrough) & set(columns):
            raise ValueError(
                f"from_arrays: passthrough columns {sorted(set(passthrough) & set(columns))} are "
                "also columns of X; drop them from X or pass their names as passthrough=[...]."
            )
    elif passthrough is not None:
        if columns is None:
            raise TypeError(
                "from_arrays: passthrough=[names] takes the columns from a DataFrame X, but X "
                "is an ndarray; pass the passthrough columns as a DataFrame instead."
            )
        passthrough = check_passthrough(passthrough, columns, target, "X")
        columns = [c for c in columns if c not in passthrough]
    return ChunkSource(
        functools.partial(_iter_arrays, X, y, chunksize, extra),
        name=f"from_arrays({what}, chunksize={chunksize})",
        kind=kind,
        n_rows=int(X.shape[0]),
        target=target,
        columns=columns,
        chunksize=chunksize,
        progress=progress,
        passthrough=passthrough,
        passthrough_fill=passthrough_fill,
    )


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


# Options of pandas.read_csv that say where the header row is and how it is split.
_CSV_LAYOUT_OPTIONS = (
    "sep", "delimiter", "dialect", "engine", "compression", "encoding", "encoding_errors",
    "quotechar", "quoting", "escapechar", "doublequote", "lineterminator", "comment",
    "skiprows", "skipinitialspace", "skip_blank_lines", "storage_options",
)  # fmt: skip
# What pandas (or the decompressor under it) raises for a file it cannot read as CSV.
_CSV_CORRUPT = (EOFError, gzip.BadGzipFile, zlib.error)
_CSV_UNPARSABLE = (pd.errors.ParserError, UnicodeDecodeError)


def _csv_read_error(path, exc):
    """A ValueError naming a CSV file that pandas failed to read."""
    detail = " ".join(str(exc).split())
    if isinstance(exc, _CSV_CORRUPT):
        return ValueError(
            f"input {os.fspath(path)!r} is corrupt or truncated ({detail}); write or download "
            "it again."
        )
    return ValueError(
        f"input {os.fspath(path)!r} cannot be parsed as CSV ({detail}); check its separator, "
        "encoding (UTF-8 expected) and that every row has as many fields as the header."
    )


def _csv_header(path, kwargs):
    """The names in the header row of a CSV file as written (pandas renames duplicates:
    ``label``, ``label`` become ``label``, ``label.1``)."""
    options = {k: v for k, v in kwargs.items() if k in _CSV_LAYOUT_OPTIONS}
    try:
        row = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False, **options)
    except pd.errors.EmptyDataError:
        raise ValueError(
            f"input {os.fspath(path)!r} is empty: a CSV file needs a header row naming its "
            "columns, then one row per sample."
        ) from None
    except (*_CSV_CORRUPT, *_CSV_UNPARSABLE) as exc:
        raise _csv_read_error(path, exc) from exc
    return row.iloc[0].tolist()


def _iter_csv(path, target, chunksize, kwargs, name=None):
    """``(X, y, None)`` chunks of a CSV file, or of an open stream (named ``name``)."""
    name = os.fspath(path) if name is None else name
    try:
        with pd.read_csv(path, chunksize=chunksize, **kwargs) as reader:
            for chunk in reader:
                if target not in chunk.columns:
                    check_target_column(chunk.columns, target, where=repr(name))
                y = chunk.pop(target)
                yield chunk, y, None
    except (*_CSV_CORRUPT, *_CSV_UNPARSABLE) as exc:
        raise _csv_read_error(name, exc) from exc


def read_csv(
    path,
    target,
    chunksize=100_000,
    progress=False,
    passthrough=None,
    passthrough_fill="null",
    **pandas_kwargs,
):
    """Stream a CSV file in chunks with pandas' chunked reader; never reads the whole file.

    Parameters
    ----------
    path : str or os.PathLike
        CSV file (any compression pandas reads).
    target : str
        Name of the label column; it is removed from the features.
    chunksize : int, default=100_000
        Rows per chunk.
    progress : bool, default=False
        Show a tqdm progress bar over rows on stderr (total unknown on the first pass).
    passthrough : list of str, optional
        Columns that are neither features nor target (ids, timestamps, sample weights):
        carried with their rows as ``chunk.passthrough``, never used as features.
    passthrough_fill : {"null", "parent"}, default="null"
        What they hold on synthetic rows (see :class:`ChunkSource`).
    **pandas_kwargs
        Passed to :func:`pandas.read_csv` (e.g. ``sep``, ``dtype``, ``usecols``).

    Returns
    -------
    ChunkSource
        Re-iterable; yields ``(DataFrame of feature columns, Series named target)``.
        ``columns`` is read from the header; ``n_rows`` is None until a full pass.

    Raises
    ------
    ValueError
        If the file is empty, the header names a column twice, the target column is not in
        the header (the message lists the columns), the file cannot be parsed or is a
        truncated archive, or a chunk breaks the chunk checks while iterating.
    TypeError
        If ``path`` is not a path, or ``iterator=``/``nrows=0``-style reader options conflict.
    FileNotFoundError
        If the file does not exist.

    Examples
    --------
    >>> import os, tempfile, pandas as pd
    >>> d = tempfile.mkdtemp()
    >>> path = os.path.join(d, "data.csv")
    >>> pd.DataFrame({"a": [0.5, 1.5, 2.5], "label": [0, 1, 0]}).to_csv(path, index=False)
    >>> src = read_csv(path, target="label", chunksize=2)
    >>> src.columns
    ['a']
    >>> [(X.columns.tolist(), y.name, len(y)) for X, y in src]
    [(['a'], 'label', 2), (['a'], 'label', 1)]
    >>> src.n_rows  # known after one full pass
    3
    """
    chunksize = check_chunksize(chunksize)
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"read_csv needs a file path (str or os.PathLike); got {type(path).__name__}. For "
            "an open file or buffer, use from_chunks(lambda: pd.read_csv(..., chunksize=n), "
            "target=...)."
        )
    for key in ("iterator", "chunksize"):
        if key in pandas_kwargs:
            raise TypeError(f"read_csv: do not pass {key}=; streamsmote reads in chunks itself.")
    where = repr(os.fspath(path))
    if "names" not in pandas_kwargs and pandas_kwargs.get("header", "infer") in ("infer", 0):
        check_unique_columns(_csv_header(path, pandas_kwargs), where=f"input {where}")
    header = pd.read_csv(path, **{**pandas_kwargs, "nrows": 0})
    check_target_column(header.columns, target, where=where)
    passthrough = check_passthrough(passthrough, header.columns, target, f"input {where}")
    columns = [c for c in header.columns if c != target and c not in passthrough]
    return ChunkSource(
        functools.partial(_iter_csv, path, target, chunksize, dict(pandas_kwargs)),
        name=f"read_csv({os.fspath(path)!r}, target={target!r}, chunksize={chunksize})",
        kind="pandas",
        n_rows=None,
        target=target,
        columns=columns,
        chunksize=chunksize,
        progress=progress,
        dtype_hint=_CSV_DTYPE_HINT,
        passthrough=passthrough,
        passthrough_fill=passthrough_fill,
    )


class _Prefixed(io.RawIOBase):
    """A binary stream that returns ``head`` (bytes already read from ``stream``) and then
    the rest of ``stream``."""

    def __init__(self, head, stream):
        self._head = memoryview(head)
        self._stream = stream

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        read = getattr(self._stream, "read1", self._stream.read)  # what has arrived, no more
        data = read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_csv_stream(
    stream,
    target,
    chunksize=100_000,
    name="-",
    progress=False,
    passthrough=None,
    passthrough_fill="null",
    **pandas_kwargs,
):
    """A one-shot :class:`ChunkSource` over CSV text from an open binary stream, e.g.
    ``sys.stdin.buffer`` for the command line's ``-``, read in chunks as the text arrives.

    The header row is read and checked first, as :func:`read_csv` checks a file's (names
    unique, the target among them), then the first chunk, so that ``columns`` and the
    source's ``head`` (that first ``(X, y)`` chunk, unchecked, or None when the stream has
    only a header) are known before iterating. ``name`` names the input in messages.

    Examples
    --------
    >>> import io
    >>> text = io.BytesIO(b"a,label\\n0.5,0\\n1.5,1\\n2.5,0\\n")
    >>> src = _read_csv_stream(text, "label", chunksize=2)
    >>> src.columns, src.head[1].dtype, src.reiterable
    (['a'], dtype('int64'), False)
    >>> [y.tolist() for X, y in src]
    [[0, 1], [0]]
    """
    chunksize = check_chunksize(chunksize)
    header = stream.readline()
    if not header.strip():
        raise ValueError(
            f"input {name!r} is empty: CSV text needs a header row naming its columns, then "
            "one row per sample."
        )
    options = {k: v for k, v in pandas_kwargs.items() if k in _CSV_LAYOUT_OPTIONS}
    try:
        names = pd.read_csv(
            io.BytesIO(header), header=None, dtype=str, keep_default_na=False, **options
        )
    except (*_CSV_CORRUPT, *_CSV_UNPARSABLE) as exc:
        raise _csv_read_error(name, exc) from exc
    check_unique_columns(names.iloc[0].tolist(), where=f"input {name!r}")
    text = io.BufferedReader(_Prefixed(header, stream))
    chunks = _iter_csv(text, target, chunksize, pandas_kwargs, name=name)
    head = next(chunks, None)
    if head is not None and not len(head[1]):  # pandas' one empty chunk of a bare header
        head = None
    if head is None:  # a header only: the names as pandas reads them
        columns = pd.read_csv(io.BytesIO(header), nrows=0, **pandas_kwargs).columns
    else:
        columns = list(head[0].columns) + [target]
    check_target_column(columns, target, where=repr(name))
    passthrough = check_passthrough(passthrough, columns, target, f"input {name!r}")

    def replay():
        if head is not None:
            yield head
            yield from chunks

    src = ChunkSource(
        replay,
        name=f"read_csv({name!r}, target={target!r}, chunksize={chunksize})",
        kind="pandas",
        target=target,
        columns=[c for c in columns if c != target and c not in passthrough],
        chunksize=chunksize,
        reiterable=False,
        progress=progress,
        dtype_hint=_CSV_DTYPE_HINT,
        passthrough=passthrough,
        passthrough_fill=passthrough_fill,
    )
    src.head = head and head[:2]
    return src


# ---------------------------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------------------------


def _parquet_files(path):
    if isinstance(path, list | tuple):
        files = [os.fspath(p) for p in path]
    elif os.path.isdir(path):
        files = sorted(str(p) for p in Path(path).glob("*.parquet") if p.is_file())
        if not files:
            raise ValueError(
                f"read_parquet: directory {os.fspath(path)!r} holds no *.parquet files. Pass a "
                "Parquet file or a directory of part files named *.parquet."
            )
    else:
        files = [os.fspath(path)]
    if not files:
        raise ValueError("read_parquet: got an empty list of files; pass at least one path.")
    return files


def _parquet_error(f, files, exc):
    """The error to raise for a Parquet file (or part) that pyarrow failed to read: a missing
    or unreadable file as is, anything else as a ValueError saying it is corrupt."""
    if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
        return exc
    what = _parquet_name(f, files)
    if os.path.isfile(f) and os.path.getsize(f) == 0:
        return ValueError(f"{what} is empty (0 bytes), not a Parquet file.")
    detail = " ".join(str(exc).split())
    return ValueError(
        f"{what} is corrupt or truncated: it cannot be read as Parquet ({detail}). Write it "
        "again" + (", or move it out of the directory." if len(files) > 1 else ".")
    )


def _parquet_name(f, files):
    """``input 'x.parquet'`` or ``part 'p1.parquet' of 'dir'`` for messages."""
    if len(files) == 1:
        return f"input {f!r}"
    return f"part {os.path.basename(f)!r} of {os.path.dirname(f) or '.'!r}"


def _pandas_index_columns(schema):
    meta = schema.pandas_metadata or {}
    return {c for c in meta.get("index_columns", []) if isinstance(c, str)}


def _iter_parquet(files, read_columns, target, batch_size):
    pq = _import_parquet()
    offset = 0
    for f in files:
        where = os.path.basename(f) if len(files) > 1 else None
        try:
            # pre_buffer=False: pyarrow would otherwise keep every column chunk it has read
            # until the file closes, i.e. memory proportional to the file, not to the batch.
            # buffer_size: read each column chunk through a small buffer instead of whole
            # (measured on 400k-row row groups of 19 float64 columns read in 100k-row
            # batches: pyarrow's peak allocation 151 -> 90 MB).
            with pq.ParquetFile(f, pre_buffer=False, buffer_size=PARQUET_BUFFER) as pf:
                for batch in pf.iter_batches(batch_size=batch_size, columns=read_columns):
                    df = batch.to_pandas()
                    # One global RangeIndex over the stream, as pandas' chunked CSV reader
                    # gives.
                    df.index = pd.RangeIndex(offset, offset + len(df))
                    offset += len(df)
                    y = df.pop(target)
                    yield df, y, where
        except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid, ArrowIOError
            raise _parquet_error(f, files, exc) from exc


def read_parquet(
    path,
    target,
    batch_size=100_000,
    columns=None,
    progress=False,
    passthrough=None,
    passthrough_fill="null",
):
    """Stream a Parquet file, or a directory of part files, in record batches.

    Reads with ``pyarrow.parquet.ParquetFile(...).iter_batches``; part files (``*.parquet``
    in a directory, sorted by name) are read one after another. Only the file footers are
    read up front (for ``n_rows`` and ``columns``).

    Parameters
    ----------
    path : str, os.PathLike or list of them
        A Parquet file, a directory of ``*.parquet`` part files, or an explicit list of files.
    target : str
        Name of the label column; it is removed from the features.
    batch_size : int, default=100_000
        Maximum rows per chunk (chunks do not span part files or row groups' batches).
    columns : list of str, optional
        Feature columns to read (the target is read in any case). Default: every column
        except the target (and a stored pandas index).
    progress : bool, default=False
        Show a tqdm progress bar over rows (total from the file metadata) on stderr.
    passthrough : list of str, optional
        Columns that are neither features nor target (ids, timestamps, sample weights):
        read beside the features, carried with their rows as ``chunk.passthrough``, never
        used as features.
    passthrough_fill : {"null", "parent"}, default="null"
        What they hold on synthetic rows (see :class:`ChunkSource`).

    Returns
    -------
    ChunkSource
        Re-iterable; yields ``(DataFrame, Series named target)`` whose index is a RangeIndex
        counting rows from the start of the stream. ``n_rows`` is the sum of the files'
        metadata row counts and ``columns`` the feature names.

    Raises
    ------
    ImportError
        If pyarrow is not installed.
    ValueError
        If the target or a requested column is missing (the message lists the available
        columns), a file names a column twice, a part file has a column the first lacks (when
        ``columns`` is not given), a file is empty, corrupt or truncated, a directory holds no
        ``*.parquet`` file, or a chunk breaks the chunk checks.

    Examples
    --------
    >>> import os, tempfile, pandas as pd
    >>> d = tempfile.mkdtemp()
    >>> path = os.path.join(d, "data.parquet")
    >>> pd.DataFrame({"a": [0.5, 1.5, 2.5], "b": [1, 2, 3], "y": [0, 1, 0]}).to_parquet(path)
    >>> src = read_parquet(path, target="y", batch_size=2)
    >>> src.n_rows, src.columns
    (3, ['a', 'b'])
    >>> [(X.shape, y.tolist()) for X, y in src]
    [((2, 2), [0, 1]), ((1, 2), [0])]
    """
    pq = _import_parquet()
    batch_size = check_chunksize(batch_size, name="batch_size")
    files = _parquet_files(path)
    n_rows = 0
    features = read_columns = None
    for f in files:
        try:
            pf = pq.ParquetFile(f, pre_buffer=False)  # see _iter_parquet
        except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid, ArrowIOError
            raise _parquet_error(f, files, exc) from exc
        with pf:
            names = pf.schema_arrow.names
            check_unique_columns(names, where=_parquet_name(f, files))
            if features is None:
                check_target_column(names, target, where=repr(f))
                passthrough = check_passthrough(passthrough, names, target, f"input {f!r}")
                if columns is None:
                    skip = _pandas_index_columns(pf.schema_arrow) | {target, *passthrough}
                    features = [c for c in names if c not in skip]
                else:
                    missing = [c for c in columns if c not in names]
                    if missing:
                        raise ValueError(
                            f"read_parquet: columns {missing} not found in {f!r}; available "
                            f"columns: {names}. Pass columns= a subset of these."
                        )
                    features = [c for c in columns if c != target and c not in passthrough]
                read_columns = features + passthrough + [target]
                first = f
            else:
                missing = [c for c in read_columns if c not in names]
                if missing:
                    raise ValueError(
                        f"read_parquet: part file {f!r} lacks columns {missing} that the first "
                        f"file has; available columns: {names}. All part files must share one "
                        f"schema.{_PARQUET_COLUMNS_HINT}"
                    )
                skip = _pandas_index_columns(pf.schema_arrow)
                extra = [c for c in names if c not in read_columns and c not in skip]
                if extra and columns is None:
                    raise ValueError(
                        f"read_parquet: part file {f!r} has columns {extra} that the first "
                        f"part {os.path.basename(first)!r} lacks. All part files must share one "
                        f"schema.{_PARQUET_COLUMNS_HINT}"
                    )
            n_rows += pf.metadata.num_rows
    shown = os.fspath(path) if not isinstance(path, list | tuple) else f"{len(files)} files"
    return ChunkSource(
        functools.partial(_iter_parquet, files, read_columns, target, batch_size),
        name=f"read_parquet({shown!r}, target={target!r}, batch_size={batch_size})",
        kind="pandas",
        n_rows=int(n_rows),
        target=target,
        columns=features,
        chunksize=batch_size,
        progress=progress,
        passthrough=passthrough,
        passthrough_fill=passthrough_fill,
    )


# ---------------------------------------------------------------------------------------------
# polars
# ---------------------------------------------------------------------------------------------


def _iter_polars_frame(X, y, batch_size):
    # slices of an in-memory frame are views: no row is copied until a chunk is converted
    for start in range(0, X.height, batch_size):
        yield X.slice(start, batch_size), y.slice(start, batch_size), None


def _iter_polars_lazy(lazy, target, batch_size):
    # collect_batches runs the query once on polars' streaming engine and hands out batches of
    # exactly batch_size rows, in order; the engine holds only its own buffers, never the whole
    # result (measured on 2 cores: a CSV scan's peak is the same at 4M and 8M rows, ~240 MB
    # of reader buffers; tests/test_polars.py bounds a Parquet scan's), and stops when the
    # iterator is dropped. lazy.slice(offset, n).collect() per batch would instead scan a CSV
    # again from its first line for every batch.
    pl = _polars.import_polars("from_polars")
    batches = lazy.collect_batches(chunk_size=batch_size)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except pl.exceptions.PolarsError as exc:  # e.g. a CSV value its inferred dtype refuses
            # the engine runs ahead of the batches handed out: polars' message says where
            raise ValueError(
                f"from_polars: polars failed to run the LazyFrame's query "
                f"({type(exc).__name__}: {str(exc).strip()})"
            ) from exc
        yield batch.drop(target), batch.get_column(target), None


def _polars_pair(
    X, y, batch_size, progress, name, passthrough=None, passthrough_fill="null", where="X"
):
    """A source named ``name`` over an in-memory polars ``X`` and its labels ``y`` (a polars
    Series, or anything 1-D that polars takes); ``passthrough`` names columns of ``X``
    (``where``, in error messages)."""
    pl = _polars.import_polars("a polars source")
    if not _polars.is_series(y):
        y = pl.Series("", np.asarray(y))
    if len(y) != X.height:
        raise ValueError(
            f"{name}: X has {X.height} rows but y has {len(y)}; pass one label per row."
        )
    passthrough = check_passthrough(passthrough, X.columns, y.name or None, where)
    return ChunkSource(
        functools.partial(_iter_polars_frame, X, y, batch_size),
        name=name,
        kind="polars",
        n_rows=X.height,
        target=y.name or None,
        columns=[c for c in X.columns if c not in passthrough],
        chunksize=batch_size,
        progress=progress,
        passthrough=passthrough,
        passthrough_fill=passthrough_fill,
    )


def from_polars(
    frame, target, batch_size=100_000, progress=False, *, passthrough=None, passthrough_fill="null"
):
    """Stream a polars DataFrame, or a LazyFrame query, in batches of polars frames.

    A LazyFrame (``pl.scan_parquet(...)``, ``pl.scan_csv(...)``, with any filters or new
    columns) is run once per pass on polars' streaming engine
    (``LazyFrame.collect_batches``), so its result is never collected whole: memory stays
    bounded by the batch and the engine's buffers, whatever the number of rows. A DataFrame is
    cut into zero-copy slices.

    Parameters
    ----------
    frame : polars.DataFrame or polars.LazyFrame
        The data, the label column included.
    target : str
        Name of the label column; it is removed from the features.
    batch_size : int, default=100_000
        Rows per batch (the last one may be shorter).
    progress : bool, default=False
        Show a tqdm progress bar over rows on stderr (total known for a DataFrame).
    passthrough : list of str, optional
        Columns that are neither features nor target (ids, timestamps, weights): split off
        every batch and carried with its rows as ``chunk.passthrough``, a polars DataFrame
        of their dtypes (nulls allowed), never used as features.
    passthrough_fill : {"null", "parent"}, default="null"
        What they hold on synthetic rows: polars nulls (every dtype holds one as it is), or
        the values of the synthetic row's parent row (kept for the stored minority rows, in
        RAM). See :class:`ChunkSource`.

    Returns
    -------
    ChunkSource
        Re-iterable (a LazyFrame runs again for each pass); yields polars
        ``(DataFrame of feature columns, Series named target)``, and the samplers'
        ``resample_chunks``, ``generate`` and the writers then give and take polars frames of
        the same schema (``Categorical`` and ``Enum`` columns included), with the
        passthrough columns as a polars ``batch.passthrough``. ``kind`` is ``"polars"``;
        ``n_rows`` is the height of a DataFrame, None for a LazyFrame until a full pass.

    Raises
    ------
    ImportError
        If polars is not installed, or is too old to stream a LazyFrame (polars >= 1.34 has
        ``LazyFrame.collect_batches``).
    TypeError
        If ``frame`` is not a polars DataFrame or LazyFrame.
    ValueError
        If ``target`` is not one of the columns (the message lists them), ``passthrough``
        names the target, a column twice or a column that is not there, ``passthrough_fill``
        is neither "null" nor "parent", or, while iterating, a batch holds a null in a
        feature or the label (the message names its column and row) or breaks the chunk
        checks (non-numeric columns outside SMOTENC/SMOTEN, NaN or infinity, ...).

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"a": [0.5, 1.5, 2.5], "b": [1, 2, 3], "y": [0, 1, 0]})
    >>> src = from_polars(df, target="y", batch_size=2)
    >>> src.kind, src.n_rows, src.columns
    ('polars', 3, ['a', 'b'])
    >>> [(type(X).__name__, X.shape, y.to_list()) for X, y in src]
    [('DataFrame', (2, 2), [0, 1]), ('DataFrame', (1, 2), [0])]
    >>> [len(y) for X, y in from_polars(df.lazy(), target="y", batch_size=2)]
    [2, 1]
    >>> src = from_polars(df, target="y", batch_size=2, passthrough=["b"])
    >>> src.columns, [chunk.passthrough["b"].to_list() for chunk in src]
    (['a'], [[1, 2], [3]])
    """
    pl = _polars.import_polars("from_polars")
    batch_size = check_chunksize(batch_size, name="batch_size")
    if isinstance(frame, pl.LazyFrame):
        if not hasattr(frame, "collect_batches"):
            raise ImportError(
                f"from_polars streams a LazyFrame with LazyFrame.collect_batches, which polars "
                f"{pl.__version__} lacks; upgrade polars (>= 1.34): "
                'pip install -U "streamsmote[polars]", or collect the frame first.'
            )
        names = frame.collect_schema().names()
        check_target_column(names, target, where="the LazyFrame")
        passthrough = check_passthrough(passthrough, names, target, "the LazyFrame")
        return ChunkSource(
            functools.partial(_iter_polars_lazy, frame, target, batch_size),
            name=f"from_polars(LazyFrame, target={target!r}, batch_size={batch_size})",
            kind="polars",
            target=target,
            columns=[c for c in names if c != target and c not in passthrough],
            chunksize=batch_size,
            progress=progress,
            passthrough=passthrough,
            passthrough_fill=passthrough_fill,
        )
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(
            f"from_polars needs a polars DataFrame or LazyFrame; got {type(frame).__name__}. "
            "Use from_arrays for pandas or numpy data."
        )
    check_target_column(frame.columns, target, where="the DataFrame")
    name = f"from_polars(DataFrame of shape {frame.shape}, target={target!r}, batch_size="
    return _polars_pair(
        frame.drop(target),
        frame.get_column(target),
        batch_size,
        progress,
        f"{name}{batch_size})",
        passthrough=passthrough,
        passthrough_fill=passthrough_fill,
        where="the DataFrame",
    )


# ---------------------------------------------------------------------------------------------
# User-made chunks
# ---------------------------------------------------------------------------------------------


def _iter_user_chunks(make, target):
    for i, item in enumerate(make()):
        if isinstance(item, pd.DataFrame):
            if target is None:
                raise ValueError(
                    f"from_chunks: chunk {i} is a DataFrame but no target was given; pass "
                    "from_chunks(..., target='<label column>') to split the labels off."
                )
            check_unique_columns(item.columns, where=f"chunk {i} of from_chunks")
            if target not in item.columns:
                check_target_column(item.columns, target, where=f"chunk {i} of from_chunks")
            yield item.drop(columns=[target]), item[target], None
        elif _polars.is_frame(item):
            if target is None or target not in item.columns:
                check_target_column(item.columns, target, where=f"chunk {i} of from_chunks")
            yield item.drop(target), item.get_column(target), None
        elif isinstance(item, tuple | list) and len(item) == 2:
            yield item[0], item[1], None
        else:
            raise TypeError(
                f"from_chunks: chunk {i} is a {type(item).__name__}; each chunk must be an "
                "(X, y) pair or a DataFrame (with target= naming the label column)."
            )


def from_chunks(
    factory, target=None, progress=False, n_rows=None, passthrough=None, passthrough_fill="null"
):
    """Wrap user-made chunks: ``(X, y)`` pairs or DataFrames (pandas or polars) holding the
    target column.

    Parameters
    ----------
    factory : callable or iterator
        A zero-argument callable returning a new iterator of chunks (re-iterable source), or
        an iterator/generator object (one-shot source: it can be iterated only once). A
        re-iterable collection such as a list of chunks is re-iterable too.
    target : str, optional
        Label column to split off when the chunks are DataFrames.
    progress : bool, default=False
        Show a tqdm progress bar over rows on stderr.
    n_rows : int, optional
        Total rows, if known (used as the progress bar total).
    passthrough : list of str, optional
        Columns of the DataFrame chunks that are neither features nor target: carried with
        their rows as ``chunk.passthrough``, never used as features.
    passthrough_fill : {"null", "parent"}, default="null"
        What they hold on synthetic rows (see :class:`ChunkSource`).

    Returns
    -------
    ChunkSource
        Yields validated ``(X, y)`` chunks; ``kind`` and ``columns`` are set by the first chunk.

    Raises
    ------
    ValueError
        On the second iteration of a one-shot source (with the fix in the message), a
        DataFrame chunk without ``target``, or a chunk that breaks the chunk checks.
    TypeError
        If ``factory`` is neither callable nor iterable, or a chunk is not a pair/DataFrame.

    Examples
    --------
    >>> import numpy as np
    >>> def make():
    ...     for i in range(3):
    ...         yield np.full((2, 1), float(i)), np.array([0, 1])
    >>> src = from_chunks(make)
    >>> sum(len(y) for X, y in src), src.kind, src.reiterable
    (6, 'numpy', True)
    >>> once = from_chunks(make())
    >>> once.reiterable, sum(len(y) for X, y in once)
    (False, 6)
    >>> iter(once)
    Traceback (most recent call last):
    ...
    ValueError: from_chunks(<one-shot iterator>) wraps a one-shot iterator that has already ...
    """
    if callable(factory):
        make, reiterable, what = factory, True, getattr(factory, "__name__", "callable")
    else:
        try:
            it = iter(factory)
        except TypeError:
            raise TypeError(
                f"from_chunks needs a callable returning an iterator of chunks, or an iterator; "
                f"got {type(factory).__name__}."
            ) from None
        if it is factory:
            make, reiterable, what = (lambda: it), False, "<one-shot iterator>"
        else:
            make, reiterable = functools.partial(iter, factory), True
            what = f"<{type(factory).__name__}>"
    passthrough = check_passthrough(passthrough, None, target, "the chunks")
    return ChunkSource(
        functools.partial(_iter_user_chunks, make, target),
        name=f"from_chunks({what})",
        kind=None,
        n_rows=n_rows,
        target=target,
        reiterable=reiterable,
        progress=progress,
        passthrough=passthrough,
        passthrough_fill=passthrough_fill,
    )


# ---------------------------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------------------------


def _is_array_pair(obj):
    if not (isinstance(obj, tuple) and len(obj) == 2):
        return False
    X, y = obj
    X_ok = isinstance(X, pd.DataFrame) or (isinstance(X, np.ndarray) and X.ndim == 2)
    y_ok = isinstance(y, pd.Series) or (isinstance(y, np.ndarray) and y.ndim == 1)
    return X_ok and y_ok


def as_source(
    obj, chunksize=100_000, target=None, progress=False, passthrough=None, passthrough_fill="null"
):
    """Turn anything chunk-like into a :class:`ChunkSource`.

    Parameters
    ----------
    obj : ChunkSource, tuple (X, y), DataFrame, path, callable or iterable
        * a ChunkSource is returned as is;
        * ``(X, y)`` arrays/DataFrame + Series go to :func:`from_arrays`;
        * a DataFrame with ``target=`` is split and goes to :func:`from_arrays`;
        * a polars DataFrame or LazyFrame with ``target=`` goes to :func:`from_polars`, and a
          polars ``(X, y)`` pair is streamed as polars batches too;
        * a path ending in ``.csv`` (optionally compressed) goes to :func:`read_csv`; a
          ``.parquet``/``.pq`` file or a directory to :func:`read_parquet` (needs ``target``);
        * a callable goes to :func:`from_chunks` (re-iterable);
        * an iterator goes to :func:`from_chunks` (one-shot); another iterable (e.g. a list
          of chunks) goes to :func:`from_chunks` (re-iterable).
    chunksize : int, default=100_000
        Rows per chunk for arrays and files.
    target : str, optional
        Label column, for DataFrames, paths and DataFrame chunks.
    progress : bool, default=False
        Show a tqdm progress bar on stderr while iterating.
    passthrough : list of str, optional
        Columns carried with their rows without being features (see :func:`read_csv`);
        not for a ChunkSource, which has its own.
    passthrough_fill : {"null", "parent"}, default="null"
        What they hold on synthetic rows (see :class:`ChunkSource`).

    Returns
    -------
    ChunkSource

    Raises
    ------
    TypeError
        If ``obj`` is none of the above.
    ValueError
        If a DataFrame or path is given without ``target``.

    Examples
    --------
    >>> import numpy as np
    >>> src = as_source((np.zeros((5, 2)), np.array([0, 0, 1, 1, 1])), chunksize=4)
    >>> as_source(src) is src
    True
    >>> [len(y) for X, y in src]
    [4, 1]
    """
    if isinstance(obj, ChunkSource):
        if passthrough is not None:
            raise ValueError(
                f"as_source: {obj.name} is already a source; pass passthrough= to the reader "
                "that built it (read_csv, read_parquet, from_arrays, from_chunks)."
            )
        return obj
    pt = {"passthrough": passthrough, "passthrough_fill": passthrough_fill}
    if _polars.is_frame(obj) or _polars.is_lazy(obj):
        if target is None:
            raise ValueError(
                f"as_source(polars {type(obj).__name__}) needs target=<name of the label column>."
            )
        return from_polars(obj, target, batch_size=chunksize, progress=progress, **pt)
    if isinstance(obj, tuple) and len(obj) == 2 and _polars.is_frame(obj[0]):
        name = f"as_source(polars DataFrame of shape {obj[0].shape}, chunksize={chunksize})"
        return _polars_pair(obj[0], obj[1], chunksize, progress, name, **pt)
    if _is_array_pair(obj):
        return from_arrays(obj[0], obj[1], chunksize=chunksize, progress=progress, **pt)
    if isinstance(obj, pd.DataFrame):
        check_unique_columns(obj.columns, where="the DataFrame")
        check_target_column(obj.columns, target, where="the DataFrame")
        return from_arrays(
            obj.drop(columns=[target]), obj[target], chunksize=chunksize, progress=progress, **pt
        )
    if isinstance(obj, str | os.PathLike):
        p = os.fspath(obj)
        if target is None:
            raise ValueError(f"as_source({p!r}) needs target=<name of the label column>.")
        lower = p.lower()
        if os.path.isdir(p) or lower.endswith((".parquet", ".pq")):
            return read_parquet(p, target, batch_size=chunksize, progress=progress, **pt)
        if ".csv" in os.path.basename(lower) or lower.endswith((".tsv", ".txt")):
            sep = {"sep": "\t"} if lower.endswith(".tsv") else {}
            return read_csv(p, target, chunksize=chunksize, progress=progress, **pt, **sep)
        raise ValueError(
            f"as_source: cannot tell the format of {p!r} from its name; use read_csv or "
            "read_parquet."
        )
    if callable(obj):
        return from_chunks(obj, target=target, progress=progress, **pt)
    try:
        iter(obj)
    except TypeError:
        raise TypeError(
            f"as_source cannot read a {type(obj).__name__}; pass a ChunkSource, an (X, y) "
            "pair, a file path, a callable returning chunks, or an iterator of chunks."
        ) from None
    return from_chunks(obj, target=target, progress=progress, **pt)
