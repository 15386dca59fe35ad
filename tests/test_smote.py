"""``SMOTE.fit_resample`` in memory: output layout, fitted attributes, provenance, pandas and
integer columns, the forms of ``y`` imbalanced-learn accepts, and every user error."""

import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from reference import class_knn, from_provenance, make_data, smote

import streamsmote as ss
from streamsmote.strategy import plan

MULTI = [60, 12, 25, 9]


def fit(X, y, **params):
    params.setdefault("random_state", 0)
    sm = ss.SMOTE(**params)
    return sm, *sm.fit_resample(X, y)


# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------


def test_originals_first_then_class_blocks_equal_to_reference():
    X, y = make_data(MULTI, seed=0)
    sm, X_res, y_res = fit(X, y, random_state=3)
    n = len(y)
    assert np.array_equal(X_res[:n], X) and np.array_equal(y_res[:n], y)
    Xs, ys = smote(X, y, sm.sampling_strategy_, k=5, seed=3)
    assert np.array_equal(X_res[n:], Xs)
    assert np.array_equal(y_res[n:], ys)
    assert Counter(y_res.tolist()) == {0: 60, 1: 60, 2: 60, 3: 60}


def test_inputs_are_not_modified():
    X, y = make_data(MULTI, seed=1)
    X0, y0 = X.copy(), y.copy()
    fit(X, y)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


def test_no_synthetic_rows_needed():
    X, y = make_data([10, 10], seed=2)
    sm, X_res, y_res = fit(X, y)
    assert sm.sampling_strategy_ == {1: 0}
    assert np.array_equal(X_res, X) and np.array_equal(y_res, y)
    assert len(sm.provenance_) == 0
    assert list(sm.provenance_.columns) == ["class", "parent", "neighbor", "gap"]


def test_class_of_exactly_k_plus_one_rows():
    X, y = make_data([30, 6], seed=3)
    sm, X_res, _ = fit(X, y, k_neighbors=5)
    prov = sm.provenance_
    assert np.array_equal(X_res[36:], from_provenance(X, prov))
    # every row of the class is a neighbour of every other
    assert set(prov["neighbor"]) <= set(np.flatnonzero(y == 1))


def test_one_feature_duplicates_and_constant_columns():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 1))
    X[30:] = X[30]  # ten identical minority rows
    y = np.r_[np.zeros(30, int), np.ones(10, int)]
    sm, X_res, _ = fit(X, y)
    assert np.array_equal(X_res[40:], np.repeat(X[30:31], 20, axis=0))
    Xc = np.c_[rng.normal(size=(40, 2)), np.full(40, 2.5)]
    sm, X_res, _ = fit(Xc, y)
    assert (X_res[:, 2] == 2.5).all()
    assert np.array_equal(X_res[40:], from_provenance(Xc, sm.provenance_))


def test_numpy_int_labels_keep_dtype():
    X, y = make_data([30, 8], seed=5)
    y = y.astype(np.uint8)
    _, _, y_res = fit(X, y)
    assert y_res.dtype == np.uint8


# ---------------------------------------------------------------------------------------------
# fitted attributes and provenance
# ---------------------------------------------------------------------------------------------


def test_fitted_attributes():
    X, y = make_data(MULTI, seed=6, labels=["d", "b", "c", "a"])
    sm, _, _ = fit(X, y)
    assert sm.classes_.tolist() == ["a", "b", "c", "d"]
    assert sm.class_counts_ == {"a": 9, "b": 12, "c": 25, "d": 60}
    assert list(sm.class_counts_) == ["a", "b", "c", "d"]
    assert sm.sampling_strategy_ == {"a": 51, "b": 48, "c": 35}
    assert list(sm.sampling_strategy_) == ["a", "b", "c"]
    assert sm.sampling_strategy_ == plan("auto", sm.class_counts_)
    assert sm.n_features_in_ == 3
    assert not hasattr(sm, "feature_names_in_")


def test_feature_names_in_only_for_string_columns():
    X, y = make_data([30, 8], seed=7)
    sm = ss.SMOTE(random_state=0)
    sm.fit_resample(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    assert sm.feature_names_in_.dtype == object
    assert sm.feature_names_in_.tolist() == ["a", "b", "c"]
    assert sm.get_feature_names_out().tolist() == ["a", "b", "c"]
    sm.fit_resample(pd.DataFrame(X), y)  # int column names: no feature_names_in_
    assert not hasattr(sm, "feature_names_in_")
    assert sm.get_feature_names_out().tolist() == ["x0", "x1", "x2"]
    sm.fit_resample(X, y)
    assert not hasattr(sm, "feature_names_in_")


def test_get_feature_names_out_checks_its_argument():
    X, y = make_data([30, 8], seed=7)
    sm = ss.SMOTE(random_state=0)
    with pytest.raises(RuntimeError, match="not fitted"):
        sm.get_feature_names_out()
    sm.fit_resample(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    assert sm.get_feature_names_out(["a", "b", "c"]).tolist() == ["a", "b", "c"]
    with pytest.raises(ValueError, match="not equal to feature_names_in_"):
        sm.get_feature_names_out(["a", "b", "z"])
    sm.fit_resample(X, y)
    with pytest.raises(ValueError, match="length equal to number of features"):
        sm.get_feature_names_out(["a", "b"])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_provenance_rebuilds_every_synthetic_row(dtype):
    X, y = make_data(MULTI, seed=8, dtype=dtype)
    sm, X_res, y_res = fit(X, y, random_state=8, k_neighbors=4)
    prov = sm.provenance_
    n = len(y)
    assert len(prov) == len(y_res) - n
    assert prov["parent"].dtype == np.int64 and prov["neighbor"].dtype == np.int64
    assert prov["gap"].between(0, 1, inclusive="left").all()
    rebuilt = from_provenance(X, prov).astype(dtype)
    assert np.array_equal(X_res[n:], rebuilt)
    parents, neighbours = prov["parent"].to_numpy(), prov["neighbor"].to_numpy()
    assert np.array_equal(y[parents], y_res[n:])
    assert np.array_equal(y[neighbours], y_res[n:])
    assert np.array_equal(prov["class"].to_numpy(), y_res[n:])
    near = class_knn(X, y, 4)
    assert all(nb in near[p] for p, nb in zip(parents, neighbours, strict=True))


def test_provenance_uses_input_positions_with_a_pandas_index():
    X, y = make_data([30, 8], seed=9)
    idx = pd.Index(np.arange(38)[::-1] * 3)
    sm, X_res, _ = fit(pd.DataFrame(X, index=idx), pd.Series(y, index=idx))
    assert np.array_equal(X_res.to_numpy()[38:], from_provenance(X, sm.provenance_))


# ---------------------------------------------------------------------------------------------
# pandas and integer columns
# ---------------------------------------------------------------------------------------------


def mixed_frame(seed=10):
    rng = np.random.default_rng(seed)
    n_maj, n_min = 40, 10
    n = n_maj + n_min
    X = pd.DataFrame(
        {
            "f64": rng.normal(size=n),
            "f32": rng.normal(size=n).astype(np.float32),
            "i32": rng.integers(-1000, 1000, size=n).astype(np.int32),
            "u8": rng.integers(0, 256, size=n).astype(np.uint8),
            "flag": rng.random(n) < 0.5,
        }
    )
    y = pd.Series(np.r_[np.zeros(n_maj, int), np.ones(n_min, int)], name="is_fraud")
    return X, y.astype("int8")


def test_pandas_keeps_columns_dtypes_index_and_series():
    X, y = mixed_frame()
    sm, X_res, y_res = fit(X, y)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert X_res.columns.tolist() == X.columns.tolist()
    assert X_res.dtypes.tolist() == X.dtypes.tolist()
    assert y_res.name == "is_fraud" and y_res.dtype == np.int8
    assert X_res.index.equals(pd.RangeIndex(80)) and y_res.index.equals(pd.RangeIndex(80))
    pd.testing.assert_frame_equal(X_res.iloc[:50], X)
    pd.testing.assert_series_equal(y_res.iloc[:50], y)


def test_integer_and_bool_columns_are_rounded_not_truncated():
    X, y = mixed_frame()
    sm, X_res, _ = fit(X, y)
    floats = from_provenance(X.to_numpy(dtype=np.float64), sm.provenance_)
    syn = X_res.iloc[50:]
    assert np.array_equal(syn["f64"].to_numpy(), floats[:, 0])
    assert np.array_equal(syn["f32"].to_numpy(), floats[:, 1].astype(np.float32))
    for j, col in [(2, "i32"), (3, "u8"), (4, "flag")]:
        expected = np.rint(floats[:, j]).astype(X[col].dtype)
        assert np.array_equal(syn[col].to_numpy(), expected), col
    # the data is such that rounding and truncation differ, so the test tells them apart
    assert (np.rint(floats[:, 2]) != np.trunc(floats[:, 2])).any()


def test_integer_ndarray_is_rounded_and_keeps_dtype():
    rng = np.random.default_rng(11)
    X = rng.integers(-50, 50, size=(45, 3)).astype(np.int32)
    y = np.r_[np.zeros(35, int), np.ones(10, int)]
    sm, X_res, _ = fit(X, y)
    assert X_res.dtype == np.int32
    expected = np.rint(from_provenance(X, sm.provenance_)).astype(np.int32)
    assert np.array_equal(X_res[45:], expected)


def test_pandas_nullable_and_extension_columns():
    X, y = mixed_frame(12)
    X = X[["f64", "i32"]].astype({"i32": "Int64"})
    _, X_res, _ = fit(X, y)
    assert X_res.dtypes.tolist() == X.dtypes.tolist()


def test_pandas_sparse_columns_are_densified_and_kept_sparse():
    X, y = make_data([30, 8], seed=12)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).astype(pd.SparseDtype(float, 0.0))
    _, X_dense, _ = fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    _, X_sparse, _ = fit(frame, y)
    assert all(isinstance(dt, pd.SparseDtype) for dt in X_sparse.dtypes)
    assert np.array_equal(X_sparse.to_numpy(dtype=float), X_dense.to_numpy())


# ---------------------------------------------------------------------------------------------
# the forms of y (and X) that imbalanced-learn's fit_resample accepts
# ---------------------------------------------------------------------------------------------


def test_lists_come_back_as_lists():
    X, y = make_data([30, 8], seed=13)
    _, X_arr, y_arr = fit(X, y)
    _, X_list, y_list = fit(X.tolist(), y.tolist())
    assert isinstance(X_list, list) and isinstance(y_list, list)
    assert X_list == X_arr.tolist() and y_list == y_arr.tolist()


def test_column_y_and_one_column_frame_y():
    X, y = make_data([30, 8], seed=14)
    _, X_ref, y_ref = fit(X, y)
    _, X_col, y_col = fit(X, y.reshape(-1, 1))
    assert np.array_equal(X_col, X_ref) and np.array_equal(y_col, y_ref)
    _, X_df, y_df = fit(pd.DataFrame(X, columns=list("abc")), pd.DataFrame({"t": y}))
    assert isinstance(y_df, pd.DataFrame) and y_df.columns.tolist() == ["t"]
    assert np.array_equal(y_df["t"].to_numpy(), y_ref)
    assert np.array_equal(X_df.to_numpy(), X_ref)


def test_one_hot_y_comes_back_one_hot():
    X, y = make_data(MULTI, seed=15)
    onehot = np.eye(4, dtype=np.int64)[y]
    _, X_ref, y_ref = fit(X, y)
    _, X_oh, y_oh = fit(X, onehot)
    assert np.array_equal(X_oh, X_ref)
    assert y_oh.shape == (len(y_ref), 4) and y_oh.dtype == np.int64
    assert np.array_equal(y_oh.argmax(axis=1), y_ref)
    assert (y_oh.sum(axis=1) == 1).all()


def _y_forms():
    X, y = make_data([30, 8], seed=18)
    frame = pd.DataFrame(X, columns=list("abc"))
    labels = np.where(y == 1, "rare", "common")
    return {
        "ndarray X, Series y": (X, pd.Series(y, name="t")),
        "DataFrame X, ndarray y": (frame, y),
        "ndarray X, categorical Series y": (X, pd.Series(labels, name="c").astype("category")),
        "ndarray X, nullable Series y": (X, pd.Series(y, dtype="Int64")),
        "DataFrame X, string ndarray y": (frame, labels),
        "DataFrame X, indexed Series y": (
            pd.DataFrame(X, index=np.arange(38) * 2),
            pd.Series(labels, index=np.arange(38) * 2, name="t").astype("category"),
        ),
    }


@pytest.mark.parametrize("form", list(_y_forms()))
def test_y_keeps_its_own_container_as_in_imblearn(form):
    from imblearn.over_sampling import SMOTE as ImbSMOTE

    X, y = _y_forms()[form]
    X_res, y_res = ss.SMOTE(neighbors="exact", random_state=0).fit_resample(X, y)
    X_ref, y_ref = ImbSMOTE(random_state=0).fit_resample(X, y)
    assert type(X_res) is type(X_ref) and type(y_res) is type(y_ref)
    if isinstance(y_ref, pd.Series):
        pd.testing.assert_series_equal(y_res, y_ref)
    else:
        assert y_res.dtype == y_ref.dtype and np.array_equal(y_res, y_ref)


def test_multilabel_and_continuous_targets_are_rejected():
    X = np.random.default_rng(16).normal(size=(20, 2))
    multilabel = np.random.RandomState(42).randint(2, size=(20, 3))
    with pytest.raises(ValueError, match="Multilabel and multioutput targets are not"):
        ss.SMOTE().fit_resample(X, multilabel)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        ss.SMOTE().fit_resample(X, np.linspace(0, 1, 20))


# ---------------------------------------------------------------------------------------------
# errors that say what to do
# ---------------------------------------------------------------------------------------------


def data(n_maj=30, n_min=8):
    return make_data([n_maj, n_min], n_features=3, seed=17)


def test_nan_and_inf_name_the_column():
    X, y = data()
    Xf = pd.DataFrame(X, columns=["amount", "age", "score"])
    Xf.loc[5, "age"] = np.nan
    with pytest.raises(ValueError, match=r"column 'age' holds NaN.*row 5.*impute or drop"):
        ss.SMOTE().fit_resample(Xf, y)
    X = X.copy()
    X[7, 2] = np.inf
    with pytest.raises(ValueError, match=r"column index 2 holds inf.*row 7"):
        ss.SMOTE().fit_resample(X, y)


def test_small_class_names_class_count_and_fix():
    X, y = data(30, 4)
    y = np.where(y == 1, "rare", "common")
    with pytest.raises(
        ValueError,
        match=r"k_neighbors=5 needs at least 6 rows of class 'rare'; got 4\. Lower "
        r"k_neighbors \(to at most 3\)",
    ):
        ss.SMOTE().fit_resample(X, y)
    _, X_res, _ = fit(X, y, k_neighbors=3)  # the suggested fix works
    assert len(X_res) == 60


def test_small_class_not_resampled_is_fine():
    X, y = data(30, 4)
    _, X_res, y_res = fit(X, y, sampling_strategy={0: 40})
    assert Counter(y_res.tolist()) == {0: 40, 1: 4}


def test_one_class():
    X, _ = data()
    with pytest.raises(ValueError, match=r"more than 1 class"):
        ss.SMOTE().fit_resample(X, np.zeros(len(X)))


@pytest.mark.parametrize(
    ("strategy", "match"),
    [
        ({5: 100}, "not present"),
        ({1: 2}, "greater or equal"),
    ],
)
def test_bad_sampling_strategy_for_the_data(strategy, match):
    X, y = data()
    with pytest.raises(ValueError, match=match):
        ss.SMOTE(sampling_strategy=strategy).fit_resample(X, y)


def test_length_mismatch_empty_and_1d_x():
    X, y = data()
    with pytest.raises(ValueError, match=r"X has 38 rows but y has 37"):
        ss.SMOTE().fit_resample(X, y[:-1])
    with pytest.raises(ValueError, match=r"0 sample"):
        ss.SMOTE().fit_resample(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match=r"0 feature"):
        ss.SMOTE().fit_resample(np.empty((38, 0)), y)
    with pytest.raises(ValueError, match=r"2-D.*reshape\(-1, 1\)"):
        ss.SMOTE().fit_resample(X[:, 0], y)
    with pytest.raises(ValueError, match=r"not numeric"):
        ss.SMOTE().fit_resample(X.astype(str), y)


def test_sparse_x_is_rejected_with_the_fix():
    sparse = pytest.importorskip("scipy.sparse")
    X, y = data()
    with pytest.raises(TypeError, match=r"toarray"):
        ss.SMOTE().fit_resample(sparse.csr_matrix(X), y)


@pytest.mark.parametrize(
    ("params", "allowed", "hint"),
    [
        (
            {"k_neighbors": 0},
            r"an int in the range \[1, inf\) or an object implementing",
            "usually 5",
        ),
        ({"k_neighbors": -1}, "an int in the range", "NearestNeighbors"),
        ({"k_neighbors": 2.5}, "an int in the range", "usually 5"),
        ({"k_neighbors": True}, "an int in the range", "usually 5"),
        ({"k_neighbors": "5"}, "an int in the range", "usually 5"),
        ({"k_neighbors": None}, "an int in the range", "usually 5"),
        ({"sampling_strategy": "balanced"}, "a str among {.*'not majority'", "ratio"),
        ({"sampling_strategy": 1.5}, r"a float in the range \(0.0, 1.0\]", "ratio"),
        ({"sampling_strategy": [0, 1]}, "Mapping' or a callable", "dict"),
        ({"sampling_strategy": True}, "a float in the range", "dict"),
        ({"neighbors": "fast"}, "a str among {.*'approx'", "reference"),
        ({"neighbors": None}, "a str among", "reference"),
        ({"neighbors": "EXACT"}, "a str among", "reference"),
        ({"random_state": np.random.default_rng(0)}, "RandomState' or None", "Generator is not"),
        ({"random_state": "0"}, r"an int in the range \[0, 4294967295\]", "legacy"),
        ({"random_state": 1.5}, "an int in the range", "legacy"),
        ({"random_state": True}, "an int in the range", "legacy"),
        ({"random_state": -1}, "an int in the range", "legacy"),
        ({"random_state": 2**32}, "an int in the range", "legacy"),
        (
            {"memory_limit": 0},
            r"None, an int in the range \[1, inf\) or an instance of 'str'",
            "512MB",
        ),
        ({"memory_limit": -5}, "an int in the range", "2GiB"),
        ({"memory_limit": 1.5}, "an int in the range", "2GiB"),
        ({"memory_limit": True}, "an int in the range", "2GiB"),
    ],
)
def test_bad_parameters_in_sklearn_wording_with_the_fix(params, allowed, hint):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = data()
    ((name, value),) = params.items()
    match = rf"The '{name}' parameter of SMOTE must be .*{allowed}.*\. Got .* instead\. .*{hint}"
    for method in ("fit_resample", "fit"):
        with pytest.raises(InvalidParameterError, match=match):
            getattr(ss.SMOTE(**params), method)(X, y)


def test_bad_parameters_without_sklearn_are_value_errors(monkeypatch):
    import sys

    import sklearn.utils

    monkeypatch.setitem(sys.modules, "sklearn.utils._param_validation", None)
    monkeypatch.delattr(sklearn.utils, "_param_validation")
    X, y = data()
    match = (
        r"^The 'k_neighbors' parameter of SMOTE must be an int in the range \[1, inf\) or "
        r"an object implementing 'kneighbors' and 'kneighbors_graph'\. Got 0 instead\."
    )
    with pytest.raises(ValueError, match=match) as info:
        ss.SMOTE(k_neighbors=0).fit_resample(X, y)
    assert type(info.value) is ValueError
    with pytest.raises(ValueError, match=r"'random_state' parameter .* an int in the range \[0"):
        ss.SMOTE(random_state=-1).fit_resample(X, y)


def test_parameter_constraints_for_sklearn_checks():
    from sklearn.utils._param_validation import validate_parameter_constraints

    sm = ss.SMOTE()
    constraints = sm._parameter_constraints
    assert set(constraints) == set(sm.get_params())
    validate_parameter_constraints(constraints, sm.get_params(), "SMOTE")
    osm = ss.OnlineSMOTE()
    assert set(osm._parameter_constraints) == set(osm.get_params())
    validate_parameter_constraints(osm._parameter_constraints, osm.get_params(), "OnlineSMOTE")


@pytest.mark.parametrize("limit", ["lots", "0MB"])
def test_bad_memory_limit_string(limit):
    X, y = data()
    with pytest.raises(ValueError, match=r"memory_limit must be a positive number of bytes"):
        ss.SMOTE(memory_limit=limit).fit_resample(X, y)


@pytest.mark.parametrize("limit", ["512MB", "2GiB", 10**6, None])
def test_good_memory_limit(limit):
    X, y = data()
    _, X_res, _ = fit(X, y, memory_limit=limit)
    assert len(X_res) == 60


def test_fit_resample_emits_no_warning():
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(X, y)


def test_own_constraint_checks_agree_with_sklearn():
    # without scikit-learn the constraints are checked and described here: the same verdicts
    # (bools aside, refused here) and the same wording (string options aside, sorted here)
    from sklearn.utils import _param_validation as pv

    from streamsmote._constraints import ParameterConstraints, StrOptions, _describe, _satisfied
    from streamsmote._constraints import _to_sklearn as to_sklearn

    values = [None, 0, 1, 5, -1, 0.5, 1.0, 1.5, 2**32, float("nan"), "auto", "x", {1: 2}, len]
    values += [np.random.RandomState(0), np.random.default_rng(0), np.int64(3), np.float32(0.5)]
    for cls in (ss.SMOTE, ss.OnlineSMOTE):
        for constraints in ParameterConstraints.of(cls).constraints.values():
            for c in constraints:
                theirs = pv.make_constraint(to_sklearn(c, pv))
                if not isinstance(c, StrOptions):
                    assert _describe(c) == str(theirs)
                for v in values:
                    assert _satisfied(c, v) == theirs.is_satisfied_by(v), (c, v)


# ---------------------------------------------------------------------------------------------
# k_neighbors as a nearest-neighbours object
# ---------------------------------------------------------------------------------------------


class _ManhattanNeighbors:
    """Not a scikit-learn estimator: anything with kneighbors and kneighbors_graph will do."""

    def __init__(self, n_neighbors):
        self.n_neighbors = n_neighbors

    def fit(self, X):
        self.X_ = X
        return self

    def kneighbors(self, X, return_distance=True):
        d = np.abs(X[:, None, :] - self.X_[None, :, :]).sum(axis=2)
        nn = np.argsort(d, axis=1, kind="stable")[:, : self.n_neighbors]
        return (np.take_along_axis(d, nn, axis=1), nn) if return_distance else nn

    def kneighbors_graph(self, X):  # pragma: no cover - never called
        raise NotImplementedError


@pytest.mark.parametrize("frame", [False, True])
def test_k_neighbors_object_is_used_as_imblearn_uses_it(frame):
    from imblearn.over_sampling import SMOTE as ImbSMOTE
    from sklearn.neighbors import NearestNeighbors

    X, y = make_data(MULTI, n_features=4, seed=19)
    X = pd.DataFrame(X, columns=list("abcd")) if frame else X
    nn = NearestNeighbors(n_neighbors=4, metric="manhattan")
    sm = ss.SMOTE(k_neighbors=nn, random_state=2)
    X_res, y_res = sm.fit_resample(X, y)
    X_ref, y_ref = ImbSMOTE(k_neighbors=nn, random_state=2).fit_resample(X, y)
    assert np.array_equal(np.asarray(X_res), np.asarray(X_ref))
    assert np.array_equal(np.asarray(y_res), np.asarray(y_ref))
    assert sm.nn_k_ is not nn and sm.nn_k_.n_neighbors == 4  # a fitted clone
    assert sm.nn_k_.n_samples_fit_ == MULTI[-1]  # fitted on the last class resampled
    assert not hasattr(nn, "n_samples_fit_")  # the parameter itself is left unfitted
    # the same through the streaming path
    synthetic = np.concatenate([np.asarray(b[0]) for b in sm.fit(X, y).generate(50)])
    assert np.array_equal(synthetic, np.asarray(X_ref)[len(y) :])


def test_k_neighbors_duck_typed_object():
    X, y = make_data([40, 12], n_features=3, seed=20)
    sm = ss.SMOTE(k_neighbors=_ManhattanNeighbors(3), random_state=0)
    X_res, _ = sm.fit_resample(X, y)
    prov = sm.provenance_
    assert np.array_equal(X_res[52:], from_provenance(X, prov))
    rows = np.flatnonzero(y == 1)
    d = np.abs(X[rows][:, None] - X[rows][None]).sum(axis=2)
    near = {rows[i]: set(rows[np.argsort(d[i], kind="stable")[1:3]]) for i in range(len(rows))}
    assert all(nb in near[p] for p, nb in zip(prov["parent"], prov["neighbor"], strict=True))


def test_k_neighbors_object_too_large_for_a_class():
    from sklearn.neighbors import NearestNeighbors

    X, y = data(30, 4)
    with pytest.raises(
        ValueError,
        match=r"k_neighbors=NearestNeighbors\(n_neighbors=6\) needs at least 6 rows of class 1; "
        r"got 4\. Lower its n_neighbors \(to at most 4\)",
    ):
        ss.SMOTE(k_neighbors=NearestNeighbors(n_neighbors=6)).fit_resample(X, y)


def test_nn_k_for_an_int_is_imblearns_default_object():
    X, y = data()
    sm = ss.SMOTE(k_neighbors=3, random_state=0)
    assert not hasattr(sm, "nn_k_")
    sm.fit_resample(X, y)
    assert type(sm.nn_k_).__name__ == "NearestNeighbors" and sm.nn_k_.n_neighbors == 4


# ---------------------------------------------------------------------------------------------
# fit(X, y) on in-memory data: checked as fit_resample checks it
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("frame", [False, True])
def test_fit_without_y_says_y_is_required(frame):
    X, _ = data()
    X = pd.DataFrame(X) if frame else X
    with pytest.raises(ValueError, match=r"requires y to be passed, but the target y is None"):
        ss.SMOTE().fit(X)


@pytest.mark.parametrize("method", ["fit", "fit_resample"])
def test_fit_checks_in_memory_x_as_fit_resample_does(method):
    sparse = pytest.importorskip("scipy.sparse")
    X, y = data()
    sm = ss.SMOTE()
    with pytest.raises(ValueError, match=r"0 feature\(s\) \(shape=\(38, 0\)\) while a minimum"):
        getattr(sm, method)(np.empty((38, 0)), y)
    with pytest.raises(ValueError, match=r"0 sample\(s\)"):
        getattr(sm, method)(np.empty((0, 3)), [])
    with pytest.raises(TypeError, match=r"^X is a scipy.sparse matrix.*toarray\(\)"):
        getattr(sm, method)(sparse.csr_matrix(X), y)
    with pytest.raises(ValueError, match=r"^Complex data not supported: X holds complex"):
        getattr(sm, method)(X + 1j, y)
    with pytest.raises(ValueError, match=r"Complex data not supported: columns \['b'\] hold"):
        getattr(sm, method)(pd.DataFrame({"a": X[:, 0], "b": X[:, 1] + 1j}), y)


def test_object_x_holding_numbers_is_converted_as_imblearn_converts_it():
    from imblearn.over_sampling import SMOTE as ImbSMOTE

    X, y = data()
    X_obj = X.astype(object)
    X_res, _ = ss.SMOTE(neighbors="exact", random_state=0).fit_resample(X_obj, y)
    X_ref, _ = ImbSMOTE(random_state=0).fit_resample(X_obj, y)
    assert X_res.dtype == X_ref.dtype == np.float64 and np.array_equal(X_res, X_ref)
    frame = pd.DataFrame(X, columns=list("abc")).astype({"b": object})
    F_res, _ = ss.SMOTE(neighbors="exact", random_state=0).fit_resample(frame, y)
    pd.testing.assert_frame_equal(F_res, ImbSMOTE(random_state=0).fit_resample(frame, y)[0])
    ss.SMOTE().fit(X_obj, y)  # and through fit
    X_obj[0, 0] = {"foo": "bar"}
    with pytest.raises(TypeError, match=r"dtype object and holds values that are not numbers"):
        ss.SMOTE().fit(X_obj, y)
    frame.loc[3, "b"] = None
    with pytest.raises(ValueError, match=r"column 'b' holds NaN \(missing value\) at row 3"):
        ss.SMOTE().fit_resample(frame, y)
    frame.loc[3, "b"] = "x"
    with pytest.raises(ValueError, match=r"non-numeric feature columns \['b'\]"):
        ss.SMOTE().fit_resample(frame, y)
