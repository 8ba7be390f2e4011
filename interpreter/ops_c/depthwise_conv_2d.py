"""DEPTHWISE_CONV_2D on tnn_depthwise_conv_wrapper_s8 (which picks the 3x3,
multiplier-1 or general kernel), int8; and 16x8 (constant weights, an int64 bias or
none) on tnn_depthwise_conv_s16.

A depthwise convolution of a one-channel input (person_detect's first layer:
1 channel x multiplier 8) is an ordinary convolution with ``multiplier``
filters: it runs as CONV_2D (tnn_convolve_wrapper_s8, the filter [1, kh, kw, M]
viewed as OHWI [M, kh, kw, 1], the input offset folded into the bias), whose
matrix product vectorizes over the window instead of over 8 channels. The sums
are the same int32 sums, so the result is bit-exact.
"""
from __future__ import annotations

import numpy as np

from ..ops.registry import register_kernel
from . import host
from .call import ConstArg
from .call import HostContextArg
from .call import KernelCall
from .call import TensorArg
from .call import dims
from .conv_2d import ConvolveCall
from .conv_2d import WindowS16Kernel
from .conv_2d import input_offset_in_int8
from .conv_2d import per_channel_quant
from .conv_2d import window_params

DW_VARIANTS = {0: "3x3", 1: "mult1", 2: "general"}


@register_kernel("DEPTHWISE_CONV_2D", backend="c")
class DepthwiseConv2DKernel(ConvolveCall):

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        # weights computed at run time are read from the arena, except by the
        # convolution form, which reorders the filter once
        return (p.dtype == np.int8 and (p.constant_operands or not cls.is_convolution(p))
                and input_offset_in_int8(p))

    @staticmethod
    def is_convolution(p) -> bool:
        return p.in_depth == 1 and p.depth_multiplier > 1

    def prepare(self) -> None:
        p, w = self.params, self.params.window
        self.as_convolution = self.is_convolution(p)
        if self.as_convolution:
            # [1, kh, kw, M] -> OHWI [M, kh, kw, 1]
            ohwi = (np.asarray(p.filter, np.int8).reshape(w.filter_h, w.filter_w, p.out_depth)
                    .transpose(2, 0, 1).reshape(p.out_depth, w.filter_h, w.filter_w, 1))
            self.prepare_convolve(ohwi, p.bias)
            self.variant = "conv"
            return
        self.op.check(p.stage.channels == p.out_depth, "per-channel multipliers do not match")
        self.dw_params = window_params(p, "tnn_dw_conv_params", ch_mult=p.depth_multiplier)
        self.in_dims = dims(self.op.inputs[0].shape)
        self.filter_dims = dims(self.op.inputs[1].shape)
        self.out_dims = dims(self.op.outputs[0].shape)
        shapes = (self.dw_params, self.in_dims, self.filter_dims, self.out_dims)
        self.variant = DW_VARIANTS[self.prepare_call("tnn_depthwise_conv_wrapper_s8_select",
                                                     *shapes)]
        self.request_scratch(self.prepare_call("tnn_depthwise_conv_wrapper_s8_get_buffer_size",
                                               *shapes))

    def host_call(self) -> KernelCall | None:
        if self.as_convolution:
            return super().host_call()
        p = self.params
        if p.depth_multiplier != 1 or p.filter is None or (p.has_bias and p.bias is None):
            return None
        shapes = (self.dw_params, self.in_dims, self.filter_dims)
        size = self.prepare_call("tnnh_dw_pack_size", *shapes)
        if size < 0:
            return None
        packed = host.aligned_empty(size)
        bias = None if not p.has_bias else np.ascontiguousarray(p.bias, np.int32).reshape(-1)
        if self.prepare_call("tnnh_dw_pack", *shapes, np.ascontiguousarray(p.filter, np.int8),
                             bias, per_channel_quant(p.stage), packed) != 0:
            return None
        scratch = self.prepare_call("tnnh_depthwise_conv_s8_get_buffer_size", *shapes,
                                    self.out_dims)
        if scratch < 0:
            return None
        return KernelCall("tnnh_depthwise_conv_s8", (
            HostContextArg(scratch), self.dw_params, self.in_dims, TensorArg("input", 0, "int8_t"),
            self.filter_dims, ConstArg("packed", "uint8_t", packed),
            self.out_dims, TensorArg("output", 0, "int8_t")))

    def call(self) -> KernelCall:
        if self.as_convolution:
            return super().call()
        p = self.params
        filter_ = (TensorArg("input", 1, "int8_t") if p.filter is None
                   else ConstArg("filter", "int8_t", p.filter))
        bias = (None if not p.has_bias else TensorArg("input", 2, "int32_t") if p.bias is None
                else ConstArg("bias", "int32_t", p.bias))
        return KernelCall("tnn_depthwise_conv_wrapper_s8", (
            self.context(), self.dw_params, per_channel_quant(p.stage),
            self.in_dims, TensorArg("input", 0, "int8_t"), self.filter_dims, filter_, bias,
            self.out_dims, TensorArg("output", 0, "int8_t")))


@register_kernel("DEPTHWISE_CONV_2D", backend="c")
class DepthwiseConv2DS16Kernel(WindowS16Kernel):
    FUNCTION, STRUCT = "tnn_depthwise_conv_s16", "tnn_dw_conv_params"

    def struct_fields(self) -> dict:
        return {"ch_mult": self.params.depth_multiplier}
