"""The int16 fixed-point pieces of TFLM's integer LSTM (8x8->16).

TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM kernel (micro/kernels/lstm_eval.{h,cc})
computes each gate as a FULLY_CONNECTED with an int16 output in Q3.12,
applies the int16 sigmoid / tanh of ``reference/integer_ops/logistic.h`` and
``tanh.h`` (a 256-entry table of sigmoid(i/24) in 0.16 format with linear
interpolation; tanh(x) = 2 sigmoid(2x) - 1 reuses it), and combines gates
with the int16 elementwise MUL of ``reference/integer_ops/mul.h`` and a
saturating int16 add. Those steps are here, vectorized over int64 arrays.
Requantization goes through ``arith.fixedpoint`` like every other op.
"""
from __future__ import annotations

import numpy as np

from ..arith import fixedpoint

INT16_MIN, INT16_MAX = -32768, 32767

# sigmoid(i / 24) for i = 0..255 in unsigned 0.16 fixed point: the values of
# TFLite's ``sigmoid_table_uint16`` (kernels/internal/common.h). They are not
# a plain rounding of the function (some entries are one above it), so they
# are data, not something to recompute.
SIGMOID_TABLE_UINT16 = np.array([
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
assert SIGMOID_TABLE_UINT16.size == 256


def _scaled_input(x: np.ndarray, multiplier: int, left_shift: int) -> np.ndarray:
    """The kernels' input step: a multiplier of 0 means "3 << shift, no shift"."""
    if multiplier == 0:
        multiplier, left_shift = 3 << left_shift, 0
    rounding = (1 << (left_shift - 1)) if left_shift > 0 else 0
    return (np.asarray(x, np.int64) * multiplier + rounding) >> left_shift


def _interpolate(a: np.ndarray, frac_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(saturated mask, table interpolation) of |input| with ``frac_bits`` fractional bits."""
    high = a >> frac_bits
    saturated = high >= 255
    index = np.minimum(high, 254)
    ua = SIGMOID_TABLE_UINT16[index]
    ub = SIGMOID_TABLE_UINT16[index + 1]
    frac = a & ((1 << frac_bits) - 1)
    return saturated, (ua << frac_bits) + frac * (ub - ua)


def logistic_int16(x, input_multiplier: int = 0, input_left_shift: int = 0) -> np.ndarray:
    """reference_integer_ops::Logistic on int16 (Q3.12 in, Q0.15 out with the defaults)."""
    v = _scaled_input(x, input_multiplier, input_left_shift)
    saturated, result = _interpolate(np.abs(v), 9)
    result = np.where(saturated, 0x7FFF << 10, result)
    result = np.where(v >= 0, result + (1 << 9), (1 << 25) - result + (1 << 9) - 1)
    return result >> 10


def tanh_int16(x, input_multiplier: int = 0, input_left_shift: int = 0) -> np.ndarray:
    """reference_integer_ops::Tanh on int16 (Q0.15 out)."""
    v = _scaled_input(x, input_multiplier, input_left_shift)
    saturated, result = _interpolate(np.abs(v), 8)
    result = np.where(saturated, 0xFFFF << 8, result)
    result = np.where(v >= 0, result - (1 << 23) + (1 << 7), -result + (1 << 23) + (1 << 7) - 1)
    return result >> 8


def lstm_tanh_int16(x, cell_state_scale_power: int) -> np.ndarray:
    """lstm_internal::Tanh: the int16 tanh of a value scaled 2^cell_state_scale_power."""
    left_shift = 15 + cell_state_scale_power - 3
    multiplier = 0
    if left_shift < 0:
        left_shift, multiplier = -left_shift, 3
    return tanh_int16(x, multiplier, left_shift)


def saturating_add_int16(a, b) -> np.ndarray:
    """lstm_internal::AddElementWise on int16: the int32 sum clamped to int16."""
    return np.clip(np.asarray(a, np.int64) + b, INT16_MIN, INT16_MAX)


class ElementwiseMul:
    """reference_integer_ops::MulElementwise of two symmetric int16 inputs.

    ``clamp(zp + MBQM(a * b, M, shift), lo, hi)`` with the multiplier of
    ``(double)s1 * (double)s2 / (double)s_out`` (CreateInterGateMulParams).
    """

    def __init__(self, scale1: float, scale2: float, out_scale: float, out_zero_point: int,
                 lo: int, hi: int, rounding: str):
        real = float(np.float32(scale1)) * float(np.float32(scale2)) / float(np.float32(out_scale))
        m, s = fixedpoint.quantize_multiplier(real, rounding)
        self.multiply = fixedpoint.ChannelMultiplier(m, s, rounding)
        self.zero_point, self.lo, self.hi = int(out_zero_point), lo, hi

    def __call__(self, a, b) -> np.ndarray:
        y = self.multiply(np.asarray(a, np.int64) * b) + self.zero_point
        return np.clip(y, self.lo, self.hi)
