"""LOGICAL_AND, LOGICAL_OR and LOGICAL_NOT against the TFLM runtime, byte for byte, on
broadcastable shapes (rank 1-4 in CI, up to 6 in the slow runs)."""
from __future__ import annotations

import numpy as np
import pytest
from binary_cases import binary_data
from binary_cases import binary_model as _model
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T
from single_op import assert_matches_tflm
from single_op import broadcast_shapes
from single_op import seeds
from single_op import single_op_model

from interpreter.errors import UnsupportedOpError


def _check_logical_binary(case):
    op, shapes, seed = case
    assert_matches_tflm(_model(op, np.bool_, shapes), binary_data(seed, np.bool_, shapes))


@budgets(ci=40, slow=600, max_rank=(4, 6))
def test_logical_binary(examples, max_rank):
    explore(examples, st.tuples(st.sampled_from(["LOGICAL_AND", "LOGICAL_OR"]),
                                broadcast_shapes(max_rank=max_rank), seeds), _check_logical_binary)


def test_logical_not():
    x = np.array([[True, False, False], [True, True, False]])
    model = single_op_model("LOGICAL_NOT", [T(np.bool_, [2, 3])], [T(np.bool_, [2, 3])])
    assert assert_matches_tflm(model, [x])[0].tolist() == (~x).tolist()


def test_logical_rejects_non_bool():
    model = _model("LOGICAL_AND", np.int32, ([3], [3], [3]))
    with pytest.raises(UnsupportedOpError, match="LOGICAL_AND"):
        run_model(model, [np.zeros(3, np.int32)] * 2)
