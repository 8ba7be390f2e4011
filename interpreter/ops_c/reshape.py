"""RESHAPE, SQUEEZE and EXPAND_DIMS on tnn_reshape: a byte copy, any element type."""
from __future__ import annotations

from ..ops.registry import register_kernel
from .call import KernelCall
from .call import TensorArg
from .kernel import CKernel


@register_kernel("RESHAPE", "SQUEEZE", "EXPAND_DIMS", backend="c")
class ReshapeKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        return op.params is not None

    def prepare(self) -> None:
        self.variant = "copy"

    def call(self) -> KernelCall:
        return KernelCall("tnn_reshape", (TensorArg("input", 0, "void"),
                                          TensorArg("output", 0, "void"), self.params.nbytes))
