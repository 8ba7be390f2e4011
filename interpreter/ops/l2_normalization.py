"""L2_NORMALIZATION over the last dimension (``micro/kernels/l2norm.cc``,
``reference/l2normalization.h``, ``reference/integer_ops/l2normalization.h``):
float32 and int8, rank at most 4, no fused activation (TFLM fails prepare
otherwise).

float32: ``n = max(sqrtf(sum of x*x), 1e-6f)`` with the squares summed from
0 in float32, left to right; each output is ``x / n`` (a NaN norm stays NaN:
``std::max`` keeps its first argument when the comparison is false).

int8: with ``v = x - zp_in`` summed as ``acc = sum v*v`` (int32) and
``(m, s) = GetInvSqrtQuantizedMultiplierExp(acc, -1)``, each output is
``clamp(MBQM(v, m, s + 7))``: the result is always on the scale 1/128 with
zero point 0. TFLM does not look at the output tensor's quantization at all,
so neither does this implementation (LiteRT requires scale 1/128, zp 0).
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import sequential_sum
from .base import Op
from .common import ACT_NONE
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .elementwise_common import FLOAT32
from .elementwise_common import INT8
from .math_unary import inv_sqrt_quantized_multiplier_exp
from .registry import register

EPSILON = np.float32(1e-6)
OUTPUT_SHIFT = 7


@register("L2_NORMALIZATION")
class L2Normalization(Op):

    def prepare(self) -> None:
        inp, out = self.unary_io()
        self.check(len(inp.shape) <= 4, f"input rank {len(inp.shape)} is above 4")
        self.check(len(inp.shape) >= 1, "input must have at least one dimension")
        self.check(tuple(inp.shape) == tuple(out.shape),
                   f"output shape {out.shape} differs from input shape {inp.shape}")
        if inp.dtype not in (FLOAT32, INT8):
            raise self.error(f"type {inp.dtype} is not supported (TFLM supports float32, "
                             "int8 and fails prepare otherwise)")
        activation = ACT_NONE
        if self.options is not None:
            activation = int(self.options.fused_activation_function)
        self.check(activation == ACT_NONE, "fused activations are not supported "
                   "(TFLM fails prepare)")
        self.dtype = inp.dtype
        self.depth = inp.shape[-1]
        if self.dtype == INT8:
            require_per_tensor_quantization(self, inp, "input")
            self.zp_in = zero_point_of(inp)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0].reshape(-1, self.depth)
        out = outputs[0]
        if self.dtype == FLOAT32:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                squared = sequential_sum(x * x)
                norm = np.sqrt(squared)
                norm = np.where(norm < EPSILON, EPSILON, norm)[:, None]
                out[...] = (x / norm).reshape(out.shape)
            return
        v = x.astype(np.int64) - self.zp_in
        acc = wrap_int32(np.sum(v * v, axis=-1))
        m, s = inv_sqrt_quantized_multiplier_exp(acc)
        y = multiply_by_quantized_multiplier(v, m[:, None], s[:, None] + OUTPUT_SHIFT,
                                             self.config.rounding)
        out[...] = np.clip(y, -128, 127).reshape(out.shape)
