"""FULLY_CONNECTED on tnn_fully_connected_s8: int8 activations, constant int8 weights
(or int4, which the loader unpacked to int8 values) per-tensor with their zero point
or per-channel, requantized with MBQM (TFLM's arithmetic; LiteRT's floating-point
requantization runs the NumPy eval); 16x8 with constant weights and an int64 bias or
none (TFLM's int64 accumulator) on tnn_fully_connected_s16.

float32 with constant weights (and bias) on tnn_fully_connected_f32, in both
flavors: their one difference, whose NaN wins where the dot product and the bias
are both NaN, is the prepared form's ``bias_nan_wins``.
"""
from __future__ import annotations

import numpy as np

from ..ops.registry import register_kernel
from . import host
from .call import ConstArg
from .call import HostContextArg
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import activation
from .call import dims
from .call import float_activation
from .conv_2d import per_channel_quant
from .kernel import CKernel


@register_kernel("FULLY_CONNECTED", backend="c")
class FullyConnectedKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return (p.dtype == np.int8 and op.outputs[0].dtype == np.int8 and p.stage.kind == "int32"
                and p.filter is not None and p.filter.dtype == np.int8 and p.constant_operands)

    def prepare(self) -> None:
        p = self.params
        self.op.check(p.stage.channels == p.units, "multipliers do not match the units")
        self.fc_params = StructArg.of(
            "tnn_fc_params", input_offset=p.input_offset, filter_offset=p.filter_offset,
            output_offset=p.stage.zero_point,
            activation=activation(p.stage.act_min, p.stage.act_max))
        self.in_dims, self.filter_dims = dims((p.batches, p.depth)), dims((p.units, p.depth))
        self.filter = np.ascontiguousarray(p.filter, dtype=np.int8)
        self.kernel_sum = np.empty(p.units, np.int32)
        self.prepare_call("tnn_fully_connected_s8_kernel_sum", self.fc_params, self.filter,
                          None if p.bias is None else np.asarray(p.bias, np.int32).reshape(-1),
                          p.units, p.depth, self.kernel_sum)
        self.variant = "fc"
        self.request_scratch(self.prepare_call("tnn_fully_connected_s8_get_buffer_size",
                                               self.fc_params, self.filter_dims))

    def host_call(self) -> KernelCall | None:
        if self.params.filter_offset != 0:
            return None
        packed = host.pack_weights(self, self.filter, self.kernel_sum, self.params.stage)
        if packed is None:
            return None
        return KernelCall("tnnh_fully_connected_s8", (
            HostContextArg(self.prepare_call("tnnh_fully_connected_s8_get_buffer_size",
                                             self.in_dims)),
            self.fc_params, self.in_dims, TensorArg("input", 0, "int8_t"),
            ConstArg("packed", "uint8_t", packed), TensorArg("output", 0, "int8_t")))

    def call(self) -> KernelCall:
        return KernelCall("tnn_fully_connected_s8", (
            self.context(), self.fc_params, per_channel_quant(self.params.stage),
            self.in_dims, TensorArg("input", 0, "int8_t"),
            self.filter_dims, ConstArg("filter", "int8_t", self.filter),
            ConstArg("kernel_sum", "int32_t", self.kernel_sum),
            TensorArg("output", 0, "int8_t")))


@register_kernel("FULLY_CONNECTED", backend="c")
class FullyConnectedS16Kernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return (p.dtype == np.int16 and p.stage.kind == "int64" and p.filter is not None
                and p.filter.dtype == np.int8 and p.constant_operands)

    def prepare(self) -> None:
        self.op.check(self.params.stage.channels == self.params.units,
                      "multipliers do not match the units")
        self.variant = "s16"

    def call(self) -> KernelCall:
        p, stage = self.params, self.params.stage
        return KernelCall("tnn_fully_connected_s16", (
            StructArg.of("tnn_fc_params", input_offset=p.input_offset,
                         filter_offset=p.filter_offset, output_offset=stage.zero_point,
                         activation=activation(stage.act_min, stage.act_max)),
            per_channel_quant(stage),
            dims((p.batches, p.depth)), TensorArg("input", 0, "int16_t"),
            dims((p.units, p.depth)), ConstArg("filter", "int8_t", p.filter),
            None if not p.has_bias else ConstArg("bias", "int64_t", p.bias),
            TensorArg("output", 0, "int16_t")))


@register_kernel("FULLY_CONNECTED", backend="c")
class FullyConnectedFloatKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return (p.dtype == np.float32 and op.outputs[0].dtype == np.float32
                and p.constant_operands and min(p.batches, p.depth, p.units) >= 1)

    def prepare(self) -> None:
        self.variant = "fc_f32"

    def call(self) -> KernelCall:
        p = self.params
        bias = None if p.bias is None else ConstArg("bias", "float", p.bias)
        return KernelCall("tnn_fully_connected_f32", (
            StructArg.of("tnn_fc_f32_params", activation=float_activation(*p.float_range),
                         bias_nan_first=int(p.bias_nan_wins)),
            dims((p.batches, p.depth)), TensorArg("input", 0, "float"),
            dims((p.units, p.depth)), ConstArg("filter", "float", p.filter), bias,
            TensorArg("output", 0, "float")))
