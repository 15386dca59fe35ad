"""Provenance in files: parent_row, neighbor_row and gap columns written by write_parquet,
write_csv and ``streamsmote resample --provenance``, read back from real files, rebuild every
synthetic row of every variant."""

import warnings

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_cli import _run_process as _run_cli  # the console command, as a process

import streamsmote as ss
from streamsmote._batch import Batch

PROV = ["parent_row", "neighbor_row", "gap"]
FEATURES = [f"f{i}" for i in range(5)]

# every variant with numeric columns, and what it needs to make rows on small data
NUMERIC = {
    "smote": (ss.SMOTE, {}),
    "borderline1": (ss.BorderlineSMOTE, {"kind": "borderline-1"}),
    "borderline2": (ss.BorderlineSMOTE, {"kind": "borderline-2"}),
    "adasyn": (ss.ADASYN, {}),
    "svm": (ss.SVMSMOTE, {}),
    "kmeans": (ss.KMeansSMOTE, {"kmeans_estimator": 4, "cluster_balance_threshold": 0.05}),
}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's KMeans/threadpool chatter
        yield


def numeric_frame(n=600, seed=0):
    """Five overlapping float features and a 85/15 label (Borderline and SVM-SMOTE find rows
    in danger, Borderline-2 neighbours of the other class)."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n, 5, n_informative=4, n_redundant=0, weights=[0.85, 0.15], flip_y=0.05,
        random_state=seed,
    )  # fmt: skip
    df = pd.DataFrame(X, columns=FEATURES)
    df["label"] = y
    return df


def read_back(path):
    if str(path).endswith(".csv"):
        return pd.read_csv(path, dtype={"parent_row": "Int64", "neighbor_row": "Int64"})
    return pd.read_parquet(path)


def check_file(df, data, features, nominal=()):
    """Originals first and untouched with null provenance; every synthetic row rebuilt from
    its parent_row, neighbor_row and gap; its parent is of its class. Returns the synthetic
    rows' (parent, neighbour, gap)."""
    n = len(data)
    orig, syn = df.iloc[:n], df.iloc[n:]
    assert orig[PROV].isna().all().all()
    cols = [*features, *nominal, "label"]
    pd.testing.assert_frame_equal(
        orig[cols].reset_index(drop=True), data[cols], check_dtype=False, rtol=1e-12
    )
    assert len(syn) > 0 and syn["parent_row"].notna().all()
    parent = syn["parent_row"].to_numpy(np.int64)
    labels = data["label"].to_numpy()
    np.testing.assert_array_equal(labels[parent], syn["label"].to_numpy())
    if not features:
        return parent, None, None
    assert syn["neighbor_row"].notna().all() and syn["gap"].notna().all()
    neighbor = syn["neighbor_row"].to_numpy(np.int64)
    gap = syn["gap"].to_numpy(np.float64)
    A = data[features].to_numpy(np.float64)
    rebuilt = A[parent] + gap[:, None] * (A[neighbor] - A[parent])
    np.testing.assert_allclose(syn[features].to_numpy(np.float64), rebuilt, rtol=1e-12, atol=1e-12)
    return parent, neighbor, gap


def provenance_of(sm):
    """The fitted sampler's own provenance, for comparison with the file."""
    return pd.concat(list(sm.provenance()), ignore_index=True)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("name", list(NUMERIC))
def test_numeric_variants_rebuild_from_file(tmp_path, name, fmt):
    data = numeric_frame()
    path = tmp_path / "data.parquet"
    data.to_parquet(path, index=False)
    cls, kw = NUMERIC[name]
    sm = cls(random_state=0, **kw)
    out = tmp_path / f"out.{fmt}"
    write = ss.write_parquet if fmt == "parquet" else ss.write_csv
    src = ss.read_parquet(path, "label", batch_size=97)
    summary = write(sm.resample_chunks(src), out, provenance=True)
    assert summary["columns"][-3:] == PROV
    df = read_back(out)
    parent, neighbor, gap = check_file(df, data, FEATURES)
    ref = provenance_of(sm)
    np.testing.assert_array_equal(parent, ref["parent"])
    np.testing.assert_array_equal(neighbor, ref["neighbor"])
    np.testing.assert_allclose(gap, ref["gap"], rtol=1e-15)
    labels = data["label"].to_numpy()
    same = labels[neighbor] == labels[parent]
    if name == "borderline2":
        assert (~same).any(), "Borderline-2 should take some neighbours of the other class"
        assert ((gap >= 0) & (gap < 0.5))[~same].all()
    else:
        assert same.all()
    if name == "svm":
        assert (gap > -0.5).all() and (gap < 1).all()
    elif name != "borderline2":
        assert ((gap >= 0) & (gap < 1)).all()


def test_parquet_types_and_nulls(tmp_path):
    data = numeric_frame(n=300)
    out = tmp_path / "out.parquet"
    ss.write_parquet(
        ss.SMOTE(random_state=1).resample_chunks(
            ss.from_arrays(data[FEATURES], data["label"], chunksize=64)
        ),
        out,
        provenance=True,
        mark_synthetic="synthetic",
    )
    table = pq.read_table(out)
    assert [str(table.schema.field(c).type) for c in PROV] == ["int64", "int64", "double"]
    for c in PROV:
        assert table.column(c).null_count == len(data)  # null on originals, not NaN or -1
    df = table.to_pandas()
    assert (df["synthetic"] == df["parent_row"].notna()).all()


def test_nominal_variants(tmp_path):
    """SMOTE-NC: numeric columns follow the formula, categorical columns hold a category of
    the class; SMOTE-N: parent only (neighbor_row and gap null)."""
    rng = np.random.default_rng(0)
    n = 500
    y = (rng.random(n) < 0.15).astype(int)
    data = pd.DataFrame(
        {
            "n0": rng.normal(size=n) + y,
            "n1": rng.normal(size=n),
            "c0": rng.choice(["a", "b", "c"], size=n),
            "c1": rng.choice(["x", "y"], size=n, p=[0.7, 0.3]),
            "label": y,
        }
    )
    path = tmp_path / "data.csv"
    data.to_csv(path, index=False)

    out = tmp_path / "nc.parquet"
    sm = ss.SMOTENC(["c0", "c1"], random_state=0)
    ss.write_parquet(
        sm.resample_chunks(ss.read_csv(path, "label", chunksize=70)), out, provenance=True
    )
    df = pd.read_parquet(out)
    parent, _, _ = check_file(df, data, ["n0", "n1"], nominal=["c0", "c1"])
    syn = df.iloc[n:]
    for c in ("c0", "c1"):
        assert set(syn[c]) <= set(data.loc[data["label"] == 1, c])
    in_memory = ss.SMOTENC(["c0", "c1"], random_state=0)
    in_memory.fit_resample(data.drop(columns="label"), data["label"])
    np.testing.assert_array_equal(parent, in_memory.provenance_["parent"])

    out = tmp_path / "n.csv"
    cats = data[["c0", "c1", "label"]]
    sm = ss.SMOTEN(random_state=0)
    ss.write_csv(
        sm.resample_chunks(ss.from_arrays(cats[["c0", "c1"]], cats["label"], 64)),
        out,
        provenance=True,
    )
    df = read_back(out)
    check_file(df, cats, [], nominal=["c0", "c1"])
    syn = df.iloc[n:]
    assert syn["neighbor_row"].isna().all() and syn["gap"].isna().all()


def test_interleave_shuffle_and_generate(tmp_path):
    data = numeric_frame(n=400, seed=3)
    src = ss.from_arrays(data[FEATURES], data["label"], chunksize=50)
    sm = ss.SMOTE(random_state=0)
    out = tmp_path / "inter.parquet"
    ss.write_parquet(
        sm.resample_chunks(src, order="interleave", shuffle=True),
        out,
        provenance=True,
        mark_synthetic="s",
    )
    df = pd.read_parquet(out)
    orig, syn = df[~df["s"]], df[df["s"]]
    assert orig[PROV].isna().all().all()
    pd.testing.assert_frame_equal(
        orig[[*FEATURES, "label"]].sort_values("f0").reset_index(drop=True),
        data.sort_values("f0").reset_index(drop=True),
    )
    A = data[FEATURES].to_numpy()
    p = syn["parent_row"].to_numpy(np.int64)
    nb = syn["neighbor_row"].to_numpy(np.int64)
    g = syn["gap"].to_numpy()
    np.testing.assert_allclose(syn[FEATURES].to_numpy(), A[p] + g[:, None] * (A[nb] - A[p]))

    # generate() batches carry provenance too
    out = tmp_path / "gen.csv"
    ss.write_csv(sm.generate(batch_size=40), out, provenance=True)
    gen = read_back(out)
    ref = provenance_of(sm)
    np.testing.assert_array_equal(gen["parent_row"].to_numpy(np.int64), ref["parent"])


def test_name_clash_and_bad_option(tmp_path):
    data = numeric_frame(n=200).rename(columns={"f4": "gap"})
    src = ss.from_arrays(data.drop(columns="label"), data["label"], chunksize=64)
    with pytest.raises(ValueError, match=r"'gap' is used twice \(feature and provenance"):
        ss.write_parquet(ss.SMOTE().resample_chunks(src), tmp_path / "o.parquet", provenance=True)
    assert not (tmp_path / "o.parquet").exists()
    names = ("parent", "neighbour", "step")
    ss.write_csv(
        ss.SMOTE(random_state=0).resample_chunks(src), tmp_path / "o.csv", provenance=names
    )
    df = pd.read_csv(tmp_path / "o.csv")
    assert list(df.columns[-3:]) == list(names) and "gap" in df.columns
    with pytest.raises(ValueError, match="mark_synthetic"):
        ss.write_csv(src, tmp_path / "x.csv", provenance=True, mark_synthetic="parent_row")
    with pytest.raises(ValueError, match="three column names"):
        ss.write_csv(src, tmp_path / "x.csv", provenance=("a", "b"))
    assert not (tmp_path / "x.csv").exists()


def test_synthetic_batch_without_provenance_is_refused(tmp_path):
    batch = Batch(np.zeros((2, 1)), np.array([0, 1]), np.array([False, True]))
    with pytest.raises(ValueError, match="synthetic rows but no .provenance"):
        ss.write_csv([batch], tmp_path / "o.csv", provenance=True)
    # original rows only: null provenance
    plain = Batch(np.zeros((2, 1)), np.array([0, 1]), np.array([False, False]))
    ss.write_csv([plain], tmp_path / "o.csv", provenance=True)
    assert read_back(tmp_path / "o.csv")[PROV].isna().all().all()


@pytest.mark.parametrize(
    "method,fmt", [("borderline2", "parquet"), ("svm", "csv"), ("smotenc", "parquet")]
)
def test_cli_provenance(tmp_path, method, fmt):
    data = numeric_frame(n=500, seed=1)
    nominal = []
    if method == "smotenc":
        data.insert(2, "colour", np.where(data["f0"] > 0, "red", "blue"))
        nominal = ["colour"]
    path = tmp_path / "data.csv"
    data.to_csv(path, index=False)
    out = tmp_path / f"out.{fmt}"
    extra = ["--categorical", "colour"] if method == "smotenc" else []
    done = _run_cli(
        "resample", path, out, "--target", "label", "--method", method, "--seed", 0,
        "--chunksize", 120, "--provenance", *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    df = read_back(out)
    check_file(df, pd.read_csv(path), FEATURES, nominal=nominal)


def test_cli_clash_speaks_flags(tmp_path):
    data = numeric_frame(n=200).rename(columns={"f1": "parent_row"})
    path = tmp_path / "data.csv"
    data.to_csv(path, index=False)
    done = _run_cli("resample", path, tmp_path / "o.csv", "--target", "label", "--provenance")
    assert done.returncode == 2
    assert "'parent_row' is used twice" in done.stderr
    assert "--provenance adds parent_row" in done.stderr and "provenance=" not in done.stderr
    assert not (tmp_path / "o.csv").exists()
