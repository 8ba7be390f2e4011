"""Element-wise ops of one int8 value on tnn_lut_s8 / tnn_lut_s8_f32.

Where an op's output is a function of the input value alone, its prepared form
is that function tabulated (``ops.params.LookupTable``): LOGISTIC and TANH
(TFLM's gemmlowp pipeline, or LiteRT's float table under ``semantics="tflite"``),
HARD_SWISH, LEAKY_RELU, ELU, ABS, RELU, RELU6, QUANTIZE int8 -> int8 and
DEQUANTIZE int8 -> float32. The C kernel reads the table the NumPy eval reads,
so both flavors and both roundings are served (their differences are in the
table). RSQRT is left out: TFLM fails it at invoke for inputs below the zero
point, which no table expresses.
"""
from __future__ import annotations

import numpy as np

from ..ops.params import LookupTable
from ..ops.registry import register_kernel
from .call import ConstArg
from .call import KernelCall
from .call import TensorArg
from .kernel import CKernel

INT8_TABLE_OPS = ("LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU", "ELU", "ABS", "RELU", "RELU6",
                  "QUANTIZE")


class _Int8Lookup(CKernel):
    function: str
    ctype: str              # of the table and the output
    out_dtype: type
    variant_name: str

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return (isinstance(p, LookupTable) and p.input_dtype == np.int8
                and p.values.dtype == np.dtype(cls.out_dtype))

    def prepare(self) -> None:
        self.variant = self.variant_name

    def call(self) -> KernelCall:
        return KernelCall(self.function, (
            ConstArg("table", self.ctype, self.params.values), TensorArg("input", 0, "int8_t"),
            TensorArg("output", 0, self.ctype), self.op.outputs[0].num_elements))


@register_kernel(*INT8_TABLE_OPS, backend="c")
class LutKernel(_Int8Lookup):
    function, ctype, out_dtype, variant_name = "tnn_lut_s8", "int8_t", np.int8, "lut"


@register_kernel("DEQUANTIZE", backend="c")
class LutFloatKernel(_Int8Lookup):
    function, ctype, out_dtype, variant_name = "tnn_lut_s8_f32", "float", np.float32, "lut_f32"
