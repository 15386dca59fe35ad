"""BorderlineSMOTE and ADASYN through the whole flow: parity with imbalanced-learn 0.14's
fit_resample, streaming identical to in memory, the danger rule and the density weights
against numpy references, emitters in batches and after a seek, provenance, errors."""

import numpy as np
import pandas as pd
import pytest
import reference as ref

import streamsmote as ss

imblearn_os = pytest.importorskip("imblearn.over_sampling")

KINDS = ["borderline-1", "borderline-2"]


def overlapping(counts, n_features=3, seed=0, dtype=np.float64):
    """Classes with overlapping clouds, so that many rows are in danger."""
    X, y = ref.make_data(counts, n_features=n_features, seed=seed, dtype=np.float64)
    X = X + y[:, None] * 0.6
    return X.astype(dtype), y


def ours_and_theirs(variant, **params):
    if variant == "adasyn":
        return ss.ADASYN(neighbors="exact", **params), imblearn_os.ADASYN(**params)
    mine = ss.BorderlineSMOTE(kind=variant, neighbors="exact", **params)
    return mine, imblearn_os.BorderlineSMOTE(kind=variant, **params)


def assert_same(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    else:
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


VARIANTS = [*KINDS, "adasyn"]


# ------------------------------------------------------------------------------ parity


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("counts", [[300, 60], [250, 80, 40]])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_parity_with_imblearn(variant, counts, dtype, seed):
    X, y = overlapping(counts, seed=seed, dtype=dtype)
    mine, theirs = ours_and_theirs(variant, random_state=seed)
    a, b = mine.fit_resample(X, y), theirs.fit_resample(X, y)
    assert_same(a[0], b[0])
    assert_same(a[1], b[1])
    if variant != "adasyn":
        assert mine.in_danger_indices.keys() == theirs.in_danger_indices.keys()
        for c in mine.in_danger_indices:
            np.testing.assert_array_equal(mine.in_danger_indices[c], theirs.in_danger_indices[c])


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", [3, 11])
def test_parity_with_a_random_state_instance(variant, seed):
    """The instance is consumed as imbalanced-learn consumes it: same output, and the same
    state afterwards (Borderline-2's scales included)."""
    X, y = overlapping([200, 70, 50], seed=seed)
    mine_rs, their_rs = np.random.RandomState(seed), np.random.RandomState(seed)
    mine, theirs = ours_and_theirs(variant, random_state=mine_rs)
    theirs.set_params(random_state=their_rs)
    for _ in range(2):  # a second fit continues the stream
        assert_same(mine.fit_resample(X, y)[0], theirs.fit_resample(X, y)[0])
        assert mine_rs.randint(2**31) == their_rs.randint(2**31)


@pytest.mark.parametrize("variant", VARIANTS)
def test_parity_with_pandas(variant):
    X, y = overlapping([150, 40, 30], n_features=4, seed=5)
    X = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    y = pd.Series(np.array(["x", "y", "z"])[y], name="label")
    mine, theirs = ours_and_theirs(variant, random_state=2)
    a, b = mine.fit_resample(X, y), theirs.fit_resample(X, y)
    assert_same(a[0], b[0])
    assert_same(a[1], b[1])


@pytest.mark.parametrize("variant", VARIANTS)
def test_parity_with_other_parameters(variant):
    X, y = overlapping([200, 60], seed=9)
    params = {"sampling_strategy": 0.8, "random_state": 4}
    if variant == "adasyn":
        params["n_neighbors"] = 3
    else:
        params.update(k_neighbors=7, m_neighbors=4)  # Borderline-2: k > m
    mine, theirs = ours_and_theirs(variant, **params)
    assert_same(mine.fit_resample(X, y)[0], theirs.fit_resample(X, y)[0])


def test_adasyn_shares_one_generator_across_classes():
    """An int seed seeds one generator for the whole fit (not one per class as SMOTE's)."""
    X, y = overlapping([200, 60, 60], seed=1)
    a = ss.ADASYN(random_state=0, neighbors="exact").fit(X, y)
    first, second = (a._models[c].draws.draws for c in (1, 2))
    assert second.state[1].tolist() == first.end_state()[1].tolist()
    assert second.state[1].tolist() != np.random.RandomState(0).get_state()[1].tolist()


# ------------------------------------------------------------------------------ references


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("m", [1, 4, 10])
def test_danger_rule_against_reference(seed, m):
    X, y = overlapping([120, 40, 30], seed=seed)
    sm = ss.BorderlineSMOTE(m_neighbors=m, k_neighbors=3, random_state=0).fit(X, y)
    for c in (1, 2):
        expected = ref.in_danger(X, y, c, m)
        got = sm.in_danger_indices.get(c, np.empty(0, np.int64))
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_adasyn_weights_against_reference(seed, k):
    X, y = overlapping([120, 40, 30], seed=seed)
    ad = ss.ADASYN(n_neighbors=k, random_state=0).fit(X, y)
    for c in (1, 2):
        counts = np.diff(np.r_[0, ad._models[c].draws.bounds])
        expected = ref.adasyn_counts(X, y, c, k, ad.sampling_strategy_[c])
        np.testing.assert_array_equal(counts, expected)
        assert ad._models[c].n_new == expected.sum()


# ------------------------------------------------------------------------------ streaming


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("chunksize", [17, 100, 1000])
@pytest.mark.parametrize("order", ["append", "interleave"])
def test_streaming_equals_fit_resample(variant, chunksize, order):
    X, y = overlapping([300, 70, 40], seed=4)
    mine = ours_and_theirs(variant, random_state=1)[0]
    X_res, y_res = mine.fit_resample(X, y)
    n = len(y)
    batches = list(mine.resample_chunks(ss.from_arrays(X, y, chunksize=chunksize), order=order))
    Xs = np.concatenate([b.X[b.synthetic] for b in batches])
    ys = np.concatenate([b.y[b.synthetic] for b in batches])
    originals = np.concatenate([b.X[~b.synthetic] for b in batches])
    np.testing.assert_array_equal(originals, X)
    for c in np.unique(y_res[n:]):  # per class, in draw order
        np.testing.assert_array_equal(Xs[ys == c], X_res[n:][y_res[n:] == c])
    assert len(ys) == len(y_res) - n


def test_streaming_needs_a_reiterable_source():
    X, y = overlapping([100, 30], seed=0)
    chunks = iter([(X[:50], y[:50]), (X[50:], y[50:])])
    with pytest.raises(ValueError, match="second read of the source.*re-iterable"):
        ss.BorderlineSMOTE(random_state=0).fit(ss.from_chunks(chunks))


@pytest.mark.parametrize("variant", VARIANTS)
def test_emitter_batches_and_seek(variant):
    """Any batching, and a seek (a Dask partition's first row), give the same rows."""
    X, y = overlapping([200, 90], seed=6)
    mine = ours_and_theirs(variant, random_state=3)[0].fit(X, y)
    model = mine._models[1]
    model.rewind()
    whole, _, picks = model.emit(model.n_new)
    model.rewind()
    parts = []
    for size in (1, 7, 30, 10**6):
        parts.append(model.emit(size)[0])
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    for start in (0, 5, model.n_new // 2):
        model.seek(start)
        np.testing.assert_array_equal(model.emit(11)[0], whole[start : start + 11])


# ------------------------------------------------------------------------------ provenance


@pytest.mark.parametrize("variant", VARIANTS)
def test_provenance_rebuilds_every_row(variant):
    X, y = overlapping([250, 70, 50], seed=8)
    mine = ours_and_theirs(variant, random_state=0)[0]
    X_res, y_res = mine.fit_resample(X, y)
    prov = mine.provenance_
    n = len(y)
    assert len(prov) == len(y_res) - n
    np.testing.assert_array_equal(prov["class"], y_res[n:])
    np.testing.assert_allclose(ref.from_provenance(X, prov), X_res[n:], rtol=0, atol=1e-12)
    parents = prov["parent"].to_numpy()
    assert (y[parents] == prov["class"]).all()
    if variant != "adasyn":
        danger = np.concatenate(list(mine.in_danger_indices.values()))
        assert np.isin(parents, danger).all()
    other = y[prov["neighbor"].to_numpy()] != prov["class"].to_numpy()
    if variant == "borderline-2":
        assert other.any()  # towards another class, a step of less than half the way
        assert (prov["gap"][other] < 0.5).all()
    else:
        assert not other.any()


# ------------------------------------------------------------------------------ edge cases, errors


@pytest.mark.parametrize("kind", KINDS)
def test_class_without_danger_rows_gets_no_rows(kind):
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(size=(100, 2)), rng.normal(size=(20, 2)) + 50]
    y = np.r_[np.zeros(100, int), np.ones(20, int)]
    sm = ss.BorderlineSMOTE(kind=kind, random_state=0)
    X_res, y_res = sm.fit_resample(X, y)
    theirs = imblearn_os.BorderlineSMOTE(kind=kind, random_state=0).fit_resample(X, y)
    assert_same(X_res, theirs[0])
    assert len(y_res) == len(y) and sm.sampling_strategy_[1] == 80  # overstated, as theirs
    assert sm.in_danger_indices == {}
    assert list(sm.generate()) == []


def test_adasyn_no_other_class_neighbour():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(size=(100, 2)), rng.normal(size=(20, 2)) + 50]
    y = np.r_[np.zeros(100, int), np.ones(20, int)]
    with pytest.raises(RuntimeError, match="Not any neigbours belong to the majority") as ours:
        ss.ADASYN(random_state=0).fit_resample(X, y)
    assert "Use SMOTE instead" in str(ours.value) and "class 1" in str(ours.value)
    with pytest.raises(RuntimeError, match="Not any neigbours belong to the majority"):
        imblearn_os.ADASYN(random_state=0).fit_resample(X, y)


def test_adasyn_no_samples_after_rounding():
    X, y = overlapping([100, 60], seed=0)
    strategy = {1: 61}  # one row to share among 60: every share rounds to 0
    with pytest.raises(ValueError, match="No samples will be generated") as ours:
        ss.ADASYN(sampling_strategy=strategy, random_state=0).fit_resample(X, y)
    assert "sampling_strategy" in str(ours.value)
    with pytest.raises(ValueError, match="No samples will be generated"):
        imblearn_os.ADASYN(sampling_strategy=strategy, random_state=0).fit_resample(X, y)


@pytest.mark.parametrize("kind", KINDS)
def test_too_few_rows_for_the_whole_data_neighbours(kind):
    X, y = overlapping([7, 5], seed=0)
    mine, theirs = ours_and_theirs(kind, random_state=0, m_neighbors=12, k_neighbors=2)
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit") as ours:
        mine.fit_resample(X, y)
    assert "Lower m_neighbors to at most 11" in str(ours.value)
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        theirs.fit_resample(X, y)


def test_adasyn_class_too_small():
    """ADASYN's class is searched too, so its size is the bound (a ValueError in both)."""
    X, y = overlapping([30, 5], seed=0)
    with pytest.raises(ValueError, match="n_neighbors=12 needs at least 13 rows of class 1"):
        ss.ADASYN(n_neighbors=12).fit_resample(X, y)
    with pytest.raises(ValueError):
        imblearn_os.ADASYN(n_neighbors=12).fit_resample(X, y)


def test_parameters_are_validated():
    X, y = overlapping([60, 20], seed=0)
    with pytest.raises(ValueError, match="'kind' parameter of BorderlineSMOTE"):
        ss.BorderlineSMOTE(kind="borderline-3").fit_resample(X, y)
    with pytest.raises(ValueError, match="'m_neighbors' parameter of BorderlineSMOTE"):
        ss.BorderlineSMOTE(m_neighbors=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="'n_neighbors' parameter of ADASYN"):
        ss.ADASYN(n_neighbors=0).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"n_neighbors=30 needs at least 31 rows of class 1"):
        ss.ADASYN(n_neighbors=30).fit_resample(X, y)
    assert ss.ADASYN(n_neighbors=3).get_params()["n_neighbors"] == 3
    assert "k_neighbors" not in ss.ADASYN().get_params()
    assert repr(ss.BorderlineSMOTE(kind="borderline-2")) == "BorderlineSMOTE(kind='borderline-2')"


def test_cli_method_names():
    from streamsmote.variants import METHODS

    assert METHODS["borderline2"](k_neighbors=3).kind == "borderline-2"
    assert METHODS["borderline1"](k_neighbors=3).kind == "borderline-1"
    assert METHODS["adasyn"](k_neighbors=3).n_neighbors == 3
