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
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import (
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    round_half_away,
)
from ..arith.float_math import float_to_int32
from .common import INT_RANGES, scale_of, zero_point_of
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
    """``clamp(zp_out + MBQM(x - zp_in, QM(s_in / s_out)), act_min, act_max)``."""

    supported = _SUPPORTED

    def prepare_requantization(self, inp, out, upper: float | None) -> None:
        """Set up the requantization; ``upper`` is the real upper bound (None: the type's)."""
        _require_zero_zero_points(self, inp, out)
        if self.config.semantics == "tflite":    # LiteRT: float / float, in float32
            real = float(np.float32(scale_of(inp)) / np.float32(scale_of(out)))
        else:                                    # TFLM: in double
            real = scale_of(inp) / scale_of(out)
        self.multiplier, self.shift = quantize_multiplier(real, self.config.rounding)
        self.zp_in, self.zp_out = zero_point_of(inp), zero_point_of(out)
        qmin, self.act_max = INT_RANGES[out.dtype]
        # zp_out + (int)roundf(0.0f / scale) is just zp_out
        self.act_min = max(qmin, self.zp_out)
        if upper is not None:
            self.act_max = min(self.act_max, float_to_quantized(upper, scale_of(out),
                                                                self.zp_out, out.dtype))

    def eval_requantized(self, x, outputs) -> None:
        y = self.zp_out + multiply_by_quantized_multiplier(
            x.astype(np.int64) - self.zp_in, self.multiplier, self.shift, self.config.rounding)
        self.write(outputs, np.clip(y, self.act_min, self.act_max))


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
        self.eval_requantized(x, outputs)


@register("RELU6")
class Relu6(_RequantizingRelu):

    def prepare_typed(self, inp, out) -> None:
        self.requantizes = inp.dtype != np.float32 and self.config.semantics == "tflite"
        if self.requantizes:
            self.prepare_requantization(inp, out, 6.0)
            return
        if inp.dtype == np.float32:
            self.lower, self.upper = np.float32(0), np.float32(6)
            return
        self.lower = zero_point_of(inp)
        self.upper = float_to_quantized(6.0, scale_of(inp), zero_point_of(inp), inp.dtype)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        if self.requantizes:
            self.eval_requantized(x, outputs)
            return
        # val > upper ? upper : val < lower ? lower : val
        self.write(outputs, np.where(x > self.upper, self.upper,
                                     np.where(x < self.lower, self.lower, x)))
