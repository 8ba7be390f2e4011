"""LEAKY_RELU and PRELU against the TFLM runtime, byte for byte; and ``semantics="tflite"``
against LiteRT's reference kernels, on the types TFLM runs (LiteRT forms the real
multipliers in float32) and on those only LiteRT runs (uint8, PRELU int16)."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from budgets import exploring
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import broadcast_shapes
from single_op import random_data
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

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


@budgets(ci=40, slow=600)
def test_leaky_relu(examples):
    explore(examples, leaky_relu_cases(), _check_leaky_relu)


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


@budgets(ci=40, slow=600)
def test_prelu(examples):
    explore(examples, prelu_cases(), _check_prelu)


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


# -- semantics="tflite" ----------------------------------------------------------------------

@st.composite
def litert_leaky_relu_cases(draw):
    dtype = draw(st.sampled_from([np.int8, np.int16, np.uint8]))
    zp = (lambda: 0) if dtype == np.int16 else (lambda: draw(zero_points(dtype)))
    quant = ((draw(scales()), zp()), (draw(scales()), zp()))
    return dtype, quant, float(np.float32(draw(alphas)))


@exploring(40)
@given(litert_leaky_relu_cases(), seeds)
def test_tflite_leaky_relu_matches_litert(case, seed):
    dtype, ((si, zi), (so, zo)), alpha = case
    info = np.iinfo(dtype)
    x = (np.arange(info.min, info.max + 1, dtype=np.int64).astype(dtype) if dtype != np.int16
         else random_data(np.random.default_rng(seed), dtype, [512]))
    model = single_op_model("LEAKY_RELU", [T(dtype, [x.size], si, zi)],
                            [T(dtype, [x.size], so, zo)], {"alpha": alpha})
    assert_matches_litert(model, [x])


@st.composite
def litert_prelu_cases(draw):
    dtype = draw(st.sampled_from([np.int8, np.uint8, np.int16]))
    alpha_dtype = draw(st.sampled_from([np.int8, np.int16])) if dtype == np.int16 else dtype
    _, s_alpha, s_out = draw(broadcast_shapes(max_rank=4))
    shapes = (s_out, s_alpha, s_out)       # LiteRT broadcasts alpha into the input's shape
    zp = (lambda t: 0) if dtype == np.int16 else (lambda t: draw(zero_points(t)))
    quant = [(draw(scales()), zp(dtype)), (draw(scales()), draw(zero_points(alpha_dtype))),
             (draw(scales()), zp(dtype))]
    if draw(st.integers(0, 4)) == 0:
        quant[1] = (None, 0)        # LiteRT: scale 0, zero point 0
    return dtype, alpha_dtype, shapes, quant, draw(seeds)


@exploring(40)
@given(litert_prelu_cases())
def test_tflite_prelu_matches_litert(case):
    dtype, alpha_dtype, (s_in, s_alpha, s_out), quant, seed = case
    (q1, z1), (q2, z2), (qo, zo) = quant
    model = single_op_model("PRELU", [T(dtype, s_in, q1, z1), T(alpha_dtype, s_alpha, q2, z2)],
                            [T(dtype, s_out, qo, zo)])
    rng = np.random.default_rng(seed)
    feeds = [np.array(random_data(rng, dtype, s_in), dtype).reshape(s_in),
             np.array(random_data(rng, alpha_dtype, s_alpha), alpha_dtype).reshape(s_alpha)]
    assert_matches_litert(model, feeds)


def test_tflite_int16_prelu_reads_an_int16_alpha_as_int8_bytes():
    # LiteRT's int16 PRELU reads alpha as int8 whatever its type: an int16 alpha
    # [-2, 300] is read as its first two bytes, 0xFE = -2 and 0xFF = -1.
    model = single_op_model("PRELU", [T(np.int16, [2], 1.0, 0), T(np.int16, [2], 1.0, 0)],
                            [T(np.int16, [2], 1.0, 0)])
    x, alpha = np.array([-10, -10], np.int16), np.array([-2, 300], np.int16)
    assert assert_matches_litert(model, [x, alpha])[0].tolist() == [20, 10]


@pytest.mark.parametrize("op, dtype", [("LEAKY_RELU", np.uint8), ("PRELU", np.uint8),
                                       ("PRELU", np.int16)])
def test_tflm_flavor_refuses_what_tflm_refuses(op, dtype):
    ins = [T(dtype, [4], 0.1, 0)] + ([T(dtype, [4], 0.1, 0)] if op == "PRELU" else [])
    model = single_op_model(op, ins, [T(dtype, [4], 0.1, 0)],
                            {"alpha": 0.2} if op == "LEAKY_RELU" else None)
    assert_tflm_refuses(model, [np.zeros(4, dtype)] * len(ins), UnsupportedOpError,
                        f"{op}.*{np.dtype(dtype)}")


def test_divergence_leaky_relu_prelu_int8_multipliers_in_float32():
    # LiteRT forms s_in / s_out and s_in * alpha / s_out (PRELU: s_in * s_alpha / s_out)
    # in float32, TFLM in double: the multipliers differ in their last bits and a few
    # outputs by 1 (found by a search over random scales).
    leaky = single_op_model("LEAKY_RELU", [T(np.int8, [3], 0.2297225296497345, 0)],
                            [T(np.int8, [3], 0.021003203466534615, 0)],
                            {"alpha": -1.9876792430877686})
    prelu = single_op_model("PRELU", [T(np.int8, [3], 0.010021775960922241, 0),
                                      T(np.int8, [3], 0.003159855492413044, 0)],
                            [T(np.int8, [3], 0.0022018232848495245, 0)])
    for model, feeds, tflm_bytes, litert_bytes in [
            (leaky, [np.array([8, 0, -1], np.int8)], [87, 0, 22], [88, 0, 22]),
            (prelu, [np.array([-126, 0, 5], np.int8), np.array([-24, 1, 1], np.int8)],
             [43, 0, 23], [44, 0, 23])]:
        tflm, litert = tflm_and_litert(model, feeds)
        assert tflm.tolist() == tflm_bytes and litert.tolist() == litert_bytes
        assert_same(run_model(model, feeds)[0], tflm)
        assert_same(run_model(model, feeds, semantics="tflite")[0], litert)


def test_tflite_prelu_alpha_may_not_widen_the_input():
    """An alpha that broadcasts the input to a larger shape: TFLM runs it (ours equals it),
    LiteRT's PreluPrepare requires the output to keep the input's shape, and so does the
    tflite flavor."""
    alpha = np.random.default_rng(3).standard_normal((2, 1, 3)).astype(np.float32)
    model = single_op_model("PRELU", [T(np.float32, [4, 3]), T(np.float32, [2, 1, 3], data=alpha)],
                            [T(np.float32, [2, 4, 3])])
    x = random_data(np.random.default_rng(4), np.float32, (4, 3))
    assert_matches_tflm(model, [x])
    with pytest.raises(RuntimeError, match="HaveSameShapes"):
        run_litert(model, [x])
    with pytest.raises(ModelError, match=r"PRELU \(operator 0\): alpha of shape \(2, 1, 3\)"):
        run_model(model, [x], semantics="tflite")
