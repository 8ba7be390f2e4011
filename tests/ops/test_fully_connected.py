"""FULLY_CONNECTED against the tflite-micro runtime, byte for byte.

Hypothesis draws input ranks and shapes (the input is read as
[batches, depth]), keep_num_dims, per-tensor and per-channel weights, filter
zero points (kept by TFLM's per-tensor kernel), optional bias, zero points
including -128/127 and every supported fused activation.

LiteRT is compared too, but it requantizes int8 FULLY_CONNECTED differently
(ai-edge-litert 2.3, reference kernels): in floating point,
``round(double(acc) * s_in * s_w / s_out)`` with halves away from zero,
where TFLM uses the fixed-point MultiplyByQuantizedMultiplier, whose two
roundings differ by one step on some accumulators. This interpreter matches
TFLM. The LiteRT test does not loosen anything: it asserts that LiteRT equals
that float formula exactly, so any other difference still fails. Float
FULLY_CONNECTED equals LiteRT except for which of two NaNs a sum keeps
(``assert_same_but_nan_bits``, see tests/test_ops_conv.py).

16x8 (int16 activations, int8 weights): tests/test_ops_fc16x8.py.

    pytest tests/test_ops_fc.py              # CI budget
    pytest tests/test_ops_fc.py -m slow      # many more examples
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
from test_conv_2d import assert_same_but_nan_bits

from interpreter import Interpreter, ModelError, UnsupportedOpError
from interpreter.arith.fixedpoint import multiply_by_quantized_multiplier, quantize_multiplier
from interpreter.builder import ModelBuilder

SPECIAL_FLOATS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], np.float32)
CI = settings(max_examples=200, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(CI, max_examples=3000)


@dataclass(frozen=True)
class FcCase:
    """One single-op FULLY_CONNECTED model and its input, reproducible from a seed."""

    dtype: type
    input_shape: tuple[int, ...]     # its last axis is NOT necessarily the depth
    depth: int
    units: int
    keep_num_dims: bool
    activation: str
    with_bias: bool
    input_scale: float
    input_zero_point: int
    filter_scales: tuple[float, ...]  # one (per-tensor) or units (per-channel)
    filter_zero_point: int            # per-tensor only
    output_scale: float
    output_zero_point: int
    special_fraction: float           # float inputs: share of NaN / inf / -0.0 values
    seed: int

    @property
    def batches(self) -> int:
        return math.prod(self.input_shape) // self.depth

    @property
    def output_shape(self) -> tuple[int, ...]:
        if self.keep_num_dims:
            return (*self.input_shape[:-1], self.units)
        return (self.batches, self.units)

    def arrays(self):
        """(weights, bias or None, input) as the model holds them."""
        rng = np.random.default_rng(self.seed)
        if self.dtype == np.int8:
            weights = rng.integers(-127, 128, (self.units, self.depth))
            bias = rng.integers(-(1 << 16), 1 << 16, self.units) if self.with_bias else None
            image = rng.integers(-128, 128, self.input_shape).astype(np.int8)
        else:
            weights = rng.standard_normal((self.units, self.depth)).astype(np.float32)
            bias = rng.standard_normal(self.units).astype(np.float32) if self.with_bias else None
            image = rng.standard_normal(self.input_shape).astype(np.float32)
            special = rng.random(self.input_shape) < self.special_fraction
            image[special] = rng.choice(SPECIAL_FLOATS, int(special.sum()))
        return weights, bias, image

    def build(self) -> tuple[bytes, np.ndarray]:
        weights, bias_data, image = self.arrays()
        b = ModelBuilder()
        quantized = self.dtype == np.int8
        q_in = dict(scale=self.input_scale, zero_point=self.input_zero_point) if quantized else {}
        q_out = (dict(scale=self.output_scale, zero_point=self.output_zero_point)
                 if quantized else {})
        q_w = {}
        if quantized:
            n = len(self.filter_scales)
            q_w = dict(scale=list(self.filter_scales),
                       zero_point=[self.filter_zero_point] if n == 1 else [0] * n)
        x = b.add_tensor("input", self.dtype, self.input_shape, **q_in)
        w = b.add_tensor("filter", self.dtype, (self.units, self.depth), data=weights, **q_w)
        inputs = [x, w]
        if bias_data is not None:
            q_b = {}
            if quantized:
                scales = [self.input_scale * s for s in self.filter_scales]
                q_b = dict(scale=scales, zero_point=[0] * len(scales))
            inputs.append(b.add_tensor("bias", np.int32 if quantized else np.float32,
                                       [self.units], data=bias_data, **q_b))
        y = b.add_tensor("output", self.dtype, self.output_shape, **q_out)
        b.add_operator("FULLY_CONNECTED", inputs, [y],
                       options={"fused_activation_function": self.activation,
                                "keep_num_dims": self.keep_num_dims})
        b.set_inputs([x])
        b.set_outputs([y])
        return b.build(), image


@st.composite
def fc_cases(draw, dtype):
    depth = draw(st.integers(1, 64))
    units = draw(st.integers(1, 16))
    layout = draw(st.sampled_from(["rows", "rows", "nd", "flatten"]))
    if layout == "rows":            # [batches, depth]
        input_shape = (draw(st.integers(1, 4)), depth)
    elif layout == "nd":            # [a, b, depth]: keep_num_dims keeps [a, b]
        input_shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), depth)
    else:                           # [1, h, w, c] read as one row of h * w * c
        h, w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        c = draw(st.integers(1, 6))
        input_shape, depth = (1, h, w, c), h * w * c
    keep_num_dims = layout == "nd" and draw(st.booleans())
    quantized = dtype == np.int8
    per_channel = quantized and draw(st.booleans())
    input_scale = draw(scales(-3.6, 0)) if quantized else 0.0
    if per_channel:
        filter_scales = tuple(draw(st.lists(scales(-4.8, -0.6), min_size=units,
                                            max_size=units)))
    else:
        filter_scales = (draw(scales(-3.6, -0.6)),) if quantized else (0.0,)
    typical = math.sqrt(depth) * 100 * input_scale * float(np.median(filter_scales))
    output_scale = float(np.float32(typical * 2.0 ** draw(st.floats(-6, 6)))) if quantized else 0.0
    filter_zero_point = 0
    if quantized and not per_channel and draw(st.integers(0, 4)) == 0:
        filter_zero_point = draw(st.integers(-10, 10))
    return FcCase(
        dtype=dtype, input_shape=input_shape, depth=depth, units=units,
        keep_num_dims=keep_num_dims, activation=draw(activations),
        with_bias=draw(st.booleans()), input_scale=input_scale,
        input_zero_point=draw(zero_points()) if quantized else 0, filter_scales=filter_scales,
        filter_zero_point=filter_zero_point, output_scale=output_scale,
        output_zero_point=draw(zero_points()) if quantized else 0,
        special_fraction=0.0 if quantized else draw(st.sampled_from([0.0, 0.0, 0.05, 0.3])),
        seed=draw(seeds))


def quantize(scale: float, zero_point: int, value: float) -> int:
    """TFLite's Quantize(): float32 division, halves away from zero."""
    q = np.float32(value) / np.float32(scale)
    return zero_point + int(np.sign(q) * np.floor(np.abs(q) + np.float32(0.5)))


def activation_limits(case: FcCase) -> tuple[int, int]:
    s, zp = case.output_scale, case.output_zero_point
    lo, hi = {"NONE": (None, None), "RELU": (0.0, None), "RELU6": (0.0, 6.0),
              "RELU_N1_TO_1": (-1.0, 1.0)}[case.activation]
    return (-128 if lo is None else max(-128, quantize(s, zp, lo)),
            127 if hi is None else min(127, quantize(s, zp, hi)))


def litert_float_requantization(case: FcCase) -> np.ndarray:
    """What LiteRT's reference int8 FULLY_CONNECTED computes (see module docstring)."""
    weights, bias, image = case.arrays()
    rows = image.reshape(case.batches, case.depth).astype(np.int64) - case.input_zero_point
    acc = rows @ (weights.astype(np.int64) - case.filter_zero_point).T
    if bias is not None:
        acc += bias
    scales = np.broadcast_to(np.asarray(case.filter_scales, np.float64), (case.units,))
    real = np.float64(np.float32(case.input_scale)) * scales / np.float64(
        np.float32(case.output_scale))
    v = acc.astype(np.float64) * real
    rounded = np.sign(v) * np.floor(np.abs(v) + 0.5)
    y = np.clip(rounded + case.output_zero_point, *activation_limits(case))
    return y.astype(np.int8).reshape(case.output_shape)


def check_case(case: FcCase) -> None:
    model, image = case.build()
    ours = run_model(model, [image])[0]
    assert_same(ours, run_tflm(model, [image])[0])
    litert = run_litert(model, [image])[0]
    if case.dtype == np.float32:
        if np.isnan(image).any():
            assert_same_but_nan_bits(ours, litert)
        else:
            assert_same(ours, litert)
    else:
        assert_same(litert, litert_float_requantization(case))
        # The two requantizations never disagree by more than one step.
        assert np.abs(ours.astype(int) - litert.astype(int)).max(initial=0) <= 1


# -- randomized comparisons -------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int8, np.float32])
@CI
@given(data=st.data())
def test_fully_connected_matches_tflm(dtype, data):
    check_case(data.draw(fc_cases(dtype)))


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [np.int8, np.float32])
@SLOW
@given(data=st.data())
def test_fully_connected_matches_tflm_long(dtype, data):
    check_case(data.draw(fc_cases(dtype)))


# -- hand-worked cases ------------------------------------------------------------------

def fc_model(weights, bias, scales, zero_points, activation="NONE", keep_num_dims=False,
             input_shape=None, bias_scale=None, weights_format=None, filter_shape=None) -> bytes:
    """Per-tensor int8 FULLY_CONNECTED; scales/zero_points = (input, filter, output)."""
    weights = np.asarray(weights)
    units, depth = weights.shape
    (s_in, s_w, s_out), (zp_in, zp_w, zp_out) = scales, zero_points
    input_shape = input_shape or (1, depth)
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, input_shape, scale=s_in, zero_point=zp_in)
    w = b.add_tensor("w", np.int8, filter_shape or weights.shape, data=weights, scale=s_w,
                     zero_point=zp_w)
    inputs = [x, w]
    if bias is not None:
        inputs.append(b.add_tensor("b", np.int32, [units], data=bias,
                                   scale=s_in * s_w if bias_scale is None else bias_scale,
                                   zero_point=0))
    rows = math.prod(input_shape) // depth
    out_shape = (*input_shape[:-1], units) if keep_num_dims else (rows, units)
    y = b.add_tensor("y", np.int8, out_shape, scale=s_out, zero_point=zp_out)
    options = {"fused_activation_function": activation, "keep_num_dims": keep_num_dims}
    if weights_format is not None:
        options["weights_format"] = weights_format
    b.add_operator("FULLY_CONNECTED", inputs, [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def test_hand_worked_fully_connected():
    # x - zp_in = [0, 1, 2]; acc = bias + W @ x = [3 + 3, -1 - 1] = [6, -2]; M = 0.5 -> [3, -1].
    model = fc_model([[1, 1, 1], [2, -1, 0]], [3, -1], (1.0, 1.0, 2.0), (1, 0, 0))
    x = np.array([[1, 2, 3]], np.int8)
    expected = np.array([[3, -1]], np.int8)
    assert_same(run_model(model, [x])[0], expected)
    assert_same(run_tflm(model, [x])[0], expected)


def test_per_tensor_filter_zero_point_is_applied():
    # TFLM's per-tensor kernel keeps the weights offset: W - 1 = [[0, 0, 0], [1, -2, -1]],
    # acc = [0, 1 * 0 - 2 * 1 - 1 * 2] = [0, -4]; M = 1.0 (shift 1) -> [0, -4].
    model = fc_model([[1, 1, 1], [2, -1, 0]], None, (1.0, 1.0, 1.0), (1, 1, 0))
    x = np.array([[1, 2, 3]], np.int8)
    expected = np.array([[0, -4]], np.int8)
    assert_same(run_model(model, [x])[0], expected)
    assert_same(run_tflm(model, [x])[0], expected)


def test_keep_num_dims_only_shapes_the_output():
    weights = np.arange(-6, 6).reshape(3, 4)
    x = np.arange(-12, 12, dtype=np.int8).reshape(2, 3, 4)
    kept = fc_model(weights, None, (0.5, 0.5, 1.0), (0, 0, 0), keep_num_dims=True,
                    input_shape=(2, 3, 4))
    flat = fc_model(weights, None, (0.5, 0.5, 1.0), (0, 0, 0), input_shape=(2, 3, 4))
    ours_kept, ours_flat = run_model(kept, [x])[0], run_model(flat, [x])[0]
    assert ours_kept.shape == (2, 3, 3) and ours_flat.shape == (6, 3)
    assert_same(ours_kept.reshape(6, 3), ours_flat)
    assert_same(ours_kept, run_tflm(kept, [x])[0])


def test_per_tensor_multiplier_is_the_double_product():
    """TFLM's per-tensor FC multiplier is double(s_in) * double(s_w) / double(s_out).

    The source of GetQuantizedConvolutionMultipler (kernels/kernel_util.cc) has, in some
    versions, the float32 product s_in * s_w; the runtime rounds as the double product does.
    The scales below make the two formulas give different multipliers, and the biases are
    accumulators on which those multipliers give different outputs.
    """
    rng = np.random.default_rng(7)
    while True:
        s_in = np.float32(2.0 ** rng.uniform(-10, -2))
        s_w = np.float32(2.0 ** rng.uniform(-10, -2))
        s_out = np.float32(np.float32(2.0 ** rng.uniform(-1, 1)) * s_in * s_w * np.float32(2 ** 24))
        as_double = quantize_multiplier(float(s_in) * float(s_w) / float(s_out))
        as_float = quantize_multiplier(float(s_in * s_w) / float(s_out))
        if as_double != as_float:
            break
    # Accumulators next to each rounding boundary of the outputs -120..119.
    k = 31 - as_float[1]
    near = np.round((np.arange(-120, 120) + 0.5) * 2.0 ** k / as_float[0]).astype(np.int64)
    accs = (near[:, None] + np.arange(-3, 4)).ravel()
    y_double = multiply_by_quantized_multiplier(accs, *as_double)
    y_float = multiply_by_quantized_multiplier(accs, *as_float)
    accs, y_double = accs[y_double != y_float][:16], y_double[y_double != y_float][:16]
    assert accs.size > 0
    # x == zp_in and zero weights: each output is MBQM(bias).
    model = fc_model(np.zeros((accs.size, 1)), accs, (float(s_in), float(s_w), float(s_out)),
                     (0, 0, 0))
    x = np.zeros((1, 1), np.int8)
    expected = np.clip(y_double, -128, 127).astype(np.int8).reshape(1, -1)
    assert_same(run_tflm(model, [x])[0], expected)
    assert_same(run_model(model, [x])[0], expected)


def eighth_scale_model(rng) -> tuple[bytes, np.ndarray, np.ndarray]:
    """A per-tensor FC whose real multiplier is exactly 1/8, with small accumulators.

    Returns (model, input, accumulators)."""
    weights = rng.integers(-3, 4, (4, 4))
    image = rng.integers(-20, 21, (64, 4)).astype(np.int8)
    model = fc_model(weights, None, (2.0 ** -4, 2.0 ** -5, 2.0 ** -6), (0, 0, 0),
                     input_shape=(64, 4))
    return model, image, image.astype(np.int64) @ weights.T


def test_litert_requantizes_in_float():
    """Pins the documented difference on accumulators where double rounding bites.

    With M = 1/8, MBQM's first rounding (SRDHM with M = 2^30) halves the accumulator
    and rounds halves up, and the second (RDBPOT by 2^2) rounds again: acc = 3 gives
    3/2 -> 2, then 2/4 -> 1; LiteRT's single round(3/8) gives 0. (For acc = -5 the
    first rounding is towards zero, -5/2 -> -2, and both end at -1.)
    """
    model, image, acc = eighth_scale_model(np.random.default_rng(3))
    ours, tflm = run_model(model, [image])[0], run_tflm(model, [image])[0]
    assert_same(ours, tflm)
    litert = run_litert(model, [image])[0]
    v = acc / 8
    assert_same(litert, (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int8))
    # They differ exactly on the positive accumulators 3 mod 8 (3/8, 11/8, ...), by one.
    double_rounded = (acc > 0) & (acc % 8 == 3)
    assert np.any(double_rounded)
    assert_same(ours, np.where(double_rounded, litert + 1, litert).astype(np.int8))


def test_single_rounding_reaches_the_kernel():
    """rounding="single" (TFLITE_SINGLE_ROUNDING): one rounding, halves up: (acc + 4) >> 3."""
    model, image, acc = eighth_scale_model(np.random.default_rng(4))
    single = run_model(model, [image], rounding="single")[0]
    assert_same(single, ((acc + 4) >> 3).astype(np.int8))
    assert not np.array_equal(single, run_model(model, [image], rounding="double")[0])


# -- validation -------------------------------------------------------------------------

def prepare(model: bytes) -> None:
    """Load the model and run every op's prepare (allocate_tensors); nothing is invoked."""
    Interpreter(model_content=model).allocate_tensors()


def test_bias_scale_must_match_like_tflm():
    """GetQuantizedConvolutionMultipler refuses a bias scale off by > 2% of an output step."""
    model = fc_model([[1, 2]], [10], (1e-3, 2e-3, 1e-5), (0, 0, 0), bias_scale=4e-6)
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*bias scale"):
        prepare(model)
    with pytest.raises(RuntimeError):
        run_tflm(model, [np.zeros((1, 2), np.int8)])


@pytest.mark.parametrize("kwargs, message", [
    (dict(input_shape=(1, 5)), "does not hold"),
    (dict(filter_shape=(1, 1, 2)), "filter must have rank 2"),
])
def test_rejects_inconsistent_models(kwargs, message):
    with pytest.raises(ModelError, match=rf"FULLY_CONNECTED \(operator 0\).*{message}"):
        prepare(fc_model([[1, 2]], None, (0.1, 0.1, 0.1), (0, 0, 0), **kwargs))


def test_per_channel_filter_zero_point_is_refused():
    """FullyConnectedPerChannel ignores the filter zero points, so nonzero ones are refused."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (1, 2), scale=0.1, zero_point=0)
    w = b.add_tensor("w", np.int8, (2, 2), data=np.ones((2, 2)), scale=[0.1, 0.2],
                     zero_point=[0, 3])
    y = b.add_tensor("y", np.int8, (1, 2), scale=0.1, zero_point=0)
    b.add_operator("FULLY_CONNECTED", [x, w], [y], options={})
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*zero points must be 0"):
        prepare(b.build())


def test_unsupported_options():
    # (a fused TANH is run as TFLM runs it, i.e. not applied: tests/test_fused_activation_quirk.py)
    with pytest.raises(UnsupportedOpError, match=r"FULLY_CONNECTED \(operator 0\).*weights_format"):
        prepare(fc_model([[1, 2]], None, (0.1, 0.1, 0.1), (0, 0, 0),
                         weights_format="SHUFFLED4x16INT8"))


def test_tiny_output_scale_with_bounded_activation_is_refused():
    """CalculateActivationRangeQuantized: round(6 / s_out) beyond int32 fails TFLM's Prepare."""
    model = fc_model([[1, 2]], None, (0.1, 0.1, 1e-10), (0, 0, 0), activation="RELU6")
    with pytest.raises(RuntimeError):
        run_tflm(model, [np.zeros((1, 2), np.int8)])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*fused activation"):
        prepare(model)


def test_float_nan_bias_meets_nan_total_as_tflm():
    """Both NaN with different sign bits: TFLM's compiled ``total + bias`` returns the
    bias's NaN (its conv kernels return the total's); each sign combination and a NaN
    bias over a finite total, compared bit for bit."""
    pos, neg = np.float32(np.nan), -np.float32(np.nan)
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (4, 3))
    w = b.add_tensor("w", np.float32, (4, 3), data=np.ones((4, 3), np.float32))
    bias = b.add_tensor("bias", np.float32, (4,), data=np.array([pos, neg, pos, 2.0], np.float32))
    y = b.add_tensor("y", np.float32, (4, 4))
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    rows = np.array([[np.inf, -np.inf, 1], [pos, 1, 1], [neg, 1, 1], [1, 2, 3]], np.float32)
    model = b.build()
    ours = run_model(model, [rows])[0]
    assert_same(ours.view(np.uint32), run_tflm(model, [rows])[0].view(np.uint32))


def test_float_nan_payloads_as_tflm():
    """Which NaN comes out, bit for bit: a product of two NaNs is the input's (quieted),
    whatever NumPy's vector loops would pick for a (3, 37) block; a signaling NaN bias is
    quieted; NaN signs and payloads differ in every input and weight."""
    rng = np.random.default_rng(3)

    def nans(shape, sign):
        bits = rng.integers(0x7F800001, 0x7FFFFFFF, shape, endpoint=True).astype(np.uint32)
        return (bits | np.uint32(sign << 31)).view(np.float32)   # signaling and quiet
    units, depth = 37, 4
    weights = rng.standard_normal((units, depth)).astype(np.float32)
    weights[rng.random((units, depth)) < 0.5] = nans(1, 0)[0]
    weights[:, 1] = nans(units, 0)
    bias = rng.standard_normal(units).astype(np.float32)
    bias[::3] = nans(len(bias[::3]), 1)
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (3, depth))
    w = b.add_tensor("w", np.float32, (units, depth), data=weights)
    bt = b.add_tensor("bias", np.float32, (units,), data=bias)
    y = b.add_tensor("y", np.float32, (3, units))
    b.add_operator("FULLY_CONNECTED", [x, w, bt], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    rows = rng.standard_normal((3, depth)).astype(np.float32)
    rows[:, 1] = nans(3, 1)
    rows[2, 0] = np.inf
    model = b.build()
    ours = run_model(model, [rows])[0]
    assert_same(ours.view(np.uint32), run_tflm(model, [rows])[0].view(np.uint32))
