"""PAD and PADV2 on tnn_pad: the input's rows copied into place, the rest filled.

Any element type, as bytes. The pad value is the prepared form's (the output
zero point or 0; LiteRT's int16 and uint8 zero points under ``semantics="tflite"``),
a constant in flash (uint8 and bool: its byte), or the ``constant_values`` input
when the model has one.
Both semantics: the one flavor difference is that value, which the op's
prepare chooses.
"""
from __future__ import annotations

import numpy as np

from ..ops.params import PadParams
from ..ops.registry import register_kernel
from .box import Box
from .box import nonempty
from .box import row_major_strides
from .call import C_NAMES
from .call import ConstArg
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .kernel import CKernel


def output_box(p: PadParams) -> Box:
    """Where the input's elements go in the output, innermost stride 1."""
    strides = row_major_strides(p.out_shape)
    return Box(p.in_shape, strides, sum(b * s for b, s in zip(p.before, strides))).canonical(
        keep_last=True)


@register_kernel("PAD", "PADV2", backend="c")
class PadKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        return isinstance(op.params, PadParams) and nonempty(op) and output_box(op.params).fits_c()

    def prepare(self) -> None:
        self.variant = "pad"
        self.box = output_box(self.params)

    def call(self) -> KernelCall:
        p = self.params
        if p.value is None:
            value = TensorArg("input", 2, "void")
        else:
            byte = p.value.dtype in (np.dtype(np.uint8), np.dtype(np.bool_))
            value = ConstArg("pad_value", "uint8_t" if byte else C_NAMES[p.value.dtype],
                             p.value.view(np.uint8) if byte else p.value)
        return KernelCall("tnn_pad", (
            StructArg.of("tnn_pad_params", element_size=p.itemsize,
                         output_size=self.op.outputs[0].num_elements,
                         output_box=self.box.struct("output_")),
            TensorArg("input", 0, "void"), value, TensorArg("output", 0, "void")))
