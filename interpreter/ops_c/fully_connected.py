"""FULLY_CONNECTED on the C kernel tnn_fully_connected_s8 (per-tensor weights with
their zero point, or per-channel weights). int8 with a constant filter (int8, or
int4 which the loader has unpacked to int8 values) and bias goes to C; anything
else (float32, the 16x8 int16 x int8 path, run-time weights) runs the NumPy
reference class: the kernel takes int8 activations only.
"""
from __future__ import annotations

import numpy as np

from ..ops.fully_connected import FullyConnected
from ..ops.registry import register
from ._common import Keep, call, check_array, dims, ffi_for, i32, lib_for, requantizer_constants, scratch_ptr


@register("FULLY_CONNECTED", backend="c")
class FullyConnectedC(FullyConnected):

    def prepare(self) -> None:
        super().prepare()
        self.kernel = None
        input_, filter_, output = self.input(0), self.input(1), self.outputs[0]
        bias = self.inputs[2] if len(self.inputs) > 2 else None
        if (input_.dtype != np.int8 or output.dtype != np.int8
                or not (filter_.dtype == np.int8 or filter_.is_int4)
                or not filter_.is_constant
                or (bias is not None and not bias.is_constant)):
            return
        lib = self.lib = lib_for(self.config.rounding)
        self.ffi = ffi_for(self.config.rounding)
        units, depth = filter_.shape
        batches = self.rows_shape[0]
        self.kernel = "fc"
        self.in_dims, self.filter_dims = dims(self.ffi, (batches, depth)), dims(self.ffi, (units, depth))
        q = filter_.quantization
        filter_offset = 0 if q.per_channel else -int(q.zero_point[0])
        size = lib.tnn_fully_connected_s8_get_buffer_size(self.filter_dims)
        # the kernel needs its row buffer only for weights with a zero point
        self.scratch_size = size if filter_offset else 0
        self.scratch_index = self.request_scratch(size) if filter_offset else None
        mult, shift, zp_out, act_min, act_max = requantizer_constants(self.requantize)
        self.check(len(mult) == units, "multipliers do not match the units")
        self.quant = (i32(mult), i32(shift))
        self.c_params = self.ffi.new("tnn_fc_params *", {
            "input_offset": int(self.input_offset), "filter_offset": filter_offset,
            "output_offset": zp_out, "activation": {"min": act_min, "max": act_max}})
        self.filter_c = np.ascontiguousarray(filter_.data, dtype=np.int8)
        bias_c = None if bias is None else i32(np.asarray(bias.data).reshape(-1))
        self.kernel_sum = np.empty(units, np.int32)
        keep = Keep(self.ffi)
        lib.tnn_fully_connected_s8_kernel_sum(
            self.c_params, keep.ptr("int8_t *", self.filter_c), keep.ptr("int32_t *", bias_c),
            units, depth, keep.ptr("int32_t *", self.kernel_sum))

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        x, y = inputs[0], outputs[0]
        check_array(self, x, np.int8, self.inputs[0].num_elements, "input")
        check_array(self, y, np.int8, self.outputs[0].num_elements, "output")
        keep = Keep(self.ffi)
        return call(keep, self.lib.tnn_fully_connected_s8, keep(self.c_params),
                    keep(keep.per_channel(*self.quant)), keep(self.in_dims),
                    keep.ptr("int8_t *", x), keep(self.filter_dims),
                    keep.ptr("int8_t *", self.filter_c), keep.ptr("int32_t *", self.kernel_sum),
                    keep.ptr("int8_t *", y),
                    scratch_ptr(self, keep, scratch, self.scratch_index, self.scratch_size))
