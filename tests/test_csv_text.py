"""write_csv's text: every value reads back bit for bit, with pyarrow's kernels or pandas.

The fast path (pyarrow's compute kernels, on worker threads) must write what
``DataFrame.to_csv(index=False)`` writes, up to the notation of a float, so the tests read
both back with pandas and with the command line's own reader and compare every value.
Batches of numbers only take the numba kernel, byte for byte pandas' text
(tests/test_floattext.py).
"""

import io
import os

import numpy as np
import pandas as pd
import pytest

from streamsmote import sinks
from streamsmote._batch import Batch
from streamsmote.sinks import write_csv
from streamsmote.sources import read_csv

ADVERSARIAL = [
    1.0, -0.0, 0.0, 0.1 + 0.2, 1e-310, 5e-324, -5e-324, 2.2250738585072014e-308, 1e300,
    1.7976931348623157e308, 1e15, 1e16, 2.0**53, 2.0**53 + 2, 123456789.0, 1e21, 1e22,
    -1e-5, 1e-4, 2.5e-7, 0.1, 1 / 3, -2.0, np.inf, -np.inf,
]  # fmt: skip


def adversarial_frame(seed=0, n=4000):
    """Floats of every exponent (random bit patterns) and the hard cases above, float32 bit
    patterns, int64/uint64 extremes, bools, strings that need quoting, categories, nullable
    ints."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2**63, n, dtype=np.int64).view(np.float64)
    bits[~np.isfinite(bits)] = 0.5
    f64 = np.r_[ADVERSARIAL, bits * np.where(rng.random(n) < 0.5, -1, 1)]
    m = len(f64)
    f32_bits = rng.integers(0, 2**31, m, dtype=np.int64).astype(np.int32).view(np.float32)
    f32_bits[~np.isfinite(f32_bits)] = np.float32(0.25)
    f32_bits[:4] = [np.float32(0.1), np.float32(1e-45), np.float32(3.4028235e38), -0.0]
    words = ["a", "b,c", 'd"e', "f\ng", "h\ri", "1", "0.5", ",", '"', " j ", "ü€", "x;y"]
    return pd.DataFrame(
        {
            "f64": f64,
            "f32": f32_bits,
            "whole": np.round(rng.normal(size=m) * 100),  # floats that are whole numbers
            "i64": np.r_[[np.iinfo(np.int64).min, np.iinfo(np.int64).max], rng.integers(
                -(2**62), 2**62, m - 2
            )],
            "u64": np.full(m, np.iinfo(np.uint64).max, dtype=np.uint64),
            "flag": rng.random(m) < 0.5,
            "word": pd.array(rng.choice(words, m), dtype=object),
            "cat": pd.Categorical(rng.choice(["p", "q,r", 's"t'], m)),
            "count": pd.array(np.where(rng.random(m) < 0.1, None, rng.integers(0, 9, m)),
                              dtype="Int64"),
            "label": rng.choice(["no", "yes"], m),
        }
    )  # fmt: skip


def batches_of(df, size, target="label"):
    X, y = df.drop(columns=target), df[target]
    for start in range(0, len(df), size):
        sl = slice(start, start + size)
        yield Batch(X.iloc[sl], y.iloc[sl], np.arange(len(df))[sl] % 3 == 0)


def without_pyarrow(monkeypatch):
    monkeypatch.setattr(sinks, "_import_arrow_compute", lambda: None)


def assert_same_bits(back, df):
    """Every value of ``df`` read back unchanged (floats bit for bit)."""
    assert list(back.columns) == list(df.columns)
    for name in df.columns:
        want, got = df[name], back[name]
        if want.dtype == np.float64:
            assert got.dtype == np.float64, name
            assert np.array_equal(got.to_numpy().view(np.int64), want.to_numpy().view(np.int64))
        elif want.dtype == np.float32:
            # CSV text is read as float64; the shortest float32 digits give the same float32
            assert np.array_equal(
                got.to_numpy().astype(np.float32).view(np.int32), want.to_numpy().view(np.int32)
            ), name
        elif isinstance(want.dtype, pd.CategoricalDtype):
            assert got.astype(str).tolist() == want.astype(str).tolist(), name
        elif name == "count":
            assert got.astype("Int64").tolist() == want.tolist(), name
        else:
            assert got.tolist() == want.tolist(), name


@pytest.mark.parametrize("engine", ["pyarrow", "pandas"])
def test_adversarial_values_read_back_bit_for_bit(tmp_path, monkeypatch, engine):
    if engine == "pandas":
        without_pyarrow(monkeypatch)
    # "h\r i": pandas' own writer leaves a lone carriage return unquoted, and its reader then
    # splits the row; the pyarrow path quotes it.
    df = adversarial_frame()
    if engine == "pandas":
        df["word"] = df["word"].str.replace("\r", "")
    path = tmp_path / "out.csv"
    summary = write_csv(batches_of(df, 700), path, mark_synthetic="synthetic")
    assert summary["rows"] == len(df) and summary["batches"] == 6
    back = pd.read_csv(path, keep_default_na=False, na_values=[""])
    flags = back.pop("synthetic")
    assert flags.dtype == bool and flags.tolist() == (np.arange(len(df)) % 3 == 0).tolist()
    assert_same_bits(back, df)


@pytest.mark.parametrize("engine", ["pyarrow", "pandas"])
def test_numbers_read_back_by_the_cli_reader(tmp_path, monkeypatch, engine):
    """The features SMOTE takes (finite floats, ints, bools), through the chunked, validated
    reader that ``streamsmote resample`` uses."""
    if engine == "pandas":
        without_pyarrow(monkeypatch)
    df = adversarial_frame(seed=3)[["f64", "f32", "whole", "i64", "u64", "flag", "label"]]
    df = df[np.isfinite(df["f64"]) & np.isfinite(df["f32"])].reset_index(drop=True)
    path = tmp_path / "numbers.csv"
    write_csv(batches_of(df, 900), path)
    src = read_csv(path, target="label", chunksize=1000)
    back = pd.concat([pd.concat([X, y], axis=1) for X, y in src], ignore_index=True)
    assert_same_bits(back, df)


def test_pyarrow_text_is_pandas_text_up_to_float_notation(monkeypatch):
    df = adversarial_frame(seed=1, n=2000)
    df["word"] = df["word"].str.replace("\r", "")  # see above: pandas leaves it unquoted
    fast = io.BytesIO()
    write_csv(batches_of(df, 500), fast)
    without_pyarrow(monkeypatch)
    slow = io.BytesIO()
    write_csv(batches_of(df, 500), slow)
    fast_lines = fast.getvalue().decode().split("\n")
    slow_lines = slow.getvalue().decode().split("\n")
    assert fast_lines[0] == slow_lines[0]  # the header
    assert len(fast_lines) == len(slow_lines)
    floats = {0, 1, 2}  # f64, f32, whole
    differ = 0
    for a, b in zip(fast_lines, slow_lines, strict=True):
        if a == b:
            continue
        differ += 1
        # only float fields may differ, and only in notation (1e-05 / 0.00001)
        fa, fb = a.split(","), b.split(",")
        for j, (x, y) in enumerate(zip(fa, fb, strict=False)):
            if x != y:
                assert j in floats and float(x) == float(y) and "e" in x + y, (x, y)
    assert 0 < differ < len(fast_lines) // 2


def test_whole_floats_stay_float(tmp_path):
    X = pd.DataFrame({"a": [1.0, -0.0, 3.0], "b": np.array([2.0, 4.0, 1e15], dtype=np.float32)})
    path = tmp_path / "whole.csv"
    write_csv([(X, pd.Series([0, 1, 0], name="y"))], path)
    big = str(np.float32(1e15))  # numpy's text, as pandas writes: "1e+15" from numpy 2.3 on
    assert path.read_text() == f"a,b,y\n1.0,2.0,0\n-0.0,4.0,1\n3.0,{big},0\n"
    back = pd.read_csv(path)
    assert back.dtypes.tolist() == [np.float64, np.float64, np.int64]
    assert np.signbit(back["a"][1])


def test_nan_and_missing_are_empty_fields_like_pandas(tmp_path, monkeypatch):
    X = pd.DataFrame({"a": [np.nan, 1.5], "s": [None, "x"], "n": pd.array([None, 2], "Int64")})
    y = pd.Series([0, 1], name="y")
    fast = io.BytesIO()
    write_csv([(X, y)], fast)
    without_pyarrow(monkeypatch)
    slow = io.BytesIO()
    write_csv([(X, y)], slow)
    assert fast.getvalue() == slow.getvalue() == b"a,s,n,y\n,,,0\n1.5,x,2,1\n"


def test_other_types_are_written_by_pandas(tmp_path, monkeypatch):
    """Dates, mixed objects and a single column take pandas' path, with pandas' text."""
    X = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-02 00:00:00", "2025-03-04 05:06:07"]),
            "mixed": pd.array([1, "a"], dtype=object),
            "x": [0.5, 1.0],
        }
    )
    y = pd.Series([0, 1], name="y")
    fast = io.BytesIO()
    write_csv([(X, y)], fast)
    lonely = io.BytesIO()
    write_csv([(np.empty((2, 0)), np.array([1, 2]))], lonely)  # the target column only
    without_pyarrow(monkeypatch)
    slow = io.BytesIO()
    write_csv([(X, y)], slow)
    assert fast.getvalue() == slow.getvalue()
    assert b"2025-03-04 05:06:07,a,1.0,1" in fast.getvalue()
    assert lonely.getvalue() == b"target\n1\n2\n"


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_threads_and_blocks_do_not_change_the_bytes(monkeypatch, threads):
    df = adversarial_frame(seed=2, n=3000)
    reference = io.BytesIO()
    write_csv(batches_of(df, 1000), reference)
    monkeypatch.setattr(sinks, "n_threads", lambda: threads)
    monkeypatch.setattr(sinks, "_CSV_BLOCK", 97)  # many blocks per batch, in flight at once
    out = io.BytesIO()
    write_csv(batches_of(df, 1000), out)
    assert out.getvalue() == reference.getvalue()


def test_error_while_formatting_leaves_no_file(tmp_path, monkeypatch):
    calls = []

    def failing(self, arrays):
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("out of memory while formatting")
        return b""

    monkeypatch.setattr(sinks._CsvText, "_arrow_block", failing)
    monkeypatch.setattr(sinks, "_CSV_BLOCK", 10)
    df = adversarial_frame(n=100)
    with pytest.raises(MemoryError, match="formatting"):
        write_csv(batches_of(df, 50), tmp_path / "out.csv")
    assert os.listdir(tmp_path) == []


def test_open_files_are_written_without_a_temporary_file(tmp_path):
    df = adversarial_frame(n=50)
    text = io.StringIO()
    summary = write_csv(batches_of(df, 20), text)
    assert summary["path"] is None and summary["rows"] == len(df)
    binary = io.BytesIO()
    write_csv(batches_of(df, 20), binary)
    assert text.getvalue().encode() == binary.getvalue()
    with open(tmp_path / "open.csv", "wb") as f:
        assert write_csv(batches_of(df, 20), f)["path"] == str(tmp_path / "open.csv")
    assert (tmp_path / "open.csv").read_bytes() == binary.getvalue()
    assert os.listdir(tmp_path) == ["open.csv"]
