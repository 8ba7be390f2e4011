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


def prepare_conv_call(op, lib, window, filter_ohwi: np.ndarray, bias) -> None:
    """The arguments of a tnn_convolve_* call that prepare can fix: per-channel
    multipliers and shifts, the parameter struct, the int8 OHWI filter, and the bias
    with the input offset folded in (sum of filter taps x input offset, once)."""
    mult, shift, zp_out, act_min, act_max = requantizer_constants(op.requantize)
    out_depth = filter_ohwi.shape[0]
    op.check(len(mult) == out_depth, "per-channel multipliers do not match the filter")
    op.quant = (i32(mult), i32(shift))
    w = window
    op.c_params = op.ffi.new("tnn_conv_params *", {
        "input_offset": int(op.input_offset), "output_offset": zp_out,
        "stride": {"h": w.stride_h, "w": w.stride_w},
        "padding": {"h": w.pad_h, "w": w.pad_w},
        "dilation": {"h": w.dilation_h, "w": w.dilation_w},
        "activation": {"min": act_min, "max": act_max}})
    op.filter_c = np.ascontiguousarray(filter_ohwi, dtype=np.int8)
    bias_c = None if bias is None else i32(np.asarray(bias.data).reshape(-1))
    op.folded_bias = np.empty(out_depth, np.int32)
    keep = Keep(op.ffi)
    lib.tnn_fold_bias_s8(keep.ptr("int8_t *", op.filter_c), keep.ptr("int32_t *", bias_c),
                         out_depth, op.filter_c.size // out_depth, int(op.input_offset),
                         keep.ptr("int32_t *", op.folded_bias))


def bind_conv_call(op, fn, inputs, outputs, scratch, with_scratch: bool = True):
    """One pre-bound tnn_convolve_* call on the op's arena views."""
    x, y = inputs[0], outputs[0]
    check_array(op, x, np.int8, op.inputs[0].num_elements, "input")
    check_array(op, y, np.int8, op.outputs[0].num_elements, "output")
    keep = Keep(op.ffi)
    args = [keep(op.c_params), keep(keep.per_channel(*op.quant)),
            keep(op.in_dims), keep.ptr("int8_t *", x),
            keep(op.filter_dims), keep.ptr("int8_t *", op.filter_c),
            keep.ptr("int32_t *", op.folded_bias),
            keep(op.out_dims), keep.ptr("int8_t *", y)]
    if with_scratch:
        args.append(scratch_ptr(op, keep, scratch, op.scratch_index, op.scratch_size))
    return call(keep, fn, *args)


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

        prepare_conv_call(self, lib, w, np.asarray(filter_.data, dtype=np.int8), bias)

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        fn = {"1x1": self.lib.tnn_convolve_1x1_s8, "1xn": self.lib.tnn_convolve_1xn_s8,
              "general": self.lib.tnn_convolve_s8}[self.kernel]
        return bind_conv_call(self, fn, inputs, outputs, scratch, with_scratch=self.kernel != "1x1")
