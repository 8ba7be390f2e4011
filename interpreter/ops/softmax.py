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

int16 input (LUT-based in TFLM) is not implemented.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier, rounding_divide_by_pot
from ..arith.fixedpoint import saturating_rounding_doubling_high_mul as srdhm
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import expf, sequential_sum
from ..arith.gemmlowp import (calculate_input_radius, exp_on_negative_values, get_reciprocal,
                              preprocess_softmax_scaling, rescale)
from .base import Op
from .common import INT_RANGES, scale_of, zero_point_of
from .elementwise import require_per_tensor_quantization
from .registry import register

SCALED_DIFF_INTEGER_BITS = 5
ACCUMULATION_INTEGER_BITS = 12

# output type -> (zero point, scale) that TFLM requires for int8 input
_REQUIRED_OUTPUT_QUANTIZATION = {
    np.dtype(np.int8): (-128, 1.0 / 256),
    np.dtype(np.int16): (-32768, 1.0 / 65536),
}


@register("SOFTMAX")
class Softmax(Op):

    def prepare(self) -> None:
        self.check_io_count(1)
        inp, out = self.input(0), self.outputs[0]
        if len(inp.shape) < 1:
            raise self.error("input must have at least one dimension")
        if inp.shape != out.shape:
            raise self.error(f"output shape {out.shape} differs from input shape {inp.shape}")
        self.beta = float(np.float32(self.options.beta)) if self.options is not None else 1.0
        if inp.dtype == np.float32:
            if out.dtype != np.float32:
                raise self.error(f"float32 input needs a float32 output, got {out.dtype}")
        elif inp.dtype == np.int8:
            self._prepare_int8(inp, out)
        else:
            raise self.unsupported(f"input type {inp.dtype} is not supported")
        self.in_dtype = inp.dtype
        self.out_dtype = out.dtype

    def _prepare_int8(self, inp, out) -> None:
        if out.dtype not in _REQUIRED_OUTPUT_QUANTIZATION:
            raise self.error(f"int8 input needs an int8 or int16 output, got {out.dtype}")
        require_per_tensor_quantization(self, inp, "input")
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
        scaling = preprocess_softmax_scaling(self.beta, scale_of(inp), SCALED_DIFF_INTEGER_BITS,
                                             self.config.rounding)
        if scaling is None:
            raise self.error(f"beta * input scale ({self.beta!r} * {scale_of(inp)!r}) is too "
                             "small for the fixed-point softmax (TFLM aborts here)")
        self.input_multiplier, self.input_left_shift = scaling
        self.diff_min = -calculate_input_radius(SCALED_DIFF_INTEGER_BITS, self.input_left_shift)
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

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        if self.in_dtype == np.float32:
            outputs[0][...] = self._eval_float(x)
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
