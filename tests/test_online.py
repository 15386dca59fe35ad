"""OnlineSMOTE: targets over running counts, windows, determinism, containers, validation, and
scikit-learn's partial_fit fed from resample_stream."""

import pickle

import numpy as np
import pandas as pd
import pytest

import streamsmote as ss
from streamsmote.online import OnlineSMOTE
from streamsmote.strategy import plan


def make_stream(seed, n_chunks=8, size=300, p=(0.8, 0.15, 0.05), d=3):
    rng = np.random.default_rng(seed)
    for _ in range(n_chunks):
        y = rng.choice(len(p), size=size, p=p)
        X = rng.normal(size=(size, d)) + y[:, None] * 2.0
        yield X, y


def on_segment(s, a, b, tol=1e-9):
    """Is s = a + g (b - a) for some g in [0, 1]?"""
    ab = b - a
    denom = ab @ ab
    if denom == 0:
        return np.allclose(s, a, atol=tol)
    g = (s - a) @ ab / denom
    return -tol <= g <= 1 + tol and np.allclose(s, a + g * ab, atol=1e-7)


@pytest.mark.parametrize("strategy", ["auto", "minority", "all", {1: 2000, 2: 1500}])
def test_emitted_stream_meets_the_plan_after_every_chunk(strategy):
    osm = OnlineSMOTE(k_neighbors=3, sampling_strategy=strategy, window=200, random_state=0)
    counts, emitted, expected = {}, {}, {}
    for X, y in make_stream(1):
        X_out, y_out = osm.partial_fit_resample(X, y)
        np.testing.assert_array_equal(X_out[: len(X)], X)
        np.testing.assert_array_equal(y_out[: len(y)], y)
        for c in np.unique(y):
            counts[int(c)] = counts.get(int(c), 0) + int((y == c).sum())
        syn = y_out[len(y) :]
        assert (np.diff(syn) >= 0).all()  # one block per class, label order
        for c in np.unique(syn):
            emitted[int(c)] = emitted.get(int(c), 0) + int((syn == c).sum())
        # Synthetic rows are never taken back: owed = target - emitted, never negative.
        for c, n in plan(strategy, counts).items():
            expected[c] = max(expected.get(c, 0), n)
        assert {c: n for c, n in expected.items() if n} == {c: n for c, n in emitted.items() if n}
        assert osm.class_counts_ == counts
        assert {c: n for c, n in osm.n_synthetic_.items() if n} == emitted
        assert osm.n_owed_ == {}
    assert osm.classes_.tolist() == [0, 1, 2]
    assert osm.n_features_in_ == 3


def test_synthetic_rows_interpolate_window_neighbours():
    osm = OnlineSMOTE(k_neighbors=2, window=40, random_state=3)
    for X, y in make_stream(2, n_chunks=5, size=120, p=(0.75, 0.25), d=2):
        X_out, y_out = osm.partial_fit_resample(X, y)
        W, nn = osm._windows[1].kneighbors()
        for s in X_out[len(X) :]:
            assert any(on_segment(s, W[i], W[j]) for i in range(len(W)) for j in nn[i])


def test_small_class_is_owed_then_served():
    osm = OnlineSMOTE(k_neighbors=3, window=100, random_state=0)
    X0 = np.arange(20, dtype=float).reshape(10, 2)
    y0 = np.array([0] * 8 + [1] * 2)
    X_out, y_out = osm.partial_fit_resample(X0, y0)
    assert len(y_out) == 10
    assert osm.n_owed_ == {1: 6}
    X_out, y_out = osm.partial_fit_resample(X0[:2] + 100, np.array([1, 1]))
    assert osm.n_owed_ == {}
    assert y_out.tolist() == [1, 1] + [1] * 4  # 8 majority vs 4 + 4 synthetic
    assert osm.n_synthetic_ == {0: 0, 1: 4}


def test_same_seed_same_output_and_pickle_mid_stream():
    chunks = list(make_stream(5, n_chunks=7))
    a = OnlineSMOTE(k_neighbors=4, window=150, random_state=11, window_kind="reservoir")
    b = OnlineSMOTE(k_neighbors=4, window=150, random_state=11, window_kind="reservoir")
    outs_a = [a.partial_fit_resample(X, y) for X, y in chunks[:3]]
    outs_b = [b.partial_fit_resample(X, y) for X, y in chunks[:3]]
    c = pickle.loads(pickle.dumps(a))
    for X, y in chunks[3:]:
        outs_a.append(a.partial_fit_resample(X, y))
        outs_b.append(b.partial_fit_resample(X, y))
        Xc, yc = c.partial_fit_resample(X, y)
        np.testing.assert_array_equal(Xc, outs_a[-1][0])
        np.testing.assert_array_equal(yc, outs_a[-1][1])
    for (Xa, ya), (Xb, yb) in zip(outs_a, outs_b, strict=True):
        np.testing.assert_array_equal(Xa, Xb)
        np.testing.assert_array_equal(ya, yb)
    other = OnlineSMOTE(k_neighbors=4, window=150, random_state=12, window_kind="reservoir")
    Xo, _ = other.partial_fit_resample(*chunks[0])
    assert not np.array_equal(Xo, outs_a[0][0])


def test_inputs_are_never_mutated():
    X = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30) % 7}, index=np.arange(100, 130))
    y = pd.Series([0] * 24 + [1] * 6, index=X.index, name="t")
    X_copy, y_copy = X.copy(), y.copy()
    Xa = np.random.default_rng(0).normal(size=(30, 2))
    Xa_copy = Xa.copy()
    osm = OnlineSMOTE(k_neighbors=2, random_state=0)
    osm.partial_fit_resample(X, y)
    osm.partial_fit_resample(X, y)
    pd.testing.assert_frame_equal(X, X_copy)
    pd.testing.assert_series_equal(y, y_copy)
    OnlineSMOTE(k_neighbors=2, random_state=0).partial_fit_resample(Xa, y.to_numpy())
    np.testing.assert_array_equal(Xa, Xa_copy)


def test_dataframe_in_dataframe_out():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "f32": rng.normal(size=60).astype(np.float32),
            "i64": rng.integers(0, 10, size=60),
            "f64": rng.normal(size=60),
        }
    )
    y = pd.Series(np.where(np.arange(60) % 6 == 0, "rare", "common"), name="label")
    osm = OnlineSMOTE(k_neighbors=3, random_state=0)
    X_out, y_out = osm.partial_fit_resample(X, y)
    assert isinstance(X_out, pd.DataFrame) and isinstance(y_out, pd.Series)
    assert list(X_out.columns) == ["f32", "i64", "f64"]
    assert list(X_out.dtypes) == list(X.dtypes)
    assert y_out.name == "label" and y_out.dtype == y.dtype
    assert X_out.index.equals(pd.RangeIndex(len(X_out)))
    pd.testing.assert_frame_equal(X_out.iloc[:60], X)
    assert y_out.value_counts().to_dict() == {"common": 50, "rare": 50}
    assert osm.feature_names_in_.tolist() == ["f32", "i64", "f64"]
    X_syn = X_out.iloc[60:]
    assert X_syn["i64"].between(0, 9).all()


def test_resample_stream_yields_batches_with_synthetic_mask():
    chunks = list(make_stream(7, n_chunks=4, p=(0.9, 0.1)))
    direct = OnlineSMOTE(random_state=1)
    expected = [direct.partial_fit_resample(X, y) for X, y in chunks]
    out = list(OnlineSMOTE(random_state=1).resample_stream(iter(chunks)))
    for batch, (X, _y), (Xe, ye) in zip(out, chunks, expected, strict=True):
        np.testing.assert_array_equal(batch.X, Xe)
        np.testing.assert_array_equal(batch.y, ye)
        assert not batch.synthetic[: len(X)].any() and batch.synthetic[len(X) :].all()


def test_generate_owed_for_some_classes_only():
    osm = OnlineSMOTE(k_neighbors=2, window=100, random_state=0)
    X, y = next(make_stream(8, size=400))
    osm.partial_fit(X, y)
    owed = dict(osm.n_owed_)
    assert set(owed) == {1, 2}
    X2, y2 = osm.generate_owed(classes=[2])
    assert y2.tolist() == [2] * owed[2]
    assert osm.n_owed_ == {1: owed[1]}
    X1, y1 = osm.generate_owed()
    assert len(y1) == owed[1] and osm.n_owed_ == {}
    X0, y0 = osm.generate_owed()
    assert X0.shape == (0, 3) and y0.shape == (0,)


def test_half_life_decays_counts_exactly_and_follows_the_imbalance():
    h = 500.0
    lam = 2 ** (-1 / h)

    def stream():
        rng = np.random.default_rng(9)
        for i in range(20):
            p1 = 0.8 if i < 10 else 0.05  # class 1 is the majority, then becomes rare
            y = (rng.random(250) < p1).astype(int)
            yield rng.normal(size=(250, 2)) + y[:, None], y

    osm = OnlineSMOTE(k_neighbors=3, window=300, half_life=h, random_state=0)
    labels, synth = [], {0: 0.0, 1: 0.0}
    for X, y in stream():
        _, y_out = osm.partial_fit_resample(X, y)
        labels.append(y)
        for c in synth:
            synth[c] = synth[c] * lam**250 + int((y_out[250:] == c).sum())
    all_y = np.concatenate(labels)
    w = lam ** np.arange(len(all_y) - 1, -1, -1)
    for c in (0, 1):
        assert osm.class_counts_[c] == pytest.approx(w[all_y == c].sum(), rel=1e-9)
    # Over the decayed counts, the emitted stream is balanced: n1 + s1 = n0.
    n0, n1 = osm.class_counts_[0], osm.class_counts_[1]
    assert n1 + synth[1] == pytest.approx(n0, abs=2)
    # Without decay class 1 stays the majority for most of the second half.
    plain = OnlineSMOTE(k_neighbors=3, window=300, random_state=0)
    for X, y in stream():
        plain.partial_fit_resample(X, y)
    assert osm.n_synthetic_[1] > 1500
    assert plain.n_synthetic_[1] < 0.6 * osm.n_synthetic_[1]


def test_memory_is_bounded_by_the_window():
    osm = OnlineSMOTE(k_neighbors=3, window=200, random_state=0)
    sizes = []
    for X, y in make_stream(10, n_chunks=30, size=400):
        osm.partial_fit_resample(X, y)
        sizes.append(osm.nbytes())
    assert sizes[-1] == sizes[10]
    assert all(idx.n_rows == 200 for idx in osm._windows.values())
    assert len(pickle.dumps(osm)) < 2 * sizes[-1] + 100_000


def test_multiclass_string_labels_and_float_strategy():
    rng = np.random.default_rng(0)
    y = rng.choice(np.array(["a", "b"]), size=500, p=[0.9, 0.1])
    X = rng.normal(size=(500, 2))
    osm = OnlineSMOTE(sampling_strategy=0.5, random_state=0)
    _, y_out = osm.partial_fit_resample(X, y)
    counts = pd.Series(y_out).value_counts()
    assert counts["b"] == int(counts["a"] * 0.5)
    # A ratio the minority has already passed means "no synthetic rows", not an error.
    y2 = np.array(["b"] * 300)
    _, y_out2 = osm.partial_fit_resample(rng.normal(size=(300, 2)), y2)
    assert len(y_out2) == 300


def test_params_clone_and_lazy_export():
    from sklearn.base import clone

    assert ss.OnlineSMOTE is OnlineSMOTE
    osm = OnlineSMOTE(k_neighbors=3, window=1000, half_life=10.0)
    assert osm.get_params()["window"] == 1000
    assert repr(osm) == "OnlineSMOTE(k_neighbors=3, window=1000, half_life=10.0)"
    osm.set_params(window_kind="reservoir")
    assert clone(osm).get_params() == osm.get_params()
    with pytest.raises(ValueError, match="Invalid parameter"):
        osm.set_params(windw=3)


def make_chunk(d=2):
    return np.random.default_rng(0).normal(size=(20, d)), np.array([0] * 15 + [1] * 5)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"window": 3}, r"window must be an integer greater than k_neighbors=5.*window=50_000"),
        ({"window": 10.5}, r"'window' parameter .* an int in the range.*window=50_000"),
        ({"window_kind": "tumbling"}, r"'window_kind' .* a str among \{.*'reservoir'.*\}"),
        ({"k_neighbors": 0}, r"'k_neighbors' .* an int in the range \[1, inf\)"),
        ({"neighbors": "kd"}, r"'neighbors' .* a str among"),
        ({"half_life": -1}, r"'half_life' .* None or a float in the range \(0.0, inf\).*100_000"),
        ({"half_life": float("inf")}, "half_life must be None or a positive number"),
        ({"sampling_strategy": "most"}, r"'sampling_strategy' .* a str among"),
        ({"random_state": "x"}, r"'random_state' .*Generator'\. Got 'x' instead"),
    ],
)
def test_bad_parameters_name_the_fix(params, match):
    with pytest.raises(ValueError, match=match):
        OnlineSMOTE(**params).partial_fit_resample(*make_chunk())


def test_bad_chunks_name_the_fix():
    osm = OnlineSMOTE(random_state=0)
    X, y = make_chunk()
    osm.partial_fit_resample(X, y)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"chunk 1 of the stream.*NaN.*row 23 of the stream"):
        osm.partial_fit_resample(bad, y)
    with pytest.raises(ValueError, match="chunk 2 of the stream has 3 feature columns but the"):
        osm.partial_fit_resample(make_chunk(3)[0], y)
    with pytest.raises(ValueError, match="X has 20 rows but y has 19"):
        osm.partial_fit_resample(X, y[:-1])
    osm.set_params(window=100)
    with pytest.raises(ValueError, match=r"\['window'\] changed after the first chunk.*clone"):
        osm.partial_fit_resample(X, y)
    with pytest.raises(RuntimeError, match="has seen no chunk yet"):
        OnlineSMOTE().generate_owed()


def test_empty_chunks_and_a_single_class_so_far():
    osm = OnlineSMOTE(k_neighbors=2, random_state=0)
    X_out, y_out = osm.partial_fit_resample(np.empty((0, 2)), np.empty(0, int))
    assert X_out.shape == (0, 2)
    X_out, y_out = osm.partial_fit_resample(np.ones((5, 2)), np.zeros(5, int))
    assert len(y_out) == 5 and osm.n_owed_ == {}
    X_out, y_out = osm.partial_fit_resample(np.empty((0, 2)), np.empty(0, int))
    assert len(y_out) == 0


def test_sgd_partial_fit_learns_the_minority_better():
    """scikit-learn's SGDClassifier.partial_fit on OnlineSMOTE's stream against the same learner
    on the raw stream: 1.5% minority, balanced accuracy on a held-out set after every chunk."""
    from sklearn.linear_model import SGDClassifier
    from sklearn.metrics import balanced_accuracy_score

    def draw(rng, n):
        y = (rng.random(n) < 0.015).astype(int)
        X = rng.normal(size=(n, 4))
        X[:, :2] += y[:, None] * 1.8
        return X, y

    rng = np.random.default_rng(2024)
    X_test, y_test = draw(rng, 20_000)
    chunks = [draw(rng, 2000) for _ in range(30)]
    raw = SGDClassifier(loss="log_loss", random_state=0)
    bal = SGDClassifier(loss="log_loss", random_state=0)
    osm = OnlineSMOTE(k_neighbors=5, window=2000, random_state=0)
    scores_raw, scores_bal = [], []
    for (X, y), (X_b, y_b) in zip(chunks, osm.resample_stream(chunks), strict=True):
        raw.partial_fit(X, y, classes=[0, 1])
        bal.partial_fit(X_b, y_b, classes=[0, 1])
        scores_raw.append(balanced_accuracy_score(y_test, raw.predict(X_test)))
        scores_bal.append(balanced_accuracy_score(y_test, bal.predict(X_test)))
    late_raw, late_bal = np.mean(scores_raw[5:]), np.mean(scores_bal[5:])
    assert late_bal > late_raw + 0.1, (late_raw, late_bal)
    assert np.mean(np.array(scores_bal[5:]) > np.array(scores_raw[5:])) > 0.9
