"""OnlineSMOTE on an endless stream whose imbalance changes over time.

Chunks of 5,000 transactions arrive one by one; fraud is 2% of them at first, then 0.5%.
Each chunk comes back with its own rows first, then synthetic fraud rows, so that the stream
emitted so far is balanced over the running class counts. With ``half_life`` the counts forget
old rows and the top-up follows the current imbalance.

Run: python examples/online_stream.py
"""

import time

import numpy as np
import pandas as pd

import streamsmote as ss


def transactions(n_chunks=20, size=5_000, seed=0):
    rng = np.random.default_rng(seed)
    for i in range(n_chunks):
        p_fraud = 0.02 if i < n_chunks // 2 else 0.005
        fraud = rng.random(size) < p_fraud
        X = pd.DataFrame(
            {
                "amount": np.round(rng.lognormal(3 + fraud, 1.0), 2),
                "hour": rng.integers(0, 24, size),
                "score": (rng.normal(size=size) + 2.0 * fraud).astype(np.float32),
            }
        )
        yield X, pd.Series(np.where(fraud, "fraud", "ok"), name="label")


def main():
    osm = ss.OnlineSMOTE(k_neighbors=5, window=5_000, half_life=20_000, random_state=0)
    print("chunk  fraud_in  synthetic_out  rows_out  ms")
    start = time.perf_counter()
    for i, (X, y) in enumerate(transactions()):
        t0 = time.perf_counter()
        X_out, y_out = osm.partial_fit_resample(X, y)
        ms = 1e3 * (time.perf_counter() - t0)
        assert X_out.iloc[: len(X)].equals(X)  # the chunk's own rows, unchanged
        n_syn = len(y_out) - len(y)
        print(f"{i:5d}  {int((y == 'fraud').sum()):8d}  {n_syn:13d}  {len(y_out):8d}  {ms:4.0f}")
    elapsed = time.perf_counter() - start
    print()
    print("running (decayed) class counts:", {k: round(v) for k, v in osm.class_counts_.items()})
    print("synthetic rows emitted:        ", osm.n_synthetic_)
    print("dtypes kept:", dict(X_out.dtypes.astype(str)))
    print(f"state: {osm.nbytes() / 1e6:.1f} MB of windows and graphs; {elapsed:.1f} s in all")


if __name__ == "__main__":
    main()
