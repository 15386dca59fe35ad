"""Balanced mini-batches for an incremental learner: ``order="interleave"``.

``SGDClassifier.partial_fit`` cannot use ``class_weight="balanced"``, and on a stream with 2 %
positives it learns to predict the majority. ``resample_chunks(src, order="interleave")`` reads
the file twice (fit: counts, minority rows, neighbour graph; emit: the originals) and adds to
every chunk its share of synthetic minority rows, so every batch the learner sees is balanced.

Run: python examples/partial_fit_interleave.py
"""

import os
import tempfile
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import balanced_accuracy_score, recall_score

import streamsmote as ss
from streamsmote.demo import make_chunks

CHUNK = 20_000


def train(batches, classes):
    clf = SGDClassifier(loss="log_loss", alpha=1e-4, random_state=0)
    n = n_batches = 0
    minority_share = []
    for X, y in batches:
        clf.partial_fit(X, y, classes=classes)
        n += len(y)
        n_batches += 1
        minority_share.append(float(np.mean(y == 1)))
    return clf, n, n_batches, float(np.mean(minority_share))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "stream.parquet")
        chunks = list(make_chunks(200_000, n_features=20, minority=0.02, seed=3, chunksize=CHUNK))
        ss.write_parquet(chunks[:8], path)  # 160,000 training rows on disk
        X_test = pd.concat([X for X, _ in chunks[8:]])  # 40,000 rows held out
        y_test = pd.concat([y for _, y in chunks[8:]]).to_numpy()
        del chunks

        src = ss.read_parquet(path, target="label", batch_size=CHUNK)
        classes = np.array([0, 1])

        start = time.perf_counter()
        raw, n_raw, b_raw, share_raw = train(src, classes)
        t_raw = time.perf_counter() - start

        sm = ss.SMOTE(random_state=0)
        start = time.perf_counter()
        bal, n_bal, b_bal, share_bal = train(
            sm.resample_chunks(src, order="interleave", shuffle=True), classes
        )
        t_bal = time.perf_counter() - start

        print(f"training file: {src.n_rows:,} rows, class counts {sm.class_counts_}")
        print(f"test set: {len(y_test):,} rows, {int(y_test.sum()):,} positives")
        print()
        print(
            f"{'SGDClassifier.partial_fit on':<34}{'rows':>9}{'batches':>9}{'share of 1':>12}"
            f"{'recall(1)':>11}{'bal. acc.':>11}{'s':>6}"
        )
        for name, clf, n, b, share, t in (
            ("raw chunks", raw, n_raw, b_raw, share_raw, t_raw),
            ('resample_chunks(order="interleave")', bal, n_bal, b_bal, share_bal, t_bal),
        ):
            pred = clf.predict(X_test)
            print(
                f"{name:<34}{n:>9,}{b:>9}{share:>12.1%}{recall_score(y_test, pred):>11.3f}"
                f"{balanced_accuracy_score(y_test, pred):>11.3f}{t:>6.1f}"
            )


if __name__ == "__main__":
    main()
