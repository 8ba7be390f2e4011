"""TRANSPOSE_CONV: int8 (per-channel or per-tensor weights), 16x8 and float32.

Arithmetic of ``reference/integer_ops/transpose_conv.h`` and
``reference/transpose_conv.h`` as ``micro/kernels/transpose_conv.cc`` calls
them. Inputs: 0 = output shape (ignored: TFLM has no dynamic shapes, the
output tensor's shape rules), 1 = OHWI filter, 2 = input, 3 = optional bias.

The kernels "scatter": each input pixel adds ``x * w[oc, fy, fx, ic]`` into
output pixel ``(iy * stride - pad + fy, ix * stride - pad + fx)`` when that
lies inside the output. Padding is ComputePaddingHeightWidth applied to the
OUTPUT size (as if the output were a convolution's input). For one output
value the float contributions arrive in input order (iy, ix, ic) ascending,
i.e. filter taps (fy, fx) descending; this implementation adds them in that
order so float32 rounds as TFLM does. Integer sums are exact (int32 in C).

int8: int32 accumulators (TFLM keeps them in an output-sized scratch buffer,
requested here too), plus bias, per-channel MultiplyByQuantizedMultiplier,
plus the output zero point, clamped to the fused activation's range. The
filter zero point is never read.

16x8 (int16 activations, int8 weights): int64 accumulators (TFLM's scratch
is int64 here, requested too), an int64 or int16 bias (TFLM widens int16
biases; it would read any other type's buffer as int64, so those are
refused) or none, the int64 MultiplyByQuantizedMultiplier, no zero points
(never read by TFLM; non-zero ones are refused), clamped like int8.
"""
from __future__ import annotations

import numpy as np

from ..arith.float_math import float_output
from ..arith.requantize import channel_multipliers
from ..arith.requantize import requantizer
from . import common
from .base import Op
from .common import fused_activation
from .operands import check_bias
from .operands import check_int16_steps
from .operands import check_litert_16x8_bias
from .operands import check_rank
from .operands import check_symmetric_filter
from .operands import check_types
from .operands import constant_data
from .operands import filter_scales
from .operands import int16_output_stage
from .operands import litert_int32_bias
from .operands import output_stage
from .params import TransposeConvParams
from .registry import register
from .window import PADDING_SAME
from .window import PADDING_VALID
from .window import compute_out_size
from .window import compute_padding

OUTPUT_SHAPE, FILTER, INPUT, BIAS = range(4)


@register("TRANSPOSE_CONV")
class TransposeConv(Op):

    def prepare(self) -> None:
        self.check_io_count((3, 4))
        filter_, input_, output = self.input(FILTER), self.input(INPUT), self.outputs[0]
        bias = self.inputs[BIAS] if len(self.inputs) > BIAS else None
        for tensor, what in ((input_, "input"), (filter_, "filter"), (output, "output")):
            check_rank(self, tensor, 4, what)
        dtype = check_types(self, input_, filter_, output, allow_16x8=True)
        activation = fused_activation(self)
        opts = self.options
        batches, in_h, in_w, in_c = input_.shape
        out_c, f_h, f_w, f_c = filter_.shape
        out_b, out_h, out_w, out_depth = output.shape
        self.check(f_c == in_c, f"filter depth {f_c} differs from input depth {in_c}")
        self.check(out_depth == out_c and out_b == batches,
                   f"output shape {list(output.shape)} does not match batches {batches} and "
                   f"{out_c} filters")
        s_h, s_w = int(opts.stride_h), int(opts.stride_w)
        self.check(s_h >= 1 and s_w >= 1, f"strides must be >= 1, got {s_h}x{s_w}")
        check_int16_steps(self, stride=(s_h, s_w))
        padding = int(opts.padding)
        self.check(padding in (PADDING_SAME, PADDING_VALID), f"unknown padding {padding}")
        # ComputePaddingHeightWidth(stride, dilation 1, output size, filter size)
        self.pad_h = compute_padding(s_h, 1, out_h, f_h,
                                     compute_out_size(padding, out_h, f_h, s_h))
        self.pad_w = compute_padding(s_w, 1, out_w, f_w,
                                     compute_out_size(padding, out_w, f_w, s_w))
        self.stride = (s_h, s_w)
        self.taps = self._taps(in_h, in_w, f_h, f_w, out_h, out_w)

        stage = float_range = scratch = None
        input_offset = 0
        if dtype == np.int8:
            check_bias(self, bias, out_c, np.int32)
            scales = filter_scales(self, filter_, out_c, channel_axis=0)
            m, s = channel_multipliers(common.scale_of(input_), scales, common.scale_of(output),
                                       self.config.rounding)
            # The fused activation's range clamps the int8 result (tflite-micro's runtime
            # applies it; older TFLM sources clamped to the int8 range only). The int32
            # sums may wrap (acc_bound past int32).
            stage = output_stage(self, "int32", m, s, output, activation, acc_bound=1 << 40)
            input_offset = -common.zero_point_of(input_)
            scratch = self.request_scratch(output.num_elements * 4)
        elif dtype == np.int16:
            # LiteRT: with quantized_bias_type INT32, an int32 bias and accumulator (wrapping)
            int32_acc = self.tflite and litert_int32_bias(self)
            if self.tflite:
                check_litert_16x8_bias(self, bias)
            check_bias(self, bias, out_c, (np.int16, np.int64) + ((np.int32,) * int32_acc))
            check_symmetric_filter(self, filter_)
            stage = int16_output_stage(self, input_, filter_, output, out_c, channel_axis=0,
                                       activation=activation, int64_acc=not int32_acc,
                                       acc_bound=1 << 40)
            scratch = self.request_scratch(output.num_elements * 8)
        else:
            check_bias(self, bias, out_c, np.float32)
            float_range = common.activation_range_float(activation)
        self.params = TransposeConvParams(
            dtype, (s_h, s_w), (self.pad_h, self.pad_w), input_offset, stage, float_range,
            constant_data(filter_), constant_data(bias), bias is not None, scratch)

    def setup_eval(self) -> None:
        p = self.params
        if p.dtype == np.float32:
            self.eval = self._eval_float
            return
        # int8 and 16x8: the same scatter; only the requantization differs
        self.requantize = requantizer(p.stage, rows=self.outputs[0].num_elements
                                      // self.outputs[0].shape[3])
        self.input_offset = p.input_offset
        self.eval = self._eval_int8

    def _taps(self, in_h, in_w, f_h, f_w, out_h, out_w):
        """Per filter tap (fy, fx), in descending order: the input and output slices it links."""
        (s_h, s_w), taps = self.stride, []

        def span(fk, pad, stride, in_size, out_size):
            # input i reaches output o = i * stride - pad + fk; keep 0 <= o < out_size
            lo = 0
            while lo < in_size and lo * stride - pad + fk < 0:
                lo += 1
            hi = lo
            while hi < in_size and hi * stride - pad + fk < out_size:
                hi += 1
            if hi <= lo:
                return None
            o0 = lo * stride - pad + fk
            return slice(lo, hi), slice(o0, o0 + (hi - lo - 1) * stride + 1, stride)

        for fy in reversed(range(f_h)):
            ys = span(fy, self.pad_h, s_h, in_h, out_h)
            for fx in reversed(range(f_w)):
                xs = span(fx, self.pad_w, s_w, in_w, out_w)
                if ys is not None and xs is not None:
                    taps.append((fy, fx, ys, xs))
        return taps

    def _eval_int8(self, inputs, outputs, scratch) -> None:
        x = np.add(inputs[INPUT], self.input_offset, dtype=np.int64)
        w = np.asarray(inputs[FILTER], np.int64)
        out = outputs[0]
        acc = np.zeros(out.shape, np.int64)
        for fy, fx, (iy, oy), (ix, ox) in self.taps:
            acc[:, oy, ox, :] += x[:, iy, ix, :] @ w[:, fy, fx, :].T
        bias = inputs[BIAS] if len(inputs) > BIAS and inputs[BIAS] is not None else None
        # the bias is read flat, whatever shape the model gives its channels' values
        out[...] = self.requantize(acc, None if bias is None else
                                   np.asarray(bias, np.int64).reshape(-1))

    def _eval_float(self, inputs, outputs, scratch) -> None:
        x, w = inputs[INPUT], np.asarray(inputs[FILTER], np.float32)
        out = outputs[0]
        total = np.zeros(out.shape, np.float32)
        in_c = x.shape[3]
        with np.errstate(over="ignore", invalid="ignore"):
            for fy, fx, (iy, oy), (ix, ox) in self.taps:
                xs = x[:, iy, ix, :]
                for ic in range(in_c):
                    total[:, oy, ox, :] += xs[..., ic:ic + 1] * w[:, fy, fx, ic]
            bias = inputs[BIAS] if len(inputs) > BIAS and inputs[BIAS] is not None else None
            out[...] = float_output(total, None if bias is None else
                                    np.asarray(bias, np.float32).reshape(-1),
                                    self.params.float_range)
