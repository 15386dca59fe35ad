"""streamsmote: numba-fast, memory-bounded, streaming SMOTE.

``import streamsmote`` is cheap: numba, pynndescent, pyarrow, polars and dask load when the
object that needs them is first used.

Examples
--------
>>> import numpy as np
>>> import streamsmote as ss
>>> X = np.arange(40, dtype=float).reshape(20, 2)
>>> y = np.r_[np.zeros(14, int), np.ones(6, int)]
>>> X_res, y_res = ss.SMOTE(random_state=0).fit_resample(X, y)
>>> np.bincount(y_res).tolist()
[14, 14]
"""

import importlib

__version__ = "0.1.0"

_LAZY = {
    "SMOTE": "variants.smote",
    "SMOTENC": "variants.smotenc",
    "SMOTEN": "variants.smoten",
    "BorderlineSMOTE": "variants.borderline",
    "ADASYN": "variants.adasyn",
    "SVMSMOTE": "variants.svm",
    "KMeansSMOTE": "variants.kmeans",
    "OnlineSMOTE": "online",
    "Batch": "_batch",
    "from_arrays": "sources",
    "read_csv": "sources",
    "read_parquet": "sources",
    "from_chunks": "sources",
    "from_polars": "sources",
    "as_source": "sources",
    "write_csv": "sinks",
    "write_parquet": "sinks",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'streamsmote' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
