"""``SMOTE(neighbors="exact", random_state=s).fit_resample`` returns exactly what
imbalanced-learn's SMOTE returns, on continuous data (no exact distance ties)."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE as ImbSMOTE
from pandas.testing import assert_frame_equal, assert_series_equal
from reference import make_data

import streamsmote as ss

BINARY = [80, 14]
MULTI = [60, 12, 25, 9]


def both(X, y, **params):
    ours = ss.SMOTE(neighbors="exact", **params).fit_resample(X, y)
    theirs = ImbSMOTE(**params).fit_resample(X, y)
    return ours, theirs


def assert_same_arrays(ours, theirs):
    (Xo, yo), (Xt, yt) = ours, theirs
    assert type(Xo) is type(Xt) and type(yo) is type(yt)
    assert Xo.dtype == Xt.dtype and yo.dtype == yt.dtype
    assert np.array_equal(Xo, Xt)
    assert np.array_equal(yo, yt)


@pytest.mark.parametrize("seed", [0, 1, 12345])
@pytest.mark.parametrize("counts", [BINARY, MULTI], ids=["binary", "multiclass"])
def test_parity_numpy(counts, seed):
    X, y = make_data(counts, n_features=4, seed=seed)
    assert_same_arrays(*both(X, y, random_state=seed))


@pytest.mark.parametrize("counts", [BINARY, MULTI], ids=["binary", "multiclass"])
def test_parity_float32(counts):
    X, y = make_data(counts, n_features=5, seed=3, dtype=np.float32)
    ours, theirs = both(X, y, random_state=3)
    assert ours[0].dtype == np.float32
    assert_same_arrays(ours, theirs)


def test_parity_k_neighbors_3():
    X, y = make_data(MULTI, seed=4)
    assert_same_arrays(*both(X, y, random_state=4, k_neighbors=3))


@pytest.mark.parametrize("dtype", ["<U5", object])
def test_parity_string_labels(dtype):
    X, y = make_data(MULTI, seed=5, labels=["zeta", "alpha", "mid", "b"])
    y = y.astype(dtype)
    assert_same_arrays(*both(X, y, random_state=5))


@pytest.mark.parametrize(
    "strategy",
    ["auto", "all", "minority", "not minority", "not majority"],
)
def test_parity_string_strategies(strategy):
    X, y = make_data(MULTI, seed=6)
    assert_same_arrays(*both(X, y, random_state=6, sampling_strategy=strategy))


@pytest.mark.parametrize("strategy", [{1: 40, 3: 20}, {0: 70, 1: 12, 2: 60}])
def test_parity_dict_strategy(strategy):
    X, y = make_data(MULTI, seed=7)
    assert_same_arrays(*both(X, y, random_state=7, sampling_strategy=strategy))


@pytest.mark.parametrize("ratio", [0.5, 0.77, 1.0])
def test_parity_float_strategy(ratio):
    X, y = make_data(BINARY, seed=8)
    assert_same_arrays(*both(X, y, random_state=8, sampling_strategy=ratio))


def test_parity_callable_strategy():
    X, y = make_data(MULTI, seed=9)

    def strategy(y):
        return {1: int((y == 1).sum()) * 3, 3: 30}

    assert_same_arrays(*both(X, y, random_state=9, sampling_strategy=strategy))


def test_parity_random_state_instance_consumed_like_imblearn():
    X, y = make_data(MULTI, seed=10)
    rs_ours, rs_theirs = np.random.RandomState(10), np.random.RandomState(10)
    ours = ss.SMOTE(neighbors="exact", random_state=rs_ours).fit_resample(X, y)
    theirs = ImbSMOTE(random_state=rs_theirs).fit_resample(X, y)
    assert_same_arrays(ours, theirs)
    # the instance is left where imbalanced-learn leaves it
    assert np.array_equal(rs_ours.uniform(size=4), rs_theirs.uniform(size=4))
    # and a second call continues from there, in both
    assert_same_arrays(
        ss.SMOTE(neighbors="exact", random_state=rs_ours).fit_resample(X, y),
        ImbSMOTE(random_state=rs_theirs).fit_resample(X, y),
    )


def test_int_seed_repeats_and_seeds_differ():
    X, y = make_data(BINARY, seed=11)
    a = ss.SMOTE(neighbors="exact", random_state=11).fit_resample(X, y)
    b = ss.SMOTE(neighbors="exact", random_state=11).fit_resample(X, y)
    c = ss.SMOTE(neighbors="exact", random_state=12).fit_resample(X, y)
    assert np.array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_parity_pandas():
    X, y = make_data(MULTI, n_features=3, seed=12)
    X = pd.DataFrame(X, columns=["alpha", "beta", "gamma"])
    X["gamma"] = X["gamma"].astype(np.float32)  # mixed float dtypes
    y = pd.Series(y, name="target").astype(np.int16)
    (Xo, yo), (Xt, yt) = both(X, y, random_state=12)
    assert_frame_equal(Xo, Xt)
    assert_series_equal(yo, yt)
    assert list(Xo.columns) == ["alpha", "beta", "gamma"]
    assert Xo.dtypes.tolist() == [np.float64, np.float64, np.float32]
    assert yo.name == "target" and yo.dtype == np.int16


def test_parity_pandas_string_labels_and_float32_frame():
    X, y = make_data(BINARY, n_features=2, seed=13, dtype=np.float32, labels=["neg", "pos"])
    X = pd.DataFrame(X, columns=["a", "b"])
    y = pd.Series(y, name="label")
    (Xo, yo), (Xt, yt) = both(X, y, random_state=13)
    assert_frame_equal(Xo, Xt)
    assert_series_equal(yo, yt)


def test_parity_pandas_with_a_non_default_index():
    X, y = make_data(BINARY, n_features=2, seed=14)
    index = pd.Index(np.arange(len(y)) * 10 + 7)
    X = pd.DataFrame(X, columns=["a", "b"], index=index)
    y = pd.Series(y, name="y", index=index)
    (Xo, yo), (Xt, yt) = both(X, y, random_state=14)
    assert_frame_equal(Xo, Xt)
    assert_series_equal(yo, yt)


def test_parity_claim_names_the_imblearn_version_tested():
    from importlib.metadata import version
    from pathlib import Path

    import tomllib

    root = Path(__file__).parents[1]
    extras = tomllib.loads((root / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert "imbalanced-learn>=0.14,<0.15" in extras["test"]
    assert "imbalanced-learn>=0.14,<0.15" in extras["bench"]
    assert version("imbalanced-learn").startswith("0.14.")
    readme = (root / "README.md").read_text()
    assert "imbalanced-learn 0.14.x" in readme and "cancellation" in readme
