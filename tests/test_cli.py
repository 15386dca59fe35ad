"""The ``streamsmote`` command line: resample, inspect, demo, and one-line user errors."""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import streamsmote as ss
from streamsmote.cli import main, match_labels, parse_strategy

N0, N1 = 300, 30


def make_frame(n0=N0, n1=N1, seed=0, labels=(0, 1)):
    """Features a, b (float) and c (int) around a label column in the middle."""
    rng = np.random.default_rng(seed)
    n = n0 + n1
    y = np.r_[np.zeros(n0, int), np.ones(n1, int)]
    rng.shuffle(y)
    return pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n) + 2 * y,
            "label": np.asarray(labels)[y],
            "c": rng.integers(0, 10, size=n),
        }
    )


@pytest.fixture
def frame():
    return make_frame()


@pytest.fixture
def csv_file(tmp_path, frame):
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def parquet_file(tmp_path, frame):
    path = tmp_path / "data.parquet"
    frame.to_parquet(path, index=False)
    return path


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def originals(df, mark="synthetic"):
    return df.loc[~df[mark].astype(bool)].drop(columns=mark).reset_index(drop=True)


def features_first(frame):
    """The input with the target moved to the end, as the writers lay out the columns."""
    return frame[["a", "b", "c", "label"]]


# ---------------------------------------------------------------------------------------------
# resample
# ---------------------------------------------------------------------------------------------


def test_resample_csv_to_parquet(capsys, tmp_path, csv_file, frame):
    out = tmp_path / "balanced.parquet"
    code, stdout, err = run(
        capsys, "resample", csv_file, out, "--target", "label", "--chunksize", 64,
        "--seed", 0, "--mark-synthetic", "synthetic",
    )  # fmt: skip
    assert code == 0, err
    df = pd.read_parquet(out)
    assert list(df.columns) == ["a", "b", "c", "label", "synthetic"]
    assert df["label"].value_counts().to_dict() == {0: N0, 1: N0}
    assert int(df["synthetic"].sum()) == N0 - N1
    assert not df["synthetic"].iloc[: N0 + N1].any()  # append: originals first
    pd.testing.assert_frame_equal(originals(df), features_first(frame))
    assert (df.loc[df["synthetic"], "label"] == 1).all()
    # the summary table: before, synthetic, after per class and in total
    lines = {line.split()[0]: line.split()[1:] for line in stdout.splitlines() if line.strip()}
    assert lines["0"] == [f"{N0}", "0", f"{N0}"]
    assert lines["1"] == [f"{N1}", f"{N0 - N1}", f"{N0}"]
    assert lines["total"] == [f"{N0 + N1}", f"{N0 - N1}", f"{2 * N0}"]
    assert "peak memory" in stdout and "time" in stdout
    # exactly what the library writes with the same settings
    ref = tmp_path / "ref.parquet"
    src = ss.read_csv(csv_file, target="label", chunksize=64)
    ss.write_parquet(
        ss.SMOTE(random_state=0).resample_chunks(src), ref, mark_synthetic="synthetic"
    )
    pd.testing.assert_frame_equal(df, pd.read_parquet(ref))


def test_resample_parquet_to_csv_round_trip(capsys, tmp_path, parquet_file, frame):
    balanced = tmp_path / "balanced.csv"
    code, _, err = run(
        capsys, "resample", parquet_file, balanced, "--target", "label", "--seed", 1,
        "--mark-synthetic", "is_synthetic", "--chunksize", 100,
    )  # fmt: skip
    assert code == 0, err
    df = pd.read_csv(balanced)
    assert df["label"].value_counts().to_dict() == {0: N0, 1: N0}
    assert int(df["is_synthetic"].sum()) == N0 - N1
    pd.testing.assert_frame_equal(originals(df, "is_synthetic"), features_first(frame))
    assert df["c"].dtype == np.int64  # integer features stay integers (rounded)

    # ... and back to Parquet: already balanced, so nothing is added and nothing changes
    again = tmp_path / "again.parquet"
    code, stdout, err = run(capsys, "resample", balanced, again, "--target", "label")
    assert code == 0, err
    pd.testing.assert_frame_equal(
        pd.read_parquet(again), df[["a", "b", "c", "is_synthetic", "label"]]
    )
    assert "total" in stdout


def test_resample_interleave(capsys, tmp_path, csv_file, frame):
    out = tmp_path / "mixed.parquet"
    code, _, err = run(
        capsys, "resample", csv_file, out, "--target", "label", "--order", "interleave",
        "--chunksize", 33, "--seed", 0, "--mark-synthetic", "synthetic",
    )  # fmt: skip
    assert code == 0, err
    df = pd.read_parquet(out)
    assert df["label"].value_counts().to_dict() == {0: N0, 1: N0}
    pd.testing.assert_frame_equal(originals(df), features_first(frame))
    where = np.flatnonzero(df["synthetic"].to_numpy())
    # spread through the file, not appended at the end
    assert where[0] < len(df) // 4 and where[-1] > 3 * len(df) // 4
    # every prefix of the output stays close to balanced
    half = df.iloc[: len(df) // 2]["label"].value_counts()
    assert abs(half[0] - half[1]) < 0.1 * len(half.index) * N0


def test_resample_multiclass_tsv_and_strategies(capsys, tmp_path):
    rng = np.random.default_rng(5)
    y = np.repeat(["cat", "dog", "eel"], [200, 40, 20])
    df = pd.DataFrame({"x": rng.normal(size=y.size), "z": rng.normal(size=y.size), "kind": y})
    tsv = tmp_path / "animals.tsv"
    df.to_csv(tsv, sep="\t", index=False)

    out = tmp_path / "a.csv"
    code, _, err = run(capsys, "resample", tsv, out, "--target", "kind", "--strategy",
                       '{"eel": 100, "dog": 50}')  # fmt: skip
    assert code == 0, err
    assert pd.read_csv(out)["kind"].value_counts().to_dict() == {"cat": 200, "eel": 100, "dog": 50}

    code, _, err = run(capsys, "resample", tsv, out, "--target", "kind", "--strategy",
                       "minority", "--overwrite", "--k", 3)  # fmt: skip
    assert code == 0, err
    assert pd.read_csv(out)["kind"].value_counts().to_dict() == {"cat": 200, "eel": 200, "dog": 40}


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [("auto", {0: N0, 1: N0}), ("0.5", {0: N0, 1: N0 // 2}), ('{"1": 100}', {0: N0, 1: 100})],
)
def test_resample_strategy_int_labels(capsys, tmp_path, parquet_file, strategy, expected):
    out = tmp_path / "out.pq"
    code, _, err = run(capsys, "resample", parquet_file, out, "--target", "label",
                       "--strategy", strategy, "--neighbors", "exact")  # fmt: skip
    assert code == 0, err
    assert pd.read_parquet(out)["label"].value_counts().to_dict() == expected


def test_resample_class_counts_and_memory_limit(capsys, tmp_path, csv_file):
    out = tmp_path / "out.parquet"
    code, stdout, err = run(
        capsys, "resample", csv_file, out, "--target", "label", "--chunksize", 50,
        "--class-counts", json.dumps({"0": N0, "1": N1}), "--memory-limit", "2kB",
    )  # fmt: skip
    assert code == 0, err
    assert pd.read_parquet(out)["label"].value_counts().to_dict() == {0: N0, 1: N0}
    # a memory limit that makes the store drop classes still works: a re-iterable file is
    # read again, with a warning on stderr
    out2 = tmp_path / "out2.parquet"
    code, _, err = run(capsys, "resample", csv_file, out2, "--target", "label",
                       "--chunksize", 50, "--memory-limit", "1kB")  # fmt: skip
    assert code == 0
    assert pd.read_parquet(out2)["label"].value_counts().to_dict() == {0: N0, 1: N0}
    assert all(line.startswith("streamsmote: warning:") for line in err.splitlines())


def test_resample_overwrite(capsys, tmp_path, csv_file):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    code, _, err = run(capsys, "resample", csv_file, out, "--target", "label", "--overwrite")
    assert code == 0, err
    assert len(pd.read_csv(out)) == 2 * N0


# ---------------------------------------------------------------------------------------------
# inspect
# ---------------------------------------------------------------------------------------------


def test_inspect_json(capsys, csv_file):
    code, stdout, err = run(capsys, "inspect", csv_file, "--target", "label", "--json",
                            "--chunksize", 70)  # fmt: skip
    assert code == 0, err
    report = json.loads(stdout)
    assert report["rows"] == N0 + N1
    assert report["features"] == 3
    assert report["columns"] == ["a", "b", "c"]
    assert report["class_counts"] == {"0": N0, "1": N1}
    assert report["imbalance_ratio"] == pytest.approx(N0 / N1)
    assert report["synthetic"] == {"0": 0, "1": N0 - N1}
    assert report["rows_after"] == 2 * N0
    assert report["store_rows"] == N1
    assert report["store_bytes"] == N1 * 3 * 8
    assert report["graph_bytes"] == N1 * 5 * 8
    assert report["memory_bytes"] == N1 * 3 * 8 + N1 * 5 * 8
    assert report["too_small"] == []


def test_inspect_text(capsys, parquet_file):
    code, stdout, err = run(capsys, "inspect", parquet_file, "--target", "label", "--k", 3,
                            "--strategy", "0.5")  # fmt: skip
    assert code == 0, err
    lines = stdout.splitlines()
    assert f"rows             {N0 + N1}" in lines
    assert "imbalance ratio  10.00 (majority 0 : minority 1)" in lines
    table = {line.split()[0]: line.split()[1:] for line in lines if line.strip()}
    assert table["1"] == [f"{N1}", f"{N1 / (N0 + N1):.2%}", f"{N0 // 2 - N1}", f"{N0 // 2}"]
    assert table["0"][2] == "0"
    assert f"{N1} rows x 3 features x 8 B" in stdout
    assert f"graph {N1} x 3 x 8 B" in stdout
    counts_line = next(line for line in lines if "--class-counts" in line)
    assert json.loads(counts_line.split("'")[1]) == {"0": N0, "1": N1}


def test_inspect_warns_when_class_too_small(capsys, csv_file):
    code, stdout, _ = run(capsys, "inspect", csv_file, "--target", "label", "--k", N1)
    assert code == 0
    assert f"warning: class 1 has {N1} rows; --k {N1} needs at least {N1 + 1}" in stdout


# ---------------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------------


def test_demo(capsys, tmp_path):
    out = tmp_path / "demo"
    code, stdout, err = run(capsys, "demo", "--rows", 200_000, "--out", out, "--seed", 3)
    assert code == 0, err
    data, balanced, png = out / "imbalanced.parquet", out / "balanced.parquet", out / "demo.png"
    assert data.exists() and balanced.exists()
    before = pd.read_parquet(data, columns=["label"])["label"].value_counts()
    assert len(before) == 2 and sum(before) == 200_000
    assert 0.01 < before[1] / 200_000 < 0.02
    after = pd.read_parquet(balanced, columns=["label", "synthetic"])
    assert after["label"].value_counts().to_dict() == {0: before[0], 1: before[0]}
    assert int(after["synthetic"].sum()) == before[0] - before[1]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "total" in stdout and str(png) in stdout
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temp files


# ---------------------------------------------------------------------------------------------
# user errors: one line on stderr, exit code 2, no output file
# ---------------------------------------------------------------------------------------------


def _bad_cases(tmp_path, csv_file):
    out = tmp_path / "out.parquet"
    text = tmp_path / "text.csv"
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "city": ["x", "y", "z"], "label": [0, 1, 0]}).to_csv(
        text, index=False
    )
    xlsx = tmp_path / "data.xlsx"
    xlsx.write_bytes(b"not really")
    exists = tmp_path / "exists.csv"
    exists.write_text("keep me\n")
    target = ("--target", "label")
    return {
        "missing file": (["resample", tmp_path / "nope.csv", out, *target], "does not exist"),
        "missing file (inspect)": (["inspect", tmp_path / "nope.parquet", *target], "nope"),
        "unknown target": (
            ["resample", csv_file, out, "--target", "y"],
            "available columns: ['a', 'b', 'label', 'c']",
        ),
        "unknown target (inspect)": (["inspect", csv_file, "--target", "y"], "'label'"),
        "unsupported input": (["resample", xlsx, out, *target], "cannot tell the format"),
        "unsupported output": (["resample", csv_file, tmp_path / "o.json", *target], ".json"),
        "non-numeric feature": (["resample", text, out, *target], "'city'"),
        # (inspect reports non-numeric columns as categorical: see
        # test_inspect_lists_categorical_columns_and_suggests_smotenc)
        "output exists": (["resample", csv_file, exists, *target], "--overwrite"),
        "class too small for k": (
            ["resample", csv_file, out, *target, "--k", N1],
            f"--k {N1} needs at least {N1 + 1} rows",
        ),
        "bad strategy": (["resample", csv_file, out, *target, "--strategy", "most"], "most"),
        "strategy float": (["resample", csv_file, out, *target, "--strategy", "1.5"], "(0, 1]"),
        "strategy class": (
            ["resample", csv_file, out, *target, "--strategy", '{"7": 400}'],
            "not present",
        ),
        "strategy label type": (
            ["resample", csv_file, out, *target, "--strategy", '{"x": 400}'],
            "not a valid label",
        ),
        "bad json": (["inspect", csv_file, *target, "--strategy", "{1: 2}"], "not valid JSON"),
        "wrong class counts": (
            ["resample", csv_file, out, *target, "--class-counts", '{"0": 1, "1": 2}'],
            "does not match",
        ),
        "memory limit": (["resample", csv_file, out, *target, "--memory-limit", "lots"], "lots"),
        "missing --target": (["resample", csv_file, out], "--target"),
        "bad chunksize": (["inspect", csv_file, *target, "--chunksize", "0"], "positive"),
        "mark is target": (
            ["resample", csv_file, out, *target, "--mark-synthetic", "label"],
            "--mark-synthetic",
        ),
        "mark is a feature": (
            ["resample", csv_file, out, *target, "--mark-synthetic", "a"],
            "used twice",
        ),
        "no command": ([], "required"),
    }


BAD = [
    "missing file", "missing file (inspect)", "unknown target", "unknown target (inspect)",
    "unsupported input", "unsupported output", "non-numeric feature",
    "output exists", "class too small for k", "bad strategy", "strategy float",
    "strategy class", "strategy label type", "bad json", "wrong class counts", "memory limit",
    "missing --target", "bad chunksize", "mark is target", "mark is a feature", "no command",
]  # fmt: skip


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, csv_file, case):
    args, needle = _bad_cases(tmp_path, csv_file)[case]
    before = sorted(os.listdir(tmp_path))
    code, stdout, err = run(capsys, *args)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("streamsmote: error: ")
    assert needle in lines[0]
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == before  # no output, no temporary file left
    if case == "output exists":
        assert (tmp_path / "exists.csv").read_text() == "keep me\n"


def test_bad_cases_are_all_tested(tmp_path, csv_file):
    assert sorted(BAD) == sorted(_bad_cases(tmp_path, csv_file))


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def test_parse_strategy_and_labels():
    assert parse_strategy(" not majority ") == "not majority"
    assert parse_strategy("1") == 1.0
    assert parse_strategy('{"a": 3}') == {"a": 3}
    assert match_labels({"1": 5, "0": 2}, labels=[0, 1]) == {1: 5, 0: 2}
    assert match_labels({"1.5": 5}, dtype=np.dtype("float64")) == {1.5: 5}
    assert match_labels({"true": 5}, dtype=np.dtype("bool")) == {True: 5}
    assert match_labels({"a": 5}, dtype=np.dtype("O")) == {"a": 5}


# ---------------------------------------------------------------------------------------------
# as a real process
# ---------------------------------------------------------------------------------------------


def _run_process(*args):
    return subprocess.run(
        [sys.executable, "-m", "streamsmote", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_subprocess_resample_and_errors(tmp_path, csv_file):
    out = tmp_path / "balanced.parquet"
    done = _run_process("resample", csv_file, out, "--target", "label", "--seed", 0)
    assert done.returncode == 0, done.stderr
    assert "total" in done.stdout
    assert "Traceback" not in done.stderr
    assert pd.read_parquet(out)["label"].value_counts().to_dict() == {0: N0, 1: N0}

    done = _run_process("resample", csv_file, out, "--target", "label")  # exists
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("streamsmote: error: ")
    assert "already exists" in done.stderr

    done = _run_process("--version")
    assert done.returncode == 0 and ss.__version__ in done.stdout


# ---------------------------------------------------------------------------------------------
# hostile inputs, as a real process: one line that names the thing and speaks the CLI's flags
# ---------------------------------------------------------------------------------------------

# Python spellings that must not reach a command-line user.
API_WORDS = ("=True", "k_neighbors", "sampling_strategy", "read_csv(", "read_parquet(",
             "dtype={", "sep=", "columns=", "astype", "target=", "memory_limit")  # fmt: skip


def _hostile_files(tmp_path):
    """Write the files of the hostile cases; return their paths by name."""
    files = {}
    rng = np.random.default_rng(0)
    y = (rng.random(200) < 0.2).astype(int)
    lines = [f"{rng.normal()},{rng.normal()},{a},{1 - a}" for a in y]
    files["dup"] = tmp_path / "dup.csv"
    files["dup"].write_text("f0,f1,label,label\n" + "\n".join(lines) + "\n")
    files["empty"] = tmp_path / "x.csv"
    files["empty"].write_bytes(b"")
    rows = [f"{i},{i % 3}" for i in range(40)] + [f"{i},x{i % 3}" for i in range(40)]
    files["labels"] = tmp_path / "labels.csv"
    files["labels"].write_text("f0,label\n" + "\n".join(rows) + "\n")
    frame = make_frame()
    files["semicolon"] = tmp_path / "semi.csv"
    frame.to_csv(files["semicolon"], sep=";", index=False)
    changing = frame.assign(c=frame["c"].astype(float))
    changing.loc[200:, "c"] += 0.5  # ints in the first chunks, floats later
    files["changing"] = tmp_path / "changing.csv"
    changing.to_csv(files["changing"], index=False, float_format="%g")
    one = make_frame(n0=100, n1=40).astype({"label": str})
    one.loc[0, "label"] = "lonely"
    files["one"] = tmp_path / "one.csv"
    one.to_csv(files["one"], index=False)
    files["single"] = tmp_path / "single.csv"
    frame.assign(label=0).to_csv(files["single"], index=False)
    files["corrupt"] = tmp_path / "corrupt.parquet"
    frame.to_parquet(files["corrupt"])
    files["corrupt"].write_bytes(files["corrupt"].read_bytes()[:-100])
    files["parts"] = tmp_path / "parts"
    files["parts"].mkdir()
    frame.iloc[:100].to_parquet(files["parts"] / "p0.parquet", index=False)
    frame.iloc[100:].assign(d=1.0).to_parquet(files["parts"] / "p1.parquet", index=False)
    return files


def _hostile_cases(tmp_path):
    f = _hostile_files(tmp_path)
    out = tmp_path / "out.csv"
    t = ("--target", "label")
    return {
        "duplicate target": (["resample", f["dup"], out, *t], "duplicate column names ['label']"),
        "empty csv": (["inspect", f["empty"], *t], f"input '{f['empty']}' is empty"),
        "label type (resample)": (
            ["resample", f["labels"], out, *t, "--chunksize", 40],
            "chunk 1 of '",
        ),
        "label type (inspect)": (
            ["inspect", f["labels"], *t, "--chunksize", 40],
            "row 40 of the stream (row 0 of the chunk) is 'x0', a string, but the first chunk's "
            "labels are numbers",
        ),
        "memory inf": (["resample", f["dup"], out, *t, "--memory-limit", "inf"], "'inf'"),
        "memory 1e400": (["resample", f["dup"], out, *t, "--memory-limit", "1e400"], "1e400"),
        "memory 0.5": (["resample", f["dup"], out, *t, "--memory-limit", "0.5"], "at least 1"),
        "memory -1MB": (["resample", f["dup"], out, *t, "--memory-limit", "-1MB"], "'-1MB'"),
        "memory=-1MB": (["resample", f["dup"], out, *t, "--memory-limit=-1MB"], "'-1MB'"),
        "semicolon": (["inspect", f["semicolon"], *t], "looks ';'-separated; pass --sep ';'"),
        "dtype change": (
            ["resample", f["changing"], out, *t, "--chunksize", 100],
            "pin this column's dtype with --dtype c=float64",
        ),
        "one-row class": (
            ["resample", f["one"], out, *t, "--k", 1],
            "class 'lonely' has 1 row; SMOTE needs at least two rows of a class to make new "
            "ones, so no --k can add rows to it. Leave the class out of --strategy",
        ),
        "corrupt parquet": (["inspect", f["corrupt"], *t], "is corrupt or truncated"),
        "parquet parts differ": (
            ["inspect", f["parts"], *t],
            "p1.parquet' has columns ['d'] that the first part 'p0.parquet' lacks",
        ),
        "dtype for parquet": (["inspect", f["corrupt"], *t, "--dtype", "c=float64"], "CSV"),
        "dtype unknown column": (
            ["inspect", f["semicolon"], *t, "--sep", ";", "--dtype", "z=float64"],
            "--dtype names column(s) ['z']",
        ),
        "dtype bad type": (["inspect", f["semicolon"], *t, "--dtype", "c=flaot"], "'flaot'"),
        "one class": (
            ["inspect", f["single"], *t],
            "The --target column needs to have more than 1 class",
        ),
    }


HOSTILE = [
    "duplicate target", "empty csv", "label type (resample)", "label type (inspect)",
    "memory inf", "memory 1e400", "memory 0.5", "memory -1MB", "memory=-1MB", "semicolon",
    "dtype change", "one-row class", "corrupt parquet", "parquet parts differ",
    "dtype for parquet", "dtype unknown column", "dtype bad type", "one class",
]  # fmt: skip


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_input_is_one_line_in_cli_terms(tmp_path, case):
    args, needle = _hostile_cases(tmp_path)[case]
    before = sorted(os.listdir(tmp_path))
    done = _run_process(*args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("streamsmote: error: ")
    assert needle in lines[0]
    assert not [w for w in API_WORDS if w in lines[0]], lines[0]
    assert "at most 0" not in lines[0]
    assert sorted(os.listdir(tmp_path)) == before


def test_hostile_cases_are_all_tested(tmp_path):
    assert sorted(HOSTILE) == sorted(_hostile_cases(tmp_path))


def test_sep_and_dtype_options(tmp_path):
    f = _hostile_files(tmp_path)
    out = tmp_path / "semi.parquet"
    done = _run_process("resample", f["semicolon"], out, "--target", "label", "--sep", ";")
    assert done.returncode == 0, done.stderr
    assert pd.read_parquet(out)["label"].value_counts().to_dict() == {0: N0, 1: N0}
    done = _run_process("inspect", f["labels"], "--target", "label", "--chunksize", 40,
                        "--dtype", "label=str", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["class_counts"] == {
        "0": 14, "1": 13, "2": 13, "x0": 14, "x1": 13, "x2": 13,
    }  # fmt: skip
    out = tmp_path / "changing.csv.out.csv"
    done = _run_process("resample", f["changing"], out, "--target", "label", "--chunksize", 100,
                        "--dtype", "c=float64")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert pd.read_csv(out)["c"].dtype == np.float64


def test_inspect_one_row_class_suggests_leaving_it_out(tmp_path):
    f = _hostile_files(tmp_path)
    done = _run_process("inspect", f["one"], "--target", "label")
    assert done.returncode == 0, done.stderr
    assert "warning: class 'lonely' has 1 row" in done.stdout
    assert "leave the class out of --strategy" in done.stdout
    assert "--k 5 needs" not in done.stdout.split("'lonely'")[1].split("\n")[0]


def test_overwrite_keeps_mode_and_symlink(tmp_path, csv_file):
    out = tmp_path / "private.csv"
    out.write_text("old\n")
    out.chmod(0o600)
    done = _run_process("resample", csv_file, out, "--target", "label", "--overwrite")
    assert done.returncode == 0, done.stderr
    assert (out.stat().st_mode & 0o777) == 0o600
    assert len(pd.read_csv(out)) == 2 * N0

    data = tmp_path / "data"
    data.mkdir()
    link = tmp_path / "latest.csv"
    link.symlink_to(data / "v1.csv")
    done = _run_process("resample", csv_file, link, "--target", "label")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and len(pd.read_csv(data / "v1.csv")) == 2 * N0
    done = _run_process("resample", csv_file, link, "--target", "label")
    assert done.returncode == 2 and "--overwrite" in done.stderr
    done = _run_process("resample", csv_file, link, "--target", "label", "--overwrite")
    assert done.returncode == 0 and link.is_symlink(), done.stderr
    assert sorted(os.listdir(data)) == ["v1.csv"]


# ---------------------------------------------------------------------------------------------
# --method smotenc | smoten, --categorical, and inspect on categorical columns
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path):
    rng = np.random.default_rng(5)
    n = 1500
    df = pd.DataFrame(
        {
            "amount": rng.normal(size=n),
            "hour": rng.normal(size=n),
            "city": rng.choice(["paris", "lyon", "nice", "lille"], size=n),
            "kind": rng.choice(["a", "b"], size=n),
        }
    )
    df["label"] = (rng.random(n) < 0.07).astype(int)
    path = tmp_path / "mixed.csv"
    df.to_csv(path, index=False)
    return df, path


@pytest.mark.parametrize("method", ["smotenc", "smoten"])
def test_resample_categorical_methods_match_the_api(capsys, tmp_path, mixed, method):
    df, path = mixed
    if method == "smoten":
        df = df[["city", "kind", "label"]]
        df.to_csv(path, index=False)
        sm = ss.SMOTEN(random_state=3)
        extra = []
    else:
        sm = ss.SMOTENC(["city", "kind"], random_state=3)
        extra = ["--categorical", "city,kind"]
    out = tmp_path / "balanced.csv"
    args = ["resample", path, out, "--target", "label", "--method", method, "--seed", 3]
    assert run(capsys, *args, *extra, "--chunksize", 128)[0] == 0
    got = pd.read_csv(out)
    features = [c for c in df.columns if c != "label"]
    X_res, y_res = sm.fit_resample(df[features], df["label"])
    expected = X_res.assign(label=y_res)
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), check_dtype=False)


def test_inspect_lists_categorical_columns_and_suggests_smotenc(capsys, mixed):
    _, path = mixed
    code, text = run(capsys, "inspect", path, "--target", "label")[:2]
    assert code == 0
    assert "city (4 levels), kind (2 levels)" in text
    assert "--method smotenc --categorical auto" in text
    code, text = run(capsys, "inspect", path, "--target", "label", "--json")[:2]
    assert json.loads(text)["categorical"] == {"city": 4, "kind": 2}
    args = ("inspect", path, "--target", "label", "--method", "smotenc")
    code, text = run(capsys, *args)[:2]
    assert code == 0 and "suggestion" not in text


def test_categorical_cli_errors_speak_cli(tmp_path, mixed):
    _, path = mixed
    out = tmp_path / "o.csv"
    cases = {
        ("--method", "smote"): "use --method smotenc --categorical auto",
        ("--method", "smotenc", "--categorical", "city,nope"): "--categorical names unknown",
        ("--method", "smoten", "--categorical", "city"): "--categorical goes with --method "
        "smotenc",
        ("--method", "smotenc", "--categorical", "amount,hour,city,kind"): "use --method smoten",
    }
    for extra, expected in cases.items():
        done = _run_process("resample", path, out, "--target", "label", *extra)
        assert done.returncode == 2, (extra, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (extra, done.stderr)
        assert "streamsmote.SMOTE" not in lines[0] and "categorical_features" not in lines[0]
        assert not out.exists()


@pytest.fixture
def numeric_csv(tmp_path):
    rng = np.random.default_rng(8)
    n = 1200
    X = rng.normal(size=(n, 4))
    y = (rng.random(n) < 0.1).astype(int)
    X[y == 1] += 1.2
    df = pd.DataFrame(X, columns=list("abcd")).assign(label=y)
    path = tmp_path / "num.csv"
    df.to_csv(path, index=False)
    return df, path


@pytest.mark.parametrize(
    "method, extra, make",
    [
        ("borderline1", ["--m-neighbors", 8], lambda: ss.BorderlineSMOTE(m_neighbors=8)),
        ("borderline2", [], lambda: ss.BorderlineSMOTE(kind="borderline-2")),
        ("adasyn", ["--k", 4], lambda: ss.ADASYN(n_neighbors=4)),
        ("svm", ["--out-step", 0.3], lambda: ss.SVMSMOTE(out_step=0.3)),
        (
            "kmeans",
            ["--cluster-balance-threshold", 0.05],
            lambda: ss.KMeansSMOTE(kmeans_estimator=None, cluster_balance_threshold=0.05),
        ),
    ],
)
def test_resample_filtering_and_model_methods(capsys, tmp_path, numeric_csv, method, extra, make):
    """Every --method with its options writes fit_resample's rows (the data fits in the
    streaming samples, so SVM- and KMeans-SMOTE are exact here too)."""
    df, path = numeric_csv
    out = tmp_path / "out.csv"
    args = ["resample", path, out, "--target", "label", "--method", method, "--seed", 4, *extra]
    code, _, err = run(capsys, *args, "--chunksize", 300)
    if method == "kmeans" and code != 0:
        assert "No clusters found" in err  # imbalanced-learn's error on this data, in CLI terms
        with pytest.raises(RuntimeError, match="No clusters found"):
            make().set_params(random_state=4).fit_resample(df[list("abcd")], df["label"])
        return
    assert code == 0, err
    sm = make().set_params(random_state=4)
    X_res, y_res = sm.fit_resample(df[list("abcd")], df["label"])
    expected = X_res.assign(label=y_res).reset_index(drop=True)
    pd.testing.assert_frame_equal(pd.read_csv(out), expected, check_dtype=False)


def test_method_options_are_checked(tmp_path, numeric_csv):
    _, path = numeric_csv
    done = _run_process(
        "resample", path, tmp_path / "o.csv", "--target", "label", "--method", "adasyn",
        "--m-neighbors", 4,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--m-neighbors goes with --method borderline1 | borderline2 | svm" in done.stderr


def test_inspect_reports_what_a_filtering_method_makes(capsys, numeric_csv):
    _, path = numeric_csv
    code, text, _ = run(capsys, "inspect", path, "--target", "label", "--method", "borderline1")
    assert code == 0
    sm = ss.BorderlineSMOTE(random_state=0).fit(ss.read_csv(path, target="label"))
    danger = len(sm.in_danger_indices[1])
    made = sm._models[1].n_new
    assert f"--method borderline1 makes {made:,} of the" in text
    assert f"({danger:,} of its rows are in danger)" in text
    code, text, _ = run(
        capsys, "inspect", path, "--target", "label", "--method", "adasyn", "--json"
    )
    report = json.loads(text)
    assert set(report["made"]) == {"0", "1"} and report["made"]["0"] == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="vfork and /proc: Linux")
def test_peak_memory_is_the_processs_own_not_its_parents(tmp_path):
    # A parent that peaked at 400 MB starts the CLI's process (subprocess: vfork); the peak the
    # CLI reports must be its own (getrusage's ru_maxrss would start at the parent's 400 MB).
    script = (
        "import subprocess, sys, resource, numpy as np\n"
        "a = np.ones(50_000_000); del a\n"
        "child = 'from streamsmote.cli import peak_memory; print(peak_memory())'\n"
        "out = subprocess.run([sys.executable, '-c', child], capture_output=True, text=True,\n"
        "                     check=True).stdout\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, out)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ss.__file__)))
    res = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    parent, child = (int(x) for x in res.stdout.split())
    assert parent > 400e6
    assert 0 < child < 200e6, (parent, child)
