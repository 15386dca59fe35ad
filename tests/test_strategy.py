"""``sampling_strategy`` → ``{class: n_new}``, compared with imbalanced-learn's own
``check_sampling_strategy`` on the same labels."""

from collections import OrderedDict

import numpy as np
import pytest
from imblearn.utils import check_sampling_strategy

from streamsmote.strategy import STRING_STRATEGIES, class_counts, plan


def labels(counts):
    """A shuffled label array with ``counts = {label: rows}``."""
    y = np.repeat(np.array(list(counts)), list(counts.values()))
    return y[np.random.default_rng(0).permutation(len(y))]


def imblearn_plan(strategy, y):
    return dict(check_sampling_strategy(strategy, y, "over-sampling"))


def ours(strategy, y):
    return plan(strategy, class_counts(y), y=y)


BINARY = {0: 90, 1: 12}
MULTI = {0: 50, 1: 10, 2: 30, 3: 10}  # 1 and 3 tie for minority
TIED_MAJ = {0: 20, 1: 40, 2: 40}  # 1 and 2 tie for majority
STRINGS = {"cat": 15, "ant": 40, "bee": 7}

CASES = [(s, c) for s in STRING_STRATEGIES for c in (BINARY, MULTI, TIED_MAJ, STRINGS)] + [
    (0.5, BINARY),
    (1.0, BINARY),
    (0.1445, BINARY),  # 90 * 0.1445 = 13.005: int() keeps 1 new row
    (0.75, {"no": 100, "yes": 10}),
    ({1: 50}, MULTI),
    ({1: 10, 3: 60, 0: 50}, MULTI),
    ({"bee": 40, "cat": 15}, STRINGS),
    ({np.int64(1): np.int64(30)}, MULTI),
    (lambda y: {int(c): int((y == c).sum()) * 2 for c in np.unique(y) if c != 0}, MULTI),
]


@pytest.mark.parametrize(("strategy", "counts"), CASES, ids=repr)
def test_same_plan_as_imblearn(strategy, counts):
    y = labels(counts)
    got = ours(strategy, y)
    expected = imblearn_plan(strategy, y)
    assert got == expected
    assert list(got) == sorted(got)  # ordered by label
    assert all(isinstance(v, int) for v in got.values())


def test_every_kind_by_hand():
    counts = {0: 90, 1: 10, 2: 40}
    assert plan("auto", counts) == {1: 80, 2: 50}
    assert plan("not majority", counts) == {1: 80, 2: 50}
    assert plan("minority", counts) == {1: 80}
    assert plan("not minority", counts) == {0: 0, 2: 50}
    assert plan("all", counts) == {0: 0, 1: 80, 2: 50}
    assert plan({2: 41}, counts) == {2: 1}
    assert plan(lambda y: {1: int((y == 1).sum()) + 5}, counts) == {1: 5}
    assert plan(0.5, {"a": 100, "b": 10}) == {"b": 40}


def test_ties_resolve_to_the_smallest_label():
    assert plan("minority", {5: 10, 2: 10, 9: 30}) == {2: 20}
    assert plan("auto", {5: 30, 2: 10, 9: 30}) == {2: 20, 9: 0}
    assert plan("not minority", {"b": 3, "a": 3, "c": 9}) == {"b": 6, "c": 0}


def test_callable_gets_the_labels_streaming_without_y():
    seen = []

    def strategy(y):
        seen.append(np.sort(y).tolist())
        return {"b": 4}

    assert plan(strategy, {"b": 2, "a": 3}) == {"b": 2}
    assert seen == [["a", "a", "a", "b", "b"]]


def test_result_is_an_ordered_dict_like_imblearn():
    y = labels(MULTI)
    assert isinstance(check_sampling_strategy("auto", y, "over-sampling"), OrderedDict)
    assert list(ours("auto", y).items()) == list(imblearn_plan("auto", y).items())


def test_class_counts():
    assert class_counts(np.array(["b", "a", "b"])) == {"a": 1, "b": 2}
    got = class_counts(np.array([3, 1, 3, 3]))
    assert got == {1: 1, 3: 3} and all(type(k) is int for k in got)


ERRORS = [
    (0.5, MULTI, "binary"),
    (0.0, BINARY, r"range \(0, 1\]"),
    (1.5, BINARY, r"range \(0, 1\]"),
    (-0.2, BINARY, r"range \(0, 1\]"),
    (0.1, BINARY, "removing samples"),  # 90 * 0.1 = 9 < 12
    (0.1334, BINARY, "removing samples"),  # 90 * 0.1334 = 12.006: no new row, as imblearn
    (1.0, {0: 20, 1: 20}, "removing samples"),  # already balanced
    ({7: 100}, BINARY, "not present"),
    ({1: 5}, BINARY, "greater or equal"),
    ("majority", BINARY, "needs to be one of"),
    ("balanced", BINARY, "needs to be one of"),
    ([0, 1], BINARY, "sampling_strategy must be"),
    ("auto", {0: 30}, "more than 1 class"),
    (lambda y: {1: 3}, BINARY, "greater or equal"),
]


@pytest.mark.parametrize(("strategy", "counts", "match"), ERRORS, ids=repr)
def test_errors_where_imblearn_errors(strategy, counts, match):
    y = labels(counts)
    with pytest.raises(ValueError, match=match):
        ours(strategy, y)
    with pytest.raises(ValueError):
        imblearn_plan(strategy, y)


def test_error_messages_name_the_value():
    with pytest.raises(ValueError, match=r"'majority'.*"):
        plan("majority", BINARY)
    with pytest.raises(ValueError, match=r"class\(es\) \[7\].*classes are \[0, 1\]"):
        plan({7: 100}, BINARY)
    with pytest.raises(ValueError, match=r"3 classes.*use a dict"):
        plan(0.5, {0: 3, 1: 4, 2: 5})
    with pytest.raises(ValueError, match=r"increase the ratio"):
        plan(0.1, BINARY)
    with pytest.raises(ValueError, match=r"12 samples and 5 samples are asked for class 1"):
        plan({1: 5}, BINARY)


@pytest.mark.parametrize("bad", [None, {1, 2}, b"auto", object()], ids=repr)
def test_bad_type(bad):
    # imblearn's check_sampling_strategy does not validate these (its estimator's parameter
    # validation does); ours names the allowed kinds
    with pytest.raises(ValueError, match=r"float, one of .* a dict or a callable"):
        plan(bad, BINARY)


def test_non_integer_count_and_callable_not_returning_a_dict():
    with pytest.raises(ValueError, match=r"integer count"):
        plan({1: 20.5}, BINARY)
    with pytest.raises(ValueError, match=r"must return a dict"):
        plan(lambda y: [1], BINARY)


def test_continuous_target_is_rejected():
    counts = {0.5: 1, 1.25: 1, 2.0: 1}
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        plan("auto", counts)
    # integral floats are ordinary class labels, as in scikit-learn
    assert plan("auto", {0.0: 5, 1.0: 2}) == {1.0: 3}
