"""LOGICAL_AND, LOGICAL_OR and LOGICAL_NOT against the TFLM runtime, byte for byte, on
broadcastable shapes (rank 1-4 in CI, up to 6 in the slow runs)."""
from __future__ import annotations

import numpy as np
import pytest
from binary_cases import binary_data
from binary_cases import binary_model as _model
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T
from single_op import assert_matches_tflm
from single_op import broadcast_shapes
from single_op import seeds
from single_op import single_op_model

from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CI
@given(st.sampled_from(["LOGICAL_AND", "LOGICAL_OR"]), broadcast_shapes(max_rank=4), seeds)
def test_logical_binary(op, shapes, seed):
    assert_matches_tflm(_model(op, np.bool_, shapes), binary_data(seed, np.bool_, shapes))


@pytest.mark.slow
@SLOW
@given(st.sampled_from(["LOGICAL_AND", "LOGICAL_OR"]), broadcast_shapes(max_rank=6), seeds)
def test_logical_binary_slow(op, shapes, seed):
    assert_matches_tflm(_model(op, np.bool_, shapes), binary_data(seed, np.bool_, shapes))


def test_logical_not():
    x = np.array([[True, False, False], [True, True, False]])
    model = single_op_model("LOGICAL_NOT", [T(np.bool_, [2, 3])], [T(np.bool_, [2, 3])])
    assert assert_matches_tflm(model, [x])[0].tolist() == (~x).tolist()


def test_logical_rejects_non_bool():
    model = _model("LOGICAL_AND", np.int32, ([3], [3], [3]))
    with pytest.raises(UnsupportedOpError, match="LOGICAL_AND"):
        run_model(model, [np.zeros(3, np.int32)] * 2)
