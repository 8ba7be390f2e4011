"""RELU and RELU6 (``micro/kernels/activations.cc``, ``activations_common.cc``).

RELU int8/int16 requantizes: ``clamp(zp_out + MBQM(x - zp_in, QM(s_in/s_out)),
max(min(T), zp_out), max(T))``; int16 needs zero points of 0.

RELU6 int8/int16 does not requantize: it clamps the raw input to
``[zp_in, FloatToQuantizedType(6, s_in, zp_in)]`` and ignores the output
tensor's quantization (and, unlike RELU, accepts int16 zero points).

``semantics="tflite"``: LiteRT's RELU6 (reference kernels too, ``QuantizedReluX``)
requantizes exactly as RELU does, and clamps to
``[max(min(T), zp_out), min(max(T), zp_out + round(6 / s_out))]`` (float32
quotient, rounded half away from zero). LiteRT's ``ReluPrepare`` (RELU and
RELU6) computes the multiplier as ``QM(float(s_in / s_out))``, the quotient of
the two float32 scales rounded to float32 before ``QuantizeMultiplier``; TFLM
divides in double.

Float: ``x < 0 ? 0 : x`` and ``x > 6 ? 6 : x < 0 ? 0 : x`` (so -0.0 and NaN
pass through unchanged).

``semantics="tflite"`` also runs uint8 (TFLM refuses it): LiteRT's ``QuantizedReluX``
as for int8, clamped to [0, 255].
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import round_half_away
from ..arith.float_math import float_to_int32
from .base import Types
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .params import LookupTable
from .registry import register
from .unary import UnaryOp

_SUPPORTED = (np.float32, np.int8, np.int16)


def float_to_quantized(value: float, scale: float, zero_point: int, dtype: np.dtype) -> int:
    """micro_utils.h FloatToQuantizedType<T>: round(value / scale) + zp, clamped to T."""
    quotient = np.float32(value) / np.float32(scale)
    q = int(float_to_int32(np.float64(round_half_away(quotient)) + zero_point))
    lo, hi = INT_RANGES[np.dtype(dtype)]
    return min(max(q, lo), hi)


def _require_zero_zero_points(op: UnaryOp, inp, out) -> None:
    if inp.dtype == np.int16 and (zero_point_of(inp), zero_point_of(out)) != (0, 0):
        raise op.error("int16 input and output must have zero point 0, got "
                       f"{zero_point_of(inp)} and {zero_point_of(out)}")


class _RequantizingRelu(UnaryOp):
    """``clamp(zp_out + MBQM(x - zp_in, QM(s_in / s_out)), act_min, act_max)``.

    The integer kernels are functions of the input value alone: their prepared form
    is the function tabulated (``params.LookupTable``)."""

    supported = Types(_SUPPORTED, tflite=(np.uint8,))

    def prepare_requantization(self, inp, out, upper: float | None) -> None:
        """Tabulate the requantization; ``upper`` is the real upper bound (None: the type's)."""
        _require_zero_zero_points(self, inp, out)
        if self.config.semantics == "tflite":    # LiteRT: float / float, in float32
            real = float(np.float32(scale_of(inp)) / np.float32(scale_of(out)))
        else:                                    # TFLM: in double
            real = scale_of(inp) / scale_of(out)
        rounding = self.config.rounding
        multiplier, shift = quantize_multiplier(real, rounding)
        zp_in, zp_out = zero_point_of(inp), zero_point_of(out)
        qmin, act_max = INT_RANGES[out.dtype]
        # zp_out + (int)roundf(0.0f / scale) is just zp_out
        act_min = max(qmin, zp_out)
        if upper is not None:
            act_max = min(act_max, float_to_quantized(upper, scale_of(out), zp_out, out.dtype))
        self.params = LookupTable.tabulate(inp.dtype, lambda x: np.clip(
            zp_out + multiply_by_quantized_multiplier(x - zp_in, multiplier, shift, rounding),
            act_min, act_max))


@register("RELU")
class Relu(_RequantizingRelu):

    def prepare_typed(self, inp, out) -> None:
        if inp.dtype != np.float32:
            self.prepare_requantization(inp, out, None)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        if self.dtype == np.float32:
            self.write(outputs, np.where(x < 0, np.float32(0), x))
            return
        self.write(outputs, self.params(x))


@register("RELU6")
class Relu6(_RequantizingRelu):

    def prepare_typed(self, inp, out) -> None:
        if inp.dtype == np.float32:
            return
        if self.config.semantics == "tflite":
            self.prepare_requantization(inp, out, 6.0)
            return
        lower = zero_point_of(inp)
        info = np.iinfo(inp.dtype)
        # TFLM keeps the bound in the input type (Relu6OpData's zero_int8 / zero_int16):
        # a zero point outside it would be truncated
        self.check(info.min <= lower <= info.max,
                   f"input zero point {lower} is outside {inp.dtype} (TFLM would truncate it)")
        upper = float_to_quantized(6.0, scale_of(inp), zero_point_of(inp), inp.dtype)
        # val > upper ? upper : val < lower ? lower : val
        self.params = LookupTable.tabulate(
            inp.dtype, lambda x: np.where(x > upper, upper, np.where(x < lower, lower, x)))

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        if self.dtype == np.float32:
            # val > 6 ? 6 : val < 0 ? 0 : val (-0.0 and NaN pass through)
            six, zero = np.float32(6), np.float32(0)
            self.write(outputs, np.where(x > six, six, np.where(x < zero, zero, x)))
            return
        self.write(outputs, self.params(x))
