"""The exact graph as cell tasks (streamsmote.neighbors.cells): identical to the local exact
search on adversarial layouts, whatever the cell size."""

import numpy as np
import pytest
from reference import knn

from streamsmote.neighbors.cells import kneighbors_cells, plan_cells
from streamsmote.neighbors.exact import kneighbors_exact


def _layouts():
    rng = np.random.default_rng(7)
    yield "isotropic", rng.normal(size=(3000, 8))
    yield "ties", np.repeat(rng.integers(0, 4, size=(400, 3)).astype(float), 6, axis=0)
    clusters = np.vstack(
        [rng.normal(size=(2500, 3)) * 0.01, rng.normal(size=(12, 3)) + 50.0, [[1e6, 0, 0]]]
    )
    yield "clusters of very different size and a far outlier", clusters
    yield "one feature", rng.normal(size=(2000, 1))
    yield "float32", rng.normal(size=(2500, 5)).astype(np.float32)
    yield "low-dimensional (prunes)", rng.uniform(size=(6000, 2))


@pytest.mark.parametrize("name,X", list(_layouts()), ids=[n for n, _ in _layouts()])
@pytest.mark.parametrize("cell_rows", [64, 700])
def test_cells_graph_is_the_exact_graph(name, X, cell_rows):
    k = 5
    got = kneighbors_cells(X, k, cell_rows=cell_rows)
    np.testing.assert_array_equal(got, kneighbors_exact(X, k)[0])


def test_matches_the_numpy_reference_with_ties():
    X = np.repeat(np.arange(30, dtype=float)[:, None], 4, axis=0)
    np.testing.assert_array_equal(kneighbors_cells(X, 6, cell_rows=16), knn(X, 6)[0])


def test_bounds_prune_low_dimensional_data():
    X = np.random.default_rng(0).uniform(size=(20_000, 2))
    stats = {}
    kneighbors_cells(X, 5, cell_rows=512, stats=stats)
    assert stats["cells"] == 40
    assert stats["pairs"] < 0.3 * X.shape[0] ** 2  # most cell pairs provably skipped


def test_cells_cover_every_row_once_with_their_boxes():
    X = np.random.default_rng(1).normal(size=(1001, 3))
    cells, boxes = plan_cells(X, 100)
    rows = np.concatenate(cells)
    np.testing.assert_array_equal(np.sort(rows), np.arange(1001))
    for c, b in zip(cells, boxes, strict=True):
        assert (X[c] >= b[0]).all() and (X[c] <= b[1]).all()


def test_overlapping_cells_seed_with_the_cell_itself(monkeypatch):
    # 1-d rows in two interleaved, overlapping cells of equal size: the other cell (lower
    # number, gap 0) must not replace the cell itself in step 1, whose self-search needs it
    from streamsmote.neighbors import cells as cells_mod

    X = np.random.default_rng(2).normal(size=(400, 1))
    cells = [np.arange(0, 400, 2), np.arange(1, 400, 2)]
    boxes = np.stack([[X[c].min(axis=0), X[c].max(axis=0)] for c in cells])
    monkeypatch.setattr(cells_mod, "plan_cells", lambda X, cell_rows: (cells, boxes))
    np.testing.assert_array_equal(kneighbors_cells(X, 4), kneighbors_exact(X, 4)[0])
    rows, idx, _ = cells_mod.cell_task(X, cells, boxes, 1, 4)
    np.testing.assert_array_equal(idx, kneighbors_exact(X, 4)[0][rows])
