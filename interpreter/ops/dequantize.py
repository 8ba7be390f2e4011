"""DEQUANTIZE (``micro/kernels/dequantize.cc``, ``reference/dequantize.h``).

int8/int16 -> float32: ``(float)((double)s * (x - zp))``, computed in double
and rounded once to float32.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .common import scale_of, zero_point_of
from .elementwise import require_per_tensor_quantization
from .registry import register

_SUPPORTED = (np.dtype(np.int8), np.dtype(np.int16))


@register("DEQUANTIZE")
class Dequantize(Op):

    def prepare(self) -> None:
        inp, out = self.unary_io(same_dtype=False)
        if inp.dtype not in _SUPPORTED or out.dtype != np.float32:
            raise self.unsupported(f"dequantizing {inp.dtype} to {out.dtype} is not supported")
        require_per_tensor_quantization(self, inp, "input")
        self.scale = scale_of(inp)
        self.zero_point = zero_point_of(inp)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0].astype(np.int64) - self.zero_point
        outputs[0][...] = (self.scale * x.astype(np.float64)).astype(np.float32).reshape(
            outputs[0].shape)
