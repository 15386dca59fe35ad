"""scikit-learn's SGDClassifier.partial_fit fed by OnlineSMOTE.resample_stream.

A generated stream of 40 chunks x 2,000 rows with a 1.5% minority. One learner sees the raw
chunks, the other the same chunks topped up with synthetic minority rows. Balanced accuracy on
a held-out set, after every 5 chunks.

Run: python examples/partial_fit_sgd.py
"""

import numpy as np
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import balanced_accuracy_score

from streamsmote import OnlineSMOTE


def draw(rng, n, p=0.015):
    y = (rng.random(n) < p).astype(int)
    X = rng.normal(size=(n, 6))
    X[:, :3] += 1.5 * y[:, None]
    return X, y


def main():
    rng = np.random.default_rng(7)
    X_test, y_test = draw(rng, 20_000)
    chunks = [draw(rng, 2_000) for _ in range(40)]
    raw = SGDClassifier(loss="log_loss", random_state=0)
    bal = SGDClassifier(loss="log_loss", random_state=0)
    osm = OnlineSMOTE(k_neighbors=5, window=5_000, random_state=0)
    print("chunk  balanced_acc(raw)  balanced_acc(OnlineSMOTE)")
    for i, ((X, y), (X_b, y_b)) in enumerate(
        zip(chunks, osm.resample_stream(chunks), strict=True)
    ):
        raw.partial_fit(X, y, classes=[0, 1])
        bal.partial_fit(X_b, y_b, classes=[0, 1])
        if (i + 1) % 5 == 0:
            a = balanced_accuracy_score(y_test, raw.predict(X_test))
            b = balanced_accuracy_score(y_test, bal.predict(X_test))
            print(f"{i + 1:5d}  {a:17.3f}  {b:25.3f}")
    print("rows seen per class:", osm.class_counts_, " synthetic:", osm.n_synthetic_)


if __name__ == "__main__":
    main()
