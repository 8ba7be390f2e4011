"""The prepared forms of the ops: what ``prepare`` computes once, and every kernel reads.

TFLM keeps an ``OpData`` struct per node, filled in Prepare (multipliers,
shifts, offsets, padding) and read by Eval. Here each op family has one such
frozen dataclass. ``Op.prepare`` validates the node and builds it (as
``op.params``); the NumPy eval, the C kernel bindings (``interpreter.ops_c``)
and the firmware code generator all read the same object, so no backend
re-derives a number another backend computed.

Integer values are Python ints; per-channel arrays are int64 NumPy arrays
holding int32 values; constant operands (weights, biases) are the model's
read-only arrays, or None when the model computes them at run time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arith.requantize import OutputStage
from .window import Window


@dataclass(frozen=True, eq=False)
class ConvParams:
    """CONV_2D and DEPTHWISE_CONV_2D.

    ``dtype`` is the activations' type: int8, int16 (16x8: int8 weights) or
    float32. CONV_2D filters are OHWI (``groups`` = input depth / filter
    depth); DEPTHWISE_CONV_2D filters are 1HWO, output channel
    ``ic * depth_multiplier + m`` reading input channel ``ic``.
    """

    dtype: np.dtype
    window: Window
    batches: int
    in_depth: int
    out_depth: int
    input_offset: int                       # -input zero point (int8); 0 otherwise
    stage: OutputStage | None               # integer types
    float_range: tuple[np.float32, np.float32] | None   # float32: the activation clamp
    filter: np.ndarray | None               # constant weights; None if computed at run time
    bias: np.ndarray | None                 # constant bias; None if absent or run-time
    has_bias: bool
    groups: int = 1                         # CONV_2D
    depth_multiplier: int = 1               # DEPTHWISE_CONV_2D

    @property
    def constant_operands(self) -> bool:
        """Weights and bias (if any) are model constants, known at generation time."""
        return self.filter is not None and (self.bias is not None or not self.has_bias)


@dataclass(frozen=True, eq=False)
class FullyConnectedParams:
    """FULLY_CONNECTED: ``[batches, depth]`` rows times ``[units, depth]`` weights.

    Per-tensor int8 weights keep their zero point (``filter_offset`` =
    -zero point); per-channel weights are symmetric (``filter_offset`` 0).
    """

    dtype: np.dtype                         # the input's type: int8, int16 or float32
    batches: int
    depth: int
    units: int
    input_offset: int
    filter_offset: int
    per_channel: bool
    stage: OutputStage | None
    float_range: tuple[np.float32, np.float32] | None
    filter: np.ndarray | None
    bias: np.ndarray | None
    has_bias: bool
    bias_nan_wins: bool = False             # float32 under TFLM (see arith.float_math)

    @property
    def constant_operands(self) -> bool:
        return self.filter is not None and (self.bias is not None or not self.has_bias)


@dataclass(frozen=True, eq=False)
class TransposeConvParams:
    """TRANSPOSE_CONV: every input pixel scatters into the output pixels its taps reach.

    ``scratch`` is the index of the op's working memory (one output's sums, as
    TFLM's scratch: int32 for int8, int64 for 16x8).
    """

    dtype: np.dtype
    stride: tuple[int, int]
    padding: tuple[int, int]                # TFLM's, computed for the output size
    input_offset: int
    stage: OutputStage | None
    float_range: tuple[np.float32, np.float32] | None
    filter: np.ndarray | None               # OHWI constant weights
    bias: np.ndarray | None
    has_bias: bool
    scratch: int | None

    @property
    def constant_operands(self) -> bool:
        return self.filter is not None and (self.bias is not None or not self.has_bias)


@dataclass(frozen=True, eq=False)
class PoolParams:
    """AVERAGE_POOL_2D and MAX_POOL_2D: no requantization (input and output share
    their quantization), only the activation clamp."""

    dtype: np.dtype
    window: Window
    batches: int
    depth: int
    act_min: int | None                     # integer types
    act_max: int | None
    float_range: tuple[np.float32, np.float32] | None


@dataclass(frozen=True, eq=False)
class AddParams:
    """Quantized ADD / SUB (``reference/integer_ops/add.h``): both inputs, offset and
    shifted left by ``left_shift``, are scaled to a common scale, added (or
    subtracted), and rescaled to the output."""

    dtype: np.dtype                         # int8 or int16
    sign: int                               # +1 ADD, -1 SUB
    left_shift: int
    input1_offset: int
    input2_offset: int
    output_offset: int
    input1_multiplier: int
    input1_shift: int
    input2_multiplier: int
    input2_shift: int
    output_multiplier: int
    output_shift: int
    act_min: int
    act_max: int


@dataclass(frozen=True, eq=False)
class MulParams:
    """Quantized MUL (``reference/integer_ops/mul.h``):
    ``clamp(MBQM((x1 + off1) * (x2 + off2), M, shift) + zp_out)``."""

    dtype: np.dtype
    input1_offset: int
    input2_offset: int
    output_offset: int
    output_multiplier: int
    output_shift: int
    act_min: int
    act_max: int


@dataclass(frozen=True, eq=False)
class CopyParams:
    """RESHAPE, SQUEEZE, EXPAND_DIMS: the output holds the input's bytes unchanged."""

    nbytes: int


@dataclass(frozen=True, eq=False)
class SoftmaxParams:
    """int8 -> int8 SOFTMAX (``reference/softmax.h``): the input scaling into Q5.26
    and the smallest difference to the row maximum that still counts."""

    input_multiplier: int
    input_left_shift: int
    diff_min: int


@dataclass(frozen=True, eq=False)
class AffineQuantizeParams:
    """float32 -> int8/int16 QUANTIZE (``reference/quantize.h`` AffineQuantize):
    ``clamp((int32)round(x / scale) + zero_point)``, the division in float32, the
    conversion as x86's (INT32_MIN for NaN and out of range), the sum wrapping."""

    dtype: np.dtype                         # the output's type
    scale: np.float32
    zero_point: int


@dataclass(frozen=True, eq=False)
class LookupTable:
    """An element-wise op whose output is a function of the input value alone, for an
    8- or 16-bit integer input: the output for every input value, computed in prepare
    by the op's own arithmetic (TFLM's per-element fixed-point pipeline, or the float
    table LiteRT builds). Eval is one lookup per element.

    Entry ``i`` is the output for the input value ``min(input type) + i``; the
    values have the output's type.
    """

    input_dtype: np.dtype
    values: np.ndarray                      # read-only

    @classmethod
    def tabulate(cls, dtype, fn, out_dtype=None) -> "LookupTable":
        """``fn`` maps an int64 array of every value of ``dtype`` to the outputs, which
        must fit ``out_dtype`` (default: ``dtype``)."""
        info = np.iinfo(dtype)
        inputs = np.arange(int(info.min), int(info.max) + 1, dtype=np.int64)
        computed = np.asarray(fn(inputs))
        values = computed.astype(out_dtype or dtype)
        if values.dtype.kind in "iu" and not np.array_equal(values, computed):
            raise ValueError(f"tabulated outputs do not fit {values.dtype}")
        values.flags.writeable = False
        return cls(np.dtype(dtype), values)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.values[x.astype(np.intp) - int(np.iinfo(self.input_dtype).min)]


@dataclass(frozen=True)
class WalkAxis:
    """One axis of an ``AxisWalkParams`` walk: input axis ``axis`` at positions
    ``start + step * i`` for ``0 <= i < count`` (``step`` != 0, any sign)."""

    axis: int
    start: int
    step: int
    count: int


@dataclass(frozen=True, eq=False)
class AxisWalkParams:
    """SLICE, STRIDED_SLICE and TRANSPOSE: the output, in row-major order, is the input
    (seen with shape ``in_shape``) walked along ``walk``, outermost axis first.

    TRANSPOSE walks every input axis whole, in the permuted order; SLICE walks a box
    in the input's order; STRIDED_SLICE a box with steps, its shrunk axes walked once
    (``in_shape`` is LiteRT's effective shape, new axes included, under
    ``semantics="tflite"``). No value is changed, so any element type is bytes.
    """

    itemsize: int
    in_shape: tuple[int, ...]
    walk: tuple[WalkAxis, ...]

    @property
    def element_box(self) -> tuple[tuple[int, ...], tuple[int, ...], int]:
        """The walk on the flat input: (counts, strides in elements, offset of the first
        element), one count and stride per walk axis."""
        strides = [int(np.prod(self.in_shape[k + 1:], dtype=np.int64))
                   for k in range(len(self.in_shape))]
        return (tuple(a.count for a in self.walk),
                tuple(a.step * strides[a.axis] for a in self.walk),
                sum(a.start * strides[a.axis] for a in self.walk))


@dataclass(frozen=True, eq=False)
class PadParams:
    """PAD and PADV2: the input placed in the output at ``before`` (per axis), every
    other output element set to the pad value: ``value`` (a 0-d array of the tensor's
    type), or, when None, the ``constant_values`` input read at run time."""

    itemsize: int
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    before: tuple[int, ...]
    value: np.ndarray | None

    @property
    def interior(self) -> tuple[slice, ...]:
        """Where the input goes in the output."""
        return tuple(slice(b, b + d) for b, d in zip(self.before, self.in_shape))


@dataclass(frozen=True, eq=False)
class ConcatParams:
    """CONCATENATION: ``outer`` slices, each the inputs' rows one after another; input
    ``i`` contributes ``sizes[i] * inner`` elements per slice (``sizes``: its extent
    along ``axis``). Bytes are copied unchanged."""

    itemsize: int
    axis: int
    outer: int
    inner: int
    sizes: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class NearestNeighborParams:
    """RESIZE_NEAREST_NEIGHBOR: output row ``y`` (column ``x``) copies input row
    ``rows[y]`` (column ``cols[x]``), every channel; the maps are GetNearestNeighbor's."""

    itemsize: int
    rows: np.ndarray        # int64, one input row per output row
    cols: np.ndarray


@dataclass(frozen=True, eq=False)
class ReduceParams:
    """MEAN and SUM, int8/int16 (``QuantizedMeanOrSum``): per output element, the int32
    (wrapping) sum of the ``n`` input elements on the reduced ``axes``, less
    ``input_zero_point * n``, requantized with (``multiplier``, ``shift``) (MEAN: with
    1/n folded in), plus ``output_zero_point``, clamped to the type. Outputs are in the
    row-major order of the kept axes."""

    dtype: np.dtype
    in_shape: tuple[int, ...]
    axes: tuple[int, ...]                   # reduced, ascending
    n: int
    input_zero_point: int
    output_zero_point: int
    multiplier: int
    shift: int
    act_min: int
    act_max: int
    #: LiteRT's reference SUM int8 (``semantics="tflite"``): each byte read as uint8,
    #: the result clamped to [0, 255] and stored as a byte
    bytes_as_uint8: bool = False

    @property
    def kept(self) -> tuple[int, ...]:
        return tuple(i for i in range(len(self.in_shape)) if i not in self.axes)


@dataclass(frozen=True, eq=False)
class LstmGateFC:
    """One of an integer LSTM gate's two FULLY_CONNECTED products, to int16 Q3.12.

    ``clamp16(MBQM(sum_k (v_k + input_offset)(w_k + filter_offset) + bias))`` over the
    input x (with the gate's bias) or the hidden state h (no bias), with the multiplier
    ``s_v * s_w / 2^-12``: the build's 32-bit MBQM on an int32 accumulator (which
    wraps) for int8 activations, the int64-input MBQM on an int64 accumulator for int16.
    The sum is kept folded: ``sum_k v_k w_k + filter_offset * sum_k v_k + kernel_sum``
    (``arith.matmul.kernel_sums``; int32 values, wrapped, for int8 activations).
    """

    multiplier: int
    shift: int
    input_offset: int                       # -zero point of x or h
    filter_offset: int                      # -zero point of the weights
    weights: np.ndarray | None              # constant [n_state, depth] weights, else None
    kernel_sum: np.ndarray | None           # None when the weights or the bias are not constant


@dataclass(frozen=True, eq=False)
class LstmParams:
    """UNIDIRECTIONAL_SEQUENCE_LSTM with integer activations (TFLM's integer LSTM).

    ``dtype`` is the activations' type: int8 (int32 accumulators) or int16 (int64).
    Gates are in the order input, forget, cell, output. The element-wise products
    are ``(multiplier, shift)`` pairs of MBQM (CreateInterGateMulParams): forget gate
    times cell state and input gate times cell gate to the cell scale (int16), tanh of
    the cell times the output gate to the hidden scale (``hidden_zero_point`` added,
    clamped to ``hidden_range``). ``cell_tanh`` is the input stage of tanh(cell state)
    (``lstm_fixed.lstm_tanh_stage``); the sigmoids and the cell gate's tanh read their
    Q3.12 inputs with the fixed stage (3, 0).
    """

    dtype: np.dtype
    batches: int
    steps: int
    n_input: int
    n_state: int
    time_major: bool
    input_fc: tuple[LstmGateFC, ...]
    recurrent_fc: tuple[LstmGateFC, ...]
    forget_mul: tuple[int, int]
    input_mul: tuple[int, int]
    hidden_mul: tuple[int, int]
    hidden_zero_point: int
    hidden_range: tuple[int, int]
    cell_clip: int | None                   # the quantized clip in [0, 32767]; None: none
    cell_tanh: tuple[int, int]

    @property
    def constant_operands(self) -> bool:
        return all(fc.weights is not None and fc.kernel_sum is not None
                   for fc in self.input_fc + self.recurrent_fc)
