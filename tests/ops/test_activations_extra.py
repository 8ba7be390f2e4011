"""LEAKY_RELU and PRELU against the TFLM runtime, byte for byte."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import (
    T,
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

from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

alphas = st.one_of(st.sampled_from([0.0, 0.2, 1.0, -0.5]), st.floats(-3, 3, width=32))
shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)


@st.composite
def leaky_relu_cases(draw):
    dtype = draw(st.sampled_from([np.float32, np.int8, np.int16]))
    quant = None
    if dtype != np.float32:
        zp = (lambda: draw(zero_points(dtype))) if dtype == np.int8 else (lambda: 0)
        quant = ((draw(scales()), zp()), (draw(scales()), zp()))
    return dtype, draw(shapes), quant, float(np.float32(draw(alphas))), draw(seeds)


def _check_leaky_relu(case):
    dtype, shape, quant, alpha, seed = case
    (si, zi), (so, zo) = quant or ((None, 0), (None, 0))
    model = single_op_model("LEAKY_RELU", [T(dtype, shape, si, zi)], [T(dtype, shape, so, zo)],
                            {"alpha": alpha})
    rng = np.random.default_rng(seed)
    x = np.array(random_data(rng, dtype, shape), dtype).reshape(shape)
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, [x])


@CI
@given(leaky_relu_cases())
def test_leaky_relu(case):
    _check_leaky_relu(case)


@pytest.mark.slow
@SLOW
@given(leaky_relu_cases())
def test_leaky_relu_slow(case):
    _check_leaky_relu(case)


def test_leaky_relu_int8_every_value():
    x = np.arange(-128, 128, dtype=np.int8)
    model = single_op_model("LEAKY_RELU", [T(np.int8, [256], 0.05, 7)],
                            [T(np.int8, [256], 0.03, -20)], {"alpha": 0.3})
    assert_matches_tflm(model, [x])


def test_litert_agrees_on_leaky_relu():
    x = np.arange(-128, 128, dtype=np.int8)
    for dtype, (si, zi), (so, zo), data in [
            (np.int8, (0.05, 7), (0.03, -20), x),
            (np.float32, (None, 0), (None, 0), np.linspace(-5, 5, 256).astype(np.float32))]:
        model = single_op_model("LEAKY_RELU", [T(dtype, [256], si, zi)],
                                [T(dtype, [256], so, zo)], {"alpha": 0.3})
        tflm, litert = tflm_and_litert(model, [data])
        assert_same(litert, tflm, f"LEAKY_RELU {np.dtype(dtype)}: LiteRT vs TFLM")


@st.composite
def prelu_cases(draw):
    dtype = draw(st.sampled_from([np.float32, np.int8]))
    # alpha usually broadcasts along the trailing (channel) dimensions
    s_in, s_alpha, s_out = draw(broadcast_shapes(max_rank=4))
    quant = None
    if dtype == np.int8:
        quant = [(draw(scales()), draw(zero_points())) for _ in range(3)]
    return dtype, (s_in, s_alpha, s_out), quant, draw(seeds)


def _check_prelu(case):
    dtype, (s_in, s_alpha, s_out), quant, seed = case
    (q1, z1), (q2, z2), (qo, zo) = quant or ((None, 0),) * 3
    model = single_op_model("PRELU", [T(dtype, s_in, q1, z1), T(dtype, s_alpha, q2, z2)],
                            [T(dtype, s_out, qo, zo)])
    rng = np.random.default_rng(seed)
    feeds = [np.array(random_data(rng, dtype, s), dtype).reshape(s) for s in (s_in, s_alpha)]
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, feeds)


@CI
@given(prelu_cases())
def test_prelu(case):
    _check_prelu(case)


@pytest.mark.slow
@SLOW
@given(prelu_cases())
def test_prelu_slow(case):
    _check_prelu(case)


def test_litert_agrees_on_prelu():
    rng = np.random.default_rng(3)
    for dtype, quant in [(np.float32, [(None, 0)] * 3),
                         (np.int8, [(0.05, 3), (0.01, -10), (0.04, -2)])]:
        (q1, z1), (q2, z2), (qo, zo) = quant
        model = single_op_model("PRELU", [T(dtype, [2, 3, 4], q1, z1), T(dtype, [4], q2, z2)],
                                [T(dtype, [2, 3, 4], qo, zo)])
        feeds = [random_data(rng, dtype, [2, 3, 4]), random_data(rng, dtype, [4])]
        tflm, litert = tflm_and_litert(model, feeds)
        assert_same(litert, tflm, f"PRELU {np.dtype(dtype)}: LiteRT vs TFLM")


def test_prelu_rejects_int16():
    model = single_op_model("PRELU", [T(np.int16, [4], 0.1, 0), T(np.int16, [4], 0.1, 0)],
                            [T(np.int16, [4], 0.1, 0)])
    with pytest.raises(UnsupportedOpError, match="PRELU"):
        run_model(model, [np.zeros(4, np.int16)] * 2)
