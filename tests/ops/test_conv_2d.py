"""CONV_2D and DEPTHWISE_CONV_2D against the tflite-micro runtime, byte for byte.

Single-op models are drawn with hypothesis (shapes, strides, paddings,
dilations, depth multipliers, groups, per-tensor and per-channel scales, zero
points including -128/127, fused activations, 1x1 images, kernels larger than
the input under SAME padding, channel counts that are not multiples of 4,
float inputs sprinkled with NaN, +-inf and -0.0) and run through this
interpreter, the tflite-micro runtime and LiteRT's reference kernels. Ours
must equal TFLM exactly; LiteRT too, where it accepts the model (its CONV_2D
insists on a bias) and except for which of two NaNs a float sum keeps
(``assert_same_but_nan_bits``). A few hand-worked cases pin the arithmetic
independently of any runtime, and the validation tests pin what is refused.

    pytest tests/test_ops_conv.py              # CI budget
    pytest tests/test_ops_conv.py -m slow      # many more examples
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert, run_tflm
from single_op import activations, assert_same, scales, seeds, zero_points

from interpreter import Interpreter, ModelError, UnsupportedOpError
from interpreter.arith import fixedpoint
from interpreter.builder import ModelBuilder
from interpreter.ops.window import compute_out_size, compute_padding

SPECIAL_FLOATS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], np.float32)
CI = settings(max_examples=200, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(CI, max_examples=3000)


def assert_same_but_nan_bits(ours: np.ndarray, litert: np.ndarray) -> None:
    """For LiteRT on inputs holding NaN: when a running sum and the next term are both
    NaN (an input NaN meets an inf - inf), TFLM keeps the sum's NaN (sign bit set, the x86
    default NaN) and LiteRT's build may keep the term's; NaN positions and all else agree."""
    assert np.array_equal(np.isnan(ours), np.isnan(litert))
    assert_same(np.where(np.isnan(ours), np.float32(np.nan), ours),
                np.where(np.isnan(litert), np.float32(np.nan), litert))


# -- case description -------------------------------------------------------------

@dataclass(frozen=True)
class ConvCase:
    """One single-op convolution model and its input, reproducible from a seed."""

    op: str                      # "CONV_2D" or "DEPTHWISE_CONV_2D"
    dtype: type
    batches: int
    in_h: int
    in_w: int
    in_depth: int
    out_depth: int
    filter_h: int
    filter_w: int
    filter_depth: int            # CONV_2D: in_depth / groups; DEPTHWISE: 1 (unused)
    padding: str
    stride: tuple[int, int]
    dilation: tuple[int, int]
    activation: str
    with_bias: bool
    input_scale: float
    input_zero_point: int
    filter_scales: tuple[float, ...]   # one (per-tensor) or out_depth (per-channel)
    output_scale: float
    output_zero_point: int
    special_fraction: float           # float inputs: share of NaN / inf / -0.0 values
    seed: int

    @property
    def out_hw(self) -> tuple[int, int]:
        pad = 0 if self.padding == "SAME" else 1
        return (compute_out_size(pad, self.in_h, self.filter_h, self.stride[0], self.dilation[0]),
                compute_out_size(pad, self.in_w, self.filter_w, self.stride[1], self.dilation[1]))

    @property
    def filter_shape(self) -> tuple[int, ...]:
        if self.op == "DEPTHWISE_CONV_2D":
            return (1, self.filter_h, self.filter_w, self.out_depth)
        return (self.out_depth, self.filter_h, self.filter_w, self.filter_depth)

    def build(self) -> tuple[bytes, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        b = ModelBuilder()
        quantized = self.dtype == np.int8
        channels = len(self.filter_scales)
        q_in = dict(scale=self.input_scale, zero_point=self.input_zero_point) if quantized else {}
        q_out = (dict(scale=self.output_scale, zero_point=self.output_zero_point)
                 if quantized else {})
        q_w = dict(scale=list(self.filter_scales), zero_point=[0] * channels,
                   quantized_dimension=3 if self.op == "DEPTHWISE_CONV_2D" else 0) \
            if quantized else {}
        in_shape = (self.batches, self.in_h, self.in_w, self.in_depth)
        x = b.add_tensor("input", self.dtype, in_shape, **q_in)
        if quantized:
            weights = rng.integers(-127, 128, self.filter_shape)
            image = rng.integers(-128, 128, in_shape).astype(np.int8)
        else:
            weights = rng.standard_normal(self.filter_shape).astype(np.float32)
            image = rng.standard_normal(in_shape).astype(np.float32)
            special = rng.random(in_shape) < self.special_fraction
            image[special] = rng.choice(SPECIAL_FLOATS, int(special.sum()))
        w = b.add_tensor("filter", self.dtype, self.filter_shape, data=weights, **q_w)
        inputs = [x, w]
        if self.with_bias:
            if quantized:
                scales = np.broadcast_to(self.filter_scales, (self.out_depth,))
                bias = b.add_tensor("bias", np.int32, [self.out_depth],
                                    data=rng.integers(-(1 << 16), 1 << 16, self.out_depth),
                                    scale=[self.input_scale * s for s in scales],
                                    zero_point=[0] * self.out_depth)
            else:
                bias = b.add_tensor("bias", np.float32, [self.out_depth],
                                    data=rng.standard_normal(self.out_depth))
            inputs.append(bias)
        out_shape = (self.batches, *self.out_hw, self.out_depth)
        y = b.add_tensor("output", self.dtype, out_shape, **q_out)
        options = {"padding": self.padding, "stride_h": self.stride[0], "stride_w": self.stride[1],
                   "dilation_h_factor": self.dilation[0], "dilation_w_factor": self.dilation[1],
                   "fused_activation_function": self.activation}
        if self.op == "DEPTHWISE_CONV_2D":
            options["depth_multiplier"] = self.out_depth // self.in_depth
        b.add_operator(self.op, inputs, [y], options=options)
        b.set_inputs([x])
        b.set_outputs([y])
        return b.build(), image


# -- strategies ---------------------------------------------------------------------

@st.composite
def window_geometry(draw):
    """(in_size, filter, stride, dilation) per axis plus a padding that fits them."""
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    axes = []
    for _ in range(2):
        size = draw(st.integers(1, 5))
        dilation = draw(st.sampled_from([1, 1, 2, 3]))
        stride = draw(st.integers(1, 3))
        effective = (size - 1) * dilation + 1
        # SAME accepts any input, including 1 pixel under a larger kernel.
        lo = 1 if padding == "SAME" else effective
        axes.append((draw(st.integers(lo, lo + 8)), size, stride, dilation))
    return padding, axes


@st.composite
def conv_cases(draw, op: str, dtype):
    padding, ((in_h, fh, sh, dh), (in_w, fw, sw, dw)) = draw(window_geometry())
    in_depth = draw(st.integers(1, 9))
    if op == "DEPTHWISE_CONV_2D":
        out_depth = in_depth * draw(st.integers(1, 4))
        filter_depth, depth = 1, fh * fw
    else:
        groups = draw(st.sampled_from([1, 1, 1, 2, 3]))
        filter_depth = draw(st.integers(1, 6)) if groups > 1 else in_depth
        in_depth = filter_depth * groups
        out_depth = groups * draw(st.integers(1, 4))
        depth = fh * fw * filter_depth
    quantized = dtype == np.int8
    per_channel = quantized and draw(st.booleans())
    input_scale = draw(scales(-3.6, 0)) if quantized else 0.0
    if per_channel:
        # A wide spread of channel scales exercises very different shifts.
        filter_scales = tuple(draw(st.lists(scales(-4.8, -0.6), min_size=out_depth,
                                            max_size=out_depth)))
    else:
        filter_scales = (draw(scales(-3.6, -0.6)),) if quantized else (0.0,)
    # Aim the output scale at accumulators of typical size, give or take 2^6, so that
    # outputs spread over the int8 range instead of saturating.
    typical = math.sqrt(depth) * 100 * input_scale * float(np.median(filter_scales))
    output_scale = float(np.float32(typical * 2.0 ** draw(st.floats(-6, 6)))) if quantized else 0.0
    return ConvCase(
        op=op, dtype=dtype, batches=draw(st.integers(1, 2)), in_h=in_h, in_w=in_w,
        in_depth=in_depth, out_depth=out_depth, filter_h=fh, filter_w=fw,
        filter_depth=filter_depth, padding=padding, stride=(sh, sw), dilation=(dh, dw),
        activation=draw(activations), with_bias=draw(st.booleans()),
        input_scale=input_scale, input_zero_point=draw(zero_points()) if quantized else 0,
        filter_scales=filter_scales, output_scale=output_scale,
        output_zero_point=draw(zero_points()) if quantized else 0,
        special_fraction=0.0 if quantized else draw(st.sampled_from([0.0, 0.0, 0.05, 0.3])),
        seed=draw(seeds))


def check_case(case: ConvCase) -> None:
    model, image = case.build()
    ours = run_model(model, [image])[0]
    assert_same(ours, run_tflm(model, [image])[0])
    # LiteRT's reference kernels agree with TFLM on convolutions, but its CONV_2D
    # refuses a missing bias ("has_bias was not true"), so those models are TFLM-only.
    if case.with_bias or case.op != "CONV_2D":
        litert = run_litert(model, [image])[0]
        if np.isnan(image).any():
            assert_same_but_nan_bits(ours, litert)
        else:
            assert_same(ours, litert)


# -- randomized comparisons -------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int8, np.float32])
@CI
@given(data=st.data())
def test_conv_matches_tflm(dtype, data):
    check_case(data.draw(conv_cases("CONV_2D", dtype)))


@pytest.mark.parametrize("dtype", [np.int8, np.float32])
@CI
@given(data=st.data())
def test_depthwise_matches_tflm(dtype, data):
    check_case(data.draw(conv_cases("DEPTHWISE_CONV_2D", dtype)))


@pytest.mark.slow
@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
@pytest.mark.parametrize("dtype", [np.int8, np.float32])
@SLOW
@given(data=st.data())
def test_conv_matches_tflm_long(op, dtype, data):
    check_case(data.draw(conv_cases(op, dtype)))


# -- hand-worked cases ------------------------------------------------------------------

def test_out_size_and_padding_follow_tflm():
    # SAME: ceil(in / stride); the odd padding row goes after the image.
    assert compute_out_size(0, 5, 3, 2) == 3 and compute_padding(2, 1, 5, 3, 3) == 1
    assert compute_out_size(0, 6, 3, 2) == 3 and compute_padding(2, 1, 6, 3, 3) == 0
    # A kernel larger than the input under SAME: one output, padding before = total // 2.
    assert compute_out_size(0, 1, 5, 1) == 1 and compute_padding(1, 1, 1, 5, 1) == 2
    # VALID with dilation: effective filter (3 - 1) * 2 + 1 = 5.
    assert compute_out_size(1, 7, 3, 1, 2) == 3 and compute_padding(1, 2, 7, 3, 3) == 0
    # A window that does not fit: C's truncating division gives 0 or less.
    assert compute_out_size(1, 2, 5, 1) <= 0


def single_pixel_conv(x: int, zp_in: int, w: int, bias: int, scales, zp_out: int,
                      activation: str = "NONE", op: str = "CONV_2D") -> bytes:
    b = ModelBuilder()
    s_in, s_w, s_out = scales
    xi = b.add_tensor("x", np.int8, [1, 1, 1, 1], scale=s_in, zero_point=zp_in)
    wi = b.add_tensor("w", np.int8, [1, 1, 1, 1], data=[w], scale=s_w, zero_point=0)
    bi = b.add_tensor("b", np.int32, [1], data=[bias], scale=s_in * s_w, zero_point=0)
    yi = b.add_tensor("y", np.int8, [1, 1, 1, 1], scale=s_out, zero_point=zp_out)
    options = {"padding": "VALID", "stride_w": 1, "stride_h": 1,
               "fused_activation_function": activation}
    if op == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = 1
    b.add_operator(op, [xi, wi, bi], [yi], options=options)
    b.set_inputs([xi])
    b.set_outputs([yi])
    return b.build()


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_hand_worked_requantization(op):
    # acc = 5 + 3 * (10 - (-2)) = 41; M = 0.5 * 0.25 / 1.0 = 0.125; 41 * 0.125 = 5.125 -> 5;
    # + zp_out 1 = 6.
    model = single_pixel_conv(10, -2, 3, 5, (0.5, 0.25, 1.0), 1, op=op)
    x = np.array([[[[10]]]], np.int8)
    assert run_model(model, [x])[0].item() == 6
    assert run_tflm(model, [x])[0].item() == 6
    # Halves round away from zero: acc = -12 * 0.125 = -1.5 -> -2, + 1 = -1.
    model = single_pixel_conv(-14, -2, 1, 0, (0.5, 0.25, 1.0), 1, op=op)
    x = np.array([[[[-14]]]], np.int8)
    assert run_model(model, [x])[0].item() == -1
    assert run_tflm(model, [x])[0].item() == -1
    # RELU6 clamps to the quantized 6.0 = 6 / 0.5 + zp 0 = 12.
    model = single_pixel_conv(100, 0, 100, 0, (0.1, 0.1, 0.5), 0, "RELU6", op=op)
    x = np.array([[[[100]]]], np.int8)
    assert run_model(model, [x])[0].item() == 12
    assert run_tflm(model, [x])[0].item() == 12


def test_padding_taps_are_skipped_not_zero():
    """A padded tap contributes nothing, i.e. it behaves as x == zp_in, not as x == 0."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, [1, 1, 1, 1], scale=1.0, zero_point=50)
    w = b.add_tensor("w", np.int8, [1, 3, 3, 1], data=np.ones(9), scale=1.0, zero_point=0)
    y = b.add_tensor("y", np.int8, [1, 1, 1, 1], scale=1.0, zero_point=0)
    b.add_operator("CONV_2D", [x, w], [y], options={"padding": "SAME", "stride_w": 1,
                                                    "stride_h": 1})
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    image = np.array([[[[60]]]], np.int8)
    # Only the centre tap is inside the image: 1 * (60 - 50) = 10.
    assert run_model(model, [image])[0].item() == 10
    assert run_tflm(model, [image])[0].item() == 10


def test_depthwise_output_channel_order():
    """Output channel oc = ic * depth_multiplier + m reads input channel ic."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, [1, 1, 1, 2])
    w = b.add_tensor("w", np.float32, [1, 1, 1, 6], data=[1, 2, 3, 10, 20, 30])
    y = b.add_tensor("y", np.float32, [1, 1, 1, 6])
    b.add_operator("DEPTHWISE_CONV_2D", [x, w], [y],
                   options={"padding": "VALID", "stride_w": 1, "stride_h": 1,
                            "depth_multiplier": 3})
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    image = np.array([[[[1.0, 100.0]]]], np.float32)
    expected = np.array([1, 2, 3, 1000, 2000, 3000], np.float32).reshape(1, 1, 1, 6)
    assert_same(run_model(model, [image])[0], expected)
    assert_same(run_tflm(model, [image])[0], expected)


def test_int32_accumulator_wraps_like_c():
    """The C kernels accumulate in int32_t; a bias near the limit wraps around."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, [1, 1, 1, 4], scale=0.02, zero_point=-128)
    w = b.add_tensor("w", np.int8, [2, 1, 1, 4], data=np.full(8, 127), scale=1e-3)
    bias = b.add_tensor("b", np.int32, [2], data=[2 ** 31 - 100, -2 ** 31 + 100],
                        scale=2e-5, zero_point=0)
    y = b.add_tensor("y", np.int8, [1, 1, 1, 2], scale=1e6, zero_point=0)
    b.add_operator("CONV_2D", [x, w, bias], [y], options={"padding": "VALID", "stride_w": 1,
                                                          "stride_h": 1})
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    image = np.array([127, 127, -128, -128], np.int8).reshape(1, 1, 1, 4)
    assert_same(run_model(model, [image])[0], run_tflm(model, [image])[0])


def test_float_overflow_clamps_to_flt_max():
    """CalculateActivationRange<float> bounds NONE and RELU by FLT_MAX, not inf; NaN passes."""
    for activation in ("NONE", "RELU"):
        b = ModelBuilder()
        x = b.add_tensor("x", np.float32, [1, 2, 2, 1])
        w = b.add_tensor("w", np.float32, [1, 1, 1, 1], data=[3e38])
        y = b.add_tensor("y", np.float32, [1, 2, 2, 1])
        b.add_operator("CONV_2D", [x, w], [y], options={
            "padding": "VALID", "stride_w": 1, "stride_h": 1,
            "fused_activation_function": activation})
        b.set_inputs([x])
        b.set_outputs([y])
        model = b.build()
        image = np.array([10, -10, 1, np.nan], np.float32).reshape(1, 2, 2, 1)
        ours = run_model(model, [image])[0]
        assert ours.ravel()[0] == np.finfo(np.float32).max
        assert_same(ours, run_tflm(model, [image])[0])


def test_filter_computed_at_run_time():
    """TFLM accepts a filter that is not a constant; it is read at every invoke."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, [1, 4, 4, 3], scale=0.1, zero_point=2)
    w = b.add_tensor("w", np.int8, [2, 3, 3, 3], scale=[0.01, 0.02], zero_point=[0, 0])
    y = b.add_tensor("y", np.int8, [1, 2, 2, 2], scale=0.2, zero_point=-5)
    b.add_operator("CONV_2D", [x, w], [y], options={"padding": "VALID", "stride_w": 1,
                                                    "stride_h": 1})
    b.set_inputs([x, w])
    b.set_outputs([y])
    model = b.build()
    rng = np.random.default_rng(1)
    for _ in range(2):
        inputs = [rng.integers(-128, 128, (1, 4, 4, 3)).astype(np.int8),
                  rng.integers(-127, 128, (2, 3, 3, 3)).astype(np.int8)]
        assert_same(run_model(model, inputs)[0], run_tflm(model, inputs)[0])


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_single_rounding_differs_by_at_most_one(op):
    """rounding="single" (TFLITE_SINGLE_ROUNDING) reaches the kernels; the two modes differ
    only in how halves round, so never by more than one step."""
    case = ConvCase(op=op, dtype=np.int8, batches=1, in_h=9, in_w=9, in_depth=8,
                    out_depth=8, filter_h=3, filter_w=3, filter_depth=8, padding="SAME",
                    stride=(1, 1), dilation=(1, 1), activation="NONE", with_bias=True,
                    input_scale=0.05, input_zero_point=-7,
                    filter_scales=tuple(0.003 * (1 + i / 7) for i in range(8)),
                    output_scale=0.5, output_zero_point=3, special_fraction=0.0, seed=7)
    model, image = case.build()
    double = run_model(model, [image], rounding="double")[0].astype(int)
    single = run_model(model, [image], rounding="single")[0].astype(int)
    assert np.abs(double - single).max() <= 1
    assert np.array_equal(double, run_tflm(model, [image])[0])


@settings(max_examples=300, deadline=None)
@given(reals=st.lists(st.floats(-45, 35).map(lambda e: 2.0 ** e), min_size=1, max_size=6),
       rounding=st.sampled_from(fixedpoint.ROUNDING_MODES), seed=seeds)
def test_channel_multiplier_equals_mbqm(reals, rounding, seed):
    """The Requantizer's precomputed MBQM (fixedpoint.ChannelMultiplier) is bit-identical to
    multiply_by_quantized_multiplier over the whole int32 range, as the C cast wraps it."""
    m, s = fixedpoint.quantize_multipliers(reals, rounding)
    rng = np.random.default_rng(seed)
    extremes = np.array([fixedpoint.INT32_MIN, fixedpoint.INT32_MIN + 1, -1, 0, 1,
                         fixedpoint.INT32_MAX - 1, fixedpoint.INT32_MAX])
    x = np.concatenate([
        rng.integers(fixedpoint.INT32_MIN, fixedpoint.INT32_MAX, (64, len(reals)),
                     endpoint=True),
        rng.integers(-5000, 5000, (64, len(reals))),
        np.repeat(extremes[:, None], len(reals), axis=1)])
    expected = fixedpoint.wrap_int32(
        fixedpoint.multiply_by_quantized_multiplier(x, m, s, rounding))
    assert np.array_equal(fixedpoint.ChannelMultiplier(m, s, rounding)(x), expected)


# -- validation -------------------------------------------------------------------------

def conv_model(op="CONV_2D", in_shape=(1, 5, 5, 4), filter_shape=(3, 3, 3, 4),
               out_shape=(1, 3, 3, 3), dtype=np.int8, filter_dtype=None, filter_scale=0.01,
               filter_zero_point=None, activation="NONE", depth_multiplier=None,
               quantized_dimension=0) -> bytes:
    b = ModelBuilder()
    filter_dtype = filter_dtype or dtype
    q = dict(scale=0.1, zero_point=0) if dtype != np.float32 else {}
    x = b.add_tensor("x", dtype, in_shape, **q)
    qw = {}
    if filter_dtype != np.float32:
        scales = filter_scale if isinstance(filter_scale, list) else [filter_scale]
        qw = dict(scale=scales, quantized_dimension=quantized_dimension,
                  zero_point=filter_zero_point or [0] * len(scales))
    w = b.add_tensor("w", filter_dtype, filter_shape, data=np.ones(filter_shape), **qw)
    y = b.add_tensor("y", dtype, out_shape, **q)
    options = {"padding": "VALID", "stride_w": 1, "stride_h": 1,
               "fused_activation_function": activation}
    if depth_multiplier is not None:
        options["depth_multiplier"] = depth_multiplier
    b.add_operator(op, [x, w], [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def prepare(model: bytes) -> None:
    """Load the model and run every op's prepare (allocate_tensors); nothing is invoked."""
    Interpreter(model_content=model).allocate_tensors()


@pytest.mark.parametrize("kwargs, message", [
    # (The loader already checks that the scales match the dimension they name.)
    (dict(filter_scale=[0.01] * 4, quantized_dimension=3), "4 per-channel scales but 3 output"),
    (dict(in_shape=(1, 5, 5, 3), filter_shape=(3, 3, 3, 3), filter_scale=[0.01] * 3,
          quantized_dimension=3), "quantized along dimension 3, expected 0"),
    (dict(filter_shape=(3, 3, 3, 3)), "not a multiple of the filter depth"),
    (dict(filter_shape=(3, 3, 3)), "filter must have rank 4"),
    (dict(out_shape=(1, 4, 4, 3)), "does not match the computed"),
    (dict(filter_zero_point=[5]), "zero points must be 0"),
    (dict(in_shape=(1, 2, 2, 4)), "does not fit"),
])
def test_conv_rejects_inconsistent_models(kwargs, message):
    with pytest.raises(ModelError, match=rf"CONV_2D \(operator 0\).*{message}"):
        prepare(conv_model(**kwargs))


@pytest.mark.parametrize("kwargs, message", [
    (dict(depth_multiplier=2), "depth_multiplier 2"),
    (dict(filter_shape=(2, 3, 3, 4)), r"filter shape must be \[1, h, w, channels\]"),
    (dict(filter_scale=[0.01] * 3, quantized_dimension=1), "3 per-channel scales but 4 output"),
    (dict(filter_shape=(1, 4, 4, 4), out_shape=(1, 2, 2, 4), filter_scale=[0.01] * 4,
          quantized_dimension=1), "quantized along dimension 1, expected 3"),
])
def test_depthwise_rejects_inconsistent_models(kwargs, message):
    base = dict(op="DEPTHWISE_CONV_2D", filter_shape=(1, 3, 3, 4), out_shape=(1, 3, 3, 4),
                depth_multiplier=1)
    with pytest.raises(ModelError, match=rf"DEPTHWISE_CONV_2D \(operator 0\).*{message}"):
        prepare(conv_model(**{**base, **kwargs}))


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
@pytest.mark.parametrize("kwargs, message", [
    (dict(dtype=np.int16, filter_dtype=np.int16), "int16 with filter type int16"),
    (dict(dtype=np.float32, filter_dtype=np.int8), "float32 with filter type int8"),
])
def test_unsupported_combinations(op, kwargs, message):
    if op == "DEPTHWISE_CONV_2D":
        kwargs = dict(kwargs, op=op, filter_shape=(1, 3, 3, 4), out_shape=(1, 3, 3, 4),
                      depth_multiplier=1, quantized_dimension=3)
    with pytest.raises(UnsupportedOpError, match=rf"{op} \(operator 0\).*{message}"):
        prepare(conv_model(**kwargs))


def test_tflm_ignores_what_we_refuse():
    """Documents a refusal TFLM does not share: it runs a conv with a filter zero point
    as if it were 0. (Fused TANH: tests/test_fused_activation_quirk.py.)"""
    image = np.full((1, 5, 5, 4), 3, np.int8)
    plain = run_tflm(conv_model(), [image])[0]
    assert_same(run_tflm(conv_model(filter_zero_point=[5]), [image])[0], plain)
