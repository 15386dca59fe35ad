"""streamsmote as a drop-in for imbalanced-learn's SMOTE, on in-memory arrays.

With ``neighbors="exact"`` and an int ``random_state`` both return the same arrays: the
originals in input order, then the synthetic rows, drawn from the same random stream. This
script checks that they are identical and times both (streamsmote's first call in a process
also loads its compiled kernels from numba's cache, so it is timed apart).

Run: python examples/dropin_imblearn.py
"""

import time

import numpy as np
from imblearn.over_sampling import SMOTE as ImbSMOTE
from sklearn.datasets import make_classification

import streamsmote as ss


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return out, best


def main():
    X, y = make_classification(
        n_samples=30_000,
        n_features=20,
        n_informative=8,
        weights=[0.97, 0.03],
        random_state=0,
    )
    print(f"data: {X.shape[0]:,} rows x {X.shape[1]} features, class counts {np.bincount(y)}")

    start = time.perf_counter()
    ss.SMOTE(random_state=0, neighbors="exact").fit_resample(X[:2000], y[:2000])
    first = time.perf_counter() - start

    (X_imb, y_imb), t_imb = timed(lambda: ImbSMOTE(random_state=0).fit_resample(X, y))
    (X_ss, y_ss), t_ss = timed(
        lambda: ss.SMOTE(random_state=0, neighbors="exact").fit_resample(X, y)
    )

    same = np.array_equal(X_imb, X_ss) and np.array_equal(y_imb, y_ss)
    print(f"resampled: {X_ss.shape[0]:,} rows, class counts {np.bincount(y_ss)}")
    print(f"identical to imbalanced-learn: {same}")
    print()
    print(f"{'':<28}{'seconds':>10}")
    print(f"{'imbalanced-learn SMOTE':<28}{t_imb:>10.3f}")
    print(f"{'streamsmote SMOTE':<28}{t_ss:>10.3f}")
    print(f"{'speed-up':<28}{t_imb / t_ss:>9.1f}x")
    print(f"(streamsmote's first call, loading its compiled kernels: {first:.2f} s)")
    if not same:
        raise SystemExit("streamsmote and imbalanced-learn disagree")


if __name__ == "__main__":
    main()
