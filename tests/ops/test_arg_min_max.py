"""ARG_MAX and ARG_MIN against the TFLM runtime."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from single_op import T, assert_matches_tflm, seeds, single_op_model
from typed_data import F32, I8, I32, SLOW, ci, const, data, special_floats, typed


@st.composite
def arg_cases(draw):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, axis


def run_arg(op, case, dtype, q, seed, constant, ties):
    shape, axis = case
    out = tuple(d for i, d in enumerate(shape) if i != axis % len(shape))
    axis_t = const([axis]) if constant else T(I32, [1])
    model = single_op_model(op, [T(dtype, shape, *q), axis_t], [T(I32, out)],
                            {"output_type": "INT32"})
    x = data(seed, dtype, shape)
    if ties:   # few distinct values: ties decide the index
        x = (x % 3).astype(dtype) if dtype != F32 else np.round(x / 4).astype(F32)
    x = special_floats(x, seed)
    assert_matches_tflm(model, [x] + ([] if constant else [np.array([axis], I32)]))


@ci(4)
@given(arg_cases(), typed([F32, I8]), seeds, st.booleans(), st.booleans(),
       st.sampled_from(["ARG_MAX", "ARG_MIN"]))
def test_arg_min_max(case, dq, seed, constant, ties, op):
    run_arg(op, case, dq[0], dq[1], seed, constant, ties)


@pytest.mark.slow
@SLOW
@given(arg_cases(), typed([F32, I8]), seeds, st.booleans(), st.booleans(),
       st.sampled_from(["ARG_MAX", "ARG_MIN"]))
def test_arg_min_max_slow(case, dq, seed, constant, ties, op):
    run_arg(op, case, dq[0], dq[1], seed, constant, ties)
