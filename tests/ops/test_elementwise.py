"""ADD, SUB and MUL against the TFLM runtime, byte for byte.

Hypothesis draws broadcastable shapes of rank 1-5 (rank 6 in the slow runs),
scales, zero points (extremes included), fused activations and data with
the type's extremes. Each CI test runs ~200 cases; the ``slow`` variants run
thousands.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import (
    T,
    activations,
    assert_matches_tflm,
    assert_same,
    broadcast_shapes,
    random_data,
    scales,
    seeds,
    single_op_model,
    tflm_and_litert,
    zero_points,
)

from interpreter.arith.fixedpoint import quantize_multiplier
from interpreter.errors import ModelError, UnsupportedOpError

CI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _binary_model(op, dtype, shapes, quant, activation):
    s1, s2, so = shapes
    (sc1, z1), (sc2, z2), (sco, zo) = quant if quant else ((None, 0),) * 3
    return single_op_model(op, [T(dtype, s1, sc1, z1), T(dtype, s2, sc2, z2)],
                           [T(dtype, so, sco, zo)], {"fused_activation_function": activation})


def _feeds(seed, dtype, shapes):
    rng = np.random.default_rng(seed)
    return [random_data(rng, dtype, shapes[0]), random_data(rng, dtype, shapes[1])]


@st.composite
def add_sub_int8_cases(draw, max_rank=5):
    shapes = draw(broadcast_shapes(max_rank=max_rank))
    quant = [(draw(scales()), draw(zero_points())) for _ in range(3)]
    # TFLM aborts unless 2 * max(s1, s2) / (2^20 * s_out) < 1
    if 2 * max(quant[0][0], quant[1][0]) >= (1 << 20) * quant[2][0]:
        quant[2] = (quant[2][0] * 2 ** 12, quant[2][1])
    return shapes, quant, draw(activations), draw(seeds)


def _check_add_sub_int8(op, case):
    shapes, quant, activation, seed = case
    model = _binary_model(op, np.int8, shapes, quant, activation)
    assert_matches_tflm(model, _feeds(seed, np.int8, shapes))


@CI
@given(st.sampled_from(["ADD", "SUB"]), add_sub_int8_cases())
def test_add_sub_int8(op, case):
    _check_add_sub_int8(op, case)


@pytest.mark.slow
@SLOW
@given(st.sampled_from(["ADD", "SUB"]), add_sub_int8_cases(max_rank=6))
def test_add_sub_int8_slow(op, case):
    _check_add_sub_int8(op, case)


@st.composite
def mul_int8_cases(draw, max_rank=5):
    shapes = draw(broadcast_shapes(max_rank=max_rank))
    s1, s2 = draw(scales()), draw(scales())
    # output scales around s1 * s2 * 2^k: both right (k > 0) and left (k < 0) shifts
    so = float(np.float32(s1 * s2 * 2.0 ** draw(st.floats(-4, 12))))
    quant = [(s1, draw(zero_points())), (s2, draw(zero_points())), (so, draw(zero_points()))]
    return shapes, quant, draw(activations), draw(seeds)


@CI
@given(mul_int8_cases())
def test_mul_int8(case):
    shapes, quant, activation, seed = case
    assert_matches_tflm(_binary_model("MUL", np.int8, shapes, quant, activation),
                        _feeds(seed, np.int8, shapes))


@pytest.mark.slow
@SLOW
@given(mul_int8_cases(max_rank=6))
def test_mul_int8_slow(case):
    shapes, quant, activation, seed = case
    assert_matches_tflm(_binary_model("MUL", np.int8, shapes, quant, activation),
                        _feeds(seed, np.int8, shapes))


@CI
@given(st.sampled_from(["ADD", "SUB", "MUL"]), broadcast_shapes(max_rank=4),
       st.lists(scales(-4, -1), min_size=3, max_size=3), activations, seeds)
def test_int16(op, shapes, scale_list, activation, seed):
    s1, s2, so = scale_list
    if op == "MUL":
        so = float(np.float32(s1 * s2 * 64))
    elif 2 * max(s1, s2) >= (1 << 15) * so:
        so *= 2 ** 12
    quant = [(s1, 0), (s2, 0), (so, 0)]  # int16 kernels expect symmetric tensors
    assert_matches_tflm(_binary_model(op, np.int16, shapes, quant, activation),
                        _feeds(seed, np.int16, shapes))


@CI
@given(st.sampled_from(["ADD", "SUB", "MUL"]), st.sampled_from([np.float32, np.int32]),
       broadcast_shapes(), activations, seeds)
def test_float32_and_int32(op, dtype, shapes, activation, seed):
    assert_matches_tflm(_binary_model(op, dtype, shapes, None, activation),
                        _feeds(seed, dtype, shapes))


# -- behaviour pinned down by the runtime -------------------------------------------

@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_float_specials_clamp_like_tflm(op, activation):
    # Unbounded activation sides are +-FLT_MAX, so inf results become +-FLT_MAX;
    # NaN and -0.0 pass through std::min/std::max untouched.
    x1 = np.array([3e38, -3e38, np.nan, -0.0, np.inf, 2.0, -0.0, 5.0], np.float32)
    x2 = np.array([3e38, -3e38, 1.0, -0.0, -np.inf, 3.0, 0.0, -7.0], np.float32)
    model = _binary_model(op, np.float32, ([8], [8], [8]), None, activation)
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, [x1, x2])


def test_int32_add_ignores_the_fused_activation():
    # add.cc gives int32 the full int32 range whatever the activation; SUB and MUL clamp.
    x1, x2 = np.array([-5, 7, 2_000_000_000], np.int32), np.array([1, 2, 2_000_000_000], np.int32)
    for op in ("ADD", "SUB", "MUL"):
        model = _binary_model(op, np.int32, ([3], [3], [3]), None, "RELU6")
        out = assert_matches_tflm(model, [x1, x2])[0]
        if op == "ADD":
            assert out.tolist() == [-4, 9, 4_000_000_000 - (1 << 32)]  # wrapped, unclamped
        else:
            assert out.min() >= 0 and out.max() <= 6


def test_sub_multipliers_are_computed_in_double():
    # Some TFLM sources compute SUB's real multipliers in float32; with these scales that
    # would move one output by 1. The runtime agrees with the double computation.
    quant = [(0.10547976195812225, 61), (0.11287964880466461, 119), (0.024630490690469742, -72)]
    model = _binary_model("SUB", np.int8, ([256, 256], [256, 256], [256, 256]), quant, "NONE")
    x1 = np.repeat(np.arange(-128, 128, dtype=np.int8), 256).reshape(256, 256)
    x2 = np.tile(np.arange(-128, 128, dtype=np.int8), 256).reshape(256, 256)
    assert_matches_tflm(model, [x1, x2])


def test_single_rounding_follows_the_single_rounding_formula():
    # TFLITE_SINGLE_ROUNDING: every MBQM is floor((x*M + 2^(30-s)) / 2^(31-s)).
    (s1, z1), (s2, z2), (so, zo) = quant = [(0.02, 5), (0.03, -7), (0.05, 3)]
    model = _binary_model("ADD", np.int8, ([256], [256], [256]), quant, "NONE")
    x1 = np.arange(-128, 128, dtype=np.int8)
    x2 = np.roll(x1, 77)
    ours = run_model(model, [x1, x2], rounding="single")[0]

    def mbqm(x, real):
        m, s = quantize_multiplier(real, "single")
        return (x * m + (1 << (30 - s))) >> (31 - s)

    twice_max = 2 * max(s1, s2)
    expected = [
        min(127, max(-128, mbqm(mbqm((a - z1) << 20, s1 / twice_max)
                                + mbqm((b - z2) << 20, s2 / twice_max),
                                twice_max / ((1 << 20) * so)) + zo))
        for a, b in zip(x1.tolist(), x2.tolist())]
    assert ours.tolist() == expected
    double = run_model(model, [x1, x2])[0]
    assert np.max(np.abs(ours.astype(int) - double)) <= 1


def test_litert_reference_kernels_agree_on_int8():
    # Documented, not required: LiteRT's reference ADD/SUB/MUL give TFLM's bytes.
    rng = np.random.default_rng(7)
    shapes = ([3, 1, 5], [4, 1], [3, 4, 5])
    for op in ("ADD", "SUB", "MUL"):
        model = _binary_model(op, np.int8, shapes, [(0.04, -3), (0.09, 11), (0.11, 2)], "NONE")
        tflm, litert = tflm_and_litert(model, _feeds(rng.integers(1 << 30), np.int8, shapes))
        assert_same(litert, tflm, f"{op}: LiteRT vs TFLM")


# -- prepare-time validation --------------------------------------------------------

def test_rejects_incompatible_broadcast():
    model = _binary_model("ADD", np.float32, ([2, 3], [4], [2, 3]), None, "NONE")
    with pytest.raises(ModelError, match="ADD.*broadcast"):
        run_model(model, [np.zeros((2, 3), np.float32), np.zeros(4, np.float32)])


def test_rejects_wrong_output_shape():
    model = _binary_model("MUL", np.float32, ([2, 3], [3], [3, 2]), None, "NONE")
    with pytest.raises(ModelError, match="MUL.*output"):
        run_model(model, [np.zeros((2, 3), np.float32), np.zeros(3, np.float32)])


def test_rejects_output_scale_too_small_for_add():
    quant = [(1.0, 0), (1.0, 0), (1e-7, 0)]   # output multiplier 2 / (2^20 * 1e-7) > 1
    model = _binary_model("ADD", np.int8, ([4], [4], [4]), quant, "NONE")
    with pytest.raises(ModelError, match="ADD.*multiplier"):
        run_model(model, [np.zeros(4, np.int8), np.zeros(4, np.int8)])


def test_rejects_int16_mul_with_zero_points():
    model = _binary_model("MUL", np.int16, ([4], [4], [4]), [(0.01, 3), (0.01, 0), (0.01, 0)],
                          "NONE")
    with pytest.raises(ModelError, match="MUL.*zero point"):
        run_model(model, [np.zeros(4, np.int16), np.zeros(4, np.int16)])


def test_rejects_mixed_types():
    model = single_op_model("ADD", [T(np.int8, [4], 0.1, 0), T(np.int16, [4], 0.1, 0)],
                            [T(np.int8, [4], 0.1, 0)])
    with pytest.raises(ModelError, match="ADD.*types"):
        run_model(model, [np.zeros(4, np.int8), np.zeros(4, np.int16)])


def test_rejects_unsupported_type():
    model = single_op_model("ADD", [T(np.uint8, [4], 0.1, 0), T(np.uint8, [4], 0.1, 0)],
                            [T(np.uint8, [4], 0.1, 0)])
    with pytest.raises(UnsupportedOpError, match="ADD.*uint8"):
        run_model(model, [np.zeros(4, np.uint8), np.zeros(4, np.uint8)])
