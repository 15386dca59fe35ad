"""Passthrough columns (ids, timestamps, weights that are neither features nor target) on
the sources, through the sampler into real files, the CLI's --passthrough, and
``fit_resample(X, y, sample_weight=w)``."""

import warnings

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_cli import _run_process as _run_cli  # the console command, as a process

import streamsmote as ss

FEATURES = ["a", "b", "c"]


def frame(n=500, seed=0, minority=0.12):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < minority).astype(np.int64)
    return pd.DataFrame(
        {
            "id": np.arange(n, dtype=np.int64) + 10_000,
            "a": rng.normal(size=n) + y,
            "ts": pd.date_range("2024-01-01", periods=n, freq="min"),
            "b": rng.normal(size=n),
            "name": [f"row-{i}" for i in range(n)],
            "c": rng.normal(size=n),
            "flag": rng.random(n) < 0.5,
            "label": y,
        }
    )


PASS = ["id", "ts", "name", "flag"]


def provenance(df, n):
    return df["parent_row"].iloc[n:].to_numpy(np.int64)


@pytest.mark.parametrize("order", ["append", "interleave"])
def test_null_fill_parquet(tmp_path, order):
    data = frame()
    path = tmp_path / "data.parquet"
    data.to_parquet(path, index=False)
    src = ss.read_parquet(path, "label", batch_size=90, passthrough=PASS)
    assert src.columns == FEATURES
    sm = ss.SMOTE(random_state=0)
    out = tmp_path / "out.parquet"
    ss.write_parquet(sm.resample_chunks(src, order=order), out, mark_synthetic="s")
    assert list(sm.feature_names_in_) == FEATURES  # passthrough columns are no features
    table = pq.read_table(out)
    assert table.column_names[:4] == PASS
    types = {c: str(table.schema.field(c).type) for c in PASS}
    assert types["id"] == "int64" and types["ts"].startswith("timestamp")
    assert types["flag"] == "bool"
    df = table.to_pandas()
    orig, syn = df[~df["s"]], df[df["s"]]
    assert len(syn) == sm.sampling_strategy_[1] and len(orig) == len(data)
    assert syn[PASS].isna().all().all()  # ids, timestamps (NaT), strings, booleans: null
    for c in PASS:
        assert table.column(c).null_count == len(syn)
    restored = orig[PASS].astype({"id": "int64", "flag": "bool"})
    restored = restored.sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(restored, data[PASS], check_dtype=False)
    if order == "append":  # originals in order, their features with them
        pd.testing.assert_frame_equal(
            orig[[*PASS, *FEATURES, "label"]]
            .astype({"id": "int64", "flag": "bool"})
            .reset_index(drop=True),
            data[[*PASS, *FEATURES, "label"]],
            check_dtype=False,
        )


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_parent_fill_csv_source(tmp_path, fmt):
    data = frame(seed=1)
    path = tmp_path / "data.csv"
    data.to_csv(path, index=False)
    src = ss.read_csv(
        path,
        "label",
        chunksize=77,
        passthrough=PASS,
        passthrough_fill="parent",
        parse_dates=["ts"],
    )
    out = tmp_path / f"out.{fmt}"
    write = ss.write_parquet if fmt == "parquet" else ss.write_csv
    sm = ss.BorderlineSMOTE(random_state=0)
    write(sm.resample_chunks(src), out, provenance=True)
    df = pd.read_parquet(out) if fmt == "parquet" else pd.read_csv(out, parse_dates=["ts"])
    n = len(data)
    parent = provenance(df, n)
    syn = df.iloc[n:].reset_index(drop=True)
    expected = data[PASS].iloc[parent].reset_index(drop=True)
    pd.testing.assert_frame_equal(syn[PASS], expected, check_dtype=False)
    if fmt == "parquet":
        assert str(pq.read_schema(out).field("id").type) == "int64"
        assert pq.read_table(out).column("id").null_count == 0
    # only the rows of the class that gets synthetic rows are kept for the fill
    rows, table = sm._passthrough.tables[1]
    assert len(table) == len(rows) == (data["label"] == 1).sum()


def test_parent_fill_survives_spill_and_reread(tmp_path):
    """The passthrough values follow the store's rows when a class spills to disk and when
    a class dropped at the memory limit is read again."""
    rng = np.random.default_rng(2)
    n = 3000
    # the final minority is the majority of the first rows: the store drops it, then rereads
    y = np.r_[(rng.random(300) < 0.8), np.zeros(n - 300, bool)].astype(int)
    data = pd.DataFrame(
        {"a": rng.normal(size=n), "b": rng.normal(size=n), "key": np.arange(n) * 3}
    )
    src = ss.from_arrays(data, pd.Series(y, name="label"), chunksize=100, passthrough=["key"],
                         passthrough_fill="parent")  # fmt: skip
    sm = ss.SMOTE(random_state=0, memory_limit="3KB")
    with pytest.warns(UserWarning, match="Reading the source again"):
        batches = list(sm.resample_chunks(src))
    syn = [b for b in batches if b.synthetic.all()]
    keys = pd.concat([b.passthrough for b in syn])["key"].to_numpy()
    parents = np.concatenate([b.provenance[0] for b in syn])
    np.testing.assert_array_equal(keys, parents * 3)

    sm = ss.SMOTE(random_state=0, memory_limit="2KB")  # class counts known: the class spills
    batches = list(sm.resample_chunks(src, class_counts={0: int((y == 0).sum()), 1: int(y.sum())}))
    syn = [b for b in batches if b.synthetic.all()]
    keys = pd.concat([b.passthrough for b in syn])["key"].to_numpy()
    np.testing.assert_array_equal(keys, np.concatenate([b.provenance[0] for b in syn]) * 3)


def test_from_arrays_and_from_chunks(tmp_path):
    data = frame(n=300, seed=4)
    X = data[FEATURES].to_numpy()
    ids = data[["id"]]
    src = ss.from_arrays(X, data["label"].to_numpy(), chunksize=64, passthrough=ids)
    out = tmp_path / "o.parquet"
    ss.write_parquet(ss.SMOTE(random_state=0).resample_chunks(src), out)
    df = pd.read_parquet(out)
    assert list(df.columns) == ["id", "x0", "x1", "x2", "target"]
    assert df["id"].iloc[: len(data)].tolist() == data["id"].tolist()
    assert df["id"].iloc[len(data) :].isna().all()

    def chunks():
        for lo in range(0, len(data), 70):
            yield data.iloc[lo : lo + 70]

    src = ss.from_chunks(chunks, target="label", passthrough=PASS, passthrough_fill="parent")
    sm = ss.SMOTE(random_state=0)
    got = list(sm.resample_chunks(src, order="interleave"))
    assert sm.n_features_in_ == 3
    for b in got:
        assert list(b.X.columns) == FEATURES and list(b.passthrough.columns) == PASS
        parent = b.provenance[0][b.synthetic]
        np.testing.assert_array_equal(
            b.passthrough["id"][b.synthetic], data["id"].to_numpy()[parent]
        )
    # a later fit on a source without passthrough columns forgets them
    sm.fit(ss.from_arrays(data[FEATURES], data["label"]))
    assert all(b.passthrough is None for b in sm.generate())


def test_source_errors(tmp_path):
    data = frame(n=200)
    path = tmp_path / "data.csv"
    data.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"passthrough names column\(s\) \['nope'\].*its columns"):
        ss.read_csv(path, "label", passthrough=["id", "nope"])
    with pytest.raises(ValueError, match="target column 'label'"):
        ss.read_parquet(_parquet(tmp_path, data), "label", passthrough=["label"])
    with pytest.raises(TypeError, match="list of column names"):
        ss.read_csv(path, "label", passthrough="id")
    with pytest.raises(ValueError, match="more than once"):
        ss.read_csv(path, "label", passthrough=["id", "id"])
    with pytest.raises(ValueError, match="passthrough_fill must be one of"):
        ss.read_csv(path, "label", passthrough=["id"], passthrough_fill="mean")
    with pytest.raises(TypeError, match="ndarray"):
        ss.from_arrays(np.zeros((3, 2)), np.zeros(3), passthrough=["id"])
    with pytest.raises(ValueError, match="one passthrough row per row"):
        ss.from_arrays(np.zeros((3, 2)), np.zeros(3), passthrough=pd.DataFrame({"id": [1, 2]}))
    src = ss.read_csv(path, "label")
    with pytest.raises(ValueError, match="already a source"):
        ss.as_source(src, passthrough=["id"])
    # as_source forwards passthrough to the reader it picks
    assert ss.as_source(str(path), target="label", passthrough=["id"]).passthrough == ["id"]

    # a column that changes type between CSV chunks: the error names it and the fix
    bad = data.copy()
    bad["id"] = bad["id"].astype(object)
    bad.loc[150, "id"] = "x-1"
    bad.to_csv(path, index=False)
    src = ss.read_csv(path, "label", chunksize=100, passthrough=["id", "ts", "name", "flag"])
    with pytest.raises(
        ValueError, match=r"chunk 1 .*passthrough column 'id' has dtype .*dtype=\{'id'"
    ):
        list(src)

    def ragged():
        yield data.iloc[:50]
        yield data.iloc[50:100].drop(columns="name")

    with pytest.raises(
        ValueError, match=r"chunk 1 of from_chunks.* lacks passthrough column\(s\) \['name'\]"
    ):
        list(ss.from_chunks(ragged, target="label", passthrough=PASS))


def _parquet(tmp_path, data):
    path = tmp_path / "data.parquet"
    data.to_parquet(path, index=False)
    return path


def test_sink_clash_with_passthrough(tmp_path):
    data = frame(n=200).rename(columns={"name": "gap"})
    src = ss.from_arrays(
        data.drop(columns="label"), data["label"], passthrough=["id", "ts", "gap", "flag"]
    )
    with pytest.raises(ValueError, match=r"'gap' is used twice \(passthrough and provenance"):
        ss.write_csv(ss.SMOTE().resample_chunks(src), tmp_path / "o.csv", provenance=True)
    with pytest.raises(ValueError, match=r"'id' is used twice \(passthrough and mark_synthetic"):
        ss.write_csv(src, tmp_path / "o.csv", mark_synthetic="id")


def test_cli_passthrough(tmp_path):
    data = frame(n=400, seed=5)
    path = tmp_path / "data.parquet"
    data.to_parquet(path, index=False)
    out = tmp_path / "out.csv"
    done = _run_cli(
        "resample", path, out, "--target", "label", "--seed", 0,
        "--passthrough", "id,ts,name,flag", "--passthrough-fill", "parent", "--provenance",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(out, parse_dates=["ts"])
    assert list(df.columns) == [*PASS, *FEATURES, "label", "parent_row", "neighbor_row", "gap"]
    n = len(data)
    parent = df["parent_row"].iloc[n:].to_numpy(np.int64)
    pd.testing.assert_frame_equal(
        df[PASS].iloc[n:].reset_index(drop=True),
        data[PASS].iloc[parent].reset_index(drop=True),
        check_dtype=False,
    )

    done = _run_cli("inspect", path, "--target", "label", "--passthrough", "id,ts,name,flag")
    assert done.returncode == 0, done.stderr
    assert "3 features: a, b, c" in done.stdout
    assert "passthrough      id, ts, name, flag" in done.stdout
    done = _run_cli("inspect", path, "--target", "label", "--passthrough", "id,label")
    assert done.returncode == 2
    assert "--passthrough names the target column 'label'" in done.stderr
    done = _run_cli("inspect", path, "--target", "label", "--passthrough", "id,zz")
    assert (
        done.returncode == 2 and "['zz']" in done.stderr and "--passthrough names" in done.stderr
    )


# ---------------------------------------------------------------------------------------------
# sample_weight
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: ss.SMOTE(random_state=0),
        lambda: ss.ADASYN(random_state=0),
        lambda: ss.BorderlineSMOTE(random_state=0, kind="borderline-2"),
        lambda: ss.SMOTENC([3], random_state=0),
    ],
)
def test_sample_weight_follows_parents(make):
    data = frame(n=300, seed=6)
    X = data[FEATURES].copy()
    if isinstance(make(), ss.SMOTENC):
        X["cat"] = np.where(data["a"] > 0, "p", "q")
    y = data["label"].to_numpy()
    w = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    w_in = w.copy()
    sm = make()
    X_res, y_res, w_res = sm.fit_resample(X, y, sample_weight=w)
    np.testing.assert_array_equal(w, w_in)  # not mutated
    assert len(w_res) == len(y_res) == len(X_res)
    np.testing.assert_array_equal(w_res[: len(w)], w)
    np.testing.assert_array_equal(w_res[len(w) :], w[sm.provenance_["parent"].to_numpy()])
    # same rows as without weights: the weights do not change what is made
    X_plain, y_plain = make().fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, X_plain)


def test_sample_weight_forms_and_errors():
    data = frame(n=200, seed=7)
    X, y = data[FEATURES].to_numpy(), data["label"].to_numpy()
    sm = ss.SMOTE(random_state=0)
    _, y_res, w_res = sm.fit_resample(X, y, sample_weight=2)
    assert (w_res == 2.0).all() and len(w_res) == len(y_res)
    _, _, w_res = sm.fit_resample(X, y, sample_weight=pd.Series(np.ones(len(y), np.float32)))
    assert w_res.dtype == np.float32
    _, _, w_res = sm.fit_resample(X, y, sample_weight=list(range(1, len(y) + 1)))
    assert w_res.dtype == np.float64
    assert len(sm.fit_resample(X, y)) == 2
    bad = {
        "entries but X has": np.ones(len(y) - 1),
        "NaN or infinity": np.r_[np.ones(len(y) - 1), np.nan],
        "zero for every row": np.zeros(len(y)),
        "1-D": np.ones((len(y), 1)),
        "hold numbers": np.array(["a"] * len(y)),
    }
    for message, w in bad.items():
        with pytest.raises((ValueError, TypeError), match=message):
            sm.fit_resample(X, y, sample_weight=w)


def test_sample_weight_in_imblearn_pipeline():
    """imbalanced-learn's Pipeline never routes sample_weight to a sampler's fit_resample:
    a pipeline with a streamsmote sampler fits as with imbalanced-learn's own (two arrays
    back), and the weights go to the model only by resampling before the pipeline."""
    pipeline = pytest.importorskip("imblearn.pipeline")
    from sklearn.linear_model import LogisticRegression

    data = frame(n=300, seed=8)
    X, y = data[FEATURES].to_numpy(), data["label"].to_numpy()
    w = np.random.default_rng(1).uniform(0.5, 2.0, size=len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe = pipeline.Pipeline(
            [("smote", ss.SMOTE(random_state=0)), ("model", LogisticRegression())]
        )
        pipe.fit(X, y, smote__sample_weight=w)
        assert pipe.predict(X).shape == y.shape
        X_r, y_r, w_r = ss.SMOTE(random_state=0).fit_resample(X, y, sample_weight=w)
        model = LogisticRegression().fit(X_r, y_r, sample_weight=w_r)
    assert model.coef_.shape == (1, 3)
