"""DIV, FLOOR_DIV and FLOOR_MOD (``micro/kernels/div.cc``, ``floor_div.cc``,
``floor_mod.cc``, ``reference/div.h``, ``floor_div.h``, ``floor_mod.h``).

DIV float32 ``a / b`` and int32 ``a / b`` (C truncation) are clamped to the
fused activation's range. int8 (``DivElementwise``), with ``v_i = x_i - zp_i``
(``v2`` nonzero; both negated if ``v2 < 0``)::

    inv, rs = GetReciprocal(v2, 31)           # 1/v2 = inv * 2^(rs - 31)
    h = CountLeadingSignBits(v1)
    q = MBQMGreaterThanOne(v1, inv, h)        # SRDHM(v1 << h, inv)
    y = clamp(zp_out + MBQMSmallerThanOneExp(q, M, shift - rs - h))

with ``(M, shift) = QM(s1 / (s2 * s_out))`` computed in double. (Some TFLM
sources compute the ratio in float32; the runtime does not, which
``test_div_int8_every_pair`` pins down: 0.05 / (0.02 * 0.1) is exactly 25 in
float32 but not in double, and a tie rounds differently.)
``semantics="tflite"``: LiteRT's ``div.cc`` computes it from the float32
scales in float32, ``QM(float(s1 / float(s2 * s_out)))``, the rest being the
same ``DivElementwise``.

FLOOR_DIV float32: ``floor((double)a / (double)b)`` rounded to float32;
TFLM fails to invoke if any divisor is 0. FLOOR_MOD float32:
``r = fmodf(a, b)``, plus ``b`` when ``r != 0`` and its sign differs from b's.

``semantics="tflite"`` also runs what TFLM refuses and LiteRT's reference kernels
run: DIV int16 and uint8 (``DivElementwise`` as for int8; LiteRT refuses a divisor
equal to its zero point at invoke), FLOOR_DIV int8 / int16 / int32 and FLOOR_MOD
int8 / int16 / int32 / int64 on the raw values (quantization ignored): the floored
quotient (exact: ``floor((double)a / b)`` cannot round across an integer for 32-bit
values) converted back with wrap-around (int32 ``INT32_MIN / -1`` gives
``INT32_MIN``), and the floored remainder; a zero divisor fails the invoke, and so
does FLOOR_MOD's ``INT_MIN % -1`` in int32 / int64, which kills LiteRT's process
(SIGFPE, measured).
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import INT32_MIN
from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import rounding_divide_by_pot
from ..arith.fixedpoint import saturating_rounding_doubling_high_mul
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import cpp_clamp
from ..arith.gemmlowp import count_leading_zeros_u32
from ..arith.gemmlowp import get_reciprocal
from .base import Types
from .common import activation_range_float
from .common import activation_range_quantized
from .common import fused_activation
from .common import scale_of
from .common import zero_point_of
from .elementwise import activation_range_int32
from .elementwise_common import FLOAT32
from .elementwise_common import INT32
from .elementwise_common import INT64
from .elementwise_common import BroadcastBinaryOp
from .registry import register


def count_leading_sign_bits(x) -> np.ndarray:
    """CountLeadingSignBits of int32 values."""
    x = np.asarray(x, dtype=np.int64)
    negative = 2 * (-x) - 1
    return np.where(x >= 0, count_leading_zeros_u32(x) - 1,
                    np.where(x == INT32_MIN, 0, count_leading_zeros_u32(negative)))


def _c_rounding_divide_by_pot(x: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """RoundingDivideByPOT on int32 as compiled C evaluates it, exponents above 31 included.

    The mask ``(1ll << e) - 1`` is truncated to int32 and the shift count is
    taken modulo 32 by x86, which matters only for the exponents >= 32 that
    a zero numerator can produce.
    """
    e = np.asarray(exponent, dtype=np.int64)
    big = e >= 32
    if not np.any(big):
        return rounding_divide_by_pot(x, e)
    mask = wrap_int32((np.int64(1) << np.minimum(e, 62)) - 1)
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> (e & 31)) + (remainder > threshold)


@register("DIV")
class Div(BroadcastBinaryOp):
    supported = Types((np.float32, np.int32, np.int8), tflite=(np.int16, np.uint8))

    def prepare_typed(self, in1, in2, out) -> None:
        activation = fused_activation(self)
        if self.dtype == FLOAT32:
            self.act_min, self.act_max = activation_range_float(activation)
        elif self.dtype == INT32:
            for i, t in enumerate((in1, in2)):
                q = t.quantization
                if q is not None and q.scale.size:
                    raise self.error(f"int32 DIV needs unquantized inputs; input {i + 1} is "
                                     "quantized")
            self.act_min, self.act_max = activation_range_int32(activation)
        else:
            self.act_min, self.act_max = activation_range_quantized(activation, out, self)
            s1, s2, so = (scale_of(t) for t in (in1, in2, out))
            if self.config.semantics == "tflite":     # LiteRT: float arithmetic
                f1, f2, fo = (np.float32(v) for v in (s1, s2, so))
                real = float(f1 / (f2 * fo))
            else:                                      # TFLM: double
                real = s1 / (s2 * so)
            self.multiplier, self.shift = quantize_multiplier(real, self.config.rounding)
            self.zps = [zero_point_of(t) for t in (in1, in2, out)]

    def compute(self, x1, x2):
        if self.dtype == FLOAT32:
            with np.errstate(all="ignore"):
                return cpp_clamp(x1 / x2, self.act_min, self.act_max)
        if self.dtype == INT32:
            a, b = np.broadcast_arrays(x1.astype(np.int64), x2.astype(np.int64))
            if np.any(b == 0):
                raise self.error("int32 division by zero (TFLM crashes here)")
            q = np.abs(a) // np.abs(b) * np.sign(a) * np.sign(b)  # C truncation
            return np.clip(wrap_int32(q), self.act_min, self.act_max)
        return self._quantized(x1, x2)

    def _quantized(self, x1, x2):
        v1, v2 = np.broadcast_arrays(x1.astype(np.int64) - self.zps[0],
                                     x2.astype(np.int64) - self.zps[1])
        if np.any(v2 == 0):
            raise self.error("a divisor equals its zero point (division by zero; TFLM's "
                             "result is undefined)")
        negative = v2 < 0
        v1, v2 = np.where(negative, -v1, v1), np.where(negative, -v2, v2)
        inv, recip_shift = get_reciprocal(v2, 31)
        headroom = count_leading_sign_bits(v1)
        rounding = self.config.rounding
        if rounding == "double":
            q = saturating_rounding_doubling_high_mul(wrap_int32(v1 << headroom), inv)
            total_shift = self.shift - recip_shift - headroom
            y = _c_rounding_divide_by_pot(saturating_rounding_doubling_high_mul(
                q, self.multiplier), -total_shift)
        else:
            q = multiply_by_quantized_multiplier(v1, inv, headroom, rounding)
            y = multiply_by_quantized_multiplier(q, self.multiplier,
                                                 self.shift - recip_shift - headroom, rounding)
        return np.clip(y + self.zps[2], self.act_min, self.act_max)


class _FloorOp(BroadcastBinaryOp):
    supported = (np.float32,)
    quantized_needs_params = False      # integers are divided raw

    def integer_divisors(self, x1, x2):
        """The inputs as int64, broadcast; refuses what fails LiteRT's invoke."""
        a, b = np.broadcast_arrays(x1.astype(np.int64), x2.astype(np.int64))
        if np.any(x2 == 0):
            raise self.error("division by 0 (LiteRT fails to invoke)")
        return a, b


@register("FLOOR_DIV")
class FloorDiv(_FloorOp):
    supported = Types((np.float32,), tflite=(np.int8, np.int16, np.int32))

    def compute(self, x1, x2):
        if self.dtype != FLOAT32:
            a, b = self.integer_divisors(x1, x2)
            return np.floor_divide(a, b).astype(self.dtype)   # wraps (INT_MIN / -1)
        if np.any(x2 == 0):
            raise self.error("division by 0 (TFLM fails to invoke)")
        with np.errstate(all="ignore"):
            return np.floor(x1.astype(np.float64) / x2.astype(np.float64)).astype(np.float32)


@register("FLOOR_MOD")
class FloorMod(_FloorOp):
    supported = Types((np.float32,), tflite=(np.int8, np.int16, np.int32, np.int64))

    def compute(self, x1, x2):
        if self.dtype != FLOAT32:
            a, b = self.integer_divisors(x1, x2)
            if self.dtype in (INT32, INT64) and np.any(
                    (a == np.iinfo(self.dtype).min) & (b == -1)):
                raise self.error(f"{self.dtype} minimum modulo -1: LiteRT's process dies "
                                 "of SIGFPE here")
            return np.mod(a, b).astype(self.dtype)
        with np.errstate(all="ignore"):
            r = np.fmod(x1, x2)
            return np.where((r != 0) & ((x2 < 0) != (r < 0)), r + x2, r)
