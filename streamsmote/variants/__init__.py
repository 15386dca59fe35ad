"""The SMOTE family on one engine (:mod:`streamsmote.sampler`): each variant is a short module
that overrides only the hooks where it differs from SMOTE."""

from .smote import SMOTE

__all__ = ["SMOTE"]
