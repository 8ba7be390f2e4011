"""ADD, SUB and MUL on tnn_add_s8 / tnn_mul_s8: int8 operands of the output's own shape
(no broadcast) run over the flat buffers; broadcasts and other types run the NumPy eval.

All three are the same arithmetic in LiteRT's reference kernels for int8 (where the
flavors differ, int32 ADD, there is no C kernel; int8 SUB agreeing is pinned by
tests/test_semantics_tflite.py). SUB is ADD with input 2's scaled value negated
(``AddParams.sign``), which tnn_add_s8 takes as ``subtract``.
"""
from __future__ import annotations

import numpy as np

from ..ops.common import zero_point_of
from ..ops.registry import register_kernel
from . import host
from .call import ConstArg
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import activation
from .kernel import CKernel


def _per_tensor(multiplier: int, shift: int) -> StructArg:
    return StructArg.of("tnn_per_tensor_quant_params", multiplier=multiplier, shift=shift)


class _SameShapeInt8(CKernel):
    function: str

    @classmethod
    def accepts(cls, op) -> bool:
        in1, in2, out = op.inputs[0], op.inputs[1], op.outputs[0]
        # zero points outside int8 (a broken model) run on the NumPy reference: the
        # vector paths keep offsets and outputs in 16-bit lanes
        return (op.params is not None and out.dtype == np.int8
                and in1.shape == in2.shape == out.shape
                and all(-128 <= zero_point_of(t) <= 127 for t in (in1, in2, out)))

    def prepare(self) -> None:
        self.variant = self.op.node.op_name.lower()   # "add", "sub", "mul"

    def struct(self) -> StructArg:
        raise NotImplementedError

    def call(self) -> KernelCall:
        return KernelCall(self.function, (
            self.struct(), TensorArg("input", 0, "int8_t"), TensorArg("input", 1, "int8_t"),
            TensorArg("output", 0, "int8_t"), self.op.outputs[0].num_elements))


@register_kernel("ADD", "SUB", backend="c")
class AddKernel(_SameShapeInt8):
    function = "tnn_add_s8"

    def host_call(self) -> KernelCall | None:
        struct = self.struct()
        packed = host.aligned_empty(self.prepare_call("tnnh_add_pack_size"))
        if self.prepare_call("tnnh_add_pack", struct, packed) != 0:
            return None
        # tnnh_add_s8_packed hands what its vector code does not take to tnn_add_s8
        args = self.call().args
        return KernelCall("tnnh_add_s8_packed",
                          (args[0], ConstArg("packed", "uint8_t", packed), *args[1:]))

    def struct(self) -> StructArg:
        p = self.params
        return StructArg.of(
            "tnn_add_params", input1_offset=p.input1_offset, input2_offset=p.input2_offset,
            output_offset=p.output_offset, left_shift=p.left_shift, subtract=int(p.sign < 0),
            input1_quant=_per_tensor(p.input1_multiplier, p.input1_shift),
            input2_quant=_per_tensor(p.input2_multiplier, p.input2_shift),
            output_quant=_per_tensor(p.output_multiplier, p.output_shift),
            activation=activation(p.act_min, p.act_max))


@register_kernel("MUL", backend="c")
class MulKernel(_SameShapeInt8):
    function = "tnn_mul_s8"

    def struct(self) -> StructArg:
        p = self.params
        return StructArg.of(
            "tnn_mul_params", input1_offset=p.input1_offset, input2_offset=p.input2_offset,
            output_offset=p.output_offset,
            output_quant=_per_tensor(p.output_multiplier, p.output_shift),
            activation=activation(p.act_min, p.act_max))
