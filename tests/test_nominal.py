"""SMOTENC and SMOTEN through the whole flow: parity with imbalanced-learn's fit_resample,
streaming (CSV, Parquet, DataFrame chunks) identical to in memory, containers, errors."""

import numpy as np
import pandas as pd
import pytest

import streamsmote as ss

imblearn_os = pytest.importorskip("imblearn.over_sampling")


def mixed_frame(counts, levels=(7, 3), n_num=3, seed=0, kind="str"):
    """Numeric columns n0.. and categorical columns c0.. (strings, ints or pandas categories),
    labels 0, 1, ... with ``counts`` rows each, shuffled."""
    rng = np.random.default_rng(seed)
    n = sum(counts)
    cols = {f"n{i}": rng.normal(size=n) * (i + 1) for i in range(n_num)}
    for j, L in enumerate(levels):
        # skewed levels: ties in the vote happen but are not everywhere
        v = rng.choice(L, size=n, p=np.arange(L, 0, -1) / (L * (L + 1) / 2))
        if kind == "str":
            cols[f"c{j}"] = np.array([f"l{x:02d}" for x in v], dtype=object)
        elif kind == "int":
            cols[f"c{j}"] = v * 10 + 3
        else:
            cols[f"c{j}"] = pd.Categorical([f"l{x:02d}" for x in v])
    y = np.repeat(np.arange(len(counts)), counts)
    perm = rng.permutation(n)
    return pd.DataFrame(cols).iloc[perm].reset_index(drop=True), y[perm]


def assert_same(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    else:
        assert a.shape == b.shape
        assert (a == b).all(), "outputs differ"


@pytest.mark.parametrize("kind", ["str", "int", "category"])
@pytest.mark.parametrize("counts", [[200, 40], [300, 60, 25]])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_smotenc_parity_dataframe(kind, counts, seed):
    X, y = mixed_frame(counts, seed=seed, kind=kind)
    cats = ["c0", "c1"]
    ours = ss.SMOTENC(cats, random_state=seed, neighbors="exact").fit_resample(X, y)
    ref = imblearn_os.SMOTENC(categorical_features=cats, random_state=seed).fit_resample(X, y)
    assert_same(ours[0], ref[0])
    np.testing.assert_array_equal(ours[1], ref[1])


@pytest.mark.parametrize("seed", [0, 3])
def test_smotenc_parity_arrays(seed):
    X, y = mixed_frame([150, 30, 20], levels=(4, 2, 30), seed=seed, kind="int")
    Xf = X.to_numpy(dtype=np.float64)  # numeric array, categories as numbers
    cats = [3, 4, 5]
    ours = ss.SMOTENC(cats, random_state=seed, k_neighbors=4).fit_resample(Xf, y)
    ref = imblearn_os.SMOTENC(categorical_features=cats, random_state=seed, k_neighbors=4)
    ref = ref.fit_resample(Xf, y)
    np.testing.assert_array_equal(ours[0], ref[0])
    Xs, _ = mixed_frame([150, 30, 20], levels=(4, 2, 30), seed=seed, kind="str")
    Xo = Xs.to_numpy(dtype=object)  # object array, string categories
    ours = ss.SMOTENC(cats, random_state=seed).fit_resample(Xo, y)
    ref = imblearn_os.SMOTENC(categorical_features=cats, random_state=seed).fit_resample(Xo, y)
    assert ours[0].dtype == object
    assert_same(ours[0], ref[0])


def test_smotenc_auto_and_mask():
    X, y = mixed_frame([120, 30], kind="category", seed=4)
    ref = imblearn_os.SMOTENC(categorical_features="auto", random_state=0).fit_resample(X, y)
    for spec in ("auto", [3, 4], np.array([False] * 3 + [True] * 2), ["c0", "c1"]):
        ours = ss.SMOTENC(spec, random_state=0).fit_resample(X, y)
        assert_same(ours[0], ref[0])
    assert list(ours[0].dtypes) == list(X.dtypes)


@pytest.mark.parametrize("kind", ["str", "int", "category"])
@pytest.mark.parametrize("seed", [0, 1])
def test_smoten_parity(kind, seed):
    X, y = mixed_frame([200, 50, 30], levels=(5, 3, 4), n_num=0, seed=seed, kind=kind)
    ours = ss.SMOTEN(random_state=seed).fit_resample(X, y)
    ref = imblearn_os.SMOTEN(random_state=seed).fit_resample(X, y)
    assert_same(ours[0], ref[0])
    Xo = X.to_numpy(dtype=object)
    ours = ss.SMOTEN(random_state=seed, k_neighbors=3).fit_resample(Xo, y)
    ref = imblearn_os.SMOTEN(random_state=seed, k_neighbors=3).fit_resample(Xo, y)
    assert_same(ours[0], ref[0])


def test_shared_random_state_instance_parity():
    X, y = mixed_frame([150, 40, 30], seed=5)
    ours = ss.SMOTENC([3, 4], random_state=np.random.RandomState(7)).fit_resample(X, y)
    ref = imblearn_os.SMOTENC(categorical_features=[3, 4], random_state=np.random.RandomState(7))
    assert_same(ours[0], ref.fit_resample(X, y)[0])
    Xc, yc = mixed_frame([150, 40, 30], n_num=0, seed=5)
    ours = ss.SMOTEN(random_state=np.random.RandomState(7)).fit_resample(Xc, yc)
    ref = imblearn_os.SMOTEN(random_state=np.random.RandomState(7)).fit_resample(Xc, yc)
    assert_same(ours[0], ref[0])


def _synthetic(batches):
    parts = [b.X[b.synthetic] for b in batches]
    return pd.concat(parts).reset_index(drop=True)


@pytest.mark.parametrize(
    "make", [lambda: ss.SMOTENC(["c0", "c1"], random_state=3), lambda: ss.SMOTEN(random_state=3)]
)
@pytest.mark.parametrize("chunksize", [17, 100, 10_000])
def test_streaming_equals_in_memory(make, chunksize):
    n_num = 3 if isinstance(make(), ss.SMOTENC) else 0
    X, y = mixed_frame([400, 70, 50], n_num=n_num, seed=6)
    X_res, _ = make().fit_resample(X, y)
    expected = X_res.iloc[len(X) :].reset_index(drop=True)
    for order in ("append", "interleave"):
        batches = list(make().resample_chunks(ss.from_arrays(X, y, chunksize=chunksize), order))
        originals = pd.concat([b.X[~b.synthetic] for b in batches])
        pd.testing.assert_frame_equal(originals.reset_index(drop=True), X)
        got = _synthetic(batches)
        if order == "append":
            pd.testing.assert_frame_equal(got, expected)
        else:  # same multiset, interleaved
            key = list(got.columns)
            pd.testing.assert_frame_equal(
                got.sort_values(key).reset_index(drop=True),
                expected.sort_values(key).reset_index(drop=True),
            )


def test_level_first_seen_in_last_chunk(tmp_path):
    X, y = mixed_frame([300, 60], seed=7)
    X.loc[len(X) - 1, "c0"] = "zz-new"
    y[-1] = 1  # a minority row with a new level, in the last chunk
    path = tmp_path / "mixed.csv"
    X.assign(label=y).to_csv(path, index=False)
    src = ss.read_csv(path, target="label", chunksize=50)
    sm = ss.SMOTENC(["c0", "c1"], random_state=0)
    synth = _synthetic(sm.resample_chunks(src))
    X_res, _ = ss.SMOTENC(["c0", "c1"], random_state=0).fit_resample(X, y)
    expected = X_res.iloc[len(X) :].reset_index(drop=True)
    pd.testing.assert_frame_equal(synth, expected, check_dtype=False)
    assert "zz-new" in set(X_res["c0"])


def test_parquet_dictionary_and_string_columns(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    X, y = mixed_frame([500, 80], seed=8)
    table = pa.table(
        {
            **{c: X[c].to_numpy() for c in ["n0", "n1", "n2"]},
            "c0": pa.array(X["c0"].tolist()).dictionary_encode(),
            "c1": pa.array(X["c1"].tolist()),
            "label": y,
        }
    )
    path = tmp_path / "mixed.parquet"
    pq.write_table(table, path, row_group_size=97)
    sm = ss.SMOTENC(["c0", "c1"], random_state=1)
    synth = _synthetic(sm.resample_chunks(ss.read_parquet(path, "label", batch_size=64)))
    X_res, _ = ss.SMOTENC(["c0", "c1"], random_state=1).fit_resample(X, y)
    expected = X_res.iloc[len(X) :].reset_index(drop=True)
    assert synth["c0"].astype(str).tolist() == expected["c0"].tolist()
    assert synth["c1"].astype(str).tolist() == expected["c1"].tolist()
    np.testing.assert_array_equal(synth[["n0", "n1", "n2"]], expected[["n0", "n1", "n2"]])


def test_smoten_counts_include_the_majority():
    """The value difference metric counts every row: streaming with a tiny memory budget (the
    majority dropped from the store) must give the same rows."""
    X, y = mixed_frame([3000, 90], n_num=0, levels=(6, 4, 3), seed=9)
    X_res, _ = ss.SMOTEN(random_state=0).fit_resample(X, y)
    sm = ss.SMOTEN(random_state=0, memory_limit=20_000)
    synth = _synthetic(sm.resample_chunks(ss.from_arrays(X, y, chunksize=500)))
    pd.testing.assert_frame_equal(synth, X_res.iloc[len(X) :].reset_index(drop=True))


def test_errors_name_the_fix():
    X, y = mixed_frame([100, 20], seed=10)
    with pytest.raises(ValueError, match="SMOTEN"):
        ss.SMOTENC([0, 1, 2, 3, 4]).fit_resample(X, y)
    with pytest.raises(ValueError, match="streamsmote.SMOTE"):
        ss.SMOTENC([]).fit_resample(X[["n0", "n1"]], y)
    with pytest.raises(ValueError, match="unknown column"):
        ss.SMOTENC(["nope"]).fit_resample(X, y)
    with pytest.raises(ValueError, match="index 9"):
        ss.SMOTENC([9]).fit_resample(X, y)
    with pytest.raises(ValueError, match="should be a pandas.DataFrame"):
        ss.SMOTENC("auto").fit_resample(X.to_numpy(dtype=object), y)
    bad = X.copy()
    bad.loc[5, "c0"] = None
    with pytest.raises(
        ValueError, match=r"categorical column 'c0' holds NaN \(a missing value\) at row 5"
    ):
        ss.SMOTENC(["c0", "c1"]).fit_resample(bad, y)
    with pytest.raises(ValueError, match="SMOTENC"):
        ss.SMOTE().fit_resample(X, y)  # non-numeric columns point to SMOTENC
    with pytest.raises(ValueError, match="approx"):
        ss.SMOTENC(["c0", "c1"], neighbors="approx").fit_resample(X, y)
    unhashable = X.astype({"c0": object})
    unhashable.loc[3, "c0"] = ["a", "list"]
    with pytest.raises((ValueError, TypeError), match="hashable|unhashable"):
        ss.SMOTENC(["c0", "c1"]).fit_resample(unhashable, y)


def test_online_smote_says_categorical_columns_are_not_supported_yet():
    X, y = mixed_frame([100, 20], seed=11)
    with pytest.raises(ValueError, match="OnlineSMOTE .* does not accept categorical columns"):
        ss.OnlineSMOTE(random_state=0).partial_fit_resample(X, y)
