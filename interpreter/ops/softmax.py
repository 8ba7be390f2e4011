"""SOFTMAX over the last dimension.

int8 input (``micro/kernels/softmax_common.cc``, ``reference/softmax.h``):
differences to the row maximum are scaled by ``beta * s_in`` into Q5.26
(``PreprocessSoftmaxScaling``), differences below ``diff_min`` (the input
radius) are dropped, gemmlowp's ``exp_on_negative_values`` gives Q0.31
exponentials that are summed in Q12.19, and each output is
``RDBPOT(exp * 1/sum, num_bits_over_unit + 31 - bits(out)) + min(out)``.
The output must be int8 with scale 1/256 and zero point -128, or int16 with
scale 1/65536 and zero point -32768. A row whose exponentials sum to 512
or more (int8 output) makes TFLM abort on a TFLITE_CHECK; here it raises.

float32: ``exp((x - max) * beta)`` with the C library's ``expf``, a
sequential float sum, and one division per element.

int16 input (``SoftmaxInt16``, int16 output only): the input's zero point
must be 0 (an input without quantization has scale 0 for TFLM, so its rows
come out uniform), the output's zero point 0 and its scale within 0.1% of
1/32768. The difference to the row maximum is rescaled with
``QuantizeMultiplier(s_in * beta / (10 / 65535))`` so that [-10, 0] spans
[-65535, 0], re-centred by +32767, clamped to int16 and looked up in an
interpolated table of ``exp`` on [-10, 0]; the int32 sum of the Q0.15
exponentials goes through a table of ``1 / (1 + x)`` on [0, 1]
(``arith.lut.reciprocal_int16_lut``), and each output is
``(exp * reciprocal) >> (31 - clz(sum))`` rounded half up, clamped to
[0, 32767]. Both tables are ``gen_lut`` tables built in prepare
(:mod:`interpreter.arith.lut`). Two cases where TFLM's C arithmetic is
undefined raise a ModelError instead: ``s_in * beta`` of about 163840 or more
(the difference is shifted left by 31 bits or more) and a row whose int32 sum
of exponentials wraps negative (more than 65537 elements).

``semantics="tflite"`` also runs uint8 input (TFLM refuses it), with a uint8 or int16
output: LiteRT's reference ``Softmax<uint8_t, ...>`` is the int8 arithmetic above on
the uint8 values, its outputs offset by the output type's minimum (0 for uint8). As in
LiteRT, nothing about the output's quantization is checked: the result is in units of
1/256 (uint8) or 1/65536 (int16) whatever the tensor says.
"""
from __future__ import annotations

import math
from functools import cache

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import rounding_divide_by_pot
from ..arith.fixedpoint import saturating_rounding_doubling_high_mul as srdhm
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import expf
from ..arith.float_math import sequential_sum
from ..arith.gemmlowp import calculate_input_radius
from ..arith.gemmlowp import exp_on_negative_values
from ..arith.gemmlowp import get_reciprocal
from ..arith.gemmlowp import preprocess_softmax_scaling
from ..arith.gemmlowp import rescale
from ..arith.lut import clamp_to_int16
from ..arith.lut import gen_lut_int16
from ..arith.lut import lut_lookup_int16
from ..arith.lut import reciprocal_int16_lut
from ..arith.lut import round_half_up_shift
from .base import Op
from .base import Types
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .layout_common import quant_params
from .params import SoftmaxParams
from .registry import register

SCALED_DIFF_INTEGER_BITS = 5
INT16_MAX = 32767
ACCUMULATION_INTEGER_BITS = 12

# output type -> (zero point, scale) that TFLM requires for int8 input
_REQUIRED_OUTPUT_QUANTIZATION = {
    np.dtype(np.int8): (-128, 1.0 / 256),
    np.dtype(np.int16): (-32768, 1.0 / 65536),
}
# int16 input: the output's (zero point, scale) (scale within 0.1%, as for int8 -> int16)
_INT16_OUTPUT_QUANTIZATION = (0, 1.0 / 32768)
# int16 input: the exp table spans [-10, 0], which the rescaled differences map to
# [-65535, 0]; exp(-10) is taken as negligible
_INT16_EXP_RANGE = 10.0
_INT16_DIFF_SPAN = 65535


@cache
def _exp_lut_int16() -> np.ndarray:
    """exp on [-10, 0], in Q0.15 (output range [-1, 1]); read-only, built once."""
    lut = gen_lut_int16(expf, -_INT16_EXP_RANGE, 0.0, -1.0, 1.0)
    lut.flags.writeable = False
    return lut


def _one_over_one_plus_x(x: np.ndarray) -> np.ndarray:
    return np.float32(1.0) / (np.float32(1.0) + x)


@cache
def _reciprocal_lut_int16() -> np.ndarray:
    """1 / (1 + x) on [0, 1], in Q0.15 (output range [-1, 1]); read-only, built once."""
    lut = gen_lut_int16(_one_over_one_plus_x, 0.0, 1.0, -1.0, 1.0)
    lut.flags.writeable = False
    return lut


@register("SOFTMAX")
class Softmax(Op):

    def prepare(self) -> None:
        (inp,), (out,) = self.io(1, 1)
        if len(inp.shape) < 1:
            raise self.error("input must have at least one dimension")
        if inp.shape != out.shape:
            raise self.error(f"output shape {out.shape} differs from input shape {inp.shape}")
        self.beta = float(np.float32(self.options.beta)) if self.options is not None else 1.0
        if inp.dtype == np.float32:
            if out.dtype != np.float32:
                raise self.error(f"float32 input needs a float32 output, got {out.dtype}")
        elif inp.dtype in self.allowed_types(Types((np.int8,), tflite=(np.uint8,))):
            self._prepare_int8(inp, out)
        elif inp.dtype == np.int16:
            self._prepare_int16(inp, out)
        else:
            raise self.unsupported(f"input type {inp.dtype} is not supported")
        self.in_dtype = inp.dtype
        self.out_dtype = out.dtype

    def _check_int8_output(self, out) -> None:
        if out.dtype not in _REQUIRED_OUTPUT_QUANTIZATION:
            raise self.error(f"int8 input needs an int8 or int16 output, got {out.dtype}")
        require_per_tensor_quantization(self, out, "output")
        zp, scale = _REQUIRED_OUTPUT_QUANTIZATION[out.dtype]
        out_scale = np.float32(scale_of(out))
        if zero_point_of(out) != zp:
            raise self.error(f"{out.dtype} output must have zero point {zp}, got "
                             f"{zero_point_of(out)}")
        # softmax_common.cc: int8 must be exactly 1/256, int16 within 0.1% of 1/65536
        scale_ok = (out_scale == np.float32(scale) if out.dtype == np.int8
                    else abs(out_scale - np.float32(scale)) <= np.float32(0.001 * scale))
        if not scale_ok:
            raise self.error(f"{out.dtype} output must have scale {scale!r}, "
                             f"got {float(out_scale)!r}")

    def _prepare_int8(self, inp, out) -> None:
        require_per_tensor_quantization(self, inp, "input")
        if inp.dtype == np.uint8:   # LiteRT: a uint8 or int16 output, quantization unchecked
            if out.dtype not in (np.dtype(np.uint8), np.dtype(np.int16)):
                raise self.error(f"uint8 input needs a uint8 or int16 output, got {out.dtype}")
        else:
            self._check_int8_output(out)
        scaling = preprocess_softmax_scaling(self.beta, scale_of(inp), SCALED_DIFF_INTEGER_BITS,
                                             self.config.rounding)
        if scaling is None:
            raise self.error(f"beta * input scale ({self.beta!r} * {scale_of(inp)!r}) is too "
                             "small for the fixed-point softmax (TFLM aborts here)")
        self.input_multiplier, self.input_left_shift = scaling
        self.diff_min = -calculate_input_radius(SCALED_DIFF_INTEGER_BITS, self.input_left_shift)
        if out.dtype == np.int8:
            self.params = SoftmaxParams(int(self.input_multiplier), int(self.input_left_shift),
                                        int(self.diff_min))
        self.out_min, self.out_max = INT_RANGES[out.dtype]
        self.out_bits = 8 * out.dtype.itemsize
        # An int8 row's differences to its maximum are the 256 values 0, -1, ..., -255:
        # tabulate everything that depends on one difference alone, once.
        diff = -np.arange(256, dtype=np.int64)
        self.used_by_negdiff = diff >= self.diff_min
        scaled = multiply_by_quantized_multiplier(np.where(self.used_by_negdiff, diff, 0),
                                                  self.input_multiplier, self.input_left_shift,
                                                  self.config.rounding)
        self.exp_by_negdiff = exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS)
        self.accum_by_negdiff = np.where(
            self.used_by_negdiff,
            rescale(self.exp_by_negdiff, 0, ACCUMULATION_INTEGER_BITS), 0)

    def _prepare_int16(self, inp, out) -> None:
        if out.dtype != np.int16:
            raise self.error(f"int16 input needs an int16 output, got {out.dtype}")
        q_in = inp.quantization
        if q_in is not None and q_in.scale.size > 1:
            raise self.unsupported(f"input tensor {inp.name!r} is per-channel quantized")
        # an int16 input without quantization has scale 0 for TFLM: every difference
        # rescales to 0 and each row comes out uniform
        in_scale, in_zp = quant_params(inp)
        if in_zp != 0:
            raise self.error(f"int16 input must have zero point 0, got {in_zp}")
        require_per_tensor_quantization(self, out, "output")
        zp, scale = _INT16_OUTPUT_QUANTIZATION
        if zero_point_of(out) != zp:
            raise self.error(f"int16 output must have zero point {zp}, got {zero_point_of(out)}")
        out_scale = np.float32(scale_of(out))
        if not abs(out_scale - np.float32(scale)) <= np.float32(0.001 * scale):
            raise self.error(f"int16 output must have scale {scale!r} (within 0.1%), "
                             f"got {float(out_scale)!r}")
        # CalculateSoftmaxParams: input_scale * beta / (10 / 65535), in double
        rescale_real = in_scale * self.beta / (_INT16_EXP_RANGE / _INT16_DIFF_SPAN)
        if not math.isfinite(rescale_real):
            raise self.error(f"beta * input scale ({self.beta!r} * {in_scale!r}) is not finite")
        shift = math.frexp(rescale_real)[1]
        if shift <= 30:
            multiplier, shift = quantize_multiplier(rescale_real, self.config.rounding)
        if shift > 30:
            # MultiplyByQuantizedMultiplier shifts the int32 difference left by `shift`
            # first: C leaves shifts of 31 bits and more undefined
            raise self.error(f"beta * input scale ({self.beta!r} * {in_scale!r}) is too "
                             "large for the int16 softmax (its difference multiplier is "
                             f"2^{shift - 1} or more; TFLM's arithmetic is undefined here)")
        # An int16 row's differences to its maximum are 0, -1, ..., -65535: tabulate
        # the exponential of each, once.
        diff = -np.arange(_INT16_DIFF_SPAN + 1, dtype=np.int64)
        scaled = multiply_by_quantized_multiplier(diff, multiplier, shift, self.config.rounding)
        self.exp_by_negdiff = lut_lookup_int16(clamp_to_int16(scaled + INT16_MAX),
                                               _exp_lut_int16())
        self.reciprocal_lut = _reciprocal_lut_int16()

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        if self.in_dtype == np.float32:
            outputs[0][...] = self._eval_float(x)
        elif self.in_dtype == np.int16:
            if x.size:
                outputs[0][...] = self._eval_int16(x.astype(np.int64))
        else:
            outputs[0][...] = self._eval_int8(x.astype(np.int64))

    def _eval_float(self, x: np.ndarray) -> np.ndarray:
        row_max = np.max(x, axis=-1, keepdims=True)
        e = expf((x - row_max) * np.float32(self.beta))
        total = sequential_sum(e)[..., None]
        return e / total

    def _eval_int8(self, x: np.ndarray) -> np.ndarray:
        negdiff = np.max(x, axis=-1, keepdims=True) - x
        used = self.used_by_negdiff[negdiff]
        exp_q0 = self.exp_by_negdiff[negdiff]
        sum_of_exps = wrap_int32(np.sum(self.accum_by_negdiff[negdiff], axis=-1, keepdims=True))
        reciprocal, num_bits_over_unit = get_reciprocal(sum_of_exps, ACCUMULATION_INTEGER_BITS)
        exponent = num_bits_over_unit + 31 - self.out_bits
        if np.any(exponent > 31):
            # TFLITE_CHECK(0 <= exponent && exponent <= 31) aborts the TFLM process
            raise self.error(f"a row's sum of exponentials reached {2 ** (self.out_bits + 1)}: "
                             f"the {self.out_dtype} output cannot represent its probabilities "
                             "(TFLM aborts here; beta * input scale is too small for the row "
                             "length)")
        unsat = rounding_divide_by_pot(srdhm(reciprocal, exp_q0), exponent)
        y = np.clip(unsat + self.out_min, self.out_min, self.out_max)
        return np.where(used, y, self.out_min)

    def _eval_int16(self, x: np.ndarray) -> np.ndarray:
        exps = self.exp_by_negdiff[np.max(x, axis=-1, keepdims=True) - x]
        sum_of_exps = wrap_int32(np.sum(exps, axis=-1, keepdims=True))
        if np.any(sum_of_exps <= 0):
            # CountLeadingZeros(sum) - 1 becomes a negative shift count in TFLM
            raise self.error("a row's int32 sum of int16 exponentials overflowed (rows of "
                             "more than 65537 elements; TFLM's arithmetic is undefined here)")
        reciprocal, right_shift = reciprocal_int16_lut(sum_of_exps, self.reciprocal_lut)
        result = round_half_up_shift(exps * reciprocal, right_shift)
        return np.clip(result, 0, INT16_MAX)
