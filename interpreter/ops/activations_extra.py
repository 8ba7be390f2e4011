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

``semantics="tflite"`` (LiteRT's ``activations.cc``): both ops form their real
multipliers from the float32 scales (and alpha) in float32, left to right
(``s_in * alpha / s_out``), where TFLM computes in double; the rest is the same. They
also run types TFLM refuses: LEAKY_RELU and PRELU uint8, clamped to [0, 255], and PRELU
int16, whose alpha LiteRT reads as int8 values whatever its type (an int16 alpha's
first bytes, as stored: little-endian halves of its values). LiteRT reads an alpha
without quantization as scale 0, zero point 0 (negative inputs then give the output
zero point), and so does this flavor.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from .base import Types
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .elementwise_common import FLOAT32
from .elementwise_common import INT8
from .elementwise_common import INT16
from .elementwise_common import BroadcastBinaryOp
from .layout_common import quant_params
from .math_unary import ElementwiseUnaryOp
from .params import LookupTable
from .registry import register


def real_multiplier(op, *factors, divisor) -> float:
    """The product of the scales over ``divisor``: in double (TFLM) or, under
    ``semantics="tflite"``, in float32 left to right (LiteRT)."""
    if op.tflite:
        product = np.float32(1)
        for f in factors:
            product = np.float32(product * np.float32(f))
        return float(product / np.float32(divisor))
    return float(np.prod([float(f) for f in factors])) / float(divisor)


@register("LEAKY_RELU")
class LeakyRelu(ElementwiseUnaryOp):
    supported = Types((np.float32, np.int8, np.int16), tflite=(np.uint8,))

    def prepare_typed(self, inp, out) -> None:
        alpha = 0.0 if self.options is None else float(self.options.get("alpha", 0.0))
        self.alpha = np.float32(alpha)
        if self.dtype == FLOAT32:
            return
        s_in, s_out = np.float32(scale_of(inp)), np.float32(scale_of(out))
        rounding = self.config.rounding
        m_id, sh_id = quantize_multiplier(real_multiplier(self, s_in, divisor=s_out), rounding)
        alpha_real = real_multiplier(self, s_in, self.alpha, divisor=s_out)
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
    supported = Types((np.float32, np.int8), tflite=(np.uint8, np.int16))
    max_rank = 4
    quantized_needs_params = False      # checked in prepare_typed

    def input_types_match(self, inp, alpha) -> bool:
        # LiteRT's int16 kernel reads alpha as int8 (an int16 alpha: its first bytes)
        if self.tflite and inp.dtype == INT16:
            return alpha.dtype in (INT8, INT16)
        return inp.dtype == alpha.dtype

    def prepare_typed(self, inp, alpha, out) -> None:
        if self.tflite and tuple(np.broadcast_shapes(inp.shape, alpha.shape)) != tuple(inp.shape):
            # LiteRT's PreluPrepare: after broadcasting, the output must have the input's shape
            raise self.error(f"alpha of shape {tuple(alpha.shape)} broadcasts the input "
                             f"{tuple(inp.shape)} to a larger shape (LiteRT keeps the input's)")
        if self.dtype == FLOAT32:
            return
        for t, role in ((inp, "input"), (alpha, "alpha"), (out, "output")):
            if not (self.tflite and t is alpha):    # LiteRT: no alpha quantization is (0, 0)
                require_per_tensor_quantization(self, t, role)
        rounding = self.config.rounding
        (s_in, _), (s_alpha, zp_alpha), (s_out, _) = (quant_params(t) for t in (inp, alpha, out))
        self.m1, self.sh1 = quantize_multiplier(real_multiplier(self, s_in, divisor=s_out),
                                                rounding)
        self.m2, self.sh2 = quantize_multiplier(
            real_multiplier(self, s_in, s_alpha, divisor=s_out), rounding)
        self.zp_in, self.zp_alpha, self.zp_out = zero_point_of(inp), zp_alpha, zero_point_of(out)
        self.alpha_as_int8 = self.dtype == INT16 and alpha.dtype == INT16

    def compute(self, x, a):
        if self.dtype == FLOAT32:
            return np.where(x >= 0, x, x * a)
        if self.alpha_as_int8:
            a = np.ascontiguousarray(a).reshape(-1).view(np.int8)[:a.size].reshape(a.shape)
        rounding = self.config.rounding
        v = x.astype(np.int64) - self.zp_in
        w = a.astype(np.int64) - self.zp_alpha
        y = np.where(v >= 0, multiply_by_quantized_multiplier(v, self.m1, self.sh1, rounding),
                     multiply_by_quantized_multiplier(v * w, self.m2, self.sh2, rounding))
        return np.clip(y + self.zp_out, *INT_RANGES[self.dtype])
