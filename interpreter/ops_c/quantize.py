"""QUANTIZE float32 -> int8 on tnn_quantize_f32_s8 (the same in both flavors).

int8 -> int8 QUANTIZE and int8 DEQUANTIZE are tables (``lut.py``).
"""
from __future__ import annotations

import numpy as np

from ..ops.params import AffineQuantizeParams
from ..ops.registry import register_kernel
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .kernel import CKernel


@register_kernel("QUANTIZE", backend="c")
class QuantizeKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        # a zero or non-finite scale would make x / scale undefined in C (TFLM divides anyway)
        return (isinstance(p, AffineQuantizeParams) and p.dtype == np.int8
                and bool(np.isfinite(p.scale)) and p.scale != 0)

    def prepare(self) -> None:
        self.variant = "quantize"

    def call(self) -> KernelCall:
        p = self.params
        return KernelCall("tnn_quantize_f32_s8", (
            StructArg.of("tnn_quantize_params", scale=p.scale, output_offset=p.zero_point),
            TensorArg("input", 0, "float"), TensorArg("output", 0, "int8_t"),
            self.op.outputs[0].num_elements))
