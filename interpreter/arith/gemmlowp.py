"""gemmlowp's fixed-point transcendental functions, vectorized.

TFLM evaluates int8 SOFTMAX, LOGISTIC and TANH with gemmlowp's fixed-point
math (``gemmlowp/fixedpoint/fixedpoint.h``; TFLM carries an adapted copy in
``tensorflow/lite/micro/kernels/internal/fixedpoint.h``), plus a few helpers
from ``kernels/internal/common.h`` (``GetReciprocal``) and
``quantization_util.cc`` (``CalculateInputRadius``,
``PreprocessSoftmaxScaling``).

A ``FixedPoint<int32, IntegerBits>`` value is represented here by its raw
int32 value, held in an int64 NumPy array; the number of integer bits is a
plain argument. C's int32 ``+``/``-`` wrap on overflow in practice, so every
addition and subtraction is wrapped back to int32. The only rounding
primitives are the ones in :mod:`interpreter.arith.fixedpoint`; these
functions do not depend on the TFLITE_SINGLE_ROUNDING build option.

At the end: the fixed-point table interpolation of TFLM's int16 LOGISTIC and
TANH, which is not gemmlowp's but shares its purpose.
"""
from __future__ import annotations

import math

import numpy as np

from .fixedpoint import INT32_MAX
from .fixedpoint import INT32_MIN
from .fixedpoint import quantize_multiplier
from .fixedpoint import rounding_divide_by_pot
from .fixedpoint import saturating_rounding_doubling_high_mul
from .fixedpoint import wrap_int32

_srdhm = saturating_rounding_doubling_high_mul


def _i64(x) -> np.ndarray:
    return np.asarray(x, dtype=np.int64)


def one(integer_bits: int) -> int:
    """Raw value of FixedPoint<int32, integer_bits>::One() (saturated for Q0.31)."""
    return INT32_MAX if integer_bits == 0 else 1 << (31 - integer_bits)


def saturating_rounding_multiply_by_pot(x, exponent: int) -> np.ndarray:
    """x * 2^exponent: a saturating left shift, or a rounding right shift."""
    x = _i64(x)
    if exponent == 0:
        return x
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    shifted = wrap_int32(x << exponent)
    return np.where(x > threshold, INT32_MAX, np.where(x < -threshold, INT32_MIN, shifted))


def rescale(x, src_integer_bits: int, dst_integer_bits: int) -> np.ndarray:
    """gemmlowp Rescale<dst>(FixedPoint<src>): change the Q format, saturating."""
    return saturating_rounding_multiply_by_pot(x, src_integer_bits - dst_integer_bits)


def rounding_half_sum(a, b) -> np.ndarray:
    """(a + b) / 2 rounded away from zero, with C's truncating division."""
    s = _i64(a) + _i64(b)
    s = s + np.where(s >= 0, 1, -1)
    return np.where(s >= 0, s // 2, -((-s) // 2))


def exp_on_interval_between_negative_one_quarter_and_0_excl(a) -> np.ndarray:
    """exp(a) for a in [-1/4, 0), Q0.31 in and out: a 4th-order Taylor series around -1/8."""
    constant_term = 1895147668          # exp(-1/8) in Q0.31
    constant_1_over_3 = 715827883       # 1/3 in Q0.31
    x = wrap_int32(_i64(a) + (1 << 28))  # a + 1/8
    x2 = _srdhm(x, x)
    x3 = _srdhm(x2, x)
    x4 = _srdhm(x2, x2)
    x4_over_4 = rounding_divide_by_pot(x4, 2)
    poly = rounding_divide_by_pot(
        wrap_int32(_srdhm(wrap_int32(x4_over_4 + x3), constant_1_over_3) + x2), 1)
    return wrap_int32(constant_term + _srdhm(constant_term, wrap_int32(x + poly)))


# exp(-2^k) in Q0.31 for the barrel shifter, k = -2..4
_EXP_BARREL = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
               (2, 39332535), (3, 720401), (4, 242))


def exp_on_negative_values(a, integer_bits: int) -> np.ndarray:
    """exp(a) for a <= 0; a in Q(integer_bits), result in Q0.31.

    exp of the input modulo 1/4 comes from the Taylor series; each set bit of
    the remaining multiple of 1/4 multiplies in exp(-2^k).
    """
    a = _i64(a)
    fractional_bits = 31 - integer_bits
    one_quarter = 1 << (fractional_bits - 2)
    a_mod_quarter_minus_one_quarter = wrap_int32((a & (one_quarter - 1)) - one_quarter)
    result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0))
    remainder = wrap_int32(a_mod_quarter_minus_one_quarter - a)
    for exponent, multiplier in _EXP_BARREL:
        if integer_bits > exponent:
            bit = 1 << (fractional_bits + exponent)
            result = np.where(remainder & bit, _srdhm(result, multiplier), result)
    if integer_bits > 5:
        clamp = -(1 << (36 - integer_bits))  # -32.0
        result = np.where(a < clamp, 0, result)
    return np.where(a == 0, one(0), result)


def _newton_raphson_reciprocal(a) -> np.ndarray:
    """x ~ 1 / ((1 + a) / 2) in Q2.29, a in Q0.31 in [0, 1): three Newton-Raphson steps."""
    half_denominator = rounding_half_sum(a, one(0))
    constant_48_over_17 = 1515870810     # Q2.29
    constant_neg_32_over_17 = -1010580540
    x = wrap_int32(constant_48_over_17 + _srdhm(half_denominator, constant_neg_32_over_17))
    for _ in range(3):
        one_minus_half_denominator_times_x = wrap_int32(one(2) - _srdhm(half_denominator, x))
        x = wrap_int32(x + rescale(_srdhm(x, one_minus_half_denominator_times_x), 4, 2))
    return x


def one_over_one_plus_x_for_x_in_0_1(a) -> np.ndarray:
    """1 / (1 + a) for a in [0, 1), Q0.31 in and out."""
    x = _newton_raphson_reciprocal(a)
    return rescale(x, 1, 0)  # ExactMulByPot<-1>: reinterpret Q2.29 as Q1.30


def one_minus_x_over_one_plus_x_for_x_in_0_1(a) -> np.ndarray:
    """(1 - a) / (1 + a) for a in [0, 1), Q0.31 in and out."""
    x = _newton_raphson_reciprocal(a)
    return rescale(wrap_int32(x - one(2)), 2, 0)


def logistic(a, integer_bits: int) -> np.ndarray:
    """1 / (1 + exp(-a)); a in Q(integer_bits), result in Q0.31."""
    a = _i64(a)
    positive = a > 0
    abs_a = np.where(positive, a, wrap_int32(-a))
    if_positive = one_over_one_plus_x_for_x_in_0_1(
        exp_on_negative_values(wrap_int32(-abs_a), integer_bits))
    if_negative = wrap_int32(one(0) - if_positive)
    return np.where(a == 0, 1 << 30, np.where(positive, if_positive, if_negative))


def tanh(a, integer_bits: int) -> np.ndarray:
    """tanh(a) = sign(a) (1 - exp(-2|a|)) / (1 + exp(-2|a|)); a in Q(integer_bits), result Q0.31."""
    a = _i64(a)
    negative = a < 0
    neg_abs = np.where(negative, a, wrap_int32(-a))
    # ExactMulByPot<1>: the raw value now means 2a, with one more integer bit.
    neg_tanh = one_minus_x_over_one_plus_x_for_x_in_0_1(
        exp_on_negative_values(neg_abs, integer_bits + 1))
    return np.where(a == 0, 0, np.where(negative, wrap_int32(-neg_tanh), neg_tanh))


def count_leading_zeros_u32(x) -> np.ndarray:
    """CountLeadingZeros of uint32 values (32 for 0)."""
    x = _i64(x) & 0xFFFFFFFF
    _, exponent = np.frexp(x.astype(np.float64))  # exact: x < 2^53
    return np.where(x == 0, 32, 32 - exponent).astype(np.int64)


def get_reciprocal(x, x_integer_digits: int) -> tuple[np.ndarray, np.ndarray]:
    """GetReciprocal (common.h): 1/x as (Q0.31 scale, num_bits_over_unit), x > 0."""
    x = _i64(x)
    headroom_plus_one = count_leading_zeros_u32(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted = ((x & 0xFFFFFFFF) << headroom_plus_one) & 0xFFFFFFFF
    shifted_sum_minus_one = wrap_int32(shifted - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one), num_bits_over_unit


def calculate_input_radius(input_integer_bits: int, input_left_shift: int,
                           total_signed_bits: int = 31) -> int:
    """CalculateInputRadius: the largest |input| (in input units) that does not saturate."""
    max_input_rescaled = (1.0 * ((1 << input_integer_bits) - 1)
                          * (1 << (total_signed_bits - input_integer_bits))
                          / (1 << input_left_shift))
    return int(math.floor(max_input_rescaled))


def preprocess_softmax_scaling(beta: float, input_scale: float, input_integer_bits: int,
                               rounding: str) -> tuple[int, int] | None:
    """PreprocessSoftmaxScaling: the Q(input_integer_bits) multiplier for beta * input_scale.

    Returns None where TFLM's QuantizeMultiplierGreaterThanOne would abort
    (the product is not above 1). The single-rounding build caps the real
    multiplier at 2^30 - 1 instead of 2^31 - 1.
    """
    max_real_multiplier = (1 << 30) - 1.0 if rounding == "single" else (1 << 31) - 1.0
    real = min(beta * input_scale * (1 << (31 - input_integer_bits)), max_real_multiplier)
    if not real > 1.0:
        return None
    return quantize_multiplier(real, rounding)


# -- the int16 LOGISTIC / TANH table (reference/integer_ops/logistic.h, tanh.h) ----------
#
# TFLM's int16 LOGISTIC and TANH do not use gemmlowp: both interpolate linearly in one
# 256-entry table of sigmoid(i / 24) in unsigned Q0.16 (tanh(x) = 2 sigmoid(2x) - 1). The
# entries are not exactly rounded (some are up to 1.1 above 65536 sigmoid(i / 24)), so
# they cannot be recomputed: these values were measured on the tflite-micro runtime,
# where int16 TANH with input scale 2/12288 maps input 128 i to entry i minus 32768
# (tests/ops/test_logistic_tanh.py measures them again). The last entry is only ever
# used as the right end of the last interval.

SIGMOID_TABLE_Q16 = np.array([
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535], dtype=np.int64)

LUT_SATURATION_INDEX = 255   # |input| >> (9 or 8) at or beyond this saturates


def _lut_interpolate(abs_input, fraction_bits: int):
    """(saturated mask, ``(ua << bits) + frac * (ub - ua)``) for |input| in the table's units.

    The C code computes in uint32; every value here stays below 2^25, so int64 is exact.
    """
    index = abs_input >> fraction_bits
    saturated = index >= LUT_SATURATION_INDEX
    index = np.where(saturated, 0, index)
    ua = SIGMOID_TABLE_Q16[index]
    ub = SIGMOID_TABLE_Q16[index + 1]
    frac = abs_input & ((1 << fraction_bits) - 1)
    return saturated, (ua << fraction_bits) + frac * (ub - ua)


def lut_input_stage(multiplier: int, left_shift: int) -> tuple[int, int]:
    """The input stage of ``lut_input_int16`` as the (multiplier, right shift) ``lut_input``
    applies: the power-of-two case (``multiplier == 0``) is the multiplier
    ``3 << left_shift``, wrapped to int32 as the C shift does, with no shift."""
    if multiplier == 0:
        return ((3 << left_shift) + (1 << 31)) % (1 << 32) - (1 << 31), 0
    return int(multiplier), int(left_shift)


def lut_input(x, multiplier: int, shift: int) -> np.ndarray:
    """``(x * multiplier + round) >> shift`` in int32, ``round`` being ``2^(shift - 1)``
    (0 for no shift); the int32 product and sum wrap as they do in practice in C."""
    x = _i64(x)
    round_ = (1 << (shift - 1)) if shift > 0 else 0
    return wrap_int32(x * int(multiplier) + round_) >> shift


def lut_input_int16(x, multiplier: int, left_shift: int) -> np.ndarray:
    """The int16 kernels' input stage: ``(x * multiplier + round) >> left_shift`` in int32.

    ``multiplier == 0`` means the power-of-two case: ``x * (3 << left_shift)``, unshifted.
    ``round`` is ``2^(left_shift - 1)`` (0 for no shift). The int32 product and sum wrap
    as they do in practice in C (only for multipliers TFLM DCHECKs against, above 32767).
    The result is in units of 1/(3 * 4096) for LOGISTIC: +-2^17 is +-10.67.
    """
    return lut_input(x, *lut_input_stage(multiplier, left_shift))


def _abs_uint32(v) -> np.ndarray:
    """C ``(uint32_t)abs(v)`` of int32 values (abs(INT32_MIN) stays 2^31 as uint32)."""
    return np.abs(_i64(v))


def sigmoid_lut_int16(input_data) -> np.ndarray:
    """reference_integer_ops::Logistic (int16) after its input stage: Q0.15 output.

    The table's fractional step is 9 bits (1/24 per entry = 512 input units); the result
    is rounded to 16 bits and halved to Q0.15; negative inputs take 1 - sigmoid(|x|),
    rounded the other way.
    """
    v = _i64(input_data)
    saturated, result = _lut_interpolate(_abs_uint32(v), 9)
    result = np.where(saturated, 0x7FFF << 10, result)
    result = np.where(v >= 0, result + (1 << 9), (1 << 25) - result + (1 << 9) - 1)
    return wrap_int16(result >> 10)


def tanh_lut_int16(input_data) -> np.ndarray:
    """reference_integer_ops::Tanh (int16) after its input stage: Q0.15 output.

    tanh(x) = 2 sigmoid(2x) - 1: the same table with an 8-bit fractional step; the
    result, centred on 2^23, is shifted back by 8 bits (arithmetic shift, int32).
    """
    v = _i64(input_data)
    saturated, result = _lut_interpolate(_abs_uint32(v), 8)
    result = np.where(saturated, 0xFFFF << 8, result)
    result = np.where(v >= 0, result - (1 << 23) + (1 << 7), -result + (1 << 23) + (1 << 7) - 1)
    return wrap_int16(result >> 8)


def wrap_int16(x) -> np.ndarray:
    """The C conversion of an integer to int16_t (two's-complement wrap)."""
    return ((_i64(x) + (1 << 15)) & 0xFFFF) - (1 << 15)


# -- log (LOG_SOFTMAX) ---------------------------------------------------------

# Q0.31 constants of log_x_for_x_greater_than_or_equal_to_1_impl
_LOG_2 = 1488522236
_SQRT_SQRT_HALF = 1805811301
_SQRT_HALF = 1518500250
_ONE_QUARTER = 536870912
_ALPHA_N = 117049297
_ALPHA_D = 127690142
_ALPHA_I = 1057819769
_ALPHA_F = 638450708


def _saturate32(x) -> np.ndarray:
    return np.clip(np.asarray(x, np.int64), INT32_MIN, INT32_MAX)


def _saturating_shift_left(x, exponent) -> np.ndarray:
    """SaturatingRoundingMultiplyByPOTParam for per-element exponents in [0, 31]."""
    x = np.asarray(x, np.int64)
    exponent = np.asarray(exponent, np.int64)
    threshold = (np.int64(1) << (31 - exponent)) - 1
    shifted = wrap_int32(x << exponent)
    result = np.where(x > threshold, INT32_MAX, np.where(x < -threshold, INT32_MIN, shifted))
    return np.where(exponent == 0, x, result)


def log_x_for_x_greater_than_or_equal_to_1(x, output_integer_bits: int,
                                           input_integer_bits: int) -> np.ndarray:
    """log(x) for a raw Q(input_integer_bits) x >= 1, as a raw Q(output_integer_bits) value."""
    accum_bits = output_integer_bits + 1
    shifted_quarter = int(rescale(_ONE_QUARTER, 0, accum_bits))
    z_a = np.asarray(x, np.int64)
    z_a_headroom_plus_1 = count_leading_zeros_u32(z_a)
    r_a_tmp = _saturating_shift_left(z_a, z_a_headroom_plus_1 - 1)
    r_a = _saturating_shift_left(_srdhm(r_a_tmp, _SQRT_HALF), 1)
    z_a_pow_2_adj = _saturate32(
        _saturating_shift_left(input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits)
        + shifted_quarter)
    z_b = _srdhm(z_a, _SQRT_HALF)
    z_b_headroom = count_leading_zeros_u32(z_b) - 1
    r_b = _saturating_shift_left(z_a, z_b_headroom)
    z_b_pow_2_adj = _saturate32(
        _saturating_shift_left(input_integer_bits - z_b_headroom, 31 - accum_bits)
        - shifted_quarter)
    r = np.minimum(r_a, r_b)
    z_pow_2_adj = np.maximum(z_a_pow_2_adj, z_b_pow_2_adj)

    p = rounding_half_sum(r, _SQRT_SQRT_HALF)
    q = wrap_int32(r - _SQRT_SQRT_HALF)
    q = wrap_int32(q + q)
    common_sq = _srdhm(q, q)
    num = wrap_int32(_srdhm(q, r) + _srdhm(_srdhm(q, common_sq), _ALPHA_N))
    inner = wrap_int32(wrap_int32(_ALPHA_I + q) + _srdhm(_ALPHA_D, common_sq))
    denom_minus_one = wrap_int32(_srdhm(p, inner) + _srdhm(_ALPHA_F, q))
    recip_denom = one_over_one_plus_x_for_x_in_0_1(denom_minus_one)
    num_scaled = rescale(num, 0, accum_bits)
    total = wrap_int32(_srdhm(z_pow_2_adj, _LOG_2) + _srdhm(num_scaled, recip_denom))
    return rescale(total, accum_bits, output_integer_bits)


# -- int16 fixed point (HARD_SWISH's pipeline) ---------------------------------------

INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1


def _truncating_div_pot(x: np.ndarray, bits: int) -> np.ndarray:
    """C's ``x / 2^bits`` on integers (rounds toward zero)."""
    return np.where(x >= 0, x >> bits, -((-x) >> bits))


def srdhm16(a, b) -> np.ndarray:
    """gemmlowp SaturatingRoundingDoublingHighMul for int16."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    q = wrap_int16(_truncating_div_pot(ab + nudge, 15))
    return np.where((a == INT16_MIN) & (b == INT16_MIN), INT16_MAX, q)


def sdhm16(a, b) -> np.ndarray:
    """SaturatingDoublingHighMul (hard_swish.h): the high half, truncated toward zero."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    q = wrap_int16(_truncating_div_pot(a * b, 15))
    return np.where((a == INT16_MIN) & (b == INT16_MIN), INT16_MAX, q)


def rdbpot16(x, exponent: int) -> np.ndarray:
    """gemmlowp RoundingDivideByPOT on int16 values, every step in int16 as in C."""
    x = np.asarray(x, np.int64)
    mask = int(wrap_int16((1 << exponent) - 1))
    remainder = wrap_int16(x & mask)
    threshold = wrap_int16((mask >> 1) + (x < 0))
    return wrap_int16((x >> exponent) + (remainder > threshold))


def saturating_left_shift16(x, amount: int) -> np.ndarray:
    return np.clip(np.asarray(x, np.int64) * (1 << amount), INT16_MIN, INT16_MAX)


def downscale_multiplier_to_int16(multiplier: int) -> int:
    """DownScaleInt32ToInt16Multiplier: round a Q31 multiplier to Q15."""
    rounding_offset = 1 << 15
    if multiplier >= (1 << 31) - 1 - rounding_offset:
        return INT16_MAX
    return (multiplier + rounding_offset) >> 16
