"""Atomic writers: a stream of ``(X, y)`` batches → one CSV or Parquet file.

Each writer writes to a temporary file in the destination directory and renames it over the
destination (``os.replace``) only when every batch has been written. On any exception, even
``KeyboardInterrupt``, the temporary file is closed and deleted and the exception re-raised,
so the destination is either the complete new file or untouched. A destination that exists
keeps its permission bits; a destination that is a symbolic link keeps the link, and the file
it points to is replaced. The temporary file is named ``.{name}.tmp-{pid}-{random}``: one left
behind by a process that was killed outright (SIGKILL, power cut) is removed, with a warning,
by the next write of the same destination.
"""

import collections
import functools
import io
import os
import secrets
import stat
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from . import _polars
from ._threads import n_threads

__all__ = ["write_csv", "write_parquet"]


def _import_pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is installed in the test env
        raise ImportError(
            'write_parquet needs pyarrow: pip install "streamsmote[parquet]"'
        ) from exc
    return pa, pq


# ---------------------------------------------------------------------------------------------
# Batch → DataFrame
# ---------------------------------------------------------------------------------------------


PROVENANCE_COLUMNS = ("parent_row", "neighbor_row", "gap")


def _provenance_names(provenance):
    """The three provenance column names of ``provenance=`` (True: the defaults), or None."""
    if provenance is None or provenance is False:
        return None
    if provenance is True:
        return PROVENANCE_COLUMNS
    names = provenance if isinstance(provenance, list | tuple) else None
    if names is None or len(names) != 3 or not all(isinstance(c, str) for c in names):
        raise ValueError(
            f"provenance must be True, False or three column names (parent, neighbour, gap), "
            f"e.g. {PROVENANCE_COLUMNS}; got {provenance!r}."
        )
    if len(set(names)) != 3:
        raise ValueError(f"provenance names {list(names)} must be three different names.")
    return tuple(names)


def _nullable_rows(values):
    """Row numbers with ``-1`` for none → pandas ``Int64`` with nulls there."""
    values = np.asarray(values, dtype=np.int64)
    missing = values < 0
    return pd.arrays.IntegerArray(np.where(missing, 0, values), missing)


class _Framer:
    """Turns ``(X, y)`` batches into DataFrames with the target (and mark) columns restored.

    The target column name is fixed by the first batch: the Series name of y, else the
    ``target`` argument, else ``"target"``. A batch's ``passthrough`` columns come first;
    with ``provenance`` the parent, neighbour and gap columns come last.
    """

    def __init__(self, target, mark_synthetic, provenance=False):
        self.target = target
        self.mark = mark_synthetic
        self.provenance = _provenance_names(provenance)
        self.columns = None
        self.rows = 0
        self.synthetic_rows = 0
        self.batches = 0

    def frame(self, batch):
        try:
            X, y = batch
        except (TypeError, ValueError):
            raise TypeError(
                f"batch {self.batches} is a {type(batch).__name__}; every batch must be an "
                "(X, y) pair."
            ) from None
        X, y = _from_polars(X, y)
        if isinstance(X, pd.DataFrame):
            df = X.copy(deep=False)
        else:
            X = np.asarray(X)
            if X.ndim != 2:
                raise ValueError(f"batch {self.batches}: X must be 2-D; got shape {X.shape}.")
            df = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
        n = len(df)
        if len(y) != n:
            raise ValueError(
                f"batch {self.batches}: X has {n} rows but y has {len(y)}; each batch needs "
                "one label per row."
            )
        passthrough = getattr(batch, "passthrough", None)
        if _polars.is_frame(passthrough):  # integer and boolean nulls stay exact (masked)
            passthrough = _polars.frame_to_pandas(passthrough)
        if self.columns is None:
            name = y.name if isinstance(y, pd.Series) and y.name is not None else None
            self.target = name if name is not None else (self.target or "target")
            self._check_names(df, passthrough)
        if passthrough is not None:
            if len(passthrough) != n:
                raise ValueError(
                    f"batch {self.batches}: .passthrough has {len(passthrough)} rows but the "
                    f"batch has {n}; it needs one row per row."
                )
            for i, name in enumerate(passthrough.columns):
                df.insert(i, name, passthrough[name].array)
        df[self.target] = y.array if isinstance(y, pd.Series) else np.asarray(y)
        if self.mark is not None:
            synthetic = getattr(batch, "synthetic", None)
            if synthetic is None:
                flags = np.zeros(n, dtype=bool)
            else:
                flags = np.asarray(synthetic, dtype=bool)
                if flags.shape != (n,):
                    raise ValueError(
                        f"batch {self.batches}: .synthetic has shape {flags.shape} but the "
                        f"batch has {n} rows; it needs one flag per row."
                    )
            df[self.mark] = flags
            self.synthetic_rows += int(flags.sum())
        elif getattr(batch, "synthetic", None) is not None:
            self.synthetic_rows += int(np.count_nonzero(batch.synthetic))
        if self.provenance is not None:
            for name, values in zip(self.provenance, self._provenance(batch, n), strict=True):
                df[name] = values
        if self.columns is None:
            self.columns = list(df.columns)
        elif list(df.columns) != self.columns:
            if sorted(map(str, df.columns)) != sorted(map(str, self.columns)):
                raise ValueError(
                    f"batch {self.batches} has columns {list(df.columns)} but the first batch "
                    f"had {self.columns}; every batch must have the same columns."
                )
            df = df[self.columns]
        self.rows += n
        self.batches += 1
        return df

    def _check_names(self, df, passthrough):
        """One name per column: features, passthrough, target, mark, provenance (first
        batch)."""
        roles = [(c, "feature") for c in df.columns]
        roles += [(c, "passthrough") for c in (() if passthrough is None else passthrough.columns)]
        roles.append((self.target, "target"))
        if self.mark is not None:
            roles.append((self.mark, "mark_synthetic"))
        roles += [(c, "provenance") for c in self.provenance or ()]
        seen = {}
        for name, role in roles:
            if name in seen:
                fix = {
                    "provenance": "pass provenance=(parent, neighbour, gap) names that are "
                    "free, or rename the input column",
                    "mark_synthetic": "pass mark_synthetic= a name that is not taken",
                    "target": "pass target= a name that is not taken",
                }.get(role, "rename one of the input columns")
                raise ValueError(
                    f"column name {name!r} is used twice ({seen[name]} and {role} column); {fix}."
                )
            seen[name] = role

    def _provenance(self, batch, n):
        """The parent, neighbour (nullable Int64) and gap (float, NaN) columns of a batch:
        null on original rows."""
        prov = getattr(batch, "provenance", None)
        if prov is None:
            synthetic = getattr(batch, "synthetic", None)
            if synthetic is not None and np.any(synthetic):
                raise ValueError(
                    f"batch {self.batches} has synthetic rows but no .provenance to write; "
                    "pass the batches of resample_chunks() or generate() (streamsmote.Batch), "
                    "or leave provenance out."
                )
            prov = (np.full(n, -1), np.full(n, -1), np.full(n, np.nan))
        parent, neighbor, gap = prov
        if not (len(parent) == len(neighbor) == len(gap) == n):
            raise ValueError(
                f"batch {self.batches}: .provenance has {len(parent)} rows but the batch has "
                f"{n}; it needs one (parent, neighbor, gap) per row."
            )
        return _nullable_rows(parent), _nullable_rows(neighbor), np.asarray(gap, np.float64)

    def summary(self, path):
        return {
            "path": path,
            "rows": self.rows,
            "synthetic_rows": self.synthetic_rows,
            "batches": self.batches,
            "columns": self.columns,
        }


def _from_polars(X, y):
    """A polars batch as pandas (a polars label without a name takes the ``target`` name)."""
    if _polars.is_frame(X):
        X = _polars.frame_to_pandas(X)
    if _polars.is_series(y):
        y = _polars.series_to_pandas(y)
        if y.name == "":
            y.name = None
    return X, y


# ---------------------------------------------------------------------------------------------
# Atomic file handling
# ---------------------------------------------------------------------------------------------


def _prepare(path, overwrite):
    """Check the destination and reserve a temporary file beside the file to replace.

    Returns ``(path, dest, tmp)``: the absolute path asked for, the file the rename replaces
    (the target of ``path`` when it is a symbolic link, so that the link stays) and the
    temporary file beside ``dest``."""
    path = os.path.abspath(os.fspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path!r} is a directory; pass a file path to write to.")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"{path!r} already exists; pass overwrite=True to replace it, or choose another path."
        )
    dest = os.path.realpath(path)
    directory, name = os.path.split(dest)
    _remove_stale(directory, name)
    tmp = os.path.join(directory, f".{name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    # "x" creates the file with the usual umask permissions and never clobbers another file.
    with open(tmp, "xb"):
        pass
    mode = _mode(dest)
    if mode is not None:
        # No wider than the old file while it is written (but writable by its owner).
        os.chmod(tmp, mode | stat.S_IRUSR | stat.S_IWUSR)
    return path, dest, tmp


def _mode(path):
    """Permission bits of an existing file, else None."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def _remove_stale(directory, name):
    """Delete the temporary files ``.{name}.tmp-{pid}-*`` of writers whose process no longer
    runs: killed outright (SIGKILL, power cut), they could not clean up."""
    if os.name != "posix":  # no os.kill(pid, 0) probe: os.kill terminates on Windows
        return
    prefix = f".{name}.tmp-"
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        pid = entry[len(prefix) :].split("-", 1)[0]
        if not entry.startswith(prefix) or not pid.isdigit() or _running(int(pid)):
            continue
        stale = os.path.join(directory, entry)
        try:
            os.unlink(stale)
        except OSError:
            continue
        warnings.warn(
            f"removed {stale!r}, left by an earlier write of {name!r} whose process {pid} was "
            "killed before it could clean up",
            stacklevel=4,
        )


def _running(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it runs, as another user
        return True
    return True


def _commit(tmp, dest, overwrite):
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)  # data on disk before the rename makes it visible
    finally:
        os.close(fd)
    mode = _mode(dest)
    if mode is not None and not overwrite:
        raise FileExistsError(
            f"{dest!r} appeared while writing; pass overwrite=True to replace it."
        )
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, dest)


def _discard(tmp):
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


# ---------------------------------------------------------------------------------------------
# CSV text
# ---------------------------------------------------------------------------------------------

# Rows formatted at once: the text of a block is a few times the size of its numbers, so even
# a huge batch is written in bounded memory, and blocks are handed to threads.
_CSV_BLOCK = 1 << 14
# Bytes of a block's text buffer in the numeric kernel (sized for its widest possible rows).
_CSV_BLOCK_BYTES = 2 << 20


def _import_arrow_compute():
    """pyarrow and pyarrow.compute, or None when pyarrow is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    return pa, pc


class _CsvText:
    """The CSV bytes of DataFrames, as ``DataFrame.to_csv(index=False)`` writes them.

    A batch whose columns are all numbers (float64, float32, integers, bools, and their
    nullable pandas kinds) is written by one numba kernel per block of rows
    (:func:`streamsmote.kernels.csvtext._csv_rows`), byte for byte pandas' text: a float64 as
    ``repr`` writes it (its shortest round-trip digits, ``1.0``, ``1e-05``, ``1e+16``), a
    float32 as numpy's ``str`` (its own shortest digits), ``True``/``False``, NaN and missing
    values as empty fields. Other batches are formatted and joined by pyarrow's compute
    kernels when pyarrow is installed, by pandas otherwise, and a batch with a column of
    another type (dates, decimals, mixed objects) always by pandas. Field for field pyarrow's
    text is pandas' too: strings quoted only when they hold a comma, a quote or a line break,
    floats in their shortest round-trip form with ``.0`` on whole numbers (so a float column
    reads back as float); only the notation of some floats differs (pyarrow writes
    ``0.00001`` and ``1e+15`` where Python writes ``1e-05`` and ``1000000000000000.0``): the
    same numbers, read back bit for bit.
    """

    def __init__(self):
        self.arrow = _import_arrow_compute()
        from .kernels import csvtext

        self.kernel = csvtext
        # numpy >= 2.3 writes a float32 from 1e6 on in scientific notation, older numpy from
        # 1e16 (numpy gh-28679); pandas writes float32 columns with numpy's str.
        big = np.array([1e6], dtype=np.float32).astype(str)[0]
        self.f32_bounds = (
            np.uint32(csvtext.float_bits(1e-4, np.float32)),
            np.uint32(csvtext.float_bits(1e6 if "e" in big else 1e16, np.float32)),
        )

    def header(self, df):
        return df.iloc[:0].to_csv(index=False, lineterminator="\n").encode("utf-8")

    def blocks(self, df):
        """Yield one function per block of rows of ``df`` that returns the block's CSV bytes
        (each can run on another thread)."""
        n = len(df)
        # One column: pandas quotes an empty field ('""') so that the row is not blank.
        numbers = _numeric_columns(df) if df.shape[1] > 1 else None
        if numbers is not None:
            # The text buffer of a block is as wide as its longest possible rows: a few MB.
            step = max(1, min(_CSV_BLOCK, _CSV_BLOCK_BYTES // self.kernel.row_width(numbers)))
            for start in range(0, n, step):
                stop = min(start + step, n)
                yield functools.partial(self._numeric_block, numbers, start, stop)
            return
        arrays = self._arrays(df) if self.arrow is not None and df.shape[1] > 1 else None
        for start in range(0, n, _CSV_BLOCK):
            stop = min(start + _CSV_BLOCK, n)
            if arrays is not None:
                yield functools.partial(
                    self._arrow_block, [a.slice(start, stop - start) for a in arrays]
                )
            else:
                yield functools.partial(_pandas_block, df.iloc[start:stop])

    def _arrays(self, df):
        """The columns of ``df`` as arrow arrays (NaN as null), or None if one has a type
        formatted by pandas only."""
        pa, _ = self.arrow
        arrays = []
        for j in range(df.shape[1]):
            try:
                a = pa.array(df.iloc[:, j], from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError):  # e.g. mixed objects
                return None
            if isinstance(a, pa.ChunkedArray):  # pandas' arrow-backed columns
                a = a.combine_chunks()
            if pa.types.is_dictionary(a.type):  # categorical columns: the text of their values
                a = a.dictionary_decode()
            if _arrow_kind(pa, a.type) is None:
                return None
            arrays.append(a)
        return arrays

    def _numeric_block(self, columns, start, stop):
        """The CSV bytes of rows ``start:stop`` of :func:`_numeric_columns`' columns."""
        return memoryview(self.kernel.csv_rows(columns, start, stop, *self.f32_bounds))

    def _arrow_block(self, arrays):
        """The CSV bytes of equal-length arrow arrays."""
        pa, pc = self.arrow
        fields = [_arrow_fields(pa, pc, a) for a in arrays]
        fields[-1] = pc.binary_join_element_wise(fields[-1], "\n", "")
        lines = pc.binary_join_element_wise(*fields, ",")
        # The lines are back to back in the values buffer of the string array.
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
        first, last = offsets[lines.offset], offsets[lines.offset + len(lines)]
        return memoryview(lines.buffers()[2])[first:last]


def _numeric_columns(df):
    """``[(kind, values, missing)]`` for the columns of ``df`` if all hold numbers or bools
    (``missing`` a bool array or None; NaN needs none), else None."""
    columns = []
    for j in range(df.shape[1]):
        s = df.iloc[:, j]
        dtype = s.dtype
        missing = None
        if isinstance(dtype, np.dtype):
            values = s.to_numpy()
        else:  # pandas' nullable numbers and bools, arrow-backed columns of numbers
            numpy_dtype = getattr(dtype, "numpy_dtype", None)
            if not isinstance(numpy_dtype, np.dtype) or numpy_dtype.kind not in "biuf":
                return None
            if numpy_dtype.kind == "f":
                values = s.to_numpy(dtype=numpy_dtype, na_value=np.nan)
            else:
                missing = s.isna().to_numpy()
                values = s.to_numpy(dtype=numpy_dtype, na_value=0)
        kind = _numeric_kind(values.dtype)
        if kind is None:
            return None
        columns.append((kind, values, missing))
    return columns


def _numeric_kind(dtype):
    """The kind of column :func:`streamsmote.kernels.csvtext.csv_rows` writes for ``dtype``
    (its name), or None."""
    if dtype == np.float64 or dtype == np.float32 or dtype == np.bool_:
        return dtype.name
    if dtype == np.uint64:
        return "uint64"
    if dtype.kind in "iu":  # every other integer fits int64
        return "int64"
    return None


def _pandas_block(df):
    return df.to_csv(header=False, index=False, lineterminator="\n").encode("utf-8")


def _arrow_kind(pa, t):
    """The kind (float, int, bool, str) of an arrow type written here, else None."""
    if pa.types.is_floating(t) and not pa.types.is_float16(t):
        return "float"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_boolean(t):
        return "bool"
    string_view = getattr(pa.types, "is_string_view", lambda t: False)  # pyarrow >= 16
    if pa.types.is_string(t) or pa.types.is_large_string(t) or string_view(t):
        return "str"
    return None


def _arrow_fields(pa, pc, a):
    """The CSV fields of an arrow array of a kind :func:`_arrow_kind` names, as pandas writes
    them, in a string array."""
    kind = _arrow_kind(pa, a.type)
    if kind == "bool":
        text = pc.if_else(a, "True", "False")
    else:
        text = a.cast(pa.string())
    if kind == "float":
        x = a.to_numpy(zero_copy_only=False)
        if np.any(np.trunc(x) == x):  # checked on the numbers: rare, and cheaper than text
            # pyarrow writes 1.0 as "1" (and -0.0 as "-0"): pandas' "1.0" keeps it a float.
            whole = pc.match_substring_regex(text, r"^-?[0-9]+$")
            text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
    elif kind == "str":
        special = pc.match_substring_regex(text, '[,"\r\n]')
        if pc.any(special).as_py():
            quoted = pc.binary_join_element_wise(
                '"', pc.replace_substring(text, '"', '""'), '"', ""
            )
            text = pc.if_else(special, quoted, text)
    return pc.fill_null(text, "") if text.null_count else text


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def write_csv(chunks, path, mark_synthetic=None, overwrite=True, target=None, provenance=False):
    """Write a stream of ``(X, y)`` batches to one CSV file, atomically.

    Parameters
    ----------
    chunks : iterable of (X, y)
        Batches, e.g. ``SMOTE().resample_chunks(src)``, a :class:`~streamsmote.sources.ChunkSource`
        or :class:`~streamsmote._batch.Batch` objects. X is a DataFrame (pandas or polars) or a
        2-D ndarray (its columns are then named ``x0``, ``x1``, ...); y a Series (pandas or
        polars) or 1-D ndarray.
    path : str, os.PathLike or file object
        Destination file, or an open file (binary, or text such as ``sys.stdout``) that the
        rows are written to as they come, without a temporary file.
    mark_synthetic : str, optional
        If given, add a bool column of this name: ``batch.synthetic`` for batches that carry
        it, False otherwise.
    overwrite : bool, default=True
        Replace an existing file. If False and ``path`` exists, raise before writing. Ignored
        for an open file.
    target : str, optional
        Name of the label column when y is not a named Series (default ``"target"``).
    provenance : bool or tuple of 3 str, default=False
        Add the columns ``parent_row``, ``neighbor_row`` (global input row numbers, nullable
        integers) and ``gap`` (float) from ``batch.provenance``, null on original rows, so
        that a synthetic row's numeric features are
        ``X[parent_row] + gap * (X[neighbor_row] - X[parent_row])``; a tuple renames them.
        See :meth:`streamsmote.SMOTE.provenance` for what they mean for each variant.

    Returns
    -------
    dict
        ``{"path", "rows", "synthetic_rows", "batches", "columns"}`` of what was written
        (``path`` is the file object's ``name``, or None, for an open file).

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite=False``.
    ValueError
        If a batch is malformed or its columns differ from the first batch's, or a column
        name is taken twice (e.g. an input column called ``gap`` with ``provenance=True``).

    Notes
    -----
    The header is written once, from the first batch; later batches are appended (their
    columns reordered to the first batch's if needed). The text is what
    ``DataFrame.to_csv(index=False)`` writes: every value reads back unchanged with
    :func:`pandas.read_csv` (floats bit for bit, in their shortest round-trip form). A batch
    of numbers only (floats, integers, bools, nullable or not) is formatted by a numba kernel
    on worker threads, byte for byte pandas' text (a float64 as ``repr`` writes it, with
    Ryu's shortest digits; U. Adams, PLDI 2018). Other batches are formatted by pyarrow's
    compute kernels when pyarrow is installed, about ten times faster than pandas (only the
    notation of some floats differs: ``0.00001`` for ``1e-05``, ``1e+15`` for
    ``1000000000000000.0``); columns of types it does not handle here (dates, decimals, mixed
    objects) are written by pandas. The data go to a hidden temporary file
    ``.{name}.tmp-{pid}-{random}`` beside ``path``, renamed over ``path`` when all batches are
    written; on any exception (including ``KeyboardInterrupt``) it is deleted, so ``path`` is
    never partially written. A replaced file keeps its permission bits; when ``path`` is a
    symbolic link, the file it points to is replaced and the link kept. Temporary files of
    ``path`` whose process no longer runs (killed by SIGKILL) are removed, with a warning.
    With no batches at all the file is empty.

    Columns, in order: a batch's ``passthrough`` columns, the features, the target, the
    mark, the provenance columns. Nulls are empty fields: read the file back with
    ``dtype={"parent_row": "Int64", "neighbor_row": "Int64"}`` to get integers.

    Examples
    --------
    >>> import os, tempfile, numpy as np, pandas as pd
    >>> from streamsmote._batch import Batch
    >>> path = os.path.join(tempfile.mkdtemp(), "out.csv")
    >>> batches = [Batch(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([False, True]))]
    >>> write_csv(batches, path, mark_synthetic="is_synthetic")["rows"]
    2
    >>> print(open(path).read().strip())
    x0,target,is_synthetic
    1.0,0,False
    2.0,1,True

    An open file, e.g. ``sys.stdout`` in a shell pipeline, gets the rows as they come:

    >>> import sys
    >>> X = pd.DataFrame({"a": [0.1 + 0.2, 1e-310], "b": ["x", 'say "hi", then']})
    >>> summary = write_csv([(X, pd.Series([0, 1], name="y"))], sys.stdout)
    a,b,y
    0.30000000000000004,x,0
    1e-310,"say ""hi"", then",1
    """
    framer = _Framer(target, mark_synthetic, provenance)
    if hasattr(path, "write"):  # an open file such as sys.stdout: no temporary file
        _write_csv_text(chunks, framer, _byte_writer(path))
        return framer.summary(getattr(path, "name", None))
    path, dest, tmp = _prepare(path, overwrite)
    try:
        with open(tmp, "wb") as f:
            _write_csv_text(chunks, framer, f.write)
        _commit(tmp, dest, overwrite)
    except BaseException:
        _discard(tmp)
        raise
    return framer.summary(path)


def _write_csv_text(chunks, framer, write):
    """Frame each batch and hand its CSV bytes to ``write``: the header with the first batch,
    then the rows of every batch, in order."""
    text = _CsvText()
    threads = n_threads()
    if threads == 1:
        for batch in chunks:
            df = framer.frame(batch)
            if framer.batches == 1:
                write(text.header(df))
            for block in text.blocks(df):
                write(block())
        return
    # The numeric kernel and pyarrow's release the GIL: other threads format blocks of rows
    # while this one reads and resamples the next batch. The blocks pending are bounded, and
    # so is memory.
    most = 4 * threads
    with ThreadPoolExecutor(threads, thread_name_prefix="streamsmote-csv") as pool:
        pending = collections.deque()
        try:
            for batch in chunks:
                df = framer.frame(batch)
                if framer.batches == 1:
                    write(text.header(df))
                for block in text.blocks(df):
                    pending.append(pool.submit(block))
                    while len(pending) > most or (pending and pending[0].done()):
                        write(pending.popleft().result())
            while pending:
                write(pending.popleft().result())
        finally:
            for future in pending:  # after an error: nothing more to format
                future.cancel()


def _byte_writer(f):
    """``write(bytes)`` for an open binary file, or for a text one such as ``sys.stdout``."""
    if not isinstance(f, io.TextIOBase):
        return f.write
    buffer = getattr(f, "buffer", None)
    if buffer is None:  # e.g. io.StringIO
        return lambda data: f.write(bytes(data).decode("utf-8"))
    f.flush()  # text written before ours comes first
    return buffer.write


def write_parquet(
    chunks,
    path,
    mark_synthetic=None,
    overwrite=True,
    target=None,
    compression="snappy",
    provenance=False,
):
    """Write a stream of ``(X, y)`` batches to one Parquet file, atomically.

    Parameters
    ----------
    chunks : iterable of (X, y)
        Batches (see :func:`write_csv`).
    path : str or os.PathLike
        Destination file.
    mark_synthetic : str, optional
        If given, add a bool column of this name from ``batch.synthetic`` (False when absent).
    overwrite : bool, default=True
        Replace an existing file. If False and ``path`` exists, raise before writing.
    target : str, optional
        Name of the label column when y is not a named Series (default ``"target"``).
    compression : str, default="snappy"
        Parquet codec passed to :class:`pyarrow.parquet.ParquetWriter`.
    provenance : bool or tuple of 3 str, default=False
        Add the columns ``parent_row``, ``neighbor_row`` (global input row numbers, int64 with
        nulls) and ``gap`` (float) from ``batch.provenance``, null on original rows, so
        that a synthetic row's numeric features are
        ``X[parent_row] + gap * (X[neighbor_row] - X[parent_row])``; a tuple renames them.
        See :meth:`streamsmote.SMOTE.provenance` for what they mean for each variant.

    Returns
    -------
    dict
        ``{"path", "rows", "synthetic_rows", "batches", "columns"}`` of what was written.

    Raises
    ------
    ImportError
        If pyarrow is not installed.
    FileExistsError
        If ``path`` exists and ``overwrite=False``.
    ValueError
        If ``chunks`` is empty (a Parquet file needs a schema), a batch is malformed, a
        batch cannot be cast to the first batch's schema, or a column name is taken twice.

    Notes
    -----
    One :class:`pyarrow.parquet.ParquetWriter` is opened with the schema of the first batch;
    later batches are cast to it (one row group per non-empty batch). Atomic as
    :func:`write_csv`.

    Examples
    --------
    >>> import os, tempfile, numpy as np, pandas as pd
    >>> path = os.path.join(tempfile.mkdtemp(), "out.parquet")
    >>> X = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    >>> y = pd.Series([0, 1, 1], name="label")
    >>> write_parquet([(X.iloc[:2], y.iloc[:2]), (X.iloc[2:], y.iloc[2:])], path)["rows"]
    3
    >>> pd.read_parquet(path)["label"].tolist()
    [0, 1, 1]
    """
    pa, pq = _import_pyarrow()
    framer = _Framer(target, mark_synthetic, provenance)
    path, dest, tmp = _prepare(path, overwrite)
    writer = None
    try:
        for batch in chunks:
            df = framer.frame(batch)
            if writer is None:
                table = pa.Table.from_pandas(df, preserve_index=False)
                schema = table.schema
                # Dictionary encoding pays for labels and codes, not for continuous floats:
                # pyarrow tries it on every float page first, which made writing 7x slower.
                dictionary = [f.name for f in schema if not pa.types.is_floating(f.type)]
                writer = pq.ParquetWriter(
                    tmp, schema, compression=compression, use_dictionary=dictionary
                )
            else:
                if not len(df):
                    continue
                table = pa.Table.from_pandas(df, preserve_index=False)
                try:
                    table = table.cast(schema)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as exc:
                    raise ValueError(
                        f"batch {framer.batches - 1} cannot be cast to the schema of the first "
                        f"batch ({exc}); give every batch the same dtypes."
                    ) from exc
            if table.num_rows:
                writer.write_table(table)
        if writer is None:
            raise ValueError(
                "write_parquet got no batches; a Parquet file needs at least one batch (even "
                "an empty one) to know its schema."
            )
        w, writer = writer, None
        w.close()
        _commit(tmp, dest, overwrite)
    except BaseException:
        if writer is not None:
            try:
                writer.close()
            except Exception:  # noqa: S110 - the original exception matters more
                pass
        _discard(tmp)
        raise
    return framer.summary(path)
