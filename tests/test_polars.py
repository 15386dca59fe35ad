"""polars in, polars out: fit_resample, from_polars (DataFrame and LazyFrame scans), the
writers, dtype fidelity, errors, and bounded memory when streaming a LazyFrame."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

import streamsmote as ss

pl = pytest.importorskip("polars")


def _frame(n=600, seed=0, minority=0.1):
    """A polars frame with every numeric dtype family, and its binary label column."""
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": pl.Series(rng.normal(size=n), dtype=pl.Float32),
            "i": pl.Series(rng.integers(-50, 50, n), dtype=pl.Int16),
            "u": pl.Series(rng.integers(0, 200, n), dtype=pl.UInt8),
            "flag": rng.random(n) < 0.5,
            "label": (rng.random(n) < minority).astype(np.int64),
        }
    )


def _nominal_frame(n=600, seed=1):
    """_frame plus a Categorical, an Enum and a String column, and a String label."""
    rng = np.random.default_rng(seed)
    df = _frame(n, seed)
    return df.with_columns(
        pl.Series("shop", rng.choice(["u", "v", "w"], n)).cast(pl.Categorical),
        pl.Series("tier", rng.choice(["p", "q"], n)).cast(pl.Enum(["q", "p", "r"])),
        pl.Series("country", rng.choice(["fr", "de", "it"], n)),
        pl.col("label").cast(pl.String).replace({"0": "ok", "1": "fraud"}),
    )


def _split(df, target="label"):
    return df.drop(target), df.get_column(target)


def _as_pandas(X, y):
    return X.to_pandas(), y.to_pandas()


# ---------------------------------------------------------------------------------------------
# fit_resample
# ---------------------------------------------------------------------------------------------


def test_fit_resample_smote_matches_pandas_and_keeps_schema():
    X, y = _split(_frame())
    X_res, y_res = ss.SMOTE(random_state=0).fit_resample(X, y)
    X_pd, y_pd = ss.SMOTE(random_state=0).fit_resample(*_as_pandas(X, y))
    assert isinstance(X_res, pl.DataFrame) and isinstance(y_res, pl.Series)
    assert X_res.schema == X.schema  # float32 stays float32, Int16, UInt8, Boolean
    assert y_res.name == "label" and y_res.dtype == pl.Int64
    pd.testing.assert_frame_equal(X_res.to_pandas(), X_pd)
    assert y_res.to_list() == y_pd.tolist()
    assert X_res.head(len(X)).equals(X)  # originals first, untouched
    assert np.bincount(y_res.to_numpy()).tolist() == [len(y) - y.sum()] * 2


@pytest.mark.parametrize("features", ["auto", ["shop", "tier", "country"]])
def test_fit_resample_smotenc_categorical_and_enum_match_pandas(features):
    X, y = _split(_nominal_frame())
    X_res, y_res = ss.SMOTENC(features, random_state=0).fit_resample(X, y)
    X_pd, y_pd = ss.SMOTENC(features, random_state=0).fit_resample(*_as_pandas(X, y))
    assert X_res.schema == X.schema
    assert X_res.schema["tier"] == pl.Enum(["q", "p", "r"])  # categories and their order
    assert X_res.schema["shop"] == pl.Categorical
    assert y_res.dtype == pl.String and y_res.name == "label"
    back = X_res.to_pandas().astype(X_pd.dtypes.to_dict())
    pd.testing.assert_frame_equal(back, X_pd)
    assert y_res.to_list() == y_pd.tolist()
    new = X_res.tail(len(X_res) - len(X))
    assert set(new["shop"].to_list()) <= {"u", "v", "w"}
    assert set(new["tier"].to_list()) <= {"p", "q"}


@pytest.mark.parametrize(
    "dtype, values",
    [
        (pl.Int32, [0, 1]),
        (pl.UInt8, [3, 7]),
        (pl.Boolean, [False, True]),
        (pl.String, ["ok", "fraud"]),
        (pl.Categorical, ["ok", "fraud"]),
        (pl.Enum(["fraud", "ok", "other"]), ["ok", "fraud"]),
        (pl.Float64, [0.0, 1.0]),
    ],
)
def test_label_dtypes_come_back(dtype, values):
    df = _frame(300)
    codes = df.get_column("label").to_numpy()
    y = pl.Series("target", np.array(values, dtype=object)[codes].tolist()).cast(dtype)
    X_res, y_res = ss.SMOTE(random_state=0).fit_resample(df.drop("label"), y)
    assert y_res.dtype == dtype and y_res.name == "target"
    assert y_res.head(len(y)).equals(y)
    assert y_res.value_counts()["count"].to_list() == [len(y) - codes.sum()] * 2


def test_each_of_X_and_y_keeps_its_container():
    X, y = _split(_frame())
    X_np, y_np = X.to_numpy(), y.to_numpy()
    X_res, y_res = ss.SMOTE(random_state=0).fit_resample(X_np, y)
    assert isinstance(X_res, np.ndarray) and isinstance(y_res, pl.Series)
    assert y_res.name == "label"
    X_res2, y_res2 = ss.SMOTE(random_state=0).fit_resample(X, y_np)
    assert isinstance(X_res2, pl.DataFrame) and isinstance(y_res2, np.ndarray)
    assert np.array_equal(y_res.to_numpy(), y_res2)


def test_fit_then_generate_gives_polars():
    X, y = _split(_nominal_frame())
    sm = ss.SMOTENC("auto", random_state=0).fit(X, y)
    batches = list(sm.generate(batch_size=17))
    assert all(isinstance(b.X, pl.DataFrame) and isinstance(b.y, pl.Series) for b in batches)
    X_res, _ = ss.SMOTENC("auto", random_state=0).fit_resample(X, y)
    assert pl.concat([b.X for b in batches]).equals(X_res.tail(len(X_res) - len(X)))


# ---------------------------------------------------------------------------------------------
# from_polars
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    df = _frame(1_000, seed=3)
    parquet, csv = tmp_path / "d.parquet", tmp_path / "d.csv"
    df.write_parquet(parquet, row_group_size=128)
    df.write_csv(csv)
    return df, parquet, csv


def _rows(src):
    """Every chunk of a source, concatenated as polars, and the chunk lengths."""
    parts = list(src)
    X = pl.concat([X for X, _ in parts])
    y = pl.concat([y for _, y in parts])
    return X, y, [len(y) for _, y in parts]


def test_from_polars_frame_and_scans_give_the_rows_of_read_parquet(files):
    df, parquet, csv = files
    X_ref = pd.concat([X for X, _ in ss.read_parquet(parquet, "label", batch_size=300)])
    y_ref = pd.concat([y for _, y in ss.read_parquet(parquet, "label", batch_size=300)])
    sources = {
        "frame": ss.from_polars(df, "label", batch_size=300),
        "parquet": ss.from_polars(pl.scan_parquet(parquet), "label", batch_size=300),
        # the frame's dtypes pinned: CSV text would otherwise read float32 as float64
        "csv": ss.from_polars(
            pl.scan_csv(csv, schema_overrides=df.schema), "label", batch_size=300
        ),
    }
    for name, src in sources.items():
        assert src.kind == "polars" and src.target == "label", name
        assert src.columns == ["a", "b", "i", "u", "flag"], name
        X, y, sizes = _rows(src)
        assert sizes == [300, 300, 300, 100], name
        assert y.name == "label", name
        assert np.array_equal(y.to_numpy(), y_ref.to_numpy()), name
        assert X.schema == df.drop("label").schema, name
        pd.testing.assert_frame_equal(X.to_pandas(), X_ref.reset_index(drop=True), obj=name)
        assert src.n_rows == 1_000, name  # known after a full pass for a LazyFrame
    assert [len(y) for _, y in sources["csv"]] == [300, 300, 300, 100]  # re-iterable


def test_lazy_query_with_filters_and_new_columns(files):
    df, parquet, _ = files
    lazy = (
        pl.scan_parquet(parquet)
        .filter(pl.col("i") > -40)
        .with_columns(twice=pl.col("a") * 2, small=pl.col("u").cast(pl.Int8, strict=False))
        .drop_nulls()
    )
    X, y, _ = _rows(ss.from_polars(lazy, "label", batch_size=64))
    expected = lazy.collect()
    assert X.equals(expected.drop("label")) and y.equals(expected.get_column("label"))


def test_resample_chunks_is_chunk_invariant_and_matches_fit_resample(files):
    df, parquet, csv = files
    X, y = _split(df)
    X_res, y_res = ss.SMOTE(random_state=0).fit_resample(X, y)
    for lazy_or_frame in (df, pl.scan_parquet(parquet)):
        for batch_size in (7, 64, 5_000):
            src = ss.from_polars(lazy_or_frame, "label", batch_size=batch_size)
            batches = list(ss.SMOTE(random_state=0).resample_chunks(src))
            assert all(isinstance(b.X, pl.DataFrame) for b in batches)
            X_out = pl.concat([b.X for b in batches])
            y_out = pl.concat([b.y for b in batches])
            assert X_out.equals(X_res) and y_out.equals(y_res), batch_size
    # a CSV scan: the same values (CSV types are Int64/Float64)
    src = ss.from_polars(pl.scan_csv(csv), "label", batch_size=100)
    X_out = pl.concat([b.X for b in ss.SMOTE(random_state=0).resample_chunks(src)])
    ref = ss.SMOTE(random_state=0).fit_resample(*_split(pl.read_csv(csv)))[0]
    assert X_out.equals(ref)


def test_originals_come_back_untouched_then_synthetic_rows():
    df = _nominal_frame()
    src = ss.from_polars(df, "label", batch_size=250)
    batches = list(ss.SMOTENC("auto", random_state=0).resample_chunks(src))
    originals = [b for b in batches if not b.synthetic.any()]
    assert [len(b.y) for b in originals] == [250, 250, 100]
    assert pl.concat([b.X for b in originals]).equals(df.drop("label"))
    synthetic = [b for b in batches if b.synthetic.all()]
    assert synthetic and all(b.X.schema == originals[0].X.schema for b in synthetic)
    assert all(b.y.dtype == pl.String and b.y.name == "label" for b in batches)


def test_interleave_yields_balanced_polars_batches(files):
    df, parquet, _ = files
    src = ss.from_polars(pl.scan_parquet(parquet), "label", batch_size=250)
    sm = ss.SMOTE(random_state=0)
    batches = list(sm.resample_chunks(src, order="interleave", shuffle=True))
    assert all(isinstance(b.X, pl.DataFrame) and isinstance(b.y, pl.Series) for b in batches)
    X = pl.concat([b.X for b in batches])
    y = pl.concat([b.y for b in batches])
    assert X.schema == df.drop("label").schema
    counts = y.value_counts(sort=True)["count"].to_list()
    assert counts[0] == counts[1]
    X_res, _ = ss.SMOTE(random_state=0).fit_resample(*_split(df))
    assert X.sort(X.columns).equals(X_res.sort(X_res.columns))  # same rows, mixed


def test_as_source_and_from_chunks_take_polars(files):
    df, parquet, _ = files
    X, y = _split(df)
    assert ss.as_source(df, target="label").kind == "polars"
    assert ss.as_source(pl.scan_parquet(parquet), target="label").kind == "polars"
    pair = ss.as_source((X, y), chunksize=400)
    assert [len(b) for _, b in pair] == [400, 400, 200]
    parts = ss.from_chunks(lambda: (df.slice(s, 300) for s in range(0, 1_000, 300)), "label")
    X_c, y_c, sizes = _rows(parts)
    assert sizes == [300, 300, 300, 100] and X_c.equals(X) and y_c.equals(y)
    assert parts.kind == "polars"


# ---------------------------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------------------------


def test_write_parquet_and_csv_of_polars_batches(tmp_path):
    df = _nominal_frame()
    src = ss.from_polars(df, "label", batch_size=200)
    batches = list(ss.SMOTENC("auto", random_state=0).resample_chunks(src))
    X = pl.concat([b.X for b in batches])
    y = pl.concat([b.y for b in batches])
    marks = np.concatenate([b.synthetic for b in batches])

    summary = ss.write_parquet(batches, tmp_path / "out.parquet", mark_synthetic="synthetic")
    assert summary["rows"] == len(y) and summary["synthetic_rows"] == int(marks.sum())
    back = pl.read_parquet(tmp_path / "out.parquet")
    assert back.columns == [*X.columns, "label", "synthetic"]
    expected = X.with_columns(y, synthetic=pl.Series(marks))
    # Parquet keeps every dtype but the Enum, which comes back Categorical
    assert back.drop("tier").equals(expected.drop("tier"))
    assert back["tier"].cast(pl.String).equals(expected["tier"].cast(pl.String))

    ss.write_csv(batches, tmp_path / "out.csv")
    csv = pl.read_csv(tmp_path / "out.csv", schema_overrides=X.schema)
    assert csv.drop("label").equals(X.with_columns(pl.col("b").cast(pl.Float32)))
    assert csv["label"].equals(y)


def test_write_a_polars_source_directly(tmp_path):
    df = _frame(100)
    ss.write_parquet(ss.from_polars(df, "label", batch_size=30), tmp_path / "copy.parquet")
    assert pl.read_parquet(tmp_path / "copy.parquet").equals(df)


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------


def test_missing_target_is_named(files):
    df, parquet, csv = files
    with pytest.raises(ValueError, match=r"target column 'y' not found in the DataFrame.*'a'"):
        ss.from_polars(df, "y")
    with pytest.raises(ValueError, match=r"target column 'y' not found in the LazyFrame.*'a'"):
        ss.from_polars(pl.scan_csv(csv), "y")
    with pytest.raises(ValueError, match=r"needs target="):
        ss.as_source(df)
    with pytest.raises(TypeError, match="polars DataFrame or LazyFrame; got DataFrame"):
        ss.from_polars(df.to_pandas(), "label")
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        ss.from_polars(df, "label", batch_size=0)


def test_null_feature_is_refused_with_its_column_and_row():
    df = _frame(100).with_columns(
        pl.when(pl.int_range(pl.len()) == 57).then(None).otherwise(pl.col("i")).alias("i")
    )
    src = ss.from_polars(df, "label", batch_size=20)
    with pytest.raises(
        ValueError,
        match=r"chunk 2 of .*feature column 'i' holds null \(a missing value\) at row 57 of "
        r"the stream \(row 17 of the chunk.*fill_null",
    ):
        list(src)
    X, y = _split(df)
    with pytest.raises(ValueError, match=r"feature column 'i' holds null .* at row 57 "):
        ss.SMOTE().fit_resample(X, y)


def test_null_category_and_label_are_refused():
    df = _nominal_frame(100)
    shop = df.with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise(pl.col("shop")).alias("shop")
    )
    with pytest.raises(ValueError, match=r"column 'shop' holds null .* at row 3 "):
        ss.SMOTENC("auto").fit_resample(*_split(shop))
    label = _frame(100).with_columns(
        pl.when(pl.int_range(pl.len()) == 9).then(None).otherwise(pl.col("label")).alias("label")
    )
    with pytest.raises(ValueError, match=r"the label \(y\) is missing \(null\) at row 9 "):
        list(ss.from_polars(label, "label", batch_size=8))


def test_a_dtype_change_between_batches_is_named():
    df = _frame(100)

    def chunks():
        yield df.slice(0, 50)
        yield df.slice(50, 50).with_columns(pl.col("i").cast(pl.Int64))

    with pytest.raises(ValueError, match=r"chunk 1 .*column 'i' has polars dtype Int64 but had "):
        list(ss.from_chunks(chunks, target="label"))

    def mixed():
        yield df.slice(0, 50)
        yield df.slice(50, 50).to_pandas()

    with pytest.raises(ValueError, match=r"chunk 1 .*not polars|the first chunk's X was a polars"):
        list(ss.from_chunks(mixed, target="label"))


def test_non_numeric_polars_column_without_smotenc_is_refused():
    X, y = _split(_nominal_frame())
    with pytest.raises(ValueError, match=r"non-numeric feature columns \['shop', 'tier', "):
        ss.SMOTE().fit_resample(X, y)
    with pytest.raises(ValueError, match="X is a polars Series"):
        ss.SMOTE().fit_resample(X.get_column("a"), y)


# ---------------------------------------------------------------------------------------------
# bounded memory
# ---------------------------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys
    import polars as pl
    import streamsmote as ss

    def status(key):  # bytes, from /proc/self/status
        for line in open("/proc/self/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

    path, mode = sys.argv[1], sys.argv[2]
    if mode == "stream":  # load numba's kernels (their compile is no part of the stream)
        warm = pl.read_parquet(path, n_rows=2_000)
        for _ in ss.SMOTE(random_state=0).resample_chunks(ss.from_polars(warm, "label")):
            pass
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the memory in use now
    base = status("VmRSS")
    rows = 0
    if mode == "stream":
        src = ss.from_polars(pl.scan_parquet(path), "label", batch_size=20_000)
        sm = ss.SMOTE(random_state=0, memory_limit="16MB")
        for X, y in sm.resample_chunks(src):
            rows += len(y)
    else:
        rows = len(pl.scan_parquet(path).collect())
    print(rows, status("VmHWM") - base)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")
def test_streaming_a_lazy_frame_keeps_memory_bounded(tmp_path):
    """A child resamples a 3M-row Parquet scan in 20,000-row batches: its peak memory grows by
    a fraction of the data (measured: 43 MB for 206 MB), while a collect() of the same scan
    costs the data whole."""
    n = 3_000_000
    rng = np.random.default_rng(0)
    data = pl.DataFrame({f"x{j}": rng.normal(size=n) for j in range(8)}).with_columns(
        label=pl.Series((rng.random(n) < 0.005).astype(np.int64))
    )
    size = data.estimated_size()  # 206 MB
    path = tmp_path / "big.parquet"
    data.write_parquet(path, row_group_size=20_000)
    del data
    env = {**os.environ, "POLARS_MAX_THREADS": "2"}

    def child(mode):
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), mode],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        rows, grown = done.stdout.split()
        return int(rows), int(grown)

    rows, streamed = child("stream")
    assert rows > n  # every original row, then the synthetic ones
    _, collected = child("collect")
    assert collected > 0.8 * size  # the measure sees a whole load...
    assert streamed < size / 2, (streamed, size)  # ...and the stream holds a fraction of it


def test_online_smote_takes_and_gives_polars():
    X, y = _split(_frame(400))
    X_pd, y_pd = ss.OnlineSMOTE(random_state=0).partial_fit_resample(*_as_pandas(X, y))
    osm = ss.OnlineSMOTE(random_state=0)
    X_out, y_out = osm.partial_fit_resample(X, y)
    assert X_out.schema == X.schema and y_out.name == "label"
    assert X_out.head(len(X)).equals(X)
    pd.testing.assert_frame_equal(X_out.to_pandas(), X_pd)
    batches = list(ss.OnlineSMOTE(random_state=0).resample_stream([(X, y), (X, y)]))
    assert all(isinstance(b.X, pl.DataFrame) and isinstance(b.y, pl.Series) for b in batches)
    X_s, y_s = osm.generate_owed()
    assert isinstance(X_s, pl.DataFrame) and len(X_s) == 0 and X_s.schema == X.schema


def test_smoten_and_a_whole_data_variant_stream_polars(files):
    """SMOTEN (every column categorical) and BorderlineSMOTE (a second read of the source for
    each minority row's neighbours over the whole data) on polars sources."""
    df = _nominal_frame(400).select("shop", "tier", "country", "label")
    X, y = _split(df)
    X_res, y_res = ss.SMOTEN(random_state=0).fit_resample(X, y)
    X_pd, _ = ss.SMOTEN(random_state=0).fit_resample(*_as_pandas(X, y))
    assert X_res.schema == X.schema
    pd.testing.assert_frame_equal(X_res.to_pandas().astype(X_pd.dtypes.to_dict()), X_pd)
    src = ss.from_polars(df.lazy(), "label", batch_size=64)
    streamed = pl.concat([b.X for b in ss.SMOTEN(random_state=0).resample_chunks(src)])
    assert streamed.equals(X_res)

    data, parquet, _ = files
    ref, _ = ss.BorderlineSMOTE(random_state=0).fit_resample(*_split(data))
    src = ss.from_polars(pl.scan_parquet(parquet), "label", batch_size=300)
    batches = list(ss.BorderlineSMOTE(random_state=0).resample_chunks(src))
    assert pl.concat([b.X for b in batches]).equals(ref)


def test_blocked_transpose_matches_numpy():
    from streamsmote._polars import _transposed

    values = np.random.default_rng(0).normal(size=(1_001, 3))
    for rows in (1, 7, 1_000, 5_000):
        out = _transposed(values, rows=rows)
        assert out.flags.c_contiguous and np.array_equal(out, values.T)
    assert np.array_equal(_transposed(np.asfortranarray(values)), values.T)
    assert _transposed(np.empty((0, 4))).shape == (4, 0)


def test_a_failing_query_is_named_with_polars_advice(tmp_path):
    path = tmp_path / "late.csv"
    path.write_text("a,label\n" + "".join(f"{i},{i % 2}\n" for i in range(300)) + "1.5,1\n")
    src = ss.from_polars(pl.scan_csv(path, infer_schema_length=100), "label", batch_size=50)
    with pytest.raises(
        ValueError, match=r"LazyFrame's query \(ComputeError: could not parse"
    ) as err:
        list(src)
    assert "schema_overrides" in str(err.value)  # polars' own advice is kept
