"""L2_NORMALIZATION and LOG_SOFTMAX (over the last dimension) against the TFLM runtime,
byte for byte: float32 and int8, one randomized test body for both ops; LiteRT's
reference kernels where they agree; and the divergences and refusals, pinned.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from math_cases import check_quietly as _check
from math_cases import feed as _feed
from math_cases import shapes
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import T
from single_op import all_int8_values
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import random_data
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

# -- L2_NORMALIZATION and LOG_SOFTMAX: float32 and int8, over the last dimension ------------

@st.composite
def row_cases(draw, dtype):
    quant = (draw(scales()), draw(zero_points())) if dtype == np.int8 else None
    return dtype, draw(shapes), quant, draw(st.booleans()), draw(seeds)


def _check_rows(op, case, out_quant):
    dtype, shape, quant, specials, seed = case
    si, zi = quant or (None, 0)
    so, zo = out_quant if dtype == np.int8 else (None, 0)
    model = single_op_model(op, [T(dtype, shape, si, zi)], [T(dtype, shape, so, zo)])
    _check(model, [_feed(np.random.default_rng(seed), dtype, shape, specials)])


@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@budgets(ci=60, slow=400)
def test_l2_normalization(dtype, examples):
    explore(examples, row_cases(dtype),
            lambda case: _check_rows("L2_NORMALIZATION", case, (1 / 128, 0)))


@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@budgets(ci=60, slow=400)
def test_log_softmax(dtype, examples):
    explore(examples, row_cases(dtype),
            lambda case: _check_rows("LOG_SOFTMAX", case, (16 / 256, 127)))


def test_log_softmax_int8_long_rows():
    rng = np.random.default_rng(8)
    for si in (0.001, 0.02, 0.1, 1.0, 3.0):
        for zi in (-128, 0, 90):
            model = single_op_model("LOG_SOFTMAX", [T(np.int8, [3, 300], si, zi)],
                                    [T(np.int8, [3, 300], 16 / 256, 127)])
            x = np.asarray(random_data(rng, np.int8, (3, 300)), np.int8)
            x[1] = 5          # a constant row
            _check(model, [x])


def test_l2_normalization_ignores_the_output_quantization():
    # TFLM's int8 kernel always writes on the scale 1/128 with zero point 0 and never
    # checks the output tensor; neither do we. Divergence: LiteRT refuses such a model.
    x = all_int8_values((4, 64))
    model = single_op_model("L2_NORMALIZATION", [T(np.int8, [4, 64], 0.05, 3)],
                            [T(np.int8, [4, 64], 0.5, 10)])
    ours = assert_matches_tflm(model, [x])[0]
    plain = single_op_model("L2_NORMALIZATION", [T(np.int8, [4, 64], 0.05, 3)],
                            [T(np.int8, [4, 64], 1 / 128, 0)])
    assert_same(ours, run_model(plain, [x])[0], "output quantization ignored")
    with pytest.raises(RuntimeError):
        run_litert(model, [x])


def test_rows_refuse_what_tflm_refuses():
    cases = [
        ("L2_NORMALIZATION", T(np.int16, [4], 0.1, 0), T(np.int16, [4], 1 / 128, 0), ModelError),
        ("L2_NORMALIZATION", T(np.float32, [1, 1, 1, 1, 4]), T(np.float32, [1, 1, 1, 1, 4]),
         ModelError),
        ("LOG_SOFTMAX", T(np.int16, [4], 0.1, 0), T(np.int16, [4], 16 / 256, 127),
         UnsupportedOpError),
        ("LOG_SOFTMAX", T(np.int8, [4], 0.1, 0), T(np.int8, [4], 16 / 256, 0), ModelError),
        ("LOG_SOFTMAX", T(np.int8, [4], 0.1, 0), T(np.int8, [4], 1 / 256, 127), ModelError),
    ]
    for op, inp, out, error in cases:
        model = single_op_model(op, [inp], [out])
        x = np.zeros(inp.shape, inp.dtype)
        with pytest.raises(RuntimeError):
            run_tflm(model, [x])
        with pytest.raises(error, match=op):
            run_model(model, [x])
    model = single_op_model("L2_NORMALIZATION", [T(np.float32, [4])], [T(np.float32, [4])],
                            {"fused_activation_function": "RELU"})
    with pytest.raises(RuntimeError):
        run_tflm(model, [np.ones(4, np.float32)])
    with pytest.raises(ModelError, match="L2_NORMALIZATION"):
        run_model(model, [np.ones(4, np.float32)])


def test_litert_agrees_on_rows():
    rng = np.random.default_rng(9)
    for op, out_quant in [("L2_NORMALIZATION", (1 / 128, 0)), ("LOG_SOFTMAX", (16 / 256, 127))]:
        for dtype in (np.float32, np.int8):
            case = (dtype, (5, 40), (0.05, -7) if dtype == np.int8 else None)
            si, zi = case[2] or (None, 0)
            so, zo = out_quant if dtype == np.int8 else (None, 0)
            model = single_op_model(op, [T(dtype, [5, 40], si, zi)], [T(dtype, [5, 40], so, zo)])
            x = _feed(rng, dtype, (5, 40))
            tflm, litert = tflm_and_litert(model, [x])
            assert_same(litert, tflm, f"{op} {np.dtype(dtype)}: LiteRT vs TFLM")
