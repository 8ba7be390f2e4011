"""The int64-input MultiplyByQuantizedMultiplier (arith/fixedpoint.py), which
TFLM's 16x8 kernels requantize with.

Checked against an independent model of the C function written with Python
integers (int64 wrap-around made explicit), on hand-worked values, on the
multiplier saturation at 0x7FFF0000, on per-channel broadcasting, and on the
identity with the 32-bit overload's single-rounding form when the multiplier
needs no reduction. The kernels that use it (BATCH_MATMUL int16, the 16x8
convolutions) are compared with TFLM in their own test files.
"""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from interpreter.arith.fixedpoint import INT32_MAX
from interpreter.arith.fixedpoint import SINGLE
from interpreter.arith.fixedpoint import multiply_by_quantized_multiplier
from interpreter.arith.fixedpoint import multiply_by_quantized_multiplier_int64
from interpreter.arith.fixedpoint import quantize_multiplier
from interpreter.arith.fixedpoint import reduce_multiplier_int64

mbqm64 = multiply_by_quantized_multiplier_int64


def wrap(value: int, bits: int) -> int:
    """Two's-complement truncation of a Python integer to ``bits`` bits."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def c_mbqm64(x: int, multiplier: int, shift: int) -> int:
    """The C function, statement by statement, in Python integers."""
    reduced = (multiplier + (1 << 15)) >> 16 if multiplier < 0x7FFF0000 else 0x7FFF
    total_shift = 15 - shift
    result = wrap(x * reduced + (1 << (total_shift - 1)), 64)
    return wrap(result >> total_shift, 32)


multipliers = st.one_of(st.integers(0, INT32_MAX),
                        st.integers(0x7FFF0000 - 4, INT32_MAX),   # around the saturation
                        st.integers(1 << 30, INT32_MAX))          # what QuantizeMultiplier makes
shifts = st.integers(-31, 7)
xs47 = st.integers(-(1 << 47), (1 << 47) - 1)                     # the documented input range


def test_hand_worked():
    # M = 2^30 (0.5): rm = 2^14; shift 0: (x * 2^14 + 2^14) >> 15 = round-half-up of x / 2
    assert mbqm64(3, 1 << 30, 0) == 2
    assert mbqm64(-3, 1 << 30, 0) == -1          # halves round up, not away from zero
    assert mbqm64(-5, 1 << 30, 0) == -2
    assert mbqm64(1000, 1 << 30, -3) == 63       # 1000 / 16 = 62.5 -> 63
    assert mbqm64(-1000, 1 << 30, -3) == -62     # -62.5 -> -62
    assert mbqm64(7, 1 << 30, 2) == 14           # 7 * 0.5 * 4
    assert mbqm64(0, 123456789, 5) == 0


def test_multiplier_reduction_and_saturation():
    assert reduce_multiplier_int64(0x7FFEFFFF) == 0x7FFF
    assert reduce_multiplier_int64(0x7FFF0000) == 0x7FFF     # would round to 0x8000
    assert reduce_multiplier_int64(INT32_MAX) == 0x7FFF
    assert reduce_multiplier_int64((1 << 30) + (1 << 15) - 1) == 1 << 14
    assert reduce_multiplier_int64((1 << 30) + (1 << 15)) == (1 << 14) + 1
    # a saturated multiplier scales by 0x7FFF / 2^15, just under 1
    assert mbqm64(1 << 20, INT32_MAX, 0) == ((1 << 20) * 0x7FFF + (1 << 14)) >> 15


def test_differs_from_the_int32_overload():
    """The 16-bit multiplier loses precision: the overloads are not interchangeable."""
    m, s = quantize_multiplier(0.3)
    x = np.arange(-(1 << 20), 1 << 20, 997, dtype=np.int64)
    assert not np.array_equal(mbqm64(x, m, s), multiply_by_quantized_multiplier(x, m, s))


def test_equals_single_rounding_int32_form_for_16_bit_multipliers():
    """With M a multiple of 2^16 nothing is lost in the reduction: the result is the
    single-rounding 32-bit MBQM's ``(x*M + 2^(30-s)) >> (31-s)``."""
    x = np.arange(-(1 << 24), 1 << 24, 4099, dtype=np.int64)
    for m in (1 << 30, 0x5A5A0000, 0x7FFE0000):
        for s in (-20, -7, 0, 3):
            assert np.array_equal(mbqm64(x, m, s),
                                  multiply_by_quantized_multiplier(x, m, s, SINGLE))


@settings(max_examples=2000, deadline=None)
@given(xs47, multipliers, shifts)
def test_matches_c_model(x, m, s):
    assert int(mbqm64(x, m, s)) == c_mbqm64(x, m, s)


@settings(max_examples=300, deadline=None)
@given(st.integers(-(1 << 63), (1 << 63) - 1), multipliers, shifts)
def test_wraps_like_c_outside_the_documented_range(x, m, s):
    assert int(mbqm64(x, m, s)) == c_mbqm64(x, m, s)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(multipliers, shifts), min_size=1, max_size=6),
       st.integers(1, 5), st.integers(0, 2 ** 32 - 1))
def test_vectorized_per_channel(channels, rows, seed):
    """Per-channel arrays broadcast along the last axis, element by element as the C loop."""
    m = np.array([c[0] for c in channels], np.int64)
    s = np.array([c[1] for c in channels], np.int64)
    rng = np.random.default_rng(seed)
    x = rng.integers(-(1 << 47), 1 << 47, size=(rows, len(channels)), dtype=np.int64)
    y = mbqm64(x, m, s)
    assert y.shape == x.shape and y.dtype == np.int64
    expected = [[c_mbqm64(int(x[r, c]), int(m[c]), int(s[c])) for c in range(len(channels))]
                for r in range(rows)]
    assert y.tolist() == expected
    # scalar inputs give 0-d results
    assert np.asarray(mbqm64(int(x[0, 0]), int(m[0]), int(s[0]))).shape == ()
