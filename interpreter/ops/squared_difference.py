"""SQUARED_DIFFERENCE (``micro/kernels/squared_difference.cc``).

float32 ``d * d`` with ``d = a - b``; int32 the same with int32 wrap-around.
Quantized, like ADD's input stage: with ``ls`` = 7 (int8) or 0 (int16, whose
zero points must be 0) and ``S = 2 max(s1, s2)``::

    v_i = MBQM((x_i - zp_i) << ls, QMSmallerThanOneExp(s_i / S))
    y = clamp(MBQM((v1 - v2)^2, QM(S^2 / (2^(2 ls) s_out))) + zp_out)

No fused activation.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import wrap_int32
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise_common import INT16
from .elementwise_common import INT32
from .elementwise_common import QUANTIZED
from .elementwise_common import BroadcastBinaryOp
from .registry import register


@register("SQUARED_DIFFERENCE")
class SquaredDifference(BroadcastBinaryOp):
    supported = (np.float32, np.int32, np.int8, np.int16)

    def prepare_typed(self, in1, in2, out) -> None:
        if in1.dtype not in QUANTIZED:
            return
        self.zps = [zero_point_of(t) for t in (in1, in2, out)]
        if in1.dtype == INT16 and self.zps != [0, 0, 0]:
            raise self.error(f"int16 zero points must be 0, got {self.zps}")
        self.left_shift = 0 if in1.dtype == INT16 else 7
        s1, s2 = float(np.float32(scale_of(in1))), float(np.float32(scale_of(in2)))
        twice_max = 2.0 * max(s1, s2)
        self.input_multipliers = [
            self.multiplier_below_one(s / twice_max, f"input {i + 1}")
            for i, s in enumerate((s1, s2))]
        # (1 << 2 ls) * s_out is a float product (exact: a power of two)
        denominator = float(np.float32((1 << (2 * self.left_shift)) * np.float32(scale_of(out))))
        self.m_out, self.shift_out = quantize_multiplier(twice_max * twice_max / denominator,
                                                         self.config.rounding)
        self.act_min, self.act_max = INT_RANGES[out.dtype]

    def compute(self, x1, x2):
        if self.dtype == np.float32:
            with np.errstate(all="ignore"):
                d = x1 - x2
                return d * d
        if self.dtype == INT32:
            d = wrap_int32(x1.astype(np.int64) - x2)
            return wrap_int32(d * d)
        rounding = self.config.rounding
        v1, v2 = [multiply_by_quantized_multiplier(
            (x.astype(np.int64) - zp) << self.left_shift, m, shift, rounding)
            for x, zp, (m, shift) in zip((x1, x2), self.zps, self.input_multipliers)]
        d = v1 - v2
        y = multiply_by_quantized_multiplier(wrap_int32(d * d), self.m_out, self.shift_out,
                                             rounding) + self.zps[2]
        return np.clip(y, self.act_min, self.act_max)
