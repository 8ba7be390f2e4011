"""CONCATENATION against the TFLM runtime."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T, assert_matches_tflm, random_data, seeds, single_op_model, zero_points
from typed_data import fixed_quant as _q

from interpreter.errors import ModelError, UnsupportedOpError

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- CONCATENATION ---------------------------------------------------------------------------

@st.composite
def concatenations(draw, max_rank=4):
    base = draw(st.lists(st.integers(1, 3), min_size=1, max_size=max_rank))
    rank = len(base)
    axis = draw(st.integers(-rank, rank - 1))
    n = draw(st.integers(1, 10))
    in_shapes = []
    for _ in range(n):
        s = list(base)
        s[axis] = draw(st.integers(1, 3))
        in_shapes.append(tuple(s))
    out = list(base)
    out[axis] = sum(s[axis] for s in in_shapes)
    return in_shapes, axis, tuple(out)


def _check_concatenation(case, dtype, zp, seed):
    in_shapes, axis, out_shape = case
    q = (0.3, zp) if np.dtype(dtype) == np.int8 else _q(dtype)
    model = single_op_model("CONCATENATION", [T(dtype, s, *q) for s in in_shapes],
                            [T(dtype, out_shape, *q)], {"axis": axis})
    rng = np.random.default_rng(seed)
    assert_matches_tflm(model, [random_data(rng, dtype, s) for s in in_shapes])


@CI
@given(concatenations(), st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.float32]),
       zero_points(), seeds)
def test_concatenation(case, dtype, zp, seed):
    _check_concatenation(case, dtype, zp, seed)


@pytest.mark.slow
@SLOW
@given(concatenations(max_rank=6), st.sampled_from([np.int8, np.int16, np.int32, np.float32]),
       zero_points(), seeds)
def test_concatenation_slow(case, dtype, zp, seed):
    _check_concatenation(case, dtype, zp, seed)


def test_concatenation_rejects_int8_requantization():
    # TFLM copies bytes: int8 inputs must already have the output's scale and zero point.
    model = single_op_model("CONCATENATION", [T(np.int8, [2], 0.1, 0), T(np.int8, [2], 0.2, 0)],
                            [T(np.int8, [4], 0.1, 0)], {"axis": 0})
    with pytest.raises(ModelError, match="CONCATENATION.*scale"):
        run_model(model, [np.zeros(2, np.int8), np.zeros(2, np.int8)])


def test_concatenation_rejects_fused_activation_and_bad_shapes():
    model = single_op_model("CONCATENATION", [T(np.float32, [2]), T(np.float32, [2])],
                            [T(np.float32, [4])],
                            {"axis": 0, "fused_activation_function": "RELU"})
    with pytest.raises(UnsupportedOpError, match="CONCATENATION.*activation"):
        run_model(model, [np.zeros(2, np.float32)] * 2)
    model = single_op_model("CONCATENATION", [T(np.float32, [2, 3]), T(np.float32, [2, 2])],
                            [T(np.float32, [4, 3])], {"axis": 0})
    with pytest.raises(ModelError, match="CONCATENATION.*shape"):
        run_model(model, [np.zeros((2, 3), np.float32), np.zeros((2, 2), np.float32)])
