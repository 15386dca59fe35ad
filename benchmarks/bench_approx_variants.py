"""How close the streamed SVM-SMOTE and KMeans-SMOTE are to the in-memory ones, downstream.

One imbalanced data set (``make_classification``, 20 features, 5% minority, some label noise)
is split into a training and a held-out half. The training half is resampled

* in memory (``fit_resample``; checked identical to imbalanced-learn's, same seed),
* streamed (``resample_chunks`` over ``from_arrays(..., chunksize=...)``), the approximation:
  SVM-SMOTE's SVC fitted on the minority plus a seeded reservoir of the majority,
  KMeans-SMOTE's MiniBatchKMeans by ``partial_fit``; with the default reservoir (20,000
  rows) and a small one (2,000 rows),

and a HistGradientBoostingClassifier and a LogisticRegression are trained on each result and
scored by ROC AUC on the held-out half (mean over seeds), beside no resampling at all.

Usage::

    python benchmarks/bench_approx_variants.py            # writes results_approx_variants.md
    python benchmarks/bench_approx_variants.py --quick    # small, prints only
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _common import fmt_s, machine_info, md_table  # noqa: E402

warnings.filterwarnings("ignore")


def _data(n, seed):
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    X, y = make_classification(
        n_samples=2 * n,
        n_features=20,
        n_informative=8,
        n_redundant=4,
        weights=[0.95],
        flip_y=0.02,
        class_sep=0.8,
        random_state=seed,
    )
    return train_test_split(X, y, test_size=0.5, stratify=y, random_state=seed)


def _auc(X, y, X_test, y_test):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    hgb = HistGradientBoostingClassifier(random_state=0).fit(X, y)
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
    return (
        roc_auc_score(y_test, hgb.predict_proba(X_test)[:, 1]),
        roc_auc_score(y_test, lr.predict_proba(X_test)[:, 1]),
    )


def _streamed(sampler, X, y, chunksize):
    import streamsmote as ss

    parts = list(sampler.resample_chunks(ss.from_arrays(X, y, chunksize=chunksize)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def run(n, seeds, chunksize, reservoirs):
    import imblearn.over_sampling as io

    import streamsmote as ss
    from streamsmote.variants import _whole

    variants = {
        "SVMSMOTE": {},
        "KMeansSMOTE": {"kmeans_estimator": 8, "cluster_balance_threshold": 0.02},
    }
    results = {}  # (variant, mode) -> list of (hgb, lr, seconds)
    identical = {}
    for seed in seeds:
        X, X_test, y, y_test = _data(n, seed)
        results.setdefault(("none", "–"), []).append((*_auc(X, y, X_test, y_test), 0.0))
        for name, kw in variants.items():
            t = time.perf_counter()
            Xm, ym = getattr(ss, name)(random_state=seed, neighbors="exact", **kw).fit_resample(
                X, y
            )
            t_mem = time.perf_counter() - t
            Xi, _ = getattr(io, name)(random_state=seed, **kw).fit_resample(X, y)
            identical[name] = identical.get(name, True) and np.array_equal(Xm, Xi)
            results.setdefault((name, "in memory"), []).append(
                (*_auc(Xm, ym, X_test, y_test), t_mem)
            )
            for cap in reservoirs:
                _whole.RESERVOIR_ROWS = cap
                t = time.perf_counter()
                Xs, ys = _streamed(
                    getattr(ss, name)(random_state=seed, neighbors="exact", **kw), X, y, chunksize
                )
                t_s = time.perf_counter() - t
                mode = f"streamed, reservoir {cap:,}"
                results.setdefault((name, mode), []).append((*_auc(Xs, ys, X_test, y_test), t_s))
            _whole.RESERVOIR_ROWS = 20_000
    rows = []
    for (name, mode), vals in results.items():
        v = np.array(vals)
        rows.append(
            [
                name,
                mode,
                f"{v[:, 0].mean():.4f} ± {v[:, 0].std():.4f}",
                f"{v[:, 1].mean():.4f} ± {v[:, 1].std():.4f}",
                fmt_s(v[:, 2].mean()) if v[:, 2].any() else "–",
            ]
        )
    table = md_table(["variant", "resampled", "AUC (HGB)", "AUC (LogReg)", "time"], rows)
    return table, identical


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        n, seeds, chunksize, reservoirs = 6_000, [0], 1_000, [2_000]
    else:
        n, seeds, chunksize, reservoirs = 30_000, [0, 1], 5_000, [20_000, 2_000]
    table, identical = run(n, seeds, chunksize, reservoirs)
    head = (
        "# Streamed SVM-SMOTE and KMeans-SMOTE against in memory (downstream AUC)\n\n"
        f"{n:,} training rows × 20 features (5% minority, 2% label noise), {n:,} held-out "
        f"rows; seeds {seeds}; streamed in chunks of {chunksize:,} rows. AUC mean ± std over "
        "seeds; time is the resampling only (in memory includes the SVC / k-means fit).\n"
        "In memory identical to imbalanced-learn 0.14 (same seed): "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in identical.items())
        + ".\n\n"
    )
    text = head + table + "\n\n" + machine_info() + "\n"
    print(text)
    if not args.quick:
        here = os.path.dirname(os.path.abspath(__file__))
        out = os.path.join(here, "results_approx_variants.md")
        with open(out, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
