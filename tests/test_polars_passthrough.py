"""Passthrough columns of polars sources: ``from_polars(..., passthrough=[...])`` on a
DataFrame and on a LazyFrame scan of a real Parquet file; polars batches carry the columns in
their polars dtypes (null, or the parent's values, on synthetic rows) through
``resample_chunks``, ``generate``, ``write_parquet`` and ``write_csv`` (with provenance)."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import streamsmote as ss

pl = pytest.importorskip("polars")

FEATURES = ["a", "b", "c"]
PASS = ["id", "ts", "name", "flag", "shop", "weight"]
# ids above 2**53: a detour through float64 would round them
ID0 = 2**60 + 1


def _table(n=500, seed=0, minority=0.12):
    """A pyarrow table: passthrough columns of every kind (int64 ids, timestamps, strings,
    booleans, dictionary-coded strings, float weights with a null), features, a label."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < minority).astype(np.int64)
    weight = rng.random(n)
    return pa.table(
        {
            "id": pa.array(np.arange(n, dtype=np.int64) + ID0),
            "a": rng.normal(size=n) + y,
            "ts": pa.array(
                np.datetime64("2025-01-01T00:00", "us") + np.arange(n).astype("timedelta64[m]")
            ),
            "b": rng.normal(size=n).astype(np.float32),
            "name": pa.array([f"row-{i}" for i in range(n)]),
            "flag": pa.array(rng.random(n) < 0.5),
            "shop": pa.array(rng.choice(["u", "v", "w"], n)).dictionary_encode(),
            "c": rng.normal(size=n),
            # a passthrough column may hold nulls (features may not)
            "weight": pa.array(weight, mask=np.arange(n) % 97 == 5),
            "label": y,
        }
    )


@pytest.fixture
def parquet(tmp_path):
    table = _table()
    path = tmp_path / "data.parquet"
    pq.write_table(table, path, row_group_size=128)  # written by pyarrow, not by polars
    return path, pl.from_arrow(table)


def _check_file(df, data, fill, n_orig, order):
    """``df`` (polars, read back from a file with provenance and a mark) against the input
    ``data``: originals untouched, every synthetic row rebuilt from its provenance, its
    passthrough values null or its parent's."""
    orig = df.filter(~pl.col("s"))
    syn = df.filter(pl.col("s"))
    assert orig.height == n_orig and syn.height > 0
    assert orig.select("parent_row", "neighbor_row", "gap").null_count().row(0) == (
        n_orig,
        n_orig,
        n_orig,
    )
    by_id = orig.sort("id") if order == "interleave" else orig
    assert by_id.select(PASS + FEATURES + ["label"]).equals(
        data.select(PASS + FEATURES + ["label"])
    )
    parent = syn["parent_row"].to_numpy()
    neighbor = syn["neighbor_row"].to_numpy()
    A = data.select(FEATURES).to_numpy().astype(np.float64)
    rebuilt = A[parent] + syn["gap"].to_numpy()[:, None] * (A[neighbor] - A[parent])
    np.testing.assert_allclose(syn.select(FEATURES).to_numpy(), rebuilt, rtol=1e-6, atol=1e-6)
    assert (syn["label"] == 1).all()
    if fill == "null":
        assert syn.select(PASS).null_count().row(0) == (syn.height,) * len(PASS)
    else:
        expected = data.select(PASS)[parent]
        assert syn.select(PASS).equals(expected)


@pytest.mark.parametrize("fill", ["null", "parent"])
@pytest.mark.parametrize("order", ["append", "interleave"])
def test_lazy_scan_to_parquet_with_provenance(tmp_path, parquet, fill, order):
    path, data = parquet
    src = ss.from_polars(
        pl.scan_parquet(path), "label", batch_size=90, passthrough=PASS, passthrough_fill=fill
    )
    assert src.columns == FEATURES and src.passthrough == PASS
    sm = ss.SMOTE(random_state=0)
    out = tmp_path / "out.parquet"
    ss.write_parquet(
        sm.resample_chunks(src, order=order), out, mark_synthetic="s", provenance=True
    )
    assert sm.n_features_in_ == len(FEATURES)
    schema = pq.read_schema(out)
    assert schema.names[: len(PASS)] == PASS
    assert str(schema.field("id").type) == "int64"
    assert str(schema.field("flag").type) == "bool"
    assert str(schema.field("ts").type).startswith("timestamp")
    df = pl.read_parquet(out).with_columns(pl.col("shop").cast(pl.String))
    data = data.with_columns(pl.col("shop").cast(pl.String))
    _check_file(df, data, fill, data.height, order)
    assert df.filter(pl.col("s")).height == sm.sampling_strategy_[1]


@pytest.mark.parametrize("fill", ["null", "parent"])
def test_dataframe_to_csv_with_provenance(tmp_path, parquet, fill):
    _, data = parquet
    data = data.with_columns(pl.col("shop").cast(pl.String))
    src = ss.from_polars(data, "label", batch_size=64, passthrough=PASS, passthrough_fill=fill)
    out = tmp_path / "out.csv"
    ss.write_csv(
        ss.BorderlineSMOTE(random_state=0).resample_chunks(src),
        out,
        mark_synthetic="s",
        provenance=True,
    )
    prov = {"parent_row": pl.Int64, "neighbor_row": pl.Int64, "gap": pl.Float64}
    df = pl.read_csv(out, schema_overrides={**data.select(PASS).schema, "b": pl.Float32, **prov})
    assert df.columns[: len(PASS)] == PASS
    _check_file(df, data, fill, data.height, "append")
    if fill == "null":  # an integer null is an empty field, not 'nan'; ids are not floats
        lines = out.read_text().splitlines()
        assert lines[1].startswith(f"{ID0},") and lines[-1].startswith(",,,,,,")


@pytest.mark.parametrize("fill", ["null", "parent"])
def test_batches_are_polars_and_keep_the_dtypes(parquet, fill):
    _, data = parquet
    schema = data.select(PASS).schema
    src = ss.from_polars(data, "label", batch_size=100, passthrough=PASS, passthrough_fill=fill)
    for order in ("append", "interleave"):
        sm = ss.SMOTE(random_state=0)
        batches = list(sm.resample_chunks(src, order=order, shuffle=order == "interleave"))
        for b in batches:
            assert isinstance(b.X, pl.DataFrame) and isinstance(b.y, pl.Series)
            assert b.X.columns == FEATURES
            assert isinstance(b.passthrough, pl.DataFrame)
            assert b.passthrough.schema == schema and b.passthrough.height == len(b.y)
            # append's batches of originals have no provenance
            parent = b.provenance[0][b.synthetic] if b.synthetic.any() else np.empty(0, int)
            syn = b.passthrough.filter(pl.Series(b.synthetic))
            if fill == "null":
                assert syn.null_count().row(0) == (len(parent),) * len(PASS)
            else:
                assert syn.equals(data.select(PASS)[parent])
            orig = b.passthrough.filter(~pl.Series(b.synthetic))
            assert orig.equals(data.select(PASS)[orig["id"].to_numpy() - ID0])
        # the originals, in order with append, each once
        ids = pl.concat([b.passthrough.filter(~pl.Series(b.synthetic)) for b in batches])["id"]
        if order == "append":
            assert ids.equals(data["id"])
        else:
            assert ids.sort().equals(data["id"])
    # fit, then generate: the same synthetic passthrough rows
    sm = ss.SMOTE(random_state=0).fit(src)
    gen = list(sm.generate(batch_size=7))
    assert all(b.passthrough.schema == schema for b in gen)
    parents = np.concatenate([b.provenance[0] for b in gen])
    got = pl.concat([b.passthrough for b in gen])
    if fill == "parent":
        assert got.equals(data.select(PASS)[parents])
    else:
        assert got.null_count().row(0) == (len(parents),) * len(PASS)


def test_parent_fill_follows_the_store_through_spill_and_reread():
    """The polars passthrough rows follow the store's rows when a class is dropped at the
    memory limit and read again, and when it spills to disk."""
    rng = np.random.default_rng(2)
    n = 3000
    # the final minority is the majority of the first rows: the store drops it, then rereads
    y = np.r_[(rng.random(300) < 0.8), np.zeros(n - 300, bool)].astype(np.int64)
    data = pl.DataFrame(
        {"a": rng.normal(size=n), "b": rng.normal(size=n), "key": np.arange(n) * 3, "label": y}
    )
    src = ss.from_polars(
        data.lazy(), "label", batch_size=100, passthrough=["key"], passthrough_fill="parent"
    )
    sm = ss.SMOTE(random_state=0, memory_limit="3KB")
    with pytest.warns(UserWarning, match="Reading the source again"):
        batches = list(sm.resample_chunks(src))
    syn = [b for b in batches if b.synthetic.all()]
    keys = pl.concat([b.passthrough for b in syn])["key"].to_numpy()
    np.testing.assert_array_equal(keys, np.concatenate([b.provenance[0] for b in syn]) * 3)

    sm = ss.SMOTE(random_state=0, memory_limit="2KB")  # class counts known: the class spills
    counts = {0: int((y == 0).sum()), 1: int(y.sum())}
    batches = list(sm.resample_chunks(src, class_counts=counts))
    syn = [b for b in batches if b.synthetic.all()]
    keys = pl.concat([b.passthrough for b in syn])["key"].to_numpy()
    np.testing.assert_array_equal(keys, np.concatenate([b.provenance[0] for b in syn]) * 3)


def test_as_source_and_from_chunks_take_polars_passthrough(parquet):
    _, data = parquet
    src = ss.as_source(data, target="label", chunksize=128, passthrough=["id"])
    assert src.passthrough == ["id"] and "id" not in src.columns
    src = ss.as_source(pl.scan_parquet(parquet[0]), target="label", passthrough=["id"])
    assert src.passthrough == ["id"]
    X, y = data.drop("label"), data["label"]
    src = ss.as_source((X, y), chunksize=200, passthrough=PASS)
    assert src.columns == FEATURES
    assert [c.passthrough.columns for c in src] == [PASS] * 3

    def chunks():
        for lo in range(0, data.height, 150):
            yield data.slice(lo, 150)

    src = ss.from_chunks(chunks, target="label", passthrough=PASS, passthrough_fill="parent")
    batches = list(ss.SMOTE(random_state=0).resample_chunks(src, order="interleave"))
    got = pl.concat([b.passthrough for b in batches])
    parents = np.concatenate([b.provenance[0] for b in batches])
    syn = np.concatenate([b.synthetic for b in batches])
    assert got.filter(pl.Series(syn)).equals(data.select(PASS)[parents[syn]])

    def changing():
        yield data.slice(0, 150)
        yield data.slice(150, 150).with_columns(pl.col("id").cast(pl.String))

    with pytest.raises(
        ValueError, match=r"chunk 1 of from_chunks.*passthrough column 'id' has dtype String"
    ):
        list(ss.from_chunks(changing, target="label", passthrough=PASS))

    def ragged():
        yield data.slice(0, 150)
        yield data.slice(150, 150).drop("name")

    with pytest.raises(ValueError, match=r"chunk 1 .* lacks passthrough column\(s\) \['name'\]"):
        list(ss.from_chunks(ragged, target="label", passthrough=PASS))


@pytest.mark.parametrize("lazy", [False, True])
def test_errors_name_the_column_and_the_fix(parquet, lazy):
    path, data = parquet
    frame = pl.scan_parquet(path) if lazy else data
    where = "the LazyFrame" if lazy else "the DataFrame"
    with pytest.raises(ValueError, match=rf"\['nope'\] that are not in {where}; its columns"):
        ss.from_polars(frame, "label", passthrough=["id", "nope"])
    with pytest.raises(ValueError, match="names the target column 'label'"):
        ss.from_polars(frame, "label", passthrough=["label"])
    with pytest.raises(ValueError, match="more than once"):
        ss.from_polars(frame, "label", passthrough=["id", "id"])
    with pytest.raises(TypeError, match=r"list of column names.*passthrough=\['id'\]"):
        ss.from_polars(frame, "label", passthrough="id")
    with pytest.raises(ValueError, match="passthrough_fill must be one of"):
        ss.from_polars(frame, "label", passthrough=["id"], passthrough_fill="mean")
    # a feature with a null is still refused; a passthrough column with one is not
    holed = data.with_columns(
        pl.when(pl.col("id") == ID0 + 3).then(None).otherwise("a").alias("a")
    )
    holed = holed.lazy() if lazy else holed
    with pytest.raises(ValueError, match="feature column 'a' holds null"):
        list(ss.from_polars(holed, "label", passthrough=PASS))
    src = ss.from_polars(holed, "label", passthrough=[*PASS, "a"])
    assert sum(c.passthrough["a"].null_count() for c in src) == 1


def test_polars_passthrough_batch_survives_pickle(parquet):
    import pickle

    _, data = parquet
    chunk = next(iter(ss.from_polars(data, "label", batch_size=50, passthrough=PASS)))
    again = pickle.loads(pickle.dumps(chunk))
    assert again.passthrough.equals(chunk.passthrough) and again[0].equals(chunk[0])


def test_pandas_masked_nulls_from_polars():
    """Integer and boolean polars columns with nulls become pandas' masked arrays, exactly."""
    from streamsmote._polars import series_to_pandas

    s = series_to_pandas(pl.Series("id", [ID0, None], dtype=pl.Int64))
    assert str(s.dtype) == "Int64" and s.iloc[0] == ID0 and s.isna().tolist() == [False, True]
    s = series_to_pandas(pl.Series("u", [3, None], dtype=pl.UInt8))
    assert str(s.dtype) == "UInt8"
    s = series_to_pandas(pl.Series("f", [True, None]))
    assert str(s.dtype) == "boolean" and s.isna().tolist() == [False, True]
    s = series_to_pandas(pl.Series("w", [0.5, None]))
    assert s.dtype == np.float64 and np.isnan(s.iloc[1])
    pd.testing.assert_series_equal(
        series_to_pandas(pl.Series("x", [1, 2])), pd.Series([1, 2], name="x")
    )
