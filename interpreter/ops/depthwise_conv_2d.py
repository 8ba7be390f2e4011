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
them; see ``operands.check_int4``), plus TFLM's scratch request for them.

16x8 (int16 activations, int8 weights, the int16 ``DepthwiseConvPerChannel``
overload): int64 accumulators (exact here), an int64 bias or none (TFLM reads
the bias buffer as int64: other bias types are refused), no zero points (TFLM
reads neither; non-zero ones are refused), the int64
MultiplyByQuantizedMultiplier, clamped to the activation range.
"""
from __future__ import annotations

import numpy as np

from ..arith.float_math import add_into
from ..arith.float_math import float_output
from ..arith.float_math import has_nan
from ..arith.requantize import requantizer
from .base import Op
from .operands import Derived
from .operands import accumulator_bound
from .operands import constant_data
from .operands import conv_operands
from .operands import conv_stage
from .operands import conv_window
from .operands import request_int4_scratch
from .params import ConvParams
from .registry import register
from .window import PaddedImage


@register("DEPTHWISE_CONV_2D")
class DepthwiseConv2D(Op):

    def prepare(self) -> None:
        input_, filter_, _, bias, dtype, activation = conv_operands(self)
        batches, _, _, in_depth = input_.shape
        one, filter_h, filter_w, out_depth = filter_.shape
        self.check(one == 1, f"filter shape must be [1, h, w, channels], is {list(filter_.shape)}")
        multiplier = int(self.options.depth_multiplier)
        # The reference kernel trusts the option; a mismatch would read out of bounds.
        self.check(multiplier >= 1 and out_depth == in_depth * multiplier,
                   f"{out_depth} filter channels != input depth {in_depth} x depth_multiplier "
                   f"{multiplier}")
        window = conv_window(self, input_, filter_h, filter_w, out_depth)
        request_int4_scratch(self, filter_)   # (DepthwiseConvPrepare: before the rest)
        filter_q = filter_.quantization
        if dtype == np.int8 and filter_q is not None:   # (none: refused by conv_stage)
            self.check(filter_q.scale.size == filter_q.zero_point.size,
                       f"filter has {filter_q.scale.size} scales but {filter_q.zero_point.size} "
                       "zero points")
        # 16x8: TFLM reads the bias as int64, so only an int64 bias or none
        stage, float_range, input_offset = conv_stage(
            self, dtype, input_, filter_, bias, channels=out_depth, channel_axis=3,
            activation=activation, acc_bound=accumulator_bound(filter_h * filter_w, bias),
            bias_types_16x8=(np.int64,))
        self.params = ConvParams(
            dtype=dtype, window=window, batches=batches, in_depth=in_depth, out_depth=out_depth,
            input_offset=input_offset, stage=stage, float_range=float_range,
            filter=constant_data(filter_), bias=constant_data(bias), has_bias=bias is not None,
            depth_multiplier=multiplier)

    def setup_eval(self) -> None:
        p, w = self.params, self.params.window
        # int8 accumulates in int32 (wrapping like the C accumulator), 16x8 in int64 (exact),
        # float32 in float32 (rounding like the C ``total += x * w``): one tap loop for all.
        acc_type = {np.dtype(np.int8): np.int32, np.dtype(np.int16): np.int64}.get(
            np.dtype(p.dtype), np.float32)
        # The image holds each input channel repeated depth_multiplier times, so that every
        # array in the tap loop is indexed by output channel; int8 holds x - zp_in, and its
        # border of 0 makes taps outside the image add nothing, as the kernel skips them.
        self.image = PaddedImage(w, p.batches, p.out_depth, acc_type)
        # Per tap, the weights of one output row (out_w x channels), materialized rather
        # than broadcast: NumPy then runs each multiply-add as long contiguous loops.
        taps = w.filter_h * w.filter_w
        self.weights = Derived(p.filter, lambda f: np.ascontiguousarray(np.broadcast_to(
            np.asarray(f, acc_type).reshape(taps, 1, p.out_depth), (taps, w.out_w, p.out_depth))))
        self.bias = Derived(p.bias, lambda b: np.asarray(b, acc_type).reshape(-1))
        self._acc = np.empty(self.outputs[0].shape, acc_type)
        self._product = np.empty_like(self._acc)
        if p.dtype == np.float32:
            self.eval = self._eval_float
        else:
            self.requantize = requantizer(p.stage, rows=self.outputs[0].num_elements // p.out_depth)
            self.eval = self._eval_int

    def _accumulate(self, image: np.ndarray, weights: np.ndarray, keep_nan: bool) -> np.ndarray:
        """sum over taps of input * weight, per pixel and output channel, in tap order."""
        p = self.params
        if p.depth_multiplier > 1:
            image = np.repeat(image, p.depth_multiplier, axis=-1)
        self.image.load(image, p.input_offset)
        acc, product = self._acc, self._product
        acc[...] = 0
        for t, (ky, kx) in enumerate(p.window.taps):
            np.multiply(self.image.tap(ky, kx), weights[t], out=product)
            add_into(acc, product, keep_nan)
        return acc

    def _eval_int(self, inputs, outputs, scratch) -> None:
        """int8 and 16x8: the same tap loop; only the requantization differs."""
        acc = self._accumulate(inputs[0], self.weights(inputs[1]), keep_nan=False)
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = self.requantize(acc.astype(np.int64), bias)

    def _eval_float(self, inputs, outputs, scratch) -> None:
        weights = self.weights(inputs[1])
        with np.errstate(over="ignore", invalid="ignore"):   # inf and NaN are results here
            total = self._accumulate(inputs[0], weights, has_nan(inputs[0]) or has_nan(weights))
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = float_output(total, bias, self.params.float_range)
