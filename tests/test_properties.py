"""Properties over generated data sets (hypothesis): every synthetic row lies on a segment
between a row and one of its k nearest same-class rows, class counts follow the strategy,
originals pass through untouched, and the output does not depend on the chunk size."""

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from reference import class_knn, from_provenance

import streamsmote as ss
from streamsmote.strategy import plan


@st.composite
def datasets(draw):
    """Small labelled data sets: two or three classes, each with more than k rows; values
    continuous or on a coarse grid (exact ties and duplicate rows)."""
    k = draw(st.integers(1, 4))
    n_classes = draw(st.integers(2, 3))
    counts = [draw(st.integers(k + 1, 18)) for _ in range(n_classes)]
    n_features = draw(st.integers(1, 3))
    n = sum(counts)
    if draw(st.booleans()):
        elements = st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=64)
    else:
        elements = st.integers(-3, 3).map(float)  # ties and duplicates
    X = draw(arrays(np.float64, (n, n_features), elements=elements))
    y = np.repeat(np.arange(n_classes), counts)
    y = y[draw(st.permutations(range(n)))]
    strategy = draw(st.sampled_from(["auto", "all", "minority", "not majority"]))
    seed = draw(st.integers(0, 2**32 - 1))
    return X, y, k, strategy, seed


@given(datasets())
def test_synthetic_rows_lie_on_a_segment_to_a_nearest_same_class_row(case):
    X, y, k, strategy, seed = case
    sm = ss.SMOTE(k_neighbors=k, sampling_strategy=strategy, random_state=seed)
    X_res, y_res = sm.fit_resample(X, y)
    n = len(y)
    prov = sm.provenance_
    assert len(prov) == len(X_res) - n
    parents, neighbours = prov["parent"].to_numpy(), prov["neighbor"].to_numpy()
    gaps = prov["gap"].to_numpy()
    # on the segment: exactly X[parent] + gap * (X[neighbour] - X[parent]), gap in [0, 1)
    assert np.array_equal(X_res[n:], from_provenance(X, prov))
    assert ((gaps >= 0) & (gaps < 1)).all()
    # between rows of the synthetic row's class, the neighbour among the parent's k nearest
    assert np.array_equal(y[parents], y_res[n:]) and np.array_equal(y[neighbours], y_res[n:])
    near = class_knn(X, y, k)
    assert all(nb in near[p] for p, nb in zip(parents, neighbours, strict=True))
    assert (parents != neighbours).all()


@given(datasets())
def test_counts_follow_the_strategy_and_originals_pass_through(case):
    X, y, k, strategy, seed = case
    X0 = X.copy()
    X_res, y_res = ss.SMOTE(
        k_neighbors=k, sampling_strategy=strategy, random_state=seed
    ).fit_resample(X, y)
    counts = Counter(y.tolist())
    wanted = plan(strategy, dict(counts))
    assert Counter(y_res.tolist()) == {c: counts[c] + wanted.get(c, 0) for c in counts}
    assert np.array_equal(X_res[: len(y)], X0) and np.array_equal(y_res[: len(y)], y)
    assert np.array_equal(X, X0)  # input untouched


@given(datasets(), st.integers(1, 60), st.sampled_from(["append", "interleave"]))
def test_output_does_not_depend_on_the_chunk_size(case, chunksize, order):
    X, y, k, strategy, seed = case
    ref_X, ref_y = ss.SMOTE(
        k_neighbors=k, sampling_strategy=strategy, random_state=seed
    ).fit_resample(X, y)
    sm = ss.SMOTE(k_neighbors=k, sampling_strategy=strategy, random_state=seed)
    batches = list(sm.resample_chunks(ss.from_arrays(X, y, chunksize=chunksize), order=order))
    Xo = np.concatenate([b[0] for b in batches])
    yo = np.concatenate([b[1] for b in batches])
    mark = np.concatenate([b.synthetic for b in batches])
    n = len(y)
    assert np.array_equal(Xo[~mark], X) and np.array_equal(yo[~mark], y)
    syn_X, syn_y = Xo[mark], yo[mark]
    if order == "append":
        assert np.array_equal(syn_X, ref_X[n:]) and np.array_equal(syn_y, ref_y[n:])
    else:  # same rows, handed out in another order
        key = np.lexsort([*syn_X.T[::-1], syn_y])
        ref_key = np.lexsort([*ref_X[n:].T[::-1], ref_y[n:]])
        assert np.array_equal(syn_X[key], ref_X[n:][ref_key])
        assert np.array_equal(syn_y[key], ref_y[n:][ref_key])
