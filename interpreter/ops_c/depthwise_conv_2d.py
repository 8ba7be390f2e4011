"""DEPTHWISE_CONV_2D on the C kernels: tnn_depthwise_conv_3x3_s8 (3x3, multiplier 1,
dilation 1, padding <= 1), tnn_depthwise_conv_mult1_s8 (multiplier 1), and
tnn_depthwise_conv_s8 (any multiplier). float32 runs the NumPy reference class.

A depthwise convolution of a one-channel input (person_detect's first layer:
1 channel x multiplier 8) is an ordinary convolution with ``multiplier``
filters: with a constant filter it runs as CONV_2D (tnn_convolve_s8, filter
[1, kh, kw, M] viewed as OHWI [M, kh, kw, 1], input offset folded into the bias),
whose matrix product vectorizes over the window instead of over 8 channels.
The sums are the same int32 sums, so the result is bit-exact.
"""
from __future__ import annotations

import numpy as np

from ..ops.depthwise_conv_2d import DepthwiseConv2D
from ..ops.registry import register
from ._common import Keep, call, check_array, dims, ffi_for, i32, lib_for, requantizer_constants, scratch_ptr
from .conv_2d import bind_conv_call, prepare_conv_call


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
        if (input_.shape[3] == 1 and self.multiplier > 1 and filter_.is_constant
                and (len(self.inputs) < 3 or self.inputs[2] is None or self.inputs[2].is_constant)):
            self._prepare_as_conv(lib, input_, filter_, output)
            return
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

    def _prepare_as_conv(self, lib, input_, filter_, output) -> None:
        w = self.window
        out_depth = output.shape[3]
        self.kernel = "conv"
        # [1, kh, kw, M] -> OHWI [M, kh, kw, 1]
        filter_ohwi = (np.asarray(filter_.data, dtype=np.int8)
                       .reshape(w.filter_h, w.filter_w, out_depth).transpose(2, 0, 1)
                       .reshape(out_depth, w.filter_h, w.filter_w, 1))
        self.filter_dims = dims(self.ffi, filter_ohwi.shape)
        size = lib.tnn_convolve_s8_get_buffer_size(self.in_dims, self.filter_dims)
        self.check(size > 0, f"C kernel buffer size {size}")
        self.scratch_size = size
        self.scratch_index = self.request_scratch(size)
        prepare_conv_call(self, lib, w, filter_ohwi,
                          self.inputs[2] if len(self.inputs) > 2 else None)

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        if self.kernel == "conv":
            return bind_conv_call(self, self.lib.tnn_convolve_s8, inputs, outputs, scratch)
        x, filt, y = inputs[0], inputs[1], outputs[0]
        bias = inputs[2] if len(inputs) > 2 else None
        out_depth = self.outputs[0].shape[3]
        check_array(self, x, np.int8, self.inputs[0].num_elements, "input")
        check_array(self, y, np.int8, self.outputs[0].num_elements, "output")
        check_array(self, filt, np.int8, self.inputs[1].num_elements, "filter")
        if bias is not None:
            bias = bias.reshape(-1)
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
