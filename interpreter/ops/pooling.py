"""AVERAGE_POOL_2D and MAX_POOL_2D: int8, int16 and float32.

Arithmetic of ``reference/integer_ops/pooling.h`` and ``reference/pooling.h``;
validation of ``micro/kernels/pooling_common.cc``. Only the taps inside the
image count: the average divides by the number of valid taps, and the maximum
starts from the type's lowest value. No zero-point arithmetic happens: TFLM
requires the output to share the input's scale and zero point.

Hot path: float32 visits the taps one at a time, in the kernel's order, each
a vectorized update of all pixels and channels, so that sums round and NaNs
propagate as in C. int8 and int16 (one integer path: the int16 kernels are the
int8 ones on wider values, their int32 sums exact for any window below 2^16
taps) sums and maxima do not depend on the order; they are
reduced over the whole window view at once when there are more taps than
output pixels (global pooling), and tap by tap otherwise.

``semantics="tflite"`` also runs uint8 (LiteRT's reference ``AveragePool`` and
``MaxPool`` for uint8): the int8 arithmetic on [0, 255].
"""
from __future__ import annotations

import numpy as np

from ..arith.float_math import add_into
from ..arith.float_math import float_output
from ..arith.float_math import has_nan
from . import common
from .base import Op
from .base import Types
from .common import FLOAT32_LOWEST
from .common import fused_activation
from .operands import check_quantized
from .operands import check_rank
from .params import PoolParams
from .registry import register
from .window import PaddedImage
from .window import Window
from .window import check_output_shape
from .window import compute_window

_SUPPORTED = Types((np.int8, np.int16, np.float32), tflite=(np.uint8,))
# int16 taps sum in an int32 accumulator: exact below this many taps
_MAX_INT16_TAPS = 65536


def valid_tap_counts(window: Window) -> np.ndarray:
    """Number of window taps inside the image, per output pixel: (out_h, out_w, 1)."""
    def per_axis(out, stride, pad, filter_, size):
        start = np.arange(out) * stride - pad
        return np.maximum(np.minimum(start + filter_, size) - np.maximum(start, 0), 0)
    rows = per_axis(window.out_h, window.stride_h, window.pad_h, window.filter_h, window.in_h)
    cols = per_axis(window.out_w, window.stride_w, window.pad_w, window.filter_w, window.in_w)
    return (rows[:, None] * cols[None, :])[:, :, None]


def rounded_division(acc: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``acc > 0 ? (acc + n/2) / n : (acc - n/2) / n`` in C integer arithmetic
    (integer_ops/pooling.h): ties away from zero, division truncating."""
    half = n // 2
    numerator = np.where(acc > 0, acc + half, acc - half)
    quotient = np.abs(numerator) // n
    return np.where(numerator < 0, -quotient, quotient)


class _Pool2D(Op):
    """Window, activation range and validation shared by both pooling ops."""

    def border_value(self, dtype: np.dtype):
        """The value the padding border holds: one that cannot change the reduction."""
        raise NotImplementedError

    def prepare(self) -> None:
        (input_,), (output,) = self.io(1, 1)
        check_rank(self, input_, 4, "input")
        check_rank(self, output, 4, "output")
        self.check(input_.dtype == output.dtype,
                   f"input type {input_.dtype} differs from output type {output.dtype}")
        if input_.dtype not in self.allowed_types(_SUPPORTED):
            raise self.unsupported(f"type {input_.dtype} (supported: int8, int16, float32)")
        activation = fused_activation(self)
        opts = self.options

        batches, in_h, in_w, depth = input_.shape
        window = compute_window(self, opts.padding, in_h, in_w, opts.filter_height,
                                opts.filter_width, opts.stride_h, opts.stride_w)
        check_output_shape(self, output, (batches, window.out_h, window.out_w, depth))
        act_min = act_max = float_range = None
        if input_.dtype != np.float32:
            check_quantized(self, input_, "input")
            check_quantized(self, output, "output")
            # pooling_common.cc: the kernels copy quantized values through unscaled.
            self.check(abs(common.scale_of(input_) - common.scale_of(output)) <= 1.0e-6,
                       "input and output scales differ")
            self.check(common.zero_point_of(input_) == common.zero_point_of(output),
                       "input and output zero points differ")
            act_min, act_max = common.activation_range_quantized(activation, output, self)
        else:
            float_range = common.activation_range_float(activation)
        self.params = PoolParams(input_.dtype, window, batches, depth, act_min, act_max,
                                 float_range)

    def setup_eval(self) -> None:
        p = self.params
        self.window = p.window
        self.image = PaddedImage(p.window, p.batches, p.depth, p.dtype,
                                 fill=self.border_value(p.dtype))
        # Few output pixels under many taps (global pooling): one reduction over the
        # window view beats a loop over the taps.
        self.reduce_whole_window = (p.window.out_h * p.window.out_w
                                    < p.window.filter_h * p.window.filter_w
                                    and self.image.complete)
        # The type's kernel is chosen here so that eval never branches on the type.
        self.eval = self._eval_float if p.dtype == np.float32 else self._eval_integer

    def _eval_integer(self, inputs, outputs, scratch) -> None:
        self.image.load(inputs[0])
        result = self.reduce_int(outputs[0].shape)
        np.maximum(result, self.params.act_min, out=result)
        np.minimum(result, self.params.act_max, out=result)
        outputs[0][...] = result

    def _eval_float(self, inputs, outputs, scratch) -> None:
        self.image.load(inputs[0])
        with np.errstate(over="ignore", invalid="ignore"):   # inf and NaN are results here
            result = self.reduce_float(outputs[0].shape, has_nan(inputs[0]))
        outputs[0][...] = float_output(result, None, self.params.float_range)

    def reduce_int(self, shape) -> np.ndarray:
        """The integer result before the activation clamp, as int64."""
        raise NotImplementedError

    def reduce_float(self, shape, keep_nan: bool) -> np.ndarray:
        """The float32 result before the activation clamp."""
        raise NotImplementedError


@register("AVERAGE_POOL_2D")
class AveragePool2D(_Pool2D):

    def border_value(self, dtype):
        return 0                     # adds nothing to the sum

    def prepare(self) -> None:
        super().prepare()
        counts = valid_tap_counts(self.params.window)
        # The kernels fail at run time on an empty window; geometry from
        # ComputePaddingHeightWidth never produces one, but refuse it early.
        self.check(bool(np.all(counts > 0)), "a pooling window lies entirely in the padding")
        if self.inputs[0].dtype == np.int16:
            self.check(int(counts.max()) < _MAX_INT16_TAPS,
                       f"a {int(counts.max())}-tap window would overflow TFLM's int32 sum")
        self.int_counts = counts.astype(np.int64)
        self.float_counts = counts.astype(np.float32)

    def reduce_int(self, shape) -> np.ndarray:
        if self.reduce_whole_window:
            total = self.image.windows().sum(axis=(-2, -1), dtype=np.int64)
        else:
            total = np.zeros(shape, np.int64)
            for ky, kx in self.window.taps:
                total += self.image.tap(ky, kx)
        return rounded_division(total, self.int_counts)

    def reduce_float(self, shape, keep_nan: bool) -> np.ndarray:
        total = np.zeros(shape, np.float32)
        for ky, kx in self.window.taps:
            add_into(total, self.image.tap(ky, kx), keep_nan)
        return total / self.float_counts


@register("MAX_POOL_2D")
class MaxPool2D(_Pool2D):

    def border_value(self, dtype):
        # The kernels start from the type's lowest value, so a border holding it is inert.
        return FLOAT32_LOWEST if dtype == np.float32 else np.iinfo(dtype).min

    def reduce_int(self, shape) -> np.ndarray:
        if self.reduce_whole_window:
            return self.image.windows().max(axis=(-2, -1)).astype(np.int64)
        best = self.image.tap(0, 0).astype(np.int64)
        for ky, kx in self.window.taps[1:]:
            np.maximum(best, self.image.tap(ky, kx), out=best)
        return best

    def reduce_float(self, shape, keep_nan: bool) -> np.ndarray:
        # std::max(max, x) is ``max < x ? x : max``: NaN inputs never win and the
        # first of equal values (+0.0 / -0.0) stays.
        best = np.full(shape, FLOAT32_LOWEST, np.float32)
        for ky, kx in self.window.taps:
            tap = self.image.tap(ky, kx)
            np.copyto(best, tap, where=best < tap)
        return best
