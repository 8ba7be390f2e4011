"""ADD on tnn_add_s8: int8 inputs of the output's shape (no broadcasting) go to C;
broadcasts and other types run the NumPy reference class.
"""
from __future__ import annotations

import numpy as np

from ..ops.add_sub import Add
from ..ops.registry import register
from ._common import Keep, call, check_array, ffi_for, lib_for


@register("ADD", backend="c")
class AddC(Add):
    # int8 ADD is the same arithmetic in LiteRT's reference kernels; the type where the
    # flavors differ (int32) never reaches C, and Add.prepare picks its flavor itself.
    semantics = ("tflm", "tflite")

    def prepare(self) -> None:
        super().prepare()
        self.kernel = None
        in1, in2, out = self.input(0), self.input(1), self.outputs[0]
        if out.dtype != np.int8 or not (in1.shape == in2.shape == out.shape):
            return
        self.lib = lib_for(self.config.rounding)
        self.ffi = ffi_for(self.config.rounding)
        self.kernel = "add"
        self.c_params = self.ffi.new("tnn_add_params *", {
            "input1_offset": -self.zp1, "input2_offset": -self.zp2,
            "output_offset": self.zp_out, "left_shift": self.left_shift,
            "input1_quant": {"multiplier": self.m1, "shift": self.shift1},
            "input2_quant": {"multiplier": self.m2, "shift": self.shift2},
            "output_quant": {"multiplier": self.m_out, "shift": self.shift_out},
            "activation": {"min": int(self.act_min), "max": int(self.act_max)}})

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        n = self.outputs[0].num_elements
        for a, what in ((inputs[0], "input 1"), (inputs[1], "input 2"), (outputs[0], "output")):
            check_array(self, np.ascontiguousarray(a), np.int8, n, what)
        keep = Keep(self.ffi)
        return call(keep, self.lib.tnn_add_s8, keep(self.c_params),
                    keep.ptr("int8_t *", np.ascontiguousarray(inputs[0])),
                    keep.ptr("int8_t *", np.ascontiguousarray(inputs[1])),
                    keep.ptr("int8_t *", outputs[0]), n)
