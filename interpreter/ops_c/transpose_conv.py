"""TRANSPOSE_CONV on tnn_transpose_conv_s8 / tnn_transpose_conv_s16 (int8 and 16x8 with
constant weights). The kernels sum in the working memory the NumPy op requests for
TFLM's scratch (one output's sums), so the arena stays TFLM's."""
from __future__ import annotations

import numpy as np

from ..ops.registry import register_kernel
from .call import ConstArg
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import activation
from .call import dims
from .call import tile
from .conv_2d import per_channel_quant
from .kernel import CKernel

# TRANSPOSE_CONV's inputs: 0 output shape, 1 filter, 2 input, 3 bias
FILTER, INPUT = 1, 2


@register_kernel("TRANSPOSE_CONV", backend="c")
class TransposeConvKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return (p.dtype in (np.int8, np.int16) and p.constant_operands
                and p.stage.kind == ("int32" if p.dtype == np.int8 else "int64"))

    def prepare(self) -> None:
        p = self.params
        self.s16 = p.dtype == np.int16
        self.variant = "s16" if self.s16 else "s8"
        self.out_dims = dims(self.op.outputs[0].shape)
        size = self.prepare_call(f"tnn_transpose_conv_{self.variant}_get_buffer_size",
                                 self.out_dims)
        # the NumPy op's scratch request is TFLM's one-output buffer: the kernel's own
        self.op.check(self.op.scratch_sizes[p.scratch] >= size,
                      f"scratch of {self.op.scratch_sizes[p.scratch]} bytes, kernel needs {size}")
        self.scratch_index, self.scratch_size = p.scratch, size

    def call(self) -> KernelCall:
        p, stage = self.params, self.params.stage
        act = "int16_t" if self.s16 else "int8_t"
        bias = None
        if p.has_bias:   # int64 for 16x8 (an int16 bias widened, as TFLM widens it)
            bias = ConstArg("bias", "int64_t" if self.s16 else "int32_t", p.bias)
        params = StructArg.of(
            "tnn_conv_params", input_offset=p.input_offset, output_offset=stage.zero_point,
            stride=tile(*p.stride), padding=tile(*p.padding), dilation=tile(1, 1),
            activation=activation(stage.act_min, stage.act_max))
        return KernelCall(f"tnn_transpose_conv_{self.variant}", (
            self.context(), params, per_channel_quant(stage),
            dims(self.op.inputs[INPUT].shape), TensorArg("input", INPUT, act),
            dims(self.op.inputs[FILTER].shape), ConstArg("filter", "int8_t", p.filter), bias,
            self.out_dims, TensorArg("output", 0, act)))
