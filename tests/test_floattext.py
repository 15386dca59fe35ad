"""The numba CSV text kernels (streamsmote.kernels.csvtext) against Python's and numpy's own
text: float64 as ``repr``, float32 as numpy's ``str`` (what pandas writes), every value read
back bit for bit, and whole numeric batches as ``DataFrame.to_csv`` writes them."""

import io

import numpy as np
import pandas as pd
import pytest

from streamsmote import sinks
from streamsmote.kernels import csvtext
from streamsmote.sinks import write_csv

# pandas writes float32 columns with numpy's str, whose switch to scientific notation moved
# from 1e16 to 1e6 in numpy 2.3
F32_HI = 1e6 if "e" in np.array([1e6], dtype=np.float32).astype(str)[0] else 1e16
F32_BOUNDS = (
    np.uint32(csvtext.float_bits(1e-4, np.float32)),
    np.uint32(csvtext.float_bits(F32_HI, np.float32)),
)


def texts(x, dtype=np.float64):
    """The kernel's texts of ``x`` as ``dtype`` (float64 or float32): (all bytes back to
    back, end of each)."""
    wide = np.dtype(dtype) == np.float64
    bits = np.ascontiguousarray(x, dtype=dtype).view(np.uint64 if wide else np.uint32)
    out = np.empty(len(bits) * csvtext.FIELD_WIDTH, dtype=np.uint8)
    ends = np.empty(len(bits), dtype=np.int64)
    bounds = (csvtext._F64_LO, csvtext._F64_HI) if wide else F32_BOUNDS
    size = csvtext._float_texts(bits, *bounds, out, ends)
    return out[:size].tobytes(), ends


def texts64(x):
    return texts(x, np.float64)


def texts32(x):
    return texts(x, np.float32)


def split(data, ends):
    starts = np.r_[0, ends[:-1]]
    return [data[a:b].decode() for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def assert_texts_equal(got, want):
    """The kernel's (bytes, ends) equal the list of texts ``want``: the same bytes back to
    back and the same lengths, compared as whole arrays."""
    data, ends = got
    lengths = np.fromiter(map(len, want), dtype=np.int64, count=len(want))
    assert data == "".join(want).encode()
    assert np.array_equal(np.diff(np.r_[0, ends]), lengths)


def assert_reads_back(data, ends, x, dtype):
    """Every text parses (numpy's C parser, vectorised) to the bits of ``x``."""
    width = int(np.diff(np.r_[0, ends]).max())
    fixed = np.zeros((len(ends), width), dtype=np.uint8)
    starts = np.r_[0, ends[:-1]]
    buf = np.frombuffer(data, dtype=np.uint8)
    for k in range(width):  # column k of every text at once
        has = ends - starts > k
        fixed[has, k] = buf[starts[has] + k]
    back = fixed.view(f"S{width}").ravel().astype(dtype)
    view = np.uint64 if np.dtype(dtype).itemsize == 8 else np.uint32
    assert np.array_equal(back.view(view), np.asarray(x, dtype=dtype).view(view))


def test_five_million_random_float64_bit_patterns_are_repr():
    """Uniform bit patterns: every exponent, both signs, subnormals (NaN removed)."""
    rng = np.random.default_rng(20260)
    for _ in range(10):
        x = rng.integers(0, 2**64, 500_000, dtype=np.uint64).view(np.float64)
        x = x[~np.isnan(x)]
        data, ends = texts64(x)
        assert_texts_equal((data, ends), list(map(float.__repr__, x.tolist())))
    assert_reads_back(data, ends, x, np.float64)


def edge_float64():
    tiny = [5e-324, -5e-324, 1e-323, 2.2250738585072009e-308, 2.2250738585072014e-308,
            2.225073858507201e-308, 4.9406564584124654e-324, 1.7976931348623157e308,
            -1.7976931348623157e308, 0.0, -0.0, 0.1 + 0.2, 1 / 3, 2 / 3, 0.1, 0.5, 1.0, -1.0,
            100.0, 123456789.0, 9007199254740993.0, 1e21, 1e22, 1e23, 5e-310, 9.5367431640625e-07,
            4.35, 0.3, 2.5, 1.5, 0.15, 0.25, 1e-4, 1e-5, 0.00010000000000000002, 1e15, 1e16,
            9999999999999998.0, 1e16 + 2, 1.5e16, 123e18, 6.02214076e23, 2.718281828459045,
            3.141592653589793, 1.2345678901234567e-300, 5e-1, 2.0**-1022 - 2.0**-1074]  # fmt: skip
    powers2 = [2.0**k for k in range(-1074, 1024)]
    powers10 = [float(f"1e{k}") for k in range(-323, 309)] + [10.0**k for k in range(-300, 300)]
    ints = [float(k) for k in range(-1000, 1000)]
    ints += [float(2**53 + d) for d in range(-50, 50)] + [float(10**k) for k in range(23)]
    ints += [float(2**k + 1) for k in range(53, 80)] + [float(3**k) for k in range(60)]
    x = np.array(tiny + powers2 + powers10 + ints)
    # each value's neighbours, at the boundaries of notation and elsewhere
    near = np.r_[1e-4, 1e16, 1e-5, 1e15, 2.0**53, 5e-324 * 2**52, 1.0, 0.1]
    x = np.r_[x, near, np.nextafter(near, 0), np.nextafter(near, np.inf)]
    return np.r_[x, -x]


def test_edge_float64_are_repr_and_read_back():
    x = edge_float64()
    data, ends = texts64(x)
    assert_texts_equal((data, ends), [repr(v) for v in x.tolist()])
    assert_reads_back(data, ends, x, np.float64)
    assert split(*texts64(np.array([np.inf, -np.inf, np.nan, 1.0]))) == ["inf", "-inf", "", "1.0"]


def test_float64_of_float32_and_gaussian_values_are_repr():
    """What SMOTE writes: float32 data read as float64, and float64 interpolations."""
    rng = np.random.default_rng(5)
    x = np.r_[rng.normal(size=100_000).astype(np.float32), rng.normal(size=100_000) * 1e3]
    assert_texts_equal(texts64(x), list(map(float.__repr__, x.tolist())))


def test_random_float32_bit_patterns_are_numpy_str():
    rng = np.random.default_rng(32)
    for _ in range(4):
        x = rng.integers(0, 2**32, 500_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
        x = x[~np.isnan(x)]
        data, ends = texts32(x)
        assert_texts_equal((data, ends), x.astype(str).tolist())
    assert_reads_back(data, ends, x, np.float32)


def test_edge_float32_are_numpy_str():
    info = np.finfo(np.float32)
    x = np.array(
        [0.0, -0.0, 1e-45, 2e-45, info.tiny, info.max, info.smallest_subnormal, 0.1, 1 / 3,
         1e-4, 1e-5, 1e6, 999999.94, 1e15, 1e16, 16777216.0, 16777217.0, 123456.79, 1.0, 100.0,
         3.4028235e38, 1.1754942e-38, np.inf, -np.inf]
        + [2.0**k for k in range(-149, 128)] + [float(f"1e{k}") for k in range(-45, 39)],
        dtype=np.float32,
    )  # fmt: skip
    near = np.array([1e-4, 1e6, 1e16, 1.0], dtype=np.float32)
    x = np.r_[x, near, np.nextafter(near, np.float32(0)), np.nextafter(near, np.float32(np.inf))]
    x = np.r_[x, -x]
    data, ends = texts32(x)
    assert_texts_equal((data, ends), x.astype(str).tolist())
    finite = np.isfinite(x)
    assert_reads_back(*texts32(x[finite]), x[finite], np.float32)


def numeric_frame(seed=0, n=3000):
    """Every column kind of the numeric kernel, with NaN, inf, nulls and extremes."""
    rng = np.random.default_rng(seed)
    f64 = rng.integers(0, 2**64, n, dtype=np.uint64).view(np.float64)
    f64[:12] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e16, 1e-5, 1e-4, 5e-324, 0.1 + 0.2,
                -2.2250738585072014e-308, 1.0]  # fmt: skip
    f32 = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
    f32[:8] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e6, 1e-4, -1.1754942e-38]
    some = rng.random(n) < 0.1
    return pd.DataFrame(
        {
            "f64": f64,
            "f32": f32,
            "gauss": rng.normal(size=n),
            "whole": np.round(rng.normal(size=n) * 100),
            "i64": np.r_[np.iinfo(np.int64).min, np.iinfo(np.int64).max,
                         rng.integers(-(2**62), 2**62, n - 2)],
            "u64": np.r_[np.iinfo(np.uint64).max, rng.integers(0, 2**63, n - 1, dtype=np.uint64)],
            "i8": rng.integers(-128, 127, n).astype(np.int8),
            "u32": rng.integers(0, 2**32, n).astype(np.uint32),
            "flag": rng.random(n) < 0.5,
            "count": pd.array(np.where(some, None, rng.integers(-9, 9, n)), dtype="Int64"),
            "ucount": pd.array(np.where(some, None, rng.integers(0, 9, n)), dtype="UInt8"),
            "maybe": pd.array(np.where(some, None, rng.random(n) < 0.5), dtype="boolean"),
            "nf64": pd.array(np.where(some, None, rng.normal(size=n)), dtype="Float64"),
            "nf32": pd.array(np.where(some, None, rng.normal(size=n)), dtype="Float32"),
            "label": rng.integers(0, 3, n),
        }
    )  # fmt: skip


def pandas_text(df):
    return df.to_csv(index=False, lineterminator="\n").encode()


@pytest.mark.parametrize("threads", [1, 2])
def test_write_csv_of_numbers_is_pandas_text(monkeypatch, threads):
    df = numeric_frame()
    monkeypatch.setattr(sinks, "n_threads", lambda: threads)
    monkeypatch.setattr(sinks, "_CSV_BLOCK", 251)  # many blocks per batch
    # the numeric kernel writes every block: no pyarrow or pandas formatting
    monkeypatch.setattr(sinks, "_pandas_block", None)
    monkeypatch.setattr(sinks._CsvText, "_arrow_block", None)
    out = io.BytesIO()
    X, y = df.drop(columns="label"), df["label"]
    summary = write_csv(
        ((X.iloc[i : i + 1000], y.iloc[i : i + 1000]) for i in range(0, 3000, 1000)), out
    )
    assert summary["rows"] == 3000
    assert out.getvalue() == pandas_text(df)


def test_widest_fields_fit_their_buffer():
    """Rows of only the longest texts of every kind: the buffer bound holds (the kernel
    refuses to write past it), and the text is pandas'."""
    n = 500
    df = pd.DataFrame(
        {
            "a": np.full(n, -2.2250738585072014e-308),
            "b": np.full(n, -0.00012345678901234567),
            "c": np.full(n, -1.1754942e-38, dtype=np.float32),
            "d": np.full(n, -0.00012345678, dtype=np.float32),
            "e": np.full(n, np.iinfo(np.int64).min),
            "f": np.full(n, np.iinfo(np.uint64).max),
            "g": np.zeros(n, dtype=bool),
        }
    )
    columns = sinks._numeric_columns(df)
    text = csvtext.csv_rows(columns, 0, n, *F32_BOUNDS)
    assert text.tobytes() == df.to_csv(header=False, index=False, lineterminator="\n").encode()
    out = np.empty(csvtext.row_width(columns) - 1, dtype=np.uint8)  # one byte short
    kinds = ((2, np.uint64), (2, np.uint32), (1, np.int64), (1, np.uint64), (1, np.uint8))
    arrays = [np.empty((k, 1), dtype=t) for k, t in kinds]
    no_nulls = np.empty((0, 1), np.uint8)
    kind = np.array([0, 0, 1, 1, 2, 3, 4])
    slot = np.array([0, 1, 0, 1, 0, 0, 0])
    width = csvtext.row_width(columns)
    size = csvtext._csv_rows(
        1, *arrays, no_nulls, kind, slot, np.full(7, -1), *F32_BOUNDS, width, out
    )
    assert size == -1


def test_only_numeric_batches_take_the_kernel():
    assert sinks._numeric_columns(numeric_frame(n=20)) is not None
    for other in (
        pd.Series(["a", "b"]),
        pd.Series(pd.Categorical([1, 2])),
        pd.Series(pd.to_datetime(["2024-01-01", "2024-01-02"])),
        pd.Series(np.array([1.0, 2.0], dtype=np.float16)),
        pd.Series(np.array([1 + 2j, 3j])),
    ):
        assert sinks._numeric_columns(pd.DataFrame({"x": [1.0, 2.0], "o": other})) is None
