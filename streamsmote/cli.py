"""Command line: ``streamsmote resample | inspect | demo``.

::

    streamsmote resample INPUT OUTPUT --target COL [--k 5] [--strategy auto] [--order append]
                         [--sep ;] [--dtype COL=TYPE ...]
    streamsmote inspect INPUT --target COL [--k 5] [--strategy auto] [--json]
    streamsmote demo [--rows 2000000] [--out ./streamsmote-demo] [--seed 0]

Files are CSV (``.csv``, ``.tsv``, compressed ``.csv.gz`` ... for input) or Parquet
(``.parquet``, ``.pq``, or for input a directory of ``*.parquet`` part files), chosen by
extension; ``-`` as INPUT reads CSV from stdin and as OUTPUT writes CSV to stdout (reports
then go to stderr), so the command sits in a shell pipeline. Everything is streamed chunk by
chunk; output files are written atomically.

A user error (missing file, unknown column, bad option, a class too small for ``--k``, ...)
prints one line ``streamsmote: error: ...`` on stderr and exits with code 2. Ctrl-C, SIGTERM
and SIGHUP remove the temporary output file and spill folder, print one line and exit with
128 + the signal number; a closed stdout (``streamsmote ... | head``) ends the command quietly.
"""

import argparse
import contextlib
import copy
import json
import math
import os
import re
import signal
import sys
import threading
import time
import warnings

from . import __version__
from . import strategy as _strategy

PROG = "streamsmote"
EXIT_USAGE = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE (not defined on Windows)

# Signals that end a command the way Ctrl-C does: cleanup, one line, exit 128 + signal.
CLEANUP_SIGNALS = ("SIGTERM", "SIGHUP")

STDIO = "-"  # INPUT: read CSV from stdin; OUTPUT: write CSV to stdout
CSV_EXTS = (".csv", ".tsv", ".txt")
COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zip")
PARQUET_EXTS = (".parquet", ".pq")


class CLIError(Exception):
    """A user error: printed as one ``streamsmote: error:`` line, exit code 2."""


class Signalled(BaseException):
    """Raised by SIGTERM or SIGHUP in the main thread, so that every ``finally`` and ``except
    BaseException`` cleanup runs as it does for Ctrl-C's KeyboardInterrupt."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and is raised instead of exiting, and an
    option's value may start with '-' (``--memory-limit -1MB`` then gets the message about a
    bad size, not "expected one argument")."""

    def __init__(self, *args, **kwargs):
        self._flags = set()  # every option string
        self._value_flags = set()  # those that take one value
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        self._flags.update(action.option_strings)
        if action.option_strings and action.nargs is None:
            self._value_flags.update(action.option_strings)
        return action

    def parse_known_args(self, args=None, namespace=None):
        # Subcommand parsers get their arguments as a list here, from the top-level parser.
        if args is not None:
            args = self._attach_values(list(args))
        return super().parse_known_args(args, namespace)

    def _attach_values(self, args):
        """``--opt -x`` → ``--opt=-x`` when ``--opt`` takes a value and ``-x`` is no option."""
        out = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                out.extend(args[i:])
                break
            value = args[i + 1] if i + 1 < len(args) else ""
            if (
                arg in self._value_flags
                and value.startswith("-")
                and value != "-"
                and value.split("=", 1)[0] not in self._flags
            ):
                out.append(f"{arg}={value}")
                i += 2
            else:
                out.append(arg)
                i += 1
        return out

    def error(self, message):
        raise CLIError(f"{message} (see '{self.prog} --help')")


# =============================================================================================
# Entry point
# =============================================================================================


def main(argv=None):
    """Run the command line; return the exit code (0 ok, 2 user error, 128 + signal number
    when interrupted by Ctrl-C, SIGTERM or SIGHUP, 141 when stdout is a closed pipe).

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Examples
    --------
    >>> main(["inspect", "no-such-file.csv", "--target", "y"])
    2
    """
    try:
        with _cleanup_on_signals():
            args = build_parser().parse_args(argv)
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                code = args.func(args) or 0
            if sys.stdout is not None:
                sys.stdout.flush()  # a closed pipe fails here, not in the interpreter's exit
            return code
    except CLIError as exc:
        _error(str(exc))
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (ValueError, OSError, ImportError, RuntimeError) as exc:
        # Library errors already say what went wrong and how to fix it.
        _error(_one_line(exc))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; no partial output file is left behind.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Signalled as exc:
        name = signal.Signals(exc.signum).name
        print(
            f"{PROG}: terminated by {name}; no partial output file is left behind.",
            file=sys.stderr,
        )
        return 128 + exc.signum
    return EXIT_USAGE


@contextlib.contextmanager
def _cleanup_on_signals():
    """While the command runs, SIGTERM and SIGHUP raise :class:`Signalled` (once: a second
    signal does not interrupt the cleanup); the previous handlers are restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    signums = [getattr(signal, name) for name in CLEANUP_SIGNALS if hasattr(signal, name)]

    def handler(signum, frame):
        for s in signums:
            signal.signal(s, signal.SIG_IGN)
        raise Signalled(signum)

    previous = {s: signal.signal(s, handler) for s in signums}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old if old is not None else signal.SIG_DFL)


def _silence_stdout():
    """Point stdout, a pipe whose reader has gone, at the null device, so that the
    interpreter's final flush does not report a broken pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a file (e.g. captured)
        pass


def _error(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _one_line(exc):
    if isinstance(exc, FileNotFoundError) and exc.filename is not None:
        return f"file not found: {exc.filename!r}"
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        return f"{exc.strerror}: {exc.filename!r}"
    return _speak_cli(str(exc)) or type(exc).__name__


def _speak_cli(text):
    """A library message on one line, with the command line's options for the Python
    parameters it names."""
    text = " ".join(text.split())
    for pattern, option in _OPTION_PATTERNS:
        text = re.sub(pattern, option, text)
    for api, option in _OPTION_NAMES:
        text = text.replace(api, option)
    return text


# Library messages name Python parameters; on the command line the options are meant.
_OPTION_PATTERNS = (
    # the sampler to use for categorical columns
    (r"use streamsmote\.SMOTENC\(categorical_features=\.\.\.\) \(CLI: ([^)]*)\)", r"use \1"),
    # the source's name: read_csv('x.csv', target='y', chunksize=100) -> 'x.csv'
    (r"read_(?:csv|parquet)\(('[^']*'|\d+ files), target=[^)]*\)", r"\1"),
    # the fix for a CSV column whose dtype changes between chunks
    (r"read_csv\(\.\.\., dtype=\{'([^']*)': '([^']*)'\}\)", r"--dtype \1=\2"),
    # a second read of stdin (the only one-shot input of the command line)
    (
        r"pass a re-iterable source \(from_chunks\(lambda: make_chunks\(\)\), read_csv, "
        r"read_parquet\)",
        "save stdin to a file and pass its path",
    ),
)
_OPTION_NAMES = (
    ("m_neighbors=", "--m-neighbors "),
    ("out_step=", "--out-step "),
    ("cluster_balance_threshold", "--cluster-balance-threshold"),
    ("density_exponent", "--density-exponent"),
    ("n_neighbors=", "--k "),
    ("categorical_features=", "--categorical "),
    ("categorical_features", "--categorical"),
    ("or SMOTEN when every column", "or --method smoten when every column"),
    ("use streamsmote.SMOTEN (CLI: --method smoten)", "use --method smoten"),
    ("use streamsmote.SMOTE (CLI: --method smote)", "use --method smote"),
    ("k_neighbors=", "--k "),
    ("Lower k_neighbors", "Lower --k"),
    ("no k_neighbors", "no --k"),
    ("'sampling_strategy'", "--strategy"),
    ("sampling_strategy", "--strategy"),
    ("Pass class_counts=...", "Pass --class-counts (from 'streamsmote inspect')"),
    ("class_counts=", "--class-counts "),
    ("leave class_counts out", "leave --class-counts out"),
    ("memory_limit=", "--memory-limit "),
    ("raise memory_limit", "raise --memory-limit"),
    ("overwrite=True", "--overwrite"),
    ("Pass target= one", "Pass --target one"),
    ("The target 'y' needs", "The --target column needs"),
    ("pass mark_synthetic= a name", "pass --mark-synthetic a name"),
    (
        "pass provenance=(parent, neighbour, gap) names that are free, or rename the input column",
        "rename the input column (--provenance adds parent_row, neighbor_row and gap)",
    ),
    ("Leave it out of passthrough", "Leave it out of --passthrough"),
    ("passthrough names", "--passthrough names"),
    ("passthrough_fill", "--passthrough-fill"),
    ("passthrough=", "--passthrough "),
    ("pass sep=", "pass --sep "),
    (" To read only some columns, pass read_parquet(..., columns=[...]).", ""),
    ("Convert them to one type first, e.g. y.astype(str).", "Write every part with one type."),
)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"{PROG}: warning: {_speak_cli(str(message))}", file=sys.stderr)


def build_parser():
    """The argparse parser of the ``streamsmote`` command."""
    parser = _Parser(
        prog=PROG,
        description="Streaming, memory-bounded SMOTE for CSV and Parquet files.",
        epilog="Run 'streamsmote COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "resample",
        help="stream INPUT into a balanced OUTPUT file",
        description="Read INPUT chunk by chunk and write the originals plus SMOTE's synthetic "
        "rows to OUTPUT (atomically). Formats by extension: .csv/.tsv or .parquet/.pq (input "
        "may also be a directory of *.parquet part files). INPUT - reads CSV from stdin and "
        "OUTPUT - writes CSV to stdout (the report then goes to stderr), e.g. 'cat in.csv | "
        "streamsmote resample - - --target y > out.csv'.",
    )
    p.add_argument("input", metavar="INPUT", help="file, directory of *.parquet, or - (stdin)")
    p.add_argument("output", metavar="OUTPUT", help="file, or - (stdout)")
    _common(p)
    p.add_argument(
        "--neighbors",
        choices=("auto", "exact", "approx", "pynndescent"),
        default="auto",
        help="neighbour search (default: auto = exact for small classes, streamsmote's "
        "approximate graph above)",
    )
    p.add_argument(
        "--order",
        choices=("append", "interleave"),
        default="append",
        help="append: originals then synthetic rows, one pass (default); interleave: "
        "synthetic rows spread through the file in proportion, two passes",
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (reproducible output)")
    p.add_argument(
        "--memory-limit",
        default=None,
        metavar="SIZE",
        help="working memory of the fit (chunk buffers, minority row store, neighbour graphs, "
        "search scratch), e.g. 512MB or 2GiB; the store drops the largest class or spills to "
        "disk past its share (default: a 128MiB store, search unbounded)",
    )
    p.add_argument(
        "--class-counts",
        default=None,
        metavar="JSON",
        help='the class counts of INPUT if known, e.g. \'{"0": 98000, "1": 2000}\' (from '
        "'streamsmote inspect'): the store then keeps only the classes that need synthetic rows",
    )
    p.add_argument(
        "--mark-synthetic",
        default=None,
        metavar="COL",
        help="add a boolean column COL that is true for synthetic rows",
    )
    p.add_argument(
        "--provenance",
        action="store_true",
        help="add columns parent_row, neighbor_row (input row numbers, counted from 0) and "
        "gap, empty on original rows: a synthetic row's numeric features are "
        "X[parent_row] + gap * (X[neighbor_row] - X[parent_row])",
    )
    p.add_argument(
        "--overwrite", action="store_true", help="replace OUTPUT if it exists (not for -)"
    )
    p.set_defaults(func=cmd_resample)

    p = commands.add_parser(
        "inspect",
        help="count classes and plan the resampling, without writing anything",
        description="One streaming pass over INPUT: rows, columns, class counts, imbalance "
        "ratio, the synthetic rows each class would get and the memory the minority store "
        "would need.",
    )
    p.add_argument("input", metavar="INPUT", help="file, directory of *.parquet, or - (stdin)")
    _common(p)
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(func=cmd_inspect)

    p = commands.add_parser(
        "demo",
        help="generate an imbalanced data set, balance it out of core, plot it",
        description="Write an imbalanced data set to DIR chunk by chunk, resample it out of "
        "core into a balanced file, print the summary and save a PNG (with matplotlib).",
    )
    p.add_argument("--rows", type=_positive_int, default=2_000_000, help="default 2000000")
    p.add_argument("--features", type=_positive_int, default=20, help="default 20")
    p.add_argument(
        "--out", default="streamsmote-demo", metavar="DIR", help="default ./streamsmote-demo"
    )
    p.add_argument("--seed", type=int, default=0, help="default 0")
    p.set_defaults(func=cmd_demo)
    return parser


def _common(p):
    p.add_argument("--target", required=True, metavar="COL", help="name of the label column")
    p.add_argument(
        "--chunksize", type=_positive_int, default=100_000, help="rows per chunk (default 100000)"
    )
    p.add_argument(
        "--k",
        type=_positive_int,
        default=None,
        help="nearest neighbours per row (default: the method's, 5; 2 for kmeans)",
    )
    p.add_argument(
        "--method",
        choices=METHOD_NAMES,
        default="smote",
        help="smote: numeric columns (default); smotenc: numeric and categorical columns "
        "(see --categorical); smoten: every column categorical; borderline1, borderline2: "
        "Borderline-SMOTE of that kind; adasyn: ADASYN (--k is its n_neighbors); svm: "
        "SVM-SMOTE; kmeans: KMeans-SMOTE. borderline1, borderline2, adasyn and svm read the "
        "input twice; svm and kmeans fit their model on a sample of the other classes",
    )
    p.add_argument(
        "--m-neighbors",
        type=_positive_int,
        default=None,
        metavar="M",
        help="borderline1, borderline2, svm: neighbours over the whole data that decide "
        "whether a row is in danger (default 10)",
    )
    p.add_argument(
        "--out-step",
        type=float,
        default=None,
        metavar="STEP",
        help="svm: step size when extrapolating from safe support vectors (default 0.5)",
    )
    p.add_argument(
        "--cluster-balance-threshold",
        type=_auto_or_float,
        default=None,
        metavar="T",
        help="kmeans: minority share a cluster needs to be sampled, or 'auto' (default)",
    )
    p.add_argument(
        "--density-exponent",
        type=_auto_or_float,
        default=None,
        metavar="E",
        help="kmeans: exponent of a cluster's density in its share of the rows, or 'auto' "
        "(default)",
    )
    p.add_argument(
        "--categorical",
        default=None,
        metavar="COLS",
        help="with --method smotenc: the categorical columns, comma-separated, or 'auto' (the "
        "non-numeric columns; default)",
    )
    p.add_argument(
        "--sep",
        default=None,
        metavar="CHAR",
        help="field separator of a CSV input, e.g. ';' or '|' (default ',' for .csv, tab for "
        ".tsv; '\\t' or 'tab' for a tab)",
    )
    p.add_argument(
        "--dtype",
        action="append",
        type=_dtype_option,
        default=[],
        metavar="COL=TYPE",
        help="read CSV column COL as TYPE (float64, int64, str, ...), e.g. for a column whose "
        "type pandas guesses differently from chunk to chunk; repeatable",
    )
    p.add_argument(
        "--passthrough",
        type=_column_list,
        default=None,
        metavar="COLS",
        help="comma-separated columns that are neither features nor target (ids, "
        "timestamps, weights): copied to OUTPUT with their rows, never used as features",
    )
    p.add_argument(
        "--passthrough-fill",
        choices=("null", "parent"),
        default="null",
        help="what the --passthrough columns hold on synthetic rows: null (empty; default) "
        "or the values of the row's parent (kept in RAM for the minority rows)",
    )
    p.add_argument(
        "--strategy",
        default="auto",
        help="auto | minority | 'not minority' | 'not majority' | all | a float (binary: "
        "minority/majority ratio after resampling) | a JSON dict of wanted counts after "
        "resampling, e.g. '{\"1\": 5000}' (default auto)",
    )


# streamsmote.variants.METHODS, named here so that parsing the command line imports no variant
METHOD_NAMES = (
    "smote", "smotenc", "smoten", "borderline1", "borderline2", "adasyn", "svm", "kmeans"
)  # fmt: skip


# options that only some methods take: option → (parameter, methods)
_METHOD_OPTIONS = {
    "--m-neighbors": ("m_neighbors", ("borderline1", "borderline2", "svm")),
    "--out-step": ("out_step", ("svm",)),
    "--cluster-balance-threshold": ("cluster_balance_threshold", ("kmeans",)),
    "--density-exponent": ("density_exponent", ("kmeans",)),
}
_DEFAULT_K = {"kmeans": 2}


def _column_list(text):
    """``--passthrough`` text → a list of column names."""
    names = [c.strip() for c in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of column names, e.g. id,timestamp"
        )
    return names


def _auto_or_float(text):
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number; got {text!r}") from None


def method_k(args):
    """``--k``, or the method's own default."""
    return args.k if args.k is not None else _DEFAULT_K.get(args.method, 5)


def make_sampler(args, strategy=None):
    """The sampler that ``--method`` names, with the command line's parameters."""
    from .variants import METHODS

    params = {"k_neighbors": method_k(args)}
    for option, (name, methods) in _METHOD_OPTIONS.items():
        value = getattr(args, name)
        if value is None:
            continue
        if args.method not in methods:
            raise CLIError(
                f"{option} goes with --method {' | '.join(methods)}; --method {args.method} "
                "does not take it"
            )
        params[name] = value
    if strategy is not None:
        params.update(  # inspect has no --seed, --neighbors, --memory-limit
            sampling_strategy=strategy,
            random_state=getattr(args, "seed", 0),
            neighbors=getattr(args, "neighbors", "auto"),
            memory_limit=getattr(args, "memory_limit", None),
        )
    if args.method == "smotenc":
        cats = args.categorical or "auto"
        params["categorical_features"] = (
            cats if cats == "auto" else [c.strip() for c in cats.split(",") if c.strip()]
        )
    elif args.categorical is not None:
        what = "every column is categorical" if args.method == "smoten" else "no column is"
        raise CLIError(
            f"--categorical goes with --method smotenc; with --method {args.method} {what}"
        )
    return METHODS[args.method](**params)


def _dtype_option(text):
    """``--dtype COL=TYPE`` → ``(COL, TYPE)``, TYPE checked by pandas."""
    import pandas as pd

    column, eq, name = text.rpartition("=")
    if not eq or not column or not name:
        raise argparse.ArgumentTypeError(
            f"expected COL=TYPE such as 'amount=float64'; got {text!r}"
        )
    try:
        pd.api.types.pandas_dtype(name)
    except TypeError:
        raise argparse.ArgumentTypeError(
            f"unknown type {name!r} in {text!r}; use e.g. float64, float32, int64, bool or str"
        ) from None
    return column, name


def _separator(text):
    """``--sep`` text → the separator; ``\\t`` and ``tab`` mean a tab."""
    if text is None:
        return None
    sep = "\t" if text in ("\\t", "tab", "TAB") else text
    if not sep:
        raise CLIError("--sep must not be empty; e.g. --sep ';'")
    return sep


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


# =============================================================================================
# Files
# =============================================================================================


def _input_format(path):
    if path == STDIO:
        return "csv"
    lower = os.path.basename(os.path.normpath(path)).lower()
    if os.path.isdir(path):
        return "parquet"
    if lower.endswith(PARQUET_EXTS):
        return "parquet"
    stem = lower
    for ext in COMPRESSED:
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
            break
    if stem.endswith(CSV_EXTS):
        return "tsv" if stem.endswith(".tsv") else "csv"
    raise CLIError(
        f"cannot tell the format of input {path!r} from its extension; use .csv, .tsv (also "
        ".gz/.bz2/.xz/.zst/.zip compressed), .parquet, .pq or a directory of *.parquet files"
    )


def _output_format(path):
    if path == STDIO:
        return "csv"
    lower = path.lower()
    if lower.endswith(PARQUET_EXTS):
        return "parquet"
    if lower.endswith(".csv"):
        return "csv"
    raise CLIError(
        f"cannot tell the format of output {path!r} from its extension; name it *.csv, "
        "*.parquet or *.pq, or pass - to write CSV to stdout"
    )


def open_source(
    path,
    target,
    chunksize,
    progress=False,
    sep=None,
    dtype=(),
    passthrough=None,
    passthrough_fill="null",
):
    """A :class:`~streamsmote.sources.ChunkSource` over a CSV/TSV/Parquet file or directory.

    ``sep`` (``--sep``) and ``dtype`` (``--dtype``, ``(column, type)`` pairs) apply to CSV;
    ``passthrough`` and ``passthrough_fill`` (``--passthrough``, ``--passthrough-fill``) to
    both."""
    from .sources import read_csv, read_parquet

    fmt = _input_format(path)
    if path == STDIO:
        return _open_stdin(target, chunksize, progress, sep, dtype, passthrough, passthrough_fill)
    if not os.path.exists(path):
        raise CLIError(f"input file {path!r} does not exist")
    passthrough_options = {"passthrough": passthrough, "passthrough_fill": passthrough_fill}
    if fmt == "parquet":
        if sep is not None or dtype:
            raise CLIError(
                f"--sep and --dtype apply to CSV input; {path!r} is Parquet, whose columns "
                "carry their own types"
            )
        return read_parquet(
            path, target, batch_size=chunksize, progress=progress, **passthrough_options
        )
    if os.path.isdir(path):
        raise CLIError(f"input {path!r} is a directory; a CSV input must be a file")
    sep = _separator(sep) or ("\t" if fmt == "tsv" else ",")
    dtypes = dict(dtype)
    src = read_csv(
        path,
        target,
        chunksize=chunksize,
        progress=progress,
        sep=sep,
        dtype=dtypes,
        **passthrough_options,
    )
    known = [*src.columns, *src.passthrough, target]
    unknown = [c for c in dtypes if c not in known]
    if unknown:
        raise CLIError(
            f"--dtype names column(s) {unknown} that {path!r} does not have; its columns are "
            f"{known}"
        )
    return src


def _open_stdin(target, chunksize, progress, sep, dtype, passthrough, passthrough_fill):
    """A one-shot source over the CSV text piped to stdin, read chunk by chunk as it comes."""
    from .sources import _read_csv_stream

    if sys.stdin is None or sys.stdin.isatty():
        raise CLIError(
            "INPUT - reads CSV from stdin, but stdin is a terminal (or closed); pipe the data "
            f"in, e.g. 'cat data.csv | {PROG} ...', or name the input file"
        )
    dtypes = dict(dtype)
    src = _read_csv_stream(
        sys.stdin.buffer, target, chunksize, name=STDIO, progress=progress,
        sep=_separator(sep) or ",", dtype=dtypes, passthrough=passthrough,
        passthrough_fill=passthrough_fill,
    )  # fmt: skip
    unknown = [c for c in dtypes if c not in (target, *src.columns, *src.passthrough)]
    if unknown:
        raise CLIError(
            f"--dtype names column(s) {unknown} that stdin does not have; its columns are "
            f"{[*src.columns, target]}"
        )
    return src


def _check_once(args, why):
    """Refuse, before reading anything, a command that must read INPUT twice from stdin."""
    if args.input == STDIO:
        raise CLIError(
            f"{why} reads INPUT twice, but stdin (INPUT -) can be read only once; save the "
            "data to a file and pass its path"
        )


def _open_input(args, progress=False):
    """:func:`open_source` with the options of ``resample`` or ``inspect``."""
    return open_source(
        args.input,
        args.target,
        args.chunksize,
        progress=progress,
        sep=args.sep,
        dtype=args.dtype,
        passthrough=args.passthrough,
        passthrough_fill=args.passthrough_fill,
    )


def _check_output(path, overwrite, input_path):
    fmt = _output_format(path)
    if path == STDIO:
        return fmt  # stdout: nothing to replace, no temporary file
    if os.path.isdir(path):
        raise CLIError(
            f"output {path!r} is a directory; name an output file such as "
            f"{os.path.join(path, 'balanced.' + fmt)!r}"
        )
    if os.path.exists(path) and not overwrite:
        raise CLIError(f"output {path!r} already exists; pass --overwrite to replace it")
    if input_path != STDIO and os.path.exists(path) and os.path.samefile(path, input_path):
        raise CLIError(f"output {path!r} is the input file; write to another path")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise CLIError(f"the directory of output {path!r} does not exist: {parent!r}")
    return fmt


def _progress_wanted():
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


# =============================================================================================
# Strategy and class labels
# =============================================================================================


def parse_strategy(text):
    """``--strategy`` text → a string, a float or a dict with string keys (labels converted
    later by :func:`match_labels`).

    Examples
    --------
    >>> parse_strategy("auto"), parse_strategy("0.5"), parse_strategy('{"1": 500}')
    ('auto', 0.5, {'1': 500})
    """
    text = text.strip()
    if text in _strategy.STRING_STRATEGIES:
        return text
    if text.startswith("{"):
        return _parse_counts(text, "--strategy")
    try:
        value = float(text)
    except ValueError:
        raise CLIError(
            f"--strategy must be one of {', '.join(_strategy.STRING_STRATEGIES)}, a float or "
            f"a JSON dict like '{{\"1\": 5000}}'; got {text!r}"
        ) from None
    if not (math.isfinite(value) and 0 < value <= 1):
        raise CLIError(f"--strategy float must be in (0, 1]; got {text!r}")
    return value


def _parse_counts(text, option):
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(f"{option} is not valid JSON ({exc.msg}): {text!r}") from None
    if not isinstance(value, dict) or not value:
        raise CLIError(f"{option} must be a non-empty JSON object {{class: rows}}; got {text!r}")
    bad = {k: v for k, v in value.items() if not isinstance(v, int) or isinstance(v, bool)}
    if bad:
        raise CLIError(f"{option} values must be integer row counts; got {bad}")
    return value


def match_labels(mapping, labels=None, dtype=None, option="--strategy"):
    """Convert the string keys of a JSON ``{class: n}`` to the data's class labels.

    Keys are matched against ``labels`` (the classes found) by their text, else converted to
    the label ``dtype`` (a key that names no class is then reported by the planner).

    Examples
    --------
    >>> import numpy as np
    >>> match_labels({"1": 5}, labels=[0, 1])
    {1: 5}
    >>> match_labels({"1": 5}, dtype=np.dtype("int64"))
    {1: 5}
    >>> match_labels({"b": 5}, labels=["a", "b"])
    {'b': 5}
    """

    out = {}
    by_text = {str(label): label for label in (labels or [])}
    for key, n in mapping.items():
        if key in by_text:
            out[by_text[key]] = n
            continue
        kind = dtype.kind if _is_numpy_dtype(dtype) else "O"
        try:
            if kind in "iu":
                label = int(key)
            elif kind == "f":
                label = float(key)
            elif kind == "b":
                label = {"true": True, "false": False, "1": True, "0": False}[key.lower()]
            else:
                label = key
        except (ValueError, KeyError):
            known = f"; the classes are {list(by_text)}" if by_text else ""
            raise CLIError(
                f"{option}: class {key!r} is not a valid label for a target of dtype "
                f"{dtype}{known}"
            ) from None
        if labels is not None and label not in set(labels):
            raise CLIError(
                f"{option} names class {key!r}, which is not in the data; the classes are "
                f"{list(by_text)}"
            )
        out[label] = n
    return out


def _is_numpy_dtype(dtype):
    import numpy as np

    return isinstance(dtype, np.dtype)


def _label_dtype(args, src):
    """The dtype of the target column, from the first chunk of the input (``src``'s, read
    when stdin was opened)."""
    path = args.input
    if path == STDIO:
        if src.head is None:
            raise CLIError("stdin (INPUT -) has a header but no rows")
        dtype = src.head[1].dtype
        return getattr(dtype, "numpy_dtype", dtype)
    it = iter(_open_input(args))
    try:
        _, y = next(it)
    except StopIteration:
        raise CLIError(f"input {path!r} has no rows") from None
    finally:
        it.close()
    dtype = y.dtype
    return getattr(dtype, "numpy_dtype", dtype)


# =============================================================================================
# resample
# =============================================================================================


def cmd_resample(args):
    """``streamsmote resample``: INPUT → balanced OUTPUT."""
    from .sampler import parse_memory
    from .sinks import write_csv, write_parquet

    fmt_out = _check_output(args.output, args.overwrite, args.input)
    if args.mark_synthetic is not None and args.mark_synthetic == args.target:
        raise CLIError("--mark-synthetic must differ from --target")
    if args.order == "interleave":
        _check_once(args, "--order interleave")
    if args.method in _TWO_PASS:
        _check_once(args, f"--method {args.method}")
    parse_memory(args.memory_limit, name="--memory-limit")
    strategy = parse_strategy(args.strategy)
    counts = None
    src = _open_input(args, progress=_progress_wanted())
    needs_labels = isinstance(strategy, dict) or args.class_counts is not None
    if needs_labels:
        dtype = _label_dtype(args, src)
        if isinstance(strategy, dict):
            strategy = match_labels(strategy, dtype=dtype)
        if args.class_counts is not None:
            counts = _parse_counts(args.class_counts, "--class-counts")
            counts = match_labels(counts, dtype=dtype, option="--class-counts")
    sm = make_sampler(args, strategy)
    write = write_parquet if fmt_out == "parquet" else write_csv
    batches = sm.resample_chunks(src, order=args.order, class_counts=counts)
    if src.progress and args.order == "append":
        batches = _synthetic_progress(batches, sm)
    to_stdout = args.output == STDIO
    start = time.perf_counter()
    written = write(
        batches,
        sys.stdout.buffer if to_stdout else args.output,
        mark_synthetic=args.mark_synthetic,
        overwrite=args.overwrite,
        target=args.target,
        provenance=args.provenance,
    )
    elapsed = time.perf_counter() - start
    # With the rows on stdout, the report goes to stderr.
    report = sys.stderr if to_stdout else sys.stdout
    if to_stdout:
        sys.stdout.flush()
        written["path"] = "stdout"
    source = "stdin" if args.input == STDIO else args.input
    print(f"{PROG} resample: {source} -> {written['path']}", file=report)
    print_summary(sm, written, elapsed, file=report)
    return 0


# methods that read the input a second time (for each stored row's neighbours over all rows)
_TWO_PASS = ("borderline1", "borderline2", "adasyn", "svm")


def _synthetic_progress(batches, sm):
    """Pass the batches through, with a progress bar over the synthetic rows of
    ``order="append"`` (the source's own bar covers the original rows)."""
    from tqdm import tqdm

    bar = None
    try:
        for batch in batches:
            synthetic = getattr(batch, "synthetic", None)
            if synthetic is not None and len(synthetic) and synthetic.all():
                if bar is None:
                    total = sum(sm.sampling_strategy_.values())
                    bar = tqdm(total=total, unit="rows", desc="synthetic", file=sys.stderr)
                bar.update(len(synthetic))
            yield batch
    finally:
        if bar is not None:
            bar.close()


def print_summary(sm, written, elapsed, file=None):
    """The table printed after a resample: class counts before/after, synthetic rows, time,
    peak memory."""
    file = file or sys.stdout
    before = sm.class_counts_
    synthetic = {c: int(sm.sampling_strategy_.get(c, 0)) for c in before}
    after = {c: before[c] + synthetic[c] for c in before}
    rows = [(str(c), before[c], synthetic[c], after[c]) for c in before]
    rows.append(("total", sum(before.values()), sum(synthetic.values()), sum(after.values())))
    width = max(5, *(len(r[0]) for r in rows))
    head = f"{'class':<{width}}  {'before':>13}  {'synthetic':>13}  {'after':>13}"
    print(head, file=file)
    print("-" * len(head), file=file)
    for name, b, s, a in rows:
        if name == "total":
            print("-" * len(head), file=file)
        print(f"{name:<{width}}  {b:>13,}  {s:>13,}  {a:>13,}", file=file)
    print(file=file)
    print(
        f"rows written     {written['rows']:,} ({written['synthetic_rows']:,} synthetic)",
        file=file,
    )
    rate = written["rows"] / elapsed if elapsed > 0 else float("inf")
    print(f"time             {elapsed:.1f} s ({rate:,.0f} rows/s)", file=file)
    print(f"peak memory      {_fmt_bytes(peak_memory())} (max RSS of this process)", file=file)


def peak_memory():
    """Peak resident set size of this process in bytes, or None (Windows).

    On Linux it is the process's own high-water mark (``VmHWM``), not ``getrusage``'s
    ``ru_maxrss``: a process started by vfork, as Python's ``subprocess`` starts one, inherits
    its parent's peak as its ``ru_maxrss``, so a run launched from a 5 GB notebook would
    report 5 GB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # not Linux
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _fmt_bytes(n):
    if n is None:
        return "n/a"
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"  # pragma: no cover - the loop returns


# =============================================================================================
# inspect
# =============================================================================================


def inspect_source(src, k=5, strategy="auto", roles=None):
    """One pass over ``src``: a dict report (rows, columns, counts, plan, memory).

    Parameters
    ----------
    src : ChunkSource
    k : int
    strategy : str, float or dict (labels already matched)
    roles : callable, optional
        ``roles(first X)``: the mask of the categorical columns (a sampler's ``_columns``);
        by default a DataFrame's non-numeric and ``category`` columns.

    Returns
    -------
    dict
        ``rows``, ``features``, ``columns``, ``target``, ``class_counts``,
        ``imbalance_ratio``, ``synthetic`` (``{class: n_new}``), ``store_rows``,
        ``store_bytes``, ``graph_bytes``, ``memory_bytes``, ``too_small`` (classes with
        synthetic rows but no more than k rows), ``categorical`` (``{column: levels}``),
        ``passthrough`` (column names) and ``passthrough_fill``.
    """
    import numpy as np

    from ._categories import CategoryCoder

    src = copy.copy(src)
    src.categorical = roles or _non_numeric
    coders = None
    counts = {}
    n = 0
    for X, y in src:
        if coders is None:
            mask = src.categorical(X)
            cats = [] if mask is None else np.flatnonzero(mask)
            frame = hasattr(X, "iloc")
            names = list(X.columns) if frame else list(range(X.shape[1]))
            coders = {names[j]: (j, CategoryCoder(object)) for j in cats}
        for j, coder in coders.values():
            coder.encode(X.iloc[:, j] if frame else X[:, j])
        for c, m in _strategy.class_counts(y.to_numpy() if hasattr(y, "to_numpy") else y).items():
            counts[c] = counts.get(c, 0) + m
        n += len(y)
    if n == 0:
        raise CLIError(f"{src.name} has no rows")
    counts = dict(sorted(counts.items()))
    if isinstance(strategy, dict) and any(isinstance(key, str) for key in strategy):
        strategy = match_labels(strategy, labels=list(counts))
    plan = _strategy.plan(strategy, counts)
    synthetic = {c: int(plan.get(c, 0)) for c in counts}
    needed = [c for c in counts if synthetic[c] > 0]
    store_rows = sum(counts[c] for c in needed)
    d = src.n_features or 0
    n_cat = len(coders or ())
    store_bytes = store_rows * ((d - n_cat) * 8 + n_cat * 4)
    graph_bytes = store_rows * k * 8
    return {
        "rows": n,
        "features": d,
        "columns": list(src.columns or []),
        "target": src.target,
        "class_counts": counts,
        "imbalance_ratio": max(counts.values()) / min(counts.values()),
        "synthetic": synthetic,
        "rows_after": n + sum(synthetic.values()),
        "store_rows": store_rows,
        "store_bytes": store_bytes,
        "graph_bytes": graph_bytes,
        "memory_bytes": store_bytes + graph_bytes,
        "too_small": [c for c in needed if counts[c] < k + 1],
        "k": k,
        "categorical": {name: coder.n_levels for name, (_, coder) in (coders or {}).items()},
        "passthrough": list(src.passthrough),
        "passthrough_fill": src.passthrough_fill,
    }


def _non_numeric(X):
    """The non-numeric and ``category`` columns of a DataFrame chunk (None for arrays)."""
    from .variants.smotenc import categorical_mask

    return categorical_mask(X, "auto") if hasattr(X, "iloc") else None


def cmd_inspect(args):
    """``streamsmote inspect``: one pass, a report on stdout."""
    strategy = parse_strategy(args.strategy)
    src = _open_input(args, progress=_progress_wanted())
    start = time.perf_counter()
    roles = None if args.method == "smote" else make_sampler(args)._columns
    report = inspect_source(src, k=method_k(args), strategy=strategy, roles=roles)
    report["method"] = args.method
    if args.method in _FITTED_IN_INSPECT and not report["too_small"]:
        if args.input == STDIO:
            # Fitting the method would read the input again: the plan is all stdin gives.
            warnings.warn(
                f"--method {args.method} may make fewer rows than planned; how many is known "
                "only by fitting it, in a second read that stdin (INPUT -) does not allow: "
                "inspect a file for that",
                stacklevel=1,
            )
        else:
            report.update(_what_the_method_makes(args, strategy, report["class_counts"]))
    report["seconds"] = round(time.perf_counter() - start, 3)
    report["input"] = args.input
    if args.json:
        out = dict(report)
        out["class_counts"] = {str(c): v for c, v in report["class_counts"].items()}
        out["synthetic"] = {str(c): v for c, v in report["synthetic"].items()}
        out["too_small"] = [str(c) for c in report["too_small"]]
        for key in ("made", "danger"):
            if key in report:
                out[key] = {str(c): v for c, v in report[key].items()}
        print(json.dumps(out))
        return 0
    print_inspect(report, args.strategy)
    return 0


# methods whose synthetic rows depend on more than the class counts: inspect fits them
_FITTED_IN_INSPECT = ("borderline1", "borderline2", "adasyn", "svm", "kmeans")


def _what_the_method_makes(args, strategy, counts):
    """Fit the method on the input: the synthetic rows it makes per class (Borderline and
    SVM-SMOTE only sample from rows in danger, ADASYN rounds its density shares, KMeans-SMOTE
    samples only some clusters) and, for Borderline-SMOTE, the rows in danger."""
    if isinstance(strategy, dict) and any(isinstance(key, str) for key in strategy):
        strategy = match_labels(strategy, labels=list(counts))
    sm = make_sampler(args, strategy)
    sm.fit(_open_input(args))
    made = {c: int(sm._models[c].n_new) if c in sm._models else 0 for c in counts}
    out = {"made": made}
    if hasattr(sm, "in_danger_indices"):
        out["danger"] = {c: len(v) for c, v in sm.in_danger_indices.items()}
    return out


def print_inspect(r, strategy_text, file=None):
    file = file or sys.stdout
    counts, synthetic = r["class_counts"], r["synthetic"]
    names = r["columns"]
    shown = ", ".join(map(str, names[:8])) + (
        f", ... ({len(names) - 8} more)" if len(names) > 8 else ""
    )
    print(f"input            {r['input']}", file=file)
    print(f"rows             {r['rows']:,}", file=file)
    passthrough = r.get("passthrough") or []
    print(
        f"columns          {r['features'] + 1 + len(passthrough)} ({r['features']} features: "
        f"{shown}; target {r['target']!r}"
        + (f"; {len(passthrough)} passthrough" if passthrough else "")
        + ")",
        file=file,
    )
    if passthrough:
        fill = (
            "the parent row's values on synthetic rows (kept in RAM for the stored rows)"
            if r.get("passthrough_fill") == "parent"
            else "empty on synthetic rows"
        )
        print(
            f"passthrough      {', '.join(map(str, passthrough))}: copied with their rows, "
            f"{fill} (--passthrough-fill)",
            file=file,
        )
    cats = r.get("categorical") or {}
    if cats:
        listed = ", ".join(f"{name} ({levels:,} levels)" for name, levels in cats.items())
        print(f"categorical      {listed}", file=file)
        if r.get("method", "smote") == "smote":
            all_cat = len(cats) == r["features"]
            hint = "--method smoten" if all_cat else "--method smotenc --categorical auto"
            print(
                f"suggestion       SMOTE interpolates numbers only: resample with {hint}",
                file=file,
            )
    print(f"classes          {len(counts)}", file=file)
    majority = max(counts, key=counts.get)
    minority = min(counts, key=counts.get)
    print(
        f"imbalance ratio  {r['imbalance_ratio']:,.2f} (majority {majority!r} : minority "
        f"{minority!r})",
        file=file,
    )
    print(file=file)
    width = max(5, *(len(str(c)) for c in counts))
    head = f"{'class':<{width}}  {'rows':>13}  {'share':>7}  {'synthetic':>13}  {'after':>13}"
    print(head, file=file)
    print("-" * len(head), file=file)
    for c, m in counts.items():
        print(
            f"{str(c):<{width}}  {m:>13,}  {m / r['rows']:>7.2%}  {synthetic[c]:>13,}  "
            f"{m + synthetic[c]:>13,}",
            file=file,
        )
    print("-" * len(head), file=file)
    print(
        f"{'total':<{width}}  {r['rows']:>13,}  {1:>7.0%}  {sum(synthetic.values()):>13,}  "
        f"{r['rows_after']:>13,}",
        file=file,
    )
    for c, n in r.get("made", {}).items():
        if not synthetic[c]:
            continue
        danger = r.get("danger", {})
        in_danger = f" ({danger.get(c, 0):,} of its rows are in danger)" if danger else ""
        print(
            f"--method {r['method']} makes {n:,} of the {synthetic[c]:,} synthetic rows "
            f"planned for class {c!r}{in_danger}",
            file=file,
        )
    print(file=file)
    print(
        f"strategy {strategy_text!r}, k={r['k']}: the minority store needs "
        f"{_fmt_bytes(r['memory_bytes'])} = {r['store_rows']:,} rows x {r['features']} "
        f"features x 8 B ({_fmt_bytes(r['store_bytes'])}) + graph {r['store_rows']:,} x "
        f"{r['k']} x 8 B ({_fmt_bytes(r['graph_bytes'])})",
        file=file,
    )
    for c in r["too_small"]:
        if counts[c] < 2:
            print(
                f"warning: class {c!r} has 1 row; SMOTE needs two rows of a class to "
                "interpolate between (leave the class out of --strategy, or add rows of it)",
                file=file,
            )
            continue
        print(
            f"warning: class {c!r} has {counts[c]} rows; --k {r['k']} needs at least "
            f"{r['k'] + 1} (lower --k or leave the class out of --strategy)",
            file=file,
        )
    as_json = json.dumps({str(c): m for c, m in counts.items()})
    print(f"class counts     --class-counts '{as_json}'", file=file)
    print(f"time             {r['seconds']:.1f} s", file=file)


# =============================================================================================
# demo
# =============================================================================================


def cmd_demo(args):
    """``streamsmote demo``: generate, resample out of core, summarise, plot."""
    from .demo import TARGET, Tap, plot_demo, write_demo_data
    from .sinks import write_csv, write_parquet
    from .variants import SMOTE

    try:
        import pyarrow.parquet  # noqa: F401

        ext = "parquet"
    except ImportError:
        ext = "csv"
        print(
            "pyarrow is not installed, so the demo goes through CSV files, slower to read and "
            'larger than Parquet; for the fast path: pip install "streamsmote[parquet]"'
        )
    os.makedirs(args.out, exist_ok=True)
    data = os.path.join(args.out, f"imbalanced.{ext}")
    balanced = os.path.join(args.out, f"balanced.{ext}")
    png = os.path.join(args.out, "demo.png")
    progress = _progress_wanted()

    start = time.perf_counter()
    counts = write_demo_data(data, args.rows, n_features=args.features, seed=args.seed)
    t_gen = time.perf_counter() - start
    if len(counts) < 2:
        raise CLIError(f"--rows {args.rows} is too few to draw a minority class; use more rows")
    minority = min(counts, key=counts.get)
    print(
        f"wrote {data}: {args.rows:,} rows x {args.features} features, minority class "
        f"{minority} = {counts[minority]:,} rows ({counts[minority] / args.rows:.2%}) in "
        f"{t_gen:.1f} s"
    )

    src = open_source(data, TARGET, 100_000, progress=progress)
    sm = SMOTE(k_neighbors=5, random_state=args.seed)
    plan = _strategy.plan(sm.sampling_strategy, counts)
    tap = Tap(
        sm.resample_chunks(src, class_counts=counts),
        label=minority,
        expected_real=counts[minority],
        expected_synthetic=sum(plan.values()),
        seed=args.seed,
        expected_other=args.rows - counts[minority],
    )
    write = write_parquet if ext == "parquet" else write_csv
    start = time.perf_counter()
    written = write(tap, balanced, mark_synthetic="synthetic", overwrite=True, target=TARGET)
    elapsed = time.perf_counter() - start
    print(
        f"resampled out of core (class counts known, so only the minority rows are kept in "
        f"memory) -> {balanced}"
    )
    print()
    print_summary(sm, written, elapsed)
    print()
    after = {c: counts[c] + plan.get(c, 0) for c in counts}
    try:
        plot_demo(png, tap.real, tap.synthetic, counts, after, label=minority, other=tap.other)
    except ImportError as exc:
        print(f"no plot: {exc}")
    else:
        print(f"plot             {png}")
    print(f"total            {time.perf_counter() - start + t_gen:.1f} s")
    print(f"try              {PROG} inspect {data} --target {TARGET}")
    return 0
