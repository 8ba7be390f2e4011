"""MUL against the TFLM runtime, byte for byte.

Hypothesis draws broadcastable shapes of rank 1-5 (rank 6 in the slow runs),
scales, zero points (extremes included), fused activations and data with
the type's extremes. What MUL shares with ADD and SUB is tested in
test_elementwise.py. ``semantics="tflite"`` is compared with LiteRT's reference
kernels on the types only LiteRT runs (uint8, int64).
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
from single_op import activations
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflm_refuses
from single_op import broadcast_shapes
from single_op import scales
from single_op import seeds
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mul_int8_cases(draw, max_rank=5):
    shapes = draw(broadcast_shapes(max_rank=max_rank))
    s1, s2 = draw(scales()), draw(scales())
    # output scales around s1 * s2 * 2^k: both right (k > 0) and left (k < 0) shifts
    so = float(np.float32(s1 * s2 * 2.0 ** draw(st.floats(-4, 12))))
    quant = [(s1, draw(zero_points())), (s2, draw(zero_points())), (so, draw(zero_points()))]
    return shapes, quant, draw(activations), draw(seeds)


def _check_mul_int8(case):
    shapes, quant, activation, seed = case
    assert_matches_tflm(_binary_model("MUL", np.int8, shapes, quant, activation),
                        _feeds(seed, np.int8, shapes))


@budgets(ci=200, slow=3000, max_rank=(5, 6))
def test_mul_int8(examples, max_rank):
    explore(examples, mul_int8_cases(max_rank=max_rank), _check_mul_int8)


# -- prepare-time validation -------------------------------------------------------------

def test_rejects_wrong_output_shape():
    model = _binary_model("MUL", np.float32, ([2, 3], [3], [3, 2]), None, "NONE")
    with pytest.raises(ModelError, match="MUL.*output"):
        run_model(model, [np.zeros((2, 3), np.float32), np.zeros(3, np.float32)])


def test_rejects_int16_mul_with_zero_points():
    model = _binary_model("MUL", np.int16, ([4], [4], [4]), [(0.01, 3), (0.01, 0), (0.01, 0)],
                          "NONE")
    with pytest.raises(ModelError, match="MUL.*zero point"):
        run_model(model, [np.zeros(4, np.int16), np.zeros(4, np.int16)])


# -- semantics="tflite": uint8 and int64 (LiteRT's mul.cc) --------------------------------

@CI
@given(mul_int8_cases(max_rank=4), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_tflite_mul_uint8_matches_litert(case, zp1, zp2, zp_out):
    shapes, quant, activation, seed = case
    quant = [(s, zp) for (s, _), zp in zip(quant, (zp1, zp2, zp_out))]
    model = _binary_model("MUL", np.uint8, shapes, quant, activation)
    assert_matches_litert(model, _feeds(seed, np.uint8, shapes))


@CI
@given(broadcast_shapes(max_rank=4), activations, seeds)
def test_tflite_mul_int64_wraps_like_litert(shapes, activation, seed):
    model = _binary_model("MUL", np.int64, shapes, None, activation)
    assert_matches_litert(model, _feeds(seed, np.int64, shapes))


@pytest.mark.parametrize("dtype", [np.uint8, np.int64])
def test_tflm_flavor_refuses_uint8_and_int64(dtype):
    quant = [(0.1, 3)] * 3 if dtype == np.uint8 else None
    model = _binary_model("MUL", dtype, ([4], [4], [4]), quant, "NONE")
    assert_tflm_refuses(model, [np.zeros(4, dtype)] * 2, UnsupportedOpError,
                        f"MUL.*{np.dtype(dtype)}")
