"""DEPTHWISE_CONV_2D on the C kernels: tnn_depthwise_conv_3x3_s8 (3x3, multiplier 1,
dilation 1, padding <= 1), tnn_depthwise_conv_mult1_s8 (multiplier 1), and
tnn_depthwise_conv_s8 (any multiplier). float32 runs the NumPy reference class.
"""
from __future__ import annotations

import numpy as np

from ..ops.depthwise_conv_2d import DepthwiseConv2D
from ..ops.registry import register
from ._common import Keep, call, check_array, dims, ffi_for, i32, lib_for, requantizer_constants, scratch_ptr


@register("DEPTHWISE_CONV_2D", backend="c")
class DepthwiseConv2DC(DepthwiseConv2D):

    def prepare(self) -> None:
        super().prepare()
        self.kernel = None
        input_, filter_, output = self.input(0), self.input(1), self.outputs[0]
        if input_.dtype != np.int8:
            return
        lib = self.lib = lib_for(self.config.rounding)
        self.ffi = ffi_for(self.config.rounding)
        w = self.window
        self.in_dims, self.filter_dims, self.out_dims = (
            dims(self.ffi, input_.shape), dims(self.ffi, filter_.shape), dims(self.ffi, output.shape))
        if (self.multiplier == 1 and (w.filter_h, w.filter_w) == (3, 3)
                and (w.dilation_h, w.dilation_w) == (1, 1) and w.pad_h <= 1 and w.pad_w <= 1):
            self.kernel = "3x3"
            size = lib.tnn_depthwise_conv_3x3_s8_get_buffer_size(self.out_dims)
        elif self.multiplier == 1:
            self.kernel = "mult1"
            size = lib.tnn_depthwise_conv_mult1_s8_get_buffer_size(self.out_dims)
        else:
            self.kernel = "general"
            size = lib.tnn_depthwise_conv_s8_get_buffer_size(self.out_dims)
        self.check(size > 0, f"C kernel buffer size {size}")
        self.scratch_size = size
        self.scratch_index = self.request_scratch(size)
        mult, shift, zp_out, act_min, act_max = requantizer_constants(self.requantize)
        self.check(len(mult) == output.shape[3], "per-channel multipliers do not match")
        self.quant = (i32(mult), i32(shift))
        self.c_params = self.ffi.new("tnn_dw_conv_params *", {
            "input_offset": int(self.input_offset), "output_offset": zp_out,
            "ch_mult": self.multiplier,
            "stride": {"h": w.stride_h, "w": w.stride_w},
            "padding": {"h": w.pad_h, "w": w.pad_w},
            "dilation": {"h": w.dilation_h, "w": w.dilation_w},
            "activation": {"min": act_min, "max": act_max}})

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        x, filt, y = inputs[0], inputs[1], outputs[0]
        bias = inputs[2] if len(inputs) > 2 else None
        out_depth = self.outputs[0].shape[3]
        check_array(self, x, np.int8, self.inputs[0].num_elements, "input")
        check_array(self, y, np.int8, self.outputs[0].num_elements, "output")
        filt = np.ascontiguousarray(filt)
        check_array(self, filt, np.int8, self.inputs[1].num_elements, "filter")
        if bias is not None:
            bias = np.ascontiguousarray(bias).reshape(-1)
            check_array(self, bias, np.int32, out_depth, "bias")
        keep = Keep(self.ffi)
        fn = {"3x3": self.lib.tnn_depthwise_conv_3x3_s8,
              "mult1": self.lib.tnn_depthwise_conv_mult1_s8,
              "general": self.lib.tnn_depthwise_conv_s8}[self.kernel]
        return call(keep, fn, keep(self.c_params), keep(keep.per_channel(*self.quant)),
                    keep(self.in_dims), keep.ptr("int8_t *", x),
                    keep(self.filter_dims), keep.ptr("int8_t *", filt),
                    keep.ptr("int32_t *", bias), keep(self.out_dims), keep.ptr("int8_t *", y),
                    scratch_ptr(self, keep, scratch, self.scratch_index, self.scratch_size))
