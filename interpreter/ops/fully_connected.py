"""FULLY_CONNECTED: int8 and 16x8 (per-tensor or per-channel weights) and float32.

Arithmetic of ``reference/integer_ops/fully_connected.h`` and
``reference/fully_connected.h``; quantization parameters from
``micro/kernels/fully_connected_common.cc``. The input is read as
``[batches, depth]`` whatever its shape (depth = the filter's last dim);
``keep_num_dims`` only shapes the output tensor, which the model supplies.

Per-tensor weights differ from CONV_2D in one detail, on purpose in TFLM:
they keep the filter zero point ("for backward compatibility",
integer_ops/fully_connected.h); per-channel weights ignore it. Both take the
multiplier ``(double)s_in * (double)s_w / (double)s_out``: the per-tensor
path goes through ``GetQuantizedConvolutionMultipler`` (kernels/kernel_util.cc),
whose source in some versions forms ``s_in * s_w`` in float32 first, but the
tflite-micro runtime rounds as the double product does (tests/ops/test_fully_connected.py
pins this with accumulators on which the two formulas disagree).

``semantics="tflite"`` (LiteRT's reference kernel, per-tensor and per-channel)
requantizes in floating point instead of with MBQM: the int32 accumulator
(bias included, wrapping as int32 does) times the double multiplier
``s_in * s_w[c] / s_out``, rounded half away from zero (``std::round``),
converted to int32 (x86: INT32_MIN when out of range), plus the output zero
point in int32 (wrapping), then clamped to the activation range
(``arith.requantize.FloatRequantizer``). Everything else is shared.

16x8 (int16 input and output, int8 weights; the int16 overloads of
``reference_integer_ops::FullyConnected``/``FullyConnectedPerChannel``), as the
tflite-micro runtime computes it (measured, tests/ops/test_fully_connected.py):

* per-tensor and per-channel weights; per-tensor weights keep their zero
  point, as in int8; per-channel ones must be symmetric;
* unlike the 16x8 convolutions, the input and output zero points are read:
  ``acc = sum (w - zp_w) (x - zp_in)``, ``y = clamp(MBQM(acc + bias) + zp_out)``;
* an int64 bias, or none: an int64 accumulator and the int64-input
  ``MultiplyByQuantizedMultiplier`` (``arith.requantize.Requantizer64``);
* an int32 bias: an int32 accumulator that wraps, and the build's 32-bit
  MBQM (``arith.requantize.Requantizer``), as CONV_2D does;
* any other bias type is refused (TFLM would read an int16 bias as int64).

``semantics="tflite"``, 16x8 (LiteRT's reference kernel, measured): the
int64 accumulator (no wrap) goes through the same floating-point
requantization as its int8 kernel (``arith.requantize.FloatRequantizer``); LiteRT refuses
non-zero input or output zero points and any bias but int64 (it reads an int32
bias as int64), and so does this interpreter.

int4 weights (int8 inputs): the int8 kernel on the unpacked values (the loader
unpacks them; see ``operands.check_int4``), plus TFLM's scratch request for
them. Per-tensor only: TFLM's CalculateOpDataFullyConnected refuses per-channel
int4 weights (measured); LiteRT runs them, and so does ``semantics="tflite"``.
"""
from __future__ import annotations

import numpy as np

from ..arith.float_math import float_output
from ..arith.float_math import has_nan
from ..arith.matmul import accumulate_float32
from ..arith.matmul import exact_int_matmul
from ..arith.requantize import channel_multipliers
from ..arith.requantize import real_multiplier
from ..arith.requantize import requantizer
from . import common
from .base import Op
from .common import fused_activation
from .operands import Derived
from .operands import accumulator_bound
from .operands import check_bias
from .operands import check_litert_16x8_bias
from .operands import check_products_fit
from .operands import check_quantized
from .operands import check_rank
from .operands import check_symmetric_filter
from .operands import check_types
from .operands import check_zero_points_16x8
from .operands import constant_data
from .operands import filter_scales
from .operands import float_output_stage
from .operands import int8_output_stage
from .operands import litert_int32_bias
from .operands import output_stage
from .operands import request_int4_scratch
from .params import FullyConnectedParams
from .registry import register


def accumulator_bound_fc16(depth: int, input_, filter_, bias) -> int:
    """An upper bound of |accumulator| for ``depth`` products (x - zp_in) (w - zp_w) plus bias."""
    zp_in = abs(common.zero_point_of(input_))
    zp_w = int(np.abs(filter_.quantization.zero_point).max(initial=0))
    return depth * (32768 + zp_in) * (128 + zp_w) + accumulator_bound(0, bias)


WEIGHTS_FORMAT_DEFAULT = 0


@register("FULLY_CONNECTED")
class FullyConnected(Op):

    def prepare(self) -> None:
        self.check_io_count((2, 3))
        input_, filter_, output = self.input(0), self.input(1), self.outputs[0]
        bias = self.inputs[2] if len(self.inputs) > 2 else None
        check_rank(self, filter_, 2, "filter")
        dtype = check_types(self, input_, filter_, output, allow_16x8=True, allow_int4=True)
        activation = fused_activation(self)
        if int(self.options.weights_format) != WEIGHTS_FORMAT_DEFAULT:
            raise self.unsupported(f"weights_format {self.options.weights_format} "
                                   "(only DEFAULT weights are supported)")

        units, depth = filter_.shape
        self.check(len(output.shape) >= 1 and output.shape[-1] == units,
                   f"output shape {list(output.shape)} must end in the filter's {units} units")
        batches = output.num_elements // units if units else 0
        self.check(input_.num_elements == batches * depth,
                   f"input shape {list(input_.shape)} does not hold {batches} rows of depth "
                   f"{depth} (output shape {list(output.shape)})")

        if dtype != np.float32:
            check_quantized(self, output, "output")
        stage, float_range, input_offset, filter_offset = None, None, 0, 0
        per_channel = filter_.quantization is not None and filter_.quantization.per_channel
        tflite = self.config.semantics == "tflite"
        if dtype == np.int8:
            request_int4_scratch(self, filter_)   # (FullyConnectedPrepare: before the rest)
            check_bias(self, bias, units, np.int32)
            check_quantized(self, filter_, "filter")
            check_products_fit(self, input_, filter_)
            if filter_.is_int4 and per_channel and not tflite:
                raise self.unsupported("per-channel int4 weights (TFLM's FULLY_CONNECTED takes "
                                       "int4 weights only with per-tensor quantization)")
            bound = accumulator_bound(depth, bias)
            if per_channel:
                check_symmetric_filter(self, filter_)
                stage = int8_output_stage(self, input_, filter_, output, units, channel_axis=0,
                                          activation=activation, acc_bound=bound)
            else:
                stage = self._per_tensor_stage(input_, filter_, bias, output, activation, bound)
                filter_offset = -int(filter_.quantization.zero_point[0])
            if tflite:
                stage = float_output_stage(self, self._reals(input_, filter_, output, units),
                                           output, activation, bound)
            input_offset = -common.zero_point_of(input_)
        elif dtype == np.int16:
            stage, filter_offset = self._prepare_16x8(input_, filter_, bias, output, activation)
            input_offset = -common.zero_point_of(input_)
        else:
            check_bias(self, bias, units, np.float32)
            float_range = common.activation_range_float(activation)
        self.params = FullyConnectedParams(
            dtype=dtype, batches=batches, depth=depth, units=units, input_offset=input_offset,
            filter_offset=filter_offset, per_channel=per_channel, stage=stage,
            float_range=float_range, filter=constant_data(filter_), bias=constant_data(bias),
            has_bias=bias is not None, bias_nan_wins=not tflite)

    @staticmethod
    def _reals(input_, filter_, output, units: int) -> np.ndarray:
        """The real multipliers of LiteRT's floating-point requantization, per unit."""
        scales = np.broadcast_to(np.asarray(filter_.quantization.scale, np.float64), (units,))
        s_in, s_out = common.scale_of(input_), common.scale_of(output)
        return np.array([real_multiplier(s_in, s, s_out) for s in scales])

    def _prepare_16x8(self, input_, filter_, bias, output, activation: int):
        """Validation and output stage of int16 x int8; returns (stage, filter offset)."""
        units, depth = filter_.shape
        tflite = self.config.semantics == "tflite"
        if tflite:
            # LiteRT's Prepare: TF_LITE_ENSURE zero points 0, and an int64 bias if any
            check_zero_points_16x8(self, input_, output)
            check_litert_16x8_bias(self, bias)
            check_bias(self, bias, units, (np.int32, np.int64))
        else:
            check_bias(self, bias, units, (np.int32, np.int64))
            check_quantized(self, input_, "input")
            check_quantized(self, output, "output")
        check_quantized(self, filter_, "filter")
        check_products_fit(self, input_, filter_)
        if filter_.quantization.per_channel:
            check_symmetric_filter(self, filter_)
            filter_offset = 0
        else:
            self._check_per_tensor_bias_scale(input_, filter_, bias, output)
            filter_offset = -int(filter_.quantization.zero_point[0])
        bound = accumulator_bound_fc16(depth, input_, filter_, bias)
        if tflite:   # an int32 accumulator where quantized_bias_type says INT32
            return float_output_stage(self, self._reals(input_, filter_, output, units), output,
                                      activation, bound, int64_acc=not litert_int32_bias(self)
                                      ), filter_offset
        scales = filter_scales(self, filter_, units, channel_axis=0)
        m, s = channel_multipliers(common.scale_of(input_), scales, common.scale_of(output),
                                   self.config.rounding)
        # an int64 bias (or none): int64 accumulator and MBQM; an int32 bias: an int32
        # accumulator that wraps, the build's 32-bit MBQM; both add the output zero point
        kind = "int64" if bias is None or bias.dtype == np.int64 else "int32"
        return output_stage(self, kind, m, s, output, activation, bound), filter_offset

    def _check_per_tensor_bias_scale(self, input_, filter_, bias, output) -> None:
        """GetQuantizedConvolutionMultipler (kernels/kernel_util.cc): the kernel adds the
        bias as if its scale were s_in * s_w, so TFLM refuses a bias scale that is off by
        more than 2% of an output step. A bias without quantization has scale 0."""
        s_in, s_w, s_out = (common.scale_of(t) for t in (input_, filter_, output))
        product = s_in * s_w                      # double, as float32 scales widen exactly
        if bias is not None:
            q = bias.quantization
            s_bias = float(q.scale[0]) if q is not None and q.scale.size else 0.0
            self.check(abs(product - s_bias) / s_out <= 0.02,
                       f"bias scale {s_bias} differs from input scale x filter scale {product}")
        self.check(product >= 0, "input scale x filter scale is negative")

    def _per_tensor_stage(self, input_, filter_, bias, output, activation, bound):
        """The per-tensor branch of CalculateOpDataFullyConnected."""
        check_quantized(self, input_, "input")
        check_quantized(self, output, "output")
        s_in, s_w, s_out = (common.scale_of(t) for t in (input_, filter_, output))
        self._check_per_tensor_bias_scale(input_, filter_, bias, output)
        units = filter_.shape[0]
        m, s = channel_multipliers(s_in, np.full(units, s_w), s_out, self.config.rounding)
        return output_stage(self, "int32", m, s, output, activation, bound)

    def setup_eval(self) -> None:
        p = self.params
        self.rows_shape = (p.batches, p.depth)
        if p.dtype == np.float32:
            self.weights = Derived(p.filter, lambda w: np.asarray(w, np.float32).T.copy())
            self.bias = Derived(p.bias, lambda b: np.asarray(b, np.float32).reshape(-1))
            self.eval = self._eval_float
            return
        # int8 and 16x8: the same exact integer product; only the requantization differs
        self.weights = Derived(
            p.filter, lambda w: (np.asarray(w, np.float64) + p.filter_offset).T.copy())
        self.bias = Derived(p.bias, lambda b: np.asarray(b, np.int64).reshape(-1))
        self.requantize = requantizer(p.stage, rows=p.batches)
        self.eval = self._eval_int

    def _eval_int(self, inputs, outputs, scratch) -> None:
        rows = np.add(inputs[0].reshape(self.rows_shape), self.params.input_offset,
                      dtype=np.float64)
        acc = exact_int_matmul(rows, self.weights(inputs[1]))
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = self.requantize(acc, bias).reshape(outputs[0].shape)

    def _eval_float(self, inputs, outputs, scratch) -> None:
        rows, weights = inputs[0].reshape(self.rows_shape), self.weights(inputs[1])
        total = accumulate_float32(rows, weights, has_nan(rows) or has_nan(weights))
        bias = self.bias(inputs[2] if len(inputs) > 2 else None)
        outputs[0][...] = float_output(total, bias, self.params.float_range,
                                       self.params.bias_nan_wins).reshape(outputs[0].shape)
