"""SVMSMOTE and KMeansSMOTE: parity with imbalanced-learn in memory, the streamed
approximations (balanced output, originals once and unchanged, rows where they belong,
deterministic, chunk invariant), the reservoir, and the error messages."""

import warnings

import numpy as np
import pandas as pd
import pytest

imblearn = pytest.importorskip("imblearn")
sklearn = pytest.importorskip("sklearn")

import imblearn.over_sampling as io  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402

import streamsmote as ss  # noqa: E402
from streamsmote.variants import _whole  # noqa: E402

KMEANS = {"kmeans_estimator": 4, "cluster_balance_threshold": 0.05}
VARIANTS = [("SVMSMOTE", {}), ("KMeansSMOTE", KMEANS), ("KMeansSMOTE", {})]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's MiniBatchKMeans/threadpool chatter
        yield


def _data(n=400, n_classes=2, seed=0, dtype=np.float64):
    weights = [0.85, 0.15] if n_classes == 2 else [0.6, 0.25, 0.15]
    X, y = make_classification(
        n,
        5,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        weights=weights,
        random_state=seed,
    )
    return X.astype(dtype), y


def _both(name, kw, X, y, seed):
    def run(module, **extra):
        try:
            return getattr(module, name)(random_state=seed, **kw, **extra).fit_resample(X, y)
        except Exception as exc:  # noqa: BLE001 - compared below
            return exc

    return run(io), run(ss, neighbors="exact")


@pytest.mark.parametrize("name,kw", VARIANTS)
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_in_memory_parity(name, kw, n_classes, dtype, seed):
    X, y = _data(n_classes=n_classes, seed=seed, dtype=dtype)
    theirs, ours = _both(name, kw, X, y, seed)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours).startswith(str(theirs))
        return
    assert ours[0].dtype == theirs[0].dtype
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


@pytest.mark.parametrize("name,kw", VARIANTS[:2])
def test_pandas_and_shared_random_state_parity(name, kw):
    X, y = _data(n_classes=3, seed=4)
    Xd, ys = pd.DataFrame(X, columns=list("abcde")), pd.Series(y, name="t")
    a = getattr(io, name)(random_state=3, **kw).fit_resample(Xd, ys)
    b = getattr(ss, name)(random_state=3, neighbors="exact", **kw).fit_resample(Xd, ys)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_series_equal(a[1], b[1])
    ra, rb = np.random.RandomState(5), np.random.RandomState(5)
    a = getattr(io, name)(random_state=ra, **kw).fit_resample(X, y)
    b = getattr(ss, name)(random_state=rb, neighbors="exact", **kw).fit_resample(X, y)
    np.testing.assert_array_equal(a[0], b[0])
    assert (ra.get_state()[1] == rb.get_state()[1]).all()  # consumed alike


def test_fitted_attributes_as_imblearn():
    X, y = _data()
    svm = ss.SVMSMOTE(random_state=0).fit(X, y)
    assert svm.nn_k_.n_neighbors == 6 and svm.nn_m_.n_neighbors == 11
    assert type(svm.svm_estimator_).__name__ == "SVC"
    km = ss.KMeansSMOTE(kmeans_estimator=1, random_state=0).fit(X, y)
    assert km.kmeans_estimator_.n_clusters == 1 and km.cluster_balance_threshold_ == -np.inf
    assert km.nn_k_.n_neighbors == 3


def test_provenance_extrapolation():
    """Danger rows interpolate (gap in [0, 1)); safe rows extrapolate (gap in (-out_step, 0])."""
    X, y = _data(seed=1)
    sm = ss.SVMSMOTE(random_state=0, out_step=0.3)
    X_res, _ = sm.fit_resample(X, y)
    p = sm.provenance_
    par, nb, g = p.parent.to_numpy(), p.neighbor.to_numpy(), p.gap.to_numpy()
    np.testing.assert_allclose(X_res[len(X) :], X[par] + g[:, None] * (X[nb] - X[par]))
    assert (g < 0).any() and g.min() > -0.3 and g.max() < 1
    assert (y[par] == 1).all() and (y[nb] == 1).all()


def _stream(name, kw, X, y, chunksize, seed=0, order="append"):
    sm = getattr(ss, name)(random_state=seed, neighbors="exact", **kw)
    parts = list(sm.resample_chunks(ss.from_arrays(X, y, chunksize=chunksize), order=order))
    Xo = np.concatenate([p[0] for p in parts])
    yo = np.concatenate([p[1] for p in parts])
    synthetic = np.concatenate([p.synthetic for p in parts])
    return sm, Xo, yo, synthetic


@pytest.mark.parametrize("name,kw", VARIANTS[:2])
def test_streamed_small_source_equals_in_memory(name, kw):
    """A source that fits in the reservoir is fitted as in memory: same output, any chunks."""
    X, y = _data(n=500)
    mem = getattr(ss, name)(random_state=0, neighbors="exact", **kw).fit_resample(X, y)
    for chunksize in (37, 500):
        _, Xo, yo, _ = _stream(name, kw, X, y, chunksize)
        np.testing.assert_array_equal(Xo, mem[0])
        np.testing.assert_array_equal(yo, mem[1])


@pytest.mark.parametrize("name,kw", VARIANTS[:2])
def test_streamed_approximation(name, kw, monkeypatch):
    """Past the reservoir: balanced, originals once and unchanged, deterministic and chunk
    invariant for a seed, synthetic rows near the minority."""
    monkeypatch.setattr(_whole, "RESERVOIR_ROWS", 600)
    X, y = _data(n=2500, seed=3)
    runs = [_stream(name, kw, X, y, cs) for cs in (211, 1000, 2500)]
    sm, Xo, yo, synthetic = runs[0]
    np.testing.assert_array_equal(Xo[: len(X)], X)
    np.testing.assert_array_equal(yo[: len(y)], y)
    assert not synthetic[: len(X)].any() and synthetic[len(X) :].all()
    counts = np.bincount(yo)
    assert abs(counts[1] - counts[0]) <= 5  # KMeans-SMOTE rounds each cluster up
    for _, Xr, _yr, _ in runs[1:]:
        np.testing.assert_array_equal(Xr, Xo)
    again = _stream(name, kw, X, y, 333)
    np.testing.assert_array_equal(again[1], Xo)
    # in the minority's region: every new row within the minority's bounding box, widened
    # by SVM-SMOTE's extrapolation
    minority = X[y == 1]
    lo, hi = minority.min(0), minority.max(0)
    pad = 0.5 * (hi - lo) if name == "SVMSMOTE" else 0
    new = Xo[len(X) :]
    assert ((new >= lo - pad) & (new <= hi + pad)).all()
    # interleave gives the same synthetic rows
    _, Xi, _, si = _stream(name, kw, X, y, 500, order="interleave")
    key = lambda a: a[np.lexsort(a.T[::-1])]  # noqa: E731
    np.testing.assert_array_equal(key(Xi[si]), key(new))


def test_reservoir_is_chunk_invariant_and_bounded():
    X = np.arange(3000.0).reshape(1500, 2)
    y = np.zeros(1500, int)
    samples = []
    for cs in (1, 7, 1500):
        r = _whole.Reservoir(100, seed=3)
        for lo in range(0, 1500, cs):
            r.add(X[lo : lo + cs], y[lo : lo + cs], lo)
            assert sum(len(p[0]) for p in r._parts) <= 200 + cs
        samples.append(r.result())
    for s in samples[1:]:
        np.testing.assert_array_equal(s[2], samples[0][2])
    rows = samples[0][2]
    assert len(rows) == 100 and (np.diff(rows) > 0).all()
    np.testing.assert_array_equal(samples[0][0], X[rows])
    other = _whole.Reservoir(100, seed=4)
    other.add(X, y, 0)
    assert not np.array_equal(other.result()[2], rows)  # the seed decides


def test_kmeans_no_cluster_error_as_imblearn():
    X, y = _data()
    kw = {"cluster_balance_threshold": 10}
    with pytest.raises(RuntimeError, match="No clusters found with sufficient samples of class"):
        io.KMeansSMOTE(random_state=0, **kw).fit_resample(X, y)
    with pytest.raises(RuntimeError) as info:
        ss.KMeansSMOTE(random_state=0, **kw).fit_resample(X, y)
    text = str(info.value)
    assert text.startswith(
        "No clusters found with sufficient samples of class 1. Try lowering the "
        "cluster_balance_threshold or increasing the number of clusters."
    )
    assert "SMOTE" in text.split("clusters.", 1)[1]  # what to try instead


def test_svm_errors_as_imblearn():
    from sklearn.linear_model import LogisticRegression

    X, y = _data()
    with pytest.raises(RuntimeError, match="`svm_estimator` is required to exposed a `support_`"):
        ss.SVMSMOTE(svm_estimator=LogisticRegression()).fit_resample(X, y)
    X, y = make_classification(
        n_classes=3,
        class_sep=0.001,
        weights=[0.004, 0.451, 0.545],
        n_informative=3,
        n_redundant=0,
        flip_y=0,
        n_features=3,
        n_clusters_per_class=2,
        n_samples=1000,
        random_state=10,
    )
    with pytest.raises(ValueError, match="SVM-SMOTE is not adapted to your dataset") as info:
        ss.SVMSMOTE(k_neighbors=4, random_state=42).fit_resample(X, y)
    assert "BorderlineSMOTE" in str(info.value)


@pytest.mark.parametrize(
    "cls,params,fragment",
    [
        (ss.SVMSMOTE, {"out_step": 2.0}, "out_step"),
        (ss.SVMSMOTE, {"m_neighbors": 0}, "m_neighbors"),
        (ss.KMeansSMOTE, {"kmeans_estimator": "x"}, "kmeans_estimator"),
        (ss.KMeansSMOTE, {"density_exponent": "big"}, "density_exponent"),
    ],
)
def test_parameter_errors(cls, params, fragment):
    X, y = _data()
    with pytest.raises(ValueError, match=fragment):
        cls(**params).fit_resample(X, y)


def test_registered():
    from streamsmote.variants import METHODS

    assert METHODS["svm"] is ss.SVMSMOTE and METHODS["kmeans"] is ss.KMeansSMOTE
    assert "SVMSMOTE" in dir(ss) and "KMeansSMOTE" in dir(ss)


def test_streamed_svc_kernel_cache_counts_in_memory_limit():
    X, y = make_classification(n_samples=3000, weights=[0.9], random_state=0)
    src = ss.from_arrays(X, y, chunksize=500)
    for limit, cache in ((None, 32.0), ("64MB", 16.0), ("2GB", 200.0)):
        sm = ss.SVMSMOTE(random_state=0, memory_limit=limit).fit(src)
        assert sm.svm_estimator_.cache_size == cache
    # in memory, imbalanced-learn's own SVC, untouched
    sm = ss.SVMSMOTE(random_state=0)
    sm.fit_resample(X, y)
    assert sm.svm_estimator_.cache_size == 200
