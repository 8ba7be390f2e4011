"""Operand checks and quantization of the conv-like ops (CONV_2D,
DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV, ...).

Validation that TFLM's Prepare functions share (``micro/kernels/conv_common.cc``,
``depthwise_conv_common.cc``, ``fully_connected_common.cc``), per-channel
quantization (``PopulateConvolutionQuantizationParams`` in
``kernels/kernel_util.cc``), and the constructors of each op's ``OutputStage``
(``arith.requantize``), which validate what the stage is built from.
"""
from __future__ import annotations

import numpy as np

from ..arith.requantize import MAX_SHIFT_INT64
from ..arith.requantize import OutputStage
from ..arith.requantize import channel_multipliers
from ..parse.model import Tensor
from ..parse.schema import TensorType
from . import common
from .base import Op
from .common import fused_activation
from .window import Window
from .window import check_output_shape
from .window import compute_window


def constant_data(tensor: Tensor | None) -> np.ndarray | None:
    """A tensor's constant values; None when it is absent or computed at run time."""
    return tensor.data if tensor is not None and tensor.is_constant else None


class Derived:
    """A value derived from an op input (weights reshaped for the hot loop, say).

    Computed once, from the input's constant values, when the model holds
    them (``constant``), and on every eval otherwise (TFLM accepts filters and
    biases computed at run time).
    """

    def __init__(self, constant: np.ndarray | None, derive):
        self.derive = derive
        self.value = derive(constant) if constant is not None else None

    def __call__(self, array: np.ndarray | None):
        if self.value is not None or array is None:
            return self.value
        return self.derive(array)


# -- options and types -------------------------------------------------------

def check_int16_steps(op: Op, **steps: tuple[int, int]) -> None:
    """TFLM's and LiteRT's convolution kernels hold strides and dilations as int16
    (ConvParams, DepthwiseParams): a larger one is truncated (TFLM runs dilation 65537 as
    dilation 1), a model asking for something else than it gets. Refused."""
    for name, (h, w) in steps.items():
        for v in (h, w):
            op.check(v <= 32767, f"{name} {v} does not fit the int16 the kernels keep it in "
                                 f"(it would run as {(int(v) + 32768) % 65536 - 32768})")


def conv_window(op: Op, input_: Tensor, filter_h: int, filter_w: int, out_depth: int) -> Window:
    """The window of CONV_2D / DEPTHWISE_CONV_2D from the op's options, with the output
    shape it implies checked."""
    opts = op.options
    batches, in_h, in_w, _ = input_.shape
    check_int16_steps(op, stride=(opts.stride_h, opts.stride_w),
                      dilation=(opts.dilation_h_factor, opts.dilation_w_factor))
    window = compute_window(op, opts.padding, in_h, in_w, filter_h, filter_w,
                            opts.stride_h, opts.stride_w,
                            opts.dilation_h_factor, opts.dilation_w_factor)
    check_output_shape(op, op.outputs[0], (batches, window.out_h, window.out_w, out_depth))
    return window


def conv_stage(op: Op, dtype, input_: Tensor, filter_: Tensor, bias: Tensor | None, *,
               channels: int, channel_axis: int, activation: int, acc_bound: int,
               acc_bound_16x8: int = 0, bias_types_16x8=(np.int32, np.int64)):
    """(output stage, float activation range, input offset) of CONV_2D and
    DEPTHWISE_CONV_2D: int8 per-channel requantization of the int32 sums; 16x8 with an
    int64 accumulator for an int64 bias or none (else TFLM's int32 one); float32 clamped
    to the fused activation's range."""
    output = op.outputs[0]
    if dtype == np.int8:
        check_bias(op, bias, channels, np.int32)
        check_symmetric_filter(op, filter_)
        check_products_fit(op, input_, filter_)
        stage = int8_output_stage(op, input_, filter_, output, channels, channel_axis,
                                  activation, acc_bound)
        return stage, None, -common.zero_point_of(input_)
    if dtype == np.int16:
        check_bias(op, bias, channels, bias_types_16x8)
        if op.tflite:
            check_litert_16x8_bias(op, bias)
        check_symmetric_filter(op, filter_)
        stage = int16_output_stage(op, input_, filter_, output, channels, channel_axis,
                                   activation, int64_acc=bias is None or bias.dtype == np.int64,
                                   acc_bound=acc_bound_16x8)
        return stage, None, 0
    check_bias(op, bias, channels, np.float32)
    return None, common.activation_range_float(activation), 0


def conv_operands(op: Op):
    """CONV_2D / DEPTHWISE_CONV_2D: (input, filter, output, bias or None, input dtype,
    fused activation), after the checks both share: 2 or 3 inputs, rank-4 input,
    filter and output, a supported type combination (int8, 16x8, int4 weights, float32)."""
    op.check_io_count((2, 3))
    input_, filter_, output = op.input(0), op.input(1), op.outputs[0]
    bias = op.inputs[2] if len(op.inputs) > 2 else None
    for tensor, what in ((input_, "input"), (filter_, "filter"), (output, "output")):
        check_rank(op, tensor, 4, what)
    dtype = check_types(op, input_, filter_, output, allow_16x8=True, allow_int4=True)
    return input_, filter_, output, bias, dtype, fused_activation(op)


def check_rank(op: Op, tensor: Tensor, rank: int, what: str) -> None:
    op.check(len(tensor.shape) == rank,
             f"{what} must have rank {rank}, has shape {list(tensor.shape)}")


def check_types(op: Op, input_: Tensor, filter_: Tensor, output: Tensor,
                allow_16x8: bool = False, allow_int4: bool = False) -> np.dtype:
    """The supported (input, filter, output) type combinations; returns the input dtype.

    int8/int8 and float32/float32; with ``allow_16x8`` (the ops that implement
    it) the 16x8 kernels' int16/int8 (int16 activations, int8 weights); with
    ``allow_int4`` int8/int4 (int4-packed constant weights, see ``check_int4``).
    """
    check_int4(op, allow_int4)
    op.check(input_.dtype == output.dtype,
             f"input type {input_.dtype} differs from output type {output.dtype}")
    if filter_.is_int4:
        if input_.dtype != np.int8:
            raise op.unsupported(f"int4 weights with input type {input_.dtype} (TFLM runs "
                                 "int4 weights only with int8 inputs)")
        return input_.dtype
    pair = (input_.dtype, filter_.dtype)
    supported = [(np.dtype(np.int8), np.dtype(np.int8)),
                 (np.dtype(np.float32), np.dtype(np.float32))]
    if allow_16x8:
        supported.append((np.dtype(np.int16), np.dtype(np.int8)))
    if pair not in supported:
        names = ", ".join([f"{i}/{f}" for i, f in supported] + ["int8/int4"] * allow_int4)
        raise op.unsupported(f"input type {input_.dtype} with filter type {filter_.dtype} "
                             f"(supported: {names})")
    return input_.dtype


def check_int4(op: Op, allow_int4: bool) -> None:
    """INT4 tensors: with ``allow_int4``, only the op's filter (input 1) may be one, and
    it must be constant; without, none may.

    TFLM (conv.cc, depthwise_conv.cc, fully_connected.cc) accepts an int4 filter
    with int8 inputs and unpacks it into a scratch buffer, one byte per value, at
    every Eval (``tensor_utils::UnpackDenseInt4IntoInt8``), then runs the int8
    kernel. Here the loader has unpacked the constant already (``parse.loader``),
    so the int8 kernels read it as they are; the scratch is still requested
    (``request_int4_scratch``) so that the arena plan is TFLM's.
    """
    tensors = [(f"input {i}", t) for i, t in enumerate(op.inputs)] + \
        [(f"output {i}", t) for i, t in enumerate(op.outputs)]
    for what, t in tensors:
        if t is None or not t.is_int4:
            continue
        if not allow_int4:
            raise op.unsupported(f"INT4 {what} {t.name!r} (this operator takes no int4 tensors)")
        if what != "input 1":
            raise op.unsupported(f"INT4 {what} {t.name!r}: only the filter (input 1) may be "
                                 "int4")
        if not t.is_constant:
            raise op.unsupported(f"int4 filter {t.name!r} is not constant (int4 weights are "
                                 "only supported as constants)")


def request_int4_scratch(op: Op, filter_: Tensor) -> int | None:
    """TFLM's Prepare asks for a scratch buffer of one byte per filter value (the int4
    weights unpacked at each Eval); ask for the same, so the arena plan matches.
    Returns its index (None for other filters); the kernels here do not use it."""
    return op.request_scratch(filter_.num_elements) if filter_.is_int4 else None


def check_quantized(op: Op, tensor: Tensor, what: str) -> None:
    q = tensor.quantization
    op.check(q is not None and q.scale.size >= 1 and q.zero_point.size >= 1,
             f"int8 {what} tensor {tensor.name!r} has no quantization parameters")


def filter_scales(op: Op, filter_: Tensor, channels: int, channel_axis: int) -> np.ndarray:
    """Per-output-channel filter scales (float32), a per-tensor scale broadcast.

    Checks from PopulateConvolutionQuantizationParams (kernels/kernel_util.cc):
    a per-channel scale array needs one scale per output channel, along the
    axis the op quantizes on.
    """
    check_quantized(op, filter_, "filter")
    q = filter_.quantization
    if q.scale.size == 1:
        return np.full(channels, q.scale[0], dtype=np.float32)
    op.check(q.scale.size == channels,
             f"filter has {q.scale.size} per-channel scales but {channels} output channels")
    op.check(q.quantized_dimension == channel_axis,
             f"filter is quantized along dimension {q.quantized_dimension}, "
             f"expected {channel_axis}")
    return np.asarray(q.scale, dtype=np.float32)


def check_symmetric_filter(op: Op, filter_: Tensor) -> None:
    """The kernels that never read the filter zero point require it to be 0.

    TFLM's per-channel kernels (conv.h, depthwise_conv.h, FullyConnectedPerChannel)
    ignore it; computing as if it were 0 would silently give results that do
    not match the model's own quantization, so such models are refused.
    """
    check_quantized(op, filter_, "filter")
    zp = filter_.quantization.zero_point
    op.check(not np.any(zp), f"filter zero points must be 0 (symmetric int8 weights), got "
                             f"{sorted(set(int(z) for z in zp))}")


def check_bias(op: Op, bias: Tensor | None, channels: int, dtype) -> None:
    """Validate the optional bias: ``channels`` values of ``dtype`` (one type or a tuple).

    A bias type the kernel does not read as such (TFLM reinterprets the buffer)
    is refused as unsupported.
    """
    if bias is None:
        return
    allowed = tuple(np.dtype(d) for d in (dtype if isinstance(dtype, tuple) else (dtype,)))
    if bias.dtype not in allowed:
        names = " or ".join(str(d) for d in allowed)
        if isinstance(dtype, tuple):
            raise op.unsupported(f"bias type {bias.dtype} (supported: {names})")
        raise op.error(f"bias must be {names}, is {bias.dtype}")
    op.check(bias.num_elements == channels,
             f"bias has {bias.num_elements} values but there are {channels} output channels")


def litert_int32_bias(op: Op) -> bool:
    """The options' ``quantized_bias_type`` is INT32: LiteRT's 16x8 kernels then read an
    int32 bias into an int32 accumulator (which wraps)."""
    declared = int(op.options.get("quantized_bias_type", 0)) if op.options is not None else 0
    return declared == TensorType.INT32


def check_litert_16x8_bias(op: Op, bias: Tensor | None) -> None:
    """``semantics="tflite"``, int16 activations (CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV):
    LiteRT's reference kernels read the bias as the options' ``quantized_bias_type`` says,
    as int64 when it is unset. An int32 bias is then read as int64, past the end of its
    buffer: the result depends on the memory after it, so it is refused."""
    if bias is not None and bias.dtype == np.int32 and not litert_int32_bias(op):
        raise op.unsupported(
            "int32 bias with int16 activations and no quantized_bias_type INT32 in the options: "
            "LiteRT's reference kernel reads the bias as int64, past the end of its buffer, so "
            "its result depends on the memory after it")


def check_products_fit(op: Op, input_: Tensor, filter_: Tensor) -> None:
    """Each product (x - zp_in) * (w - zp_w) is an int32 multiplication in TFLM's
    kernels: zero points far outside the types' ranges (a broken model) can overflow it,
    undefined behaviour in C++. Refused."""
    x_span = int(np.iinfo(input_.dtype).max) + 1 + abs(common.zero_point_of(input_))
    zp_w = int(np.abs(filter_.quantization.zero_point).max(initial=0)) \
        if filter_.quantization is not None else 0
    w_span = 128 + zp_w
    op.check(x_span * w_span <= (1 << 31) - 1,
             f"zero points {common.zero_point_of(input_)} (input) and {zp_w} (filter) let a "
             "product (x - zp_in) * (w - zp_w) overflow TFLM's int32 arithmetic")


def accumulator_bound(depth: int, bias: Tensor | None) -> int:
    """An upper bound of |accumulator| for ``depth`` products of int8 by (int8 - zp) plus bias.

    255 * 255 covers both factors shifted by any int8 zero point. A bias
    computed at run time is unbounded.
    """
    if bias is None:
        bias_bound = 0
    elif bias.is_constant:
        bias_bound = int(np.abs(np.asarray(bias.data, np.int64)).max(initial=0))
    else:
        bias_bound = 1 << 31
    return depth * 255 * 255 + bias_bound


def accumulator_bound_16x8(depth: int, bias: Tensor | None) -> int:
    """An upper bound of |accumulator| for ``depth`` int16 x int8 products plus bias."""
    return depth * 32768 * 128 + (accumulator_bound(0, bias))


def check_zero_points_16x8(op: Op, input_: Tensor, output: Tensor) -> None:
    """The 16x8 kernels never read the input or output zero point; refuse non-zero ones.

    TFLM computes as if both were 0 (LiteRT requires them to be); computing so
    would silently give results that do not match the model's quantization.
    """
    check_quantized(op, input_, "input")
    check_quantized(op, output, "output")
    for tensor, what in ((input_, "input"), (output, "output")):
        zp = tensor.quantization.zero_point
        op.check(not np.any(zp), f"int16 {what} zero point must be 0, is {int(zp[0])}")


def output_stage(op: Op, kind: str, multiplier, shift, output: Tensor, activation: int,
                 acc_bound: int = 0, zero_point: int | None = None) -> OutputStage:
    """The ``OutputStage`` of an integer op writing ``output`` (quantized), with its fused
    activation's clamp range. An ``"int64"`` stage's shifts must lie where TFLM's int64
    requantization is defined."""
    check_quantized(op, output, "output")
    if kind == "int64":
        # The int64 MBQM rounds with 1 << (14 - shift): undefined in C from shift 15 on
        # (a real multiplier of 2^14 or more; TFLM only DCHECKs the shift). Measured on
        # FULLY_CONNECTED: the runtime then outputs zeros, no arithmetic to reproduce.
        top = int(np.max(shift, initial=0))
        op.check(top <= MAX_SHIFT_INT64,
                 f"the requantization multiplier s_in * s_w / s_out is 2^{top - 1} or more "
                 f"(shift {top}); TFLM's int64 requantization is undefined from 2^14 on")
    act_min, act_max = common.activation_range_quantized(activation, output, op)
    zp = common.zero_point_of(output) if zero_point is None else zero_point
    check_output_offset_fits(op, output, zp, multiplier, shift, acc_bound)
    return OutputStage(kind, np.asarray(multiplier, np.int64), np.asarray(shift, np.int64),
                       zp, act_min, act_max, op.config.rounding, acc_bound)


def check_output_offset_fits(op: Op, output: Tensor, zp: int, multiplier, shift,
                             acc_bound: int) -> None:
    """TFLM adds the output zero point to the requantized sum in int32: with a zero point
    far outside the output type (a broken model) that addition can overflow, undefined
    behaviour. Refused where the sums' bound allows it (``acc_bound``: 0 if unknown)."""
    qmin, qmax = common.INT_RANGES[output.dtype]
    if qmin <= zp <= qmax or not acc_bound:
        return
    reals = np.asarray(multiplier, np.float64) / 2.0 ** 31 * 2.0 ** np.asarray(shift, np.float64)
    y_bound = acc_bound * float(np.max(reals, initial=0.0)) + 1
    op.check(y_bound + abs(zp) <= (1 << 31) - 1,
             f"output zero point {zp} is outside {output.dtype}, and the requantized sum "
             "plus it can overflow TFLM's int32 addition")


def float_output_stage(op: Op, reals, output: Tensor, activation: int, acc_bound: int,
                       int64_acc: bool = False) -> OutputStage:
    """LiteRT's floating-point requantization (``semantics="tflite"`` FULLY_CONNECTED)."""
    check_quantized(op, output, "output")
    act_min, act_max = common.activation_range_quantized(activation, output, op)
    reals = np.asarray(reals, np.float64)
    return OutputStage("float", np.zeros(0, np.int64), np.zeros(0, np.int64),
                       common.zero_point_of(output), act_min, act_max, op.config.rounding,
                       acc_bound, reals=reals, int64_acc=int64_acc)


def int8_output_stage(op: Op, input_: Tensor, filter_: Tensor, output: Tensor, channels: int,
                      channel_axis: int, activation: int, acc_bound: int) -> OutputStage:
    """The stage of an int8 conv-like op with per-channel (or broadcast) multipliers."""
    check_quantized(op, input_, "input")
    scales = filter_scales(op, filter_, channels, channel_axis)
    m, s = channel_multipliers(common.scale_of(input_), scales, common.scale_of(output),
                               op.config.rounding)
    return output_stage(op, "int32", m, s, output, activation, acc_bound)


def int16_output_stage(op: Op, input_: Tensor, filter_: Tensor, output: Tensor, channels: int,
                       channel_axis: int, activation: int, int64_acc: bool,
                       acc_bound: int = 0) -> OutputStage:
    """The stage of a 16x8 conv-like op: ``"int64"`` for an int64 accumulator, else the
    32-bit ``"int32"`` one (int32 accumulator, the build's MBQM); zero points 0."""
    check_zero_points_16x8(op, input_, output)
    scales = filter_scales(op, filter_, channels, channel_axis)
    m, s = channel_multipliers(common.scale_of(input_), scales, common.scale_of(output),
                               op.config.rounding)
    return output_stage(op, "int64" if int64_acc else "int32", m, s, output, activation,
                        acc_bound)
