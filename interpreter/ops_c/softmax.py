"""SOFTMAX on tnn_softmax_s8 (int8 in, int8 out); other types run the NumPy class.

The kernel reports the rows TFLM aborts on (exponentials summing to 512 or
more); the bound call checks its status and raises the NumPy op's error.
"""
from __future__ import annotations

import numpy as np

from ..ops.registry import register
from ..ops.softmax import Softmax
from ._common import Keep, check_array, ffi_for, lib_for


@register("SOFTMAX", backend="c")
class SoftmaxC(Softmax):

    def prepare(self) -> None:
        super().prepare()
        self.kernel = None
        if self.in_dtype != np.int8 or self.out_dtype != np.int8:
            return
        self.lib = lib_for(self.config.rounding)
        self.ffi = ffi_for(self.config.rounding)
        self.kernel = "softmax"
        self.c_params = self.ffi.new("tnn_softmax_params *", {
            "input_multiplier": int(self.input_multiplier),
            "input_left_shift": int(self.input_left_shift),
            "diff_min": int(self.diff_min)})

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        x, y = inputs[0], outputs[0]
        n = self.outputs[0].num_elements
        check_array(self, x, np.int8, n, "input")
        check_array(self, y, np.int8, n, "output")
        depth = int(self.outputs[0].shape[-1])
        rows = n // depth if depth else 0
        keep = Keep(self.ffi)
        fn, params = self.lib.tnn_softmax_s8, keep(self.c_params)
        px, py = keep.ptr("int8_t *", x), keep.ptr("int8_t *", y)
        numpy_eval, ins, outs = self.eval, inputs, outputs

        def run(keep=keep):
            if fn(params, px, rows, depth, py) != 0:
                numpy_eval(ins, outs, scratch)   # raises the NumPy op's error
        return run
