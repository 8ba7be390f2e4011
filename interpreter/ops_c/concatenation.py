"""CONCATENATION on tnn_concatenation: runs of bytes from each input in turn.

TFLM never requantizes (the op refuses int8 inputs whose quantization differs
from the output's, as LiteRT does), so every type is bytes. Both semantics:
LiteRT's reference kernel requantizes mismatched uint8 inputs
(``semantics="tflite"``), a form without the prepared form this kernel reads
(the NumPy eval runs it).
"""
from __future__ import annotations

import numpy as np

from ..ops.params import ConcatParams
from ..ops.registry import register_kernel
from .box import nonempty
from .call import ConstArg
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import TensorListArg
from .kernel import CKernel


@register_kernel("CONCATENATION", backend="c")
class ConcatenationKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        return (isinstance(op.params, ConcatParams) and nonempty(op)
                and op.outputs[0].nbytes < 1 << 31)

    def prepare(self) -> None:
        self.variant = "concat"

    def call(self) -> KernelCall:
        p = self.params
        rows = np.array([n * p.inner * p.itemsize for n in p.sizes])
        return KernelCall("tnn_concatenation", (
            StructArg.of("tnn_concatenation_params", input_count=len(p.sizes), outer=p.outer,
                         row_bytes=ConstArg("row_bytes", "int32_t", rows)),
            TensorListArg("input", tuple(range(len(p.sizes))), "void"),
            TensorArg("output", 0, "void")))
