"""Categorical kernels of SMOTE-NC and SMOTE-N against numpy references and imbalanced-learn:
each piece alone, then whole synthetic rows rebuilt from the pieces, bit for bit."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.metrics.pairwise import ValueDifferenceMetric
from imblearn.over_sampling import SMOTEN as ImbSMOTEN
from imblearn.over_sampling import SMOTENC as ImbSMOTENC
from reference import (
    NO_INDEX,
    discovery_codes,
    legacy_shuffle,
    mixed_knn,
    smotenc_vote_permutation,
)
from reference import smoten_mode as smoten_mode_ref
from reference import smotenc_vote as smotenc_vote_ref
from scipy import sparse
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.sparsefuncs_fast import csr_mean_variance_axis0

from streamsmote._draws import ClassDraws, ParentDraws
from streamsmote.kernels import categorical as cat
from streamsmote.kernels.categorical import (
    _onehot_value,
    median_std,
    mixed_kneighbors,
    smoten_kneighbors,
    smoten_mode,
    smotenc_penalty,
    smotenc_vote,
    vdm_tables,
)
from streamsmote.kernels.interpolate import interpolate


@pytest.fixture(params=[1, 2, 3], ids=lambda t: f"threads{t}")
def threads(request, monkeypatch):
    # streamsmote's thread pool size; not NUMBA_NUM_THREADS, which numba re-reads when it
    # compiles and refuses to change once its own threads run (a fresh cache compiles here)
    from streamsmote import _threads

    monkeypatch.setattr(_threads, "n_threads", lambda: request.param)
    return request.param


def _codes(rng, n, levels):
    """Codes with discovery-order numbering and a random sorted order (``rank``)."""
    codes = np.stack([rng.integers(0, L, size=n) for L in levels], axis=1).astype(np.int32)
    rank = [rng.permutation(L) for L in levels]
    return codes, rank


# ---------------------------------------------------------------------------------------------
# SMOTE-NC pieces
# ---------------------------------------------------------------------------------------------


def _imblearn_median_std(X):
    _, var = csr_mean_variance_axis0(sparse.csr_matrix(X))
    return np.median(np.sqrt(var))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(4))
def test_median_std_is_imblearns(dtype, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(37, 6)) * 10.0 ** rng.integers(-3, 4, size=6)
    X[rng.random(X.shape) < 0.3] = 0.0  # zeros are not stored in imblearn's sparse matrix
    X[:, 1] = 0.1  # constant: a tiny nonzero variance there, and here
    X[:, 4] = 0.0
    X = X.astype(dtype)
    ours, theirs = median_std(X), _imblearn_median_std(X)
    assert ours.dtype == theirs.dtype
    assert ours.tobytes() == theirs.tobytes()


def test_median_std_of_constant_class_is_exactly_zero():
    assert median_std(np.zeros((5, 3))) == 0.0
    assert median_std(np.array([[1, 0], [1, 0], [1, 0]])) == _imblearn_median_std(
        np.array([[1.0, 0], [1, 0], [1, 0]])
    )


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("levels", [[2], [2, 3, 2, 4], [40, 1]])
def test_mixed_kneighbors_equals_reference(seed, levels, threads):
    rng = np.random.default_rng(seed)
    n = 300
    X = rng.integers(0, 3, size=(n, 3)).astype(np.float64)  # integer grid: many exact ties
    codes, _ = _codes(rng, n, levels)
    ind, d = mixed_kneighbors(X, codes, 1.5, 7)
    assert np.array_equal(ind, mixed_knn(X, codes, 1.5, 7))
    assert np.all(np.diff(d, axis=1) >= 0)


def test_mixed_kneighbors_spans_tiles_and_fills_missing_slots():
    rng = np.random.default_rng(5)
    n = cat.TILE + 77
    X = rng.normal(size=(n, 2)).astype(np.float32)
    codes, _ = _codes(rng, n, [3])
    assert np.array_equal(mixed_kneighbors(X, codes, 0.3, 4)[0], mixed_knn(X, codes, 0.3, 4))
    ind, d = mixed_kneighbors(X[:3], codes[:3], 0.3, 4)
    assert (ind[:, 2:] == NO_INDEX).all() and np.isinf(d[:, 2:]).all()


def test_permutation_of_count_draws_the_same_as_permuting_pairs():
    for seed in range(30):
        pairs = np.random.RandomState(seed).randint(0, 9, size=(seed * 7 + 1, 2))
        a, b = np.random.RandomState(seed), np.random.RandomState(seed)
        assert np.array_equal(a.permutation(pairs), pairs[b.permutation(len(pairs))])
        assert a.randint(1 << 30) == b.randint(1 << 30)


def _vote(*args, **kwargs):
    """:func:`smotenc_vote` as one 2-d block of codes (its columns come apart)."""
    cols = smotenc_vote(*args, **kwargs)
    return np.stack(cols, axis=1) if cols else np.empty((0, 0), dtype=np.uint8)


VOTE_CASES = [  # (median_std, one-hot dtype)
    (0.8, np.float64),
    (0.8, np.float32),
    (0.0, np.float64),  # imblearn's special case: the vote sees the original ones
    (1e-12, np.float64),  # tiny but nonzero: every category ties, even absent ones
    (1.3, np.int64),  # integer numeric block: the one-hot value is truncated to 0
]


@pytest.mark.parametrize("median,dtype", VOTE_CASES)
@pytest.mark.parametrize("levels", [[2, 3], [1, 30], [6]])
@pytest.mark.parametrize("seed", range(3))
def test_smotenc_vote_equals_imblearns_vote(median, dtype, levels, seed, threads):
    rng = np.random.default_rng(seed)
    n, k, n_new = 60, 5, 400
    codes, rank = _codes(rng, n, levels)
    nn = np.stack([rng.choice(np.delete(np.arange(n), i), k, replace=False) for i in range(n)])
    parents = rng.integers(0, n, size=n_new)
    ours = _vote(codes, rank, nn, parents, seed, median_std=median, dtype=dtype)
    value = _onehot_value(median, np.dtype(dtype))[1]
    theirs = smotenc_vote_ref(codes, rank, nn, parents, np.random.RandomState(seed), value, dtype)
    assert np.array_equal(ours, theirs)


def test_smotenc_vote_advances_a_shared_generator_like_imblearn():
    rng = np.random.default_rng(9)
    codes, rank = _codes(rng, 40, [3, 2])
    nn = np.stack([np.roll(np.arange(40), -s)[1:6] for s in range(40)])
    parents = rng.integers(0, 40, size=100)
    a, b = np.random.RandomState(4), np.random.RandomState(4)
    ours = _vote(codes, rank, nn, parents, a, median_std=1.0)
    assert np.array_equal(ours, smotenc_vote_ref(codes, rank, nn, parents, b, 1.0, np.float64))
    assert a.randint(1 << 30) == b.randint(1 << 30)


def _same_state(a, b):
    sa, sb = a.get_state(), b.get_state()
    return sa[0] == sb[0] and np.array_equal(sa[1], sb[1]) and sa[2:] == sb[2:]


@pytest.mark.parametrize("seed", range(20))
def test_legacy_shuffle_from_raw_outputs_is_numpys_permutation(seed):
    # The assumptions the vote's shuffle rests on: RandomState.permutation is Fisher-Yates
    # on random_interval, and randint(0, 2**32, dtype=uint32) yields the raw outputs.
    for n in [0, 1, 2, 3, 5, 16, 17, 255, 257, 1000 + seed]:
        a, b = np.random.RandomState(seed), np.random.RandomState(seed)
        state = b.get_state()
        perm, used = legacy_shuffle(n, b.randint(0, 2**32, size=2 * n + 8, dtype=np.uint32))
        assert np.array_equal(a.permutation(n), perm)
        b.set_state(state)
        b.randint(0, 2**32, size=used, dtype=np.uint32)
        assert _same_state(a, b)


@pytest.mark.parametrize("batch", [1, 2, 7, 64, cat.RAW_BATCH])
@pytest.mark.parametrize("dtype", [np.uint32, np.uint64, np.int64])
def test_shuffle_is_numpys_permutation_in_any_batches(batch, dtype, monkeypatch):
    monkeypatch.setattr(cat, "RAW_BATCH", batch)
    for seed in range(12):
        for n in [0, 1, 2, 3, 4, 9, 31, 32, 33, 500, 4099]:
            a, b = np.random.RandomState(seed), np.random.RandomState(seed)
            a.standard_normal(), b.standard_normal()  # a cached Gaussian survives too
            labels = np.arange(n, dtype=dtype) * 3 + 1
            x = labels.copy()
            cat._shuffle_like(b, x)
            assert np.array_equal(x, labels[a.permutation(n)])
            assert _same_state(a, b)


def _vote_case(rng, n_new_max=300):
    """Random class data for the vote: few to many levels, duplicates, k up to 8, one-hot
    values with some, many or all categories tied."""
    n = int(rng.integers(2, 40))
    k = int(rng.integers(1, min(n - 1, 8) + 1))
    levels = [int(L) for L in rng.choice([1, 2, 3, 7, 40, 300], size=rng.integers(1, 4))]
    codes, rank = _codes(rng, n, levels)
    nn = np.stack([rng.choice(np.delete(np.arange(n), i), k, replace=False) for i in range(n)])
    parents = rng.integers(0, n, size=int(rng.integers(0, n_new_max)))
    median, dtype = VOTE_CASES[rng.integers(len(VOTE_CASES))]
    return codes, rank, nn, parents, median, dtype


@pytest.mark.parametrize("seed", range(40))
def test_smotenc_vote_equals_the_permutation_path(seed, threads):
    rng = np.random.default_rng(seed)
    codes, rank, nn, parents, median, dtype = _vote_case(rng)
    tie = cat._tie_table(nn.shape[1], _onehot_value(median, np.dtype(dtype))[1], dtype)
    theirs, states = smotenc_vote_permutation(
        codes, rank, nn, parents, np.random.RandomState(seed), tie
    )
    ours = smotenc_vote(codes, rank, nn, parents, seed, median_std=median, dtype=dtype)
    assert [col.dtype for col in ours] == [np.min_scalar_type(len(r) - 1) for r in rank]
    assert np.array_equal(np.stack(ours, axis=1), theirs)
    # the generator after each column is where rng.permutation leaves it
    shared = np.random.RandomState(seed)
    for j in range(codes.shape[1]):
        one = smotenc_vote(
            codes[:, [j]], [rank[j]], nn, parents, shared, median_std=median, dtype=dtype
        )
        assert np.array_equal(one[0], theirs[:, j])
        after = np.random.RandomState()
        after.set_state(states[j])
        assert _same_state(shared, after)


@pytest.mark.parametrize("seed", range(6))
def test_smotenc_vote_with_wide_labels_is_the_same(seed, monkeypatch):
    rng = np.random.default_rng(100 + seed)
    codes, rank, nn, parents, median, dtype = _vote_case(rng)
    narrow = _vote(codes, rank, nn, parents, seed, median_std=median, dtype=dtype)
    monkeypatch.setattr(cat, "LABELS_32", 0)  # force the 8-byte pair labels
    assert np.array_equal(
        _vote(codes, rank, nn, parents, seed, median_std=median, dtype=dtype), narrow
    )


def test_smotenc_vote_with_no_or_one_tied_pair_draws_nothing():
    codes = np.array([[0], [1], [1], [0]])
    nn = np.array([[1, 2], [2, 3], [1, 3], [1, 2]])
    for parents, want in [(np.array([], dtype=np.int64), []), (np.array([0]), [[1]])]:
        rs = np.random.RandomState(3)
        out = _vote(codes, [np.array([0, 1])], nn, parents, rs, median_std=1.0)
        assert out.tolist() == want and out.shape == (len(parents), 1)
        assert _same_state(rs, np.random.RandomState(3))  # P = 0 or 1: no draw
    # one synthetic row, every category tied: P = 300 pairs, one permutation
    codes = np.arange(6)[:, None] % 3
    nn = np.stack([np.delete(np.arange(6), i)[:3] for i in range(6)])
    rank = [np.arange(300)]
    for seed in range(10):
        rs = np.random.RandomState(seed)
        out = _vote(codes, rank, nn, [4], rs, median_std=1e-12)
        ref = np.random.RandomState(seed)
        assert out[0, 0] == ref.permutation(300)[0]
        assert _same_state(rs, ref)


@pytest.mark.parametrize("seed", range(5))
def test_smotenc_vote_int_seed_is_a_fresh_generator(seed):
    rng = np.random.default_rng(seed)
    codes, rank, nn, parents, median, dtype = _vote_case(rng, 2000)
    rs = np.random.RandomState(seed)
    a = _vote(codes, rank, nn, parents, seed, median_std=median, dtype=dtype)
    b = _vote(codes, rank, nn, parents, rs, median_std=median, dtype=dtype)
    assert np.array_equal(a, b)
    tie = cat._tie_table(nn.shape[1], _onehot_value(median, np.dtype(dtype))[1], dtype)
    ref = np.random.RandomState(seed)
    assert np.array_equal(a, smotenc_vote_permutation(codes, rank, nn, parents, ref, tie)[0])
    assert _same_state(rs, ref)


def _in_batches(parents, sizes):
    """``parents`` as :func:`smotenc_vote`'s callable: batches of the given sizes (cycled), an
    empty one first, the last one short."""

    def batches():
        yield parents[:0]
        at, i = 0, 0
        while at < len(parents):
            size = sizes[i % len(sizes)]
            yield parents[at : at + size]
            at, i = at + size, i + 1

    return batches


@pytest.mark.parametrize("sizes", [[1], [3, 1, 64], [10_000]], ids=str)
@pytest.mark.parametrize("seed", range(8))
def test_smotenc_vote_reads_parents_in_batches_as_the_whole_array(seed, sizes, threads):
    rng = np.random.default_rng(200 + seed)
    codes, rank, nn, parents, median, dtype = _vote_case(rng, 2000)
    a, b = np.random.RandomState(seed), np.random.RandomState(seed)
    whole = smotenc_vote(codes, rank, nn, parents, a, median_std=median, dtype=dtype)
    parts = smotenc_vote(
        codes, rank, nn, _in_batches(parents, sizes), b, median_std=median, dtype=dtype
    )
    assert [p.dtype for p in parts] == [w.dtype for w in whole]
    assert all(np.array_equal(p, w) for p, w in zip(parts, whole, strict=True))
    assert _same_state(a, b)


@pytest.mark.parametrize("levels", [[1], [2, 256], [257, 3], [65536], [65537]])
def test_smotenc_vote_codes_each_column_in_its_smallest_dtype(levels):
    rng = np.random.default_rng(len(levels))
    n, k = 30, 4
    rank = [rng.permutation(L) for L in levels]
    # the highest codes present, so that the widest values are voted
    codes = np.stack([np.arange(L - n, L) if L >= n else np.arange(n) % L for L in levels], 1)
    nn = np.stack([np.delete(np.arange(n), i)[:k] for i in range(n)])
    parents = rng.integers(0, n, size=20)  # the reference holds (20, k, L) floats
    out = smotenc_vote(codes, rank, nn, parents, 0, median_std=1e-12)  # every category ties
    want = smotenc_vote_ref(
        codes,
        rank,
        nn,
        parents,
        np.random.RandomState(0),
        _onehot_value(1e-12, np.float64)[1],
        np.float64,
    )
    assert [c.dtype for c in out] == [np.min_scalar_type(L - 1) for L in levels]
    assert np.array_equal(np.stack(out, axis=1).astype(np.int64), want)


def test_smotenc_vote_refuses_a_parent_outside_the_class():
    codes = np.array([[0], [1], [1], [0]])
    nn = np.array([[1, 2], [2, 3], [1, 3], [1, 2]])
    for bad in [np.array([0, 4]), np.array([-1]), lambda: iter([np.array([1]), np.array([9])])]:
        with pytest.raises(ValueError, match=r"parents must be rows of the class, in \[0, 4\)"):
            smotenc_vote(codes, [np.array([0, 1])], nn, bad, 0, median_std=1.0)


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_smotenc_parents_are_the_draws_again_in_any_batches(batch):
    from streamsmote.variants.smotenc import _parents

    n_c, k, n_new = 37, 5, 2345
    draws = ClassDraws(np.random.RandomState(11).get_state(), n_c * k, n_new)
    batches = _parents(draws, k, batch)
    idx, _ = draws.take(n_new)
    for _ in range(2):  # every call draws the same parents again
        assert np.array_equal(np.concatenate(list(batches())), idx // k)
    assert draws.taken == n_new  # reading the parents does not move the cursor


# ---------------------------------------------------------------------------------------------
# SMOTE-N pieces
# ---------------------------------------------------------------------------------------------


def _vdm_case(seed, n, levels, n_classes):
    """Codes (discovery order), ranks, labels, the count tables and imblearn's fitted VDM on
    the same data in sorted-order codes."""
    rng = np.random.default_rng(seed)
    codes, rank = _codes(rng, n, levels)
    y = rng.permutation(np.arange(n) % n_classes)  # every class present
    counts = [np.zeros((L, n_classes), dtype=np.int64) for L in levels]
    for j, c in enumerate(counts):
        np.add.at(c, (codes[:, j], y), 1)
    ordinal = np.stack([rank[j][codes[:, j]] for j in range(len(levels))], axis=1)
    vdm = ValueDifferenceMetric(n_categories=levels).fit(ordinal.astype(np.int32), y)
    return codes, rank, y, counts, ordinal, vdm


@pytest.mark.parametrize("n_classes", [2, 3, 9, 130])
def test_vdm_tables_are_imblearns(n_classes):
    codes, rank, y, counts, ordinal, vdm = _vdm_case(1, 400, [3, 7, 1], n_classes)
    for j, table in enumerate(vdm_tables(counts)):
        assert np.array_equal(table[np.argsort(rank[j])], vdm.proba_per_class_[j])


@pytest.mark.parametrize("n_classes", [2, 3, 9, 130])
@pytest.mark.parametrize("levels", [[2, 2, 3], [5], [25, 2]])
@pytest.mark.parametrize("k", [1, 5])
def test_smoten_kneighbors_are_sklearns_on_imblearns_distances(n_classes, levels, k, threads):
    codes, rank, y, counts, ordinal, vdm = _vdm_case(k + n_classes, 600, levels, n_classes)
    rows = np.arange(0, 600, 3)  # any subset of rows against the whole data's tables
    dist = vdm.pairwise(ordinal[rows])
    nn = NearestNeighbors(n_neighbors=k + 1, metric="precomputed").fit(dist)
    theirs = nn.kneighbors(dist, return_distance=False)
    assert np.array_equal(smoten_kneighbors(codes[rows], vdm_tables(counts), k), theirs)


def test_smoten_kneighbors_blocks_do_not_matter(monkeypatch):
    codes, rank, y, counts, ordinal, vdm = _vdm_case(3, 500, [3, 4], 3)
    whole = smoten_kneighbors(codes, vdm_tables(counts), 4)
    monkeypatch.setattr(cat, "VDM_BLOCK_ELEMENTS", 7 * 500)
    assert np.array_equal(smoten_kneighbors(codes, vdm_tables(counts), 4), whole)


@pytest.mark.parametrize("levels", [[2, 3], [1, 30]])
def test_smoten_mode_equals_scipy_mode(levels, threads):
    rng = np.random.default_rng(len(levels))
    codes, rank = _codes(rng, 50, levels)
    nn = np.stack([np.concatenate([[i], rng.choice(50, 4, replace=False)]) for i in range(50)])
    parents = rng.integers(0, 50, size=300)
    assert np.array_equal(
        smoten_mode(codes, rank, nn, parents), smoten_mode_ref(codes, rank, nn, parents)
    )


def test_parent_draws_are_imblearns_choice_in_any_batches():
    whole = np.random.RandomState(3).choice(np.arange(17), size=1000, replace=True)
    d = ParentDraws(np.random.RandomState(3).get_state(), 17, 1000)
    assert np.array_equal(np.concatenate([d.take(1), d.take(500), d.take(999)]), whole)
    d.seek(400)
    assert np.array_equal(d.take(10), whole[400:410])
    rs = np.random.RandomState(3)
    rs.choice(np.arange(17), size=1000, replace=True)
    end = np.random.RandomState()
    end.set_state(d.end_state())
    assert end.randint(1 << 30) == rs.randint(1 << 30)


# ---------------------------------------------------------------------------------------------
# whole synthetic rows against imbalanced-learn
# ---------------------------------------------------------------------------------------------

LEVELS = {"few": 2, "some": 5, "many": 40}


def _mixed_frame(counts, seed, kinds):
    """Continuous numeric columns and categorical ones of the given kinds and level counts."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    y = y[rng.permutation(len(y))]
    n = len(y)
    df = pd.DataFrame({f"x{i}": rng.normal(size=n) + 0.4 * (y == 0) for i in range(3)})
    for i, (kind, L) in enumerate(kinds):
        v = rng.integers(0, L, size=n)
        if kind == "int":
            df[f"c{i}"] = v * 7 - 3
        elif kind == "str":
            df[f"c{i}"] = np.array([f"s{x:03d}"[::-1] for x in v], dtype=object)
        else:
            df[f"c{i}"] = pd.Categorical([f"k{x}" for x in v])
    return df, y


def _synthetic_smotenc(df, y, cat_cols, k, seed, dtype=np.float64):
    """Our synthetic rows, class by class in sorted label order: the numeric block (in
    ``dtype``, imblearn's one-hot dtype too) and the categorical values."""
    num = df.drop(columns=cat_cols).to_numpy(dtype=dtype)
    coded = [discovery_codes(df[c].to_numpy()) for c in cat_cols]
    codes = np.stack([c[0] for c in coded], axis=1)
    rank = [c[2] for c in coded]
    classes, n_per = np.unique(y, return_counts=True)
    out_num, out_cat = [], []
    for c, n_c in zip(classes, n_per, strict=True):
        n_new = n_per.max() - n_c
        if n_new == 0:
            continue
        rows = np.flatnonzero(y == c)
        X_c, codes_c = num[rows], codes[rows]
        ms = median_std(X_c)
        nn = mixed_kneighbors(X_c, codes_c, smotenc_penalty(ms, dtype), k)[0]
        idx, gaps = ClassDraws(np.random.RandomState(seed).get_state(), n_c * k, n_new).take(n_new)
        new = np.empty((n_new, X_c.shape[1]), dtype=dtype)
        interpolate(X_c, nn, idx // k, idx % k, gaps, new)
        votes = smotenc_vote(codes_c, rank, nn, idx // k, seed, median_std=ms, dtype=dtype)
        out_num.append(new)
        out_cat.append(np.stack([coded[j][1][votes[j]] for j in range(len(cat_cols))], 1))
    return np.concatenate(out_num), np.concatenate(out_cat)


KINDS = {
    "int-few": [("int", 2)],
    "str-mixed": [("str", 2), ("str", 5), ("int", 40)],
    "category": [("cat", 3), ("cat", 40)],
    "all": [("int", 5), ("str", 2), ("cat", 40), ("str", 40)],
}


@pytest.mark.parametrize("container", ["frame", "object-array"])
@pytest.mark.parametrize("kinds", list(KINDS))
@pytest.mark.parametrize("counts", [[150, 40], [120, 30, 60, 25]], ids=["binary", "multi"])
@pytest.mark.parametrize("seed", [0, 1, 7, 42])
def test_smotenc_parity(container, kinds, counts, seed):
    df, y = _mixed_frame(counts, seed, KINDS[kinds])
    cat_cols = [c for c in df.columns if c.startswith("c")]
    cat_idx = [df.columns.get_loc(c) for c in cat_cols]
    X = df if container == "frame" else df.astype(object).to_numpy()
    imb = ImbSMOTENC(categorical_features=cat_idx, random_state=seed)
    X_res = imb.fit_resample(X, y)[0]
    X_res = pd.DataFrame(np.asarray(X_res, dtype=object), columns=df.columns)[len(y) :]
    num, cats = _synthetic_smotenc(df, y, cat_cols, 5, seed)
    theirs_num = X_res.drop(columns=cat_cols).to_numpy(dtype=np.float64)
    assert theirs_num.tobytes() == num.tobytes()
    assert (X_res[cat_cols].to_numpy() == cats).all()


def _synthetic_smoten(X, y, k, seed):
    coded = [discovery_codes(X[:, j]) for j in range(X.shape[1])]
    codes = np.stack([c[0] for c in coded], axis=1)
    rank = [c[2] for c in coded]
    classes, y_idx, n_per = np.unique(y, return_inverse=True, return_counts=True)
    counts = [np.zeros((len(c[1]), len(classes)), dtype=np.int64) for c in coded]
    for j, t in enumerate(counts):
        np.add.at(t, (codes[:, j], y_idx), 1)
    tables = vdm_tables(counts)
    out = []
    for c, n_c in zip(classes, n_per, strict=True):
        n_new = n_per.max() - n_c
        if n_new == 0:
            continue
        codes_c = codes[y == c]
        nn = smoten_kneighbors(codes_c, tables, k)
        parents = ParentDraws(np.random.RandomState(seed).get_state(), n_c, n_new).take(n_new)
        new = smoten_mode(codes_c, rank, nn, parents)
        out.append(np.stack([coded[j][1][new[:, j]] for j in range(X.shape[1])], axis=1))
    return np.concatenate(out)


@pytest.mark.parametrize("container", ["frame", "array"])
@pytest.mark.parametrize("kinds", list(KINDS))
@pytest.mark.parametrize("counts", [[150, 40], [120, 30, 60, 25]], ids=["binary", "multi"])
@pytest.mark.parametrize("seed", [0, 3, 11])
def test_smoten_parity(container, kinds, counts, seed):
    df, y = _mixed_frame(counts, seed, KINDS[kinds])
    df = df[[c for c in df.columns if c.startswith("c")]]
    X = df if container == "frame" else df.astype(object).to_numpy()
    X_res = ImbSMOTEN(random_state=seed).fit_resample(X, y)[0]
    theirs = np.asarray(X_res, dtype=object)[len(y) :]
    ours = _synthetic_smoten(df.astype(object).to_numpy(), y, 5, seed)
    assert (theirs == ours).all()


@pytest.mark.parametrize("seed", [0, 5])
def test_smotenc_parity_float32(seed):
    df, y = _mixed_frame([120, 30, 60, 25], seed, KINDS["all"])
    cat_cols = [c for c in df.columns if c.startswith("c")]
    df = df.astype({c: np.float32 for c in df.columns if c.startswith("x")})
    imb = ImbSMOTENC(
        categorical_features=[df.columns.get_loc(c) for c in cat_cols], random_state=seed
    )
    X_res = imb.fit_resample(df, y)[0][len(y) :]
    num, cats = _synthetic_smotenc(df, y, cat_cols, 5, seed, np.float32)
    assert X_res.drop(columns=cat_cols).to_numpy().tobytes() == num.tobytes()
    assert (X_res[cat_cols].to_numpy() == cats).all()


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------


@st.composite
def _class_data(draw):
    n = draw(st.integers(3, 30))
    k = draw(st.integers(1, n - 1))
    levels = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
    seed = draw(st.integers(0, 2**32 - 1))
    return n, k, levels, seed


@given(_class_data())
def test_smotenc_values_come_from_the_parents_neighbours(case):
    n, k, levels, seed = case
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    codes, rank = _codes(rng, n, levels)
    ms = median_std(X)
    nn = mixed_kneighbors(X, codes, smotenc_penalty(ms), k)[0]
    parents = rng.integers(0, n, size=50)
    votes = smotenc_vote(codes, rank, nn, parents, seed % 1000, median_std=ms)
    for i, p in enumerate(parents):
        for j in range(len(levels)):
            assert votes[j][i] in codes[nn[p], j]


@given(_class_data())
def test_smoten_values_come_from_the_parents_neighbours(case):
    n, k, levels, seed = case
    rng = np.random.default_rng(seed)
    codes, rank = _codes(rng, n, levels)
    y = rng.integers(0, 3, size=n)
    counts = [np.zeros((L, 3), dtype=np.int64) for L in levels]
    for j, c in enumerate(counts):
        np.add.at(c, (codes[:, j], y), 1)
    nn = smoten_kneighbors(codes, vdm_tables(counts), k)
    assert (nn[np.arange(n), :].shape == (n, k + 1)) and len(np.unique(nn[0])) == k + 1
    parents = rng.integers(0, n, size=50)
    new = smoten_mode(codes, rank, nn, parents)
    for i, p in enumerate(parents):
        for j in range(len(levels)):
            assert new[i, j] in codes[nn[p], j]
