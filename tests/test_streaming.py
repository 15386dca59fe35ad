"""Streaming: ``resample_chunks``, ``fit``/``generate``/``provenance`` and the row store give
the synthetic rows of ``fit_resample`` whatever the chunking, order, memory limit or spill."""

import itertools
import os
import tempfile
import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from reference import from_provenance, make_data

import streamsmote as ss
import streamsmote.sampler as sampler_mod
import streamsmote.store as store_mod
from streamsmote._budget import CHUNK_COPIES

COUNTS = [2000, 250, 300]  # classes 0, 1, 2
N = sum(COUNTS)
SEED = 3
CHUNKS = [1000, 777, N]


@pytest.fixture(scope="module")
def data():
    return make_data(COUNTS, n_features=3, seed=SEED)


@pytest.fixture(scope="module")
def expected(data):
    """fit_resample's synthetic rows (X, y) and its fitted sampler."""
    X, y = data
    sm = ss.SMOTE(random_state=SEED)
    X_res, y_res = sm.fit_resample(X, y)
    return X_res[N:], y_res[N:], sm


def collect(batches):
    """Concatenate ndarray batches: ``(X, y, synthetic mask, batch lengths)``."""
    batches = list(batches)
    X = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    mark = np.concatenate([b.synthetic for b in batches])
    return X, y, mark, [len(b[1]) for b in batches]


def sort_rows(X, y):
    """Rows (and labels) in a canonical order, for multiset comparison."""
    order = np.lexsort([*X.T[::-1], y])
    return X[order], y[order]


def assert_same_multiset(X1, y1, X2, y2):
    a, b = sort_rows(X1, y1), sort_rows(X2, y2)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


@pytest.fixture
def quiet():
    """Any warning is an error (no re-read, no surprise)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.fixture
def stores(monkeypatch):
    """Every MinorityStore the sampler creates, to see what it dropped or spilled."""
    made = []

    class Spy(store_mod.MinorityStore):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(sampler_mod, "MinorityStore", Spy)
    return made


@pytest.fixture
def spill_dirs(monkeypatch, tmp_path):
    """Temporary folders go to ``tmp_path``; returns the list of folders made."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = []
    real = tempfile.mkdtemp

    def spy(*args, **kwargs):
        path = real(*args, **kwargs)
        made.append(path)
        return path

    monkeypatch.setattr(store_mod.tempfile, "mkdtemp", spy)
    return made


def leftovers(tmp_path):
    return [p for p in os.listdir(tmp_path) if p.startswith("streamsmote-")]


# ---------------------------------------------------------------------------------------------
# resample_chunks(order="append")
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunksize", CHUNKS)
def test_append_originals_in_order_then_the_same_synthetic_rows(data, expected, chunksize):
    X, y = data
    Xs, ys, _ = expected
    sm = ss.SMOTE(random_state=SEED)
    Xo, yo, mark, sizes = collect(sm.resample_chunks(ss.from_arrays(X, y, chunksize=chunksize)))
    assert np.array_equal(Xo[:N], X) and np.array_equal(yo[:N], y)
    assert not mark[:N].any() and mark[N:].all()
    assert np.array_equal(Xo[N:], Xs) and np.array_equal(yo[N:], ys)  # same order even
    assert sizes[: -(-N // chunksize)] == [min(chunksize, N - i) for i in range(0, N, chunksize)]
    assert max(sizes[-(-N // chunksize) :]) <= chunksize  # synthetic batches: chunksize rows
    assert sm.sampling_strategy_ == expected[2].sampling_strategy_


def test_append_batch_size_and_one_shot_iterator(data, expected, quiet):
    X, y = data

    def chunks():
        for i in range(0, N, 500):
            yield X[i : i + 500], y[i : i + 500]

    sm = ss.SMOTE(random_state=SEED)
    Xo, yo, mark, sizes = collect(sm.resample_chunks(chunks(), batch_size=333))
    assert np.array_equal(Xo[:N], X)
    assert np.array_equal(Xo[N:], expected[0])
    assert sizes[:5] == [500] * 5 and max(sizes[5:]) == 333


def test_append_pandas_keeps_names_and_dtypes(data):
    X, y = data
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1].astype(np.float32), "c": X[:, 2]})
    frame["n"] = (X[:, 0] * 100).astype(np.int32)
    labels = pd.Series(y, name="cls").astype(np.int16)
    ref_X, ref_y = ss.SMOTE(random_state=SEED).fit_resample(frame, labels)
    batches = list(
        ss.SMOTE(random_state=SEED).resample_chunks(ss.from_arrays(frame, labels, chunksize=777))
    )
    assert all(isinstance(b[0], pd.DataFrame) and isinstance(b[1], pd.Series) for b in batches)
    got_X = pd.concat([b[0] for b in batches])
    got_y = pd.concat([b[1] for b in batches])
    assert_frame_equal(got_X, ref_X)
    assert_series_equal(got_y, ref_y)


# ---------------------------------------------------------------------------------------------
# resample_chunks(order="interleave")
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunksize", CHUNKS)
def test_interleave_same_rows_balanced_batches(data, expected, chunksize):
    X, y = data
    Xs, ys, ref = expected
    n_new = ref.sampling_strategy_
    sm = ss.SMOTE(random_state=SEED)
    src = ss.from_arrays(X, y, chunksize=chunksize)
    batches = list(sm.resample_chunks(src, order="interleave"))
    originals, synthetic = [], []
    seen, emitted = 0, dict.fromkeys(n_new, 0)
    for b in batches:
        Xb, yb, mark = b[0], b[1], b.synthetic
        assert mark.dtype == bool and len(mark) == len(yb)
        n_orig = int((~mark).sum())
        assert not mark[:n_orig].any() and mark[n_orig:].all()  # originals first in a batch
        originals.append((Xb[~mark], yb[~mark]))
        synthetic.append((Xb[mark], yb[mark]))
        seen += n_orig
        for c in n_new:
            emitted[c] += int((yb[mark] == c).sum())
            share = n_new[c] * seen / N  # in proportion to the originals emitted so far
            assert 0 <= share - emitted[c] < 1, (c, seen)
    assert emitted == n_new
    Xo = np.concatenate([o[0] for o in originals])
    yo = np.concatenate([o[1] for o in originals])
    assert np.array_equal(Xo, X) and np.array_equal(yo, y)  # once each, in order, unchanged
    X_syn = np.concatenate([s[0] for s in synthetic])
    y_syn = np.concatenate([s[1] for s in synthetic])
    assert_same_multiset(X_syn, y_syn, Xs, ys)


def test_interleave_shuffle_is_reproducible(data, expected):
    X, y = data

    def run():
        sm = ss.SMOTE(random_state=SEED)
        src = ss.from_arrays(X, y, chunksize=777)
        return list(sm.resample_chunks(src, order="interleave", shuffle=True))

    a, b = run(), run()
    assert len(a) == len(b)
    for p, q in zip(a, b, strict=True):
        assert np.array_equal(p[0], q[0]) and np.array_equal(p[1], q[1])
        assert np.array_equal(p.synthetic, q.synthetic)
    first = a[0].synthetic
    assert first.any() and not (np.sort(first) == first).all()  # synthetic rows mixed in
    Xa, ya, mark, _ = collect(a)
    assert_same_multiset(Xa[~mark], ya[~mark], X, y)
    assert_same_multiset(Xa[mark], ya[mark], expected[0], expected[1])


def test_interleave_shuffle_without_seed_warns(data):
    X, y = data
    with pytest.warns(UserWarning, match="not reproducible"):
        batches = list(
            ss.SMOTE().resample_chunks(ss.from_arrays(X, y), order="interleave", shuffle=True)
        )
    assert sum(len(b[1]) for b in batches) == 3 * COUNTS[0]


def test_interleave_pandas_keeps_names_and_dtypes(data):
    X, y = data
    frame = pd.DataFrame(X, columns=["x", "y", "z"]).astype({"z": np.float32})
    labels = pd.Series(y, name="target")
    src = ss.from_arrays(frame, labels, chunksize=1000)
    batches = list(ss.SMOTE(random_state=SEED).resample_chunks(src, order="interleave"))
    for b in batches:
        assert b[0].columns.tolist() == ["x", "y", "z"]
        assert b[0].dtypes.tolist() == [np.float64, np.float64, np.float32]
        assert b[1].name == "target" and b[1].dtype == labels.dtype


def test_interleave_one_shot_iterator_raises(data):
    X, y = data
    one_shot = iter([(X[:100], y[:100]), (X[100:], y[100:])])
    with pytest.raises(ValueError, match=r'order="interleave" reads the source twice'):
        list(ss.SMOTE().resample_chunks(one_shot, order="interleave"))


def test_bad_order_and_empty_source(data):
    X, y = data
    with pytest.raises(ValueError, match=r"order must be one of \('append', 'interleave'\)"):
        list(ss.SMOTE().resample_chunks(ss.from_arrays(X, y), order="shuffle"))
    empty = ss.from_chunks(lambda: iter([]))
    for order in ["append", "interleave"]:
        with pytest.raises(ValueError, match=r"yielded no rows"):
            list(ss.SMOTE().resample_chunks(empty, order=order))
    with pytest.raises(ValueError, match=r"yielded no rows"):
        ss.SMOTE().fit(ss.from_arrays(np.empty((0, 3)), np.empty(0, int)))


# ---------------------------------------------------------------------------------------------
# fit / generate / provenance
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 1000, 10**6])
def test_generate_any_batch_size(data, expected, batch_size):
    X, y = data
    sm = ss.SMOTE(random_state=SEED).fit(ss.from_arrays(X, y, chunksize=777))
    batches = list(itertools.islice(sm.generate(batch_size), 50))
    Xg = np.concatenate([b[0] for b in batches])
    yg = np.concatenate([b[1] for b in batches])
    assert all(len(b[1]) <= batch_size and b.synthetic.all() for b in batches)
    assert np.array_equal(Xg, expected[0][: len(Xg)])
    assert np.array_equal(yg, expected[1][: len(yg)])
    assert sm.classes_.tolist() == [0, 1, 2]
    assert sm.class_counts_ == dict(enumerate(COUNTS))
    assert sm.n_features_in_ == 3
    # generate can run again from the start
    assert np.array_equal(next(iter(sm.generate(5)))[0], expected[0][:5])


def test_fit_takes_x_and_y(data, expected):
    X, y = data
    sm = ss.SMOTE(random_state=SEED).fit(X, y)
    assert np.array_equal(np.concatenate([b[0] for b in sm.generate()]), expected[0])


def test_provenance_matches_generate_order(data):
    X, y = data
    sm = ss.SMOTE(random_state=SEED, k_neighbors=4).fit(ss.from_arrays(X, y, chunksize=777))
    synthetic = np.concatenate([b[0] for b in sm.generate(600)])
    prov = pd.concat(list(sm.provenance(450)), ignore_index=True)
    assert len(prov) == len(synthetic)
    assert np.array_equal(synthetic, from_provenance(X, prov))
    assert np.array_equal(prov["class"].to_numpy(), y[prov["parent"].to_numpy()])


def test_generate_before_fit_raises():
    with pytest.raises(RuntimeError, match=r"not fitted yet: call fit"):
        next(ss.SMOTE().generate())


def test_generate_pandas(data):
    X, y = data
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    sm = ss.SMOTE(random_state=SEED).fit(ss.from_arrays(frame, pd.Series(y, name="t")))
    ref_X, _ = ss.SMOTE(random_state=SEED).fit_resample(frame, pd.Series(y, name="t"))
    got = pd.concat([b[0] for b in sm.generate(1000)])
    assert_frame_equal(got, ref_X.iloc[N:])
    assert sm.feature_names_in_.tolist() == ["a", "b", "c"]


# ---------------------------------------------------------------------------------------------
# the row store: memory limit, wrong guesses, class_counts, spill
# ---------------------------------------------------------------------------------------------

ROW_BYTES = 3 * 8


def store_limit(rows, chunksize):
    """A memory_limit that leaves the store ``rows`` rows once the buffers of one chunk of
    ``chunksize`` rows are counted (streamsmote._budget)."""
    return (rows + CHUNK_COPIES * chunksize) * ROW_BYTES


def sorted_data(data):
    """The same rows with class 1 first: it dominates the store early, then turns out to be
    the minority."""
    X, y = data
    keep = np.isin(y, [0, 1])
    order = np.argsort(np.where(y[keep] == 1, 0, 1), kind="stable")
    return X[keep][order], y[keep][order]


def test_store_drops_the_majority_results_identical(data, expected, stores, quiet):
    X, y = data
    limit = store_limit(700, 250)  # room for the minority classes, not for class 0
    sm = ss.SMOTE(random_state=SEED, memory_limit=limit)
    Xo, _, _, _ = collect(sm.resample_chunks(ss.from_arrays(X, y, chunksize=250)))
    assert np.array_equal(Xo[N:], expected[0])
    assert stores[0].dropped == {0} and not stores[0].spilled


@pytest.mark.parametrize(
    "strategy",
    ["all", {0: 2100, 1: 1000}],
    ids=["all", "dict"],
)
def test_wrong_guess_rereads_a_reiterable_source(data, strategy, stores):
    Xd, yd = sorted_data(data)
    ref_X, ref_y = ss.SMOTE(random_state=SEED, sampling_strategy=strategy).fit_resample(Xd, yd)
    limit = store_limit(350, 100)
    sm = ss.SMOTE(random_state=SEED, sampling_strategy=strategy, memory_limit=limit)
    src = ss.from_arrays(Xd, yd, chunksize=100)
    with pytest.warns(UserWarning, match=r"Reading the source again.*class_counts"):
        Xo, yo, _, _ = collect(sm.resample_chunks(src))
    # the store guessed wrong, and a second store read only the missing class again
    assert len(stores) == 2 and stores[1].keep == {1}
    assert np.array_equal(Xo, ref_X) and np.array_equal(yo, ref_y)


def test_wrong_guess_on_a_one_shot_iterator_names_class_counts(data):
    Xd, yd = sorted_data(data)

    def chunks():
        for i in range(0, len(yd), 100):
            yield Xd[i : i + 100], yd[i : i + 100]

    limit = store_limit(350, 100)
    sm = ss.SMOTE(random_state=SEED, sampling_strategy="all", memory_limit=limit)
    with pytest.raises(ValueError, match=r"dropped class\(es\) \[1\].*class_counts=") as err:
        list(sm.resample_chunks(chunks()))
    assert "one-shot iterator" in str(err.value)


def test_class_counts_skips_the_guess(data, stores, quiet):
    Xd, yd = sorted_data(data)
    counts = {0: int((yd == 0).sum()), 1: int((yd == 1).sum())}
    ref_X, _ = ss.SMOTE(random_state=SEED, sampling_strategy="all").fit_resample(Xd, yd)

    def chunks():
        for i in range(0, len(yd), 100):
            yield Xd[i : i + 100], yd[i : i + 100]

    sm = ss.SMOTE(random_state=SEED, sampling_strategy="all", memory_limit=350 * ROW_BYTES)
    Xo, _, _, _ = collect(sm.resample_chunks(chunks(), class_counts=counts))  # one shot is fine
    assert np.array_equal(Xo, ref_X)
    assert stores[0].keep == {1} and not stores[0].dropped
    with pytest.raises(ValueError, match=r"class_counts=.*does not match the source"):
        ss.SMOTE().fit(ss.from_arrays(Xd, yd), class_counts={0: 1, 1: 2})


@pytest.mark.parametrize("with_counts", [False, True], ids=["guess", "class_counts"])
def test_spill_to_memmap_identical_and_cleaned_up(
    data, expected, with_counts, spill_dirs, tmp_path
):
    X, y = data
    counts = dict(enumerate(COUNTS)) if with_counts else None
    sm = ss.SMOTE(random_state=SEED, memory_limit=100 * ROW_BYTES)  # below every class
    src = ss.from_arrays(X, y, chunksize=777)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Xo, yo, _, _ = collect(sm.resample_chunks(src, class_counts=counts))
    # without class_counts nothing is pinned: the store keeps one class (spilled) and drops
    # the others, so class 1 or 2 is read again (pinned, spilled); with them, no second read
    assert bool(caught) is not with_counts
    assert all("Reading the source again" in str(w.message) for w in caught)
    assert spill_dirs and all(os.path.basename(p).startswith("streamsmote-") for p in spill_dirs)
    assert np.array_equal(Xo[:N], X)
    assert np.array_equal(Xo[N:], expected[0]) and np.array_equal(yo[N:], expected[1])
    assert leftovers(tmp_path) == []
    # fit + generate from spilled classes: same rows, nothing left behind either
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm.fit(src, class_counts=counts)
    assert np.array_equal(np.concatenate([b[0] for b in sm.generate(999)]), expected[0])
    assert leftovers(tmp_path) == []


def test_spill_folder_removed_when_the_fit_fails(data, spill_dirs, tmp_path):
    X, y = data
    y = y.copy()
    y[y == 1] = 7
    y[np.flatnonzero(y == 7)[3:]] = 0  # class 7 keeps 3 rows: too few for k=5
    sm = ss.SMOTE(memory_limit=50 * ROW_BYTES)
    with (
        pytest.raises(ValueError, match=r"needs at least 6 rows of class 7; got 3"),
        pytest.warns(UserWarning, match="Reading the source again"),  # its store spills too
    ):
        list(sm.resample_chunks(ss.from_arrays(X, y, chunksize=500)))
    assert spill_dirs and leftovers(tmp_path) == []


def test_refit_on_arrays_forgets_feature_names():
    import pandas as pd

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = np.r_[np.zeros(170, int), np.ones(30, int)]
    sm = ss.SMOTE(random_state=0, neighbors="exact")
    sm.fit(ss.from_arrays(pd.DataFrame(X, columns=list("abc")), pd.Series(y), chunksize=64))
    assert list(sm.feature_names_in_) == ["a", "b", "c"]
    sm.fit(ss.from_arrays(X, y, chunksize=64))
    assert not hasattr(sm, "feature_names_in_") and sm.n_features_in_ == 3
