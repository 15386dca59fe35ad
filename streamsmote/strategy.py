"""``sampling_strategy`` → ``{class: n_new}``, exactly as imbalanced-learn defines it.

Everything here works from class counts, so the same code plans an in-memory array and a
file read in chunks. Ties between counts resolve to the smallest label, as in imbalanced-learn
(``max``/``min`` over a dict whose keys are sorted labels return the first one).
"""

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np

STRING_STRATEGIES = ("minority", "not minority", "not majority", "all", "auto")


def class_counts(y):
    """Sorted ``{label: count}`` of a 1-D label array.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels; numpy scalars become plain Python values in the keys.

    Returns
    -------
    dict

    Examples
    --------
    >>> class_counts(np.array(["b", "a", "b"]))
    {'a': 1, 'b': 2}
    """
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    return {_py(label): int(c) for label, c in zip(labels, counts, strict=False)}


def _py(label):
    """A numpy scalar label as the plain Python value (dict keys print and compare cleanly)."""
    return label.item() if isinstance(label, np.generic) else label


def _majority(counts):
    return max(counts, key=counts.get)


def _minority(counts):
    return min(counts, key=counts.get)


def plan(sampling_strategy, counts, y=None):
    """How many synthetic rows each class gets.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable
        As in :class:`imblearn.over_sampling.SMOTE`:

        - float (binary targets only): the wanted ratio ``n_minority / n_majority`` after
          resampling, in ``(0, 1]``;
        - ``"minority"``, ``"not minority"``, ``"not majority"``, ``"all"``, ``"auto"`` (the same
          as ``"not majority"``): which classes are brought up to the majority's count;
        - dict ``{class: wanted count after resampling}``;
        - callable ``f(y) -> dict``, then as a dict.
    counts : dict
        ``{label: count}`` of every class in the data.
    y : array-like, optional
        The labels, passed to a callable strategy. When missing (streaming), the callable gets
        ``np.repeat(labels, counts)`` built from ``counts``.

    Returns
    -------
    dict
        ``{class: n_new}`` ordered by label, the value that imbalanced-learn stores in
        ``sampling_strategy_``.

    Raises
    ------
    ValueError
        With one class only, non-integer float labels (a continuous target), a strategy
        that is not one of the above, or one that would have to remove rows (or, for a
        float, add none).

    Examples
    --------
    >>> plan("auto", {0: 90, 1: 10, 2: 40})
    {1: 80, 2: 50}
    >>> plan(0.5, {"a": 100, "b": 10})
    {'b': 40}
    >>> plan({1: 30}, {0: 90, 1: 10})
    {1: 20}
    """
    counts = {k: int(counts[k]) for k in sorted(counts)}
    _check_labels(counts)
    if len(counts) < 2:
        raise ValueError(
            f"The target 'y' needs to have more than 1 class; got {len(counts)} class"
            f"{'' if len(counts) == 1 else 'es'} ({list(counts)}). SMOTE balances classes, so "
            "there must be a minority and a majority."
        )
    if isinstance(sampling_strategy, str):
        out = _from_string(sampling_strategy, counts)
    elif isinstance(sampling_strategy, Mapping):
        out = _from_dict(sampling_strategy, counts)
    elif isinstance(sampling_strategy, Real) and not isinstance(sampling_strategy, bool):
        out = _from_float(float(sampling_strategy), counts)
    elif callable(sampling_strategy):
        if y is None:
            y = np.repeat(np.array(list(counts)), list(counts.values()))
        wanted = sampling_strategy(y)
        if not isinstance(wanted, Mapping):
            raise ValueError(
                "A callable sampling_strategy must return a dict {class: wanted count}; "
                f"got {type(wanted).__name__}."
            )
        out = _from_dict(wanted, counts)
    else:
        raise ValueError(
            "sampling_strategy must be a float, one of "
            f"{STRING_STRATEGIES}, a dict or a callable; got {sampling_strategy!r} "
            f"({type(sampling_strategy).__name__})."
        )
    return {k: out[k] for k in sorted(out)}


def _check_labels(counts):
    """Reject a continuous target (non-integer float labels), as scikit-learn's
    ``check_classification_targets`` does: every value would be its own class."""
    bad = [c for c in counts if isinstance(c, float) and not c.is_integer()]
    if bad:
        raise ValueError(
            f"Unknown label type: continuous. y holds non-integer float values (e.g. {bad[0]!r}) "
            f"in {len(bad)} of its {len(counts)} distinct values; SMOTE needs class labels. "
            "Encode the classes as integers or strings (a regression target cannot be "
            "over-sampled this way)."
        )


def _from_string(name, counts):
    if name not in STRING_STRATEGIES:
        raise ValueError(
            f"When 'sampling_strategy' is a string, it needs to be one of {STRING_STRATEGIES}. "
            f"Got {name!r} instead."
        )
    n_max = max(counts.values())
    if name == "minority":
        keep = [_minority(counts)]
    elif name == "not minority":
        skip = _minority(counts)
        keep = [c for c in counts if c != skip]
    elif name in ("not majority", "auto"):
        skip = _majority(counts)
        keep = [c for c in counts if c != skip]
    else:
        keep = list(counts)
    return {c: n_max - counts[c] for c in keep}


def _from_dict(wanted, counts):
    missing = [k for k in wanted if _py(k) not in counts]
    if missing:
        raise ValueError(
            f"sampling_strategy names class(es) {missing} that are not present in the data; "
            f"the classes are {list(counts)}."
        )
    out = {}
    for label, n in wanted.items():
        label = _py(label)
        if not isinstance(n, Integral) or isinstance(n, bool):
            raise ValueError(
                f"sampling_strategy[{label!r}] must be an integer count of rows; got {n!r}."
            )
        if n < counts[label]:
            raise ValueError(
                "With over-sampling methods, the number of samples in a class should be "
                f"greater or equal to the original number of samples. Originally, there is "
                f"{counts[label]} samples and {n} samples are asked for class {label!r}."
            )
        out[label] = int(n) - counts[label]
    return out


def _from_float(ratio, counts):
    if len(counts) != 2:
        raise ValueError(
            "'sampling_strategy' can be a float only when the type of target is binary; got "
            f"{len(counts)} classes. For multi-class, use a dict."
        )
    if not 0 < ratio <= 1:
        raise ValueError(
            "When 'sampling_strategy' is a float, it should be in the range (0, 1]. "
            f"Got {ratio} instead."
        )
    major = _majority(counts)
    out = {}
    for label, n in counts.items():
        if label == major:
            continue
        n_new = int(counts[major] * ratio - n)
        if n_new <= 0:  # imbalanced-learn rejects a ratio that adds no row as well
            raise ValueError(
                f"The specified ratio {ratio} would require removing samples from the minority "
                f"class {label!r} ({n} rows, majority {counts[major]}), or adding none, while "
                "generating new ones. Please increase the ratio."
            )
        out[label] = n_new
    return out
