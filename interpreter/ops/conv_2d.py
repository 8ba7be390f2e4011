"""CONV_2D: int8 (per-tensor or per-channel weights, int8 or int4-packed), 16x8 and float32.

Arithmetic of ``reference/integer_ops/conv.h`` (``ConvPerChannel``) and
``reference/conv.h``; validation of ``micro/kernels/conv_common.cc``.
Grouped convolution (input depth a multiple of the filter depth) is
supported as the reference kernels support it. int4 weights are the int8
kernel on the unpacked values (the loader unpacks them; see
``conv_common.check_int4``), plus TFLM's scratch request for them.

Hot path: the padded input is unfolded into a patch matrix (im2col) and
multiplied with the OHWI filter flattened to (K, out_channels). For int8 the
product runs in float64 BLAS, which is exact for these magnitudes; for float32
the products are accumulated one tap at a time in the kernel's order.
"""
from __future__ import annotations

import numpy as np

from . import common
from .base import Op
from .conv_common import (Derived, PaddedImage, accumulate_float32, accumulator_bound,
                          accumulator_bound_16x8, check_bias, check_output_shape,
                          check_symmetric_filter, compute_window, conv_operands, exact_int_matmul,
                          float_output, has_nan, int8_requantizer, int16_requantizer,
                          request_int4_scratch)
from .registry import register


@register("CONV_2D")
class Conv2D(Op):

    def prepare(self) -> None:
        input_, filter_, output, bias, dtype, activation = conv_operands(self)
        opts = self.options

        batches, in_h, in_w, in_depth = input_.shape
        out_depth, filter_h, filter_w, filter_depth = filter_.shape
        self.check(filter_depth >= 1 and in_depth % filter_depth == 0,
                   f"input depth {in_depth} is not a multiple of the filter depth {filter_depth}")
        groups = in_depth // filter_depth
        self.check(out_depth % groups == 0,
                   f"{out_depth} output channels cannot be split into {groups} groups")
        window = compute_window(self, opts.padding, in_h, in_w, filter_h, filter_w,
                                opts.stride_h, opts.stride_w,
                                opts.dilation_h_factor, opts.dilation_w_factor)
        check_output_shape(self, output, (batches, window.out_h, window.out_w, out_depth))
        self.groups = groups
        self.taps = filter_h * filter_w
        self.out_shape = output.shape

        # ``eval`` is bound here to the type's kernel so the hot path never branches on type.
        if dtype == np.int8:
            check_bias(self, bias, out_depth, np.int32)
            check_symmetric_filter(self, filter_)
            depth = filter_h * filter_w * filter_depth
            self.requantize = int8_requantizer(self, input_, filter_, output, out_depth,
                                               channel_axis=0, activation=activation,
                                               acc_bound=accumulator_bound(depth, bias))
            self.input_offset = -common.zero_point_of(input_)
            # Centered inputs (x - zp_in) in float64, padded with 0 == taps skipped.
            self.image = PaddedImage(window, batches, in_depth, np.float64)
            self.weights = Derived(filter_, lambda w: self._weight_matrix(w, np.float64))
            self.bias = Derived(bias, lambda b: np.asarray(b, np.int64).reshape(-1))
            self.eval = self._eval_int8
            request_int4_scratch(self, filter_)   # (ConvPrepare: after the quantization data)
        elif dtype == np.int16:
            check_bias(self, bias, out_depth, (np.int32, np.int64))
            check_symmetric_filter(self, filter_)
            depth = filter_h * filter_w * filter_depth
            self.requantize = int16_requantizer(
                self, input_, filter_, output, out_depth, channel_axis=0,
                activation=activation,
                int64_acc=bias is None or bias.dtype == np.int64,
                acc_bound=accumulator_bound_16x8(depth, bias))
            self.input_offset = 0
            self.image = PaddedImage(window, batches, in_depth, np.float64)
            self.weights = Derived(filter_, lambda w: self._weight_matrix(w, np.float64))
            self.bias = Derived(bias, lambda b: np.asarray(b, np.int64).reshape(-1))
            self.eval = self._eval_int8     # the same integer product; only requantize differs
        else:
            check_bias(self, bias, out_depth, np.float32)
            self.act_range = common.activation_range_float(activation)
            self.input_offset = 0
            self.image = PaddedImage(window, batches, in_depth, np.float32)
            self.weights = Derived(filter_, lambda w: self._weight_matrix(w, np.float32))
            self.bias = Derived(bias, lambda b: np.asarray(b, np.float32).reshape(-1))
            self.eval = self._eval_float

    def _weight_matrix(self, filter_data: np.ndarray, dtype) -> np.ndarray:
        """OHWI filter -> (groups, K, filters_per_group), K ordered (ky, kx, c) like im2col."""
        out_depth = filter_data.shape[0]
        per_group = out_depth // self.groups
        w = np.asarray(filter_data, dtype).reshape(self.groups, per_group, -1)
        return np.ascontiguousarray(w.transpose(0, 2, 1))

    def _patches(self, image: np.ndarray) -> np.ndarray:
        """im2col, split per group: (groups, pixels, K)."""
        self.image.load(image, self.input_offset)
        cols = self.image.im2col()
        if self.groups == 1:
            return cols[None]
        pixels = cols.shape[0]
        per_group = cols.reshape(pixels, self.taps, self.groups, -1).transpose(2, 0, 1, 3)
        return per_group.reshape(self.groups, pixels, -1)

    @staticmethod
    def _join_groups(per_group: np.ndarray) -> np.ndarray:
        """(groups, pixels, F) -> (pixels, groups * F): output channel g*F + f."""
        return per_group.transpose(1, 0, 2).reshape(per_group.shape[1], -1)

    def _eval_int8(self, inputs, outputs, scratch) -> None:
        cols = self._patches(inputs[0])
        weights = self.weights(inputs[1])
        if self.groups == 1:
            acc = exact_int_matmul(cols[0], weights[0])
        else:
            acc = self._join_groups(exact_int_matmul(cols, weights))
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = self.requantize(acc, bias).reshape(self.out_shape)

    def _eval_float(self, inputs, outputs, scratch) -> None:
        cols = self._patches(inputs[0])
        weights = self.weights(inputs[1])
        keep_nan = has_nan(inputs[0]) or has_nan(weights)
        total = self._join_groups(np.stack(
            [accumulate_float32(cols[g], weights[g], keep_nan) for g in range(self.groups)]))
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = float_output(total, bias, self.act_range).reshape(self.out_shape)
