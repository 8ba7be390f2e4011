"""LOGISTIC and TANH against the TFLM runtime (interpreter/ops/logistic.py, tanh.py and
the input stages they share, unary.py).

int8 LOGISTIC/TANH run every int8 input value for each drawn quantization, int16
LOGISTIC/TANH every int16 value. Also documented here: where LiteRT's kernels give
different bytes than TFLM (int8 LOGISTIC and TANH when the input radius is 0 or 1);
and ``semantics="tflite"`` against LiteRT on its tables (int8, and uint8 TANH, which
only LiteRT runs), out-of-range entries included.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import all_int8_values
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import random_data
from single_op import scales
from single_op import seeds
from single_op import tflm_and_litert
from single_op import unary_model as _unary
from single_op import zero_points

from interpreter import Interpreter
from interpreter.arith.gemmlowp import SIGMOID_TABLE_Q16
from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# output quantization each int8 kernel produces (TFLM checks some of it, see the ops)
FIXED_OUTPUT = {"LOGISTIC": (1 / 256, -128), "TANH": (1 / 128, 0)}


# -- int8 and float32 ----------------------------------------------------------------

def _check_fixed_point_activation(op, scale, zp):
    model = _unary(op, np.int8, [2, 128], (scale, zp), FIXED_OUTPUT[op])
    assert_matches_tflm(model, [all_int8_values()])


@budgets(ci=150, slow=3000, scale_exps=((-3.0, 1.5), (-4.0, 2.0)))
def test_logistic_tanh_int8_every_input(examples, scale_exps):
    explore(examples, st.tuples(st.sampled_from(["LOGISTIC", "TANH"]), scales(*scale_exps),
                                zero_points()),
            lambda case: _check_fixed_point_activation(*case))


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


# -- int16 ---------------------------------------------------------------------------------
#
# TFLM (logistic_common.cc, tanh.cc): both zero points must be 0 and the output scale
# CheckedLog2-equal to 2^-15 (within 1e-3 in log2, about 0.07%); an input scale that is
# (within the same tolerance) 2^-12 -- or, for TANH only, 2^-11 -- is used as that exact
# power of two, any other goes through a multiplier truncated to 15 bits. The outputs
# interpolate one table of sigmoid(i / 24) (interpreter/arith/gemmlowp.py).

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


@budgets(ci=400, slow=4000)
def test_logistic_tanh_int16_every_input(examples):
    explore(examples, st.tuples(st.sampled_from(["LOGISTIC", "TANH"]), int16_input_scales(),
                                int16_output_scales), lambda case: _check_int16(*case))


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


# -- semantics="tflite": LiteRT's 256-entry tables, uint8 --------------------------------

@CI
@given(st.sampled_from([("LOGISTIC", np.int8), ("LOGISTIC", np.uint8), ("TANH", np.int8),
                        ("TANH", np.uint8)]),
       scales(-3.0, 1.5), scales(-12, -1), st.data())
def test_tflite_tables_every_input_match_litert(case, s_in, s_out, data):
    # output scales down to 1e-12: entries beyond the type saturate in LiteRT's build
    op, dtype = case
    zp_in, zp_out = data.draw(zero_points(dtype)), data.draw(zero_points(dtype))
    if op == "LOGISTIC":
        s_out = 1 / 256       # what LiteRT's Prepare requires (any zero point; TFLM: -128)
    x = np.arange(256, dtype=np.int64).astype(dtype) if dtype == np.uint8 else all_int8_values()
    model = _unary(op, dtype, list(x.shape), (s_in, zp_in), (s_out, zp_out))
    assert_matches_litert(model, [x])


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
def test_tflm_flavor_refuses_uint8(op):
    model = _unary(op, np.uint8, [4], (0.05, 128), (1 / 256, 0))
    assert_tflm_refuses(model, [np.zeros(4, np.uint8)], UnsupportedOpError, f"{op}.*uint8")


@pytest.mark.parametrize("dtype, zp", [(np.int8, -128), (np.uint8, 0)])
@pytest.mark.parametrize("s_out", [1 / 128, 1 / 255, 1 / 256 * (1 + 2 ** -20)])
def test_tflite_logistic_needs_output_scale_1_256_like_litert(dtype, zp, s_out):
    """LiteRT's SigmoidPrepare requires exactly 1/256 (TFLM does not look at the scale)."""
    model = _unary("LOGISTIC", dtype, [4], (0.1, zp), (s_out, zp))
    with pytest.raises(RuntimeError, match=r"scale == 1\. / 256"):
        run_litert(model, [np.zeros(4, dtype)])
    with pytest.raises(ModelError, match="LOGISTIC.*output scale must be 1/256"):
        run_model(model, [np.zeros(4, dtype)], semantics="tflite")
