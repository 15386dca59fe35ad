"""Numba kernels. They take arrays and scalars only, never raise user-facing errors and never
see pandas; the public wrappers in :mod:`streamsmote.sampler` and :mod:`streamsmote.neighbors`
validate and convert."""

from numba.core import types
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
