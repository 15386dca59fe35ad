"""streamsmote.torch.ResampledDataset under a real DataLoader (0 and 2 worker processes)."""

import importlib
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")  # the test extra installs it; CI always runs these

import streamsmote as ss  # noqa: E402
from streamsmote.torch import ResampledDataset  # noqa: E402

N, D, CHUNK = 1_500, 3, 200


def data(n=N, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, D))
    y = np.where(rng.random(n) < 0.1, 1, 0)
    y[rng.random(n) < 0.05] = 2
    return X, y


def parquet_source(tmp_path, X, y, chunk=CHUNK):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({**{f"f{j}": X[:, j] for j in range(X.shape[1])}, "label": y})
    path = tmp_path / "data.parquet"
    pq.write_table(table, path, row_group_size=chunk)
    return ss.read_parquet(path, target="label", batch_size=chunk)


def source(kind, tmp_path, X, y):
    if kind == "parquet":
        return parquet_source(tmp_path, X, y)
    return ss.from_arrays(X, y, chunksize=CHUNK)


def loaded(ds, workers=2, **kwargs):
    """Every batch the DataLoader yields, as numpy ``(X, y)`` pairs, in order."""
    loader = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=workers, **kwargs)
    return [(Xb.numpy(), yb.numpy()) for Xb, yb in loader]


def table(batches):
    """All yielded rows as one array ``[X | y]``, sorted: the multiset of rows."""
    A = np.concatenate([np.c_[Xb, yb] for Xb, yb in batches])
    return A[np.lexsort(A.T[::-1])]


def expected(X_res, y_res, classes, dtype=np.float32):
    positions = pd.Index(classes).get_indexer(np.asarray(y_res))
    A = np.c_[np.asarray(X_res, dtype=dtype), positions]
    return A[np.lexsort(A.T[::-1])]


@pytest.mark.parametrize("order", ["interleave", "append"])
@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("kind", ["arrays", "parquet"])
def test_workers_yield_the_resampled_set_once(kind, workers, order, tmp_path):
    X, y = data()
    ds = ResampledDataset(
        source(kind, tmp_path, X, y),
        ss.SMOTE(random_state=0, neighbors="exact"),
        batch_size=128,
        order=order,
    )
    batches = loaded(ds, workers)
    X_res, y_res = ss.SMOTE(random_state=0, neighbors="exact").fit_resample(X, y)
    got = table(batches)
    # every original row once and every synthetic row of fit_resample once, nothing else
    assert got.shape == (len(y_res), D + 1) == (ds.n_rows_, D + 1)
    np.testing.assert_array_equal(got, expected(X_res, y_res, ds.classes_))
    originals = expected(X, y, ds.classes_)
    seen = {r.tobytes() for r in got}
    assert all(r.tobytes() in seen for r in originals)
    # full batches but for each worker's last
    assert sum(len(yb) != 128 for _, yb in batches) <= max(workers, 1)
    assert all(Xb.dtype == np.float32 and yb.dtype == np.int64 for Xb, yb in batches)


def test_batches_are_full_but_for_each_workers_last(tmp_path):
    X, y = data()
    ds = ResampledDataset(ss.from_arrays(X, y, chunksize=CHUNK), ss.SMOTE(random_state=0), 100)
    sizes = [len(yb) for _, yb in loaded(ds, 2)]
    assert sum(sizes) == ds.n_rows_
    assert sum(s != 100 for s in sizes) <= 2


def test_interleave_spreads_the_minority_over_the_batches():
    X, y = data()
    ds = ResampledDataset(
        ss.from_arrays(X, y, chunksize=CHUNK), ss.SMOTE(random_state=0), batch_size=200
    )
    shares = [np.bincount(yb, minlength=3) / len(yb) for _, yb in loaded(ds, 2)[:-2]]
    assert all(abs(s - 1 / 3).max() < 0.1 for s in shares)


def test_float64_rows_are_exactly_fit_resamples_and_labels_are_positions():
    X, y = data()
    labels = np.array(["a", "b", "c"])[y]
    ds = ResampledDataset(
        ss.from_arrays(X, labels, chunksize=CHUNK),
        ss.SMOTE(random_state=1, neighbors="exact"),
        batch_size=256,
        dtype=torch.float64,
    )
    batches = loaded(ds, 2)
    assert batches[0][0].dtype == np.float64
    assert ds.classes_.tolist() == ["a", "b", "c"]
    X_res, y_res = ss.SMOTE(random_state=1, neighbors="exact").fit_resample(X, labels)
    np.testing.assert_array_equal(
        table(batches), expected(X_res, y_res, ds.classes_, dtype=np.float64)
    )


def test_set_epoch_reseeds_synthetic_rows_and_keeps_originals(tmp_path):
    X, y = data()
    ds = ResampledDataset(
        parquet_source(tmp_path, X, y), ss.SMOTE(random_state=3, neighbors="exact"), 128
    )
    first = table(loaded(ds, 2))
    ds.set_epoch(1)
    second = table(loaded(ds, 2))
    assert ds.epoch == 1 and second.shape == first.shape
    # epoch 1 is the resampling with the epoch's seed: same originals, new synthetic rows
    X_res, y_res = ss.SMOTE(random_state=ds.epoch_seed(1), neighbors="exact").fit_resample(X, y)
    np.testing.assert_array_equal(second, expected(X_res, y_res, ds.classes_))
    originals = {r.tobytes() for r in expected(X, y, ds.classes_)}
    kept = [r for r in second if r.tobytes() in originals]
    assert len(kept) == N
    new = {r.tobytes() for r in second} - {r.tobytes() for r in first}
    assert len(new) == ds.n_rows_ - N  # every synthetic row changed
    assert ds.epoch_seed(1) != ds.epoch_seed(2)
    ds.set_epoch(0)  # back to the sampler's own seed
    np.testing.assert_array_equal(table(loaded(ds, 2)), first)


def test_shuffle_is_seeded_and_reshuffles_per_epoch():
    X, y = data()

    def make(**kwargs):
        return ResampledDataset(
            ss.from_arrays(X, y, chunksize=CHUNK), ss.SMOTE(random_state=5), 100, **kwargs
        )

    a, b = loaded(make(), 2), loaded(make(), 2)
    assert len(a) == len(b)
    for p, q in zip(a, b, strict=True):  # the same batches in the same order
        np.testing.assert_array_equal(p[0], q[0])
        np.testing.assert_array_equal(p[1], q[1])
    plain = np.concatenate([yb for _, yb in loaded(make(shuffle=False), 0)])
    mixed = np.concatenate([yb for _, yb in loaded(make(), 0)])
    assert not np.array_equal(plain, mixed)
    # the same permutation per chunk whatever the number of workers
    np.testing.assert_array_equal(table(loaded(make(), 0)), table(a))
    ds = make(reseed=False)
    ds.set_epoch(1)
    again = loaded(ds, 2)
    np.testing.assert_array_equal(table(again), table(a))  # same rows, no refit
    assert not np.array_equal(again[0][0], a[0][0])  # in another order


def test_smotenc_sends_category_codes(tmp_path):
    rng = np.random.default_rng(2)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=600),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], 600)),
        }
    )
    y = pd.Series(np.where(rng.random(600) < 0.15, 1, 0), name="label")
    sm = ss.SMOTENC(categorical_features=["colour"], random_state=0)
    ds = ResampledDataset(ss.from_arrays(X, y, chunksize=150), sm, 64)
    assert ds.feature_names_ == ["a", "colour"]
    X_res, y_res = ss.SMOTENC(categorical_features=["colour"], random_state=0).fit_resample(X, y)
    X_res = X_res.assign(colour=X_res["colour"].cat.codes)
    np.testing.assert_array_equal(table(loaded(ds, 2)), expected(X_res, y_res, ds.classes_))
    # columns named by ints; the caller's frame keeps its category column
    X_int = X.set_axis([0, 1], axis=1)
    sm = ss.SMOTENC(categorical_features=[1], random_state=0)
    got = table(loaded(ResampledDataset(ss.from_arrays(X_int, y, chunksize=150), sm, 64), 0))
    np.testing.assert_array_equal(got, expected(X_res, y_res, ds.classes_))
    assert isinstance(X_int[1].dtype, pd.CategoricalDtype)


def test_spawned_workers_get_the_pickled_fitted_state():
    X, y = data(600)
    ds = ResampledDataset(ss.from_arrays(X, y, chunksize=CHUNK), ss.SMOTE(random_state=0), 128)
    assert pickle.loads(pickle.dumps(ds)).n_rows_ == ds.n_rows_
    got = table(loaded(ds, 2, multiprocessing_context="spawn"))
    X_res, y_res = ss.SMOTE(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(got, expected(X_res, y_res, ds.classes_))


def test_errors_name_the_parameter_and_the_fix():
    X, y = data(300)
    src = ss.from_arrays(X, y, chunksize=100)
    with pytest.raises(ValueError, match=r"order must be one of \('append', 'interleave'\)"):
        ResampledDataset(src, ss.SMOTE(), order="random")
    with pytest.raises(ValueError, match="dtype must be a floating torch dtype"):
        ResampledDataset(src, ss.SMOTE(), dtype=torch.int64)
    with pytest.raises(ValueError, match="batch_size"):
        ResampledDataset(src, ss.SMOTE(), batch_size=0)
    one_shot = ss.from_chunks(iter([(X, y)]))
    with pytest.raises(ValueError, match=r"one-shot iterator.*from_chunks\(lambda"):
        ResampledDataset(one_shot, ss.SMOTE())
    frame = pd.DataFrame({"a": X[:, 0], "city": np.where(y == 1, "x", "y")})
    with pytest.raises(ValueError, match=r"columns \['city'\] are not numeric.*category"):
        ResampledDataset(
            ss.from_arrays(frame, y, chunksize=100),
            ss.SMOTENC(categorical_features=["city"], random_state=0),
        )
    ds = ResampledDataset(src, ss.SMOTE(random_state=0))
    with pytest.raises(ValueError, match="epoch must be a non-negative int; got -1"):
        ds.set_epoch(-1)


def test_a_source_that_changes_between_reads_is_reported():
    X, y = data(400)
    lengths = iter([400, 300])

    def make():
        n = next(lengths)
        yield X[:n], y[:n]

    ds = ResampledDataset(ss.from_chunks(make), ss.SMOTE(random_state=0))
    with pytest.raises(RuntimeError, match="yielded 300 rows in a worker but 400"):
        loaded(ds, 0)


def test_import_streamsmote_does_not_import_torch():
    code = "import sys, streamsmote; streamsmote.SMOTE; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_torch_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.delitem(sys.modules, "streamsmote.torch")
    with pytest.raises(ImportError, match=r'pip install "streamsmote\[torch\]"'):
        importlib.import_module("streamsmote.torch")
