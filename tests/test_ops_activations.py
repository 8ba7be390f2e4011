"""SOFTMAX, LOGISTIC, TANH, RELU and RELU6 against the TFLM runtime.

int8 LOGISTIC/TANH/RELU/RELU6 run every int8 input value for each drawn
quantization; SOFTMAX draws rows. Also documented here: where LiteRT's
kernels give different bytes than TFLM (LOGISTIC and TANH when the input
radius is 0 or 1).
"""
from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.errors import ModelError, UnsupportedOpError
from op_harness import run_model
from reference import run_tflm
from single_op import (T, all_int8_values, assert_matches_tflm, assert_same, random_data, scales,
                       seeds, single_op_model, tflm_and_litert, zero_points)

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# output quantization each int8 kernel produces (TFLM checks some of it, see the ops)
FIXED_OUTPUT = {"LOGISTIC": (1 / 256, -128), "TANH": (1 / 128, 0)}

betas = st.floats(-1.0, 1.0).map(lambda e: float(np.float32(10.0 ** e)))


def _unary(op, dtype, shape, in_q=(None, 0), out_q=(None, 0), options=None):
    return single_op_model(op, [T(dtype, shape, *in_q)], [T(dtype, shape, *out_q)], options)


# -- LOGISTIC and TANH ----------------------------------------------------------------

def _check_fixed_point_activation(op, scale, zp):
    model = _unary(op, np.int8, [2, 128], (scale, zp), FIXED_OUTPUT[op])
    assert_matches_tflm(model, [all_int8_values()])


@CI
@given(st.sampled_from(["LOGISTIC", "TANH"]), scales(-3.0, 1.5), zero_points())
def test_logistic_tanh_int8_every_input(op, scale, zp):
    _check_fixed_point_activation(op, scale, zp)


@pytest.mark.slow
@SLOW
@given(st.sampled_from(["LOGISTIC", "TANH"]), scales(-4.0, 2.0), zero_points())
def test_logistic_tanh_int8_every_input_slow(op, scale, zp):
    _check_fixed_point_activation(op, scale, zp)


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
def test_logistic_tanh_int8_radius_zero_maps_zero_to_minus_128(op):
    # scale >= 8 gives CalculateInputRadius(4, 31, 31) = 0: TFLM's test `input <= -radius`
    # then sends the zero-point input (real 0.0) to -128, not to logistic(0) or tanh(0).
    model = _unary(op, np.int8, [2, 128], (12.0, 5), FIXED_OUTPUT[op])
    out = assert_matches_tflm(model, [all_int8_values()])[0].reshape(-1)
    assert out[5 + 128] == -128 and out[6 + 128] == 127


@pytest.mark.parametrize("op, scale, zp, x, tflm_value, litert_value", [
    ("LOGISTIC", 12.0, 5, 5, -128, 0),      # radius 0: real 0.0 saturates low in TFLM
    ("TANH", 12.0, 5, 5, -128, 0),
    ("LOGISTIC", 6.156057834625244, 62, 61, -128, -127),  # radius 1: real -6.16 saturates
])
def test_litert_differs_from_tflm_for_logistic_and_tanh(op, scale, zp, x, tflm_value,
                                                        litert_value):
    # LiteRT (reference kernels too) takes int8 LOGISTIC/TANH from a table built in float,
    # so it has no saturation radius; elsewhere the two agree on these inputs.
    model = _unary(op, np.int8, [2, 128], (scale, zp), FIXED_OUTPUT[op])
    feed = all_int8_values()
    tflm, litert = tflm_and_litert(model, [feed])
    where = np.nonzero(feed.reshape(-1) == x)[0][0]
    assert tflm.reshape(-1)[where] == tflm_value
    assert litert.reshape(-1)[where] == litert_value
    assert np.array_equal(run_model(model, [feed])[0], tflm)


@CI
@given(st.sampled_from(["LOGISTIC", "TANH"]), seeds, st.floats(0.5, 30))
def test_logistic_tanh_float32(op, seed, spread):
    x = random_data(np.random.default_rng(seed), np.float32, [4, 64], float_scale=spread)
    x[0, :12] = [0.0, -0.0, np.inf, -np.inf, np.nan, 16.619047, 16.62, -9.0, -9.0001,
                 88.8, -104.0, 1e-30]
    assert_matches_tflm(_unary(op, np.float32, [4, 64]), [x])


def test_logistic_rejects_output_zero_point():
    model = _unary("LOGISTIC", np.int8, [4], (0.1, 0), (1 / 256, 0))
    with pytest.raises(ModelError, match="LOGISTIC.*zero point -128"):
        run_model(model, [np.zeros(4, np.int8)])


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
def test_int16_logistic_tanh_unsupported(op):
    model = _unary(op, np.int16, [4], (1 / 4096, 0), (1 / 32768, 0))
    with pytest.raises(UnsupportedOpError, match=op):
        run_model(model, [np.zeros(4, np.int16)])


# -- SOFTMAX ----------------------------------------------------------------------------

SOFTMAX_OUTPUT = {np.int8: (1 / 256, -128), np.int16: (1 / 65536, -32768)}


@st.composite
def softmax_shapes(draw, max_depth=300):
    outer = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    return tuple(outer) + (draw(st.integers(1, max_depth)),)


def _softmax_int8_model(shape, scale, zp, beta, out_type=np.int8):
    return single_op_model("SOFTMAX", [T(np.int8, shape, scale, zp)],
                           [T(out_type, shape, *SOFTMAX_OUTPUT[out_type])], {"beta": beta})


def _check_softmax_int8(shape, scale, zp, beta, out_type, seed):
    model = _softmax_int8_model(shape, scale, zp, beta, out_type)
    x = random_data(np.random.default_rng(seed), np.int8, shape)
    try:
        ours = run_model(model, [x])[0]
    except ModelError as e:
        # a row's exponentials sum to >= 512: TFLM would abort this whole process
        assert "sum of exponentials" in str(e)
        return
    assert_same(ours, run_tflm(model, [x])[0], "SOFTMAX vs TFLM")


@CI
@given(softmax_shapes(), scales(-3, 0), zero_points(), betas, st.sampled_from([np.int8, np.int16]),
       seeds)
def test_softmax_int8(shape, scale, zp, beta, out_type, seed):
    _check_softmax_int8(shape, scale, zp, beta, out_type, seed)


@pytest.mark.slow
@SLOW
@given(softmax_shapes(1000), scales(-3, 1), zero_points(), betas,
       st.sampled_from([np.int8, np.int16]), seeds)
def test_softmax_int8_slow(shape, scale, zp, beta, out_type, seed):
    _check_softmax_int8(shape, scale, zp, beta, out_type, seed)


@CI
@given(softmax_shapes(), betas, seeds, st.floats(0.1, 30))
def test_softmax_float32(shape, beta, seed, spread):
    x = random_data(np.random.default_rng(seed), np.float32, shape, float_scale=spread)
    assert_matches_tflm(_unary("SOFTMAX", np.float32, shape, options={"beta": beta}), [x])


# found by the slow test: 709 exponentials of nearly 1 (beta * scale = 8e-4)
ABORTING_SOFTMAX = dict(shape=[1, 709], scale=0.005142352543771267, zp=-88,
                        beta=0.15728923678398132)


def test_softmax_int8_row_sum_too_large_raises():
    model = _softmax_int8_model(**ABORTING_SOFTMAX)
    x = random_data(np.random.default_rng(0), np.int8, ABORTING_SOFTMAX["shape"])
    with pytest.raises(ModelError, match="SOFTMAX.*sum of exponentials"):
        run_model(model, [x])
    # the same model with an int16 output is fine in both runtimes
    model16 = _softmax_int8_model(**ABORTING_SOFTMAX, out_type=np.int16)
    assert_matches_tflm(model16, [x])


def _run_tflm_silently(model, feeds):
    """run_tflm in a child process that is about to die: keep its crash report quiet."""
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    run_tflm(model, feeds)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to survive the abort")
def test_tflm_aborts_on_softmax_int8_row_sum_too_large():
    # Documents why the op raises: TFLITE_CHECK(exponent <= 31) in reference/softmax.h
    # takes the whole TFLM process down (run in a forked child).
    pytest.importorskip("tflite_micro.python.tflite_micro.runtime")
    model = _softmax_int8_model(**ABORTING_SOFTMAX)
    x = random_data(np.random.default_rng(0), np.int8, ABORTING_SOFTMAX["shape"])
    child = multiprocessing.get_context("fork").Process(target=_run_tflm_silently,
                                                        args=(model, [x]))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGABRT


def test_softmax_litert_reference_agrees():
    model = _unary("SOFTMAX", np.int8, [3, 100], (0.07, 9), SOFTMAX_OUTPUT[np.int8], {"beta": 1.0})
    x = random_data(np.random.default_rng(3), np.int8, [3, 100])
    tflm, litert = tflm_and_litert(model, [x])
    assert np.array_equal(tflm, litert)


@pytest.mark.parametrize("out_q, message", [
    ((1 / 255, -128), "scale"),
    ((1 / 256, 0), "zero point -128"),
])
def test_softmax_rejects_output_quantization(out_q, message):
    model = _unary("SOFTMAX", np.int8, [2, 8], (0.1, 0), out_q, {"beta": 1.0})
    with pytest.raises(ModelError, match=f"SOFTMAX.*{message}"):
        run_model(model, [np.zeros((2, 8), np.int8)])


def test_softmax_rejects_tiny_beta_times_scale():
    # beta * s * 2^26 <= 1: QuantizeMultiplierGreaterThanOne would abort TFLM
    model = _unary("SOFTMAX", np.int8, [2, 8], (1e-9, 0), SOFTMAX_OUTPUT[np.int8], {"beta": 1.0})
    with pytest.raises(ModelError, match="SOFTMAX.*beta"):
        run_model(model, [np.zeros((2, 8), np.int8)])


def test_softmax_int16_input_unsupported():
    model = _unary("SOFTMAX", np.int16, [2, 8], (1 / 4096, 0), (1 / 32768, 0), {"beta": 1.0})
    with pytest.raises(UnsupportedOpError, match="SOFTMAX"):
        run_model(model, [np.zeros((2, 8), np.int16)])


# -- RELU and RELU6 -----------------------------------------------------------------------

@CI
@given(st.sampled_from(["RELU", "RELU6"]), scales(-3, 0.5), zero_points(), scales(-3, 0.5),
       zero_points())
def test_relu_int8_every_input(op, s_in, z_in, s_out, z_out):
    # RELU requantizes to the output's parameters; RELU6 ignores them (TFLM reuses the input's)
    model = _unary(op, np.int8, [2, 128], (s_in, z_in), (s_out, z_out))
    assert_matches_tflm(model, [all_int8_values()])


@CI
@given(st.sampled_from(["RELU", "RELU6"]), scales(-5, -1), scales(-5, -1), seeds)
def test_relu_int16(op, s_in, s_out, seed):
    model = _unary(op, np.int16, [4, 64], (s_in, 0), (s_out, 0))
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), np.int16, [4, 64])])


@CI
@given(st.sampled_from(["RELU", "RELU6"]), seeds)
def test_relu_float32(op, seed):
    x = random_data(np.random.default_rng(seed), np.float32, [4, 64])
    x[0, :6] = [-0.0, 0.0, np.nan, np.inf, -np.inf, 6.0]
    assert_matches_tflm(_unary(op, np.float32, [4, 64]), [x])


def test_relu_int16_rejects_zero_point():
    model = _unary("RELU", np.int16, [4], (0.01, 3), (0.01, 0))
    with pytest.raises(ModelError, match="RELU.*zero point"):
        run_model(model, [np.zeros(4, np.int16)])
