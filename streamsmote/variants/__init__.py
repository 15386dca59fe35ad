"""The SMOTE family on one engine (:mod:`streamsmote.sampler`): each variant is a short module
that overrides only the hooks where it differs from SMOTE."""

from .kmeans import KMeansSMOTE
from .smote import SMOTE
from .smoten import SMOTEN
from .smotenc import SMOTENC
from .svm import SVMSMOTE

__all__ = ["KMeansSMOTE", "SMOTE", "SMOTEN", "SMOTENC", "SVMSMOTE"]

# CLI --method names
METHODS = {
    "smote": SMOTE,
    "smotenc": SMOTENC,
    "smoten": SMOTEN,
    "svm": SVMSMOTE,
    "kmeans": KMeansSMOTE,
}
