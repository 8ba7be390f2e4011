"""ADD and SUB against the TFLM runtime, byte for byte.

Hypothesis draws broadcastable shapes of rank 1-5 (rank 6 in the slow runs),
scales, zero points (extremes included), fused activations and data with
the type's extremes. Each CI test runs ~200 cases; the ``slow`` variants run
thousands. What ADD and SUB share with MUL is tested in test_elementwise.py.
``semantics="tflite"`` is compared with LiteRT's reference kernels on the types
only LiteRT runs (uint8, int64).
"""
from __future__ import annotations

import numpy as np
import pytest
from binary_cases import binary_feeds as _feeds
from binary_cases import fused_binary_model as _binary_model
from budgets import budgets
from budgets import explore
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T
from single_op import activations
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflm_refuses
from single_op import broadcast_shapes
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import zero_points

from interpreter.arith.fixedpoint import quantize_multiplier
from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


@budgets(ci=200, slow=3000, max_rank=(5, 6))
def test_add_sub_int8(examples, max_rank):
    explore(examples, st.tuples(st.sampled_from(["ADD", "SUB"]),
                                add_sub_int8_cases(max_rank=max_rank)),
            lambda drawn: _check_add_sub_int8(*drawn))


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


# -- prepare-time validation --------------------------------------------------------

def test_rejects_incompatible_broadcast():
    model = _binary_model("ADD", np.float32, ([2, 3], [4], [2, 3]), None, "NONE")
    with pytest.raises(ModelError, match="ADD.*broadcast"):
        run_model(model, [np.zeros((2, 3), np.float32), np.zeros(4, np.float32)])


def test_rejects_output_scale_too_small_for_add():
    quant = [(1.0, 0), (1.0, 0), (1e-7, 0)]   # output multiplier 2 / (2^20 * 1e-7) > 1
    model = _binary_model("ADD", np.int8, ([4], [4], [4]), quant, "NONE")
    with pytest.raises(ModelError, match="ADD.*multiplier"):
        run_model(model, [np.zeros(4, np.int8), np.zeros(4, np.int8)])


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


# -- semantics="tflite": uint8 and int64 (LiteRT's add.cc, sub.cc) ------------------------

@st.composite
def add_sub_uint8_cases(draw):
    shapes = draw(broadcast_shapes(max_rank=4))
    quant = [(draw(scales()), draw(zero_points(np.uint8))) for _ in range(3)]
    if 2 * max(quant[0][0], quant[1][0]) >= (1 << 20) * quant[2][0]:
        quant[2] = (quant[2][0] * 2 ** 12, quant[2][1])
    return shapes, quant, draw(activations), draw(seeds)


@CI
@given(st.sampled_from(["ADD", "SUB"]), add_sub_uint8_cases())
def test_tflite_add_sub_uint8_match_litert(op, case):
    shapes, quant, activation, seed = case
    model = _binary_model(op, np.uint8, shapes, quant, activation)
    assert_matches_litert(model, _feeds(seed, np.uint8, shapes))


@CI
@given(st.sampled_from(["ADD", "SUB"]), broadcast_shapes(max_rank=4), activations, seeds)
def test_tflite_add_sub_int64_wrap_and_clamp_like_litert(op, shapes, activation, seed):
    # full-range data: sums wrap around int64, then the activation clamps
    model = _binary_model(op, np.int64, shapes, None, activation)
    assert_matches_litert(model, _feeds(seed, np.int64, shapes))


def test_tflite_int64_add_wraps():
    big = np.iinfo(np.int64).max
    model = _binary_model("ADD", np.int64, ([3], [3], [3]), None, "RELU")
    x1, x2 = np.array([big, 5, -7], np.int64), np.array([1, 2, 3], np.int64)
    assert assert_matches_litert(model, [x1, x2])[0].tolist() == [0, 7, 0]


@pytest.mark.parametrize("op", ["ADD", "SUB"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int64])
def test_tflm_flavor_refuses_uint8_and_int64(op, dtype):
    quant = [(0.1, 3)] * 3 if dtype == np.uint8 else None
    model = _binary_model(op, dtype, ([4], [4], [4]), quant, "NONE")
    assert_tflm_refuses(model, [np.zeros(4, dtype)] * 2, UnsupportedOpError,
                        f"{op}.*{np.dtype(dtype)}")


@pytest.mark.parametrize("op", ["ADD", "SUB"])
@pytest.mark.parametrize("zps, what", [((3000, 0, 0), "input 1 zero point 3000"),
                                       ((0, -2**20, 0), "input 2 zero point -1048576"),
                                       ((0, 0, 2**31 - 1), "output zero point 2147483647")])
def test_zero_points_that_overflow_int32_steps_are_refused(op, zps, what):
    """TFLM's int8 ADD/SUB shift (x - zp) left by 20 and add the output zero point in
    int32: zero points far outside int8 overflow them (undefined behaviour; a C/NumPy
    mismatch the fuzzer found) and are refused; 1000, outside int8 but without overflow,
    runs on the NumPy reference and equals TFLM."""
    def model(z1, z2, zo):
        return single_op_model(op, [T(np.int8, (2, 3), 0.05, z1), T(np.int8, (2, 3), 0.05, z2)],
                               [T(np.int8, (2, 3), 0.07, zo)])

    feeds = [np.array([[-128, -1, 0], [1, 5, 127]], np.int8)] * 2
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\): {what}"):
        run_model(model(*zps), feeds)
    assert_matches_tflm(model(0, 0, 1000), feeds)
