"""ADD on tnn_add_s8: int8 inputs of the output's shape (no broadcasting) go to C;
broadcasts and other types run the NumPy reference class.
"""
from __future__ import annotations

from ..ops.add_sub import Add
from ..ops.registry import register
from ._common import SameShapeInt8BinaryC


@register("ADD", backend="c")
class AddC(SameShapeInt8BinaryC, Add):
    # int8 ADD is the same arithmetic in LiteRT's reference kernels; the type where the
    # flavors differ (int32) never reaches C, and Add.prepare picks its flavor itself.
    semantics = ("tflm", "tflite")
    kernel_name = "add"

    def c_params_struct(self):
        return self.ffi.new("tnn_add_params *", {
            "input1_offset": -self.zp1, "input2_offset": -self.zp2,
            "output_offset": self.zp_out, "left_shift": self.left_shift,
            "input1_quant": {"multiplier": self.m1, "shift": self.shift1},
            "input2_quant": {"multiplier": self.m2, "shift": self.shift2},
            "output_quant": {"multiplier": self.m_out, "shift": self.shift_out},
            "activation": {"min": int(self.act_min), "max": int(self.act_max)}})
