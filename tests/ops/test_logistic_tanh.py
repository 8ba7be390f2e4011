"""SOFTMAX, LOGISTIC, TANH, RELU and RELU6 against the TFLM runtime.

int8 LOGISTIC/TANH/RELU/RELU6 run every int8 input value for each drawn
quantization, int16 LOGISTIC/TANH every int16 value; SOFTMAX draws rows.
Also documented here: where LiteRT's kernels give different bytes than TFLM
(int8 LOGISTIC and TANH when the input radius is 0 or 1).
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
from op_harness import run_model
from reference import run_litert, run_tflm
from single_op import (
    T,
    all_int8_values,
    assert_matches_tflm,
    assert_same,
    random_data,
    scales,
    seeds,
    single_op_model,
    tflm_and_litert,
    zero_points,
)

from interpreter import Interpreter
from interpreter.arith.gemmlowp import SIGMOID_TABLE_Q16
from interpreter.errors import ModelError, UnsupportedOpError

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


# -- LOGISTIC and TANH, int16 ------------------------------------------------------------
#
# TFLM (logistic_common.cc, tanh.cc): both zero points must be 0 and the output scale
# CheckedLog2-equal to 2^-15 (within 1e-3 in log2, about 0.07%); an input scale that is
# (within the same tolerance) 2^-12 -- or, for TANH only, 2^-11 -- is used as that exact
# power of two, any other goes through a multiplier truncated to 15 bits. The outputs
# interpolate one table of sigmoid(i / 24) (interpreter/arith/gemmlowp.py).

INT16_CI = settings(max_examples=400, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow])
INT16_SLOW = settings(INT16_CI, max_examples=4000)
INT16_OUTPUT_SCALE = 1 / 32768
# the relative error of a scale that CheckedLog2 still calls a power of two: 2^(1e-3) - 1
POT_TOLERANCE = 6.93e-4


def all_int16_values(shape=(256, 256)) -> np.ndarray:
    return np.arange(-32768, 32768, dtype=np.int16).reshape(shape)


def _near(scale: float, relative: float) -> float:
    return float(np.float32(scale * (1.0 + relative)))


@st.composite
def int16_input_scales(draw):
    """Exact powers of two, scales close to one (on both sides of CheckedLog2's
    tolerance), and log-uniform scales from 1e-10 to 30 (beyond 8/3 the multiplier
    exceeds 32767: TFLM only DCHECKs that, and its int32 products wrap)."""
    kind = draw(st.sampled_from(["pot", "near pot", "general", "general"]))
    if kind == "pot":
        return 2.0 ** draw(st.integers(-26, 4))
    if kind == "near pot":
        return _near(2.0 ** draw(st.integers(-14, -9)), draw(st.floats(-1e-3, 1e-3)))
    return float(np.float32(10.0 ** draw(st.floats(-10.0, 1.5))))


int16_output_scales = st.one_of(st.just(INT16_OUTPUT_SCALE),
                                st.floats(-1.5e-3, 1.5e-3).map(
                                    lambda r: _near(INT16_OUTPUT_SCALE, r)))


def _check_int16(op, s_in, s_out=INT16_OUTPUT_SCALE):
    """Every int16 input; or, where this interpreter refuses the model, TFLM must too."""
    model = _unary(op, np.int16, [256, 256], (s_in, 0), (s_out, 0))
    feed = all_int16_values()
    try:
        ours = run_model(model, [feed])[0]
    except ModelError as e:
        assert op in str(e) and "output scale" in str(e)
        with pytest.raises(RuntimeError):
            run_tflm(model, [feed])
        return
    assert_same(ours, run_tflm(model, [feed])[0], f"{op} int16, input scale {s_in!r}")


@INT16_CI
@given(st.sampled_from(["LOGISTIC", "TANH"]), int16_input_scales(), int16_output_scales)
def test_logistic_tanh_int16_every_input(op, s_in, s_out):
    _check_int16(op, s_in, s_out)


@pytest.mark.slow
@INT16_SLOW
@given(st.sampled_from(["LOGISTIC", "TANH"]), int16_input_scales(), int16_output_scales)
def test_logistic_tanh_int16_every_input_slow(op, s_in, s_out):
    _check_int16(op, s_in, s_out)


@pytest.mark.parametrize("op, expected", [
    ("LOGISTIC", [11, 8812, 16382, 16384, 16386, 23956, 32521, 32757]),
    ("TANH", [-32767, -24956, -8, 0, 8, 24956, 32764, 32767]),
])
def test_logistic_tanh_int16_known_values(op, expected):
    model = _unary(op, np.int16, [8], (1 / 4096, 0), (INT16_OUTPUT_SCALE, 0))
    x = np.array([-32768, -4096, -1, 0, 1, 4096, 20000, 32767], np.int16)
    assert assert_matches_tflm(model, [x])[0].tolist() == expected


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("power", [-12, -11, -10, -13])
@pytest.mark.parametrize("relative", [0.0, 1e-4, -3e-4, 6.5e-4, -6.5e-4, 7.5e-4, -7.5e-4])
def test_logistic_tanh_int16_power_of_two_input_scales(op, power, relative):
    """Which scales Prepare takes as exact powers of two: within CheckedLog2's tolerance
    of 2^-12 for both, of 2^-11 for TANH only (LOGISTIC's general multiplier for
    2^-11 * (1 + 1e-4) gives other bytes: measured)."""
    _check_int16(op, _near(2.0 ** power, relative))


def test_int16_sigmoid_table_is_the_runtimes():
    """The table in gemmlowp.py, measured again: TANH with input scale 2/12288 takes
    input 128 i to table entry i minus 32768 (the interpolation fraction is 0 there)."""
    model = _unary("TANH", np.int16, [256], (float(np.float32(2 / 12288)), 0),
                   (INT16_OUTPUT_SCALE, 0))
    x = (128 * np.arange(256)).astype(np.int16)
    measured = run_tflm(model, [x])[0].astype(np.int64) + 32768
    assert measured.tolist() == SIGMOID_TABLE_Q16.tolist()
    # sigmoid(i / 24) in Q0.16, not exactly rounded
    exact = 65536 / (1 + np.exp(-np.arange(256) / 24))
    assert np.all(np.abs(SIGMOID_TABLE_Q16 - exact) < 1.2)


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("in_q, out_q, message", [
    ((1 / 4096, 1), (INT16_OUTPUT_SCALE, 0), "input zero point must be 0"),
    ((1 / 4096, 0), (INT16_OUTPUT_SCALE, -1), "output zero point must be 0"),
    ((1 / 4096, 0), (1 / 65536, 0), "output scale must be 2\\^-15"),
    ((1 / 4096, 0), (1 / 16384, 0), "output scale must be 2\\^-15"),
    ((1 / 4096, 0), (1 / 30000, 0), "output scale must be 2\\^-15"),
    ((1 / 4096, 0), (_near(INT16_OUTPUT_SCALE, 1e-3), 0), "output scale must be 2\\^-15"),
])
def test_logistic_tanh_int16_refused_like_tflm(op, in_q, out_q, message):
    model = _unary(op, np.int16, [4], in_q, out_q)
    with pytest.raises(RuntimeError):   # TFLM's Prepare fails too
        run_tflm(model, [np.zeros(4, np.int16)])
    with pytest.raises(ModelError, match=f"{op}.*{message}"):
        run_model(model, [np.zeros(4, np.int16)])


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("s_in", [1 / 4096, 1 / 2048, 3e-4, 0.02])
def test_logistic_tanh_int16_litert_reference_agrees(op, s_in):
    """LiteRT's reference int16 kernels give TFLM's bytes, so semantics="tflite" shares them
    (its optimized kernels do not: they differ by one on tens of thousands of inputs)."""
    model = _unary(op, np.int16, [256, 256], (s_in, 0), (INT16_OUTPUT_SCALE, 0))
    feed = all_int16_values()
    tflm, litert = tflm_and_litert(model, [feed])
    assert_same(litert, tflm, "LiteRT reference vs TFLM")
    interp = Interpreter(model_content=model, semantics="tflite")
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], feed)
    interp.invoke()
    assert_same(interp.get_tensor(interp.get_output_details()[0]["index"]), litert,
                "semantics='tflite' vs LiteRT")


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


def test_softmax_int16_to_int8_unsupported_as_in_tflm():
    """int16 SOFTMAX is int16 -> int16 only (tests/test_ops_softmax16.py)."""
    model = _unary("SOFTMAX", np.int16, [2, 8], (1 / 4096, 0), (1 / 256, -128), {"beta": 1.0})
    with pytest.raises((UnsupportedOpError, ModelError), match="SOFTMAX"):
        run_model(model, [np.zeros((2, 8), np.int16)])
    with pytest.raises(RuntimeError):  # the runtime's failed Prepare/Invoke
        run_tflm(model, [np.zeros((2, 8), np.int16)])


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


def _run_tflite_semantics(model, feed):
    interp = Interpreter(model_content=model, semantics="tflite")
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], feed)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


@CI
@given(st.sampled_from([np.int8, np.int16]), scales(-3, 0.5), zero_points(), scales(-3, 0.5),
       zero_points(), seeds)
def test_relu6_tflite_semantics_requantizes_like_litert(dtype, s_in, z_in, s_out, z_out, seed):
    """LiteRT's RELU6 (QuantizedReluX) requantizes to the output's scale and zero point
    and clamps to [zp_out, zp_out + round(6 / s_out)]; TFLM clamps the raw input."""
    if dtype == np.int16:
        z_in = z_out = 0
        feed = random_data(np.random.default_rng(seed), np.int16, [2, 128])
    else:
        feed = all_int8_values()
    model = _unary("RELU6", dtype, [2, 128], (s_in, z_in), (s_out, z_out))
    assert_same(_run_tflite_semantics(model, feed), run_litert(model, [feed])[0])


def test_relu6_divergence_tflm_clamps_litert_requantizes():
    model = _unary("RELU6", np.int8, [2, 128], (0.05, 3), (0.1, -20))
    feed = all_int8_values()
    tflm, litert = tflm_and_litert(model, [feed])
    assert not np.array_equal(tflm, litert)
    assert_same(run_model(model, [feed])[0], tflm)
    assert_same(_run_tflite_semantics(model, feed), litert)
    # TFLM: the input's own bound, round(6 / 0.05) + 3 = 123; LiteRT: round(6 / 0.1) - 20 = 40
    assert int(tflm.max()) == 123 and int(litert.max()) == 40


def test_relu_int16_rejects_zero_point():
    model = _unary("RELU", np.int16, [4], (0.01, 3), (0.01, 0))
    with pytest.raises(ModelError, match="RELU.*zero point"):
        run_model(model, [np.zeros(4, np.int16)])
