"""LEAKY_RELU and PRELU (``micro/kernels/leaky_relu*.cc``, ``prelu*.cc``,
``reference/leaky_relu.h``, ``reference/prelu.h``).

LEAKY_RELU float32: ``x > 0 ? x : x * alpha``. int8/int16::

    v = x - zp_in
    y = clamp(zp_out + MBQM(v, v >= 0 ? QM(s_in / s_out) : QM(s_in * alpha / s_out)))

except that for a negative alpha the runtime computes ``-MBQM(v, QM(|s_in * alpha / s_out|))``
(ties then round toward zero instead of away from it; found by comparing every
int8 input, pinned by the tests). Both real multipliers are computed in double.

PRELU (alpha is a second, broadcast input) float32: ``x >= 0 ? x : x * a``.
int8, with ``v = x - zp_in`` and ``w = a - zp_alpha``::

    y = clamp(zp_out + (v >= 0 ? MBQM(v, QM(s_in / s_out))
                                : MBQM(v * w, QM(s_in * s_alpha / s_out))))
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier, quantize_multiplier
from .common import INT_RANGES, scale_of, zero_point_of
from .elementwise_common import FLOAT32, BroadcastBinaryOp
from .math_unary import ElementwiseUnaryOp
from .params import LookupTable
from .registry import register


@register("LEAKY_RELU")
class LeakyRelu(ElementwiseUnaryOp):
    supported = (np.float32, np.int8, np.int16)

    def prepare_typed(self, inp, out) -> None:
        alpha = 0.0 if self.options is None else float(self.options.get("alpha", 0.0))
        self.alpha = np.float32(alpha)
        if self.dtype == FLOAT32:
            return
        s_in, s_out = np.float32(scale_of(inp)), np.float32(scale_of(out))
        rounding = self.config.rounding
        m_id, sh_id = quantize_multiplier(float(s_in) / float(s_out), rounding)
        alpha_real = float(s_in) * float(self.alpha) / float(s_out)
        # a negative alpha: the runtime scales by |alpha| and negates the result
        sign = -1 if alpha_real < 0 else 1
        m_a, sh_a = quantize_multiplier(abs(alpha_real), rounding)
        zp_in, zp_out = zero_point_of(inp), zero_point_of(out)
        lo, hi = INT_RANGES[inp.dtype]

        def fn(x):
            v = x - zp_in
            y = np.where(v >= 0, multiply_by_quantized_multiplier(v, m_id, sh_id, rounding),
                         sign * multiply_by_quantized_multiplier(v, m_a, sh_a, rounding))
            return np.clip(y + zp_out, lo, hi)
        self.params = LookupTable.tabulate(inp.dtype, fn)

    def compute(self, x):
        if self.dtype == FLOAT32:
            return np.where(x > 0, x, x * self.alpha)
        return self.params(x)


@register("PRELU")
class Prelu(BroadcastBinaryOp):
    supported = (np.float32, np.int8)
    max_rank = 4

    def prepare_typed(self, inp, alpha, out) -> None:
        if self.dtype == FLOAT32:
            return
        rounding = self.config.rounding
        s_in, s_alpha, s_out = (scale_of(t) for t in (inp, alpha, out))
        self.m1, self.sh1 = quantize_multiplier(s_in / s_out, rounding)
        self.m2, self.sh2 = quantize_multiplier(s_in * s_alpha / s_out, rounding)
        self.zp_in, self.zp_alpha, self.zp_out = (zero_point_of(t) for t in (inp, alpha, out))

    def compute(self, x, a):
        if self.dtype == FLOAT32:
            return np.where(x >= 0, x, x * a)
        rounding = self.config.rounding
        v = x.astype(np.int64) - self.zp_in
        w = a.astype(np.int64) - self.zp_alpha
        y = np.where(v >= 0, multiply_by_quantized_multiplier(v, self.m1, self.sh1, rounding),
                     multiply_by_quantized_multiplier(v * w, self.m2, self.sh2, rounding))
        return np.clip(y + self.zp_out, -128, 127)
