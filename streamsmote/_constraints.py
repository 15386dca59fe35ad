"""Parameter constraints in scikit-learn's style, checked without importing scikit-learn.

A sampler declares what each of its parameters may be, once::

    class SMOTE:
        _parameter_constraints = ParameterConstraints(
            {"k_neighbors": [Interval(Integral, 1, None, closed="left")], ...},
            hints={"k_neighbors": "The usual value is 5."},
        )

and calls :func:`validate_params` at the start of every fit. Valid values are recognised here,
so a fit never imports scikit-learn (about a second) for its own sake. An invalid value raises
``sklearn.utils._param_validation.InvalidParameterError`` (a ``ValueError``) with
scikit-learn's wording when scikit-learn is installed, a ``ValueError`` with the same wording
otherwise, followed by the parameter's hint. Read from a class or an instance,
``_parameter_constraints`` is the dict of scikit-learn constraint objects that scikit-learn's
and imbalanced-learn's ``check_param_validation`` read.

Constraints are those of ``sklearn.utils._param_validation``: :class:`Interval`,
:class:`StrOptions`, :class:`HasMethods`, ``"random_state"``, ``None``, a type (instances
of it), or the builtin ``callable``. Unlike scikit-learn, an ``Interval`` of numbers does not
take ``True``/``False``: such a value is refused with the same wording (and a ``ValueError``
of scikit-learn's class), as no sampler parameter is meant to be a bool.
"""

import inspect
from numbers import Integral

import numpy as np

__all__ = [
    "HasMethods",
    "Interval",
    "ParameterConstraints",
    "StrOptions",
    "validate_params",
]


class Interval:
    """Numbers of ``type`` (``Integral`` or ``Real``) between ``left`` and ``right`` (``None``:
    unbounded); ``closed`` is ``"left"``, ``"right"``, ``"both"`` or ``"neither"``."""

    def __init__(self, type, left, right, *, closed):
        self.type, self.left, self.right, self.closed = type, left, right, closed

    def is_satisfied_by(self, value):
        if isinstance(value, bool | np.bool_) or not isinstance(value, self.type):
            return False
        if value != value:  # NaN
            return False
        if self.left is not None:
            if value < self.left or (value == self.left and self.closed in ("right", "neither")):
                return False
        if self.right is not None:
            if value > self.right or (value == self.right and self.closed in ("left", "neither")):
                return False
        return True

    def __str__(self):
        kind = "an int" if self.type is Integral else "a float"
        as_type = int if self.type is Integral else float
        lo = "-inf" if self.left is None else as_type(self.left)
        hi = "inf" if self.right is None else as_type(self.right)
        left = "[" if self.closed in ("left", "both") and self.left is not None else "("
        right = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        return f"{kind} in the range {left}{lo}, {hi}{right}"

    def to_sklearn(self, pv):
        return pv.Interval(self.type, self.left, self.right, closed=self.closed)


class StrOptions:
    """One of the strings in ``options`` (listed in sorted order here; scikit-learn lists
    them in its set's order)."""

    def __init__(self, options):
        self.options = set(options)

    def is_satisfied_by(self, value):
        return isinstance(value, str) and value in self.options

    def __str__(self):
        return f"a str among {{{', '.join(repr(o) for o in sorted(self.options))}}}"

    def to_sklearn(self, pv):
        return pv.StrOptions(self.options)


class HasMethods:
    """Any object with all of ``methods`` (duck typing, e.g. a nearest-neighbours object)."""

    def __init__(self, methods):
        self.methods = list(methods)

    def is_satisfied_by(self, value):
        return all(callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        names = [repr(m) for m in self.methods]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"an object implementing {listed}"

    def to_sklearn(self, pv):
        return pv.HasMethods(self.methods)


def _satisfied(constraint, value):
    if constraint is None:
        return value is None
    if constraint is callable:
        return callable(value)
    if constraint == "random_state":
        return (
            value is None
            or isinstance(value, np.random.RandomState)
            or Interval(Integral, 0, 2**32 - 1, closed="both").is_satisfied_by(value)
        )
    if constraint == "array-like":
        return not isinstance(value, str) and (
            hasattr(value, "__len__") or hasattr(value, "__array__")
        )
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    return constraint.is_satisfied_by(value)


def _describe(constraint):
    """scikit-learn's wording, for when scikit-learn is not installed."""
    if constraint is None:
        return "None"
    if constraint is callable:
        return "a callable"
    if constraint == "random_state":
        return (
            "an int in the range [0, 4294967295], an instance of "
            "'numpy.random.mtrand.RandomState' or None"
        )
    if constraint == "array-like":
        return "an array-like"
    if isinstance(constraint, type):
        module = "" if constraint.__module__ == "builtins" else f"{constraint.__module__}."
        return f"an instance of '{module}{constraint.__qualname__}'"
    return str(constraint)


def _to_sklearn(constraint, pv):
    return constraint.to_sklearn(pv) if hasattr(constraint, "to_sklearn") else constraint


class ParameterConstraints:
    """A class's parameter constraints: declared once, read by :func:`validate_params` here
    and, in scikit-learn's form, by scikit-learn's and imbalanced-learn's checks.

    Parameters
    ----------
    constraints : dict
        ``{parameter: [constraint, ...]}``; a value is valid when it meets one constraint.
    hints : dict, optional
        ``{parameter: text}`` appended to the error about that parameter: the fix, or the
        rule behind the constraint.
    """

    def __init__(self, constraints, hints=None):
        self.constraints = dict(constraints)
        self.hints = dict(hints or {})
        self._sklearn = None

    def __get__(self, obj, owner=None):
        if self._sklearn is None:
            from sklearn.utils import _param_validation as pv

            self._sklearn = {
                name: [_to_sklearn(c, pv) for c in cs] for name, cs in self.constraints.items()
            }
        return self._sklearn

    @staticmethod
    def of(cls):
        """The :class:`ParameterConstraints` declared by ``cls`` or its bases (to extend them
        in a subclass: ``ParameterConstraints({**ParameterConstraints.of(SMOTE).constraints,
        "m_neighbors": [...]})``)."""
        return inspect.getattr_static(cls, "_parameter_constraints")


def validate_params(estimator):
    """Raise if a parameter of ``estimator`` meets none of its constraints.

    Parameters
    ----------
    estimator : object
        An instance of a class with a :class:`ParameterConstraints` ``_parameter_constraints``.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError or ValueError
        The first invalid parameter, in scikit-learn's wording, then the parameter's hint.

    Examples
    --------
    >>> class Sampler:
    ...     _parameter_constraints = ParameterConstraints(
    ...         {"k": [Interval(Integral, 1, None, closed="left")]}, hints={"k": "Try 5."}
    ...     )
    ...     def __init__(self, k=5):
    ...         self.k = k
    >>> validate_params(Sampler())
    >>> try:
    ...     validate_params(Sampler(k=0))
    ... except ValueError as error:
    ...     print(error)
    The 'k' parameter of Sampler must be an int in the range [1, inf). Got 0 instead. Try 5.
    """
    spec = ParameterConstraints.of(type(estimator))
    for name, constraints in spec.constraints.items():
        value = getattr(estimator, name)
        if any(_satisfied(c, value) for c in constraints):
            continue
        try:
            from sklearn.utils import _param_validation as pv
        except ImportError:
            error, described = ValueError, [_describe(c) for c in constraints]
        else:
            error = pv.InvalidParameterError
            described = [str(pv.make_constraint(_to_sklearn(c, pv))) for c in constraints]
        listed = (
            described[0]
            if len(described) == 1
            else f"{', '.join(described[:-1])} or {described[-1]}"
        )
        hint = spec.hints.get(name)
        raise error(
            f"The {name!r} parameter of {type(estimator).__name__} must be {listed}. "
            f"Got {value!r} instead." + (f" {hint}" if hint else "")
        )
