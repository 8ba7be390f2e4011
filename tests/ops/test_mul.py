"""MUL against the TFLM runtime, byte for byte.

Hypothesis draws broadcastable shapes of rank 1-5 (rank 6 in the slow runs),
scales, zero points (extremes included), fused activations and data with
the type's extremes. What MUL shares with ADD and SUB is tested in
test_elementwise.py.
"""
from __future__ import annotations

import numpy as np
import pytest
from binary_cases import binary_feeds as _feeds
from binary_cases import fused_binary_model as _binary_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import activations, assert_matches_tflm, broadcast_shapes, scales, seeds, zero_points

from interpreter.errors import ModelError

CI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
