"""Train a small PyTorch MLP on balanced batches from a Parquet file, with 2 DataLoader workers.

``ResampledDataset`` fits SMOTE once (class counts, minority rows, neighbour graph), then
each DataLoader worker reads the file, keeps every second chunk and adds that chunk's share of
synthetic minority rows: together the workers yield the resampled data set exactly once per
epoch. ``set_epoch`` draws new synthetic rows for every epoch.

The same MLP trained on the raw rows (2 % positives) is shown beside it, on a held-out set.

Run: python examples/torch_training.py   (needs ``pip install "streamsmote[torch]"``)
"""

import os
import tempfile
import time

import numpy as np
import pandas as pd
import torch

import streamsmote as ss
from streamsmote.torch import ResampledDataset

CHUNK = 5_000
EPOCHS = 3
BATCH = 512


def make_data(n, n_features=8, minority=0.03, seed=5):
    """Two overlapping Gaussian classes: the minority is shifted by 0.9 on every feature."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < minority).astype(np.int64)
    X = rng.normal(size=(n, n_features)) + 0.9 * y[:, None]
    return X.astype(np.float32), y


def mlp(n_features):
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(n_features, 32), torch.nn.ReLU(), torch.nn.Linear(32, 2)
    )


def shuffled_batches(X, y, epochs):
    """The raw rows, reshuffled every epoch, in batches of BATCH."""
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        perm = torch.randperm(len(y), generator=gen)
        for lo in range(0, len(y), BATCH):
            yield X[perm[lo : lo + BATCH]], y[perm[lo : lo + BATCH]]


def train(model, loader, epochs, before_epoch=None):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    rows = 0
    for epoch in range(epochs):
        if before_epoch is not None:
            before_epoch(epoch)
        for X_b, y_b in loader:
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X_b), y_b).backward()
            opt.step()
            rows += len(y_b)
    return rows


def scores(model, X, y):
    with torch.no_grad():
        pred = model(torch.from_numpy(X)).argmax(dim=1).numpy()
    recall = [float(np.mean(pred[y == c] == c)) for c in (0, 1)]
    return recall[1], float(np.mean(recall))


def main():
    torch.set_num_threads(1)  # 2 workers on a small machine; tiny model
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "train.parquet")
        X, y = make_data(60_000)
        X_raw, y_raw, X_test, y_test = X[:40_000], y[:40_000], X[40_000:], y[40_000:]
        columns = [f"f{j}" for j in range(X.shape[1])]
        chunks = [
            (pd.DataFrame(X_raw[lo : lo + CHUNK], columns=columns),
             pd.Series(y_raw[lo : lo + CHUNK], name="label"))
            for lo in range(0, len(y_raw), CHUNK)
        ]  # fmt: skip
        ss.write_parquet(chunks, path)  # 40,000 training rows on disk

        start = time.perf_counter()
        raw = mlp(X.shape[1])
        batches = shuffled_batches(torch.from_numpy(X_raw), torch.from_numpy(y_raw), EPOCHS)
        n_raw = train(raw, batches, 1)  # the generator runs every epoch itself
        t_raw = time.perf_counter() - start

        start = time.perf_counter()
        src = ss.read_parquet(path, target="label", batch_size=CHUNK)
        ds = ResampledDataset(src, ss.SMOTE(random_state=0), batch_size=BATCH)
        loader = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2)
        bal = mlp(X.shape[1])
        n_bal = train(bal, loader, EPOCHS, before_epoch=ds.set_epoch)
        t_bal = time.perf_counter() - start

        print(
            f"training file: {src.n_rows:,} rows, classes {ds.classes_.tolist()}, "
            f"{int(y_raw.sum()):,} positives; test set: {len(y_test):,} rows, "
            f"{int(y_test.sum()):,} positives"
        )
        print(f"{'MLP trained on':<40}{'rows seen':>11}{'recall(1)':>11}{'bal. acc.':>11}{'s':>6}")
        for name, model, n, t in (
            (f"raw rows, {EPOCHS} epochs", raw, n_raw, t_raw),
            (f"ResampledDataset, 2 workers, {EPOCHS} epochs", bal, n_bal, t_bal),
        ):
            recall, bacc = scores(model, X_test, y_test)
            print(f"{name:<40}{n:>11,}{recall:>11.3f}{bacc:>11.3f}{t:>6.1f}")


if __name__ == "__main__":
    main()
