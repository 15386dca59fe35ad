"""A river model trained on a rare-class stream, with and without SMOTEClassifier.

SMOTEClassifier learns each observation, then, when it belongs to a minority class, the
synthetic rows that class is owed. Progressive validation (predict, then learn) on 5,000
observations with 2% positives: the wrapper finds far more of the rare class.

Run: python examples/river_learner.py  (needs ``pip install "streamsmote[river]"``)
"""

import random

from river import evaluate, linear_model, metrics, preprocessing

from streamsmote.river import SMOTEClassifier


def stream(n=5_000, p=0.02, seed=42):
    rng = random.Random(seed)
    for _ in range(n):
        y = rng.random() < p
        yield {f"x{i}": rng.gauss(1.2 * y if i < 3 else 0.0, 1.0) for i in range(6)}, y


def main():
    bare = preprocessing.StandardScaler() | linear_model.LogisticRegression()
    smote = SMOTEClassifier(
        preprocessing.StandardScaler() | linear_model.LogisticRegression(),
        k_neighbors=5,
        window=2_000,
        seed=0,
    )
    for name, model in [("LogisticRegression", bare), ("SMOTEClassifier(...)", smote)]:
        recall, balanced = metrics.Recall(), metrics.BalancedAccuracy()
        evaluate.progressive_val_score(stream(), model, metrics.base.Metrics([recall, balanced]))
        print(f"{name:22s} recall={recall.get():.3f}  balanced_accuracy={balanced.get():.3f}")
    print(f"synthetic positives learnt: {smote.n_synthetic}")


if __name__ == "__main__":
    main()
