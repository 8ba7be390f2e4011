"""SLICE, STRIDED_SLICE and TRANSPOSE on tnn_strided_copy: one walk over the input.

The op's prepared form (``ops.params.AxisWalkParams``) says which input element
each output element is; here it becomes a box on the flat input (element
strides, the first element's offset) in its fewest axes. Any element type, as
bytes. Both semantics: STRIDED_SLICE's LiteRT flags (ellipsis, new axes,
offset) are resolved into the walk by the op's prepare, so the kernel copies
what the prepared form says under either flavor. A SLICE whose begin or size
is computed at run time has no prepared form and runs the NumPy eval.
"""
from __future__ import annotations

from ..ops.params import AxisWalkParams
from ..ops.registry import register_kernel
from .box import Box
from .box import nonempty
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .kernel import CKernel


def input_box(p: AxisWalkParams) -> Box:
    return Box(*p.element_box).canonical()


@register_kernel("SLICE", "STRIDED_SLICE", "TRANSPOSE", backend="c")
class StridedCopyKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        return (isinstance(op.params, AxisWalkParams) and nonempty(op)
                and input_box(op.params).fits_c())

    def prepare(self) -> None:
        self.variant = "strided"
        self.box = input_box(self.params)

    def call(self) -> KernelCall:
        return KernelCall("tnn_strided_copy", (
            StructArg.of("tnn_strided_copy_params", element_size=self.params.itemsize,
                         input_size=self.op.inputs[0].num_elements,
                         input_box=self.box.struct("input_")),
            TensorArg("input", 0, "void"), TensorArg("output", 0, "void")))
