"""TRANSPOSE against the TFLM runtime.

Like the other data-movement op tests, each randomized test draws the op's legal domain
(shapes, axes, indices, options, quantization) and requires byte-identical outputs; the
types are those the TFLM kernels accept (others are refused by TFLM and here).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T, assert_matches_tflm, seeds, single_op_model
from typed_data import F32, I8, I16, I32, SLOW, ci, const, data, quant

from interpreter.errors import UnsupportedOpError


@st.composite
def transposes(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=5).map(tuple))
    return shape, draw(st.permutations(range(len(shape))))


def run_transpose(case, dtype, q, seed):
    shape, perm = case
    out_shape = [shape[p] for p in perm]
    model = single_op_model("TRANSPOSE", [T(dtype, shape, *q), const(perm)],
                            [T(dtype, out_shape, *q)])
    assert_matches_tflm(model, [data(seed, dtype, shape)])


@ci(3)
@given(transposes(), st.sampled_from([F32, I8, I16]).flatmap(
    lambda d: st.tuples(st.just(d), quant(d))), seeds)
def test_transpose(case, dq, seed):
    run_transpose(case, dq[0], dq[1], seed)


@pytest.mark.slow
@SLOW
@given(transposes(), st.sampled_from([F32, I8, I16]).flatmap(
    lambda d: st.tuples(st.just(d), quant(d))), seeds)
def test_transpose_slow(case, dq, seed):
    run_transpose(case, dq[0], dq[1], seed)


def test_transpose_refuses_int32_and_computed_perm():
    model = single_op_model("TRANSPOSE", [T(I32, [2, 3]), const([1, 0])], [T(I32, [3, 2])])
    with pytest.raises(UnsupportedOpError, match="TRANSPOSE.*int32"):
        run_model(model, [np.zeros((2, 3), I32)])
    model = single_op_model("TRANSPOSE", [T(F32, [2, 3]), T(I32, [2])], [T(F32, [3, 2])])
    with pytest.raises(UnsupportedOpError, match="TRANSPOSE.*non-constant perm"):
        run_model(model, [np.zeros((2, 3), F32), np.array([1, 0], I32)])
