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

from ._validation import (
    ChunkChecker,
    check_chunksize,
    check_target_column,
    check_unique_columns,
)

__all__ = ["ChunkSource", "as_source", "from_arrays", "from_chunks", "read_csv", "read_parquet"]

_ONE_SHOT_FIX = (
    "pass a callable that returns a new iterator, e.g. from_chunks(lambda: make_chunks()), "
    "or use from_arrays/read_csv/read_parquet"
)
_CSV_DTYPE_HINT = (
    "pandas infers CSV dtypes chunk by chunk; pin this column's dtype with "
    "read_csv(..., dtype={{{column!r}: {dtype!r}}})."
)
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
    kind : {"pandas", "numpy"}, optional
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

    Attributes
    ----------
    reiterable : bool
        Whether each ``iter()`` starts again from the first row.
    kind : {"pandas", "numpy"} or None
        ``"pandas"`` for ``(DataFrame, Series)`` chunks, ``"numpy"`` for ``(ndarray, ndarray)``;
        None until the first chunk when it cannot be known before reading.
    n_rows : int or None
        Total rows, or None while unknown.
    target : str or None
        Label column name (None for arrays without a name).
    columns : list or None
        Feature column names (None for ndarray chunks or while unknown).
    n_features : int or None
        Number of feature columns, once known.

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
            for X, y, where in chunks:
                checked = checker.check(X, y, where=where)
                if checked is None:
                    continue
                if self.kind is None:
                    self.kind = checker.kind
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
# In-memory arrays
# ---------------------------------------------------------------------------------------------


def _iter_arrays(X, y, chunksize):
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
        yield Xc, yc, None


def from_arrays(X, y, chunksize=100_000, *, progress=False):
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
    return ChunkSource(
        functools.partial(_iter_arrays, X, y, chunksize),
        name=f"from_arrays({what}, chunksize={chunksize})",
        kind=kind,
        n_rows=int(X.shape[0]),
        target=target,
        columns=columns,
        chunksize=chunksize,
        progress=progress,
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


def read_csv(path, target, chunksize=100_000, progress=False, **pandas_kwargs):
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
    columns = [c for c in header.columns if c != target]
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


def _read_csv_stream(stream, target, chunksize=100_000, name="-", progress=False, **pandas_kwargs):
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

    def replay():
        if head is not None:
            yield head
            yield from chunks

    src = ChunkSource(
        replay,
        name=f"read_csv({name!r}, target={target!r}, chunksize={chunksize})",
        kind="pandas",
        target=target,
        columns=[c for c in columns if c != target],
        chunksize=chunksize,
        reiterable=False,
        progress=progress,
        dtype_hint=_CSV_DTYPE_HINT,
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
            with pq.ParquetFile(f, pre_buffer=False) as pf:
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


def read_parquet(path, target, batch_size=100_000, columns=None, progress=False):
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
                if columns is None:
                    skip = _pandas_index_columns(pf.schema_arrow) | {target}
                    features = [c for c in names if c not in skip]
                else:
                    missing = [c for c in columns if c not in names]
                    if missing:
                        raise ValueError(
                            f"read_parquet: columns {missing} not found in {f!r}; available "
                            f"columns: {names}. Pass columns= a subset of these."
                        )
                    features = [c for c in columns if c != target]
                read_columns = features + [target]
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
        elif isinstance(item, tuple | list) and len(item) == 2:
            yield item[0], item[1], None
        else:
            raise TypeError(
                f"from_chunks: chunk {i} is a {type(item).__name__}; each chunk must be an "
                "(X, y) pair or a DataFrame (with target= naming the label column)."
            )


def from_chunks(factory, target=None, progress=False, n_rows=None):
    """Wrap user-made chunks: ``(X, y)`` pairs or DataFrames holding the target column.

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
    return ChunkSource(
        functools.partial(_iter_user_chunks, make, target),
        name=f"from_chunks({what})",
        kind=None,
        n_rows=n_rows,
        target=target,
        reiterable=reiterable,
        progress=progress,
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


def as_source(obj, chunksize=100_000, target=None, progress=False):
    """Turn anything chunk-like into a :class:`ChunkSource`.

    Parameters
    ----------
    obj : ChunkSource, tuple (X, y), DataFrame, path, callable or iterable
        * a ChunkSource is returned as is;
        * ``(X, y)`` arrays/DataFrame + Series go to :func:`from_arrays`;
        * a DataFrame with ``target=`` is split and goes to :func:`from_arrays`;
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
        return obj
    if _is_array_pair(obj):
        return from_arrays(obj[0], obj[1], chunksize=chunksize, progress=progress)
    if isinstance(obj, pd.DataFrame):
        check_unique_columns(obj.columns, where="the DataFrame")
        check_target_column(obj.columns, target, where="the DataFrame")
        return from_arrays(
            obj.drop(columns=[target]), obj[target], chunksize=chunksize, progress=progress
        )
    if isinstance(obj, str | os.PathLike):
        p = os.fspath(obj)
        if target is None:
            raise ValueError(f"as_source({p!r}) needs target=<name of the label column>.")
        lower = p.lower()
        if os.path.isdir(p) or lower.endswith((".parquet", ".pq")):
            return read_parquet(p, target, batch_size=chunksize, progress=progress)
        if ".csv" in os.path.basename(lower) or lower.endswith((".tsv", ".txt")):
            sep = {"sep": "\t"} if lower.endswith(".tsv") else {}
            return read_csv(p, target, chunksize=chunksize, progress=progress, **sep)
        raise ValueError(
            f"as_source: cannot tell the format of {p!r} from its name; use read_csv or "
            "read_parquet."
        )
    if callable(obj):
        return from_chunks(obj, target=target, progress=progress)
    try:
        iter(obj)
    except TypeError:
        raise TypeError(
            f"as_source cannot read a {type(obj).__name__}; pass a ChunkSource, an (X, y) "
            "pair, a file path, a callable returning chunks, or an iterator of chunks."
        ) from None
    return from_chunks(obj, target=target, progress=progress)
