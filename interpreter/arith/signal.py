"""Integer primitives of TFLM's signal library (``signal/src``), vectorized.

TFLM's audio front end computes in unsigned integers: a bit count, an integer
square root and a table-driven logarithm. They are reproduced here over NumPy
arrays, with C's unsigned wrap-around where the C code has it, so that every
op using them gets TFLM's exact bits.
"""
from __future__ import annotations

import math

import numpy as np

U32 = np.uint64(0xFFFFFFFF)


def most_significant_bit(x, bits: int = 32) -> np.ndarray:
    """1-based position of the highest set bit of unsigned ``x``; ``bits`` for x == 0.

    The GCC build (``__builtin_clz``) returns 32 (64) for zero, not 0: callers
    that subtract it from a width rely on that value.
    """
    x = np.asarray(x, dtype=np.uint64)
    # frexp is exact for x < 2^53; above, split off the high word.
    hi = (x >> np.uint64(32)).astype(np.float64)
    lo = (x & U32).astype(np.float64)
    msb = np.where(hi > 0, np.frexp(hi)[1] + 32, np.frexp(lo)[1]).astype(np.int64)
    return np.where(x == 0, bits, msb)


def _sqrt_digits(num: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Digit-by-digit square root of ``width``-bit unsigned values: (root, remainder).

    The loop runs as TFLM's does, from the even bit at or below the top set bit
    down to bit 0, in ``width``-bit unsigned arithmetic; every element runs the
    most iterations any element needs, masked where its own loop has ended.
    """
    mask = np.uint64((1 << width) - 1)
    num = num.astype(np.uint64) & mask
    lead = (width - most_significant_bit(num, width)) | 1   # leading zeros, made odd
    start = np.where(num == 0, 0, width - 1 - lead)
    bit = np.where(num == 0, 0, np.uint64(1) << start.astype(np.uint64)).astype(np.uint64)
    remaining = np.where(num == 0, 0, start // 2 + 1)
    res = np.zeros_like(num)
    for step in range(int(remaining.max(initial=0))):
        live = remaining > step
        trial = (res + bit) & mask
        take = live & (num >= trial)
        num = np.where(take, num - trial, num)
        res = np.where(live, np.where(take, (res >> np.uint64(1)) + bit, res >> np.uint64(1)),
                       res)
        bit = np.where(live, bit >> np.uint64(2), bit)
    return res, num


def sqrt32(x) -> np.ndarray:
    """``Sqrt32``: the square root of a uint32 rounded to nearest, capped at 0xFFFF."""
    res, rem = _sqrt_digits(np.asarray(x, dtype=np.uint64), 32)
    return np.where((rem > res) & (res != 0xFFFF), res + np.uint64(1), res)


def sqrt64(x) -> np.ndarray:
    """``Sqrt64``: as ``sqrt32`` for 64-bit values (cap 0xFFFFFFFF); values below 2^32
    take the 32-bit path, as in TFLM (so 0xFFFF is the most they give)."""
    x = np.asarray(x, dtype=np.uint64)
    small = (x >> np.uint64(32)) == 0
    res, rem = _sqrt_digits(x, 64)
    wide = np.where((rem > res) & (res != 0xFFFFFFFF), res + np.uint64(1), res)
    return np.where(small, sqrt32(x & U32), wide)


# log2(1 + f) - f in 1/65536 units at f = i/128, i = 0..128 (plus a pad entry):
# the correction TFLM's logarithm interpolates between. Rounded to nearest, this
# formula gives TFLM's table (signal/src/log.cc) entry for entry.
LOG_SEGMENTS_LOG2 = 7
LOG_SCALE_LOG2 = 16
LOG_LUT = np.array([round((math.log2(1 + i / 128) - i / 128) * 65536) for i in range(129)]
                   + [0], dtype=np.int64)
LOG_COEFF = 45426          # ln(2) in Q16, rounded as TFLM rounds it


def log32(x, out_scale: int) -> np.ndarray:
    """``Log32``: ``round(ln(x) * out_scale)`` in TFLM's fixed point, for uint32 x > 0.

    log2 is the bit position plus a fraction from the linear-interpolated
    table; ln is log2 times ln 2 in Q16, and the output scale multiplies in
    uint32 (wrapping as C does).
    """
    x = np.asarray(x, dtype=np.int64)
    integer = most_significant_bit(x) - 1
    frac = x - (np.int64(1) << integer)
    frac = np.where(integer < LOG_SCALE_LOG2, frac << np.maximum(LOG_SCALE_LOG2 - integer, 0),
                    frac >> np.maximum(integer - LOG_SCALE_LOG2, 0))
    base = frac >> (LOG_SCALE_LOG2 - LOG_SEGMENTS_LOG2)
    c0, c1 = LOG_LUT[base], LOG_LUT[base + 1]
    seg_base = base << (LOG_SCALE_LOG2 - LOG_SEGMENTS_LOG2)
    fraction = frac + c0 + (((c1 - c0) * (frac - seg_base)) >> LOG_SCALE_LOG2)
    log2 = ((integer << LOG_SCALE_LOG2) + fraction) & 0xFFFFFFFF
    half = 1 << (LOG_SCALE_LOG2 - 1)
    loge = ((LOG_COEFF * log2 + half) >> LOG_SCALE_LOG2) & 0xFFFFFFFF
    return (((out_scale & 0xFFFFFFFF) * loge + half) & 0xFFFFFFFF) >> LOG_SCALE_LOG2
