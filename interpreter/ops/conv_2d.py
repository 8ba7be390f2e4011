"""CONV_2D: int8 (per-tensor or per-channel weights, int8 or int4-packed), 16x8 and float32.

Arithmetic of ``reference/integer_ops/conv.h`` (``ConvPerChannel``) and
``reference/conv.h``; validation of ``micro/kernels/conv_common.cc``.
Grouped convolution (input depth a multiple of the filter depth) is
supported as the reference kernels support it. int4 weights are the int8
kernel on the unpacked values (the loader unpacks them; see
``operands.check_int4``), plus TFLM's scratch request for them.

Hot path: the padded input is unfolded into a patch matrix (im2col) and
multiplied with the OHWI filter flattened to (K, out_channels). For int8 the
product runs in float64 BLAS, which is exact for these magnitudes; for float32
the products are accumulated one tap at a time in the kernel's order.
"""
from __future__ import annotations

import numpy as np

from ..arith.float_math import float_output
from ..arith.float_math import has_nan
from ..arith.matmul import accumulate_float32
from ..arith.matmul import exact_int_matmul
from ..arith.requantize import requantizer
from .base import Op
from .operands import Derived
from .operands import accumulator_bound
from .operands import accumulator_bound_16x8
from .operands import constant_data
from .operands import conv_operands
from .operands import conv_stage
from .operands import conv_window
from .operands import request_int4_scratch
from .params import ConvParams
from .registry import register
from .window import PaddedImage


@register("CONV_2D")
class Conv2D(Op):

    def prepare(self) -> None:
        input_, filter_, _, bias, dtype, activation = conv_operands(self)
        batches, _, _, in_depth = input_.shape
        out_depth, filter_h, filter_w, filter_depth = filter_.shape
        self.check(filter_depth >= 1 and in_depth % filter_depth == 0,
                   f"input depth {in_depth} is not a multiple of the filter depth {filter_depth}")
        groups = in_depth // filter_depth
        self.check(out_depth % groups == 0,
                   f"{out_depth} output channels cannot be split into {groups} groups")
        window = conv_window(self, input_, filter_h, filter_w, out_depth)
        depth = filter_h * filter_w * filter_depth
        stage, float_range, input_offset = conv_stage(
            self, dtype, input_, filter_, bias, channels=out_depth, channel_axis=0,
            activation=activation, acc_bound=accumulator_bound(depth, bias),
            acc_bound_16x8=accumulator_bound_16x8(depth, bias))
        request_int4_scratch(self, filter_)   # (ConvPrepare: after the quantization data)
        self.params = ConvParams(
            dtype=dtype, window=window, batches=batches, in_depth=in_depth, out_depth=out_depth,
            input_offset=input_offset, stage=stage, float_range=float_range,
            filter=constant_data(filter_), bias=constant_data(bias), has_bias=bias is not None,
            groups=groups)

    def setup_eval(self) -> None:
        p = self.params
        float_type = p.dtype == np.float32
        work_type = np.float32 if float_type else np.float64
        # Centered integer inputs (x - zp_in) in float64, padded with 0 == taps skipped.
        self.image = PaddedImage(p.window, p.batches, p.in_depth, work_type)
        self.weights = Derived(p.filter, lambda w: self._weight_matrix(w, work_type))
        self.bias = Derived(p.bias, lambda b: np.asarray(
            b, np.float32 if float_type else np.int64).reshape(-1))
        if float_type:
            self.eval = self._eval_float
        else:
            self.requantize = requantizer(p.stage, rows=self.outputs[0].num_elements // p.out_depth)
            self.eval = self._eval_int

    def _weight_matrix(self, filter_data: np.ndarray, dtype) -> np.ndarray:
        """OHWI filter -> (groups, K, filters_per_group), K ordered (ky, kx, c) like im2col."""
        groups = self.params.groups
        per_group = filter_data.shape[0] // groups
        w = np.asarray(filter_data, dtype).reshape(groups, per_group, -1)
        return np.ascontiguousarray(w.transpose(0, 2, 1))

    def _patches(self, image: np.ndarray) -> np.ndarray:
        """im2col, split per group: (groups, pixels, K)."""
        p = self.params
        self.image.load(image, p.input_offset)
        cols = self.image.im2col()
        if p.groups == 1:
            return cols[None]
        pixels, taps = cols.shape[0], p.window.filter_h * p.window.filter_w
        per_group = cols.reshape(pixels, taps, p.groups, -1).transpose(2, 0, 1, 3)
        return per_group.reshape(p.groups, pixels, -1)

    @staticmethod
    def _join_groups(per_group: np.ndarray) -> np.ndarray:
        """(groups, pixels, F) -> (pixels, groups * F): output channel g*F + f."""
        return per_group.transpose(1, 0, 2).reshape(per_group.shape[1], -1)

    def _eval_int(self, inputs, outputs, scratch) -> None:
        """int8 and 16x8: the same exact integer product; only the requantization differs."""
        cols = self._patches(inputs[0])
        weights = self.weights(inputs[1])
        if self.params.groups == 1:
            acc = exact_int_matmul(cols[0], weights[0])
        else:
            acc = self._join_groups(exact_int_matmul(cols, weights))
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = self.requantize(acc, bias).reshape(outputs[0].shape)

    def _eval_float(self, inputs, outputs, scratch) -> None:
        cols = self._patches(inputs[0])
        weights = self.weights(inputs[1])
        keep_nan = has_nan(inputs[0]) or has_nan(weights)
        total = self._join_groups(np.stack(
            [accumulate_float32(cols[g], weights[g], keep_nan)
             for g in range(self.params.groups)]))
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = float_output(total, bias, self.params.float_range).reshape(
            outputs[0].shape)
