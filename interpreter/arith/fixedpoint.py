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
    along the last axis are the common case). The result is an int32 value, as
    the C function's: a single-rounding result that leaves int32 (a shift > 0 on
    a large x) wraps, as TFLM's ``static_cast<int32_t>`` of the int64 does.
    """
    x = _i64(x)
    m = _i64(multiplier)
    shift = _i64(shift)
    if rounding == SINGLE:
        total_shift = 31 - shift
        return wrap_int32((x * m + (np.int64(1) << (total_shift - 1))) >> total_shift)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    return rounding_divide_by_pot(
        saturating_rounding_doubling_high_mul(wrap_int32(x << left), m), right)


class InvalidMultiplier(ValueError):
    """A real multiplier derived from a model's scales or options that TFLM's
    QuantizeMultiplier / MultiplyByQuantizedMultiplier cannot apply: NaN, infinite, or
    needing a left shift of more than 31 bits (undefined in C; x86 would silently shift
    by the count modulo 32). The interpreter turns it into a ModelError naming the
    operator."""


#: the largest left shift MultiplyByQuantizedMultiplier can apply to an int32
MAX_LEFT_SHIFT = 31


def quantize_multiplier(real: float, rounding: str = DOUBLE) -> tuple[int, int]:
    """QuantizeMultiplier: a double as (int32 multiplier in [2^30, 2^31), shift).

    real == multiplier * 2^(shift - 31). Returns (0, 0) for zero and for values
    too small to represent, as TFLM does; ``InvalidMultiplier`` for NaN, inf, or a
    value of 2^31 or more (a left shift of more than 31 bits).
    """
    if not math.isfinite(real):
        raise InvalidMultiplier(f"the real multiplier {real!r} is not finite")
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
    if shift > MAX_LEFT_SHIFT:
        raise InvalidMultiplier(f"the real multiplier {real!r} needs a left shift of {shift} "
                                f"bits (at most {MAX_LEFT_SHIFT})")
    return q_fixed, shift


def quantize_multipliers(reals, rounding: str = DOUBLE) -> tuple[np.ndarray, np.ndarray]:
    """quantize_multiplier over a sequence (per-channel scales)."""
    pairs = [quantize_multiplier(float(r), rounding) for r in np.ravel(reals)]
    m = np.array([p[0] for p in pairs], dtype=np.int64)
    s = np.array([p[1] for p in pairs], dtype=np.int64)
    return m, s


def round_half_away(x) -> np.ndarray:
    """TfLiteRound / std::round on floats: ties away from zero (unlike np.round).

    Exact in the array's own precision: ``floor(|x| + 0.5)`` would be wrong
    for 0.49999997f and for odd values above 2^23, where the addition rounds.
    """
    x = np.asarray(x)
    with np.errstate(invalid="ignore"):  # inf - inf below; inf stays inf
        whole = np.trunc(x)
        frac = x - whole  # exact in IEEE arithmetic
        return whole + np.where(np.abs(frac) >= 0.5, np.sign(x), 0).astype(x.dtype)


class ChannelMultiplier:
    """multiply_by_quantized_multiplier with its constants fixed in advance.

    The hot-path form for ops that requantize whole tensors with per-channel
    (multiplier, shift) pairs broadcast along the last axis. Both roundings
    are rewritten as "add a nudge, then shift right arithmetically", which
    is exact:

    * SRDHM's ``(ab + nudge) / 2^31`` with C's truncating division equals
      ``(ab + 2^30) >> 31`` for every ab (a floor division; for ab < 0 the
      nudge ``1 - 2^30`` plus truncation's ``2^31 - 1`` make the same 2^30);
    * RDBPOT(q, e) (halves away from zero) equals
      ``(q + 2^(e-1) - (q < 0 and e > 0)) >> e``.

    Results are bit-identical to ``multiply_by_quantized_multiplier`` (tests
    check this) and, like the C function's, are int32 values: a
    single-rounding result that leaves int32 wraps, as its cast does.
    """

    def __init__(self, multiplier, shift, rounding: str = DOUBLE):
        if rounding not in ROUNDING_MODES:
            raise ValueError(f"unknown rounding mode {rounding!r}")
        self.multiplier = _i64(multiplier)
        self.shift = _i64(shift)
        self.rounding = rounding
        if rounding == SINGLE:
            self.total_shift = 31 - self.shift
            self.round = np.int64(1) << (self.total_shift - 1)
            self.may_leave_int32 = bool(np.any(self.shift >= 0))
            return
        # SRDHM saturates only for INT32_MIN * INT32_MIN; QuantizeMultiplier never
        # produces INT32_MIN, but a hand-made multiplier may: use the general code then.
        self.general = bool(np.any(self.multiplier == INT32_MIN))
        self.left = np.maximum(self.shift, 0)
        self.any_left = bool(np.any(self.left))
        self.right = np.maximum(-self.shift, 0)
        self.any_right = bool(np.any(self.right))
        self.half = (np.int64(1) << self.right) >> 1
        self.round_negative_down = (self.right > 0).astype(np.int64)

    def __call__(self, x) -> np.ndarray:
        x = _i64(x)
        if x.ndim == 0:
            # The in-place steps below need an array; a 0-d input is a scalar.
            shape = np.broadcast_shapes((), self.multiplier.shape)
            return self(x.reshape(1)).reshape(shape)
        if self.rounding == SINGLE:
            y = x * self.multiplier
            y += self.round
            y >>= self.total_shift
            return wrap_int32(y) if self.may_leave_int32 else y
        if self.general:
            return multiply_by_quantized_multiplier(x, self.multiplier, self.shift)
        if self.any_left:
            x = wrap_int32(x << self.left)
        q = x * self.multiplier        # |x * M| < 2^62: no int64 overflow
        q += 1 << 30
        q >>= 31
        if self.any_right:
            nudge = q >> 63            # -1 where q < 0
            nudge &= self.round_negative_down
            np.subtract(self.half, nudge, out=nudge)
            q += nudge
            q >>= self.right
        return q


# -- the int64-input overload (16x8 kernels) ------------------------------------

def reduce_multiplier_int64(multiplier) -> np.ndarray:
    """The Q15 multiplier the int64 MultiplyByQuantizedMultiplier really multiplies by.

    ``(M + 2^15) >> 16``, except that M >= 0x7FFF0000 (which would round up to
    2^15) saturates to 0x7FFF. Vectorized over ``multiplier``.
    """
    m = _i64(multiplier)
    return np.where(m < 0x7FFF0000, (m + (1 << 15)) >> 16, 0x7FFF)


def multiply_by_quantized_multiplier_int64(x, multiplier, shift) -> np.ndarray:
    """MultiplyByQuantizedMultiplier(int64_t x, int32_t M, int shift) of ``common.h``.

    The overload TFLM's 16x8 kernels (int16 activations, int8 weights, int64
    accumulators: CONV_2D with an int64 bias, DEPTHWISE_CONV_2D,
    TRANSPOSE_CONV, BATCH_MATMUL int16, ...) requantize with. It rounds once:
    the multiplier is first reduced to 16 bits (``reduce_multiplier_int64``),
    then ``(x * rm + 2^(14 - shift)) >> (15 - shift)`` in 64 bits, the result
    truncated to int32 as the C cast does. Both rounding builds
    (default and ``TFLITE_SINGLE_ROUNDING``) define it identically.

    ``x`` holds int64 values (TFLM assumes |x| < 2^47, so that ``x * rm`` does
    not overflow; outside that, NumPy wraps the product as the C code does on
    two's-complement machines). ``multiplier`` and ``shift`` broadcast against
    ``x`` (per-channel arrays along the last axis); ``shift`` is in [-31, 7].
    Returns int64 holding int32 values.
    """
    x = _i64(x)
    rm = reduce_multiplier_int64(multiplier)
    total_shift = 15 - _i64(shift)
    with np.errstate(over="ignore"):
        y = x * rm + (np.int64(1) << (total_shift - 1))
    return wrap_int32(y >> total_shift)
