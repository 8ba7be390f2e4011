"""Machinery shared by the windowed ops and FULLY_CONNECTED.

* window geometry: output size and padding exactly as TFLM computes them
  (``tensorflow/lite/kernels/padding.h``: ``ComputeOutSize``,
  ``ComputePaddingHeightWidth``), and a padded copy of the input image in
  which every filter tap of every output pixel is one strided view;
* quantization: per-channel multipliers
  (``PopulateConvolutionQuantizationParams`` in
  ``tensorflow/lite/kernels/kernel_util.cc``) and the int32 -> int8
  requantization step all the integer kernels end with;
* float32 arithmetic in the order the reference kernels use, so float
  results round exactly as TFLM's do;
* validation that CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arith import fixedpoint
from ..parse.model import Tensor
from . import common
from .base import Op
from .common import fused_activation

# schema Padding values
PADDING_SAME, PADDING_VALID = 0, 1


# -- window geometry -------------------------------------------------------

def compute_out_size(padding: int, image_size: int, filter_size: int, stride: int,
                     dilation: int = 1) -> int:
    """ComputeOutSize (kernels/padding.h); C division truncates toward zero."""
    effective_filter = (filter_size - 1) * dilation + 1
    if stride == 0:
        return 0
    if padding == PADDING_SAME:
        numerator = image_size + stride - 1
    elif padding == PADDING_VALID:
        numerator = image_size + stride - effective_filter
    else:
        return 0
    return int(numerator / stride) if numerator < 0 else numerator // stride


def compute_padding(stride: int, dilation: int, in_size: int, filter_size: int,
                    out_size: int) -> int:
    """ComputePaddingWithOffset (kernels/padding.h): the padding before the image.

    An odd total padding puts the extra row/column after the image; the
    kernels never need it explicitly (taps past the end are simply absent).
    """
    effective_filter = (filter_size - 1) * dilation + 1
    total = max((out_size - 1) * stride + effective_filter - in_size, 0)
    return total // 2


@dataclass(frozen=True)
class Window:
    """Geometry of a 2-D sliding window over an NHWC image."""

    in_h: int
    in_w: int
    filter_h: int
    filter_w: int
    stride_h: int
    stride_w: int
    dilation_h: int
    dilation_w: int
    pad_h: int      # TFLM padding_values.height: rows of padding above the image
    pad_w: int      # columns of padding left of the image
    out_h: int
    out_w: int

    @property
    def taps(self) -> list[tuple[int, int]]:
        """Filter taps (ky, kx) in the order the reference kernels visit them."""
        return [(ky, kx) for ky in range(self.filter_h) for kx in range(self.filter_w)]


def compute_window(op: Op, padding: int, in_h: int, in_w: int, filter_h: int, filter_w: int,
                   stride_h: int, stride_w: int, dilation_h: int = 1,
                   dilation_w: int = 1) -> Window:
    """ComputePaddingHeightWidth plus the sanity checks TFLM leaves to DCHECKs."""
    op.check(padding in (PADDING_SAME, PADDING_VALID), f"unknown padding {padding}")
    op.check(stride_h >= 1 and stride_w >= 1, f"strides must be >= 1, got {stride_h}x{stride_w}")
    op.check(dilation_h >= 1 and dilation_w >= 1,
             f"dilation factors must be >= 1, got {dilation_h}x{dilation_w}")
    op.check(filter_h >= 1 and filter_w >= 1,
             f"filter size must be >= 1, got {filter_h}x{filter_w}")
    out_h = compute_out_size(padding, in_h, filter_h, stride_h, dilation_h)
    out_w = compute_out_size(padding, in_w, filter_w, stride_w, dilation_w)
    op.check(out_h >= 1 and out_w >= 1,
             f"a {filter_h}x{filter_w} window (dilation {dilation_h}x{dilation_w}) with VALID "
             f"padding does not fit a {in_h}x{in_w} input")
    return Window(in_h, in_w, filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w,
                  compute_padding(stride_h, dilation_h, in_h, filter_h, out_h),
                  compute_padding(stride_w, dilation_w, in_w, filter_w, out_w),
                  out_h, out_w)


def check_output_shape(op: Op, output: Tensor, expected: tuple[int, ...]) -> None:
    """TFLM loops over the output tensor's dims; they must be what the window produces."""
    op.check(tuple(output.shape) == tuple(expected),
             f"output shape {list(output.shape)} does not match the computed {list(expected)}")


class PaddedImage:
    """A persistent NHWC buffer holding the input inside its padding border.

    Filling the border once with a neutral value (0 for centered inputs, the
    type's lowest value for max pooling) makes a padded tap equivalent to the
    reference kernels' "skip taps outside the image", and makes every tap of
    every output pixel a strided view: no index arithmetic in the hot path.
    """

    def __init__(self, window: Window, batches: int, channels: int, dtype, fill=0):
        w = window
        needed_h = (w.out_h - 1) * w.stride_h + (w.filter_h - 1) * w.dilation_h + 1
        needed_w = (w.out_w - 1) * w.stride_w + (w.filter_w - 1) * w.dilation_w + 1
        shape = (batches, max(needed_h, w.pad_h + w.in_h), max(needed_w, w.pad_w + w.in_w),
                 channels)
        self.window = window
        self.buffer = np.full(shape, fill, dtype=dtype)
        self.interior = self.buffer[:, w.pad_h:w.pad_h + w.in_h, w.pad_w:w.pad_w + w.in_w, :]
        self._cols: np.ndarray | None = None

    def load(self, image: np.ndarray, offset: int = 0) -> None:
        """Copy ``image + offset`` (computed in the buffer's type) into the interior."""
        if offset:
            np.add(image, offset, out=self.interior, dtype=self.buffer.dtype)
        else:
            self.interior[...] = image

    def tap(self, ky: int, kx: int) -> np.ndarray:
        """Input values under filter tap (ky, kx) for every output pixel: (N, out_h, out_w, C)."""
        w = self.window
        y0, x0 = ky * w.dilation_h, kx * w.dilation_w
        return self.buffer[:, y0:y0 + (w.out_h - 1) * w.stride_h + 1:w.stride_h,
                           x0:x0 + (w.out_w - 1) * w.stride_w + 1:w.stride_w, :]

    def windows(self) -> np.ndarray:
        """Every output pixel's whole window at once: a (N, out_h, out_w, C, filter_h,
        filter_w) view."""
        w = self.window
        span_h = (w.filter_h - 1) * w.dilation_h + 1
        span_w = (w.filter_w - 1) * w.dilation_w + 1
        view = np.lib.stride_tricks.sliding_window_view(self.buffer, (span_h, span_w),
                                                        axis=(1, 2))
        return view[:, :(w.out_h - 1) * w.stride_h + 1:w.stride_h,
                    :(w.out_w - 1) * w.stride_w + 1:w.stride_w, :,
                    ::w.dilation_h, ::w.dilation_w]

    def im2col(self) -> np.ndarray:
        """The (N*out_h*out_w, filter_h*filter_w*C) patch matrix, columns ordered (ky, kx, c)
        like a flattened OHWI filter row."""
        w = self.window
        n, c = self.buffer.shape[0], self.buffer.shape[3]
        if (w.filter_h, w.filter_w, w.stride_h, w.stride_w) == (1, 1, 1, 1) \
                and self.interior.shape[1:3] == (w.out_h, w.out_w):
            return self.interior.reshape(n * w.out_h * w.out_w, c)
        if self._cols is None:
            self._cols = np.empty((n, w.out_h, w.out_w, w.filter_h, w.filter_w, c),
                                  self.buffer.dtype)
        for ky, kx in w.taps:
            self._cols[:, :, :, ky, kx, :] = self.tap(ky, kx)
        return self._cols.reshape(n * w.out_h * w.out_w, w.filter_h * w.filter_w * c)


class Derived:
    """A value derived from an op input (weights reshaped for the hot loop, say).

    Computed once at prepare time when the input is a constant tensor, and on
    every eval otherwise (TFLM accepts filters and biases computed at run time).
    """

    def __init__(self, tensor: Tensor | None, derive):
        self.derive = derive
        self.value = derive(tensor.data) if tensor is not None and tensor.is_constant else None

    def __call__(self, array: np.ndarray | None):
        if self.value is not None or array is None:
            return self.value
        return self.derive(array)


# -- options and types -------------------------------------------------------

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


# -- integer requantization --------------------------------------------------

def conv_multipliers(input_scale: float, filter_scales_: np.ndarray, output_scale: float,
                     rounding: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel (multiplier, shift) as PopulateConvolutionQuantizationParams computes them:
    ``(double)s_in * (double)s_w[c] / (double)s_out`` (the product in double)."""
    reals = [float(np.float32(input_scale)) * float(s) / float(np.float32(output_scale))
             for s in filter_scales_]
    return fixedpoint.quantize_multipliers(reals, rounding)


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


def row_tile(rows: int, channels: int, limit: int = 4096) -> int:
    """How many accumulator rows to treat as one: the largest divisor k of ``rows`` with
    ``k * channels <= limit`` (at least 1)."""
    for k in range(max(1, min(rows, limit // max(channels, 1))), 0, -1):
        if rows % k == 0:
            return k
    return 1


class Requantizer:
    """int32 accumulators -> clamped output integers, per output channel (last axis).

    ``y = clamp(MBQM(acc + bias, M[c], shift[c]) + zp_out, act_min, act_max)``
    (reference/integer_ops/conv.h and siblings). The C kernels add in int32_t,
    so a sum that leaves int32 wraps, both in the accumulator and when the
    output zero point is added; the wraps are applied only when the bounds
    known at prepare time say they can happen.

    For speed, ``rows`` accumulator rows of ``channels`` values are processed
    as fewer, longer rows with the per-channel constants tiled to match: NumPy
    loops over a broadcast operand run an inner loop per channel row.
    """

    def __init__(self, op: Op, multiplier: np.ndarray, shift: np.ndarray, output: Tensor,
                 activation: int, acc_bound: int, rows: int):
        check_quantized(op, output, "output")
        self.channels = len(multiplier)
        self.tile = row_tile(rows, self.channels)
        self.multiply = fixedpoint.ChannelMultiplier(
            np.tile(multiplier, self.tile), np.tile(shift, self.tile), op.config.rounding)
        self.zero_point = common.zero_point_of(output)
        self.act_min, self.act_max = common.activation_range_quantized(activation, output, op)
        self.wrap_acc = acc_bound > fixedpoint.INT32_MAX
        # MBQM results come near the int32 limits only when a shift is >= 0.
        self.wrap_output = self.zero_point != 0 and bool(np.any(np.asarray(shift) >= 0))

    def __call__(self, acc: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
        """Requantize int64 accumulators (last axis = channel); ``acc`` may be overwritten."""
        shape = acc.shape
        acc = acc.reshape(-1, self.tile * self.channels)
        if bias is not None:
            acc += np.tile(bias, self.tile) if self.tile > 1 else bias
        if self.wrap_acc:
            acc = fixedpoint.wrap_int32(acc)
        y = self.multiply(acc)
        y += self.zero_point
        if self.wrap_output:
            y = fixedpoint.wrap_int32(y)
        # (np.maximum / np.minimum: the same clamp as np.clip with less per-call overhead)
        np.maximum(y, self.act_min, out=y)
        np.minimum(y, self.act_max, out=y)
        return y.reshape(shape)


def int8_requantizer(op: Op, input_: Tensor, filter_: Tensor, output: Tensor, channels: int,
                     channel_axis: int, activation: int, acc_bound: int) -> Requantizer:
    """The Requantizer of an int8 conv-like op with per-channel (or broadcast) multipliers;
    the output tensor holds its accumulator rows (pixels or batches) times channels."""
    check_quantized(op, input_, "input")
    scales = filter_scales(op, filter_, channels, channel_axis)
    m, s = conv_multipliers(common.scale_of(input_), scales, common.scale_of(output),
                            op.config.rounding)
    return Requantizer(op, m, s, output, activation, acc_bound,
                       rows=output.num_elements // channels)


# the largest shift the int64 MultiplyByQuantizedMultiplier is defined for
MAX_SHIFT_INT64 = 14


class Requantizer64:
    """int64 accumulators -> clamped int16 outputs, the 16x8 kernels' last step.

    ``y = clamp(MBQM64(acc + bias, M[c], shift[c]), act_min, act_max)``
    (``reference/integer_ops/{conv,depthwise_conv,transpose_conv}.h``, their
    int16 overloads with an int64 accumulator): the int64-input
    MultiplyByQuantizedMultiplier (``fixedpoint.multiply_by_quantized_multiplier_int64``)
    and no output zero point. Same call signature as ``Requantizer``.
    """

    def __init__(self, op: Op, multiplier: np.ndarray, shift: np.ndarray, output: Tensor,
                 activation: int):
        check_quantized(op, output, "output")
        # The int64 MBQM rounds with 1 << (14 - shift): undefined in C from shift 15 on
        # (a real multiplier of 2^14 or more; TFLM only DCHECKs the shift). Measured on
        # FULLY_CONNECTED: the runtime then outputs zeros, no arithmetic to reproduce.
        top = int(np.max(shift, initial=0))
        op.check(top <= MAX_SHIFT_INT64,
                 f"the requantization multiplier s_in * s_w / s_out is 2^{top - 1} or more "
                 f"(shift {top}); TFLM's int64 requantization is undefined from 2^14 on")
        self.channels = len(multiplier)
        # The Q15 multiplier is reduced once here; the hot path is one multiply-add-shift.
        self.reduced = fixedpoint.reduce_multiplier_int64(multiplier)
        self.total_shift = 15 - np.asarray(shift, np.int64)
        self.round = np.int64(1) << (self.total_shift - 1)
        self.multiplier = np.asarray(multiplier, np.int64)
        self.shift = np.asarray(shift, np.int64)
        self.act_min, self.act_max = common.activation_range_quantized(activation, output, op)

    def __call__(self, acc: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
        """Requantize int64 accumulators (last axis = channel); ``acc`` may be overwritten."""
        if bias is not None:
            acc += bias
        acc *= self.reduced   # (C wraps an overflowing int64 product too; NumPy arrays do)
        acc += self.round
        acc >>= self.total_shift
        y = fixedpoint.wrap_int32(acc)
        np.maximum(y, self.act_min, out=y)
        np.minimum(y, self.act_max, out=y)
        return y


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


def int16_requantizer(op: Op, input_: Tensor, filter_: Tensor, output: Tensor, channels: int,
                      channel_axis: int, activation: int, int64_acc: bool,
                      acc_bound: int = 0):
    """The requantizer of a 16x8 conv-like op: ``Requantizer64`` for an int64 accumulator,
    else the 32-bit ``Requantizer`` (int32 accumulator, the build's MBQM; zero point 0)."""
    check_zero_points_16x8(op, input_, output)
    scales = filter_scales(op, filter_, channels, channel_axis)
    m, s = conv_multipliers(common.scale_of(input_), scales, common.scale_of(output),
                            op.config.rounding)
    if int64_acc:
        return Requantizer64(op, m, s, output, activation)
    return Requantizer(op, m, s, output, activation, acc_bound,
                       rows=output.num_elements // channels)


def accumulator_bound_16x8(depth: int, bias: Tensor | None) -> int:
    """An upper bound of |accumulator| for ``depth`` int16 x int8 products plus bias."""
    return depth * 32768 * 128 + (accumulator_bound(0, bias))


def exact_int_matmul(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Integer matrix product through float64 BLAS, returned as int64.

    Exact: int8 x (int8 - zp) products are below 2^15 in magnitude, so any sum
    of fewer than 2^38 of them is an integer float64 represents exactly; int16 x
    int8 products are below 2^22, exact in sums of fewer than 2^31.
    """
    return (lhs @ rhs).astype(np.int64)


# -- float32 arithmetic --------------------------------------------------------

def has_nan(array: np.ndarray) -> bool:
    return bool(np.isnan(array).any())


def add_into(total: np.ndarray, term: np.ndarray, keep_nan: bool) -> None:
    """``total += term`` as the C loops' ``total += x`` leaves a NaN total: unchanged.

    When both operands are NaN, x86 returns the first one's bits, and the
    tflite-micro runtime does; NumPy's vector loops may return either. Only
    inputs holding NaN can make both operands NaN with different bits (NaNs
    born in the sum are all the same default NaN), so callers pass
    ``keep_nan`` only then and the common path stays one in-place add.
    """
    if keep_nan:
        nan = np.isnan(total)
        kept = total[nan]
        total += term
        total[nan] = kept
    else:
        total += term


def float_output(total: np.ndarray, bias: np.ndarray | None,
                 act_range: tuple[np.float32, np.float32],
                 bias_nan_wins: bool = False) -> np.ndarray:
    """The float kernels' last step: ``ActivationFunctionWithMinMax(total + bias, lo, hi)``.

    When both ``total`` and ``bias`` are NaN, the compiled add returns the first
    operand's bits: ``total``'s in most kernels, the bias's in TFLM's float
    FULLY_CONNECTED (``bias_nan_wins``; its compiler put the bias first).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if bias is not None:
            total = total.copy()
            add_into(total, bias, keep_nan=True)
            if bias_nan_wins:
                np.copyto(total, np.broadcast_to(bias, total.shape), where=np.isnan(bias))
        return common.cpp_clamp(total, *act_range).astype(np.float32, copy=False)


def accumulate_float32(lhs: np.ndarray, rhs: np.ndarray, keep_nan: bool) -> np.ndarray:
    """``sum_k lhs[..., k] * rhs[k, :]`` rounded like the reference C loop.

    The reference kernels add one float32 product at a time in k order
    (``total += x * w``); a BLAS dot product would reassociate and round
    differently. Vectorized over every other axis, sequential over k.
    lhs: (P, K) float32, rhs: (K, F) float32 -> (P, F) float32.
    """
    total = np.zeros((lhs.shape[0], rhs.shape[1]), np.float32)
    product = np.empty_like(total)
    with np.errstate(over="ignore", invalid="ignore"):   # inf and NaN are results here
        for k in range(lhs.shape[1]):
            np.multiply(lhs[:, k:k + 1], rhs[k], out=product)
            add_into(total, product, keep_nan)
    return total
