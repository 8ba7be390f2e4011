"""MUL on tnn_mul_s8: int8 inputs of the output's shape (no broadcasting) go to C;
broadcasts and other types run the NumPy reference class.
"""
from __future__ import annotations

from ..ops.mul import Mul
from ..ops.registry import register
from ._common import SameShapeInt8BinaryC


@register("MUL", backend="c")
class MulC(SameShapeInt8BinaryC, Mul):
    kernel_name = "mul"

    def c_params_struct(self):
        return self.ffi.new("tnn_mul_params *", {
            "input1_offset": -self.zp1, "input2_offset": -self.zp2,
            "output_offset": self.zp_out,
            "output_quant": {"multiplier": int(self.multiplier), "shift": int(self.shift)},
            "activation": {"min": int(self.act_min), "max": int(self.act_max)}})
