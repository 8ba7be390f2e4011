"""The int16 fixed-point pieces of TFLM's integer LSTM (8x8->16 and 16x8->16).

TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM kernel (micro/kernels/lstm_eval.{h,cc})
computes each gate as a FULLY_CONNECTED with an int16 output in Q3.12,
applies the int16 sigmoid / tanh of ``reference/integer_ops/logistic.h`` and
``tanh.h`` (``lstm_internal::Sigmoid`` / ``Tanh``), and combines gates with
the int16 elementwise MUL of ``reference/integer_ops/mul.h`` and a saturating
int16 add. Both integer variants (int8 or int16 activations) share these
steps, vectorized over int64 arrays here. The table interpolation is
``arith.gemmlowp``'s (the one LOGISTIC and TANH use) and requantization goes
through ``arith.fixedpoint``, like every other op; this module only fixes the
LSTM's own parameters.
"""
from __future__ import annotations

import numpy as np

from ..arith import fixedpoint
from ..arith.gemmlowp import lut_input
from ..arith.gemmlowp import lut_input_int16
from ..arith.gemmlowp import lut_input_stage
from ..arith.gemmlowp import sigmoid_lut_int16
from ..arith.gemmlowp import tanh_lut_int16

INT16_MIN, INT16_MAX = -32768, 32767


def logistic_int16(x) -> np.ndarray:
    """lstm_internal::Sigmoid: the int16 Logistic with multiplier 0 and shift 0.

    A Q3.12 input (the gate FC outputs) to a Q0.15 output: the power-of-two
    input stage multiplies by 3, the table's units.
    """
    return sigmoid_lut_int16(lut_input_int16(x, 0, 0))


def lstm_tanh_stage(cell_state_scale_power: int) -> tuple[int, int]:
    """lstm_internal::Tanh's input stage, as (multiplier, right shift) for ``lut_input``.

    The left shift ``15 + power - 3``; a negative one becomes the multiplier 3 with
    the opposite (right) shift.
    """
    left_shift = 15 + cell_state_scale_power - 3
    multiplier = 0
    if left_shift < 0:
        left_shift, multiplier = -left_shift, 3
    return lut_input_stage(multiplier, left_shift)


def tanh_int16(x, stage: tuple[int, int]) -> np.ndarray:
    """The int16 tanh after the input stage ``stage`` (``lstm_tanh_stage``)."""
    return tanh_lut_int16(lut_input(x, *stage))


def lstm_tanh_int16(x, cell_state_scale_power: int) -> np.ndarray:
    """lstm_internal::Tanh: the int16 tanh of a value scaled 2^cell_state_scale_power.

    The cell gate calls this with power -12 (its Q3.12 input), the hidden update with
    the cell state's ``CheckedLog2`` power.
    """
    return tanh_int16(x, lstm_tanh_stage(cell_state_scale_power))


def saturating_add_int16(a, b) -> np.ndarray:
    """lstm_internal::AddElementWise on int16: the int32 sum clamped to int16."""
    return np.clip(np.asarray(a, np.int64) + b, INT16_MIN, INT16_MAX)


def inter_gate_multiplier(scale1: float, scale2: float, out_scale: float,
                          rounding: str) -> tuple[int, int]:
    """CreateInterGateMulParams: the multiplier of ``(double)s1 * (double)s2 / (double)s_out``."""
    real = float(np.float32(scale1)) * float(np.float32(scale2)) / float(np.float32(out_scale))
    return fixedpoint.quantize_multiplier(real, rounding)


class ElementwiseMul:
    """reference_integer_ops::MulElementwise of two symmetric int16 inputs.

    ``clamp(zp + MBQM(a * b, M, shift), lo, hi)`` with ``(M, shift)`` from
    ``inter_gate_multiplier``; ``lo, hi`` is the output type's range (int16 for the
    cell state, the activation type's for the hidden state).
    """

    def __init__(self, multiplier: int, shift: int, out_zero_point: int, lo: int, hi: int,
                 rounding: str):
        self.multiply = fixedpoint.ChannelMultiplier(multiplier, shift, rounding)
        self.zero_point, self.lo, self.hi = int(out_zero_point), lo, hi

    def __call__(self, a, b) -> np.ndarray:
        y = self.multiply(np.asarray(a, np.int64) * b) + self.zero_point
        return np.clip(y, self.lo, self.hi)
