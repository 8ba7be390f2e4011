"""MUL.

Quantized (``micro/kernels/mul_common.cc``, ``reference/integer_ops/mul.h``)::

    y = clamp(MBQM((x1 - zp1) * (x2 - zp2), M, shift) + zp_out)

with ``M, shift = QuantizeMultiplier((double)s1 * s2 / s_out)`` (the shift may
be positive). int16 requires all zero points to be 0. int32 multiplies with
wrap-around; float multiplies; both clamp to the fused activation's range.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import wrap_int32
from .common import scale_of
from .common import zero_point_of
from .elementwise import BinaryElementwiseOp
from .params import MulParams
from .registry import register


@register("MUL")
class Mul(BinaryElementwiseOp):

    def prepare_quantized(self, in1, in2, out) -> None:
        real = scale_of(in1) * scale_of(in2) / scale_of(out)
        self.multiplier, self.shift = quantize_multiplier(real, self.config.rounding)
        self.zp1, self.zp2, self.zp_out = zero_point_of(in1), zero_point_of(in2), zero_point_of(out)
        if out.dtype == np.int16 and (self.zp1, self.zp2, self.zp_out) != (0, 0, 0):
            raise self.error("int16 MUL requires zero points of 0, got "
                             f"{self.zp1}, {self.zp2} -> {self.zp_out}")
        self.params = MulParams(out.dtype, -self.zp1, -self.zp2, self.zp_out,
                                int(self.multiplier), int(self.shift), int(self.act_min),
                                int(self.act_max))

    def eval_quantized(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        product = (x1 - self.zp1) * (x2 - self.zp2)
        # MBQM's int32 result plus the zero point, an int32 sum in TFLM: both wrap
        return wrap_int32(multiply_by_quantized_multiplier(product, self.multiplier, self.shift,
                                                           self.config.rounding) + self.zp_out)

    def apply_float(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return x1 * x2

    def apply_int32(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return x1 * x2  # int64 product of int32 values; the caller wraps it to int32
