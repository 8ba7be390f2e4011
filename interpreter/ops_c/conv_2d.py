"""CONV_2D on tnn_convolve_wrapper_s8 (which picks the 1x1, 1xN or general kernel), and
16x8 on tnn_convolve_s16.

int8 with constant filter and bias and no groups; the input offset is folded
with the bias into kernel sums once, here (``tnn_convolve_s8_kernel_sum``). 16x8 with constant weights and
an int64 bias or none (TFLM's int64 accumulator; an int32 bias, which TFLM sums
in int32, runs the NumPy eval). Other forms run the NumPy eval.
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
from .call import tile
from .kernel import CKernel

CONV_VARIANTS = {0: "1x1", 1: "1xn", 2: "general"}


def window_params(p, struct: str = "tnn_conv_params", **extra) -> StructArg:
    """``tnn_conv_params`` (or ``tnn_dw_conv_params`` with ``ch_mult``) of a prepared
    ``ConvParams``: the offsets (0 for 16x8), the window geometry, the activation range."""
    w, stage = p.window, p.stage
    return StructArg.of(
        struct, input_offset=p.input_offset, output_offset=stage.zero_point, **extra,
        stride=tile(w.stride_h, w.stride_w), padding=tile(w.pad_h, w.pad_w),
        dilation=tile(w.dilation_h, w.dilation_w),
        activation=activation(stage.act_min, stage.act_max))


def per_channel_quant(stage) -> StructArg:
    """The per-channel requantization constants of an ``OutputStage``."""
    return StructArg.of("tnn_per_channel_quant_params",
                        multiplier=ConstArg("multiplier", "int32_t", stage.multiplier),
                        shift=ConstArg("shift", "int32_t", stage.shift))


def input_offset_in_int8(p) -> bool:
    """Whether the input zero point lies in int8, as the int8 kernels assume (padding
    holds it as an int8 value; products fit int16 on the SIMD paths). A broken model's
    zero point outside it runs on the NumPy reference, which computes TFLM's int32
    arithmetic with any."""
    return -127 <= p.input_offset <= 128


class ConvolveCall(CKernel):
    """A tnn_convolve_wrapper_s8 call: CONV_2D, and the depthwise convolutions that are
    convolutions (one input channel)."""

    def prepare_convolve(self, filter_ohwi: np.ndarray, bias: np.ndarray | None) -> None:
        p = self.params
        out_depth = filter_ohwi.shape[0]
        self.op.check(p.stage.channels == out_depth,
                      "per-channel multipliers do not match the filter")
        self.conv_params = window_params(p)
        self.filter = np.ascontiguousarray(filter_ohwi, dtype=np.int8)
        self.in_dims = dims(self.op.inputs[0].shape)
        self.filter_dims = dims(self.filter.shape)
        self.out_dims = dims(self.op.outputs[0].shape)
        kernel_sum = np.empty(out_depth, np.int32)
        self.prepare_call("tnn_convolve_s8_kernel_sum", self.filter,
                          None if bias is None else np.asarray(bias, np.int32).reshape(-1),
                          out_depth, self.filter.size // out_depth, p.input_offset, kernel_sum)
        self.kernel_sum = kernel_sum
        shapes = (self.conv_params, self.in_dims, self.filter_dims, self.out_dims)
        self.variant = CONV_VARIANTS[self.prepare_call("tnn_convolve_wrapper_s8_select", *shapes)]
        self.request_scratch(self.prepare_call("tnn_convolve_wrapper_s8_get_buffer_size", *shapes))

    def host_call(self) -> KernelCall | None:
        packed = host.pack_weights(self, self.filter.reshape(self.filter.shape[0], -1),
                                   self.kernel_sum, self.params.stage)
        if packed is None:
            return None
        shapes = (self.conv_params, self.in_dims, self.filter_dims, self.out_dims)
        size = self.prepare_call("tnnh_convolve_s8_get_buffer_size", *shapes)
        if size < 0:
            return None
        return KernelCall("tnnh_convolve_s8", (
            HostContextArg(size), self.conv_params,
            self.in_dims, TensorArg("input", 0, "int8_t"),
            self.filter_dims, ConstArg("packed", "uint8_t", packed),
            self.out_dims, TensorArg("output", 0, "int8_t")))

    def call(self) -> KernelCall:
        return KernelCall("tnn_convolve_wrapper_s8", (
            self.context(), self.conv_params, per_channel_quant(self.params.stage),
            self.in_dims, TensorArg("input", 0, "int8_t"),
            self.filter_dims, ConstArg("filter", "int8_t", self.filter),
            ConstArg("kernel_sum", "int32_t", self.kernel_sum),
            self.out_dims, TensorArg("output", 0, "int8_t")))


@register_kernel("CONV_2D", backend="c")
class Conv2DKernel(ConvolveCall):

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return (p.dtype == np.int8 and p.groups == 1 and p.constant_operands
                and input_offset_in_int8(p))

    def prepare(self) -> None:
        self.prepare_convolve(self.params.filter, self.params.bias)


class WindowS16Kernel(CKernel):
    """A 16x8 convolution kernel (constant weights, an int64 bias or none): FUNCTION
    called with the params struct STRUCT."""
    FUNCTION = STRUCT = ""

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return p.dtype == np.int16 and p.constant_operands and p.stage.kind == "int64"

    def prepare(self) -> None:
        self.variant = "s16"

    def struct_fields(self) -> dict:
        return {}

    def call(self) -> KernelCall:
        p = self.params
        return KernelCall(self.FUNCTION, (
            window_params(p, self.STRUCT, **self.struct_fields()), per_channel_quant(p.stage),
            dims(self.op.inputs[0].shape), TensorArg("input", 0, "int16_t"),
            dims(self.op.inputs[1].shape), ConstArg("filter", "int8_t", p.filter),
            None if not p.has_bias else ConstArg("bias", "int64_t", p.bias),
            dims(self.op.outputs[0].shape), TensorArg("output", 0, "int16_t")))


@register_kernel("CONV_2D", backend="c")
class Conv2DS16Kernel(WindowS16Kernel):
    FUNCTION, STRUCT = "tnn_convolve_s16", "tnn_conv_params"
