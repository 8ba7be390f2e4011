"""Shared pieces of the one-input, element-wise ops (activations).

``UnaryOp`` validates the node's types and sizes. The int8 and int16
kernels of LOGISTIC and TANH are functions of the input value alone, so
their prepared form is that function tabulated (``params.LookupTable``):
eval is a lookup with the same bytes as TFLM's per-element arithmetic.
``Q4InputScaling`` is the int8 input stage shared by LOGISTIC and TANH
(``logistic_common.cc``, ``tanh.cc``): the input, minus its zero point, is
rescaled to gemmlowp's Q4.27 by a multiplier taken straight from
``frexp(s_in * 2^27)`` (no 2^31 fix-up, no single-rounding shift clamp), and
inputs at or beyond ``CalculateInputRadius(4, shift, 31)`` saturate.
``Int16LutScaling`` is the int16 input stage of the same two ops (the table
interpolation itself is ``gemmlowp.sigmoid_lut_int16`` / ``tanh_lut_int16``),
with the checks of their Prepare. This module registers no op.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import round_half_away
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import float_to_int32
from ..arith.gemmlowp import calculate_input_radius
from ..arith.gemmlowp import lut_input_int16
from ..errors import ModelError
from .base import Op
from .base import Types
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .elementwise_common import libm_unary
from .params import LookupTable

INPUT_INTEGER_BITS = 4


class UnaryOp(Op):
    """One input, one output with as many elements; ``supported`` lists the input types
    (``Types`` for those only ``semantics="tflite"`` accepts).

    TFLM only DCHECKs that the shapes match, so the output keeps its own shape.
    """

    supported: Types | tuple = ()

    def prepare(self) -> None:
        inp, out = self.unary_io(self.supported)
        if inp.dtype != np.float32:
            require_per_tensor_quantization(self, inp, "input")
            require_per_tensor_quantization(self, out, "output")
        self.dtype = inp.dtype
        self.prepare_typed(inp, out)

    def prepare_typed(self, inp, out) -> None:
        """Type-specific validation and precomputation. Override."""

    @staticmethod
    def write(outputs, y: np.ndarray) -> None:
        outputs[0][...] = y.reshape(outputs[0].shape)


@dataclass(frozen=True)
class Q4InputScaling:
    zero_point: int
    multiplier: int
    shift: int
    radius: int

    @classmethod
    def for_tensor(cls, tensor) -> "Q4InputScaling":
        real = scale_of(tensor) * float(1 << (31 - INPUT_INTEGER_BITS))
        q, shift = math.frexp(real)
        if not 0 <= shift <= 62:
            # CalculateInputRadius divides by 1ll << shift: undefined in C outside [0, 62]
            raise ModelError(f"input tensor {tensor.name!r}: scale {scale_of(tensor)!r} puts "
                             f"the fixed-point input shift at {shift}, outside [0, 62] where "
                             "TFLM's arithmetic is defined")
        # static_cast<int32_t>(TfLiteRound(q * 2^31)): 2^31 itself would wrap
        multiplier = int(wrap_int32(int(math.floor(q * (1 << 31) + 0.5))))
        return cls(zero_point_of(tensor), multiplier, shift,
                   calculate_input_radius(INPUT_INTEGER_BITS, shift, 31))

    def apply(self, x: np.ndarray, rounding: str):
        """(input in Q4.27, mask of inputs <= -radius, mask of inputs >= radius)."""
        centered = x.astype(np.int64) - self.zero_point
        low = centered <= -self.radius
        high = centered >= self.radius
        if self.radius <= 0:  # every input saturates (and the shift would exceed 30)
            return np.zeros_like(centered), low, high
        inside = np.where(low | high, 0, centered)
        q4 = multiply_by_quantized_multiplier(inside, self.multiplier, self.shift, rounding)
        return q4, low, high


# -- int16 LOGISTIC and TANH ---------------------------------------------------------------

def checked_log2(x: float) -> tuple[bool, int]:
    """CheckedLog2 (``quantization_util.cc``): (x is a power of two, rounded log2 of x).

    All in float32 as the C code is: ``logf(x) * (1 / logf(2))``, rounded half away
    from zero; "a power of two" means the rounding moved it by less than 1e-3, so a
    scale within about 0.07% of a power of two counts as one.
    """
    logs = libm_unary("logf", np.array([x, 2.0], np.float32), np.log)
    with np.errstate(all="ignore"):
        x_log2 = logs[0] * (np.float32(1) / logs[1])
        rounded = round_half_away(x_log2)
        fraction = np.float32(x_log2 - rounded)
    if not np.isfinite(rounded):
        return False, 0
    return bool(abs(fraction) < np.float32(1e-3)), int(rounded)


#: the table's input units: 1/(3 * 4096) of a LOGISTIC input (+-2^17 is +-10.67)
LUT_INPUT_SCALE_INVERSE = 4096.0 * 3.0
LUT_INPUT_INTEGER_BITS = 3
LUT_OUTPUT_FRACTIONAL_BITS = 15


@dataclass(frozen=True)
class Int16LutScaling:
    """int16 LOGISTIC/TANH: the input stage computed in Prepare (``logistic_common.cc``,
    ``tanh.cc``), applied by ``gemmlowp.lut_input_int16``.

    * both zero points must be 0 and the output scale must pass ``checked_log2`` as
      2^-15 (TF_LITE_ENSURE: TFLM refuses the model otherwise);
    * an input scale that passes ``checked_log2`` with ``12 + log2`` among
      ``pot_left_shifts`` (LOGISTIC: 0, i.e. 2^-12; TANH: 0 or 1, i.e. 2^-12 and
      2^-11) is used as that exact power of two: multiplier 0 ("3 << shift");
    * any other input scale takes the general path: ``s * 3 * 4096`` in double,
      doubled (and the shift incremented) while it is <= 32767 / 2 and the shift
      <= 30, then truncated to int32 (x86 conversion: INT32_MIN when out of range).
      TFLM only DCHECKs that the multiplier is <= 32767 (input scales up to 8/3);
      beyond that the release build's int32 arithmetic wraps, and so does this.
    """

    multiplier: int
    left_shift: int

    @classmethod
    def for_tensors(cls, op: Op, inp, out, pot_left_shifts: tuple[int, ...]) -> "Int16LutScaling":
        for tensor, what in ((inp, "input"), (out, "output")):
            zp = zero_point_of(tensor)
            op.check(zp == 0, f"int16 {what} zero point must be 0, is {zp}")
        s_in, s_out = scale_of(inp), scale_of(out)
        op.check(s_in > 0 and np.isfinite(s_in), f"int16 input scale must be positive, is {s_in}")
        is_pot, out_log2 = checked_log2(s_out)
        op.check(is_pot and out_log2 == -LUT_OUTPUT_FRACTIONAL_BITS,
                 f"int16 output scale must be 2^-{LUT_OUTPUT_FRACTIONAL_BITS} "
                 f"(1/32768), is {s_out}")
        is_pot, in_log2 = checked_log2(s_in)
        left_shift = (15 - LUT_INPUT_INTEGER_BITS) + in_log2
        if is_pot and left_shift in pot_left_shifts:
            return cls(0, left_shift)
        multiplier = float(np.float32(s_in)) * LUT_INPUT_SCALE_INVERSE
        left_shift = 0
        while multiplier <= 32767.0 / 2.0 and left_shift <= 30:
            left_shift += 1
            multiplier *= 2.0
        return cls(int(float_to_int32(np.float64(multiplier))), left_shift)

    def table(self, fn) -> LookupTable:
        """``fn`` (a ``gemmlowp`` int16 LUT function) over every int16 input, tabulated."""
        return LookupTable.tabulate(np.int16, lambda x: fn(lut_input_int16(x, self.multiplier,
                                                                           self.left_shift)))
