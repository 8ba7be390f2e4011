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
arithmetic (for exponents of 16 or more its mask wraps to -1, as in C).
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import quantize_multiplier
from .common import scale_of, zero_point_of
from .elementwise_common import FLOAT32, IntTable
from .math_unary import ElementwiseUnaryOp
from .registry import register

INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1


def wrap_int16(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.int64)
    return ((x + (1 << 15)) & 0xFFFF) - (1 << 15)


def _truncating_div_pot(x: np.ndarray, bits: int) -> np.ndarray:
    """C's ``x / 2^bits`` on integers (rounds toward zero)."""
    return np.where(x >= 0, x >> bits, -((-x) >> bits))


def srdhm16(a, b) -> np.ndarray:
    """gemmlowp SaturatingRoundingDoublingHighMul for int16."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    q = wrap_int16(_truncating_div_pot(ab + nudge, 15))
    return np.where((a == INT16_MIN) & (b == INT16_MIN), INT16_MAX, q)


def sdhm16(a, b) -> np.ndarray:
    """SaturatingDoublingHighMul (hard_swish.h): the high half, truncated toward zero."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    q = wrap_int16(_truncating_div_pot(a * b, 15))
    return np.where((a == INT16_MIN) & (b == INT16_MIN), INT16_MAX, q)


def rdbpot16(x, exponent: int) -> np.ndarray:
    """gemmlowp RoundingDivideByPOT on int16 values, every step in int16 as in C."""
    x = np.asarray(x, np.int64)
    mask = int(wrap_int16((1 << exponent) - 1))
    remainder = wrap_int16(x & mask)
    threshold = wrap_int16((mask >> 1) + (x < 0))
    return wrap_int16((x >> exponent) + (remainder > threshold))


def saturating_left_shift16(x, amount: int) -> np.ndarray:
    return np.clip(np.asarray(x, np.int64) * (1 << amount), INT16_MIN, INT16_MAX)


def downscale_multiplier_to_int16(multiplier: int) -> int:
    """DownScaleInt32ToInt16Multiplier: round a Q31 multiplier to Q15."""
    rounding_offset = 1 << 15
    if multiplier >= (1 << 31) - 1 - rounding_offset:
        return INT16_MAX
    return (multiplier + rounding_offset) >> 16


@register("HARD_SWISH")
class HardSwish(ElementwiseUnaryOp):
    supported = (np.float32, np.int8)

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
            return np.clip(y, -128, 127)
        self.table = IntTable(inp.dtype, fn)

    def compute(self, x: np.ndarray) -> np.ndarray:
        if self.dtype != FLOAT32:
            return self.table(x)
        with np.errstate(over="ignore", invalid="ignore"):
            relu6 = x + np.float32(3)
            relu6 = np.where(np.float32(0) < relu6, relu6, np.float32(0))   # std::max(0, .)
            relu6 = np.where(relu6 < np.float32(6), relu6, np.float32(6))   # std::min(6, .)
            return (x * relu6) / np.float32(6)
