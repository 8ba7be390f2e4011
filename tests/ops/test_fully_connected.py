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
(``assert_same_but_nan_bits``, tests/support/single_op.py).

16x8 (int16 activations, int8 weights), against the tflite-micro runtime and
against LiteRT's reference kernel for semantics="tflite". What the tflite-micro
runtime does (measured; ``micro/kernels/fully_connected.cc`` and the int16
overloads in ``reference/integer_ops/fully_connected.h``), and what these tests
pin:

* per-tensor and per-channel weights; per-tensor weights keep their zero point
  (as in int8), per-channel ones ignore theirs (this interpreter refuses
  non-zero ones, as it does for int8);
* unlike the 16x8 convolutions, the input and output zero points ARE read:
  ``y = clamp(MBQM(sum (w - zp_w)(x - zp_in) + bias) + zp_out)``;
* an int64 bias or none: an int64 accumulator and the int64-input
  MultiplyByQuantizedMultiplier; an int32 bias: an int32 accumulator that wraps
  and the ordinary 32-bit MBQM; an int16 bias is read as if it were int64
  (garbage), so it is refused here;
* LiteRT (reference kernels) requantizes in floating point from an int64
  accumulator, refuses non-zero input/output zero points and int16 biases, and
  reads an int32 bias as int64; semantics="tflite" follows it and refuses what
  it cannot reproduce.

16x8 cases are drawn with hypothesis (one seed per case, everything else derived
from it): input layouts (rows, [a, b, depth] with or without keep_num_dims,
[1, h, w, c] flattened), depths up to 1500 (the int32 accumulator wraps),
per-tensor / per-channel scales with real multipliers from far below 1 to
15000 (just below where the int64 requantization is undefined), biases up to
+-2^40 (int64) and the full int32 range, zero points over the whole int16
range, fused activations, inputs including -32768 and 32767.

    pytest tests/ops/test_fully_connected.py              # CI budget
    pytest tests/ops/test_fully_connected.py -m slow      # many more examples
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from conv_cases import SPECIAL_FLOATS
from conv_cases import Fc16x8Case
from conv_cases import product_scales
from hypothesis import strategies as st
from op_harness import prepare
from op_harness import run_c_backend
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import activations
from single_op import assert_same
from single_op import assert_same_but_nan_bits
from single_op import seeds
from single_op import zero_points

from interpreter import Interpreter
from interpreter import ModelError
from interpreter import UnsupportedOpError
from interpreter.arith.fixedpoint import multiply_by_quantized_multiplier
from interpreter.arith.fixedpoint import multiply_by_quantized_multiplier_int64
from interpreter.arith.fixedpoint import quantize_multiplier
from interpreter.builder import ModelBuilder


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
    per_channel, input_scale, filter_scales, output_scale = draw(
        product_scales(dtype, units, depth))
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
@budgets(ci=200, slow=3000)
def test_fully_connected_matches_tflm(dtype, examples):
    explore(examples, fc_cases(dtype), check_case)


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


# -- validation --------------------------------------------------------------------------

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
    # (a fused TANH is run as TFLM runs it, i.e. not applied: tests/ops/test_fused_activation_quirk.py)
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


# -- 16x8 (int16 activations, int8 weights) ----------------------------------------------

def check(case: Fc16x8Case) -> None:
    """Equal bytes, or (a fused activation bound that does not fit int32 at a tiny
    output scale) both refuse the model."""
    model, ishape = case.model()
    x = case.input(ishape)
    try:
        ours = run_model(model, [x])[0]
    except ModelError as e:
        assert "fused activation's bound" in str(e), f"{case}: {e}"
        with pytest.raises(RuntimeError):
            run_tflm(model, [x])
        return
    assert_same(ours, run_tflm(model, [x])[0], f"{case}")


def check_tflite_semantics(case: Fc16x8Case) -> None:
    """semantics="tflite" equals LiteRT's reference kernel, or both refuse the model
    (an int32 bias LiteRT reads as int64: refused here, whatever LiteRT computes)."""
    model, ishape = case.model()
    x = case.input(ishape)
    try:
        ours = run_interpreter(model, x, semantics="tflite")
    except (ModelError, UnsupportedOpError) as e:
        assert "FULLY_CONNECTED" in str(e)
        if "fused activation's bound" not in str(e):
            assert case.zero_points or case.bias == np.int32, f"{case}: {e}"
        if case.bias != np.int32:
            with pytest.raises(RuntimeError):
                run_litert(model, [x])
        return
    assert not case.zero_points and case.bias != np.int32, f"{case} was not refused"
    assert_same(ours, run_litert(model, [x])[0], f"{case} vs LiteRT")


def run_interpreter(model: bytes, x: np.ndarray, **kwargs) -> np.ndarray:
    interp = Interpreter(model_content=model, **kwargs)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


def cases_16x8(biases=(None, np.int32, np.int64)):
    return st.builds(Fc16x8Case, seeds, st.sampled_from(list(biases)), st.booleans(), st.booleans())


@budgets(ci=400, slow=3000)
def test_fully_connected_16x8_matches_tflm(examples):
    explore(examples, cases_16x8(), check)


@budgets(ci=300, slow=3000)
def test_fully_connected_16x8_tflite_semantics_matches_litert(examples):
    explore(examples, cases_16x8(), check_tflite_semantics)


# -- 16x8: hand-worked cases ------------------------------------------------------------

def fc16_model(weights, bias, scales, zero_points, bias_type=np.int64, activation="NONE",
               filter_zero_points=None) -> bytes:
    """A [1, depth] 16x8 FULLY_CONNECTED; scales/zero_points = (input, filter, output),
    the filter scale a list for per-channel weights."""
    weights = np.asarray(weights)
    units, depth = weights.shape
    (s_in, s_w, s_out), (zp_in, zp_w, zp_out) = scales, zero_points
    s_w = s_w if isinstance(s_w, list) else [s_w]
    b = ModelBuilder()
    x = b.add_tensor("x", np.int16, (1, depth), scale=s_in, zero_point=zp_in)
    w = b.add_tensor("w", np.int8, weights.shape, data=weights, scale=s_w,
                     zero_point=filter_zero_points or [zp_w] * len(s_w))
    inputs = [x, w]
    if bias is not None:
        inputs.append(b.add_tensor("b", bias_type, [units], data=bias,
                                   scale=[s_in * s for s in s_w], zero_point=0))
    y = b.add_tensor("y", np.int16, (1, units), scale=s_out, zero_point=zp_out)
    b.add_operator("FULLY_CONNECTED", inputs, [y],
                   options={"fused_activation_function": activation})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def test_hand_worked_zero_points():
    # x - zp_in = [-1000, 2000, 3]; W - zp_w = [[2, 2, 2], [3, 0, 1]]
    # acc = [2 * 1003 + 7, -3000 + 3 - 5] = [2013, -3002]; M = 1/2 -> [1007, -1501] (+ 10)
    model = fc16_model([[1, 1, 1], [2, -1, 0]], [7, -5], (1.0, 1.0, 2.0), (500, -1, 10))
    x = np.array([[-500, 2500, 503]], np.int16)
    expected = np.array([[1017, -1491]], np.int16)
    assert_same(run_tflm(model, [x])[0], expected)
    assert_same(run_model(model, [x])[0], expected)


def test_int32_bias_accumulates_in_int32():
    """An int32 bias makes the accumulator int32 (it wraps: 1000 * 32767 * 127 > 2^31)
    and the requantization the 32-bit MBQM; with an int64 bias the same values do not
    wrap."""
    weights = np.full((2, 1000), 127)
    weights[1] = -127
    x = np.full((1, 1000), 32767, np.int16)
    scales = (2.0 ** -10, 2.0 ** -10, 1.0)          # real multiplier 2^-20
    acc = np.array([1000 * 32767 * 127 + 5, -1000 * 32767 * 127 - 5])
    wrapped = (acc + 2 ** 31) % 2 ** 32 - 2 ** 31
    m = quantize_multiplier(2.0 ** -20)
    expected32 = multiply_by_quantized_multiplier(wrapped, *m)
    expected64 = multiply_by_quantized_multiplier_int64(acc, *m)
    assert expected64.tolist() == [3969, -3969] and expected32.tolist() != [3969, -3969]
    for bias_type, expected in ((np.int32, [expected32.tolist()]),
                                (np.int64, [expected64.tolist()])):
        model = fc16_model(weights, [5, -5], scales, (0, 0, 0), bias_type)
        assert run_tflm(model, [x])[0].tolist() == expected
        assert_same(run_model(model, [x])[0], run_tflm(model, [x])[0])


def test_per_channel_filter_zero_points_are_ignored_by_tflm_and_refused():
    scales = (0.1, [0.1, 0.2], 0.1)
    x = np.array([[100, 200]], np.int16)
    with_zp = fc16_model(np.ones((2, 2)), None, scales, (0, 0, 0), filter_zero_points=[0, 3])
    without = fc16_model(np.ones((2, 2)), None, scales, (0, 0, 0))
    assert_same(run_tflm(with_zp, [x])[0], run_tflm(without, [x])[0])
    assert_same(run_model(without, [x])[0], run_tflm(without, [x])[0])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*zero points must be 0"):
        run_model(with_zp, [x])


# -- 16x8: what is refused, and the C backend -----------------------------------------

@pytest.mark.parametrize("bias_type", [np.int16, np.float32])
def test_other_bias_types_are_refused(bias_type):
    """TFLM reads any 16x8 bias as int64 (an int16 one gives garbage); LiteRT refuses it."""
    model = fc16_model([[1, 2]], [3], (0.01, 0.02, 0.05), (0, 0, 0), bias_type)
    x = np.array([[100, 200]], np.int16)
    name = np.dtype(bias_type)
    with pytest.raises(UnsupportedOpError, match=f"FULLY_CONNECTED.*bias type {name}"):
        run_model(model, [x])
    if bias_type == np.int16:
        with pytest.raises(RuntimeError):
            run_litert(model, [x])


@pytest.mark.parametrize("zps", [(3, 0, 0), (0, 0, -5)])
def test_tflite_semantics_refuses_zero_points(zps):
    """LiteRT refuses non-zero int16 input/output zero points (TFLM reads them)."""
    model = fc16_model([[1, 2]], None, (0.01, 0.02, 0.05), zps)
    x = np.array([[100, 200]], np.int16)
    with pytest.raises(RuntimeError):
        run_litert(model, [x])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*zero point must be 0"):
        run_interpreter(model, x, semantics="tflite")
    assert_same(run_model(model, [x])[0], run_tflm(model, [x])[0])


def test_tflite_semantics_refuses_int32_bias():
    # Without quantized_bias_type INT32 in the options LiteRT reads the int32 bias as
    # int64, past the end of its buffer
    model = fc16_model([[1, 2]], [3], (0.01, 0.02, 0.05), (0, 0, 0), np.int32)
    with pytest.raises(UnsupportedOpError, match="FULLY_CONNECTED.*quantized_bias_type INT32"):
        run_interpreter(model, np.zeros((1, 2), np.int16), semantics="tflite")


def test_tflite_int32_bias_with_quantized_bias_type_int32_matches_litert():
    # LiteRT then reads the int32 bias into an int32 accumulator (wrapping), requantized
    # in floating point as its int64 path is
    for seed in range(40):
        case = Fc16x8Case(seed, np.int32, bool(seed % 2), False, quantized_bias_type="INT32")
        model, ishape = case.model()
        x = case.input(ishape)
        assert_same(run_interpreter(model, x, semantics="tflite"), run_litert(model, [x])[0],
                    f"{case} vs LiteRT")


def test_16x8_bias_scale_must_match_like_tflm():
    """GetQuantizedConvolutionMultipler (per-tensor weights) refuses a bias scale off by
    more than 2% of an output step, for 16x8 as for int8."""
    model, ishape = Fc16x8Case(5, np.int64, False, False).model(bias_scale_factor=1e4)
    x = np.zeros(ishape, np.int16)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*bias scale"):
        run_model(model, [x])


@pytest.mark.parametrize("activation", ["RELU6", "RELU_N1_TO_1"])
def test_16x8_tiny_output_scale_with_bounded_activation_is_refused(activation):
    """6 / s_out (or 1 / s_out) beyond int32 fails TFLM's CalculateActivationRangeQuantized."""
    model = fc16_model([[1, 2]], None, (1e-6, 1e-6, 1e-10), (0, 0, 0), activation=activation)
    x = np.zeros((1, 2), np.int16)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*fused activation"):
        run_model(model, [x])
    relu = fc16_model([[1, 2]], None, (1e-6, 1e-6, 1e-10), (0, 0, 0), activation="RELU")
    assert_same(run_model(relu, [x])[0], run_tflm(relu, [x])[0])


@pytest.mark.parametrize("bias", [None, [5, -7]])
def test_huge_multiplier_is_refused_where_the_int64_requantization_is_undefined(bias):
    """From a real multiplier of 2^14 on, the int64 MBQM shifts by negative amounts, which
    C leaves undefined (TFLM only DCHECKs shift < 8): refused. Measured, the runtime then
    gives x86's masked-shift artefacts (acc * reduced multiplier cut to int32 at shift 15,
    zeros beyond), no arithmetic worth reproducing. Just below 2^14 it matches."""
    weights = [[1, 0], [0, -1]]
    x = np.array([[3, -2]], np.int16)
    below = fc16_model(weights, bias, (0.5, 0.5, 0.25 / 2 ** 13.9), (0, 0, 0))
    assert_same(run_model(below, [x])[0], run_tflm(below, [x])[0])
    for exponent in (14.1, 16.5):
        above = fc16_model(weights, bias, (0.5, 0.5, 0.25 / 2 ** exponent), (0, 0, 0))
        run_tflm(above, [x])      # runs
        with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*2\^14"):
            run_model(above, [x])


def test_int16_weights_are_unsupported():
    b = ModelBuilder()
    x = b.add_tensor("x", np.int16, (1, 4), scale=0.01)
    w = b.add_tensor("w", np.int16, (3, 4), scale=0.02, data=np.ones((3, 4)))
    y = b.add_tensor("y", np.int16, (1, 3), scale=0.05)
    b.add_operator("FULLY_CONNECTED", [x, w, -1], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(UnsupportedOpError, match="filter type int16"):
        run_model(b.build(), [np.zeros((1, 4), np.int16)])


def test_c_backend_runs_the_numpy_16x8_path():
    """The C class takes only int8; int16 falls back to NumPy, bit-exact."""
    pytest.importorskip("interpreter.ops_c")
    for seed in range(12):
        case = Fc16x8Case(seed, [None, np.int32, np.int64][seed % 3], bool(seed % 2), seed % 4 < 2)
        model, ishape = case.model()
        x = case.input(ishape)
        assert_same(run_c_backend(model, x), run_tflm(model, [x])[0], f"{case} (C backend)")


def test_fully_connected_16x8_is_supported():
    """FULLY_CONNECTED runs 16x8 too; unlike the 16x8 convolutions
    (tests/ops/test_convolutions.py) it reads the int16 zero points, so a non-zero one is
    not refused."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int16, (1, 4), scale=0.01, zero_point=7)
    w = b.add_tensor("w", np.int8, (3, 4), scale=0.02, data=np.arange(12).reshape(3, 4))
    y = b.add_tensor("y", np.int16, (1, 3), scale=0.05)
    b.add_operator("FULLY_CONNECTED", [x, w, -1], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    feed = np.array([[-32768, -1000, 5, 32767]], np.int16)
    assert_same(run_model(model, [feed])[0], run_tflm(model, [feed])[0], "FULLY_CONNECTED 16x8")


def _int8_fc(zp_in: int, zp_w: int, zp_out: int, out_scale: float) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, [1, 4], scale=0.02, zero_point=zp_in)
    w = b.add_tensor("w", np.int8, [2, 4], data=np.arange(8) - 4, scale=0.01, zero_point=zp_w)
    y = b.add_tensor("y", np.int8, [1, 2], scale=out_scale, zero_point=zp_out)
    b.add_operator("FULLY_CONNECTED", [x, w], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("zp_in, zp_w", [(-128, 2**31 - 1), (2**24, 127), (0, -(2**24))])
def test_zero_points_whose_products_overflow_int32_are_refused(zp_in, zp_w):
    """(x - zp_in) * (w - zp_w) is an int32 multiplication in TFLM: zero points that let
    it overflow (undefined behaviour; found by tools/fuzz_models.py, where the C and
    NumPy backends wrapped differently) are refused; the widest that fit still run."""
    feeds = [np.array([[1, -2, 3, -4]], np.int8)]
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\): zero points .* "
                                         r"overflow TFLM's int32 arithmetic"):
        run_model(_int8_fc(zp_in, zp_w, 0, 0.5), feeds)
    ok = _int8_fc(-128, 127, 0, 0.5)
    assert_same(run_model(ok, feeds)[0], run_tflm(ok, feeds)[0])


def test_output_zero_point_whose_addition_overflows_int32_is_refused():
    """TFLM adds the output zero point to the requantized sum in int32: 2^31 - 1 can
    overflow it (a C/NumPy mismatch the fuzzer found on a mutated ResNet) and is refused;
    200, outside int8 but without overflow, still runs and equals TFLM."""
    feeds = [np.array([[100, -2, 3, -4]], np.int8)]
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\): output zero point "
                                         r"2147483647 is outside int8"):
        run_model(_int8_fc(3, 0, 2**31 - 1, 0.001), feeds)
    ok = _int8_fc(3, 0, 200, 0.001)
    assert_same(run_model(ok, feeds)[0], run_tflm(ok, feeds)[0])
