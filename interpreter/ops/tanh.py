"""TANH.

int8 (``micro/kernels/tanh.cc``, ``reference/integer_ops/tanh.h``): the input
is rescaled to Q4.27 (see ``unary.Q4InputScaling``), gemmlowp's fixed-point
``tanh`` gives Q0.31, and the output is ``clamp(RDBPOT(y, 24))``. TFLM checks
neither the output scale nor its zero point: the result is always in units
of 1/128 around 0. The function is tabulated for the 256 inputs in prepare.

``semantics="tflite"``: LiteRT's int8 kernel (reference kernels too) is a
256-entry table built in float32 by ``LUTPopulate`` with ``tanhf`` (see
``elu.float_lookup_table``): no saturation radius, and the output tensor's
scale and zero point are used. Its uint8 kernel (TFLM has none) is the same table
over [0, 255].

int16 (``tanh.cc``, the int16 ``reference_integer_ops::Tanh``): both zero
points 0, output scale 2^-15; the input is brought to the table's units (see
``unary.Int16LutScaling``; 2^-12 and 2^-11, within CheckedLog2's tolerance,
count as powers of two here) and
``gemmlowp.tanh_lut_int16`` interpolates TFLM's sigmoid table
(tanh(x) = 2 sigmoid(2x) - 1). Tabulated for the 65536 inputs in prepare.

float32 (``reference/tanh.h``): the C library's ``tanhf``.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import rounding_divide_by_pot
from ..arith.float_math import tanhf
from ..arith.gemmlowp import tanh
from ..arith.gemmlowp import tanh_lut_int16
from .lut_activation import LutActivation
from .registry import register
from .unary import INPUT_INTEGER_BITS
from .unary import Q4InputScaling

OUTPUT_FRACTIONAL_BITS = 7
# input scales 2^(shift - 12) that TANH's Prepare takes as powers of two
POT_LEFT_SHIFTS = (0, 1)


def tanh_int8(x: np.ndarray, scaling: Q4InputScaling, rounding: str) -> np.ndarray:
    q4, low, high = scaling.apply(x, rounding)
    y = rounding_divide_by_pot(tanh(q4, INPUT_INTEGER_BITS), 31 - OUTPUT_FRACTIONAL_BITS)
    y = np.clip(y, -128, 127)
    return np.where(low, -128, np.where(high, 127, y))


@register("TANH")
class Tanh(LutActivation):
    pot_left_shifts = POT_LEFT_SHIFTS
    lut_int16 = staticmethod(tanh_lut_int16)
    q4_int8 = staticmethod(tanh_int8)
    float32 = staticmethod(tanhf)
    litert_transform = staticmethod(tanhf)
