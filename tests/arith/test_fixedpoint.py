"""Hand-worked cases for the fixed-point primitives (arith/fixedpoint.py),
gemmlowp's transcendental functions (arith/gemmlowp.py) and the float helpers
(arith/float_math.py).

The op tests compare whole kernels with TFLM; these pin down the primitives
on cases small enough to check by hand, plus properties against an
independent exact (Python integer / Fraction) model of the C code.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from single_op import seeds

from interpreter.arith import fixedpoint
from interpreter.arith import float_math
from interpreter.arith import gemmlowp
from interpreter.arith.fixedpoint import INT32_MAX
from interpreter.arith.fixedpoint import INT32_MIN
from interpreter.arith.fixedpoint import ChannelMultiplier
from interpreter.arith.fixedpoint import multiply_by_quantized_multiplier
from interpreter.arith.fixedpoint import quantize_multiplier
from interpreter.arith.fixedpoint import round_half_away
from interpreter.arith.fixedpoint import rounding_divide_by_pot
from interpreter.arith.fixedpoint import saturating_rounding_doubling_high_mul
from interpreter.arith.fixedpoint import wrap_int32

srdhm = saturating_rounding_doubling_high_mul
rdbpot = rounding_divide_by_pot
int32s = st.integers(INT32_MIN, INT32_MAX)


# -- SaturatingRoundingDoublingHighMul -------------------------------------------

def test_srdhm_saturates_only_min_times_min():
    assert srdhm(INT32_MIN, INT32_MIN) == INT32_MAX
    # INT32_MIN * (INT32_MIN + 1) = 2^62 - 2^31: high half 2^31 - 1, no saturation needed
    assert srdhm(INT32_MIN, INT32_MIN + 1) == INT32_MAX
    assert srdhm(INT32_MIN, INT32_MAX) == -INT32_MAX


def test_srdhm_products():
    assert srdhm(1 << 30, 1 << 30) == 1 << 29            # 0.5 * 0.5 = 0.25
    # (2^31-1)^2 / 2^31 = 2^31 - 2 + (2^30 + 1) / 2^31: rounds down to 2^31 - 2
    assert srdhm(INT32_MAX, INT32_MAX) == INT32_MAX - 1
    assert srdhm(0, INT32_MIN) == 0


def test_srdhm_ties_round_toward_plus_infinity():
    # 1 * 0.5 = 0.5 LSB: the nudge 2^30 makes it 1; -0.5 LSB: nudge 1 - 2^30, then C's
    # truncating division gives 0. So halves go up, for both signs.
    assert srdhm(1, 1 << 30) == 1
    assert srdhm(-1, 1 << 30) == 0
    assert srdhm(3, 1 << 30) == 2     # 1.5 -> 2
    assert srdhm(-3, 1 << 30) == -1   # -1.5 -> -1


@given(int32s, int32s)
def test_srdhm_is_floor_of_product_plus_half(a, b):
    expected = INT32_MAX if a == b == INT32_MIN else (a * b + (1 << 30)) >> 31
    assert srdhm(a, b) == expected


# -- RoundingDivideByPOT ---------------------------------------------------------

@pytest.mark.parametrize("x, e, expected", [
    (5, 1, 3), (-5, 1, -3),      # 2.5 -> 3, -2.5 -> -3: halves away from zero
    (3, 1, 2), (-3, 1, -2),
    (6, 2, 2), (-6, 2, -2),      # 1.5 -> 2, -1.5 -> -2
    (5, 2, 1), (-5, 2, -1),      # 1.25 -> 1
    (7, 2, 2), (-7, 2, -2),      # 1.75 -> 2
    (-4, 1, -2), (0, 5, 0),
    (123, 0, 123), (-123, 0, -123),
    (INT32_MIN, 31, -1), (INT32_MAX, 31, 1),
])
def test_rdbpot_hand_worked(x, e, expected):
    assert rdbpot(x, e) == expected


@given(int32s, st.integers(0, 31))
def test_rdbpot_is_round_half_away(x, e):
    q = Fraction(x, 1 << e)
    expected = math.floor(abs(q) + Fraction(1, 2)) * (1 if q >= 0 else -1)
    assert rdbpot(x, e) == expected


# -- MultiplyByQuantizedMultiplier ------------------------------------------------

def test_mbqm_positive_shift_shifts_first():
    assert multiply_by_quantized_multiplier(3, 1 << 30, 2) == 6          # 3 * 0.5 * 4
    # the left shift wraps in int32 before the multiply, as x * (1 << shift) does in C
    assert multiply_by_quantized_multiplier(1 << 30, 1 << 30, 1) == -(1 << 30)


def test_mbqm_negative_shift_rounds_twice():
    assert multiply_by_quantized_multiplier(100, 1 << 30, -3) == 6      # 50 / 8 = 6.25
    assert multiply_by_quantized_multiplier(-100, 1 << 30, -3) == -6
    assert multiply_by_quantized_multiplier(-20, 1 << 30, -2) == -3     # -10 / 4 = -2.5 -> -3


def test_single_and_double_rounding_differ():
    # x * M * 2^shift = 1 * 0.5 * 0.5 = 0.25
    # double: SRDHM(1, 2^30) = 1 (0.5 rounds up), then RDBPOT(1, 1) = 1 (0.5 rounds away)
    # single: (1 * 2^30 + 2^31) >> 32 = 0 (0.25 rounds to 0, correctly)
    assert multiply_by_quantized_multiplier(1, 1 << 30, -1, "double") == 1
    assert multiply_by_quantized_multiplier(1, 1 << 30, -1, "single") == 0


def _exact_double_rounding(x, m, shift):
    left, right = max(shift, 0), max(-shift, 0)
    y = int(wrap_int32(x << left))
    high = INT32_MAX if y == m == INT32_MIN else (y * m + (1 << 30)) >> 31
    q = Fraction(high, 1 << right)
    return math.floor(abs(q) + Fraction(1, 2)) * (1 if q >= 0 else -1)


@given(st.integers(-(1 << 20), 1 << 20), st.integers(1 << 30, INT32_MAX), st.integers(-31, 10))
def test_mbqm_double_matches_exact_model(x, m, shift):
    expected = _exact_double_rounding(x, m, shift)
    assert multiply_by_quantized_multiplier(x, m, shift, "double") == expected


@given(st.integers(-(1 << 20), 1 << 20), st.integers(1 << 30, INT32_MAX), st.integers(-31, 10))
def test_mbqm_single_is_one_rounding(x, m, shift):
    total = 31 - shift
    assert multiply_by_quantized_multiplier(x, m, shift, "single") == \
        (x * m + (1 << (total - 1))) >> total


def test_mbqm_single_result_leaving_int32_wraps_like_the_cast():
    # TFLM's single-rounding MBQM returns static_cast<int32_t> of its int64 result (the
    # range DCHECK is off in release builds), as the C kernels' tnn_requantize does
    x, m, shift = 100_000, 1 << 30, 20                     # 100000 * 2^19 = 2^35.6
    exact = (x * m + (1 << 10)) >> 11
    assert exact > INT32_MAX
    assert multiply_by_quantized_multiplier(x, m, shift, "single") == wrap_int32(exact)
    assert multiply_by_quantized_multiplier(x, m, shift, "single") == \
        ChannelMultiplier(m, shift, "single")(x)


def test_mbqm_broadcasts_per_channel():
    x = np.array([[10, 10], [-10, -10]])
    got = multiply_by_quantized_multiplier(x, np.array([1 << 30, 1 << 30]), np.array([0, -1]))
    assert got.tolist() == [[5, 3], [-5, -3]]


@settings(max_examples=300, deadline=None)
@given(reals=st.lists(st.floats(-45, 30.99).map(lambda e: 2.0 ** e), min_size=1, max_size=6),
       rounding=st.sampled_from(fixedpoint.ROUNDING_MODES), seed=seeds)
def test_channel_multiplier_equals_mbqm(reals, rounding, seed):
    """The Requantizer's precomputed MBQM (fixedpoint.ChannelMultiplier) is bit-identical to
    multiply_by_quantized_multiplier over the whole int32 range, as the C cast wraps it."""
    m, s = fixedpoint.quantize_multipliers(reals, rounding)
    rng = np.random.default_rng(seed)
    extremes = np.array([fixedpoint.INT32_MIN, fixedpoint.INT32_MIN + 1, -1, 0, 1,
                         fixedpoint.INT32_MAX - 1, fixedpoint.INT32_MAX])
    x = np.concatenate([
        rng.integers(fixedpoint.INT32_MIN, fixedpoint.INT32_MAX, (64, len(reals)),
                     endpoint=True),
        rng.integers(-5000, 5000, (64, len(reals))),
        np.repeat(extremes[:, None], len(reals), axis=1)])
    expected = fixedpoint.wrap_int32(
        fixedpoint.multiply_by_quantized_multiplier(x, m, s, rounding))
    assert np.array_equal(fixedpoint.ChannelMultiplier(m, s, rounding)(x), expected)


# -- QuantizeMultiplier -------------------------------------------------------------

@pytest.mark.parametrize("real, expected", [
    (0.0, (0, 0)),
    (1.0, (1 << 30, 1)),
    (0.5, (1 << 30, 0)),
    (0.3, (1288490189, -1)),           # frexp: 0.6 * 2^-1; round(0.6 * 2^31) = 1288490189
    (-0.5, (-(1 << 30), 0)),
    (1 - 2 ** -33, (1 << 30, 1)),      # round(q * 2^31) = 2^31: halved, shift + 1
    (2 ** -32, (1 << 30, -31)),        # smallest representable: shift -31
    (2 ** -33, (0, 0)),                # shift -32: flushed to zero
    (2 ** -40, (0, 0)),
])
def test_quantize_multiplier(real, expected):
    assert quantize_multiplier(real) == expected


def test_quantize_multiplier_single_rounding_caps_shift_at_30():
    assert quantize_multiplier(2.0 ** 31, "single") == (INT32_MAX, 30)
    assert quantize_multiplier(2.0 ** 29, "single") == (1 << 30, 30)


def test_quantize_multiplier_refuses_what_no_requantization_can_apply():
    """TFLM's double-rounding QuantizeMultiplier returns shifts above 31 for reals of 2^31
    and more, which MultiplyByQuantizedMultiplier's left shift cannot apply (undefined in
    C); NaN and inf have no multiplier at all. A model's prepare then fails, naming the op."""
    assert quantize_multiplier(2.0 ** 31 - 2.0 ** 7, "double") == ((1 << 31) - (1 << 7), 31)
    for real in (2.0 ** 31, 1e30, float("inf"), float("nan")):
        with pytest.raises(fixedpoint.InvalidMultiplier):
            quantize_multiplier(real, "double")


@given(st.floats(2 ** -31, 2 ** 20))
def test_quantize_multiplier_represents_the_real(real):
    m, shift = quantize_multiplier(real)
    assert (1 << 30) <= m < (1 << 31)
    assert abs(m * 2.0 ** (shift - 31) - real) <= real * 2 ** -31


# -- gemmlowp fixed-point functions ---------------------------------------------------

Q31 = 2.0 ** 31


def test_exp_on_negative_values_anchors():
    assert gemmlowp.exp_on_negative_values(0, 5) == INT32_MAX        # exp(0) = 1, saturated
    # exp(-1) in Q5.26 input: 1/4 from the Taylor series, 3/4 from two barrel-shifter steps
    assert abs(gemmlowp.exp_on_negative_values(-(1 << 26), 5) - math.exp(-1) * Q31) < 500
    # below -32 (integer bits > 5) the result is clamped to 0
    assert gemmlowp.exp_on_negative_values(-(1 << 30) - 1, 6) == 0


def test_exp_on_negative_values_accuracy():
    x = -np.arange(0, 32 << 26, 1 << 20, dtype=np.int64)        # [-32, 0] in Q5.26
    got = gemmlowp.exp_on_negative_values(x, 5)
    assert np.max(np.abs(got - np.exp(x / 2.0 ** 26) * Q31)) < 1000   # ~5e-7 relative
    assert np.all(np.diff(got) <= 0)                            # monotone in |x|


def test_one_over_one_plus_x():
    assert gemmlowp.one_over_one_plus_x_for_x_in_0_1(0) == INT32_MAX
    assert abs(gemmlowp.one_over_one_plus_x_for_x_in_0_1(1 << 30) - Q31 * 2 / 3) < 8
    a = np.arange(0, 1 << 31, 1 << 21, dtype=np.int64)
    expected = Q31 / (1 + a / Q31)
    assert np.max(np.abs(gemmlowp.one_over_one_plus_x_for_x_in_0_1(a) - expected)) < 8


def test_one_minus_x_over_one_plus_x():
    a = np.arange(0, 1 << 31, 1 << 21, dtype=np.int64)
    expected = Q31 * (1 - a / Q31) / (1 + a / Q31)
    assert np.max(np.abs(gemmlowp.one_minus_x_over_one_plus_x_for_x_in_0_1(a) - expected)) < 16


def test_logistic_and_tanh_symmetries():
    assert gemmlowp.logistic(0, 4) == 1 << 30
    assert gemmlowp.tanh(0, 4) == 0
    a = np.arange(1, 8 << 27, 1 << 19, dtype=np.int64)         # (0, 8) in Q4.27
    # logistic(-a) is computed as One - logistic(a); tanh(-a) as -tanh(a)
    assert np.array_equal(gemmlowp.logistic(a, 4) + gemmlowp.logistic(-a, 4),
                          np.full(a.shape, INT32_MAX))
    assert np.array_equal(gemmlowp.tanh(-a, 4), -gemmlowp.tanh(a, 4))


def test_logistic_and_tanh_accuracy():
    a = np.arange(-8 << 27, 8 << 27, 1 << 20, dtype=np.int64)
    real = a / 2.0 ** 27
    assert np.max(np.abs(gemmlowp.logistic(a, 4) - Q31 / (1 + np.exp(-real)))) < 300
    assert np.max(np.abs(gemmlowp.tanh(a, 4) - Q31 * np.tanh(real))) < 600


def test_count_leading_zeros():
    values = np.array([0, 1, 2, 3, 1 << 19, (1 << 31) - 1, 1 << 31, 0xFFFFFFFF])
    assert gemmlowp.count_leading_zeros_u32(values).tolist() == [32, 31, 30, 30, 12, 1, 0, 0]


def test_get_reciprocal():
    # 1.0 in Q12.19: no bits over unit, 1/1 = One
    scale, bits = gemmlowp.get_reciprocal(np.array([1 << 19]), 12)
    assert (scale.tolist(), bits.tolist()) == ([INT32_MAX], [0])
    # 3.0 in Q12.19 = 1.5 * 2^1: one bit over unit, scale = 1/1.5 in Q0.31
    scale, bits = gemmlowp.get_reciprocal(np.array([3 << 19]), 12)
    assert bits.tolist() == [1] and abs(int(scale[0]) - Q31 * 2 / 3) < 8


def test_calculate_input_radius():
    assert gemmlowp.calculate_input_radius(5, 24) == 124     # floor(31 * 2^26 / 2^24)
    assert gemmlowp.calculate_input_radius(4, 26, 31) == 30  # floor(15 * 2^27 / 2^26)
    assert gemmlowp.calculate_input_radius(4, 31, 31) == 0   # floor(15/16): every input saturates


def test_preprocess_softmax_scaling():
    # beta * s * 2^26 = 2^18: multiplier 0.5 * 2^19
    assert gemmlowp.preprocess_softmax_scaling(1.0, 1 / 256, 5, "double") == (1 << 30, 19)
    # a huge product is capped: at 2^31 - 1 (double rounding) or 2^30 - 1 (single rounding)
    assert gemmlowp.preprocess_softmax_scaling(100.0, 100.0, 5, "double") == (INT32_MAX, 31)
    assert gemmlowp.preprocess_softmax_scaling(100.0, 100.0, 5, "single") == (INT32_MAX - 1, 30)
    # QuantizeMultiplierGreaterThanOne would abort TFLM for a product <= 1
    assert gemmlowp.preprocess_softmax_scaling(1.0, 2.0 ** -26, 5, "double") is None


def test_saturating_rounding_multiply_by_pot():
    x = np.array([1 << 29, -(1 << 29), (1 << 29) - 1, 5, -5])
    assert gemmlowp.saturating_rounding_multiply_by_pot(x, 2).tolist() == \
        [INT32_MAX, INT32_MIN, ((1 << 29) - 1) * 4, 20, -20]
    assert gemmlowp.saturating_rounding_multiply_by_pot(x, -1).tolist() == \
        [1 << 28, -(1 << 28), 1 << 28, 3, -3]


def test_rounding_half_sum_truncates_after_nudge():
    assert gemmlowp.rounding_half_sum(1, 2).tolist() == 2        # (3 + 1) / 2
    assert gemmlowp.rounding_half_sum(-1, -2).tolist() == -2     # (-3 - 1) / 2
    assert gemmlowp.rounding_half_sum(INT32_MAX, INT32_MAX).tolist() == INT32_MAX


# -- float helpers ---------------------------------------------------------------------

def test_round_half_away_exact():
    x = np.array([0.49999997, 0.5, -0.5, 1.5, 2.5, -2.5, 8388609.0, -8388609.0, np.inf],
                 np.float32)
    assert round_half_away(x).tolist() == [0, 1, -1, 2, 3, -3, 8388609, -8388609, np.inf]
    assert round_half_away(x).dtype == np.float32


def test_float_to_int32_as_x86_converts():
    x = np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, 2147483520.0, -2147483648.0, -1.7, 1.7],
                 np.float32)
    assert float_math.float_to_int32(x).tolist() == [
        INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN, 2147483520, INT32_MIN, -1, 1]


def _libm(name):
    path = ctypes.util.find_library("m")
    if path is None:
        pytest.skip("no C math library to compare with")
    fn = getattr(ctypes.CDLL(path), name)
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return fn


def test_expf_equals_the_c_library_bit_for_bit():
    libm_expf = _libm("expf")
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-110, 90, 20000), rng.uniform(-12, 0, 20000),
                        [0.0, -0.0, np.inf, -np.inf, np.nan, 88.72, 88.73, -103.9, -104.0]])
    x = x.astype(np.float32)
    expected = np.array([libm_expf(v) for v in x.tolist()], np.float32)
    assert float_math.expf(x).tobytes() == expected.tobytes()


def test_tanhf_equals_the_c_library():
    libm_tanhf = _libm("tanhf")
    x = np.random.default_rng(1).normal(0, 4, 2000).astype(np.float32)
    expected = np.array([libm_tanhf(v) for v in x.tolist()], np.float32)
    assert float_math.tanhf(x).tobytes() == expected.tobytes()


@settings(max_examples=50)
@given(st.floats(-100, 88, width=32))
def test_expf_close_to_exact(v):
    got = float(float_math.expf(np.array([v], np.float32))[0])
    assert got == pytest.approx(math.exp(v), rel=2e-7, abs=1e-44)
