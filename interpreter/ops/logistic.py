"""LOGISTIC (sigmoid).

int8 (``micro/kernels/logistic_common.cc``, ``reference/integer_ops/logistic.h``):
the input is rescaled to Q4.27 (see ``unary.Q4InputScaling``), gemmlowp's
fixed-point ``logistic`` gives Q0.31, and the output is
``clamp(RDBPOT(y, 23) - 128)``. TFLM requires output zero point -128 but does
not check the output scale: the result is always in units of 1/256. The
function is tabulated for the 256 inputs in prepare.

``semantics="tflite"``: LiteRT's int8 and uint8 kernels (reference kernels too)
are a 256-entry table built in float32 by ``LUTPopulate`` with the transform
``1.f / (1.f + expf(-x))`` (see ``elu.float_lookup_table``), so they have no
saturation radius and use the output tensor's zero point, any of them; their
Prepare (``activations.cc`` ``SigmoidPrepare``) requires the output scale to be
exactly 1/256 instead.

int16 (``logistic_common.cc``, the int16 ``reference_integer_ops::Logistic``):
both zero points 0, output scale 2^-15; the input is brought to units of
1/12288 (see ``unary.Int16LutScaling``; only 2^-12, within CheckedLog2's
tolerance, counts as a power of two here: 2^-11 does not, unlike in TANH)
and ``gemmlowp.sigmoid_lut_int16`` interpolates TFLM's sigmoid table.
Tabulated for the 65536 inputs in prepare.

float32 (``reference/logistic.h``): ``1`` above 16.619047, ``expf(x)`` below
-9, else ``1 / (1 + expf(-x))``, all in float32 with the C library's expf.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import rounding_divide_by_pot
from ..arith.float_math import expf
from ..arith.gemmlowp import logistic
from ..arith.gemmlowp import sigmoid_lut_int16
from .common import scale_of
from .common import zero_point_of
from .lut_activation import LutActivation
from .registry import register
from .unary import INPUT_INTEGER_BITS
from .unary import Q4InputScaling

OUTPUT_INTEGER_BITS = 8
CUTOFF_UPPER = np.float32(16.619047164916992188)
CUTOFF_LOWER = np.float32(-9.0)
# input scales 2^(shift - 12) that LOGISTIC's Prepare takes as powers of two
POT_LEFT_SHIFTS = (0,)


def logistic_int8(x: np.ndarray, scaling: Q4InputScaling, rounding: str) -> np.ndarray:
    q4, low, high = scaling.apply(x, rounding)
    y = rounding_divide_by_pot(logistic(q4, INPUT_INTEGER_BITS), 31 - OUTPUT_INTEGER_BITS)
    y = np.clip(y - 128, -128, 127)
    return np.where(low, -128, np.where(high, 127, y))


def logistic_transform(d: np.ndarray) -> np.ndarray:
    """LiteRT's table transform, in float32: ``1.f / (1.f + expf(-d))``."""
    with np.errstate(over="ignore"):
        return np.float32(1) / (np.float32(1) + expf(-d))


def logistic_float32(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        middle = np.float32(1) / (np.float32(1) + expf(-x))
    return np.where(x > CUTOFF_UPPER, np.float32(1),
                    np.where(x < CUTOFF_LOWER, expf(x), middle))


@register("LOGISTIC")
class Logistic(LutActivation):
    pot_left_shifts = POT_LEFT_SHIFTS
    lut_int16 = staticmethod(sigmoid_lut_int16)
    q4_int8 = staticmethod(logistic_int8)
    float32 = staticmethod(logistic_float32)
    litert_transform = staticmethod(logistic_transform)

    def check_int8_output(self, out) -> None:
        if self.config.semantics == "tflite":
            if np.float32(scale_of(out)) != np.float32(1 / 256):
                raise self.error(f"{out.dtype} output scale must be 1/256 (LiteRT's Prepare), "
                                 f"is {scale_of(out)}")
            return
        if zero_point_of(out) != -128:
            raise self.error(f"int8 output must have zero point -128, got {zero_point_of(out)}")
