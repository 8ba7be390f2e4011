"""Integer requantization arithmetic shared by every INT8 op.

These are TFLM's fixed-point primitives (``kernels/internal/common.h`` and
``quantization_util.cc``), vectorized over NumPy int64 arrays that hold int32
values. Every op requantizes through this module; none re-derives the rounding.

Two rounding modes exist because TFLM builds differ: the default build rounds
twice (a rounding doubling high multiply, then a rounding right shift), a
``TFLITE_SINGLE_ROUNDING`` build (and CMSIS-NN's single-rounding option)
rounds once in 64 bits. The results differ by one LSB on some inputs, which is
exactly the kind of difference a golden model has to reproduce.
"""
from __future__ import annotations

import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1

DOUBLE = "double"
SINGLE = "single"
ROUNDING_MODES = (DOUBLE, SINGLE)


def _i64(x) -> np.ndarray:
    return np.asarray(x, dtype=np.int64)


def wrap_int32(x) -> np.ndarray:
    """Two's-complement wrap to int32 range (what a 32-bit C multiply does in practice)."""
    x = _i64(x)
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def saturating_rounding_doubling_high_mul(a, b) -> np.ndarray:
    """High 32 bits of 2*a*b, rounded to nearest (ties away from zero).

    Only INT32_MIN * INT32_MIN overflows; it saturates to INT32_MAX.
    """
    a = _i64(a)
    b = _i64(b)
    overflow = (a == INT32_MIN) & (b == INT32_MIN)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    s = ab + nudge
    # C integer division by 2^31 truncates toward zero; a shift would floor.
    q = np.where(s >= 0, s >> 31, -((-s) >> 31))
    return np.where(overflow, INT32_MAX, q)


def rounding_divide_by_pot(x, exponent) -> np.ndarray:
    """x / 2^exponent, rounding to nearest with ties away from zero."""
    x = _i64(x)
    e = _i64(exponent)
    mask = (np.int64(1) << e) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> e) + (remainder > threshold)


def multiply_by_quantized_multiplier(x, multiplier, shift, rounding: str = DOUBLE) -> np.ndarray:
    """MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31), rounded.

    ``multiplier`` and ``shift`` broadcast against ``x`` (per-channel arrays
    along the last axis are the common case).
    """
    x = _i64(x)
    m = _i64(multiplier)
    shift = _i64(shift)
    if rounding == SINGLE:
        total_shift = 31 - shift
        return (x * m + (np.int64(1) << (total_shift - 1))) >> total_shift
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    return rounding_divide_by_pot(
        saturating_rounding_doubling_high_mul(wrap_int32(x << left), m), right)


def quantize_multiplier(real: float, rounding: str = DOUBLE) -> tuple[int, int]:
    """QuantizeMultiplier: a double as (int32 multiplier in [2^30, 2^31), shift).

    real == multiplier * 2^(shift - 31). Returns (0, 0) for zero and for values
    too small to represent, as TFLM does.
    """
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    scaled = q * (1 << 31)
    q_fixed = int(math.copysign(math.floor(abs(scaled) + 0.5), scaled))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if rounding == SINGLE and shift > 30:
        return INT32_MAX, 30
    return q_fixed, shift


def quantize_multipliers(reals, rounding: str = DOUBLE) -> tuple[np.ndarray, np.ndarray]:
    """quantize_multiplier over a sequence (per-channel scales)."""
    pairs = [quantize_multiplier(float(r), rounding) for r in np.ravel(reals)]
    m = np.array([p[0] for p in pairs], dtype=np.int64)
    s = np.array([p[1] for p in pairs], dtype=np.int64)
    return m, s


def round_half_away(x) -> np.ndarray:
    """TfLiteRound / std::round on floats: ties away from zero (unlike np.round)."""
    x = np.asarray(x)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)
