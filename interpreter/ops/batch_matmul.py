"""BATCH_MATMUL (``micro/kernels/batch_matmul.cc``, ``reference/batch_matmul.h``):
float32, int8 and int16 (both inputs and the output of one type).

``out[..., i, j] = sum_k lhs[..., i, k] * rhs[..., k, j]`` where ``adj_x`` /
``adj_y`` mean the stored lhs / rhs are the transposes of those matrices.
Both inputs have rank 2 to 5; their batch dimensions broadcast (NumPy rules,
the shorter shape padded with leading ones) and the output has the larger
rank. (TFLM may flatten the lhs batch into its rows when the rhs batch is 1;
that does not change any value.)

float32: each output is a float32 sum from +0.0 over k in order of
``lhs * rhs`` products, as the reference loop adds them.

int8 / int16: ``acc = sum_k (lhs - zp_lhs) * (rhs - zp_rhs)`` (int32 for int8,
int64 for int16), then ``clamp(MBQM(acc, QM(s_lhs * s_rhs / s_out)) + zp_out)``.
int16 uses the int64 ``MultiplyByQuantizedMultiplier``, whose multiplier is
first rounded to 16 bits (the same in both rounding builds), and requires
all three zero points to be 0 (TFLM fails prepare otherwise).
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import ChannelMultiplier
from ..arith.fixedpoint import multiply_by_quantized_multiplier_int64
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import add_into
from ..arith.float_math import has_nan
from ..arith.requantize import channel_multipliers
from .base import Op
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .elementwise_common import FLOAT32
from .elementwise_common import INT8
from .elementwise_common import INT16
from .registry import register


@register("BATCH_MATMUL")
class BatchMatMul(Op):

    def prepare(self) -> None:
        (lhs, rhs), (out,) = self.io(2, 1)
        for role, t in (("lhs", lhs), ("rhs", rhs)):
            self.check(t.dtype in (FLOAT32, INT8, INT16),
                       f"{role} type {t.dtype} is not supported (TFLM supports float32, int8, "
                       "int16)")
            self.check(2 <= len(t.shape) <= 5, f"{role} rank {len(t.shape)} is not in 2..5")
        self.check(lhs.dtype == rhs.dtype, f"input types differ: {lhs.dtype} and {rhs.dtype}")
        self.check(out.dtype == lhs.dtype, f"output type {out.dtype} differs from input type "
                   f"{lhs.dtype}")
        self.adj_x = bool(self.options.adj_x) if self.options is not None else False
        self.adj_y = bool(self.options.adj_y) if self.options is not None else False
        lhs_shape, rhs_shape = tuple(lhs.shape), tuple(rhs.shape)
        rank = max(len(lhs_shape), len(rhs_shape))
        lhs_shape = (1,) * (rank - len(lhs_shape)) + lhs_shape
        rhs_shape = (1,) * (rank - len(rhs_shape)) + rhs_shape
        batch = []
        for a, b in zip(lhs_shape[:-2], rhs_shape[:-2]):
            self.check(a == b or a == 1 or b == 1,
                       f"batch dimensions of {lhs.shape} and {rhs.shape} do not broadcast")
            batch.append(b if a == 1 else a)
        rows, depth = lhs_shape[-2:][::-1] if self.adj_x else lhs_shape[-2:]
        rhs_depth, cols = rhs_shape[-2:][::-1] if self.adj_y else rhs_shape[-2:]
        self.check(depth == rhs_depth, f"inner dimensions differ: lhs {lhs.shape} "
                   f"(adj_x={self.adj_x}) and rhs {rhs.shape} (adj_y={self.adj_y})")
        expected = tuple(batch) + (rows, cols)
        self.check(tuple(out.shape) == expected,
                   f"output shape {out.shape} should be {expected}")
        self.lhs_shape, self.rhs_shape = lhs_shape, rhs_shape
        self.dtype = lhs.dtype
        if self.dtype == FLOAT32:
            return
        for role, t in (("lhs", lhs), ("rhs", rhs), ("output", out)):
            require_per_tensor_quantization(self, t, role)
        m, s = channel_multipliers(scale_of(lhs), np.array([scale_of(rhs)]), scale_of(out),
                                self.config.rounding)
        self.multiplier, self.shift = int(m[0]), int(s[0])
        self.zp_lhs, self.zp_rhs, self.zp_out = (zero_point_of(t) for t in (lhs, rhs, out))
        if self.dtype == INT16:
            self.check((self.zp_lhs, self.zp_rhs, self.zp_out) == (0, 0, 0),
                       "int16 zero points must all be 0 (TFLM fails prepare)")
        else:
            self.requantize = ChannelMultiplier(self.multiplier, self.shift,
                                                self.config.rounding)
        self.lo, self.hi = INT_RANGES[self.dtype]

    def _operands(self, inputs):
        lhs = inputs[0].reshape(self.lhs_shape)
        rhs = inputs[1].reshape(self.rhs_shape)
        if self.adj_x:
            lhs = np.swapaxes(lhs, -1, -2)
        if self.adj_y:
            rhs = np.swapaxes(rhs, -1, -2)
        return lhs, rhs

    def eval(self, inputs, outputs, scratch) -> None:
        lhs, rhs = self._operands(inputs)
        out = outputs[0]
        if self.dtype == FLOAT32:
            out[...] = self._float_matmul(lhs, rhs)
            return
        # Exact in float64: |products| < 2^31 and far fewer than 2^22 of them per sum.
        acc = np.matmul(lhs.astype(np.float64) - self.zp_lhs,
                        rhs.astype(np.float64) - self.zp_rhs).astype(np.int64)
        if self.dtype == INT8:
            y = self.requantize(wrap_int32(acc))
        else:
            y = multiply_by_quantized_multiplier_int64(acc, self.multiplier, self.shift)
        out[...] = np.clip(y + self.zp_out, self.lo, self.hi)

    @staticmethod
    def _float_matmul(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
        shape = np.broadcast_shapes(lhs.shape[:-2], rhs.shape[:-2]) + (lhs.shape[-2],
                                                                       rhs.shape[-1])
        total = np.zeros(shape, np.float32)
        keep_nan = has_nan(lhs) or has_nan(rhs)
        with np.errstate(over="ignore", invalid="ignore"):
            for k in range(lhs.shape[-1]):
                add_into(total, lhs[..., :, k:k + 1] * rhs[..., k:k + 1, :], keep_nan)
        return total
