"""Element-wise math of one input (``micro/kernels/elementwise.cc``, ``neg.cc``,
``ceil.cc``, ``floor.cc``, ``round.cc``, ``exp.cc``).

float32 only, computed as TFLM's float kernels do:

- NEG ``-x``; CEIL/FLOOR ``ceilf``/``floorf``; SQUARE ``x * x``;
  SQRT ``sqrtf`` (correctly rounded, so NumPy's); RSQRT ``1.f / sqrtf(x)``;
- ROUND is ``RoundToNearest``: ``f = floorf(x); d = x - f`` and ``f`` is kept
  if ``d < 0.5`` or (``d == 0.5`` and ``(int)f`` is even), else ``f + 1``.
  Ties go to even, and -0.3 rounds to +0.0 (``-1 + 1``), not to -0.0;
- EXP, LOG, SIN, COS call the C library (``expf``, ``logf``, ``sinf``,
  ``cosf``), so they use the host's libm, as the runtime does;
- ABS is ``fabsf`` (clears the sign bit, NaN included).

Integer paths:

- ABS int8, and int16 with quantization (zero points must be 0):
  ``v = |x - zp_in|``; if the scales are equal ``y = v + zp_out``, else
  ``y = MBQM(v, QM(s_in / s_out)) + zp_out``, clamped, with the quotient
  in double (under ``semantics="tflite"``: in float32, as LiteRT's
  ``SetAbsOutputMultiplier``; the multipliers then differ in their low
  bits and some outputs by 1). int16 without
  quantization is a plain ``std::abs`` (-32768 stays -32768);
- RSQRT int8/int16 (int16 zero points must be 0): ``v = x - zp_in``
  (TFLM fails at invoke time if any ``v < 0``), ``v == 0`` gives the type's
  max, else with ``(m, s) = GetInvSqrtQuantizedMultiplierExp(v)``:
  ``y = MBQM(MBQM(1, m, s + 20), QM(1 / (sqrt(s_in) * s_out)), shift - 20) + zp_out``,
  clamped.

``semantics="tflite"``, RSQRT int8: the same arithmetic, but LiteRT forms the
output multiplier as ``1. / (sqrtf(s_in) * s_out)`` with the square root and
the product in float32 (TFLM: in double), so an output occasionally moves by
one.

``semantics="tflite"``, RSQRT int16: LiteRT's kernel is a different
algorithm, a 513-entry interpolated table (``LUTPopulate<int16_t>`` in
float32, ``arith.lut.lut_populate_int16``) of ``f(r) = 1.f / sqrtf(r)`` for
``r > 0`` and ``32767 * s_out`` for ``r <= 0``, read by
``lut_lookup_with_interpolation``. int8 RSQRT is the same in both runtimes.

``semantics="tflite"`` also runs integer types TFLM refuses (LiteRT's
``elementwise.cc``, ``exp.cc``, ``neg.cc``):

- EXP and LOG int8 / int16 (int16: zero points 0): LiteRT's ``LUTPopulate``
  tables (``litert_lookup_table``) of ``expf``, and of ``logf`` for inputs
  whose real value is > 0 and the output type's lowest real value
  ``(min(T) - zp_out) * s_out`` for the others;
- SQRT int8 / int16 (int16: zero points 0), per element in float32:
  ``y = (int)(sqrtf(s_in * (x - zp_in)) / s_out) + zp_out`` (truncated, not
  rounded), clamped; an input below the zero point fails the invoke, as in
  LiteRT;
- ABS int32 (``std::abs``) and NEG int8 / int16 / int32 / int64 (the raw
  values, quantization ignored), both wrapping at the type's minimum.

The integer kernels are tabulated over every input value in prepare.
"""
from __future__ import annotations

import math

import numpy as np

from ..arith.fixedpoint import INT32_MAX
from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import saturating_rounding_doubling_high_mul as srdhm
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import expf
from ..arith.float_math import float_to_int32
from ..arith.gemmlowp import count_leading_zeros_u32
from ..arith.gemmlowp import saturating_rounding_multiply_by_pot
from ..arith.lut import lut_lookup_int16
from ..arith.lut import lut_populate_8bit
from ..arith.lut import lut_populate_int16
from .base import Op
from .base import Types
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .elementwise_common import FLOAT32
from .elementwise_common import INT8
from .elementwise_common import INT16
from .elementwise_common import UINT8
from .elementwise_common import libm_unary
from .params import LookupTable
from .registry import register


class ElementwiseUnaryOp(Op):
    """One input and one output of the same type and element count.

    ``supported`` lists the accepted types (``Types``: with those only
    ``semantics="tflite"`` accepts, which LiteRT runs and TFLM refuses); quantized
    types need per-tensor quantization unless the subclass accepts unquantized int16
    (``int16_may_be_unquantized``).
    """

    supported: Types | tuple = (np.float32,)
    int16_may_be_unquantized = False

    def prepare(self) -> None:
        inp, out = self.unary_io(self.supported)
        self.dtype = inp.dtype
        self.quantized = inp.dtype in (INT8, INT16, UINT8) and not (
            self.int16_may_be_unquantized and inp.dtype == INT16 and _unquantized(inp))
        if self.quantized:
            require_per_tensor_quantization(self, inp, "input")
            require_per_tensor_quantization(self, out, "output")
            if inp.dtype == INT16 and (zero_point_of(inp), zero_point_of(out)) != (0, 0):
                raise self.error("int16 input and output must have zero point 0, got "
                                 f"{zero_point_of(inp)} and {zero_point_of(out)}")
        self.prepare_typed(inp, out)

    def prepare_typed(self, inp, out) -> None:
        """Type-specific precomputation. Override."""

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = np.asarray(self.compute(inputs[0])).reshape(outputs[0].shape)

    def compute(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError


def _unquantized(tensor) -> bool:
    q = tensor.quantization
    return q is None or q.scale.size == 0


class _FloatUnary(ElementwiseUnaryOp):
    """A float32-only kernel: ``function`` maps the input array to the output."""

    @staticmethod
    def function(x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def compute(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self.function(x).astype(np.float32)


def round_to_nearest(x: np.ndarray) -> np.ndarray:
    """TFLM's RoundToNearest (round.h), ties to even, in float32."""
    f = np.floor(x)
    d = x - f
    # (int)f for a tie: |f| < 2^23 there, so the float parity is the int parity
    even = np.fmod(f, np.float32(2)) == 0
    keep = (d < np.float32(0.5)) | ((d == np.float32(0.5)) & even)
    return np.where(keep, f, f + np.float32(1))


def _libm(name, fallback):
    return staticmethod(lambda x: libm_unary(name, x, fallback))


@register("NEG")
class Neg(_FloatUnary):
    """``semantics="tflite"`` also negates int8, int16, int32 and int64 (LiteRT's
    ``Negate``): the raw values, wrapping (-(-128) is -128), quantization ignored."""

    function = staticmethod(np.negative)
    supported = Types((np.float32,), tflite=(np.int8, np.int16, np.int32, np.int64))

    def prepare(self) -> None:
        inp, _ = self.unary_io(self.supported)
        self.dtype = inp.dtype

    def compute(self, x: np.ndarray) -> np.ndarray:
        return super().compute(x) if self.dtype == FLOAT32 else np.negative(x)


@register("CEIL")
class Ceil(_FloatUnary):
    function = staticmethod(np.ceil)


@register("FLOOR")
class Floor(_FloatUnary):
    function = staticmethod(np.floor)


@register("ROUND")
class Round(_FloatUnary):
    function = staticmethod(round_to_nearest)


def litert_lookup_table(inp, out, transform) -> LookupTable:
    """LiteRT's ``LUTPopulate`` table of ``transform`` (float32 -> float32 arrays) for an
    int8 / uint8 op (256 entries) or an int16 one (513 entries, interpolated), tabulated
    over every input value."""
    args = (scale_of(inp), zero_point_of(inp), scale_of(out), zero_point_of(out))
    if inp.dtype == INT16:
        lut = lut_populate_int16(transform, *args)
        return LookupTable.tabulate(np.int16, lambda x: lut_lookup_int16(x, lut))
    return LookupTable.tabulate(inp.dtype, lambda q: lut_populate_8bit(
        transform, q, *args, *INT_RANGES[inp.dtype], saturate=inp.dtype == INT8))


class _TableUnary(_FloatUnary):
    """float32 (``function``), and under ``semantics="tflite"`` int8 / int16 through
    LiteRT's table of ``litert_transform(out)``."""

    supported = Types((np.float32,), tflite=(np.int8, np.int16))

    def litert_transform(self, out):
        raise NotImplementedError

    def prepare_typed(self, inp, out) -> None:
        if self.dtype != FLOAT32:
            self.params = litert_lookup_table(inp, out, self.litert_transform(out))

    def compute(self, x: np.ndarray) -> np.ndarray:
        return super().compute(x) if self.dtype == FLOAT32 else self.params(x)


@register("SQRT")
class Sqrt(_FloatUnary):
    function = staticmethod(np.sqrt)
    supported = Types((np.float32,), tflite=(np.int8, np.int16))

    def prepare_typed(self, inp, out) -> None:
        if self.dtype == FLOAT32:
            return
        f32 = np.float32
        s_in, s_out = f32(scale_of(inp)), f32(scale_of(out))
        zp_in, zp_out = zero_point_of(inp), zero_point_of(out)

        def real(x):
            return s_in * (x - zp_in).astype(f32)

        def fn(x):
            with np.errstate(invalid="ignore"):
                y = float_to_int32(np.sqrt(real(x)) / s_out)
            return _clamp(wrap_int32(y + zp_out), inp.dtype)
        self.params = LookupTable.tabulate(inp.dtype, fn)
        self.negative = LookupTable.tabulate(inp.dtype, lambda x: real(x) < 0, np.bool_)

    def compute(self, x: np.ndarray) -> np.ndarray:
        if self.dtype == FLOAT32:
            return super().compute(x)
        if np.any(self.negative(x)):
            raise self.error("SQRT of an input below its zero point (a negative real value): "
                             "LiteRT fails to invoke here")
        return self.params(x)


@register("SQUARE")
class Square(_FloatUnary):
    function = staticmethod(lambda x: x * x)


@register("EXP")
class Exp(_TableUnary):
    function = staticmethod(expf)

    def litert_transform(self, out):
        return expf


@register("LOG")
class Log(_TableUnary):
    function = _libm("logf", np.log)

    def litert_transform(self, out):
        # (min(T) - zp_out) * s_out: an int product converted to float, times a float
        lowest = np.float32(INT_RANGES[out.dtype][0] - zero_point_of(out)) * np.float32(
            scale_of(out))
        logf = self.function

        def transform(v):
            with np.errstate(all="ignore"):
                return np.where(v <= 0, lowest, logf(v)).astype(np.float32)
        return transform


@register("SIN")
class Sin(_FloatUnary):
    function = _libm("sinf", np.sin)


@register("COS")
class Cos(_FloatUnary):
    function = _libm("cosf", np.cos)


def _clamp(y: np.ndarray, dtype) -> np.ndarray:
    lo, hi = INT_RANGES[np.dtype(dtype)]
    return np.clip(y, lo, hi)


@register("ABS")
class Abs(ElementwiseUnaryOp):
    # LiteRT's std::abs on int32: INT32_MIN stays INT32_MIN
    supported = Types((np.float32, np.int8, np.int16), tflite=(np.int32,))
    int16_may_be_unquantized = True

    def prepare_typed(self, inp, out) -> None:
        if not self.quantized:
            return
        zp_in, zp_out = zero_point_of(inp), zero_point_of(out)
        s_in, s_out = np.float32(scale_of(inp)), np.float32(scale_of(out))
        rounding = self.config.rounding
        if s_in == s_out:
            fn = lambda x: _clamp(np.abs(x - zp_in) + zp_out, inp.dtype)  # noqa: E731
        else:
            # TFLM divides in double; LiteRT (SetAbsOutputMultiplier) in float32
            real = (float(s_in / s_out) if self.config.semantics == "tflite"
                    else float(s_in) / float(s_out))
            m, shift = quantize_multiplier(real, rounding)
            fn = lambda x: _clamp(multiply_by_quantized_multiplier(  # noqa: E731
                np.abs(x - zp_in), m, shift, rounding) + zp_out, inp.dtype)
        self.params = LookupTable.tabulate(inp.dtype, fn)

    def compute(self, x: np.ndarray) -> np.ndarray:
        if self.dtype == FLOAT32:
            return np.abs(x)
        if self.quantized:
            return self.params(x)
        return np.abs(x)  # int16/int32 std::abs; |-32768| wraps back to -32768 as in C


# -- RSQRT ---------------------------------------------------------------------

_F3_ONE = 1 << 28                      # FixedPoint<int32, 3>::One()
_F3_HALF_THREE = (1 << 28) + (1 << 27)  # 1.5 in Q3.28
_F0_HALF_SQRT_2 = 1518500250           # sqrt(2) / 2 in Q0.31


def inv_sqrt_quantized_multiplier_exp(v, reverse_shift: int = -1):
    """GetInvSqrtQuantizedMultiplierExp (common.h), vectorized over v >= 0.

    Returns (multiplier, shift): 1/sqrt(v) == multiplier * 2^(shift - 31)
    for TFLM's reverse_shift of -1. Inputs 0 and 1 give (INT32_MAX, 0).
    """
    v = np.asarray(v, dtype=np.int64)
    small = v <= 1
    x = np.where(small, 2, v)
    shift = np.full(x.shape, 11, dtype=np.int64)
    while np.any(x >= (1 << 29)):
        big = x >= (1 << 29)
        x = np.where(big, x // 4, x)
        shift = shift + big
    pairs = (count_leading_zeros_u32(x) - 1) // 2 - 1
    shift = shift - pairs
    x = x << (2 * pairs)
    f_input = x >> 1
    f_half_input = saturating_rounding_multiply_by_pot(f_input, -1)
    r = np.full(x.shape, _F3_ONE, dtype=np.int64)
    for _ in range(5):
        r3 = saturating_rounding_multiply_by_pot(srdhm(srdhm(r, r), r), 6)  # Q9 -> Q3
        diff = wrap_int32(srdhm(_F3_HALF_THREE, r) - srdhm(f_half_input, r3))
        r = saturating_rounding_multiply_by_pot(diff, 3)                       # Q6 -> Q3
    r = srdhm(r, _F0_HALF_SQRT_2)
    neg = shift < 0
    r = np.where(neg, wrap_int32(r << np.where(neg, -shift, 0)), r)
    shift = np.where(neg, 0, shift)
    return np.where(small, INT32_MAX, r), np.where(small, 0, shift * reverse_shift)


_RSQRT_SHIFT = 20


def _litert_rsqrt_int16(inp, out) -> LookupTable:
    s_out = np.float32(scale_of(out))

    def transform(r):
        with np.errstate(all="ignore"):
            return np.where(r <= 0, np.float32(32767) * s_out,
                            np.float32(1) / np.sqrt(r)).astype(np.float32)
    return litert_lookup_table(inp, out, transform)


@register("RSQRT")
class Rsqrt(ElementwiseUnaryOp):
    supported = (np.float32, np.int8, np.int16)

    def prepare_typed(self, inp, out) -> None:
        if self.dtype == FLOAT32:
            return
        self.zp_in, zp_out = zero_point_of(inp), zero_point_of(out)
        if self.dtype == INT16 and self.config.semantics == "tflite":
            self.table = _litert_rsqrt_int16(inp, out)
            return
        s_in, s_out = np.float32(scale_of(inp)), np.float32(scale_of(out))
        # 1 / (sqrt(s_in) * s_out) must be a positive finite multiplier: otherwise (a
        # scale not positive, or a product that underflows to 0) it is NaN or infinite,
        # which TFLM's QuantizeMultiplier turns into garbage
        self.check(s_in > 0 and s_out > 0,
                   f"input and output scales must be positive, are {float(s_in)!r} and "
                   f"{float(s_out)!r}")
        if self.config.semantics == "tflite":   # LiteRT: sqrtf and the product in float32
            denominator = float(np.sqrt(s_in) * s_out)
        else:
            denominator = math.sqrt(float(s_in)) * float(s_out)
        self.check(denominator > 0 and math.isfinite(1.0 / denominator),
                   f"the multiplier 1 / (sqrt({float(s_in)!r}) * {float(s_out)!r}) is not finite")
        real = 1.0 / denominator
        rounding = self.config.rounding
        m_out, shift_out = quantize_multiplier(real, rounding)
        hi = INT_RANGES[inp.dtype][1]

        def fn(x):
            v = np.maximum(x - self.zp_in, 0)  # negative inputs fail at eval (below)
            m, s = inv_sqrt_quantized_multiplier_exp(v)
            data = multiply_by_quantized_multiplier(1, m, s + _RSQRT_SHIFT, rounding)
            y = multiply_by_quantized_multiplier(data, m_out, shift_out - _RSQRT_SHIFT,
                                                 rounding) + zp_out
            return np.where(v == 0, hi, _clamp(y, inp.dtype))
        # not the prepared form (no backend kernel takes RSQRT): the table alone cannot
        # fail on inputs below the zero point, as TFLM does at invoke
        self.table = LookupTable.tabulate(inp.dtype, fn)

    def compute(self, x: np.ndarray) -> np.ndarray:
        if self.dtype == FLOAT32:
            return np.float32(1) / np.sqrt(x)
        if np.any(x < self.zp_in):
            raise self.error("RSQRT is only defined for inputs >= the zero point "
                             f"({self.zp_in}); TFLM fails to invoke here")
        return self.table(x)
