"""DEPTHWISE_CONV_2D: int8 (per-tensor or per-channel weights, int8 or int4-packed), 16x8
and float32.

Arithmetic of ``reference/integer_ops/depthwise_conv.h``
(``DepthwiseConvPerChannel``) and ``reference/depthwiseconv_float.h``;
validation of ``micro/kernels/depthwise_conv_common.cc``. Output channel
``oc = ic * depth_multiplier + m`` reads input channel ``ic``.

Hot path: a loop over the (few) filter taps, each one a multiply-add over
all pixels and output channels at once, in the kernel's tap order. int8
accumulates in int32 (wrapping like the C accumulator), float32 in float32
(rounding like the C ``total += x * w``), so one loop serves both types.

int4 weights are the int8 kernel on the unpacked values (the loader unpacks
them; see ``conv_common.check_int4``), plus TFLM's scratch request for them.

16x8 (int16 activations, int8 weights, the int16 ``DepthwiseConvPerChannel``
overload): int64 accumulators (exact here), an int64 bias or none (TFLM reads
the bias buffer as int64: other bias types are refused), no zero points (TFLM
reads neither; non-zero ones are refused), the int64
MultiplyByQuantizedMultiplier, clamped to the activation range.
"""
from __future__ import annotations

import numpy as np

from . import common
from .base import Op
from .conv_common import (Derived, PaddedImage, accumulator_bound, add_into, check_bias,
                          check_output_shape, check_symmetric_filter, compute_window,
                          conv_operands, float_output, has_nan, int8_requantizer,
                          int16_requantizer, request_int4_scratch)
from .registry import register


@register("DEPTHWISE_CONV_2D")
class DepthwiseConv2D(Op):

    def prepare(self) -> None:
        input_, filter_, output, bias, dtype, activation = conv_operands(self)
        opts = self.options

        batches, in_h, in_w, in_depth = input_.shape
        one, filter_h, filter_w, out_depth = filter_.shape
        self.check(one == 1, f"filter shape must be [1, h, w, channels], is {list(filter_.shape)}")
        multiplier = int(opts.depth_multiplier)
        # The reference kernel trusts the option; a mismatch would read out of bounds.
        self.check(multiplier >= 1 and out_depth == in_depth * multiplier,
                   f"{out_depth} filter channels != input depth {in_depth} x depth_multiplier "
                   f"{multiplier}")
        window = compute_window(self, opts.padding, in_h, in_w, filter_h, filter_w,
                                opts.stride_h, opts.stride_w,
                                opts.dilation_h_factor, opts.dilation_w_factor)
        check_output_shape(self, output, (batches, window.out_h, window.out_w, out_depth))
        self.window = window
        self.multiplier = multiplier

        # ``eval`` is bound here to the type's kernel so the hot path never branches on type.
        if dtype == np.int8:
            request_int4_scratch(self, filter_)   # (DepthwiseConvPrepare: before the rest)
            check_bias(self, bias, out_depth, np.int32)
            check_symmetric_filter(self, filter_)
            filter_q = filter_.quantization
            self.check(filter_q.scale.size == filter_q.zero_point.size,
                       f"filter has {filter_q.scale.size} scales but {filter_q.zero_point.size} "
                       "zero points")
            self.requantize = int8_requantizer(self, input_, filter_, output, out_depth,
                                               channel_axis=3, activation=activation,
                                               acc_bound=accumulator_bound(filter_h * filter_w,
                                                                           bias))
            self.input_offset = -common.zero_point_of(input_)
            acc_type = np.int32
            self.eval = self._eval_int8
        elif dtype == np.int16:
            check_bias(self, bias, out_depth, (np.int64,))
            check_symmetric_filter(self, filter_)
            self.requantize = int16_requantizer(self, input_, filter_, output, out_depth,
                                                channel_axis=3, activation=activation,
                                                int64_acc=True)
            self.input_offset = 0
            acc_type = np.int64
            self.eval = self._eval_int8     # the same tap loop; only requantize differs
        else:
            check_bias(self, bias, out_depth, np.float32)
            self.act_range = common.activation_range_float(activation)
            self.input_offset = 0
            acc_type = np.float32
            self.eval = self._eval_float
        # The image holds each input channel repeated depth_multiplier times, so that every
        # array in the tap loop is indexed by output channel; int8 holds x - zp_in, and its
        # border of 0 makes taps outside the image add nothing, as the kernel skips them.
        self.image = PaddedImage(window, batches, out_depth, acc_type)
        # Per tap, the weights of one output row (out_w x channels), materialized rather
        # than broadcast: NumPy then runs each multiply-add as long contiguous loops.
        self.weights = Derived(filter_, lambda w: np.ascontiguousarray(np.broadcast_to(
            np.asarray(w, acc_type).reshape(filter_h * filter_w, 1, out_depth),
            (filter_h * filter_w, window.out_w, out_depth))))
        self.bias = Derived(bias, lambda b: np.asarray(b, acc_type).reshape(-1))
        self._acc = np.empty(output.shape, acc_type)
        self._product = np.empty_like(self._acc)

    def _accumulate(self, image: np.ndarray, weights: np.ndarray, keep_nan: bool) -> np.ndarray:
        """sum over taps of input * weight, per pixel and output channel, in tap order."""
        if self.multiplier > 1:
            image = np.repeat(image, self.multiplier, axis=-1)
        self.image.load(image, self.input_offset)
        acc, product = self._acc, self._product
        acc[...] = 0
        for t, (ky, kx) in enumerate(self.window.taps):
            np.multiply(self.image.tap(ky, kx), weights[t], out=product)
            add_into(acc, product, keep_nan)
        return acc

    def _eval_int8(self, inputs, outputs, scratch) -> None:
        acc = self._accumulate(inputs[0], self.weights(inputs[1]), keep_nan=False)
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = self.requantize(acc.astype(np.int64), bias)

    def _eval_float(self, inputs, outputs, scratch) -> None:
        weights = self.weights(inputs[1])
        with np.errstate(over="ignore", invalid="ignore"):   # inf and NaN are results here
            total = self._accumulate(inputs[0], weights, has_nan(inputs[0]) or has_nan(weights))
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = float_output(total, bias, self.act_range)
