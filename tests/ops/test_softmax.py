"""SOFTMAX against the TFLM runtime: int8 (int8 or int16 out) and float32 draw rows;
int16 (int16 in, int16 out) too.

TFLM's int16 softmax is table-driven (``SoftmaxInt16``): an interpolated
``exp`` table on [-10, 0] and a ``1 / (1 + x)`` table on [0, 1], both
``gen_lut`` tables built in prepare (``interpreter/arith/lut.py``). The
randomized int16 tests draw shapes, input scales, betas and rows (uniform,
clustered near the row maximum, constant, extremes); the exhaustive ones put
every int16 value next to a row maximum. The validation tests check that a
model TFLM refuses raises a typed error naming SOFTMAX here, and that TFLM
does refuse it. ``semantics="tflite"`` is compared with LiteRT's reference kernel on
uint8 input, which only LiteRT runs.
"""
from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal

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
from single_op import T
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import random_data
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import unary_model as _unary
from single_op import zero_points

from interpreter import Interpreter
from interpreter.arith.lut import gen_lut_int16
from interpreter.arith.lut import lut_lookup_int16
from interpreter.arith.lut import round_half_up_shift
from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

betas = st.floats(-1.0, 1.0).map(lambda e: float(np.float32(10.0 ** e)))


# -- int8 and float32 --------------------------------------------------------------------

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


@budgets(ci=150, slow=3000, max_depth=(300, 1000), scale_exps=((-3, 0), (-3, 1)))
def test_softmax_int8(examples, max_depth, scale_exps):
    explore(examples, st.tuples(softmax_shapes(max_depth), scales(*scale_exps), zero_points(),
                                betas, st.sampled_from([np.int8, np.int16]), seeds),
            lambda case: _check_softmax_int8(*case))


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
    """int16 SOFTMAX is int16 -> int16 only (the int16 tests below)."""
    model = _unary("SOFTMAX", np.int16, [2, 8], (1 / 4096, 0), (1 / 256, -128), {"beta": 1.0})
    with pytest.raises((UnsupportedOpError, ModelError), match="SOFTMAX"):
        run_model(model, [np.zeros((2, 8), np.int16)])
    with pytest.raises(RuntimeError):  # the runtime's failed Prepare/Invoke
        run_tflm(model, [np.zeros((2, 8), np.int16)])


# -- int16 (int16 in, int16 out) ----------------------------------------------------------

OUT_Q = (1 / 32768, 0)
I16_MIN, I16_MAX = -32768, 32767

int16_betas = st.one_of(st.sampled_from([1.0, 0.5, 2.0, 0.0, -1.0, 1e-6, 100.0]),
                        st.floats(0.01, 10.0)).map(lambda b: float(np.float32(b)))


def softmax16_model(shape, in_scale, beta=1.0, in_zp=0, out_q=OUT_Q, out_type=np.int16):
    return single_op_model("SOFTMAX", [T(np.int16, shape, in_scale, in_zp)],
                           [T(out_type, shape, *out_q)], {"beta": beta})


def rows(rng: np.random.Generator, shape, kind: str) -> np.ndarray:
    """int16 rows of one of several kinds (the extremes placed where the row has room)."""
    if kind == "uniform":
        x = rng.integers(I16_MIN, I16_MAX + 1, size=shape)
    elif kind == "clustered":        # differences to the maximum within a few hundred
        top = rng.integers(I16_MIN + 2000, I16_MAX + 1)
        x = top - rng.integers(0, rng.integers(1, 2000), size=shape)
    elif kind == "constant":
        x = np.full(shape, rng.integers(I16_MIN, I16_MAX + 1))
    else:                            # "extremes"
        x = rng.choice([I16_MIN, I16_MIN + 1, -1, 0, 1, I16_MAX - 1, I16_MAX], size=shape)
    x = np.asarray(x, dtype=np.int64)
    flat = x.reshape(-1)
    if kind == "uniform" and flat.size >= 2:
        flat[0], flat[-1] = I16_MIN, I16_MAX
    return x.astype(np.int16)


row_kinds = st.sampled_from(["uniform", "clustered", "constant", "extremes"])


def check(shape, in_scale, beta, kind, seed):
    model = softmax16_model(shape, in_scale, beta)
    assert_matches_tflm(model, [rows(np.random.default_rng(seed), shape, kind)])


# -- int16: conformance -------------------------------------------------------------------------

@budgets(ci=300, slow=3000, max_depth=(300, 2000), scale_exps=((-5, -1), (-7, 2)))
def test_softmax_int16(examples, max_depth, scale_exps):
    explore(examples, st.tuples(softmax_shapes(max_depth), scales(*scale_exps), int16_betas,
                                row_kinds, seeds), lambda case: check(*case))


@pytest.mark.parametrize("in_scale", [10 / 32768, 1 / 32768, 3e-5, 1e-3, 0.02, 1.0, 100.0])
def test_every_difference_to_the_row_maximum(in_scale):
    """Rows [32767, v] for every int16 v: each difference once (the whole exp table)."""
    v = np.arange(I16_MIN, I16_MAX + 1, dtype=np.int16)
    x = np.stack([np.full_like(v, I16_MAX), v], axis=1)
    assert_matches_tflm(softmax16_model(x.shape, in_scale), [x])


@pytest.mark.parametrize("depth", [1, 2, 3, 7, 100, 1000, 4096, 65537])
def test_constant_rows(depth):
    """n equal values: sums n * exp(0) walk the reciprocal table (65537 is the longest
    row whose int32 sum of exponentials cannot wrap)."""
    x = np.full((1, depth), 123, np.int16)
    assert_matches_tflm(softmax16_model(x.shape, 1e-3), [x])


def test_reciprocal_table_by_row_length():
    """One row per length 1..300 with the maximum once and the rest spread below it."""
    rng = np.random.default_rng(1)
    for depth in range(1, 301):
        x = rows(rng, (2, depth), "clustered")
        assert_matches_tflm(softmax16_model(x.shape, 3e-4), [x])


def test_input_without_quantization_has_scale_zero():
    """TFLM reads scale 0: every difference rescales to 0 and rows come out uniform."""
    model = single_op_model("SOFTMAX", [T(np.int16, (2, 6))], [T(np.int16, (2, 6), *OUT_Q)],
                            {"beta": 1.0})
    x = np.array([[-300, 0, 100, 32767, -32768, 5], [1, 2, 3, 4, 5, 6]], np.int16)
    ours = assert_matches_tflm(model, [x])[0]
    assert np.all(ours == 5461)


@pytest.mark.parametrize("factor", [1.000999, 0.999001])
def test_output_scale_within_a_tenth_of_a_percent_is_accepted(factor):
    scale = float(np.float32(1 / 32768) * np.float32(factor))
    x = rows(np.random.default_rng(0), (3, 17), "uniform")
    assert_matches_tflm(softmax16_model(x.shape, 1e-3, out_q=(scale, 0)), [x])


def test_c_backend_runs_the_numpy_int16_path():
    """SoftmaxC takes only int8 -> int8; int16 falls back to this class, bit-exact."""
    ops_c = pytest.importorskip("interpreter.ops_c")
    if not getattr(ops_c, "AVAILABLE", False):
        pytest.skip("C kernels not built")

    x = rows(np.random.default_rng(3), (4, 33), "uniform")
    model = softmax16_model(x.shape, 2e-4)
    interp = Interpreter(model_content=model, backend="c")
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    ours = interp.get_tensor(interp.get_output_details()[0]["index"])
    assert_same(ours, run_tflm(model, [x])[0], "SOFTMAX int16 (C backend) vs TFLM")


# -- int16: the tables --------------------------------------------------------------------------

def test_lut_lookup_hits_the_table_at_multiples_of_128():
    lut = gen_lut_int16(lambda v: np.exp(v.astype(np.float64)).astype(np.float32),
                        -10.0, 0.0, -1.0, 1.0)
    assert lut.shape == (513,)
    v = np.arange(-256, 256) * 128
    assert np.array_equal(lut_lookup_int16(v, lut), lut[:512])
    assert lut_lookup_int16(I16_MAX, lut) == lut[511] + ((lut[512] - lut[511]) * 127 + 64 >> 7)


def test_round_half_up_shift_rounds_ties_up():
    x = np.array([-3, -2, -1, 0, 1, 2, 3])
    assert round_half_up_shift(x, 1).tolist() == [-1, -1, 0, 0, 1, 1, 2]


# -- int16: validation --------------------------------------------------------------------------

def _refused_by_both(model, x, error, match):
    with pytest.raises(error, match=match):
        run_model(model, [x])
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])


X = np.array([[-300, 0, 100, 32767, -32768, 5]], np.int16)


@pytest.mark.parametrize("out_type,out_q", [(np.int8, (1 / 256, -128)), (np.float32, (None, 0)),
                                            (np.int32, (1 / 32768, 0))])
def test_int16_input_needs_an_int16_output(out_type, out_q):
    _refused_by_both(softmax16_model(X.shape, 1e-3, out_q=out_q, out_type=out_type), X,
                     ModelError, "SOFTMAX.*int16 output")


@pytest.mark.parametrize("out_q", [(1 / 32768, 1), (1 / 32768, -32768), (1 / 65536, 0),
                                   (float(np.float32(1 / 32768) * np.float32(1.0011)), 0),
                                   (float(np.float32(1 / 32768) * np.float32(0.9989)), 0),
                                   (1 / 256, 0), (1 / 65536, -32768)])
def test_int16_output_quantization_is_fixed(out_q):
    _refused_by_both(softmax16_model(X.shape, 1e-3, out_q=out_q), X, ModelError,
                     "SOFTMAX.*int16 output must have")


def test_int16_output_needs_quantization():
    model = single_op_model("SOFTMAX", [T(np.int16, X.shape, 1e-3, 0)],
                            [T(np.int16, X.shape)], {"beta": 1.0})
    _refused_by_both(model, X, ModelError, "SOFTMAX.*output.*quantization")


@pytest.mark.parametrize("zp", [1, -1, 100, -32768])
def test_int16_input_zero_point_must_be_zero(zp):
    _refused_by_both(softmax16_model(X.shape, 1e-3, in_zp=zp), X, ModelError,
                     "SOFTMAX.*input must have zero point 0")


def test_scalar_input_is_refused():
    model = single_op_model("SOFTMAX", [T(np.int16, (), 1e-3, 0)], [T(np.int16, (), *OUT_Q)],
                            {"beta": 1.0})
    _refused_by_both(model, np.array(3, np.int16), ModelError, "SOFTMAX.*dimension")


@pytest.mark.parametrize("in_scale,beta", [(2e5, 1.0), (1e6, 1.0), (1.0, 1e30), (1e30, 1.0)])
def test_difference_multiplier_of_2_pow_30_or_more_is_refused(in_scale, beta):
    """TFLM shifts the int32 difference left by 31 bits or more there (undefined in C):
    its output is an artefact of the compiler, so this raises instead."""
    with pytest.raises(ModelError, match="SOFTMAX.*too large"):
        run_model(softmax16_model(X.shape, in_scale, beta), [X])


def test_largest_accepted_difference_multiplier_matches_tflm():
    in_scale = float(np.float32(2 ** 30 * 10 / 65535 * 0.99))
    assert_matches_tflm(softmax16_model(X.shape, in_scale), [X])


def test_row_whose_sum_of_exponentials_wraps_is_refused():
    """70000 equal values sum to more than 2^31 in int32: TFLM then shifts by -1."""
    x = np.zeros((1, 70000), np.int16)
    with pytest.raises(ModelError, match="SOFTMAX.*overflowed"):
        run_model(softmax16_model(x.shape, 1e-3), [x])


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.bool_])
def test_other_input_types_are_unsupported(dtype):
    model = single_op_model("SOFTMAX", [T(dtype, (1, 4))], [T(dtype, (1, 4))], {"beta": 1.0})
    with pytest.raises(UnsupportedOpError, match="SOFTMAX.*not supported"):
        run_model(model, [np.zeros((1, 4), dtype)])


# -- semantics="tflite": uint8 input (LiteRT's reference Softmax<uint8_t, ...>) -------------

@CI
@given(softmax_shapes(), scales(-3, 0), zero_points(np.uint8), betas,
       st.sampled_from([np.uint8, np.int16]), scales(-3, 0), seeds)
def test_tflite_softmax_uint8_matches_litert(shape, scale, zp, beta, out_type, out_scale, seed):
    # LiteRT checks nothing about this output's quantization: any is drawn
    model = single_op_model("SOFTMAX", [T(np.uint8, shape, scale, zp)],
                            [T(out_type, shape, out_scale, 7)], {"beta": beta})
    x = random_data(np.random.default_rng(seed), np.uint8, shape)
    try:
        ours = run_model(model, [x], semantics="tflite")[0]
    except ModelError as e:
        assert "sum of exponentials" in str(e)    # LiteRT would abort this process
        return
    assert_same(ours, run_litert(model, [x])[0], "SOFTMAX uint8 vs LiteRT")


def test_tflm_flavor_refuses_uint8_softmax():
    model = single_op_model("SOFTMAX", [T(np.uint8, [4], 0.1, 128)],
                            [T(np.uint8, [4], 1 / 256, 0)], {"beta": 1.0})
    assert_tflm_refuses(model, [np.zeros(4, np.uint8)], UnsupportedOpError, "SOFTMAX.*uint8")
