"""CSV text of numeric columns: the shortest round-trip decimal of a float, straight to bytes.

:func:`_write_shortest` finds the shortest decimal that reads back as the same float with the
Ryu algorithm (Adams 2018), then lays it out as Python's ``repr`` does: positional between a
lower and an upper bound, else scientific with at least two exponent digits (``1e-05``,
``1.5e+16``). With the bounds ``1e-4`` and ``1e16`` the text of a float64 is ``repr(x)``, what
``DataFrame.to_csv`` writes; a float32 is given its own shortest digits (those that read back
as the same float32) and numpy's bounds for ``str(np.float32(x))``, which pandas writes
(numpy >= 2.3 switches to scientific from ``1e6`` on, older numpy from ``1e16``).
:func:`_csv_rows` writes whole rows of float, integer and bool columns into one byte buffer.

Ryu, in short: a float is ``m2 * 2**e2``; every real in the half-open or closed interval
halfway to its neighbours reads back as the float. The interval's bounds and the float itself,
scaled by four so that they are integers (``mm < mv < mp``), are multiplied by ``2**e2 /
10**e10`` with a precomputed 125-bit power of five (the tables below, exact to their last bit
as Section 3.4 of the paper requires), which gives their decimal digits ``vm, vr, vp`` after
the first ``e10`` are dropped. Digits are then removed while the shortened bounds still differ,
and the last one removed rounds ``vr``. Whether the dropped parts were exactly zero decides the
ties (half to even) and whether a closed bound may itself be the answer.

Numba has no 128-bit integer, so ``64 x 64 -> 128`` bit products are built from 32-bit halves.
The float32 digits use the same 125-bit tables as float64 (the paper's f2s uses 64-bit ones, a
speed-up only: the arithmetic is exact for any mantissa of up to 55 bits).

References
----------
U. Adams. "Ryū: fast float-to-string conversion". PLDI 2018, 270-282. Section 2 (the
interval), Section 3 (the algorithm, Figure 4) and 3.4 (table precision).
"""

import numba
import numpy as np
from numba.cpython.unsafe.numbers import leading_zeros

from .._config import SERIAL

# Bits kept of 5**i and of 2**k / 5**q (Section 3.4: 124 suffice for float64's 53-bit mantissa).
_POW5_BITS = 125
_POW5_INV_BITS = 125
# float64: e2 spans -1076 .. 969, so 5**i for i <= 325 and 5**-q for q <= 291 are needed.
_POW5_SIZE = 326
_POW5_INV_SIZE = 342


def _pow5bits_py(e):
    """ceil(log2(5**e)) for 1 <= e <= 3528 (1 for e = 0): the bit length of 5**e."""
    return ((e * 1217359) >> 19) + 1


_pow5bits = numba.njit(inline="always", **SERIAL)(_pow5bits_py)


def _tables():
    """The power-of-five tables as (low, high) 64-bit halves, exact, from Python integers."""
    mask = (1 << 64) - 1
    pow5 = np.empty((_POW5_SIZE, 2), dtype=np.uint64)
    for i in range(_POW5_SIZE):
        p = 5**i
        assert p.bit_length() == _pow5bits_py(i)
        shift = p.bit_length() - _POW5_BITS
        v = p >> shift if shift >= 0 else p << -shift
        pow5[i] = v & mask, v >> 64
    inv = np.empty((_POW5_INV_SIZE, 2), dtype=np.uint64)
    for q in range(_POW5_INV_SIZE):
        p = 5**q
        # floor(2**k / 5**q) + 1: above the exact quotient, as the paper's bounds assume
        v = (1 << (p.bit_length() - 1 + _POW5_INV_BITS)) // p + 1
        assert v >> 128 == 0
        inv[q] = v & mask, v >> 64
    return pow5, inv


_POW5, _POW5_INV = _tables()

_U0 = np.uint64(0)
_U1 = np.uint64(1)
_U2 = np.uint64(2)
_U4 = np.uint64(4)
_U5 = np.uint64(5)
_U10 = np.uint64(10)
_U32 = np.uint64(32)
_U64 = np.uint64(64)
_LOW32 = np.uint64(0xFFFFFFFF)
_U100 = np.uint64(100)
_U1E4 = np.uint64(10_000)
_U1E8 = np.uint64(100_000_000)
_POW10 = np.array([10**i for i in range(20)], dtype=np.uint64)
# "00", "01", ..., "99" back to back: two digits per division
_PAIRS = np.frombuffer("".join(f"{i:02d}" for i in range(100)).encode(), dtype=np.uint8).copy()
_INF = np.frombuffer(b"inf", dtype=np.uint8).copy()
_ZERO = np.frombuffer(b"0.0", dtype=np.uint8).copy()
_TRUE = np.frombuffer(b"True", dtype=np.uint8).copy()
_FALSE = np.frombuffer(b"False", dtype=np.uint8).copy()


def float_bits(x, dtype):
    """The bit pattern of ``x`` as a float of ``dtype`` (float64 or float32), as an unsigned
    integer: the positional range bounds of the kernels below. A bound that is not a float of
    ``dtype`` becomes the next float above it, so the comparison is that of the values."""
    dtype = np.dtype(dtype)
    v = dtype.type(x)
    if float(v) < x:
        v = np.nextafter(v, dtype.type(np.inf))
    return int(np.array([v]).view(np.uint64 if dtype.itemsize == 8 else np.uint32)[0])


# Python's repr of a float64 is positional for 1e-4 <= |x| < 1e16.
_F64_LO = np.uint64(float_bits(1e-4, np.float64))
_F64_HI = np.uint64(float_bits(1e16, np.float64))

# Bytes of the longest float64 text and a separator ("-2.2250738585072014e-308,").
FIELD_WIDTH = 25

# Inlining: the small helpers and the float writers are inlined into the row kernel, Ryu's
# core and the layout are called (numba's inliner is slow: inlining those too took the first
# compile from ~10 s to ~38 s of CPU, for about 5 % less time per value).

# Column kinds of :func:`_csv_rows`.
KIND_F64, KIND_F32, KIND_I64, KIND_U64, KIND_BOOL = 0, 1, 2, 3, 4


@numba.njit(inline="always", **SERIAL)
def _umul128(a, b):
    """The 128-bit product of two uint64, as (low, high) halves, from 32-bit halves."""
    a_lo = a & _LOW32
    a_hi = a >> _U32
    b_lo = b & _LOW32
    b_hi = b >> _U32
    p00 = a_lo * b_lo
    p01 = a_lo * b_hi
    p10 = a_hi * b_lo
    mid = (p00 >> _U32) + (p01 & _LOW32) + (p10 & _LOW32)
    lo = (mid << _U32) | (p00 & _LOW32)
    hi = a_hi * b_hi + (p01 >> _U32) + (p10 >> _U32) + (mid >> _U32)
    return lo, hi


@numba.njit(inline="always", **SERIAL)
def _shift_right128(lo, hi, d):
    """(hi * 2**64 + lo) >> d for 0 < d < 64 (Ryu's shifts are 55 to 61)."""
    d = np.uint64(d)
    return (hi << (_U64 - d)) | (lo >> d)


@numba.njit(inline="always", **SERIAL)
def _mul_shift_all(m2, mul_lo, mul_hi, j, mm_shift):
    """``(mv, mp, mm) * mul >> j`` for ``mv = 4 m2``, ``mp = mv + 2``, ``mm = mv - 1 -
    mm_shift``, from one 192-bit product ``2 m2 * mul``: the other two differ from it by
    ``mul`` (or twice it, less ``mul``), added with carries."""
    m = m2 << _U1
    lo, tmp = _umul128(m, mul_lo)
    mid0, hi = _umul128(m, mul_hi)
    mid = tmp + mid0
    hi += _U1 if mid < tmp else _U0
    # 2 m2 * mul + mul = (4 m2 + 2) * mul / 2
    lo2 = lo + mul_lo
    mid2 = mid + mul_hi + (_U1 if lo2 < lo else _U0)
    hi2 = hi + (_U1 if mid2 < mid else _U0)
    vp = _shift_right128(mid2, hi2, j - 64 - 1)
    if mm_shift == 1:
        # 2 m2 * mul - mul = (4 m2 - 2) * mul / 2
        lo3 = lo - mul_lo
        mid3 = mid - mul_hi - (_U1 if lo3 > lo else _U0)
        hi3 = hi - (_U1 if mid3 > mid else _U0)
        vm = _shift_right128(mid3, hi3, j - 64 - 1)
    else:
        # 2 (2 m2 * mul) - mul = (4 m2 - 1) * mul
        lo3 = lo + lo
        mid3 = mid + mid + (_U1 if lo3 < lo else _U0)
        hi3 = hi + hi + (_U1 if mid3 < mid else _U0)
        lo4 = lo3 - mul_lo
        mid4 = mid3 - mul_hi - (_U1 if lo4 > lo3 else _U0)
        hi4 = hi3 - (_U1 if mid4 > mid3 else _U0)
        vm = _shift_right128(mid4, hi4, j - 64)
    return _shift_right128(mid, hi, j - 64 - 1), vp, vm


@numba.njit(**SERIAL)
def _multiple_of_pow5(v, p):
    count = 0
    while v != _U0 and v % _U5 == _U0:
        v //= _U5
        count += 1
    return count >= p


@numba.njit(**SERIAL)
def _shortest(m2, e2, mm_shift):
    """Shortest decimal ``(digits, exponent)`` of ``m2 * 2**e2``, with the interval of a float
    whose lower neighbour is ``2 ** -mm_shift`` times as far as the upper one (Ryu, Figure 4).

    ``m2`` and ``e2`` are the float's integer mantissa and exponent minus 2 (the interval's
    bounds are then integers); an even mantissa rounds to itself from the bounds too."""
    accept_bounds = (m2 & _U1) == _U0
    mv = _U4 * m2
    mp = mv + _U2
    mm = mv - _U1 - np.uint64(mm_shift)
    vm_zeros = False
    vr_zeros = False
    if e2 >= 0:
        # one digit fewer than the exact count, so that the loop below removes one at least
        # and knows the digit it removed
        q = ((e2 * 78913) >> 18) - (1 if e2 > 3 else 0)
        e10 = q
        k = _POW5_INV_BITS + _pow5bits(q) - 1
        i = -e2 + q + k
        lo = _POW5_INV[q, 0]
        hi = _POW5_INV[q, 1]
        vr, vp, vm = _mul_shift_all(m2, lo, hi, i, mm_shift)
        if q <= 21:
            # the dropped part is zero only if 5**q divides the scaled value (one at most of
            # mm, mv, mp can be a multiple of 5)
            if mv % _U5 == _U0:
                vr_zeros = _multiple_of_pow5(mv, q)
            elif accept_bounds:
                vm_zeros = _multiple_of_pow5(mm, q)
            elif _multiple_of_pow5(mp, q):
                vp -= _U1  # an open upper bound that is exact is not in the interval
    else:
        q = (((-e2) * 732923) >> 20) - (1 if -e2 > 1 else 0)
        e10 = q + e2
        i = -e2 - q
        k = _pow5bits(i) - _POW5_BITS
        j = q - k
        lo = _POW5[i, 0]
        hi = _POW5[i, 1]
        vr, vp, vm = _mul_shift_all(m2, lo, hi, j, mm_shift)
        if q <= 1:
            # mv, mp and mm have at least q trailing zero bits: the dropped parts are zero
            vr_zeros = True
            if accept_bounds:
                vm_zeros = mm_shift == 1
            else:
                vp -= _U1
        elif q < 63:
            vr_zeros = (mv & ((_U1 << np.uint64(q)) - _U1)) == _U0
    removed = 0
    last = _U0
    if vm_zeros or vr_zeros:
        # rare: track whether everything removed was zero, for the ties
        while vp // _U10 > vm // _U10:
            vm_zeros = vm_zeros and vm % _U10 == _U0
            vr_zeros = vr_zeros and last == _U0
            last = vr % _U10
            vr //= _U10
            vp //= _U10
            vm //= _U10
            removed += 1
        if vm_zeros:
            while vm % _U10 == _U0:
                vr_zeros = vr_zeros and last == _U0
                last = vr % _U10
                vr //= _U10
                vp //= _U10
                vm //= _U10
                removed += 1
        if vr_zeros and last == _U5 and vr % _U2 == _U0:
            last = np.uint64(4)  # an exact tie: round half to even
        up = (vr == vm and (not accept_bounds or not vm_zeros)) or last >= _U5
    else:
        # four and two digits at a time first: most floats lose 8 to 15
        up = False
        while vp // _U1E4 > vm // _U1E4:
            last = vr % _U1E4
            vr //= _U1E4
            vp //= _U1E4
            vm //= _U1E4
            removed += 4
        last = last // _U100  # the two leading digits removed
        while vp // _U100 > vm // _U100:
            last = vr % _U100
            vr //= _U100
            vp //= _U100
            vm //= _U100
            removed += 2
        up = last >= np.uint64(50)
        while vp // _U10 > vm // _U10:
            up = vr % _U10 >= _U5
            vr //= _U10
            vp //= _U10
            vm //= _U10
            removed += 1
        up = up or vr == vm
    return vr + (_U1 if up else _U0), e10 + removed


@numba.njit(inline="always", **SERIAL)
def _n_digits(v):
    """Decimal digits of v >= 1 without a loop: log10(2) ~ 1233 / 4096 of the bit length
    gives the count or one less."""
    n = ((64 - np.int64(leading_zeros(v))) * 1233) >> 12
    return n + (1 if v >= _POW10[n] else 0)


@numba.njit(inline="always", **SERIAL)
def _put_pair(out, t, r):
    out[t] = _PAIRS[2 * r]
    out[t + 1] = _PAIRS[2 * r + _U1]


@numba.njit(inline="always", **SERIAL)
def _put_digits(out, pos, v, n):
    """Write the n decimal digits of v at out[pos:pos + n]. Eight at a time, split into
    independent pairs: a chain of divisions by 10 would wait on itself at every digit."""
    t = pos + n
    while t - pos > 8:
        q = v // _U1E8
        r = v - q * _U1E8
        hi = r // _U1E4
        lo = r - hi * _U1E4
        h = hi // _U100
        w = lo // _U100
        _put_pair(out, t - 8, h)
        _put_pair(out, t - 6, hi - h * _U100)
        _put_pair(out, t - 4, w)
        _put_pair(out, t - 2, lo - w * _U100)
        v = q
        t -= 8
    while t - pos >= 2:
        q = v // _U100
        _put_pair(out, t - 2, v - q * _U100)
        v = q
        t -= 2
    if t > pos:
        out[pos] = np.uint8(48 + v)


@numba.njit(**SERIAL)
def _layout(out, pos, negative, digits, exponent, positional):
    """Write ``digits * 10**exponent`` as ``repr`` lays it out; return the next position."""
    # the sign without a branch: half the values of a column may be negative, at random
    out[pos] = 45  # "-", overwritten if not
    pos += np.int64(negative)
    n = _n_digits(digits)
    point = n + exponent  # digits before the decimal point
    if positional:
        if point <= 0:  # 0.000ddd
            out[pos] = 48
            out[pos + 1] = 46
            pos += 2
            for _ in range(-point):
                out[pos] = 48
                pos += 1
            _put_digits(out, pos, digits, n)
            return pos + n
        if point >= n:  # ddd000.0
            _put_digits(out, pos, digits, n)
            pos += n
            for _ in range(point - n):
                out[pos] = 48
                pos += 1
            out[pos] = 46
            out[pos + 1] = 48
            return pos + 2
        # dd.ddd: the digits one place on, then the integer part moved back before the point
        _put_digits(out, pos + 1, digits, n)
        for t in range(pos, pos + point):
            out[t] = out[t + 1]
        out[pos + point] = 46
        return pos + n + 1
    # d.ddde+XX
    _put_digits(out, pos + 1, digits, n)
    out[pos] = out[pos + 1]
    if n > 1:
        out[pos + 1] = 46
        pos += n + 1
    else:
        pos += 1
    out[pos] = 101  # "e"
    e = point - 1
    if e < 0:
        out[pos + 1] = 45
        e = -e
    else:
        out[pos + 1] = 43
    pos += 2
    ne = 2 if e < 100 else 3
    _put_digits(out, pos, np.uint64(e), ne)
    return pos + ne


@numba.njit(**SERIAL)
def _write_zero_or_inf(out, pos, negative, inf):
    if negative:
        out[pos] = 45  # "-"
        pos += 1
    text = _INF if inf else _ZERO
    for t in range(3):
        out[pos + t] = text[t]
    return pos + 3


@numba.njit(inline="always", **SERIAL)
def _write_ieee(out, pos, bits, lo, hi, mbits, ebits, bias):
    """The shortest round-trip text of the IEEE float of bit pattern ``bits`` (uint64; a
    float32's widened) with ``mbits`` mantissa bits, ``ebits`` exponent bits and exponent
    ``bias``, at ``out[pos:]``; return the next position. Positional when ``lo <= |bits| <
    hi`` (the bit patterns of the bounds: IEEE floats of one sign order as their bits do) and
    for zero, scientific otherwise; ``inf``, ``-inf``; nothing for NaN (an empty CSV
    field)."""
    sign = np.uint64(mbits + ebits)
    negative = (bits >> sign) != _U0
    top = (1 << ebits) - 1
    e = np.int64((bits >> np.uint64(mbits)) & np.uint64(top))
    m = bits & ((_U1 << np.uint64(mbits)) - _U1)
    if e == top:
        return pos if m != _U0 else _write_zero_or_inf(out, pos, negative, True)
    if e == 0:
        if m == _U0:
            return _write_zero_or_inf(out, pos, negative, False)
        m2 = m
        e2 = 1 - bias - mbits - 2
    else:
        m2 = m | (_U1 << np.uint64(mbits))
        e2 = e - bias - mbits - 2
    mm_shift = 1 if (m != _U0 or e <= 1) else 0
    digits, exponent = _shortest(m2, e2, mm_shift)
    a = bits & ((_U1 << sign) - _U1)
    return _layout(out, pos, negative, digits, exponent, lo <= a and a < hi)


@numba.njit(inline="always", **SERIAL)
def _write_f64(out, pos, bits, lo, hi):
    """:func:`_write_ieee` of a float64's bit pattern (uint64)."""
    return _write_ieee(out, pos, bits, lo, hi, 52, 11, 1023)


@numba.njit(inline="always", **SERIAL)
def _write_f32(out, pos, bits32, lo, hi):
    """:func:`_write_ieee` of a float32's bit pattern (uint32; ``lo``, ``hi`` float32 bit
    patterns too): the shortest digits that read back as it in float32."""
    return _write_ieee(out, pos, np.uint64(bits32), lo, hi, 23, 8, 127)


@numba.njit(inline="always", **SERIAL)
def _write_uint(out, pos, v):
    n = _n_digits(v) if v != _U0 else 1
    _put_digits(out, pos, v, n)
    return pos + n


@numba.njit(inline="always", **SERIAL)
def _write_int(out, pos, v):
    if v < 0:
        out[pos] = 45
        # -(v + 1) + 1: the magnitude of the most negative int64 too
        return _write_uint(out, pos + 1, np.uint64(-(v + 1)) + _U1)
    return _write_uint(out, pos, np.uint64(v))


@numba.njit(inline="always", **SERIAL)
def _write_bool(out, pos, b):
    text = _TRUE if b else _FALSE
    for t in range(text.shape[0]):
        out[pos + t] = text[t]
    return pos + text.shape[0]


@numba.njit(**SERIAL)
def _float_texts(bits, lo, hi, out, ends):
    """The texts of the float64 (uint64) or float32 (uint32) bit patterns ``bits`` back to
    back in ``out`` (``FIELD_WIDTH`` bytes per value suffice); ``ends[i]`` is where the text
    of ``bits[i]`` ends (NaN has an empty text)."""
    pos = 0
    for i in range(bits.shape[0]):
        if bits.itemsize == 8:
            pos = _write_f64(out, pos, bits[i], lo, hi)
        else:
            pos = _write_f32(out, pos, bits[i], lo, hi)
        ends[i] = pos
    return pos


@numba.njit(**SERIAL)
def _csv_rows(n_rows, f64, f32, i64, u64, b, null, kind, slot, null_slot, lo32, hi32, width, out):
    """Write ``n_rows`` CSV rows into ``out``; return the number of bytes written, or -1 if
    ``out`` has less than ``width`` bytes left at the start of a row.

    Column ``c`` of the rows is row ``slot[c]`` of the array of its ``kind[c]``: ``f64``
    (float64 bit patterns, uint64), ``f32`` (float32 bit patterns, uint32), ``i64``, ``u64``
    or ``b`` (bool as uint8), each of shape ``(columns of that kind, n_rows)``. When
    ``null_slot[c] >= 0``, the non-zero entries of row ``null[null_slot[c]]`` mark missing
    values, written as empty fields, as NaN is. float64 fields are ``repr``'s text; float32
    fields are positional for float32 bit patterns ``lo32 <= |x| < hi32``. ``width`` bounds
    the bytes of one row (numba does not check indices: this check is what keeps the writes
    inside ``out``).
    """
    n_cols = kind.shape[0]
    pos = 0
    for r in range(n_rows):
        if out.shape[0] - pos < width:
            return -1
        for c in range(n_cols):
            s = slot[c]
            k = kind[c]
            if null_slot[c] >= 0 and null[null_slot[c], r] != 0:
                pass
            elif k == KIND_F64:
                pos = _write_f64(out, pos, f64[s, r], _F64_LO, _F64_HI)
            elif k == KIND_F32:
                pos = _write_f32(out, pos, f32[s, r], lo32, hi32)
            elif k == KIND_I64:
                pos = _write_int(out, pos, i64[s, r])
            elif k == KIND_U64:
                pos = _write_uint(out, pos, u64[s, r])
            else:
                pos = _write_bool(out, pos, b[s, r] != 0)
            out[pos] = 44 if c < n_cols - 1 else 10  # "," or "\n"
            pos += 1
    return pos


# Widest field of each column kind of :func:`csv_rows`, its separator included.
# ("-2.2250738585072014e-308", "-0.00012345678901234567"; a float32 "-1.1754944e-38", or
# "-9999999000000000.0" with the 1e16 bound of numpy < 2.3; "-9223372036854775808"; "False")
_WIDTH = {"float64": 25, "float32": 20, "int64": 21, "uint64": 21, "bool": 6}
_KINDS = {"float64": KIND_F64, "float32": KIND_F32, "int64": KIND_I64, "uint64": KIND_U64,
          "bool": KIND_BOOL}  # fmt: skip
# The array each kind is copied to: floats by bit pattern, bools as bytes.
_STORE = {"float64": np.uint64, "float32": np.uint32, "int64": np.int64, "uint64": np.uint64,
          "bool": np.uint8}  # fmt: skip


def row_width(columns):
    """Bytes that the CSV text of one row of ``columns`` (as for :func:`csv_rows`) never
    exceeds."""
    return sum(_WIDTH[kind] for kind, _, _ in columns)


def csv_rows(columns, start, stop, lo32, hi32):
    """The CSV text of rows ``start:stop`` of numeric columns, one line per row.

    Parameters
    ----------
    columns : list of (kind, values, missing)
        ``kind`` is ``"float64"``, ``"float32"``, ``"int64"`` (any integer that fits),
        ``"uint64"`` or ``"bool"``; ``values`` a 1-D array of the column; ``missing`` a bool
        array marking the rows written as empty fields, or None (NaN is always empty).
    start, stop : int
        The rows to write.
    lo32, hi32 : numpy.uint32
        The float32 bit patterns between which a float32 is written positionally (see
        :func:`float_bits`).

    Returns
    -------
    numpy.ndarray
        The bytes (uint8), exactly as ``DataFrame.to_csv(header=False, index=False,
        lineterminator="\\n")`` writes them for these columns.

    Examples
    --------
    >>> import numpy as np
    >>> cols = [("float64", np.array([0.1 + 0.2, 1e-5, np.nan]), None),
    ...         ("int64", np.array([1, -2, 3]), np.array([False, False, True])),
    ...         ("bool", np.array([True, False, True]), None)]
    >>> lo, hi = np.uint32(float_bits(1e-4, np.float32)), np.uint32(float_bits(1e6, np.float32))
    >>> print(csv_rows(cols, 0, 3, lo, hi).tobytes().decode(), end="")
    0.30000000000000004,1,True
    1e-05,-2,False
    ,,True
    """
    n = stop - start
    count = dict.fromkeys(_KINDS, 0)
    kind = np.empty(len(columns), dtype=np.int64)
    slot = np.empty(len(columns), dtype=np.int64)
    null_slot = np.full(len(columns), -1, dtype=np.int64)
    for c, (name, _, _) in enumerate(columns):
        kind[c] = _KINDS[name]
        slot[c] = count[name]
        count[name] += 1
    n_null = sum(missing is not None for _, _, missing in columns)
    stores = {name: np.empty((count[name], n), dtype=_STORE[name]) for name in _KINDS}
    null = np.empty((n_null, n), dtype=np.uint8)
    j = 0
    for c, (name, values, missing) in enumerate(columns):
        part = values[start:stop]
        store = stores[name]
        if name in ("float64", "float32"):
            store[slot[c]] = part.view(store.dtype)  # the kernel reads bits
        else:
            store[slot[c]] = part
        if missing is not None:
            null[j] = missing[start:stop]
            null_slot[c] = j
            j += 1
    width = row_width(columns)
    out = np.empty(n * width, dtype=np.uint8)
    size = _csv_rows(
        n, stores["float64"], stores["float32"], stores["int64"], stores["uint64"],
        stores["bool"], null, kind, slot, null_slot, lo32, hi32, width, out,
    )  # fmt: skip
    if size < 0:  # pragma: no cover - the widths above are the longest texts there are
        raise RuntimeError("streamsmote.kernels.csvtext: a CSV row overflowed its buffer")
    return out[:size]
