"""The SMOTE family on one engine (:mod:`streamsmote.sampler`): each variant is a short module
that overrides only the hooks where it differs from SMOTE."""

from .smote import SMOTE
from .smoten import SMOTEN
from .smotenc import SMOTENC

__all__ = ["SMOTE", "SMOTEN", "SMOTENC"]

# CLI --method names
METHODS = {"smote": SMOTE, "smotenc": SMOTENC, "smoten": SMOTEN}
