"""Numba kernels. They take arrays and scalars only, never raise user-facing errors and never
see pandas; the public wrappers in :mod:`streamsmote.sampler` and :mod:`streamsmote.neighbors`
validate and convert."""

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

# LLVM's function attribute for the vectoriser's register width (x86; others ignore it).
WIDE_ATTRIBUTE = '"prefer-vector-width"="512"'


@intrinsic
def wide_vectors(typingctx):
    """Let LLVM vectorise the calling kernel with 512-bit registers where the CPU has them.

    On a CPU with AVX-512, LLVM's vectoriser stops at 256-bit registers unless a function asks
    for more (a tuning default against the clock drop of early AVX-512 chips). Numba can only
    change that for the whole process (``NUMBA_CPU_FEATURES``), which is the user's setting,
    not a library's. Called first in a kernel, this marks that one LLVM function with
    :data:`WIDE_ATTRIBUTE`: its loops, and the ``inline="always"`` helpers lowered into it,
    may use 512-bit vectors; a CPU without them ignores the mark, and elementwise float
    operations give the same bits at any width. The exact search's screens run 7% faster so
    (kernel / floor 1.28 -> 1.21, medians of five alternating runs of
    ``benchmarks/bench_floor.py``).

    llvmlite's attribute set accepts only the names it lists, so the string attribute is
    added to the set directly, and printed as written into the module's IR. Should a later
    llvmlite store attributes otherwise, the mark is skipped: same results, 256-bit vectors."""

    def codegen(context, builder, sig, args):
        try:
            set.add(builder.function.attributes, WIDE_ATTRIBUTE)
        except (AttributeError, TypeError):  # pragma: no cover - a later llvmlite's store
            pass
        return context.get_dummy_value()

    return types.none(), codegen


def _prefetch_address(builder, address):
    """Emit LLVM's ``llvm.prefetch`` of the integer ``address``: a read, to be kept in every
    cache level; one instruction that never faults and changes no result."""
    i8p = ir.IntType(8).as_pointer()
    i32 = ir.IntType(32)
    fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
    fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
    builder.call(fn, [builder.inttoptr(address, i8p), i32(0), i32(3), i32(1)])


@intrinsic
def prefetch(typingctx, ary, index):
    """Ask the CPU to bring the cache line of ``ary[index]`` (``index``: an integer, or a
    tuple of one per dimension, in range) towards its caches ahead of use."""

    def codegen(context, builder, sig, args):
        aryty, indty = sig.args
        arr = context.make_array(aryty)(context, builder, args[0])
        if isinstance(indty, types.BaseTuple):
            pairs = zip(cgutils.unpack_tuple(builder, args[1]), indty, strict=True)
            inds = [context.cast(builder, v, t, types.intp) for v, t in pairs]
        else:
            inds = [context.cast(builder, args[1], indty, types.intp)]
        ptr = cgutils.get_item_pointer2(
            context,
            builder,
            data=arr.data,
            shape=cgutils.unpack_tuple(builder, arr.shape),
            strides=cgutils.unpack_tuple(builder, arr.strides),
            layout=aryty.layout,
            inds=inds,
            wraparound=False,
        )
        _prefetch_address(builder, builder.ptrtoint(ptr, ir.IntType(64)))
        return context.get_dummy_value()

    return types.none(ary, index), codegen


@intrinsic
def prefetch_row(typingctx, ary, i):
    """:func:`prefetch` each cache line of row ``i`` (in range) of a C-contiguous 2-D array:
    for gathers whose rows are known ahead, so that their loads overlap instead of waiting
    one after the other. The first and the last line are requested, then any between (none
    for a float32 x 20 row, which spans two lines)."""

    def codegen(context, builder, sig, args):
        aryty, ity = sig.args
        arr = context.make_array(aryty)(context, builder, args[0])
        i64 = ir.IntType(64)
        itemsize = context.get_abi_sizeof(context.get_data_type(aryty.dtype))
        row_bytes = builder.mul(cgutils.unpack_tuple(builder, arr.shape)[1], i64(itemsize))
        stride = cgutils.unpack_tuple(builder, arr.strides)[0]
        row = builder.mul(context.cast(builder, args[1], ity, types.intp), stride)
        first = builder.add(builder.ptrtoint(arr.data, i64), row)
        mask = i64(-64 & 0xFFFFFFFFFFFFFFFF)
        line0 = builder.and_(first, mask)
        line1 = builder.and_(builder.add(first, builder.sub(row_bytes, i64(1))), mask)
        _prefetch_address(builder, line0)
        _prefetch_address(builder, line1)
        middle = builder.sub(builder.lshr(builder.sub(line1, line0), i64(6)), i64(1))
        with cgutils.for_range(builder, middle) as loop:  # none if negative
            offset = builder.shl(builder.add(loop.index, i64(1)), i64(6))
            _prefetch_address(builder, builder.add(line0, offset))
        return context.get_dummy_value()

    return types.none(ary, i), codegen
