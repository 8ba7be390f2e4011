"""TFLM's (and LiteRT's) generated lookup tables, and the int16 tables' interpolation.

``lut_populate_8bit`` is the 256-entry table of an int8 or uint8 function
(TFLM's ``PopulateLookupTable``, LiteRT's ``LUTPopulate<int8_t / uint8_t>``): each
input value dequantized, transformed and requantized in float32. The rest of this
module is about the interpolated int16 tables.

Some int16 kernels (SOFTMAX's exponential and reciprocal) evaluate a
function through a table that ``Prepare`` fills with ``gen_lut`` and that
``LUTLookup`` interpolates linearly (``kernels/internal/common.h``). These are
not the fixed sigmoid table of int16 LOGISTIC/TANH (see :mod:`.gemmlowp`).

``gen_lut`` (the float template TFLM instantiates with ``float``): the input
range ``[input_min, input_max]`` is cut into 512 steps (int16 input). Every
quantity is a float32 computed as in C, one IEEE operation at a time (x86-64
evaluates float in SSE registers, without contraction into FMA). Entry ``i``
is the function at the step's left end, scaled by
``65536 / (output_max - output_min)`` and rounded half away from zero, minus
a bias: half the difference (rounded) between the linear interpolation of
the step's two ends and the function at its midpoint, both rounded, so that
interpolating the table errs on both sides instead of one. The extra entry
512 is the function at ``input_max``; it is only the right end of the last
interval. Entries are clamped to int16.

``lut_lookup_int16``: an int16 ``value`` selects entry ``256 + (value >> 7)``
and interpolates towards the next one by ``value & 127`` 128ths, rounding
half up. The slope is formed in int16 and the sum converted back to int16,
both with two's-complement wrap-around, as the C casts do.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .fixedpoint import round_half_away
from .float_math import float_to_int32
from .gemmlowp import count_leading_zeros_u32
from .gemmlowp import wrap_int16

INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1
INT16_LUT_STEPS = 512          # steps of an int16-input table
INT16_LUT_SIZE = INT16_LUT_STEPS + 1


def lut_populate_8bit(transform: Callable[[np.ndarray], np.ndarray], q: np.ndarray,
                      input_scale: float, input_zero_point: int, output_scale: float,
                      output_zero_point: int, lo: int, hi: int,
                      saturate: bool = False) -> np.ndarray:
    """The table entry of each 8-bit input value ``q`` (int64), in float32 as in C::

        y = clamp((int32)(round(transform(s_in * (float)(q - zp_in)) * (1 / s_out))
                          + (float)zp_out), lo, hi)

    (``round`` half away from zero). The conversion of a value outside int32 is
    undefined in C: TFLM's build gives x86's INT32_MIN (so +inf maps to ``lo``), and
    so does LiteRT's uint8 table; LiteRT's int8 table saturates it (``saturate``:
    +inf maps to ``hi``; both measured).
    ``transform`` maps a float32 array to a float32 array.
    """
    s_in, s_out = np.float32(input_scale), np.float32(output_scale)
    inverse_scale = np.float32(1) / s_out
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        dequantized = s_in * (np.asarray(q, np.int64) - input_zero_point).astype(np.float32)
        rescaled = round_half_away(transform(dequantized) * inverse_scale)
        shifted = rescaled + np.float32(output_zero_point)
        quantized = float_to_int32(np.clip(shifted, lo, hi) if saturate else shifted)
    return np.clip(quantized, lo, hi)


def lut_populate_int16(transform: Callable[[np.ndarray], np.ndarray], input_scale: float,
                       input_zero_point: int, output_scale: float,
                       output_zero_point: int) -> np.ndarray:
    """LiteRT's ``LUTPopulate<int16_t>`` (float32): ``gen_lut_int16`` over the real ranges
    the input and output types span. The output zero point takes no part in the lookup
    (LiteRT requires it to be 0 for int16)."""
    f32 = np.float32
    s_in, s_out = f32(input_scale), f32(output_scale)
    return gen_lut_int16(transform, s_in * f32(INT16_MIN - input_zero_point),
                         s_in * f32(INT16_MAX - input_zero_point),
                         s_out * f32(INT16_MIN - output_zero_point),
                         s_out * f32(INT16_MAX - output_zero_point))


def gen_lut_int16(func: Callable[[np.ndarray], np.ndarray], input_min: float, input_max: float,
                  output_min: float, output_max: float) -> np.ndarray:
    """``gen_lut<float, int16_t, int16_t>``: the 513-entry table, as int64 values.

    ``func`` maps a float32 array to a float32 array, elementwise, as the C
    lambda does for one float (e.g. :func:`interpreter.arith.float_math.expf`).
    """
    f32 = np.float32
    lo, hi = f32(input_min), f32(input_max)
    step = (hi - lo) / f32(INT16_LUT_STEPS)
    half_step = step / f32(2)
    scaling_inv = f32(INT16_MAX - INT16_MIN + 1) / (f32(output_max) - f32(output_min))
    i = np.arange(INT16_LUT_STEPS, dtype=np.float32)
    left = lo + i * step                      # input_min + i * step
    mid = left + half_step                    # input_min + i * step + half_step
    right = lo + (i + f32(1)) * step          # input_min + (i + 1) * step

    def call(x: np.ndarray) -> np.ndarray:
        return np.asarray(func(x.astype(np.float32)), dtype=np.float32)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        val, val_mid, val_next = call(left), call(mid), call(right)
        sample = round_half_away(val * scaling_inv)
        interp_mid = round_half_away((val_next * scaling_inv + sample) / f32(2))
        exact_mid = round_half_away(val_mid * scaling_inv)
        bias = round_half_away((interp_mid - exact_mid) / f32(2))
        entries = np.clip(sample - bias, f32(INT16_MIN), f32(INT16_MAX))
        last = np.clip(round_half_away(call(np.array([hi], dtype=np.float32)) * scaling_inv),
                       f32(INT16_MIN), f32(INT16_MAX))
    # static_cast<int16_t> of an in-range (clamped) float. NaN passes the clamp (an infinite
    # sample minus an infinite bias, in LiteRT's tables of EXP for large inputs): x86
    # converts it to 0x80000000, whose low 16 bits are 0
    table = np.concatenate([entries, last])
    return np.where(np.isnan(table), f32(0), table).astype(np.int64)


def lut_lookup_int16(value, lut: np.ndarray) -> np.ndarray:
    """``LUTLookup(int16_t, const int16_t*)``: linear interpolation in a 513-entry table."""
    v = np.asarray(value, dtype=np.int64)
    index = 256 + (v >> 7)
    offset = v & 0x7F
    base = lut[index]
    slope = wrap_int16(lut[index + 1] - base)
    delta = (slope * offset + 64) >> 7
    return wrap_int16(base + delta)


def round_half_up_shift(x, shift) -> np.ndarray:
    """``(x + (1 << (shift - 1))) >> shift`` in 64 bits: round half up (towards +inf).

    This is the rounding of the int16 LUT kernels; for negative ties it differs
    from :func:`.fixedpoint.rounding_divide_by_pot` (half away from zero).
    ``shift`` must be at least 1.
    """
    x = np.asarray(x, dtype=np.int64)
    s = np.asarray(shift, dtype=np.int64)
    return (x + (np.int64(1) << (s - 1))) >> s


def clamp_to_int16(x) -> np.ndarray:
    """``std::min(std::max(x, -32768), 32767)`` on int32 values."""
    return np.clip(np.asarray(x, dtype=np.int64), INT16_MIN, INT16_MAX)


def reciprocal_int16_lut(sum_of_exps, one_over_one_plus_x_lut: np.ndarray):
    """int16 SOFTMAX's ``1 / sum``: (Q0.15 reciprocal, right shift), for int32 sums > 0.

    The sum is normalized to ``[2^30, 2^31)`` by its leading zeros
    (``headroom_plus_one``), rounded to 17 bits (``[2^16, 2^17]`` standing for
    ``[1, 2]``), re-centred from ``1 + x`` to ``x`` in int16 and looked up in
    the ``1 / (1 + x)`` table. Multiplying an exponential by the reciprocal and
    shifting right by ``31 - headroom_plus_one`` (``round_half_up_shift``)
    gives the Q0.15 probability.
    """
    s = np.asarray(sum_of_exps, dtype=np.int64)
    headroom_plus_one = count_leading_zeros_u32(s)
    shifted_sum = round_half_up_shift(s << (headroom_plus_one - 1), 14)
    sym_shifted_sum = clamp_to_int16(shifted_sum - ((1 << 15) + (1 << 16)))
    reciprocal = lut_lookup_int16(sym_shifted_sum, one_over_one_plus_x_lut)
    return reciprocal, 31 - headroom_plus_one
