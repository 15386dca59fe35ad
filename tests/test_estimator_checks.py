"""The estimator contract: imbalanced-learn's own estimator checks, ``clone``,
``get_params``/``set_params``, pickling, and use inside imbalanced-learn's ``Pipeline``."""

import inspect
import pickle

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.pipeline import Pipeline
from imblearn.utils.estimator_checks import parametrize_with_checks
from reference import make_data
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

import streamsmote as ss

# Checks that compare two fit_resample calls (ndarray vs DataFrame, vs lists, vs one-hot y)
# need a fixed random_state: with random_state=None each call draws other rows. imbalanced-learn
# runs its own SMOTE with random_state=42 for the same reason, and its SMOTE() fails these very
# checks (run estimator_checks_generator(imblearn SMOTE()) to see).
_UNSEEDED = (
    "random_state=None: the check compares two fit_resample calls, which draw different "
    "synthetic rows (imbalanced-learn's own SMOTE() fails it too)"
)


def _expected_failed(estimator):
    if estimator.random_state is not None:
        return {}
    return {
        name: _UNSEEDED
        for name in (
            "check_samplers_pandas",
            "check_samplers_pandas_sparse",
            "check_samplers_list",
            "check_samplers_multiclass_ova",
        )
    }


# the instances imbalanced-learn's own common tests build (it skips its SMOTENC; ours passes)
_ESTIMATORS = [
    ss.SMOTE(random_state=42),
    ss.SMOTEN(random_state=42),
    ss.SMOTENC(categorical_features=[0], random_state=42),
    ss.BorderlineSMOTE(random_state=42),
    ss.BorderlineSMOTE(kind="borderline-2", random_state=42),
    ss.ADASYN(random_state=42),
]
_KWARGS = {}
if "expected_failed_checks" in inspect.signature(parametrize_with_checks).parameters:
    _ESTIMATORS.append(ss.SMOTE())
    _KWARGS["expected_failed_checks"] = _expected_failed


_MARK = parametrize_with_checks(_ESTIMATORS, **_KWARGS)
# imbalanced-learn hands pytest a generator, which pytest deprecates: give it a list
_MARK = pytest.mark.parametrize(_MARK.args[0], list(_MARK.args[1]), **_MARK.kwargs)


@_MARK
def test_imblearn_estimator_checks(estimator, check):
    check(estimator)


def test_the_checks_ran():
    names = {c.func.__name__ for _, c in _checks(ss.SMOTE(random_state=42))}
    assert {
        "check_samplers_fit_resample",
        "check_samplers_pandas",
        "check_samplers_list",
        "check_samplers_multiclass_ova",
        "check_samplers_preserve_dtype",
        "check_samplers_2d_target",
        "check_sampler_get_feature_names_out_pandas",
    } <= names
    # sparse matrices are declared unsupported, so imbalanced-learn does not send them
    assert "check_samplers_sparse" not in names


def _checks(estimator):
    from imblearn.utils.estimator_checks import estimator_checks_generator

    return list(estimator_checks_generator(estimator))


def test_tags():
    from sklearn.utils import get_tags

    tags = get_tags(ss.SMOTE())
    assert tags.estimator_type == "sampler"
    assert tags.target_tags.required
    assert not tags.input_tags.sparse and not tags.input_tags.allow_nan
    assert tags.input_tags.dataframe and tags.input_tags.two_d_array
    assert tags.sampler_tags is not None and not tags.sampler_tags.sample_indices


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------

PARAMS = {
    "k_neighbors": 3,
    "sampling_strategy": {1: 40},
    "random_state": 7,
    "neighbors": "exact",
    "memory_limit": "64MB",
}


def test_init_only_stores_parameters():
    sm = ss.SMOTE(k_neighbors=-3, neighbors="nonsense", random_state="x", memory_limit="??")
    assert sm.k_neighbors == -3  # no validation before fit
    assert not any(name.endswith("_") and not name.startswith("_") for name in vars(sm))


def test_get_params_and_set_params():
    sm = ss.SMOTE()
    assert sm.get_params() == {
        "k_neighbors": 5,
        "sampling_strategy": "auto",
        "random_state": None,
        "neighbors": "auto",
        "memory_limit": None,
    }
    assert sm.set_params(**PARAMS) is sm
    assert sm.get_params() == PARAMS
    assert sm.get_params(deep=False) == PARAMS
    with pytest.raises(ValueError, match=r"Invalid parameter 'k'.*valid parameters"):
        sm.set_params(k=3)
    # same parameter names as imbalanced-learn's SMOTE, where they exist there
    assert {"k_neighbors", "sampling_strategy", "random_state"} <= set(ImbSMOTE().get_params())


def test_clone_copies_parameters_not_fit():
    X, y = make_data([40, 10], seed=0)
    sm = ss.SMOTE(**PARAMS)
    sm.fit_resample(X, y)
    twin = clone(sm)
    assert type(twin) is ss.SMOTE and twin is not sm
    assert twin.get_params() == sm.get_params()
    assert not hasattr(twin, "sampling_strategy_")
    a, b = sm.fit_resample(X, y), twin.fit_resample(X, y)
    assert np.array_equal(a[0], b[0])


def test_repr_shows_changed_parameters():
    assert repr(ss.SMOTE()) == "SMOTE()"
    assert repr(ss.SMOTE(k_neighbors=3, random_state=0)) == "SMOTE(k_neighbors=3, random_state=0)"


def test_fitted_sampler_pickles():
    X, y = make_data([40, 10], seed=1)
    sm = ss.SMOTE(random_state=1)
    X_res, _ = sm.fit_resample(X, y)
    again = pickle.loads(pickle.dumps(sm))
    assert again.sampling_strategy_ == sm.sampling_strategy_
    synthetic = np.concatenate([b[0] for b in again.generate(7)])
    assert np.array_equal(synthetic, X_res[50:])


def test_no_transform_method():
    assert not hasattr(ss.SMOTE(), "transform")


# ---------------------------------------------------------------------------------------------
# pipelines
# ---------------------------------------------------------------------------------------------


def test_inside_imblearn_pipeline_with_logistic_regression():
    X, y = make_data([150, 20], n_features=4, seed=2)
    pipe = Pipeline(
        [("smote", ss.SMOTE(random_state=0)), ("clf", LogisticRegression(max_iter=500))]
    )
    pipe.fit(X, y)
    assert pipe.predict(X).shape == (170,)
    assert pipe.named_steps["smote"].sampling_strategy_ == {1: 130}
    # the classifier saw the balanced data
    assert pipe.named_steps["clf"].n_features_in_ == 4
    ref = LogisticRegression(max_iter=500).fit(*ss.SMOTE(random_state=0).fit_resample(X, y))
    assert np.array_equal(pipe.named_steps["clf"].coef_, ref.coef_)
    # cloned per fold by cross-validation; parameters reach the step through set_params
    pipe.set_params(smote__k_neighbors=3)
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,)
    assert pipe.named_steps["smote"].k_neighbors == 3


def test_same_pipeline_result_as_imblearn_smote():
    X, y = make_data([150, 20], n_features=4, seed=3)

    def fitted(sampler):
        return Pipeline([("s", sampler), ("clf", LogisticRegression(max_iter=500))]).fit(X, y)

    ours = fitted(ss.SMOTE(neighbors="exact", random_state=3))
    theirs = fitted(ImbSMOTE(random_state=3))
    assert np.array_equal(ours.named_steps["clf"].coef_, theirs.named_steps["clf"].coef_)


def test_make_pipeline_with_a_transformer_and_series_y():
    # the scaler hands SMOTE an ndarray X; y stays a Series, as imbalanced-learn keeps it
    from imblearn.pipeline import make_pipeline
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True, as_frame=True)
    X, y = X.iloc[:120], y.iloc[:120]  # classes of 50, 50, 20
    pipe = make_pipeline(StandardScaler(), ss.SMOTE(random_state=0), LogisticRegression())
    pipe.set_output(transform="default").fit(X, y)
    X_res, y_res = pipe[:-1].fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and isinstance(y_res, pd.Series)
    assert y_res.value_counts().tolist() == [50, 50, 50]
    pipe.set_output(transform="pandas")
    X_res, y_res = pipe[:-1].fit_resample(X, y)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert X_res.index.equals(y_res.index)


def test_inside_balanced_bagging_classifier():
    from imblearn.ensemble import BalancedBaggingClassifier
    from sklearn.tree import DecisionTreeClassifier

    X, y = make_data([150, 30, 20], n_features=4, seed=4)
    bag = BalancedBaggingClassifier(
        estimator=DecisionTreeClassifier(random_state=0),
        sampler=ss.SMOTE(random_state=0),
        n_estimators=3,
        random_state=0,
    ).fit(X, y)
    assert bag.predict(X).shape == (200,)
    # each member's sampler over-sampled its bootstrap to the majority's count
    for member in bag.estimators_:
        smote = member.named_steps["sampler"]
        counts = smote.class_counts_
        top = max(counts.values())
        assert {c: counts[c] + n for c, n in smote.sampling_strategy_.items()} == {
            c: top for c in counts if c != max(counts, key=counts.get)
        }


def test_samplers_declare_over_sampling():
    assert ss.SMOTE()._sampling_type == "over-sampling"
    assert ss.OnlineSMOTE()._sampling_type == "over-sampling"


def test_smote_then_cleaning_as_a_pipeline():
    # SMOTEENN(smote=ss.SMOTE()) is refused by imbalanced-learn (it wants its own SMOTE class);
    # a pipeline of the two samplers resamples the same way
    from imblearn.combine import SMOTEENN
    from imblearn.pipeline import make_pipeline
    from imblearn.under_sampling import EditedNearestNeighbours

    X, y = make_data([120, 30], n_features=3, seed=5)
    ours = make_pipeline(ss.SMOTE(neighbors="exact", random_state=0), EditedNearestNeighbours())
    theirs = SMOTEENN(smote=ImbSMOTE(random_state=0), enn=EditedNearestNeighbours())
    for a, b in zip(ours.fit_resample(X, y), theirs.fit_resample(X, y), strict=True):
        assert np.array_equal(a, b)
