"""DIV, FLOOR_DIV and FLOOR_MOD against the TFLM runtime, byte for byte, on broadcastable
shapes (rank 1-4 in CI, up to 6 in the slow runs), scales and zero points (extremes
included) and data with the type's extremes; and against LiteRT's reference kernels,
``semantics="tflite"`` on the types only LiteRT runs (DIV int16 / uint8, FLOOR_DIV and
FLOOR_MOD on integers)."""
from __future__ import annotations

import numpy as np
import pytest
from binary_cases import binary_data
from binary_cases import binary_model as _model
from budgets import budgets
from budgets import explore
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import activations
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import broadcast_shapes
from single_op import scales
from single_op import seeds
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- DIV ---------------------------------------------------------------------------------

@st.composite
def div_cases(draw, max_rank=4):
    dtype = draw(st.sampled_from([np.float32, np.int32, np.int8]))
    shapes = draw(broadcast_shapes(max_rank=max_rank))
    quant = None
    if dtype == np.int8:
        s1, s2 = draw(scales()), draw(scales())
        so = float(np.float32(s1 / s2 * 2.0 ** draw(st.floats(-8, 3))))
        quant = [(s1, draw(zero_points())), (s2, draw(zero_points())), (so, draw(zero_points()))]
    return dtype, shapes, quant, draw(activations), draw(seeds)


def _check_div(case):
    dtype, shapes, quant, activation, seed = case
    x1, x2 = binary_data(seed, dtype, shapes, nonzero_second=dtype == np.int32)
    if dtype == np.int8:  # a divisor at its zero point is a division by zero
        zp2 = quant[1][1]
        x2[x2 == zp2] = zp2 + 1 if zp2 < 127 else zp2 - 1
    if dtype == np.int32:  # INT32_MIN / -1 traps
        x1[x1 == np.iinfo(np.int32).min] += 1
    model = _model("DIV", dtype, shapes, quant, options={"fused_activation_function": activation})
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, [x1, x2])


@budgets(ci=40, slow=600, max_rank=(4, 6))
def test_div(examples, max_rank):
    explore(examples, div_cases(max_rank=max_rank), _check_div)


def test_div_int8_every_pair():
    quant = [(0.05, -7), (0.02, 3), (0.1, 5)]
    x1 = np.repeat(np.arange(-128, 128, dtype=np.int8), 255).reshape(256, 255)
    divisors = np.array([v for v in range(-128, 128) if v != 3], np.int8)
    x2 = np.tile(divisors, 256).reshape(256, 255)
    assert_matches_tflm(_model("DIV", np.int8, ([256, 255],) * 3, quant), [x1, x2])


def test_div_rejects_int8_division_by_zero_point():
    model = _model("DIV", np.int8, ([2], [2], [2]), [(0.1, 0), (0.1, 4), (0.1, 0)])
    with pytest.raises(ModelError, match="DIV.*zero point"):
        run_model(model, [np.array([1, 2], np.int8), np.array([4, 5], np.int8)])


def test_litert_agrees_on_div():
    shapes = ([2, 1, 5], [3, 1], [2, 3, 5])
    for dtype, quant in [(np.float32, None), (np.int32, None)]:
        x1, x2 = binary_data(6, dtype, shapes, nonzero_second=True)
        with np.errstate(all="ignore"):
            tflm, litert = tflm_and_litert(_model("DIV", dtype, shapes, quant), [x1, x2])
        assert_same(litert, tflm, f"{np.dtype(dtype)}: LiteRT vs TFLM")


# -- FLOOR_DIV and FLOOR_MOD -------------------------------------------------------------

def _check_floor(op, shapes, seed):
    x1, x2 = binary_data(seed, np.float32, shapes, nonzero_second=op == "FLOOR_DIV")
    if op == "FLOOR_DIV":
        x2[x2 == 0] = 1.5
    with np.errstate(all="ignore"):
        assert_matches_tflm(_model(op, np.float32, shapes), [x1, x2])


@budgets(ci=40, slow=600, max_rank=(4, 6))
def test_floor_div_mod(examples, max_rank):
    explore(examples, st.tuples(st.sampled_from(["FLOOR_DIV", "FLOOR_MOD"]),
                                broadcast_shapes(max_rank=max_rank), seeds),
            lambda case: _check_floor(*case))


def test_floor_div_by_zero_fails_like_tflm():
    model = _model("FLOOR_DIV", np.float32, ([2], [2], [2]))
    feeds = [np.ones(2, np.float32), np.array([1.0, -0.0], np.float32)]
    with pytest.raises(ModelError, match="FLOOR_DIV.*0"):
        run_model(model, feeds)
    with pytest.raises(RuntimeError):  # the runtime's failed Prepare/Invoke
        run_tflm(model, feeds)


def test_litert_agrees_on_floor_div_mod():
    shapes = ([2, 1, 5], [3, 1], [2, 3, 5])
    for op in ("FLOOR_DIV", "FLOOR_MOD"):
        x1, x2 = binary_data(8, np.float32, shapes, nonzero_second=True)
        x2[x2 == 0] = 1.5
        with np.errstate(all="ignore"):
            tflm, litert = tflm_and_litert(_model(op, np.float32, shapes), [x1, x2])
        assert_same(litert, tflm, f"{op}: LiteRT vs TFLM")


# -- semantics="tflite": the integer types only LiteRT runs -------------------------------

@st.composite
def litert_div_cases(draw):
    dtype = draw(st.sampled_from([np.int16, np.uint8]))
    shapes = draw(broadcast_shapes(max_rank=4))
    s1, s2 = draw(scales()), draw(scales())
    so = float(np.float32(s1 / s2 * 2.0 ** draw(st.floats(-8, 3))))
    quant = [(s, draw(zero_points(dtype))) for s in (s1, s2, so)]
    return dtype, shapes, quant, draw(activations), draw(seeds)


@CI
@given(litert_div_cases())
def test_tflite_div_int16_uint8_match_litert(case):
    dtype, shapes, quant, activation, seed = case
    x1, x2 = binary_data(seed, dtype, shapes)
    zp2, hi = quant[1][1], np.iinfo(dtype).max
    x2[x2 == zp2] = zp2 + 1 if zp2 < hi else zp2 - 1   # LiteRT refuses a zero divisor
    model = _model("DIV", dtype, shapes, quant, options={"fused_activation_function": activation})
    assert_matches_litert(model, [x1, x2])


floor_int_cases = st.sampled_from(["FLOOR_DIV", "FLOOR_MOD"]).flatmap(
    lambda op: st.tuples(st.just(op), st.sampled_from(
        [np.int8, np.int16, np.int32] + ([np.int64] if op == "FLOOR_MOD" else []))))


@CI
@given(floor_int_cases, broadcast_shapes(max_rank=4), st.booleans(), seeds)
def test_tflite_floor_div_mod_integers_match_litert(case, shapes, quantized, seed):
    op, dtype = case
    x1, x2 = binary_data(seed, dtype, shapes, nonzero_second=True)
    if op == "FLOOR_MOD" and dtype in (np.int32, np.int64):   # LiteRT dies of SIGFPE
        x2[x2 == -1] = -2
    quant = [(0.1, 3), (0.2, -1), (0.3, 0)] if quantized and dtype == np.int8 else None
    assert_matches_litert(_model(op, dtype, shapes, quant), [x1, x2])


def test_tflite_floor_div_wraps_and_floors_like_litert():
    for dtype in (np.int8, np.int32):
        lo = np.iinfo(dtype).min
        x1, x2 = np.array([lo, 7, -7, 7], dtype), np.array([-1, -2, 2, 2], dtype)
        model = _model("FLOOR_DIV", dtype, ([4], [4], [4]))
        assert assert_matches_litert(model, [x1, x2])[0].tolist() == [lo, -4, -4, 3]
        model = _model("FLOOR_MOD", dtype, ([4], [4], [4]))
        x1[0] = lo + 1
        assert assert_matches_litert(model, [x1, x2])[0].tolist() == [0, -1, 1, 1]


def test_tflite_floor_mod_int32_min_by_minus_one_is_refused():
    # LiteRT computes INT32_MIN % -1 with x86's idiv, which traps: its process dies
    # (SIGFPE, measured). Refused at invoke instead.
    model = _model("FLOOR_MOD", np.int32, ([2], [2], [2]))
    feeds = [np.array([np.iinfo(np.int32).min, 5], np.int32), np.array([-1, 3], np.int32)]
    with pytest.raises(ModelError, match="FLOOR_MOD.*SIGFPE"):
        run_model(model, feeds, semantics="tflite")


def test_tflite_integer_division_by_zero_fails_like_litert():
    model = _model("FLOOR_DIV", np.int16, ([2], [2], [2]))
    feeds = [np.array([3, 5], np.int16), np.array([1, 0], np.int16)]
    with pytest.raises(ModelError, match="FLOOR_DIV.*0"):
        run_model(model, feeds, semantics="tflite")
    with pytest.raises(RuntimeError):
        run_litert(model, feeds)


@pytest.mark.parametrize("op, dtype", [("DIV", np.int16), ("DIV", np.uint8),
                                       ("FLOOR_DIV", np.int32), ("FLOOR_MOD", np.int64)])
def test_tflm_flavor_refuses_what_tflm_refuses(op, dtype):
    quant = [(0.1, 0), (0.1, 0), (0.1, 0)] if op == "DIV" else None
    model = _model(op, dtype, ([2], [2], [2]), quant)
    assert_tflm_refuses(model, [np.ones(2, dtype)] * 2, UnsupportedOpError,
                        f"{op}.*{np.dtype(dtype)}")
