"""RESIZE_NEAREST_NEIGHBOR on tnn_resize_nearest_neighbor: pixels copied through the
row and column maps of the prepared form (GetNearestNeighbor, every option), any
element type as bytes. The maps are the same in LiteRT's reference kernel."""
from __future__ import annotations

from ..ops.params import NearestNeighborParams
from ..ops.registry import register_kernel
from .box import nonempty
from .call import ConstArg
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import dims
from .kernel import CKernel


@register_kernel("RESIZE_NEAREST_NEIGHBOR", backend="c")
class ResizeNearestNeighborKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        return isinstance(op.params, NearestNeighborParams) and nonempty(op)

    def prepare(self) -> None:
        self.variant = "nearest"

    def call(self) -> KernelCall:
        p = self.params
        return KernelCall("tnn_resize_nearest_neighbor", (
            StructArg.of("tnn_resize_nearest_params", element_size=p.itemsize,
                         rows=ConstArg("rows", "int32_t", p.rows),
                         cols=ConstArg("cols", "int32_t", p.cols)),
            dims(self.op.inputs[0].shape), TensorArg("input", 0, "void"),
            dims(self.op.outputs[0].shape), TensorArg("output", 0, "void")))
