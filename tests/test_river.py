"""streamsmote.river.SMOTEClassifier with real river models."""

import importlib
import random
import sys

import numpy as np
import pandas as pd
import pytest

river = pytest.importorskip("river")
from river import linear_model, metrics, naive_bayes, preprocessing  # noqa: E402
from river.checks import check_estimator  # noqa: E402

from streamsmote.river import SMOTEClassifier  # noqa: E402


def stream(seed, n, p=0.02, shift=1.5):
    rng = random.Random(seed)
    for _ in range(n):
        y = rng.random() < p
        x = {
            "a": rng.gauss(shift * y, 1.0),
            "b": rng.gauss(shift * y, 1.0),
            "c": rng.gauss(0.0, 1.0),
        }
        yield x, y


class Spy(naive_bayes.GaussianNB):
    """GaussianNB that records what it learns."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def learn_one(self, x, y, **kwargs):
        self.seen.append((dict(x), y))
        super().learn_one(x, y)


def test_river_estimator_checks():
    check_estimator(SMOTEClassifier(linear_model.LogisticRegression(), k_neighbors=3, seed=0))


def test_synthetic_rows_reach_the_model():
    spy = Spy()
    model = SMOTEClassifier(spy, k_neighbors=3, window=300, seed=0)
    data = list(stream(1, 2000, p=0.05))
    for x, y in data:
        model.learn_one(x, y)
    n_real = len(data)
    assert len(spy.seen) == n_real + model.n_synthetic
    synthetic = [(x, y) for x, y in spy.seen if (x, y) not in data]
    assert len(synthetic) == model.n_synthetic > 1000
    assert all(y is True for _, y in synthetic)
    assert all(list(x) == ["a", "b", "c"] for x, _ in synthetic)
    counts = model.sampler.class_counts_
    assert counts[True] + model.n_synthetic + model.sampler.n_owed_.get(True, 0) == counts[False]
    # Each synthetic row lies between two real minority rows: inside their bounding box.
    minority = np.array([[x[k] for k in "abc"] for x, y in data if y])
    syn = np.array([[x[k] for k in "abc"] for x, _ in synthetic])
    assert (syn >= minority.min(0) - 1e-12).all() and (syn <= minority.max(0) + 1e-12).all()


def minority_recall(model, test):
    recall = metrics.Recall(pos_val=True)
    for x, y in test:
        recall.update(y, model.predict_one(x))
    return recall.get()


@pytest.mark.parametrize("make", [linear_model.LogisticRegression, naive_bayes.GaussianNB])
def test_minority_recall_improves(make):
    train = list(stream(2, 6000, p=0.02))
    test = list(stream(3, 5000, p=0.02))
    bare = preprocessing.StandardScaler() | make()
    wrapped = SMOTEClassifier(preprocessing.StandardScaler() | make(), window=2000, seed=0)
    for x, y in train:
        bare.learn_one(x, y)
        wrapped.learn_one(x, y)
    r_bare, r_wrapped = minority_recall(bare, test), minority_recall(wrapped, test)
    assert r_wrapped > r_bare + 0.2, (r_bare, r_wrapped)
    assert wrapped.n_synthetic > 4000


def test_learn_many_with_and_without_a_mini_batch_model():
    data = list(stream(4, 3000, p=0.05))
    X = pd.DataFrame([x for x, _ in data])
    y = pd.Series([y for _, y in data], name="label")
    for make in (linear_model.LogisticRegression, naive_bayes.GaussianNB):
        model = SMOTEClassifier(make(), k_neighbors=4, seed=0)
        for start in range(0, 3000, 500):
            model.learn_many(X.iloc[start : start + 500], y.iloc[start : start + 500])
        counts = model.sampler.class_counts_
        assert counts[True] + model.n_synthetic == counts[False]
        assert model.predict_one({"a": 3.0, "b": 3.0, "c": 0.0}) is True
    proba = model.predict_proba_one({"a": 0.0, "b": 0.0, "c": 0.0})
    assert set(proba) == {False, True}
    lr = SMOTEClassifier(linear_model.LogisticRegression(), seed=0)
    lr.learn_many(X, y)
    assert len(lr.predict_many(X.head(5))) == 5
    with pytest.raises(TypeError, match="DataFrame"):
        lr.learn_many(X.to_numpy(), y)


def test_same_seed_same_model_and_non_numeric_features():
    def train(seed):
        model = SMOTEClassifier(linear_model.LogisticRegression(), k_neighbors=3, seed=seed)
        for x, y in stream(5, 1500, p=0.05):
            model.learn_one(x, y)
        return model.classifier.weights

    assert train(7) == train(7)
    assert train(7) != train(8)
    model = SMOTEClassifier(naive_bayes.GaussianNB())
    model.learn_one({"a": 1.0, "b": 2.0}, False)
    with pytest.raises(ValueError, match="Feature 'a' holds 'x'.*OneHotEncoder"):
        model.learn_one({"a": "x", "b": 2.0}, True)


def test_missing_river_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "river", None)
    monkeypatch.delitem(sys.modules, "streamsmote.river")
    with pytest.raises(ImportError, match=r'pip install "streamsmote\[river\]"'):
        importlib.import_module("streamsmote.river")
