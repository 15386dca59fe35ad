"""OnlineSMOTE's provenance (parent and neighbour as row numbers of the stream, the gap) and
passthrough columns through resample_stream, into real files read back: every synthetic row
is rebuilt from its provenance and its passthrough values are null or its parent's."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import streamsmote as ss

pl = pytest.importorskip("polars")


def _chunks(n_chunks=6, size=150, seed=0, d=3):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_chunks):
        y = np.select([rng.random(size) < 0.1, rng.random(size) < 0.2], [1, 2], 0)
        out.append((rng.normal(size=(size, d)) + y[:, None], y))
    return out


@pytest.mark.parametrize("window_kind", ["sliding", "reservoir"])
def test_partial_fit_resample_provenance_rebuilds_every_row(window_kind):
    chunks = _chunks()
    window = 20
    osm = ss.OnlineSMOTE(k_neighbors=3, window=window, window_kind=window_kind, random_state=0)
    X_all = np.concatenate([X for X, _ in chunks])
    y_all = np.concatenate([y for _, y in chunks])
    seen = 0
    n_syn = 0
    for X, y in chunks:
        out = osm.partial_fit_resample(X, y)
        X_out, y_out = out  # still unpacks as a pair
        n = len(y)
        parent, neighbor, gap = out.provenance
        assert out.synthetic.tolist() == [False] * n + [True] * (len(y_out) - n)
        assert (parent[:n] == -1).all() and (neighbor[:n] == -1).all() and np.isnan(gap[:n]).all()
        p, nb, g = parent[n:], neighbor[n:], gap[n:]
        assert ((0 <= p) & (p < seen + n) & (p != nb)).all()
        assert (y_all[p] == y_out[n:]).all() and (y_all[nb] == y_out[n:]).all()
        rebuilt = X_all[p] + g[:, None] * (X_all[nb] - X_all[p])
        np.testing.assert_allclose(X_out[n:], rebuilt, rtol=1e-12, atol=1e-12)
        if window_kind == "sliding":  # a parent is one of its class's newest `window` rows
            for c in np.unique(y_out[n:]):
                newest = np.flatnonzero(y_all[: seen + n] == c)[-window:]
                assert np.isin(p[y_out[n:] == c], newest).all()
        seen += n
        n_syn += len(p)
    assert n_syn > 0


def _table(n=900, seed=3):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.12).astype(np.int64)
    return pa.table(
        {
            "id": pa.array(np.arange(n, dtype=np.int64) + 2**60),
            "a": rng.normal(size=n) + y,
            "note": pa.array([f"r{i}" if i % 7 else None for i in range(n)]),
            "b": rng.normal(size=n),
            "flag": pa.array(rng.random(n) < 0.5),
            "label": y,
        }
    )


PASS = ["id", "note", "flag"]


@pytest.mark.parametrize("fill", ["null", "parent"])
@pytest.mark.parametrize("container", ["polars", "pandas"])
def test_resample_stream_writes_passthrough_and_provenance(tmp_path, fill, container):
    table = _table()
    path = tmp_path / "data.parquet"
    pq.write_table(table, path, row_group_size=100)
    if container == "polars":
        src = ss.from_polars(
            pl.scan_parquet(path), "label", batch_size=120, passthrough=PASS,
            passthrough_fill=fill,
        )  # fmt: skip
    else:
        src = ss.read_parquet(
            path, "label", batch_size=120, passthrough=PASS, passthrough_fill=fill
        )
    window = 40
    osm = ss.OnlineSMOTE(k_neighbors=3, window=window, random_state=0)
    out = tmp_path / "out.parquet"
    ss.write_parquet(osm.resample_stream(src), out, mark_synthetic="s", provenance=True)

    data = table.to_pandas()
    df = pq.read_table(out).to_pandas()
    assert list(df.columns) == [*PASS, "a", "b", "label", "s", "parent_row", "neighbor_row", "gap"]
    assert str(pq.read_schema(out).field("id").type) == "int64"
    orig, syn = df[~df["s"]], df[df["s"]]
    assert len(syn) > 0 and syn["label"].eq(1).all()
    pd.testing.assert_frame_equal(
        orig[[*PASS, "a", "b", "label"]].reset_index(drop=True),
        data[[*PASS, "a", "b", "label"]],
        check_dtype=False,
    )
    parent = syn["parent_row"].to_numpy(np.int64)
    neighbor = syn["neighbor_row"].to_numpy(np.int64)
    A = data[["a", "b"]].to_numpy()
    rebuilt = A[parent] + syn["gap"].to_numpy()[:, None] * (A[neighbor] - A[parent])
    np.testing.assert_allclose(syn[["a", "b"]].to_numpy(), rebuilt, rtol=1e-12, atol=1e-12)
    if fill == "null":
        assert syn[PASS].isna().all().all()
    else:
        expected = data[PASS].iloc[parent].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            syn[PASS].reset_index(drop=True), expected, check_dtype=False
        )
        # the kept passthrough rows are those of the window, never the whole stream
        kept, kept_table = osm._passthrough.tables[1]
        assert len(kept) == len(kept_table) == window
        newest = np.flatnonzero(data["label"].to_numpy() == 1)[-window:]
        np.testing.assert_array_equal(kept, newest)


def test_batches_keep_the_polars_dtypes_and_generate_owed_has_provenance():
    table = _table(n=400)
    data = pl.from_arrow(table)
    src = ss.from_polars(
        data, "label", batch_size=100, passthrough=PASS, passthrough_fill="parent"
    )
    schema = data.select(PASS).schema
    for b in ss.OnlineSMOTE(k_neighbors=3, random_state=1).resample_stream(src):
        assert isinstance(b.passthrough, pl.DataFrame) and b.passthrough.schema == schema
        assert b.passthrough.height == len(b.y)
        syn = b.passthrough.filter(pl.Series(b.synthetic))
        assert syn.equals(data.select(PASS)[b.provenance[0][b.synthetic]])

    osm = ss.OnlineSMOTE(k_neighbors=2, random_state=0)
    X = np.arange(20, dtype=float).reshape(10, 2)
    osm.partial_fit(X, np.array([0] * 7 + [1] * 3))
    owed = osm.generate_owed()
    parent, neighbor, gap = owed.provenance
    assert owed.synthetic.all() and set(parent) | set(neighbor) <= {7, 8, 9}
    X_s, _ = owed
    np.testing.assert_allclose(X_s, X[parent] + gap[:, None] * (X[neighbor] - X[parent]))
