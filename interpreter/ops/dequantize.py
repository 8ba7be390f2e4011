"""DEQUANTIZE (``micro/kernels/dequantize.cc``, ``reference/dequantize.h``).

int8, uint8 and int16 -> float32: ``(float)((double)s * (x - zp))``, the
difference in int32 (wrapping around for zero points near the int32 limits,
as the runtime does) and the product in double, rounded once to float32.
TFLM checks neither the zero point's range nor the scale's sign, and neither
does this op. A function of one 8- or 16-bit value: tabulated in prepare
(``params.LookupTable``).

No other pair runs in TFLM (measured: int32, int64, float16 and float32
inputs and every non-float32 output fail its prepare).
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import wrap_int32
from .base import Op
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .params import LookupTable
from .registry import register

_SUPPORTED = (np.dtype(np.int8), np.dtype(np.uint8), np.dtype(np.int16))


@register("DEQUANTIZE")
class Dequantize(Op):

    def prepare(self) -> None:
        inp, out = self.unary_io(same_dtype=False)
        if inp.dtype not in _SUPPORTED or out.dtype != np.float32:
            raise self.unsupported(f"dequantizing {inp.dtype} to {out.dtype} is not supported")
        require_per_tensor_quantization(self, inp, "input")
        scale, zero_point = scale_of(inp), zero_point_of(inp)

        def dequantize(x: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore"):      # beyond float32's range: +-inf, as in C
                return (scale * wrap_int32(x - zero_point).astype(np.float64)).astype(np.float32)
        self.params = LookupTable.tabulate(inp.dtype, dequantize, np.float32)

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = self.params(inputs[0]).reshape(outputs[0].shape)
