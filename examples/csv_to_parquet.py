"""Stream a CSV file into a balanced Parquet file, out of core.

The CSV is read 25,000 rows at a time; only the minority rows (and their neighbour graph) are
held in memory; the output is written batch by batch to a temporary file that is renamed into
place when complete. The same thing from the shell::

    streamsmote resample data.csv balanced.parquet --target label --mark-synthetic synthetic

Run: python examples/csv_to_parquet.py
"""

import os
import tempfile
import time

import pyarrow.parquet as pq

import streamsmote as ss
from streamsmote.demo import write_demo_data


def main():
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "transactions.csv")
        out_path = os.path.join(tmp, "balanced.parquet")

        counts = write_demo_data(csv_path, 100_000, n_features=10, minority=0.01, seed=1)
        size = os.path.getsize(csv_path) / 1e6
        print(f"input  {csv_path}: {sum(counts.values()):,} rows, {size:.1f} MB, {counts}")

        src = ss.read_csv(csv_path, target="label", chunksize=25_000)
        sm = ss.SMOTE(k_neighbors=5, random_state=0)
        start = time.perf_counter()
        summary = ss.write_parquet(sm.resample_chunks(src), out_path, mark_synthetic="synthetic")
        elapsed = time.perf_counter() - start
        print(
            f"output {out_path}: {summary['rows']:,} rows ({summary['synthetic_rows']:,} "
            f"synthetic) in {summary['batches']} batches, {elapsed:.1f} s"
        )
        print(f"planned synthetic rows per class: {sm.sampling_strategy_}")

        # Check the file without loading the features: the label and mark columns only.
        table = pq.read_table(out_path, columns=["label", "synthetic"]).to_pandas()
        after = table["label"].value_counts().sort_index().to_dict()
        print(f"class counts after: {after}")
        print(f"columns: {pq.read_schema(out_path).names}")
        originals = table.loc[~table["synthetic"], "label"].value_counts().sort_index()
        assert originals.to_dict() == counts, "every original row is written exactly once"
        assert len(set(after.values())) == 1, "the classes are balanced"


if __name__ == "__main__":
    main()
