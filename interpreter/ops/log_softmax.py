"""LOG_SOFTMAX over the last dimension (``micro/kernels/log_softmax.cc``,
``reference/log_softmax.h``): float32 and int8.

float32: per row, ``max`` folds ``std::max`` from float32's lowest value (NaN
never wins), ``sum`` adds ``expf(x - max)`` from 0 left to right, and each
output is ``(x - max) - logf(sum)``, all float32 with the C library's
``expf``/``logf``. Where two NaNs meet in the sum, the accumulated one is
kept (x86's rule for ``a + b``), which decides the sign of a NaN output.

int8 (output scale must be exactly 16/256 and zero point 127, or TFLM fails
prepare): ``(M, L) = PreprocessSoftmaxScaling(1, s_in, 5)`` (Q5.26 inputs),
``(D, S) = QuantizeMultiplierSmallerThanOneExp(2^(31-L) / M)`` and
``diff_min = -CalculateInputRadius(5, L)``. Per row, with ``d = x - max``:

- ``sum`` (Q12.19) adds ``Rescale<12>(exp_on_negative_values(MBQM(d, M, L)))``
  over the ``d >= diff_min``;
- ``lse = log_x_for_x_greater_than_or_equal_to_1<5>(sum)`` (Q5.26);
- ``cut = max(diff_min - 1, MBQM(lse + INT32_MIN, D, S))``;
- ``y = d > cut ? clamp(RDBPOT(MBQM(d, M, L) - lse, 22) + 127) : -128``.

``log_x_for_x_greater_than_or_equal_to_1`` (``kernels/internal/common.h``)
is implemented here on raw int32 values like the gemmlowp helpers of
``arith/gemmlowp.py``.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import INT32_MIN
from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import rounding_divide_by_pot
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import add_into
from ..arith.float_math import expf
from ..arith.float_math import has_nan
from ..arith.gemmlowp import calculate_input_radius
from ..arith.gemmlowp import exp_on_negative_values
from ..arith.gemmlowp import log_x_for_x_greater_than_or_equal_to_1
from ..arith.gemmlowp import preprocess_softmax_scaling
from ..arith.gemmlowp import rescale
from .base import Op
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .elementwise_common import FLOAT32
from .elementwise_common import INT8
from .elementwise_common import libm_unary
from .registry import register

SCALED_DIFF_INTEGER_BITS = 5
ACCUMULATION_INTEGER_BITS = 12
OUTPUT_INTEGER_BITS = 4
OUTPUT_ZERO_POINT = 127
OUTPUT_SCALE = np.float32(16.0 / 256)

@register("LOG_SOFTMAX")
class LogSoftmax(Op):

    def prepare(self) -> None:
        inp, out = self.unary_io()
        self.check(tuple(inp.shape) == tuple(out.shape),
                   f"output shape {out.shape} differs from input shape {inp.shape}")
        self.check(len(inp.shape) >= 1, "input must have at least one dimension")
        if inp.dtype not in (FLOAT32, INT8):
            raise self.unsupported(f"type {inp.dtype} is not supported (TFLM supports "
                                   "float32, int8)")
        self.dtype = inp.dtype
        self.depth = inp.shape[-1]
        if self.dtype == INT8:
            self._prepare_int8(inp, out)

    def _prepare_int8(self, inp, out) -> None:
        require_per_tensor_quantization(self, inp, "input")
        require_per_tensor_quantization(self, out, "output")
        self.check(np.float32(scale_of(out)) == OUTPUT_SCALE
                   and zero_point_of(out) == OUTPUT_ZERO_POINT,
                   f"int8 output must have scale 16/256 and zero point 127, got "
                   f"{scale_of(out)!r} and {zero_point_of(out)} (TFLM fails prepare)")
        rounding = self.config.rounding
        scaling = preprocess_softmax_scaling(1.0, scale_of(inp), SCALED_DIFF_INTEGER_BITS,
                                             rounding)
        if scaling is None:
            raise self.error(f"input scale {scale_of(inp)!r} is too small for the fixed-point "
                             "log-softmax (TFLM aborts here)")
        self.multiplier, self.left_shift = scaling
        self.reverse_divisor, self.reverse_shift = self.multiplier_below_one(
            (1 << (31 - self.left_shift)) / float(self.multiplier), "reverse scaling")
        self.diff_min = -calculate_input_radius(SCALED_DIFF_INTEGER_BITS, self.left_shift)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0].reshape(-1, self.depth)
        y = self._eval_float(x) if self.dtype == FLOAT32 else self._eval_int8(x)
        outputs[0][...] = y.reshape(outputs[0].shape)

    @staticmethod
    def _eval_float(x: np.ndarray) -> np.ndarray:
        row_max = np.full(x.shape[0], np.finfo(np.float32).min, np.float32)
        for c in range(x.shape[1]):
            np.copyto(row_max, x[:, c], where=row_max < x[:, c])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            shifted = x - row_max[:, None]
            total = np.zeros(x.shape[0], np.float32)
            keep_nan = has_nan(shifted)
            for c in range(x.shape[1]):
                add_into(total, expf(shifted[:, c]), keep_nan)
            log_sum = libm_unary("logf", total, np.log)
            return shifted - log_sum[:, None]

    def _eval_int8(self, x: np.ndarray) -> np.ndarray:
        rounding = self.config.rounding
        diff = x.astype(np.int64) - x.max(axis=-1, keepdims=True)
        used = diff >= self.diff_min
        scaled = multiply_by_quantized_multiplier(np.where(used, diff, 0), self.multiplier,
                                                  self.left_shift, rounding)
        exps = rescale(exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS), 0,
                       ACCUMULATION_INTEGER_BITS)
        sum_of_exps = wrap_int32(np.sum(np.where(used, exps, 0), axis=-1))
        log_sum = log_x_for_x_greater_than_or_equal_to_1(
            sum_of_exps, SCALED_DIFF_INTEGER_BITS, ACCUMULATION_INTEGER_BITS)[:, None]
        cut = np.maximum(self.diff_min - 1, multiply_by_quantized_multiplier(
            wrap_int32(log_sum + INT32_MIN), self.reverse_divisor, self.reverse_shift,
            rounding))
        keep = diff > cut
        scaled = multiply_by_quantized_multiplier(np.where(keep, diff, 0), self.multiplier,
                                                  self.left_shift, rounding)
        y = rounding_divide_by_pot(
            wrap_int32(scaled - log_sum),
            31 - SCALED_DIFF_INTEGER_BITS - OUTPUT_INTEGER_BITS) + OUTPUT_ZERO_POINT
        return np.where(keep, np.clip(y, -128, 127), -128)
