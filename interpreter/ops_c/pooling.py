"""AVERAGE_POOL_2D and MAX_POOL_2D on tnn_avgpool_s8 / tnn_maxpool_s8 (int8);
float32 runs the NumPy reference classes.
"""
from __future__ import annotations

import numpy as np

from ..ops.pooling import AveragePool2D, MaxPool2D
from ..ops.registry import register
from ._common import Keep, call, check_array, dims, ffi_for, lib_for, scratch_ptr


class _PoolC:
    """Mixin: the C call of an int8 pooling op."""

    def prepare_c(self, avg: bool) -> None:
        self.kernel = None
        input_, output = self.input(0), self.outputs[0]
        if input_.dtype != np.int8:
            return
        lib = self.lib = lib_for(self.config.rounding)
        self.ffi = ffi_for(self.config.rounding)
        w = self.window
        self.kernel = "avg" if avg else "max"
        self.in_dims, self.out_dims = dims(self.ffi, input_.shape), dims(self.ffi, output.shape)
        self.filter_tile = self.ffi.new("tnn_tile *", {"h": w.filter_h, "w": w.filter_w})
        self.c_params = self.ffi.new("tnn_pool_params *", {
            "stride": {"h": w.stride_h, "w": w.stride_w},
            "padding": {"h": w.pad_h, "w": w.pad_w},
            "activation": {"min": int(self.act_min), "max": int(self.act_max)}})
        self.scratch_size = lib.tnn_avgpool_s8_get_buffer_size(self.out_dims) if avg else 0
        self.scratch_index = self.request_scratch(self.scratch_size) if avg else None

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        x, y = inputs[0], outputs[0]
        check_array(self, x, np.int8, self.inputs[0].num_elements, "input")
        check_array(self, y, np.int8, self.outputs[0].num_elements, "output")
        keep = Keep(self.ffi)
        args = [keep(self.c_params), keep(self.in_dims), keep.ptr("int8_t *", x),
                keep(self.filter_tile), keep(self.out_dims), keep.ptr("int8_t *", y)]
        if self.kernel == "avg":
            return call(keep, self.lib.tnn_avgpool_s8, *args,
                        scratch_ptr(self, keep, scratch, self.scratch_index, self.scratch_size))
        return call(keep, self.lib.tnn_maxpool_s8, *args)


@register("AVERAGE_POOL_2D", backend="c")
class AveragePool2DC(_PoolC, AveragePool2D):

    def prepare(self) -> None:
        super().prepare()
        self.prepare_c(avg=True)


@register("MAX_POOL_2D", backend="c")
class MaxPool2DC(_PoolC, MaxPool2D):

    def prepare(self) -> None:
        super().prepare()
        self.prepare_c(avg=False)
