"""MAXIMUM and MINIMUM against the TFLM runtime, byte for byte, on broadcastable shapes
(rank 1-4 in CI, up to 6 in the slow runs), with NaN and signed zeros, and against
LiteRT's reference kernels (``semantics="tflite"`` on uint8, which only LiteRT runs)."""
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
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import broadcast_shapes
from single_op import seeds
from single_op import tflm_and_litert

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


MINMAX_TYPES = [np.float32, np.int8, np.int16, np.int32, np.int64]


def _check_minmax(op, dtype, shapes, seed):
    quant = [(0.1, 3)] * 3 if dtype in (np.int8, np.int16) else None
    assert_matches_tflm(_model(op, dtype, shapes, quant), binary_data(seed, dtype, shapes))


@budgets(ci=40, slow=600, max_rank=(4, 6))
def test_minmax(examples, max_rank):
    explore(examples, st.tuples(st.sampled_from(["MAXIMUM", "MINIMUM"]),
                                st.sampled_from(MINMAX_TYPES), broadcast_shapes(max_rank=max_rank),
                                seeds), lambda case: _check_minmax(*case))


def test_minmax_float_nan_and_signed_zero_follow_the_ternary():
    x1 = np.array([np.nan, 1.0, -0.0, 0.0], np.float32)
    x2 = np.array([1.0, np.nan, 0.0, -0.0], np.float32)
    for op in ("MAXIMUM", "MINIMUM"):
        out = assert_matches_tflm(_model(op, np.float32, ([4], [4], [4])), [x1, x2])[0]
        assert np.isnan(out[1]) and out[0] == 1.0  # the second operand wins unordered pairs
        assert not np.signbit(out[2]) and np.signbit(out[3])  # ties too: +-0.0


def test_litert_agrees_on_minmax():
    shapes = ([2, 1, 5], [3, 1], [2, 3, 5])
    for op in ("MAXIMUM", "MINIMUM"):
        for dtype in (np.float32, np.int32):
            with np.errstate(all="ignore"):
                tflm, litert = tflm_and_litert(_model(op, dtype, shapes),
                                               binary_data(2, dtype, shapes))
            assert_same(litert, tflm, f"{op}: LiteRT vs TFLM")


# -- validation ---------------------------------------------------------------------------

def test_rejects_incompatible_broadcast():
    model = _model("MAXIMUM", np.float32, ([2, 3], [4], [2, 3]))
    with pytest.raises(ModelError, match="MAXIMUM.*broadcast"):
        run_model(model, [np.zeros((2, 3), np.float32), np.zeros(4, np.float32)])


@CI
@given(st.sampled_from(["MAXIMUM", "MINIMUM"]), broadcast_shapes(max_rank=4), seeds)
def test_tflite_uint8_matches_litert(op, shapes, seed):
    model = _model(op, np.uint8, shapes, [(0.1, 3), (0.2, 200), (0.3, 0)])
    assert_matches_litert(model, binary_data(seed, np.uint8, shapes))


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM"])
def test_tflm_flavor_refuses_uint8(op):
    model = _model(op, np.uint8, ([3], [3], [3]), [(0.1, 3)] * 3)
    assert_tflm_refuses(model, [np.zeros(3, np.uint8)] * 2, UnsupportedOpError,
                        f"{op}.*uint8")
