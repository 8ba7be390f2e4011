"""ADD and SUB.

Quantized (int8, int16) arithmetic, from ``micro/kernels/add_common.cc``,
``sub_common.cc`` and ``reference/integer_ops/add.h`` / ``reference/sub.h``:
both inputs are shifted left (20 bits for int8, 15 for int16), scaled to a
common scale 2 * max(s1, s2) by multipliers below one, added (subtracted),
and the result rescaled to the output scale::

    y = MBQM(MBQM((x1-zp1) << ls, m1) +- MBQM((x2-zp2) << ls, m2), m_out) + zp_out

The real multipliers are computed in double for both ops. (Some TFLM
source versions of ``sub_common.cc`` compute SUB's in float32; the runtime
this project matches does not, which a test pins down.)

Float and int32 compute ``a +- b`` and clamp to the fused activation's range,
except int32 ADD, which TFLM (``add.cc``) does not clamp at all: it wraps and
ignores the activation. ``semantics="tflite"``: LiteRT's int32 ADD wraps, then
clamps to the activation's range (``CalculateActivationRange<int32_t>``, RELU6:
``[0, 6]``), as SUB does in both runtimes.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import ChannelMultiplier
from .common import scale_of
from .common import zero_point_of
from .elementwise import BinaryElementwiseOp
from .params import AddParams
from .registry import register


class _AddSubBase(BinaryElementwiseOp):
    #: +1 for ADD, -1 for SUB
    sign = 1

    def _real_multipliers(self, s1: float, s2: float, s_out: float) -> tuple[float, float, float]:
        twice_max = 2.0 * max(s1, s2)
        return s1 / twice_max, s2 / twice_max, twice_max / ((1 << self.left_shift) * s_out)

    def prepare_quantized(self, in1, in2, out) -> None:
        self.left_shift = 15 if out.dtype == np.int16 else 20
        s1, s2, so = scale_of(in1), scale_of(in2), scale_of(out)
        r1, r2, ro = self._real_multipliers(s1, s2, so)
        self.m1, self.shift1 = self.multiplier_below_one(r1, "input 1")
        self.m2, self.shift2 = self.multiplier_below_one(r2, "input 2")
        self.m_out, self.shift_out = self.multiplier_below_one(ro, "output")
        self.zp1, self.zp2, self.zp_out = zero_point_of(in1), zero_point_of(in2), zero_point_of(out)
        rounding = self.config.rounding
        self.requant1 = ChannelMultiplier(self.m1, self.shift1, rounding)
        self.requant2 = ChannelMultiplier(self.m2, self.shift2, rounding)
        self.requant_out = ChannelMultiplier(self.m_out, self.shift_out, rounding)
        self._check_int32_steps(in1.dtype)
        self.params = AddParams(
            out.dtype, self.sign, self.left_shift, -self.zp1, -self.zp2, self.zp_out,
            self.m1, self.shift1, self.m2, self.shift2, self.m_out, self.shift_out,
            int(self.act_min), int(self.act_max))

    def _check_int32_steps(self, dtype) -> None:
        """Each step of TFLM's integer ADD/SUB is int32 arithmetic: with zero points far
        outside the types (a broken model) the shifted inputs, their sum or the output
        offset's addition can overflow, undefined behaviour. Every step is monotonic in
        each input, so the type's extreme values bound them. Refused."""
        info = np.iinfo(dtype)
        ends = np.array([info.min, info.max], np.int64)
        top = (1 << 31) - 1
        for zp, which in ((self.zp1, "input 1"), (self.zp2, "input 2")):
            self.check(int(np.abs((ends - zp) << self.left_shift).max()) <= top,
                       f"{which} zero point {zp}: (x - zero point) << {self.left_shift} "
                       "overflows TFLM's int32 arithmetic")
        raw = self._scaled_sum(*np.meshgrid(ends, ends))
        self.check(int(np.abs(raw).max()) <= top,
                   "the scaled inputs' sum overflows TFLM's int32 arithmetic")
        self.check(int(np.abs(self.requant_out(raw)).max()) + abs(self.zp_out) <= top,
                   f"output zero point {self.zp_out}: adding it overflows TFLM's int32 "
                   "arithmetic")

    def _scaled_sum(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        """Each input offset, shifted and scaled to the common scale, then added (or
        subtracted): the sum the output requantization reads."""
        return (self.requant1((x1 - self.zp1) << self.left_shift)
                + self.sign * self.requant2((x2 - self.zp2) << self.left_shift))

    def eval_quantized(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return self.requant_out(self._scaled_sum(x1, x2)) + self.zp_out

    def apply_float(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return x1 + x2 if self.sign > 0 else x1 - x2

    def apply_int32(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return x1 + self.sign * x2


@register("ADD")
class Add(_AddSubBase):
    sign = 1

    @property
    def int32_applies_activation(self) -> bool:
        """TFLM's int32 ADD ignores the fused activation; LiteRT's clamps to it."""
        return self.config.semantics == "tflite"


@register("SUB")
class Sub(_AddSubBase):
    sign = -1
