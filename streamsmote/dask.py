"""Scale-out through Dask: resample a ``dask.dataframe`` lazily.

The minority rows of a data set are few even when the data set is huge, so the plan is:

1. class counts and partition lengths (one cheap pass of ``value_counts`` and ``len``);
2. the rows of the classes that need synthetic rows are gathered to the client;
3. their neighbour graphs are built once, on the client, and the small fitted state is put
   into the task graph once (every partition task refers to the same key);
4. partition ``p`` receives, for every class, the synthetic rows numbered
   ``floor(n_new * R_p / N)`` up to ``floor(n_new * R_{p+1} / N)``, where ``R_p`` is the number
   of rows before the partition. A worker seeks the class's random stream to its first
   number, so the synthetic rows are the very rows that ``SMOTE.fit_resample`` would make,
   whatever the partitioning.

dask and distributed are optional: ``pip install "streamsmote[dask]"``.
"""

import functools
import threading

import numpy as np
import pandas as pd

from ._layout import Layout


def _import_dask():
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised without the extra only
        raise ImportError('streamsmote.dask needs dask: pip install "streamsmote[dask]"') from exc
    return dask, dd


_STATE_LOCK = threading.Lock()

# Classes of at least this many rows have their exact graph built by tasks on the cluster.
GRAPH_MIN_ROWS = 200_000


def resample(
    ddf,
    target,
    smote=None,
    *,
    mark_synthetic=None,
    graph_min_rows=GRAPH_MIN_ROWS,
    provenance=False,
    passthrough=None,
    passthrough_fill="null",
):
    """Balance a Dask DataFrame with SMOTE; lazy, partition-independent.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Numeric feature columns, the label column ``target`` and any ``passthrough``
        columns.
    target : str
        The label column.
    smote : streamsmote.SMOTE, SMOTENC or SMOTEN, optional
        The sampler and its parameters; default ``SMOTE()``. It is fitted on the gathered
        minority rows (and, for SMOTEN, the category counts of every partition).
    mark_synthetic : str, optional
        Name of a boolean column to add, True on synthetic rows.
    graph_min_rows : int or None, default GRAPH_MIN_ROWS
        A class of at least this many rows, with ``neighbors="exact"`` or ``"auto"``, has its
        exact neighbour graph built by tasks on the workers, one per cell of a space
        partition (:mod:`streamsmote.neighbors.cells`), instead of on the client: the same
        graph as the local exact search, so the largest class is no longer what one machine
        can search. ``None`` builds every graph on the client.
    provenance : bool or tuple of 3 str, default=False
        Add the columns ``parent_row``, ``neighbor_row`` (global row numbers of the input,
        counted from 0 across the partitions in order; ``Int64`` with nulls) and ``gap``
        (float64), null on original rows, so that a synthetic row's numeric features are
        ``X[parent_row] + gap * (X[neighbor_row] - X[parent_row])``, as in
        :func:`streamsmote.write_parquet`; a tuple renames them.
    passthrough : list of str, optional
        Columns that are neither features nor target (ids, timestamps, weights): never used
        as features, kept with their original rows and filled on synthetic rows.
    passthrough_fill : {"null", "parent"}, default="null"
        What they hold on synthetic rows: nulls (integer and boolean columns then become
        pandas' nullable ``Int64``/``boolean`` on every row, so that every partition has one
        dtype), or the values of the parent row (gathered to the client with the rows of the
        classes that get synthetic rows, and shipped to the workers with the fitted state).

    Returns
    -------
    dask.dataframe.DataFrame
        Each partition: its original rows, unchanged and in order, then its share of the
        synthetic rows (same columns and dtypes, then ``mark_synthetic`` and the provenance
        columns). With an int ``random_state`` and exact neighbours, the synthetic rows are
        those of ``SMOTE.fit_resample`` on the whole data, for any partitioning.

    Raises
    ------
    ValueError
        ``target`` missing, non-numeric features, a class too small for ``k_neighbors``, a
        bad ``sampling_strategy``, ``passthrough`` naming the target, a column twice or a
        column that is not there, or a provenance column name that is already taken.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import numpy as np, pandas as pd
    >>> import streamsmote
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40),
    ...                    "label": np.r_[np.zeros(32, int), np.ones(8, int)]})
    >>> out = resample(dd.from_pandas(df, npartitions=3), "label",
    ...                streamsmote.SMOTE(k_neighbors=3, random_state=0)).compute()
    >>> out["label"].value_counts().sort_index().tolist()
    [32, 32]
    >>> df["id"] = np.arange(40) + 1000
    >>> out = resample(dd.from_pandas(df, npartitions=3), "label",
    ...                streamsmote.SMOTE(k_neighbors=3, random_state=0), provenance=True,
    ...                passthrough=["id"], passthrough_fill="parent").compute()
    >>> syn = out[out["parent_row"].notna()]
    >>> bool((syn["id"] == 1000 + syn["parent_row"]).all()), len(syn)
    (True, 24)
    """
    dask, _ = _import_dask()
    from ._passthrough import Passthrough
    from .sampler import BaseSMOTE, ClassRows
    from .sinks import _provenance_names
    from .sources import check_passthrough, check_passthrough_fill
    from .strategy import plan
    from .variants import SMOTE

    if target not in ddf.columns:
        raise ValueError(
            f"target={target!r} is not a column of the Dask DataFrame; its columns are "
            f"{list(ddf.columns)}."
        )
    passthrough = check_passthrough(passthrough, ddf.columns, target, "the Dask DataFrame")
    passthrough_fill = check_passthrough_fill(passthrough_fill)
    provenance = _provenance_names(provenance)
    taken = [c for c in provenance or () if c in ddf.columns or c == mark_synthetic]
    if taken:
        raise ValueError(
            f"column name {taken[0]!r} is used twice (input or mark_synthetic, and provenance "
            "column); pass provenance=(parent, neighbour, gap) names that are free, or rename "
            "the input column."
        )
    smote = SMOTE() if smote is None else smote
    smote._check_params()
    features = [c for c in ddf.columns if c != target and c not in passthrough]
    meta = ddf._meta
    categorical = smote._columns(meta[features])
    _check_numeric(meta[features], categorical)
    layout = Layout(meta[features], meta[target], categorical)

    # one pass: rows per (partition, class); gives the class counts and partition lengths
    tally_meta = pd.DataFrame(
        {"part": pd.Series(dtype=np.int64), "label": meta[target], "n": pd.Series(dtype=np.int64)}
    )
    tally = ddf.map_partitions(_tally, target, meta=tally_meta).compute()
    counts = {
        k.item() if isinstance(k, np.generic) else k: int(v)
        for k, v in tally.groupby("label")["n"].sum().sort_index().items()
    }
    lengths = np.zeros(ddf.npartitions, dtype=np.int64)
    np.add.at(lengths, tally["part"].to_numpy(), tally["n"].to_numpy())
    n_rows = int(lengths.sum())
    needed = [c for c, m in plan(smote.sampling_strategy, counts).items() if m > 0]

    # whole-data statistics: sums over rows (SMOTEN's category counts) come from the distinct
    # (features, label) rows with their counts; a model fitted from the rows in order (SVM-
    # and KMeans-SMOTE's samples and partial fits) sees the partitions one at a time
    if type(smote)._observe is not BaseSMOTE._observe and not smote._observe_weighted:
        for part in ddf.to_delayed():
            df = part.compute()
            smote._observe(layout, df[features], df[target].to_numpy())
    elif type(smote)._observe is not BaseSMOTE._observe:
        keys = [*features, target]
        combos = ddf.groupby(keys, observed=True, dropna=False).size().compute().reset_index()
        combos = combos.astype({c: meta[c].dtype for c in keys})
        smote._observe(
            layout,
            combos[features],
            combos[target].to_numpy(),
            weights=combos.iloc[:, -1].to_numpy(np.int64),
        )

    # gather the rows of the classes that need synthetic rows, with global row numbers
    starts = np.concatenate([[0], np.cumsum(lengths)])
    numbered = ddf.map_partitions(_with_row_numbers, starts, meta=_row_meta(meta))
    small = numbered[numbered[target].isin(needed)].compute()
    values = layout.values(small[features])
    codes = layout.codes(small[features])
    labels = small[target].to_numpy()
    rows = small["__streamsmote_row__"].to_numpy(np.int64)
    data = {
        c: ClassRows(values[labels == c], codes[labels == c], rows[labels == c]) for c in needed
    }
    pt = None
    if passthrough:
        pt = Passthrough(passthrough_fill)
        pt.originals(meta[passthrough])  # the dtypes of the synthetic rows' columns
        if passthrough_fill == "parent":  # the rows are in global row order already
            side = small[passthrough].reset_index(drop=True)
            for c in needed:
                pt.keep(c, rows[labels == c], side[labels == c].reset_index(drop=True))

    smote._set_fit_info(layout, n_rows, pt)
    smote._plan(counts)
    if smote._whole_data_neighbors()[0]:
        data = _with_context(ddf, features, target, smote, data, starts)
    if graph_min_rows is not None:
        smote._graph_builder = functools.partial(_cluster_graph, min_rows=graph_min_rows)
    try:
        smote._build(data)
    finally:
        smote.__dict__.pop("_graph_builder", None)
    state = _FittedState(
        smote, lengths, n_rows, features, target, mark_synthetic, passthrough, provenance
    )
    out_meta = meta.copy()
    if pt is not None:
        out_meta[passthrough] = pt.originals(meta[passthrough])
    if mark_synthetic is not None:
        out_meta[mark_synthetic] = pd.Series(dtype=bool)
    if provenance is not None:
        for name, dtype in zip(provenance, ("Int64", "Int64", "float64"), strict=True):
            out_meta[name] = pd.Series(dtype=dtype)
    # a new key for every call: the state holds cursors that tasks move (never a cached one)
    state_key = dask.delayed(state, pure=False)
    return ddf.map_partitions(_partition, state_key, meta=out_meta)


def _cluster_graph(X, k, neighbors, min_rows):
    """The exact graph of a class, by cell tasks on the cluster; None for the local search
    (a small class, or approximate neighbours asked for)."""
    if X.shape[0] < min_rows or neighbors not in ("auto", "exact"):
        return None
    from .neighbors.cells import kneighbors_cells

    return kneighbors_cells(X, k, runner=_run_on_cluster)


def _run_on_cluster(X, cells, boxes, k):
    import dask

    n_cells = len(cells)
    client = _distributed_client()
    if client is not None:  # the shared inputs go to every worker once, outside the graph
        X, cells, boxes = client.scatter([X, cells, boxes], broadcast=True)
    else:
        X, cells, boxes = (dask.delayed(a, pure=True) for a in (X, cells, boxes))
    task = dask.delayed(_cell_task_on_worker, pure=True)
    return dask.compute(*[task(X, cells, boxes, j, k) for j in range(n_cells)])


def _cell_task_on_worker(X, cells, boxes, j, k):
    """One cell task, with the worker's share of the machine's cores: a worker runs as many
    tasks at once as it has threads."""
    from . import _threads
    from .neighbors.cells import cell_task

    share = None
    try:
        from distributed import get_worker

        share = _threads.n_threads() // get_worker().state.nthreads
    except (ImportError, ValueError):  # not on a distributed worker
        pass
    with _threads.limited(share):
        return cell_task(X, cells, boxes, j, k)


def _distributed_client():
    try:
        from distributed import get_client
    except ImportError:
        return None
    try:
        return get_client()
    except ValueError:  # no client: the local scheduler runs the tasks
        return None


def _with_context(ddf, features, target, smote, data, starts):
    """The whole-data neighbour pass of Borderline-SMOTE and ADASYN on the cluster: each
    partition searches its rows against the (small, broadcast) stored rows, and the client
    merges the partitions' top-M lists into the result of one pass over all rows."""
    import dask

    from .neighbors.cross import merge_results
    from .sampler import Context

    M, with_values = smote._whole_data_neighbors()
    queries = dask.delayed({c: d.values for c, d in data.items()}, pure=True)
    task = dask.delayed(_partition_top_m)
    parts = [
        task(
            part,
            queries,
            M,
            with_values,
            smote._layout,
            list(smote.classes_),
            features,
            target,
            int(starts[i]),
        )
        for i, part in enumerate(ddf.to_delayed())
    ]
    tops = dask.compute(*parts)
    return {
        c: d._replace(context=Context(*merge_results([t[c] for t in tops], M)))
        for c, d in data.items()
    }


def _partition_top_m(df, queries, M, with_values, layout, classes, features, target, start):
    from .neighbors.cross import RunningTopM

    values = layout.values(df[features])
    labels = pd.Index(classes).get_indexer(df[target].to_numpy())
    out = {}
    for c, Q in queries.items():
        top = RunningTopM(Q, M, with_values=with_values)
        top.update(values, start, labels)
        out[c] = top.result()
    return out


def _check_numeric(X, categorical):
    bad = [
        c
        for j, (c, dt) in enumerate(X.dtypes.items())
        if not (pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt))
        and not (categorical is not None and categorical[j])
    ]
    if bad:
        raise ValueError(
            f"non-numeric feature columns {bad}; SMOTE interpolates numbers: pass "
            "streamsmote.SMOTENC(categorical_features=...) for categorical columns, or encode "
            "or drop them first."
        )


def _tally(df, target, partition_info=None):
    number = partition_info["number"] if partition_info else 0
    vc = df[target].value_counts(sort=False)
    return pd.DataFrame(
        {
            "part": np.full(len(vc), number, dtype=np.int64),
            "label": vc.index.to_numpy(),
            "n": vc.to_numpy(np.int64),
        }
    )


def _row_meta(meta):
    out = meta.copy()
    out["__streamsmote_row__"] = pd.Series(dtype=np.int64)
    return out


def _with_row_numbers(df, starts, partition_info=None):
    i = partition_info["number"] if partition_info else 0
    df = df.copy()
    df["__streamsmote_row__"] = np.arange(starts[i], starts[i] + len(df), dtype=np.int64)
    return df


class _FittedState:
    """What a worker needs: per class rows, graph and draw start (and passthrough values);
    partition boundaries; the output's extra columns."""

    def __init__(self, smote, lengths, n_rows, features, target, mark, passthrough, provenance):
        self.smote = smote
        self.before = np.concatenate([[0], np.cumsum(lengths)])
        self.n_rows = n_rows
        self.features = features
        self.target = target
        self.mark = mark
        self.passthrough = passthrough
        self.provenance = provenance
        self.offsets = smote._synthetic_offsets()


def _partition(df, state, partition_info=None):
    number = partition_info["number"] if partition_info else 0
    sm = state.smote
    lo, hi = state.before[number], state.before[number + 1]
    columns = df.columns.tolist() + ([state.mark] if state.mark else [])
    columns += list(state.provenance or ())
    extra = {state.mark: False} if state.mark else {}
    if state.passthrough:  # nullable dtypes for the null fill, as the meta says
        extra.update(sm._passthrough.originals(df[state.passthrough]).items())
    if state.provenance:
        none = np.full(len(df), -1)
        values = _provenance_values((none, none, np.full(len(df), np.nan)))
        extra.update(zip(state.provenance, values, strict=True))
    parts = [df.assign(**extra) if extra else df]
    # A worker deserializes the state once and hands the same object to all its tasks, which
    # may run at once on its threads: the class cursors are moved by one task at a time.
    with _STATE_LOCK:
        share = sm._share(int(lo), int(hi), state.offsets)
    for batch in share:
        block = batch.X
        block[state.target] = batch.y
        if state.passthrough:  # indexed as X, by global synthetic row number
            for name in state.passthrough:
                block[name] = batch.passthrough[name]
        if state.mark:
            block[state.mark] = True
        if state.provenance:
            values = _provenance_values(batch.provenance)
            block = block.assign(**dict(zip(state.provenance, values, strict=True)))
        parts.append(block[columns])
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def _provenance_values(provenance):
    """Parent and neighbour rows (``Int64``, null for -1) and gaps of ``(parent, neighbor,
    gap)``, as the writers store them."""
    from .sinks import _nullable_rows

    parent, neighbor, gap = provenance
    return _nullable_rows(parent), _nullable_rows(neighbor), np.asarray(gap, np.float64)
