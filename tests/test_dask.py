"""streamsmote.dask on a real distributed.LocalCluster: partition-independent, identical to
fit_resample, originals untouched."""

import numpy as np
import pandas as pd
import pytest

import streamsmote as ss

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

from streamsmote.dask import resample  # noqa: E402


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n = 3000
    df = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd")).astype({"a": "float32"})
    df["label"] = np.select([rng.random(n) < 0.08, rng.random(n) < 0.15], [1, 2], 0)
    return df


def _sorted_rows(a):
    return a[np.lexsort(a.T[::-1])]


@pytest.mark.parametrize("npartitions", [1, 4, 7])
def test_same_rows_as_fit_resample_for_any_partitioning(client, frame, npartitions):
    X, y = frame.drop(columns="label"), frame["label"]
    ref_X, ref_y = ss.SMOTE(random_state=3, neighbors="exact").fit_resample(X, y)
    ddf = dd.from_pandas(frame, npartitions=npartitions)
    out = resample(
        ddf, "label", ss.SMOTE(random_state=3, neighbors="exact"), mark_synthetic="synthetic"
    ).compute()
    syn = out[out["synthetic"]]
    n = len(frame)
    got = np.c_[syn[list("abcd")].to_numpy(np.float64), syn["label"].to_numpy()]
    want = np.c_[ref_X.iloc[n:].to_numpy(np.float64), ref_y.iloc[n:].to_numpy()]
    np.testing.assert_array_equal(_sorted_rows(got), _sorted_rows(want))
    originals = out[~out["synthetic"]].drop(columns="synthetic")
    pd.testing.assert_frame_equal(originals, frame)
    assert list(out.dtypes[: frame.shape[1]]) == list(frame.dtypes)
    assert out["label"].value_counts().nunique() == 1  # balanced


def test_synthetic_rows_spread_over_partitions(client, frame):
    ddf = dd.from_pandas(frame, npartitions=4)
    out = resample(ddf, "label", ss.SMOTE(random_state=0), mark_synthetic="s")
    per_part = out.map_partitions(lambda d: pd.Series([int(d["s"].sum())])).compute()
    assert (per_part > 0).all()


def test_errors(client, frame):
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(ValueError, match="not a column"):
        resample(ddf, "nope")
    bad = dd.from_pandas(frame.assign(s="x"), npartitions=2)
    with pytest.raises(ValueError, match="non-numeric feature columns"):
        resample(bad, "label")


@pytest.mark.parametrize("variant", ["smotenc", "smoten"])
@pytest.mark.parametrize("npartitions", [1, 5])
def test_categorical_variants_same_rows_as_fit_resample(client, variant, npartitions):
    rng = np.random.default_rng(3)
    n = 2000
    df = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "city": rng.choice(["paris", "lyon", "nice", "lille"], size=n),
            "kind": pd.Categorical(rng.choice(["x", "y"], size=n)),
        }
    )
    df["label"] = np.select([rng.random(n) < 0.08, rng.random(n) < 0.1], [1, 2], 0)
    if variant == "smoten":
        df = df.drop(columns=["a", "b"])
        make = lambda: ss.SMOTEN(k_neighbors=3, random_state=4)  # noqa: E731
    else:
        make = lambda: ss.SMOTENC(["city", "kind"], random_state=4)  # noqa: E731
    features = [c for c in df.columns if c != "label"]
    X_res, y_res = make().fit_resample(df[features], df["label"])
    out = resample(dd.from_pandas(df, npartitions=npartitions), "label", make()).compute()
    assert len(out) == len(X_res)
    got = out[out.index >= n]  # synthetic rows are numbered after the originals
    expected = X_res.iloc[n:].assign(label=y_res.iloc[n:].to_numpy())
    key = features + ["label"]
    pd.testing.assert_frame_equal(
        got[key].sort_values(key).reset_index(drop=True),
        expected[key].sort_values(key).reset_index(drop=True),
        check_dtype=False,  # dask keeps strings as pyarrow strings
    )
    # dask itself stores strings as pyarrow strings: compare values
    originals = out[out.index < n].sort_index()
    pd.testing.assert_frame_equal(originals, df, check_index_type=False, check_dtype=False)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ss.BorderlineSMOTE(random_state=2),
        lambda: ss.BorderlineSMOTE(kind="borderline-2", random_state=2),
        lambda: ss.ADASYN(random_state=2),
    ],
    ids=["borderline-1", "borderline-2", "adasyn"],
)
@pytest.mark.parametrize("npartitions", [1, 6])
def test_filtering_variants_same_rows_as_fit_resample(client, frame, make, npartitions):
    """The whole-data neighbour pass runs on the partitions and merges to the local result."""
    features = [c for c in frame.columns if c != "label"]
    X_res, y_res = make().fit_resample(frame[features], frame["label"])
    n = len(frame)
    out = resample(dd.from_pandas(frame, npartitions=npartitions), "label", make()).compute()
    got = out[out.index >= n]
    expected = X_res.iloc[n:].assign(label=y_res.iloc[n:].to_numpy())
    key = [*features, "label"]
    pd.testing.assert_frame_equal(
        got[key].sort_values(key).reset_index(drop=True),
        expected[key].sort_values(key).reset_index(drop=True),
    )
    assert len(out) == len(X_res)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ss.SVMSMOTE(random_state=3),
        lambda: ss.KMeansSMOTE(cluster_balance_threshold=0.01, random_state=3),
    ],
    ids=["svm", "kmeans"],
)
@pytest.mark.parametrize("npartitions", [1, 5])
def test_model_variants_same_rows_as_the_stream(client, frame, make, npartitions):
    """SVM-SMOTE's model is fitted from the partitions in order, as from a chunked stream:
    the synthetic rows are those of resample_chunks, whatever the partitioning."""
    features = [c for c in frame.columns if c != "label"]
    src = ss.from_arrays(frame[features], frame["label"], chunksize=700)
    batches = list(make().resample_chunks(src))
    expected = pd.concat([b.X[b.synthetic].assign(label=b.y[b.synthetic]) for b in batches])
    n = len(frame)
    out = resample(dd.from_pandas(frame, npartitions=npartitions), "label", make()).compute()
    got = out[out.index >= n]
    key = [*features, "label"]
    assert len(got) == len(expected) > 0
    pd.testing.assert_frame_equal(
        got[key].sort_values(key).reset_index(drop=True),
        expected[key].sort_values(key).reset_index(drop=True),
    )


def test_large_class_graph_built_by_tasks_on_the_workers(client, frame, monkeypatch):
    import streamsmote.neighbors.cells as cells

    monkeypatch.setattr(cells, "CELL_ROWS", 64)  # several cells per class
    X, y = frame.drop(columns="label"), frame["label"]
    ref_X, ref_y = ss.SMOTE(random_state=3, neighbors="exact").fit_resample(X, y)
    ddf = dd.from_pandas(frame, npartitions=3)
    sampler = ss.SMOTE(random_state=3, neighbors="exact")
    with distributed.get_task_stream(client) as stream:
        out = resample(ddf, "label", sampler, graph_min_rows=100, mark_synthetic="s").compute()
    tasks = [t for t in stream.data if "_cell_task_on_worker" in str(t["key"])]
    n_cells = sum(-(-int(n) // 64) for n in y.value_counts().iloc[1:])
    assert len(tasks) == n_cells
    assert {t["worker"] for t in tasks} <= set(client.scheduler_info()["workers"])
    syn = out[out["s"]]
    n = len(frame)
    got = np.c_[syn[list("abcd")].to_numpy(np.float64), syn["label"].to_numpy()]
    want = np.c_[ref_X.iloc[n:].to_numpy(np.float64), ref_y.iloc[n:].to_numpy()]
    np.testing.assert_array_equal(_sorted_rows(got), _sorted_rows(want))
    assert "_graph_builder" not in vars(sampler)  # nothing left on the sampler
