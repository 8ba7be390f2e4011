"""SOFTMAX on tnn_softmax_s8 (int8 in, int8 out).

The kernel reports the rows TFLM aborts on (exponentials summing to 512 or
more) with a non-zero status; the NumPy eval then raises the op's error.
"""
from __future__ import annotations

from ..ops.registry import register_kernel
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .kernel import CKernel


@register_kernel("SOFTMAX", backend="c")
class SoftmaxKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        return op.params is not None   # int8 -> int8 only has a prepared form

    def prepare(self) -> None:
        self.variant = "softmax"

    def call(self) -> KernelCall:
        p, out = self.params, self.op.outputs[0]
        depth = int(out.shape[-1])
        rows = out.num_elements // depth if depth else 0
        return KernelCall("tnn_softmax_s8", (
            StructArg.of("tnn_softmax_params", input_multiplier=p.input_multiplier,
                         input_left_shift=p.input_left_shift, diff_min=p.diff_min),
            TensorArg("input", 0, "int8_t"), rows, depth, TensorArg("output", 0, "int8_t")))

    def failure(self, status: int) -> Exception:
        inputs, outputs, scratch = self.bound_arrays
        self.op.setup_eval()
        try:
            self.op.eval(inputs, outputs, scratch)   # raises the op's own error
        except Exception as e:  # noqa: BLE001 - the NumPy eval's typed error is the answer
            return e
        return super().failure(status)
