"""The SMOTE family on one engine (:mod:`streamsmote.sampler`): each variant is a short module
that overrides only the hooks where it differs from SMOTE."""

from functools import partial

from .adasyn import ADASYN
from .borderline import BorderlineSMOTE
from .kmeans import KMeansSMOTE
from .smote import SMOTE
from .smoten import SMOTEN
from .smotenc import SMOTENC
from .svm import SVMSMOTE

__all__ = ["ADASYN", "SMOTE", "SMOTEN", "SMOTENC", "SVMSMOTE", "BorderlineSMOTE", "KMeansSMOTE"]


def _adasyn(k_neighbors=5, **params):
    """ADASYN from the CLI's parameters (its ``--k`` is ADASYN's ``n_neighbors``)."""
    return ADASYN(n_neighbors=k_neighbors, **params)


# CLI --method names → a callable taking the CLI's parameters (k_neighbors=, ...)
METHODS = {
    "smote": SMOTE,
    "smotenc": SMOTENC,
    "smoten": SMOTEN,
    "borderline1": partial(BorderlineSMOTE, kind="borderline-1"),
    "borderline2": partial(BorderlineSMOTE, kind="borderline-2"),
    "adasyn": _adasyn,
    "svm": SVMSMOTE,
    "kmeans": KMeansSMOTE,
}
