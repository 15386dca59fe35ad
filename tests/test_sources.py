"""Chunk sources: exact round trips from memory, CSV and Parquet, and every chunk check."""

import re

import numpy as np
import pandas as pd
import pytest

from streamsmote._validation import ChunkChecker, check_chunksize, check_target_column
from streamsmote.sources import (
    ChunkSource,
    as_source,
    from_arrays,
    from_chunks,
    read_csv,
    read_parquet,
)

N = 103  # not a multiple of any chunk size used below


def make_frame(n=N, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "f_float": rng.normal(size=n),
            "f_int": rng.integers(-5, 5, size=n),
            "f_bool": rng.random(n) < 0.3,
            "f32": rng.normal(size=n).astype(np.float32),
            "label": rng.integers(0, 3, size=n),
        }
    )


def concat(src):
    Xs, ys = zip(*list(src), strict=True)
    return Xs, ys


def concat_frames(src):
    Xs, ys = concat(src)
    return pd.concat(Xs), pd.concat(ys)


# ---------------------------------------------------------------------------------------------
# from_arrays
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunksize", [1, 10, 31, N, 1000])
def test_from_arrays_numpy_round_trip(chunksize):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(N, 4))
    y = rng.integers(0, 2, size=N)
    src = from_arrays(X, y, chunksize=chunksize)
    assert isinstance(src, ChunkSource)
    assert (src.kind, src.n_rows, src.reiterable, src.target) == ("numpy", N, True, None)
    for _ in range(2):  # re-iteration gives the same chunks
        Xs, ys = concat(src)
        assert all(isinstance(a, np.ndarray) and a.ndim == 2 for a in Xs)
        assert all(isinstance(a, np.ndarray) and a.ndim == 1 for a in ys)
        assert [len(a) for a in Xs][:-1] == [min(chunksize, N)] * (len(Xs) - 1)
        np.testing.assert_array_equal(np.concatenate(Xs), X)
        np.testing.assert_array_equal(np.concatenate(ys), y)
        assert np.concatenate(Xs).dtype == X.dtype


def test_from_arrays_chunks_are_copies():
    X = np.zeros((5, 2))
    y = np.zeros(5, dtype=int)
    for X_c, _ in from_arrays(X, y, chunksize=2):
        X_c[:] = 7
    assert not X.any()


def test_from_arrays_dataframe_round_trip():
    df = make_frame()
    X, y = df.drop(columns="label"), df["label"]
    src = from_arrays(X, y, chunksize=17)
    assert (src.kind, src.target, src.columns) == ("pandas", "label", list(X.columns))
    for _ in range(2):
        X_all, y_all = concat_frames(src)
        pd.testing.assert_frame_equal(X_all, X)
        pd.testing.assert_series_equal(y_all, y)


def test_from_arrays_dataframe_with_ndarray_labels_gives_series():
    df = make_frame()
    X, y = df.drop(columns="label"), df["label"].to_numpy()
    for X_c, y_c in from_arrays(X, y, chunksize=40):
        assert isinstance(y_c, pd.Series)
        assert y_c.index.equals(X_c.index)


def test_from_arrays_memmap(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(N, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=N)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    Xm = np.load(tmp_path / "X.npy", mmap_mode="r")
    ym = np.load(tmp_path / "y.npy", mmap_mode="r")
    src = from_arrays(Xm, ym, chunksize=20)
    assert src.n_rows == N
    Xs, ys = concat(src)
    assert all(type(a) is np.ndarray for a in Xs)  # plain copies of slices, not memmaps
    assert all(a.flags.writeable for a in Xs)
    np.testing.assert_array_equal(np.concatenate(Xs), X)
    np.testing.assert_array_equal(np.concatenate(ys), y)


def test_from_arrays_argument_errors():
    with pytest.raises(ValueError, match="X must be 2-D"):
        from_arrays(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="X has 5 rows but y has 4"):
        from_arrays(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"y must be 1-D .*y\.ravel"):
        from_arrays(np.zeros((5, 2)), np.zeros((5, 1)))
    with pytest.raises(ValueError, match="chunksize must be a positive integer"):
        from_arrays(np.zeros((5, 2)), np.zeros(5), chunksize=0)
    with pytest.raises(ValueError, match="chunksize"):
        from_arrays(np.zeros((5, 2)), np.zeros(5), chunksize=2.5)


def test_repr():
    src = from_arrays(np.zeros((5, 2)), np.zeros(5), chunksize=2)
    r = repr(src)
    assert r.startswith("ChunkSource(from_arrays(")
    assert "kind='numpy'" in r and "n_rows=5" in r and "reiterable=True" in r


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunksize", [7, 50, 500])
def test_read_csv_round_trip(tmp_path, chunksize):
    df = make_frame()
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    src = read_csv(path, target="label", chunksize=chunksize)
    assert (src.kind, src.target, src.n_rows) == ("pandas", "label", None)
    assert src.columns == ["f_float", "f_int", "f_bool", "f32"]
    expected = pd.read_csv(path)
    for _ in range(2):
        Xs, ys = concat(src)
        assert all(isinstance(X, pd.DataFrame) for X in Xs)
        assert all(isinstance(y, pd.Series) and y.name == "label" for y in ys)
        assert all("label" not in X.columns for X in Xs)
        X_all, y_all = pd.concat(Xs), pd.concat(ys)
        pd.testing.assert_frame_equal(X_all, expected.drop(columns="label"))
        pd.testing.assert_series_equal(y_all, expected["label"])
    assert src.n_rows == N  # known after a full pass
    # The float64 column survives the text round trip bit for bit.
    np.testing.assert_array_equal(X_all["f_float"].to_numpy(), df["f_float"].to_numpy())


def test_read_csv_missing_target_lists_columns(tmp_path):
    path = tmp_path / "data.csv"
    make_frame().to_csv(path, index=False)
    with pytest.raises(ValueError) as info:
        read_csv(path, target="class")
    msg = str(info.value)
    assert "'class'" in msg and "data.csv" in msg
    assert "['f_float', 'f_int', 'f_bool', 'f32', 'label']" in msg
    assert "Pass target=" in msg


def test_read_csv_nan_names_column_chunk_and_row(tmp_path):
    df = make_frame()
    df.loc[57, "f32"] = np.nan
    df.loc[80, "f_float"] = np.nan
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    src = read_csv(path, target="label", chunksize=20)
    with pytest.raises(ValueError) as info:
        list(src)
    msg = str(info.value)
    assert "'f32'" in msg and "chunk 2" in msg and "row 57 of the stream" in msg
    assert "row 17 of the chunk" in msg
    assert "fillna" in msg or "dropna" in msg


def test_read_csv_inf_detected(tmp_path):
    df = make_frame()
    df.loc[3, "f_float"] = -np.inf
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"'f_float' holds -inf \(infinite\) at row 3 "):
        list(read_csv(path, target="label", chunksize=50))


def test_read_csv_dtype_change_mentions_dtype_fix(tmp_path):
    df = make_frame(n=40)
    df["f_int"] = df["f_int"].astype(float)
    df.loc[:19, "f_int"] = df.loc[:19, "f_int"].round()  # written as "3.0": still float
    path = tmp_path / "data.csv"
    text = df.to_csv(index=False)
    # First 20 data rows hold integers only, the rest floats like 1.5.
    lines = text.splitlines()
    for i in range(1, 21):
        cells = lines[i].split(",")
        cells[1] = str(int(float(cells[1])))
        lines[i] = ",".join(cells)
    for i in range(21, 41):
        cells = lines[i].split(",")
        cells[1] = "1.5"
        lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError) as info:
        list(read_csv(path, target="label", chunksize=20))
    msg = str(info.value)
    assert "'f_int' has dtype float64 but had int64" in msg and "chunk 1" in msg
    assert "dtype=" in msg
    # ... and the fix works.
    src = read_csv(path, target="label", chunksize=20, dtype={"f_int": "float64"})
    assert sum(len(y) for _, y in src) == 40


def test_read_csv_short_rows_become_nan(tmp_path):
    path = tmp_path / "ragged.csv"
    rows = ["a,b,label"] + ["1.0,2.0,0"] * 5 + ["1.0,,0"] * 5
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ValueError, match=r"'b' holds NaN .* row 5 of the stream"):
        list(read_csv(path, target="label", chunksize=5))


def test_read_csv_non_numeric_columns_named(tmp_path):
    df = make_frame(n=10)
    df["city"] = ["x"] * 10
    df["when"] = pd.Timestamp("2020-01-01")
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    src = read_csv(path, target="label", chunksize=4, parse_dates=["when"])
    with pytest.raises(ValueError) as info:
        list(src)
    msg = str(info.value)
    assert "non-numeric feature columns ['city', 'when']" in msg
    assert "encode" in msg


def test_read_csv_string_labels_and_kwargs(tmp_path):
    path = tmp_path / "data.tsv"
    path.write_text("a\tb\tcls\n1\t2.5\tcat\n3\t4.5\tdog\n5\t6.5\tcat\n")
    src = read_csv(path, target="cls", chunksize=2, sep="\t")
    X_all, y_all = concat_frames(src)
    assert y_all.tolist() == ["cat", "dog", "cat"]
    assert y_all.name == "cls"
    assert list(X_all.columns) == ["a", "b"]


def test_read_csv_rejects_reader_kwargs(tmp_path):
    path = tmp_path / "data.csv"
    make_frame(n=5).to_csv(path, index=False)
    with pytest.raises(TypeError, match="iterator"):
        read_csv(path, target="label", iterator=True)


def test_read_csv_empty_file_body(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("a,b,label\n")
    src = read_csv(path, target="label")
    assert list(src) == []
    assert src.n_rows == 0


# ---------------------------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [9, 64, 1000])
def test_read_parquet_file_round_trip(tmp_path, batch_size):
    df = make_frame()
    path = tmp_path / "data.parquet"
    df.to_parquet(path, row_group_size=40)
    src = read_parquet(path, target="label", batch_size=batch_size)
    assert (src.kind, src.n_rows, src.target) == ("pandas", N, "label")
    assert src.columns == ["f_float", "f_int", "f_bool", "f32"]
    for _ in range(2):
        X_all, y_all = concat_frames(src)
        pd.testing.assert_frame_equal(X_all, df.drop(columns="label"))
        pd.testing.assert_series_equal(y_all, df["label"])


def test_read_parquet_directory_of_parts(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = make_frame()
    parts = tmp_path / "parts"
    parts.mkdir()
    bounds = [0, 30, 31, N]  # a 1-row part too
    # Written out of name order on purpose: reading order must be by name.
    for i in (2, 0, 1):
        piece = df.iloc[bounds[i] : bounds[i + 1]]
        pq.write_table(
            pa.Table.from_pandas(piece, preserve_index=False), parts / f"part-{i}.parquet"
        )
    (parts / "_SUCCESS").write_text("")
    src = read_parquet(parts, target="label", batch_size=8)
    assert src.n_rows == N
    for _ in range(2):
        X_all, y_all = concat_frames(src)
        pd.testing.assert_frame_equal(X_all, df.drop(columns="label"))
        pd.testing.assert_series_equal(y_all, df["label"])


def test_read_parquet_columns_subset(tmp_path):
    df = make_frame()
    path = tmp_path / "data.parquet"
    df.to_parquet(path)
    src = read_parquet(path, target="label", columns=["f32", "f_float"])
    assert src.columns == ["f32", "f_float"]
    X_all, y_all = concat_frames(src)
    pd.testing.assert_frame_equal(X_all, df[["f32", "f_float"]])
    with pytest.raises(ValueError, match=r"columns \['nope'\] not found"):
        read_parquet(path, target="label", columns=["nope"])


def test_read_parquet_ignores_stored_index(tmp_path):
    df = make_frame(n=10).set_index(pd.Index(np.arange(100, 110), name="id"))
    path = tmp_path / "data.parquet"
    df.to_parquet(path)
    src = read_parquet(path, target="label")
    assert src.columns == ["f_float", "f_int", "f_bool", "f32"]
    X_all, _ = concat_frames(src)
    assert list(X_all.columns) == src.columns


def test_read_parquet_missing_target_lists_columns(tmp_path):
    path = tmp_path / "data.parquet"
    make_frame().to_parquet(path)
    with pytest.raises(ValueError) as info:
        read_parquet(path, target="y")
    assert "['f_float', 'f_int', 'f_bool', 'f32', 'label']" in str(info.value)


def test_read_parquet_part_schema_change(tmp_path):
    df = make_frame(n=20)
    parts = tmp_path / "parts"
    parts.mkdir()
    df.iloc[:10].to_parquet(parts / "a.parquet", index=False)
    other = df.iloc[10:].copy()
    other["f_int"] = other["f_int"].astype(np.float64)
    other.to_parquet(parts / "b.parquet", index=False)
    with pytest.raises(ValueError, match=r"b\.parquet.*'f_int' has dtype float64 but had int64"):
        list(read_parquet(parts, target="label"))
    df.iloc[10:].drop(columns="f32").to_parquet(parts / "b.parquet", index=False)
    with pytest.raises(ValueError, match=r"lacks columns \['f32'\]"):
        read_parquet(parts, target="label")


def test_read_parquet_empty_directory(tmp_path):
    with pytest.raises(ValueError, match=r"no \*\.parquet files"):
        read_parquet(tmp_path, target="label")


# ---------------------------------------------------------------------------------------------
# from_chunks and as_source
# ---------------------------------------------------------------------------------------------


def pairs(n_chunks=4, rows=5, d=2):
    for i in range(n_chunks):
        yield np.full((rows, d), float(i)), np.arange(rows) % 2


def test_from_chunks_callable_is_reiterable():
    src = from_chunks(pairs)
    assert src.reiterable and src.kind is None and src.n_rows is None
    first = [x.copy() for x, _ in src]
    assert src.kind == "numpy" and src.n_rows == 20 and src.n_features == 2
    second = [x for x, _ in src]
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_from_chunks_one_shot_iterator_errors_on_second_pass():
    src = from_chunks(pairs())
    assert not src.reiterable
    assert sum(len(y) for _, y in src) == 20
    with pytest.raises(ValueError) as info:
        iter(src)
    msg = str(info.value)
    assert "one-shot iterator" in msg
    assert "from_chunks(lambda: make_chunks())" in msg
    assert "from_arrays/read_csv/read_parquet" in msg


def test_from_chunks_one_shot_partially_consumed_still_errors():
    src = from_chunks(pairs())
    next(iter(src))
    with pytest.raises(ValueError, match="one-shot"):
        list(src)


def test_from_chunks_list_is_reiterable():
    chunks = list(pairs())
    src = from_chunks(chunks)
    assert src.reiterable
    assert sum(len(y) for _, y in src) == sum(len(y) for _, y in src) == 20


def test_from_chunks_dataframes_with_target():
    df = make_frame()

    def frames():
        for start in range(0, N, 25):
            yield df.iloc[start : start + 25]

    src = from_chunks(frames, target="label")
    X_all, y_all = concat_frames(src)
    pd.testing.assert_frame_equal(X_all, df.drop(columns="label"))
    pd.testing.assert_series_equal(y_all, df["label"])
    assert src.kind == "pandas" and src.columns == ["f_float", "f_int", "f_bool", "f32"]
    with pytest.raises(ValueError, match="target="):
        list(from_chunks(frames))
    with pytest.raises(ValueError, match=r"'nope' not found .*'f_float'"):
        list(from_chunks(frames, target="nope"))


def test_from_chunks_bad_item_and_bad_factory():
    with pytest.raises(TypeError, match="chunk 0 is a int"):
        list(from_chunks(lambda: iter([1, 2])))
    with pytest.raises(TypeError, match="from_chunks needs a callable"):
        from_chunks(42)


def test_empty_chunks_are_skipped():
    def gen():
        yield np.zeros((0, 2)), np.zeros(0)
        yield np.ones((3, 2)), np.zeros(3)
        yield np.zeros((0, 2)), np.zeros(0)
        yield np.ones((2, 2)), np.zeros(2)

    assert [len(y) for _, y in from_chunks(gen)] == [3, 2]


def test_as_source_dispatch(tmp_path):
    X, y = np.zeros((6, 2)), np.zeros(6)
    src = as_source((X, y), chunksize=4)
    assert src.kind == "numpy" and [len(b) for _, b in src] == [4, 2]
    assert as_source(src) is src
    assert as_source(pairs).reiterable
    assert not as_source(pairs()).reiterable
    df = make_frame(n=10)
    assert as_source(df, target="label").columns == ["f_float", "f_int", "f_bool", "f32"]
    df.to_csv(tmp_path / "d.csv", index=False)
    df.to_parquet(tmp_path / "d.parquet")
    assert as_source(tmp_path / "d.csv", target="label").name.startswith("read_csv")
    assert as_source(str(tmp_path / "d.parquet"), target="label").n_rows == 10
    with pytest.raises(TypeError, match="as_source cannot read"):
        as_source(3.5)


# ---------------------------------------------------------------------------------------------
# Chunk checks (through from_chunks, so that every error surfaces from a real source)
# ---------------------------------------------------------------------------------------------


def run(*chunks):
    return list(from_chunks(lambda: iter(chunks)))


def test_width_change():
    with pytest.raises(ValueError, match="chunk 1 .* 3 feature columns but the first chunk had 2"):
        run((np.zeros((3, 2)), np.zeros(3)), (np.zeros((3, 3)), np.zeros(3)))


def test_dtype_change_numpy_and_pandas():
    with pytest.raises(ValueError, match="dtype float32 but the first chunk had float64"):
        run((np.zeros((3, 2)), np.zeros(3)), (np.zeros((3, 2), np.float32), np.zeros(3)))
    a = pd.DataFrame({"u": [1, 2]})
    b = pd.DataFrame({"u": [1.0, 2.0]})
    with pytest.raises(ValueError, match="column 'u' has dtype float64 but had int64"):
        run((a, pd.Series([0, 1])), (b, pd.Series([0, 1])))


def test_column_name_change():
    a = pd.DataFrame({"u": [1.0], "v": [2.0]})
    b = pd.DataFrame({"u": [1.0], "w": [2.0]})
    with pytest.raises(ValueError, match="column 1 is named 'w' but was 'v'"):
        run((a, pd.Series([0])), (b, pd.Series([0])))


def test_container_change():
    a = pd.DataFrame({"u": [1.0]})
    with pytest.raises(
        ValueError, match="X is an ndarray but the first chunk's X was a DataFrame"
    ):
        run((a, pd.Series([0])), (np.zeros((1, 1)), np.zeros(1)))


def test_length_mismatch():
    with pytest.raises(ValueError, match="X has 3 rows but y has 2"):
        run((np.zeros((3, 2)), np.zeros(2)))


def test_shape_errors():
    with pytest.raises(ValueError, match="X must be 2-D"):
        run((np.zeros(3), np.zeros(3)))
    with pytest.raises(ValueError, match=r"y must be 1-D; got shape \(3, 1\)\. Use y\.ravel"):
        run((np.zeros((3, 2)), np.zeros((3, 1))))
    with pytest.raises(ValueError, match="Series .* X must be 2-D"):
        run((pd.Series([1.0, 2.0]), pd.Series([0, 1])))


def test_nan_numpy_names_column_index_chunk_and_row():
    good = (np.zeros((4, 3)), np.zeros(4))
    bad_X = np.zeros((4, 3))
    bad_X[2, 1] = np.nan
    bad_X[3, 0] = np.inf
    with pytest.raises(ValueError) as info:
        run(good, good, (bad_X, np.zeros(4)))
    msg = str(info.value)
    assert "column index 1" in msg and "chunk 2" in msg and "row 10 of the stream" in msg
    assert "NaN" in msg


def test_nan_in_nullable_column():
    a = pd.DataFrame({"u": pd.array([1, None, 3], dtype="Int64")})
    with pytest.raises(ValueError, match="'u' holds NaN .* row 1 of the stream"):
        run((a, pd.Series([0, 1, 0])))


def test_large_finite_values_are_not_flagged():
    X = np.full((4, 2), np.finfo(np.float64).max)  # the sum overflows, the values are fine
    assert len(run((X, np.zeros(4)))) == 1


def test_non_numeric_numpy():
    with pytest.raises(ValueError, match="X has dtype <U1, which is not numeric"):
        run((np.array([["a"], ["b"]]), np.zeros(2)))
    with pytest.raises(ValueError, match="Complex data not supported"):
        run((np.zeros((2, 2), dtype=complex), np.zeros(2)))


def test_non_numeric_pandas_named():
    X = pd.DataFrame({"ok": [1.0, 2.0], "s": ["a", "b"], "c": pd.Categorical(["x", "y"])})
    with pytest.raises(ValueError, match=r"non-numeric feature columns \['s', 'c'\]"):
        run((X, pd.Series([0, 1])))


def test_bool_int_float_accepted():
    X = pd.DataFrame(
        {
            "b": [True, False],
            "i8": np.array([1, 2], np.int8),
            "u": np.array([1, 2], np.uint32),
            "f": [0.5, 1.5],
            "nb": pd.array([True, False], dtype="boolean"),
        }
    )
    assert len(run((X, pd.Series([0, 1])))) == 1


def test_missing_labels():
    with pytest.raises(ValueError, match="label .* missing at row 1 of the stream"):
        run((np.zeros((3, 1)), np.array([0.0, np.nan, 1.0])))
    with pytest.raises(ValueError, match="label .* missing at row 2"):
        run((pd.DataFrame({"u": [1.0, 2, 3]}), pd.Series(["a", "b", None])))


def test_duplicate_columns():
    X = pd.DataFrame([[1.0, 2.0]], columns=["u", "u"])
    with pytest.raises(ValueError, match=r"duplicate feature column names \['u'\]"):
        run((X, pd.Series([0])))


def test_sparse_rejected():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="toarray"):
        run((sparse.csr_matrix(np.eye(2)), np.zeros(2)))


def test_checker_tracks_chunk_index_and_offset():
    checker = ChunkChecker(where="test")
    assert checker.check(np.zeros((0, 2)), np.zeros(0)) is None
    checker.check(np.zeros((3, 2)), np.zeros(3))
    checker.check(np.zeros((4, 2)), np.zeros(4))
    assert (checker.chunk_index, checker.offset, checker.n_features) == (3, 7, 2)


def test_check_helpers():
    assert check_chunksize(np.int64(5)) == 5
    with pytest.raises(ValueError, match="batch_size"):
        check_chunksize(True, name="batch_size")
    with pytest.raises(ValueError, match=re.escape("available columns: ['a']")):
        check_target_column(["a"], "b")
    with pytest.raises(ValueError, match="no target column given"):
        check_target_column(["a"], None)


# ---------------------------------------------------------------------------------------------
# Progress bar
# ---------------------------------------------------------------------------------------------


def test_progress_bar_on_stderr(capsys):
    src = from_arrays(np.zeros((50, 2)), np.zeros(50), chunksize=20, progress=True)
    assert sum(len(y) for _, y in src) == 50
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "50/50" in captured.err and "from_arrays" in captured.err


def test_progress_bar_parquet_total_and_csv(tmp_path, capsys):
    df = make_frame()
    df.to_parquet(tmp_path / "d.parquet")
    df.to_csv(tmp_path / "d.csv", index=False)
    list(read_parquet(tmp_path / "d.parquet", target="label", batch_size=30, progress=True))
    assert f"{N}/{N}" in capsys.readouterr().err
    list(read_csv(tmp_path / "d.csv", target="label", chunksize=30, progress=True))
    err = capsys.readouterr().err
    assert "read_csv" in err and f"{N}" in err


def test_progress_bar_closed_on_early_stop(capsys):
    src = from_arrays(np.zeros((50, 2)), np.zeros(50), chunksize=10, progress=True)
    it = iter(src)
    next(it)
    it.close()
    assert "10/50" in capsys.readouterr().err


def test_file_and_array_sources_pickle(tmp_path):
    import pickle

    df = make_frame()
    df.to_parquet(tmp_path / "d.parquet")
    df.to_csv(tmp_path / "d.csv", index=False)
    sources = [
        from_arrays(df.drop(columns="label"), df["label"], chunksize=10),
        read_csv(tmp_path / "d.csv", target="label", chunksize=10),
        read_parquet(tmp_path / "d.parquet", target="label", batch_size=10),
    ]
    for src in sources:
        clone = pickle.loads(pickle.dumps(src))
        X_a, y_a = concat_frames(src)
        X_b, y_b = concat_frames(clone)
        pd.testing.assert_frame_equal(X_a, X_b)
        pd.testing.assert_series_equal(y_a, y_b)


# ---------------------------------------------------------------------------------------------
# hostile files and chunks: duplicate names, empty or corrupt files, changing label types
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["f0,f1,label,label", "f0,f0,label", "label,f0,label.1,f0"])
def test_csv_duplicate_names_refused(tmp_path, header):
    # pandas would read the second 'label' as 'label.1' and train on the first one
    path = tmp_path / "dup.csv"
    n = len(header.split(","))
    path.write_text(header + "\n" + "".join(",".join(["1"] * n) + "\n" for _ in range(5)))
    dup = sorted({c for c in header.split(",") if header.split(",").count(c) > 1})
    with pytest.raises(ValueError, match=re.escape(f"duplicate column names {dup}")):
        read_csv(path, target="label")


def test_csv_duplicate_names_with_other_separator_and_compression(tmp_path):
    path = tmp_path / "dup.csv.gz"
    pd.DataFrame([[1, 2, 0]], columns=["a", "b", "c"]).to_csv(path, sep=";", index=False)
    read_csv(path, target="c", sep=";")  # fine
    pd.DataFrame([[1, 2, 0]], columns=["a", "c", "c"]).to_csv(path, sep=";", index=False)
    with pytest.raises(ValueError, match=r"'.*dup\.csv\.gz' has duplicate column names \['c'\]"):
        read_csv(path, target="c", sep=";")


def test_parquet_and_dataframe_duplicate_names_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.parquet"
    table = pa.table([[1.0, 2.0], [0, 1], [1, 0]], names=["a", "label", "label"])
    pq.write_table(table, path)
    with pytest.raises(ValueError, match=r"dup\.parquet' has duplicate column names \['label'\]"):
        read_parquet(path, target="label")
    df = pd.DataFrame([[1.0, 0, 1], [2.0, 1, 0]], columns=["a", "label", "label"])
    with pytest.raises(ValueError, match=r"chunk 0 of from_chunks has duplicate .*\['label'\]"):
        list(from_chunks([df], target="label"))
    with pytest.raises(ValueError, match=r"the DataFrame has duplicate column names"):
        as_source(df, target="label")


def test_empty_csv_names_the_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"input '.*x\.csv' is empty"):
        read_csv(path, target="label")


def test_truncated_compressed_csv_names_the_file(tmp_path):
    path = tmp_path / "x.csv.gz"
    make_frame(2000).to_csv(path, index=False)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"input '.*x\.csv\.gz' is corrupt or truncated"):
        list(read_csv(path, target="label", chunksize=100))


def _corrupt_parquet_files(tmp_path):
    good = tmp_path / "good.parquet"
    make_frame(2000).to_parquet(good, index=False)
    data = good.read_bytes()
    (tmp_path / "empty.parquet").write_bytes(b"")
    (tmp_path / "truncated.parquet").write_bytes(data[: len(data) // 2])
    footer = int.from_bytes(data[-8:-4], "little") + 8
    damaged = bytearray(data)
    damaged[4:-footer] = b"\x07" * (len(data) - footer - 4)  # footer intact, data pages not
    (tmp_path / "damaged.parquet").write_bytes(bytes(damaged))
    return good


@pytest.mark.parametrize(
    ("name", "needle"),
    [("empty", "is empty (0 bytes)"), ("truncated", "is corrupt or truncated"),
     ("damaged", "is corrupt or truncated")],
)  # fmt: skip
def test_corrupt_parquet_names_the_file_or_part(tmp_path, name, needle):
    good = _corrupt_parquet_files(tmp_path)
    with pytest.raises(ValueError, match=rf"input '.*{name}\.parquet' {re.escape(needle)}"):
        list(read_parquet(tmp_path / f"{name}.parquet", target="label"))
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "part-0.parquet").write_bytes(good.read_bytes())
    (parts / "part-1.parquet").write_bytes((tmp_path / f"{name}.parquet").read_bytes())
    with pytest.raises(
        ValueError, match=rf"part 'part-1\.parquet' of '.*parts' {re.escape(needle)}"
    ):
        list(read_parquet(parts, target="label"))


def test_parquet_part_with_extra_column_refused(tmp_path):
    df = make_frame()
    df.iloc[:50].to_parquet(tmp_path / "part-0.parquet", index=False)
    df.iloc[50:].assign(extra=1.0).to_parquet(tmp_path / "part-1.parquet", index=False)
    with pytest.raises(
        ValueError, match=r"part-1\.parquet' has columns \['extra'\] that the first"
    ):
        read_parquet(tmp_path, target="label")
    # naming the columns to read is the way to read the common ones
    src = read_parquet(tmp_path, target="label", columns=["f_float", "f_int"])
    assert sum(len(y) for _, y in src) == N


def test_label_kind_change_between_chunks_names_chunk_and_row():
    from streamsmote import SMOTE

    X = np.zeros((10, 1))
    chunks = [(X, np.arange(10) % 2), (X, np.array(list("ababababab"), dtype=object))]
    with pytest.raises(
        ValueError,
        match=r"chunk 1 of .*row 10 of the stream \(row 0 of the "
        r"chunk\) is 'a', a string, but the first chunk's labels are numbers",
    ):
        SMOTE().fit(from_chunks(chunks))  # fmt: skip
    # within one chunk too (the in-memory API: one chunk)
    y = np.array([0, 1, 0, 1, "b", 1, 0, 1, 0, 1], dtype=object)
    with pytest.raises(ValueError, match=r"row 4 .* is 'b', a string, but the labels before"):
        SMOTE().fit_resample(X, y)


def test_label_kind_change_in_csv_suggests_dtype(tmp_path):
    path = tmp_path / "labels.csv"
    rows = [f"{i},{i % 2}" for i in range(20)] + [f"{i},x{i % 2}" for i in range(20)]
    path.write_text("a,label\n" + "\n".join(rows) + "\n")
    with pytest.raises(ValueError, match=re.escape("read_csv(..., dtype={'label': 'str'})")):
        list(read_csv(path, target="label", chunksize=20))
    src = read_csv(path, target="label", chunksize=20, dtype={"label": str})
    assert sum(len(y) for _, y in src) == 40


def test_csv_dtype_change_hint_names_the_column(tmp_path):
    path = tmp_path / "c.csv"
    rows = [f"{i},{i % 2}" for i in range(20)] + [f"{i}.5,{i % 2}" for i in range(20)]
    path.write_text("c,label\n" + "\n".join(rows) + "\n")
    with pytest.raises(ValueError, match=re.escape("read_csv(..., dtype={'c': 'float64'})")):
        list(read_csv(path, target="label", chunksize=20))


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_target_not_found_suggests_the_separator(tmp_path, sep):
    path = tmp_path / "semi.csv"
    path.write_text(sep.join(["f0", "f1", "label"]) + "\n" + sep.join("120") + "\n")
    with pytest.raises(ValueError, match=re.escape(f"pass sep={sep!r}")):
        read_csv(path, target="label")
