"""RELU and RELU6 against the TFLM runtime: int8 runs every int8 input value for each
drawn quantization. Also documented here: RELU6 under semantics="tflite" requantizes
like LiteRT, where TFLM clamps the raw input; and semantics="tflite" runs uint8 (which
only LiteRT runs) as LiteRT does, on every input value.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import T
from single_op import all_int8_values
from single_op import assert_matches_litert
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
from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


ALL_UINT8 = np.arange(256, dtype=np.uint8).reshape(2, 128)


@CI
@given(st.sampled_from(["RELU", "RELU6"]), scales(-3, 0.5), zero_points(np.uint8),
       scales(-3, 0.5), zero_points(np.uint8))
def test_tflite_relu_uint8_every_input_matches_litert(op, s_in, z_in, s_out, z_out):
    model = _unary(op, np.uint8, [2, 128], (s_in, z_in), (s_out, z_out))
    assert_matches_litert(model, [ALL_UINT8])


@pytest.mark.parametrize("op", ["RELU", "RELU6"])
def test_tflm_flavor_refuses_uint8(op):
    model = _unary(op, np.uint8, [2, 128], (0.05, 128), (0.05, 128))
    assert_tflm_refuses(model, [ALL_UINT8], UnsupportedOpError, f"{op}.*uint8")


def test_relu6_zero_point_outside_the_type_is_refused():
    """TFLM keeps RELU6's lower bound, the input zero point, in the input type: a zero
    point of 2^20 + 5 runs as 5 (shown on TFLM). Refused (found by tools/fuzz_models.py,
    where it raised a ValueError)."""
    q = (0.1, (1 << 20) + 5)
    model = single_op_model("RELU6", [T(np.int8, (1, 8), *q)], [T(np.int8, (1, 8), *q)])
    feeds = [np.array([[-128, -5, 0, 4, 5, 6, 100, 127]], np.int8)]
    with pytest.raises(ModelError, match=r"RELU6 \(operator 0\): input zero point 1048581 is "
                                         r"outside int8"):
        run_model(model, feeds)
    assert run_tflm(model, feeds)[0].min() == 5
