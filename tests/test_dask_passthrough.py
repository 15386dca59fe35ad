"""streamsmote.dask.resample(..., provenance=True, passthrough=[...]) on a real
distributed.LocalCluster: the three provenance columns rebuild every synthetic row and are the
in-memory fit's, for any partitioning; passthrough columns are null or the parent's."""

import numpy as np
import pandas as pd
import pytest

import streamsmote as ss

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

from streamsmote.dask import resample  # noqa: E402

FEATURES = list("abcd")
PASS = ["id", "ts", "name", "flag"]
PROV = ["parent_row", "neighbor_row", "gap"]


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(5)
    n = 2000
    df = pd.DataFrame(rng.normal(size=(n, 4)), columns=FEATURES).astype({"a": "float32"})
    # passthrough columns between and after the features: the output keeps the input's order
    df.insert(0, "id", np.arange(n, dtype=np.int64) + 2**60)  # exact only as an integer
    df.insert(3, "ts", pd.date_range("2025-01-01", periods=n, freq="min"))
    df["name"] = [f"row-{i}" for i in range(n)]
    df["flag"] = rng.random(n) < 0.5
    df["label"] = np.select([rng.random(n) < 0.08, rng.random(n) < 0.15], [1, 2], 0)
    return df


def _rebuilt(frame, syn):
    A = frame[FEATURES].to_numpy(np.float64)
    parent = syn["parent_row"].to_numpy(np.int64)
    neighbor = syn["neighbor_row"].to_numpy(np.int64)
    return A[parent] + syn["gap"].to_numpy()[:, None] * (A[neighbor] - A[parent])


@pytest.mark.parametrize("fill", ["null", "parent"])
@pytest.mark.parametrize("npartitions", [1, 5])
def test_provenance_and_passthrough_match_fit_resample(client, frame, fill, npartitions):
    ddf = dd.from_pandas(frame, npartitions=npartitions)
    lazy = resample(
        ddf,
        "label",
        ss.SMOTE(random_state=3, neighbors="exact"),
        mark_synthetic="s",
        provenance=True,
        passthrough=PASS,
        passthrough_fill=fill,
    )
    out = lazy.compute()
    assert list(out.columns) == [*frame.columns, "s", *PROV]
    assert dict(out.dtypes) == dict(lazy.dtypes)  # the meta tells the truth
    orig, syn = out[~out["s"]], out[out["s"]]
    assert orig[PROV].isna().all().all() and syn[PROV[:2]].notna().all().all()
    if fill == "null":
        assert str(out["id"].dtype) == "Int64" and str(out["flag"].dtype) == "boolean"
        assert syn[PASS].isna().all().all()
    else:
        assert out["id"].dtype == np.int64 and out["flag"].dtype == bool
        parent = syn["parent_row"].to_numpy(np.int64)
        expected = frame[PASS].iloc[parent].set_axis(syn.index)
        # dask reads strings as its own string dtype: the values are compared
        pd.testing.assert_frame_equal(syn[PASS], expected, check_dtype=False)
    restored = orig[frame.columns].astype(frame.dtypes.to_dict()).reset_index(drop=True)
    pd.testing.assert_frame_equal(restored, frame)  # originals untouched, in order

    # every synthetic row rebuilt from its provenance; the provenance of the in-memory fit
    np.testing.assert_allclose(syn[FEATURES].to_numpy(np.float64), _rebuilt(frame, syn), atol=1e-5)
    sm = ss.SMOTE(random_state=3, neighbors="exact")
    sm.fit_resample(frame[FEATURES], frame["label"])
    want = sm.provenance_[["parent", "neighbor", "gap"]].to_numpy(np.float64)
    got = syn[PROV].to_numpy(np.float64)
    key = lambda a: a[np.lexsort(a.T[::-1])]  # noqa: E731
    np.testing.assert_array_equal(key(got), key(want))
    assert (syn["label"].to_numpy() == frame["label"].to_numpy()[got[:, 0].astype(int)]).all()


def test_smoten_has_no_neighbor_or_gap(client):
    rng = np.random.default_rng(1)
    n = 600
    df = pd.DataFrame(
        {
            "key": np.arange(n) * 7,
            "c1": pd.Categorical(rng.choice(["x", "y", "z"], n)),
            "c2": pd.Categorical(rng.choice(["p", "q"], n)),
            "label": (rng.random(n) < 0.15).astype(int),
        }
    )
    out = resample(
        dd.from_pandas(df, npartitions=3),
        "label",
        ss.SMOTEN(random_state=0),
        provenance=("p", "nb", "g"),
        passthrough=["key"],
        passthrough_fill="parent",
    ).compute()
    syn = out[out["p"].notna()]
    assert len(syn) == (df["label"] == 0).sum() - (df["label"] == 1).sum()
    assert syn["nb"].isna().all() and syn["g"].isna().all()
    assert (syn["key"].to_numpy() == syn["p"].to_numpy(np.int64) * 7).all()


def test_errors_name_the_column(client, frame):
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(ValueError, match=r"\['nope'\] that are not in the Dask DataFrame"):
        resample(ddf, "label", passthrough=["id", "nope"])
    with pytest.raises(ValueError, match="names the target column 'label'"):
        resample(ddf, "label", passthrough=PASS + ["label"])
    with pytest.raises(ValueError, match="passthrough_fill must be one of"):
        resample(ddf, "label", passthrough=PASS, passthrough_fill="mean")
    with pytest.raises(ValueError, match="non-numeric feature columns"):
        resample(ddf, "label", passthrough=["id"])  # ts, name stay features
    with pytest.raises(ValueError, match=r"'id' is used twice.*provenance=\(parent"):
        resample(ddf, "label", passthrough=PASS, provenance=("id", "n", "g"))
    with pytest.raises(ValueError, match=r"'m' is used twice"):
        resample(ddf, "label", passthrough=PASS, provenance=("m", "n", "g"), mark_synthetic="m")
    with pytest.raises(ValueError, match="three different names"):
        resample(ddf, "label", passthrough=PASS, provenance=("p", "p", "g"))
