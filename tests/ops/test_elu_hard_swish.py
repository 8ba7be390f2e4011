"""ELU and HARD_SWISH against the TFLM runtime, byte for byte: float32, and int8 with
every int8 value each time (one randomized test runs both ops); LiteRT's reference
kernels where they agree (``semantics="tflite"`` on uint8 HARD_SWISH, which only LiteRT
runs); and the divergences and refusals, pinned.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from budgets import exploring
from hypothesis import assume
from hypothesis import given
from hypothesis import strategies as st
from math_cases import check_quietly as _check
from math_cases import float_data as _float_data
from math_cases import shapes
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import T
from single_op import all_int8_values
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

# -- ELU and HARD_SWISH: float32 and int8 (every int8 value each time) ---------------------

TABLE_SHAPES = st.sampled_from([(256,), (2, 128), (4, 8, 8), (1, 16, 16)])


@st.composite
def activation_cases(draw, dtype, op):
    if dtype == np.float32:
        return op, dtype, draw(shapes), None, draw(st.booleans()), draw(seeds)
    quant = ((draw(scales()), draw(zero_points())), (draw(scales()), draw(zero_points())))
    if op == "HARD_SWISH":
        # TFLM fails prepare when (s_in / 128) / s_out >= 1 (tested below)
        (si, _), (so, _) = quant
        assume(np.float32(np.float32(si) / np.float32(128)) / np.float32(so) < 1)
    return op, dtype, draw(TABLE_SHAPES), quant, False, draw(seeds)


def _check_activation(case):
    op, dtype, shape, quant, specials, seed = case
    (si, zi), (so, zo) = quant or ((None, 0), (None, 0))
    model = single_op_model(op, [T(dtype, shape, si, zi)], [T(dtype, shape, so, zo)])
    rng = np.random.default_rng(seed)
    if dtype == np.int8:
        x = rng.permutation(all_int8_values((256,))).reshape(shape)
    else:
        x = _float_data(rng, shape, specials)
    _check(model, [x])


@pytest.mark.parametrize("op", ["ELU", "HARD_SWISH"])
@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@budgets(ci=60, slow=400)
def test_activation(op, dtype, examples):
    explore(examples, activation_cases(dtype, op), _check_activation)


def test_hard_swish_small_scale_ratios():
    # output exponents of -16 and below: gemmlowp's int16 RoundingDivideByPOT mask wraps to -1
    for si, so in [(0.001, 3.0), (0.0005, 2.9), (0.01, 1.0)]:
        model = single_op_model("HARD_SWISH", [T(np.int8, [256], si, -3)],
                                [T(np.int8, [256], so, 100)])
        _check(model, [all_int8_values((256,))])


def test_hard_swish_refuses_output_multiplier_above_one():
    # (s_in / 128) / s_out >= 1: TFLM fails prepare (TF_LITE_ENSURE), so do we
    model = single_op_model("HARD_SWISH", [T(np.int8, [8], 2.0, 0)], [T(np.int8, [8], 0.01, 0)])
    x = np.zeros(8, np.int8)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])
    with pytest.raises(ModelError, match="HARD_SWISH"):
        run_model(model, [x])


@pytest.mark.parametrize("op", ["ELU", "HARD_SWISH"])
def test_activation_rejects_int16(op):
    model = single_op_model(op, [T(np.int16, [4], 0.1, 0)], [T(np.int16, [4], 0.1, 0)])
    x = np.zeros(4, np.int16)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])
    with pytest.raises(UnsupportedOpError, match=op):
        run_model(model, [x])


def test_litert_agrees_on_hard_swish():
    rng = np.random.default_rng(5)
    for dtype, (si, zi), (so, zo), x in [
            (np.int8, (0.05, 3), (0.04, -10), all_int8_values((256,))),
            (np.float32, (None, 0), (None, 0), _float_data(rng, (256,), True))]:
        model = single_op_model("HARD_SWISH", [T(dtype, [256], si, zi)], [T(dtype, [256], so, zo)])
        with np.errstate(all="ignore"):
            tflm, litert = tflm_and_litert(model, [x])
        assert_same(litert, tflm, f"HARD_SWISH {np.dtype(dtype)}: LiteRT vs TFLM")


def test_divergence_litert_elu():
    # Divergence: LiteRT's BUILTIN_REF resolver has no ELU; its default (optimized) ELU
    # gives other bytes than TFLM in both types. We follow TFLM.
    for dtype, (si, zi), (so, zo), x in [
            (np.int8, (0.05, 3), (0.04, -10), all_int8_values((256,))),
            (np.float32, (None, 0), (None, 0), np.linspace(-10, 3, 256, dtype=np.float32))]:
        model = single_op_model("ELU", [T(dtype, [256], si, zi)], [T(dtype, [256], so, zo)])
        ours = assert_matches_tflm(model, [x])[0]
        litert = run_litert(model, [x], reference=False)[0]
        assert ours.tobytes() != litert.tobytes()


# -- semantics="tflite": HARD_SWISH uint8 (LiteRT's reference HardSwish<uint8_t>) ----------

@exploring(60)
@given(scales(-3, 0.5), zero_points(np.uint8), zero_points(np.uint8), st.floats(-3, -0.01))
def test_tflite_hard_swish_uint8_every_input_matches_litert(s_in, z_in, z_out, log_ratio):
    # the output scale keeps (s_in / 128) / s_out below 1: LiteRT's Prepare requires it
    s_out = float(np.float32(s_in / 128 * 10 ** -log_ratio))
    x = np.arange(256, dtype=np.uint8)
    model = single_op_model("HARD_SWISH", [T(np.uint8, [256], s_in, z_in)],
                            [T(np.uint8, [256], s_out, z_out)])
    assert_matches_litert(model, [x])


def test_tflm_flavor_refuses_uint8_hard_swish():
    model = single_op_model("HARD_SWISH", [T(np.uint8, [4], 0.1, 128)],
                            [T(np.uint8, [4], 0.1, 128)])
    assert_tflm_refuses(model, [np.zeros(4, np.uint8)], UnsupportedOpError, "HARD_SWISH.*uint8")
