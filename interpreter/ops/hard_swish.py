"""HARD_SWISH (``micro/kernels/hard_swish*.cc``, ``reference/hard_swish.h``):
float32 and int8.

float32: ``x * min(6, max(0, x + 3)) / 6`` with C++'s ``std::min``/``std::max``
(a NaN ``x + 3`` gives 0, the product is then NaN anyway), multiplied
and divided left to right in float32.

int8 runs the reference kernel's int16 fixed-point pipeline, tabulated in
prepare for all 256 inputs. With ``v = x - zp_in`` and ``h = v * 2^7``:

- ``pre = SRDHM16(h, m_out)``, where (m_out, e_out) come from
  ``QuantizeMultiplier((s_in / 128) / s_out)`` (the division in float32)
  and ``DownScaleInt32ToInt16Multiplier``; TFLM fails prepare if
  ``e_out > 0`` (here a ModelError);
- the "relu-ish" factor rescales ``h`` by ``(s_in / 128) / (3 / 32768)``
  (exponent e_r): saturating left shift by ``e_r - 1``, SRDHM16, saturating
  left shift by 1 (if e_r > 0), or a rounding right shift by ``-e_r``;
  then ``r = (r + 2^15) >> 1`` maps [-1, 1] to [0, 1];
- ``y = RDBPOT16(SDHM16(r, pre), -e_out) + zp_out`` (an int16 sum, which
  wraps), clamped to int8.

SRDHM16 is gemmlowp's int16 rounding doubling high multiply, SDHM16 the
same truncating toward zero, RDBPOT16 gemmlowp's rounding divide in int16
arithmetic (for exponents of 16 or more its mask wraps to -1, as in C); all
in ``arith.gemmlowp``.

``semantics="tflite"`` also runs uint8 (LiteRT's reference ``HardSwish<uint8_t>``): the
same pipeline, clamped to [0, 255].
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import quantize_multiplier
from ..arith.gemmlowp import downscale_multiplier_to_int16
from ..arith.gemmlowp import rdbpot16
from ..arith.gemmlowp import saturating_left_shift16
from ..arith.gemmlowp import sdhm16
from ..arith.gemmlowp import srdhm16
from ..arith.gemmlowp import wrap_int16
from .base import Types
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise_common import FLOAT32
from .math_unary import ElementwiseUnaryOp
from .params import LookupTable
from .registry import register


@register("HARD_SWISH")
class HardSwish(ElementwiseUnaryOp):
    supported = Types((np.float32, np.int8), tflite=(np.uint8,))

    def prepare_typed(self, inp, out) -> None:
        if self.dtype == FLOAT32:
            return
        rounding = self.config.rounding
        s_in, s_out = np.float32(scale_of(inp)), np.float32(scale_of(out))
        hires_scale = np.float32(1.0 / 128.0) * s_in
        reluish_scale = np.float32(3.0 / 32768.0)
        m, out_exp = quantize_multiplier(float(hires_scale / s_out), rounding)
        self.check(out_exp <= 0, f"the output multiplier (s_in / 128) / s_out = "
                   f"{float(hires_scale / s_out)!r} must be below 1 (TFLM fails prepare)")
        out_m16 = downscale_multiplier_to_int16(m)
        m, relu_exp = quantize_multiplier(float(hires_scale / reluish_scale), rounding)
        relu_m16 = downscale_multiplier_to_int16(m)
        zp_in, zp_out = zero_point_of(inp), zero_point_of(out)
        lo, hi = INT_RANGES[inp.dtype]

        def fn(x):
            hires = wrap_int16(wrap_int16(x - zp_in) * (1 << 7))
            preshift = srdhm16(hires, out_m16)
            r = hires
            if relu_exp > 0:
                r = saturating_left_shift16(r, relu_exp - 1)
            r = srdhm16(r, relu_m16)
            if relu_exp > 0:
                r = saturating_left_shift16(r, 1)
            elif relu_exp < 0:
                r = rdbpot16(r, -relu_exp)
            r = wrap_int16((r + (1 << 15)) >> 1)
            y = wrap_int16(rdbpot16(sdhm16(r, preshift), -out_exp) + zp_out)
            return np.clip(y, lo, hi)
        self.params = LookupTable.tabulate(inp.dtype, fn)

    def compute(self, x: np.ndarray) -> np.ndarray:
        if self.dtype != FLOAT32:
            return self.params(x)
        with np.errstate(over="ignore", invalid="ignore"):
            relu6 = x + np.float32(3)
            relu6 = np.where(np.float32(0) < relu6, relu6, np.float32(0))   # std::max(0, .)
            relu6 = np.where(relu6 < np.float32(6), relu6, np.float32(6))   # std::min(6, .)
            return (x * relu6) / np.float32(6)
