"""Atomic CSV/Parquet writers: exact round trips, synthetic marks, no partial output ever."""

import os
import re
import stat
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from streamsmote._batch import Batch
from streamsmote.sinks import write_csv, write_parquet
from streamsmote.sources import from_arrays, read_csv, read_parquet

N = 53


def make_frame(n=N, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "f_float": rng.normal(size=n),
            "f_int": rng.integers(-5, 5, size=n),
            "f_bool": rng.random(n) < 0.3,
            "label": rng.integers(0, 3, size=n),
        }
    )


def batches(df, size=10, target="label", flags=None):
    """Batch objects from a frame; ``flags`` marks rows as synthetic."""
    X, y = df.drop(columns=target), df[target]
    for start in range(0, len(df), size):
        sl = slice(start, start + size)
        syn = None if flags is None else flags[sl]
        yield Batch(X.iloc[sl], y.iloc[sl], syn)


def read_back(path):
    return pd.read_parquet(path) if str(path).endswith(".parquet") else pd.read_csv(path)


WRITERS = [(write_csv, "out.csv"), (write_parquet, "out.parquet")]


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_round_trip_dataframe(tmp_path, writer, name):
    df = make_frame()
    path = tmp_path / name
    summary = writer(batches(df, size=7), path)
    assert summary["rows"] == N and summary["synthetic_rows"] == 0
    assert summary["path"] == str(path)
    assert summary["columns"] == ["f_float", "f_int", "f_bool", "label"]
    pd.testing.assert_frame_equal(read_back(path), df)
    assert os.listdir(tmp_path) == [name]


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_round_trip_with_mark_synthetic(tmp_path, writer, name):
    df = make_frame()
    flags = np.arange(N) % 3 == 0
    path = tmp_path / name
    summary = writer(batches(df, flags=flags), path, mark_synthetic="is_synthetic")
    assert summary["synthetic_rows"] == int(flags.sum())
    out = read_back(path)
    assert list(out.columns) == ["f_float", "f_int", "f_bool", "label", "is_synthetic"]
    assert out["is_synthetic"].dtype == bool
    np.testing.assert_array_equal(out["is_synthetic"].to_numpy(), flags)
    pd.testing.assert_frame_equal(out.drop(columns="is_synthetic"), df)


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_mark_synthetic_false_without_flags(tmp_path, writer, name):
    df = make_frame()
    plain = ((X, y) for X, y in batches(df))  # plain tuples, no .synthetic
    writer(plain, tmp_path / name, mark_synthetic="syn")
    out = read_back(tmp_path / name)
    assert not out["syn"].any() and len(out) == N


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_ndarray_batches_get_x_columns_and_target_name(tmp_path, writer, name):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(N, 3))
    y = rng.integers(0, 2, size=N)
    path = tmp_path / name
    writer(from_arrays(X, y, chunksize=11), path, target="cls")
    out = read_back(path)
    assert list(out.columns) == ["x0", "x1", "x2", "cls"]
    np.testing.assert_array_equal(out[["x0", "x1", "x2"]].to_numpy(), X)
    np.testing.assert_array_equal(out["cls"].to_numpy(), y)
    writer(from_arrays(X, y, chunksize=11), path)  # default target name
    assert list(read_back(path).columns)[-1] == "target"


def test_series_name_wins_over_target_argument(tmp_path):
    df = make_frame()
    write_parquet(batches(df), tmp_path / "o.parquet", target="ignored")
    assert "label" in pd.read_parquet(tmp_path / "o.parquet").columns


def test_csv_source_to_parquet_sink_and_back(tmp_path):
    df = make_frame()
    df.to_csv(tmp_path / "in.csv", index=False)
    write_parquet(
        read_csv(tmp_path / "in.csv", target="label", chunksize=8), tmp_path / "o.parquet"
    )
    src = read_parquet(tmp_path / "o.parquet", target="label", batch_size=9)
    X_all = pd.concat([X for X, _ in src])
    pd.testing.assert_frame_equal(X_all, df.drop(columns="label"))
    write_csv(src, tmp_path / "o.csv")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "o.csv"), df)


def test_parquet_later_batches_cast_to_first_schema(tmp_path):
    a = pd.DataFrame({"u": np.array([1.0, 2.0], np.float32)})
    b = pd.DataFrame({"u": np.array([3.0], np.float64)})  # castable to float32
    c = pd.DataFrame({"u": np.array([4.0], np.float32)})
    parts = [(a, pd.Series([0, 1], name="y")), (b, pd.Series([1], name="y")), (c, pd.Series([0]))]
    write_parquet(parts, tmp_path / "o.parquet")
    out = pd.read_parquet(tmp_path / "o.parquet")
    assert out["u"].dtype == np.float32 and out["u"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert out["y"].tolist() == [0, 1, 1, 0]


def test_columns_reordered_or_rejected(tmp_path):
    a = pd.DataFrame({"u": [1.0], "v": [2.0]})
    b = pd.DataFrame({"v": [4.0], "u": [3.0]})
    y = pd.Series([0], name="y")
    write_csv([(a, y), (b, y)], tmp_path / "o.csv")
    assert pd.read_csv(tmp_path / "o.csv").to_dict("list") == {
        "u": [1.0, 3.0],
        "v": [2.0, 4.0],
        "y": [0, 0],
    }
    c = pd.DataFrame({"u": [1.0], "w": [2.0]})
    for writer, name in WRITERS:
        with pytest.raises(ValueError, match="same columns"):
            writer([(a, y), (c, y)], tmp_path / f"bad-{name}")
    assert sorted(os.listdir(tmp_path)) == ["o.csv"]


def test_name_clash_rejected(tmp_path):
    X = pd.DataFrame({"label": [1.0]})
    with pytest.raises(ValueError, match="used twice"):
        write_csv([(X, pd.Series([0], name="label"))], tmp_path / "o.csv")
    with pytest.raises(ValueError, match="used twice"):
        write_csv([(np.zeros((1, 1)), np.zeros(1))], tmp_path / "o.csv", mark_synthetic="target")
    assert os.listdir(tmp_path) == []


def test_bad_synthetic_length(tmp_path):
    b = Batch(np.zeros((3, 1)), np.zeros(3), np.array([True]))
    with pytest.raises(ValueError, match="one flag per row"):
        write_parquet([b], tmp_path / "o.parquet", mark_synthetic="s")
    assert os.listdir(tmp_path) == []


def test_empty_input(tmp_path):
    summary = write_csv([], tmp_path / "o.csv")
    assert summary["rows"] == 0 and (tmp_path / "o.csv").read_text() == ""
    with pytest.raises(ValueError, match="no batches"):
        write_parquet([], tmp_path / "o.parquet")
    assert os.listdir(tmp_path) == ["o.csv"]
    # An empty first batch still gives the file its header / schema.
    empty = (pd.DataFrame({"u": np.zeros(0)}), pd.Series(np.zeros(0, int), name="y"))
    write_parquet([empty], tmp_path / "o.parquet")
    assert list(pd.read_parquet(tmp_path / "o.parquet").columns) == ["u", "y"]
    write_csv([empty, (pd.DataFrame({"u": [1.5]}), pd.Series([2], name="y"))], tmp_path / "o.csv")
    assert (tmp_path / "o.csv").read_text() == "u,y\n1.5,2\n"


# ---------------------------------------------------------------------------------------------
# Atomicity
# ---------------------------------------------------------------------------------------------


def failing(df, exc, after=3):
    """Yield ``after`` good batches, then raise ``exc`` from inside the generator."""
    for i, b in enumerate(batches(df, size=5)):
        if i == after:
            raise exc
        yield b


@pytest.mark.parametrize(("writer", "name"), WRITERS)
@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt(), GeneratorExit()])
def test_exception_mid_stream_leaves_nothing(tmp_path, writer, name, exc):
    with pytest.raises(type(exc)):
        writer(failing(make_frame(), exc), tmp_path / name)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_existing_file_untouched_when_write_fails(tmp_path, writer, name):
    path = tmp_path / name
    old = make_frame(seed=5)
    writer(batches(old), path)
    before = path.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        writer(failing(make_frame(), KeyboardInterrupt(), after=2), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [name]
    pd.testing.assert_frame_equal(read_back(path), old)


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_overwrite_false(tmp_path, writer, name):
    path = tmp_path / name
    path.write_text("keep me")
    consumed = []

    def gen():
        consumed.append(1)
        yield from batches(make_frame())

    with pytest.raises(FileExistsError, match="overwrite=True"):
        writer(gen(), path, overwrite=False)
    assert path.read_text() == "keep me" and not consumed
    assert os.listdir(tmp_path) == [name]
    writer(gen(), path, overwrite=True)
    assert len(read_back(path)) == N


def test_overwrite_false_new_file_ok(tmp_path):
    summary = write_csv(batches(make_frame()), tmp_path / "new.csv", overwrite=False)
    assert summary["rows"] == N


def test_directory_path_rejected(tmp_path):
    with pytest.raises(IsADirectoryError):
        write_csv(batches(make_frame()), tmp_path)


def test_file_permissions_follow_umask(tmp_path):
    path = tmp_path / "o.csv"
    write_csv(batches(make_frame()), path)
    reference = tmp_path / "ref"
    reference.write_text("")
    assert (path.stat().st_mode & 0o777) == (reference.stat().st_mode & 0o777)


@pytest.mark.parametrize(("writer", "name"), WRITERS)
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444])
def test_overwrite_keeps_the_old_files_mode(tmp_path, writer, name, mode):
    path = tmp_path / name
    path.write_text("old")
    path.chmod(mode)
    writer(batches(make_frame()), path)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert len(read_back(path)) == N


@pytest.mark.parametrize(("writer", "name"), WRITERS)
@pytest.mark.parametrize("exists", [True, False])
def test_symlink_is_written_through_and_kept(tmp_path, writer, name, exists):
    data = tmp_path / "data"
    data.mkdir()
    target = data / name
    if exists:
        target.write_text("old")
    link = tmp_path / f"link-{name}"
    link.symlink_to(target)
    summary = writer(batches(make_frame()), link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    pd.testing.assert_frame_equal(read_back(target), make_frame())
    assert summary["path"] == str(link)
    assert sorted(os.listdir(data)) == [name]  # the temporary file lived beside the target


@pytest.mark.parametrize(("writer", "name"), WRITERS)
def test_stale_temp_files_of_dead_writers_are_removed(tmp_path, writer, name):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # its pid now names no process
    stale = tmp_path / f".{name}.tmp-{proc.pid}-0a1b2c3d"
    live = tmp_path / f".{name}.tmp-{os.getppid()}-0a1b2c3d"  # a running process
    other = tmp_path / f".other-{name}.tmp-{proc.pid}-0a1b2c3d"  # another destination
    old_style = tmp_path / f".{name}.tmp-0a1b2c3d4e5f"  # no pid: not ours to judge
    for p in (stale, live, other, old_style):
        p.write_text("partial")
    with pytest.warns(UserWarning, match=rf"removed .*{re.escape(stale.name)}.* {proc.pid} was"):
        writer(batches(make_frame()), tmp_path / name)
    assert not stale.exists()
    assert live.exists() and other.exists() and old_style.exists()


def test_temp_file_name_holds_the_pid(tmp_path):
    seen = []

    def spy():
        seen.extend(p for p in os.listdir(tmp_path) if ".tmp-" in p)
        yield from batches(make_frame())

    write_csv(spy(), tmp_path / "o.csv")
    assert len(seen) == 1 and seen[0].startswith(f".o.csv.tmp-{os.getpid()}-")
