"""What SMOTENC and SMOTEN share: their parameter rules and imbalanced-learn's
``categorical_encoder`` / ``categorical_encoder_``."""

from numbers import Integral

import numpy as np
import pandas as pd

from .._constraints import HasMethods, Interval, ParameterConstraints, StrOptions
from ..sampler import BaseSMOTE

_BASE = ParameterConstraints.of(BaseSMOTE)

# What SMOTENC and SMOTEN change in SMOTE's parameter rules: an int k_neighbors (their metric
# is their own), exact neighbours only, and imbalanced-learn's categorical_encoder.
NOMINAL_CONSTRAINTS = {
    **_BASE.constraints,
    "k_neighbors": [Interval(Integral, 1, None, closed="left")],
    "neighbors": [StrOptions(("auto", "exact"))],
    "categorical_encoder": [None, HasMethods(["fit_transform", "inverse_transform"])],
}
NOMINAL_HINTS = {
    **_BASE.hints,
    "k_neighbors": "The usual value is 5 (a neighbours object is not used with categorical "
    "columns: their metric is their own).",
    "neighbors": "The neighbour search over categorical columns is exact (a numba kernel); "
    "neighbors='approx' and 'pynndescent' are not available for it yet.",
    "categorical_encoder": "Pass None: streamsmote codes categories itself, chunk by chunk.",
}


class NominalSMOTE(BaseSMOTE):
    """A variant with categorical columns: checks ``categorical_encoder`` and gives the fitted
    ``categorical_encoder_`` that imbalanced-learn's SMOTENC and SMOTEN expose (a subclass
    names imbalanced-learn's default encoder in ``_default_encoder``)."""

    def _check_params(self):
        super()._check_params()
        check_encoder(self.categorical_encoder)

    @property
    def categorical_encoder_(self):
        """The categorical encoder, fitted on the categories seen (built on first access;
        needs scikit-learn). streamsmote does not encode with it: it codes categories itself,
        chunk by chunk, and this object only reports them as imbalanced-learn's does
        (``categories_`` sorted per column)."""
        if not hasattr(self, "_models"):
            raise AttributeError(
                f"{type(self).__name__} has no categorical_encoder_ before it is fitted."
            )
        from sklearn.base import clone

        encoder = self.categorical_encoder
        encoder = self._default_encoder() if encoder is None else clone(encoder)
        return encoder.fit(_levels_frame(self._layout))


def _levels_frame(layout):
    """One column per categorical feature holding each of its levels (shorter columns
    repeat their first level), in the input's container: what an encoder fits on to learn
    the categories."""
    levels = [coder.levels for coder in layout.coders]
    n = max(len(v) for v in levels)
    cols = [np.concatenate([v, np.repeat(v[:1], n - len(v))]) for v in levels]
    if layout.kind == "pandas":
        names = [layout.columns[j] for j in layout.categorical]
        return pd.DataFrame(dict(zip(names, cols, strict=True)))
    return np.stack(cols, axis=1).astype(object)


def check_encoder(encoder):
    """Accept ``None`` or an encoder that keeps every category in sorted order."""
    if encoder is None:
        return
    params = encoder.get_params() if hasattr(encoder, "get_params") else {}
    if (
        params.get("categories", "auto") != "auto"
        or params.get("drop") is not None
        or params.get("min_frequency") is not None
        or params.get("max_categories") is not None
    ):
        raise ValueError(
            f"categorical_encoder={encoder!r}: SMOTENC requires a one-hot encoding with one "
            "column per category, and streamsmote, which codes categories itself chunk by "
            "chunk, honours only an encoder that keeps every category in sorted order "
            "(categories='auto', no drop, no infrequent grouping). Pass "
            "categorical_encoder=None."
        )
