"""What ADD, SUB and MUL share (interpreter/ops/elementwise.py), against the TFLM runtime,
byte for byte: the tests that run all three with one body (int16, float32 and int32,
float specials and the fused activation, LiteRT's int8 kernels). The tests of one op are
in test_add_sub.py and test_mul.py.

Hypothesis draws broadcastable shapes of rank 1-5, scales, zero points (extremes
included), fused activations and data with the type's extremes.
"""
from __future__ import annotations

import numpy as np
import pytest
from binary_cases import binary_feeds as _feeds
from binary_cases import binary_model
from binary_cases import fused_binary_model as _binary_model
from budgets import budgets
from budgets import explore
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from single_op import activations
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import broadcast_shapes
from single_op import scales
from single_op import seeds
from single_op import tflm_and_litert

from interpreter import ModelError

CI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


def test_litert_reference_kernels_agree_on_int8():
    # Documented, not required: LiteRT's reference ADD/SUB/MUL give TFLM's bytes.
    rng = np.random.default_rng(7)
    shapes = ([3, 1, 5], [4, 1], [3, 4, 5])
    for op in ("ADD", "SUB", "MUL"):
        model = _binary_model(op, np.int8, shapes, [(0.04, -3), (0.09, 11), (0.11, 2)], "NONE")
        tflm, litert = tflm_and_litert(model, _feeds(rng.integers(1 << 30), np.int8, shapes))
        assert_same(litert, tflm, f"{op}: LiteRT vs TFLM")


# -- output shapes that differ from the broadcast shape in leading 1s -----------------

@st.composite
def shapes_with_output_padded(draw):
    """(shape 1, shape 2, output shape): the output is the broadcast shape with its leading
    1s dropped or more added (rank up to 4)."""
    s1, s2, so = draw(broadcast_shapes(max_rank=4))
    core = so[next((i for i, d in enumerate(so) if d != 1), len(so)):]
    return s1, s2, (1,) * draw(st.integers(0, 4 - len(core))) + core


BROADCAST_CASES = [("ADD", np.float32, None), ("SUB", np.int8, np.int8), ("MUL", np.int8, np.int8),
                   ("MAXIMUM", np.float32, None), ("LESS", np.float32, np.bool_)]


@pytest.mark.parametrize("op, dtype, out_dtype", BROADCAST_CASES)
@budgets(ci=40, slow=600)
def test_output_shape_may_differ_by_leading_ones(op, dtype, out_dtype, examples):
    """TFLM walks the output shape extended with leading 1s, LiteRT resizes the output to
    the broadcast shape: [1, 4, 3] + [3] into a [4, 3] output runs in both, with the same
    bytes as into [1, 4, 3]."""
    quant = [(0.05, 3), (0.04, -2), (0.1, 1)] if dtype == np.int8 else None

    def check(case):
        shapes, seed = case
        model = binary_model(op, dtype, shapes, quant, out_dtype)
        feeds = _feeds(seed, dtype, shapes)
        ours = assert_matches_tflm(model, feeds)[0]
        # LiteRT gives its output the broadcast shape; the bytes must be the same
        theirs = run_litert(model, feeds)[0]
        assert_same(run_model(model, feeds, semantics="tflite")[0], ours)
        assert_same(ours, theirs.reshape(ours.shape))

    explore(examples, st.tuples(shapes_with_output_padded(), seeds), check)


def test_output_shape_must_match_beyond_leading_ones():
    model = binary_model("ADD", np.float32, ([2, 3], [3], [3, 2]))
    with pytest.raises(ModelError, match=r"ADD \(operator 0\): inputs broadcast to \(2, 3\)"):
        run_model(model, _feeds(0, np.float32, ([2, 3], [3], [3, 2])))
