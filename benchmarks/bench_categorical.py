"""Categorical kernels beside imbalanced-learn's own computation of the same thing.

* SMOTE-NC neighbours: :func:`mixed_kneighbors` against imblearn's search (one-hot CSR class
  with entries ``median_std / sqrt(2)``, ``NearestNeighbors(k + 1)``).
* SMOTE-N neighbours: :func:`smoten_kneighbors` against ``vdm.pairwise`` plus a precomputed
  ``NearestNeighbors`` (its n² matrix limits it to the smaller size).
* The votes (:func:`smotenc_vote`, :func:`smoten_mode`) for ten synthetic rows per row.

Warm timings in this process (each kernel compiled first on a tiny input), best of two.
Writes ``results_categorical.md``.
"""

import os
import time

import numpy as np
from _common import BENCH_DIR, fmt_s, fmt_x, load_avg, machine_info, md_table
from imblearn.metrics.pairwise import ValueDifferenceMetric
from scipy import sparse
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder

from streamsmote.kernels.categorical import (
    median_std,
    mixed_kneighbors,
    smoten_kneighbors,
    smoten_mode,
    smotenc_penalty,
    smotenc_vote,
    vdm_tables,
)

K = 5
N_NUM, LEVELS = 8, [2, 5, 12, 40]
SIZES = [5_000, 20_000]
IMBLEARN_VDM_MAX = 5_000  # its n x n float64 matrix: 3.2 GB at 20k


def best(fn, repeat=2):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def data(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_NUM))
    codes = np.stack([rng.integers(0, L, size=n) for L in LEVELS], axis=1).astype(np.int32)
    rank = [np.arange(L) for L in LEVELS]
    y = rng.integers(0, 3, size=n)
    return X, codes, rank, y


def imblearn_smotenc_knn(X, codes):
    ohe = OneHotEncoder(handle_unknown="ignore").fit_transform(codes)
    ohe.data[:] = median_std(X) / np.sqrt(2)
    Xe = sparse.hstack((X, ohe), format="csr")
    return NearestNeighbors(n_neighbors=K + 1).fit(Xe).kneighbors(Xe, return_distance=False)


def imblearn_smoten_knn(codes, y):
    vdm = ValueDifferenceMetric(n_categories=LEVELS).fit(codes, y)
    D = vdm.pairwise(codes)
    return NearestNeighbors(n_neighbors=K + 1, metric="precomputed").fit(D).kneighbors(D)


def main():
    load = load_avg()
    X, codes, rank, y = data(200)
    counts = [np.ones((L, 3), dtype=np.int64) for L in LEVELS]
    nn = mixed_kneighbors(X, codes, 1.0, K)[0]
    smotenc_vote(codes, rank, nn, np.arange(200), 0, median_std=1.0)
    smoten_mode(codes, rank, smoten_kneighbors(codes, vdm_tables(counts), K), np.arange(200))

    rows = []
    for n in SIZES:
        X, codes, rank, y = data(n)
        counts = [np.zeros((L, 3), dtype=np.int64) for L in LEVELS]
        for j, c in enumerate(counts):
            np.add.at(c, (codes[:, j], y), 1)
        tables = vdm_tables(counts)
        pen = smotenc_penalty(median_std(X))
        parents = np.random.RandomState(0).randint(0, n, size=10 * n)
        nn = mixed_kneighbors(X, codes, pen, K)[0]
        nn_n = smoten_kneighbors(codes, tables, K)
        t_nc = best(lambda X=X, codes=codes, pen=pen: mixed_kneighbors(X, codes, pen, K))
        t_nc_imb = best(lambda X=X, codes=codes: imblearn_smotenc_knn(X, codes), 1)
        t_n = best(lambda codes=codes, tables=tables: smoten_kneighbors(codes, tables, K))
        t_n_imb = (
            best(lambda codes=codes, y=y: imblearn_smoten_knn(codes, y), 1)
            if n <= IMBLEARN_VDM_MAX
            else None
        )
        t_vote = best(
            lambda codes=codes, nn=nn, parents=parents, rank=rank: smotenc_vote(
                codes, rank, nn, parents, 0, median_std=1.0
            )
        )
        t_mode = best(
            lambda codes=codes, nn_n=nn_n, parents=parents, rank=rank: smoten_mode(
                codes, rank, nn_n, parents
            )
        )
        rows.append(
            [
                f"{n:,}",
                fmt_s(t_nc),
                fmt_s(t_nc_imb),
                fmt_x(t_nc_imb / t_nc),
                fmt_s(t_n),
                fmt_s(t_n_imb),
                fmt_x(t_n_imb / t_n) if t_n_imb else "–",
                fmt_s(t_vote),
                fmt_s(t_mode),
            ]
        )
    headers = [
        "class rows",
        "SMOTE-NC kNN",
        "imblearn",
        "ratio",
        "SMOTE-N kNN",
        "imblearn",
        "ratio",
        "NC vote (10n rows)",
        "N mode (10n rows)",
    ]
    text = "\n".join(
        [
            "# Categorical kernels (SMOTE-NC, SMOTE-N)",
            "",
            f"{N_NUM} numeric columns, categorical levels {LEVELS}, k={K}, 3 classes in the VDM;"
            " warm, best of two (imblearn: one run).",
            "",
            md_table(headers, rows),
            "",
            machine_info(),
            f"- load average before: {load:.2f}",
            "",
        ]
    )
    print(text)
    with open(os.path.join(BENCH_DIR, "results_categorical.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
