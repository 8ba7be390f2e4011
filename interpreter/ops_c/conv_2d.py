"""CONV_2D on the C kernels: tnn_convolve_1x1_s8, tnn_convolve_1xn_s8, tnn_convolve_s8.

int8 with constant filter and bias and no groups goes to C (the input offset
is folded into the bias once, at bind time); anything else runs the NumPy
reference class this subclasses.
"""
from __future__ import annotations

import numpy as np

from ..ops.conv_2d import Conv2D
from ..ops.registry import register
from ._common import Keep, call, check_array, dims, ffi_for, i32, lib_for, requantizer_constants, scratch_ptr


@register("CONV_2D", backend="c")
class Conv2DC(Conv2D):

    def prepare(self) -> None:
        super().prepare()
        self.kernel = None
        input_, filter_, output = self.input(0), self.input(1), self.outputs[0]
        bias = self.inputs[2] if len(self.inputs) > 2 else None
        if (input_.dtype != np.int8 or self.groups != 1 or not filter_.is_constant
                or (bias is not None and not bias.is_constant)):
            return
        lib = self.lib = lib_for(self.config.rounding)
        self.ffi = ffi_for(self.config.rounding)
        w = self.image.window
        self.in_dims, self.filter_dims, self.out_dims = (
            dims(self.ffi, input_.shape), dims(self.ffi, filter_.shape), dims(self.ffi, output.shape))
        if w.filter_h == 1 and w.filter_w == 1 and w.pad_h == 0 and w.pad_w == 0:
            self.kernel, size = "1x1", lib.tnn_convolve_1x1_s8_get_buffer_size()
        elif w.in_h == 1 and w.filter_h == 1 and w.out_h == 1 and w.dilation_w == 1:
            self.kernel = "1xn"
            size = lib.tnn_convolve_1xn_s8_get_buffer_size(self.in_dims, self.filter_dims)
        else:
            self.kernel = "general"
            size = lib.tnn_convolve_s8_get_buffer_size(self.in_dims, self.filter_dims)
        self.check(size >= 0, f"C kernel buffer size {size}")
        self.scratch_size = size
        self.scratch_index = self.request_scratch(size) if size > 0 else None

        mult, shift, zp_out, act_min, act_max = requantizer_constants(self.requantize)
        out_depth = filter_.shape[0]
        self.check(len(mult) == out_depth, "per-channel multipliers do not match the filter")
        self.quant = (i32(mult), i32(shift))
        self.c_params = self.ffi.new("tnn_conv_params *", {
            "input_offset": int(self.input_offset), "output_offset": zp_out,
            "stride": {"h": w.stride_h, "w": w.stride_w},
            "padding": {"h": w.pad_h, "w": w.pad_w},
            "dilation": {"h": w.dilation_h, "w": w.dilation_w},
            "activation": {"min": act_min, "max": act_max}})
        self.filter_c = np.ascontiguousarray(filter_.data, dtype=np.int8)
        bias_c = None if bias is None else i32(np.asarray(bias.data).reshape(-1))
        self.folded_bias = np.empty(out_depth, np.int32)
        keep = Keep(self.ffi)
        lib.tnn_fold_bias_s8(keep.ptr("int8_t *", self.filter_c), keep.ptr("int32_t *", bias_c),
                             out_depth, self.filter_c.size // out_depth, int(self.input_offset),
                             keep.ptr("int32_t *", self.folded_bias))

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        x, y = inputs[0], outputs[0]
        check_array(self, x, np.int8, self.inputs[0].num_elements, "input")
        check_array(self, y, np.int8, self.outputs[0].num_elements, "output")
        keep = Keep(self.ffi)
        args = [keep(self.c_params), keep(keep.per_channel(*self.quant)),
                keep(self.in_dims), keep.ptr("int8_t *", x),
                keep(self.filter_dims), keep.ptr("int8_t *", self.filter_c),
                keep.ptr("int32_t *", self.folded_bias),
                keep(self.out_dims), keep.ptr("int8_t *", y)]
        if self.kernel == "1x1":
            return call(keep, self.lib.tnn_convolve_1x1_s8, *args)
        buf = scratch_ptr(self, keep, scratch, self.scratch_index, self.scratch_size)
        fn = self.lib.tnn_convolve_1xn_s8 if self.kernel == "1xn" else self.lib.tnn_convolve_s8
        return call(keep, fn, *args, buf)
