"""TRANSPOSE against the TFLM runtime, and ``semantics="tflite"`` against LiteRT's
reference kernels (which also run bool, uint8, int32 and int64).

Like the other data-movement op tests, each randomized test draws the op's legal domain
(shapes, axes, indices, options, quantization) and requires byte-identical outputs; the
types are those the TFLM kernels accept (others are refused by TFLM and here).
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflite_only
from single_op import seeds
from single_op import single_op_model
from typed_data import BOOL
from typed_data import F32
from typed_data import I8
from typed_data import I16
from typed_data import I32
from typed_data import I64
from typed_data import U8
from typed_data import ci
from typed_data import const
from typed_data import data
from typed_data import example_quant
from typed_data import quant
from typed_data import typed

from interpreter.errors import UnsupportedOpError


@st.composite
def transposes(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=5).map(tuple))
    return shape, draw(st.permutations(range(len(shape))))


TFLITE_ONLY = [BOOL, U8, I32, I64]      # LiteRT's reference kernels run them, TFLM refuses them


def run_transpose(case, dtype, q, seed, check=assert_matches_tflm):
    shape, perm = case
    out_shape = [shape[p] for p in perm]
    model = single_op_model("TRANSPOSE", [T(dtype, shape, *q), const(perm)],
                            [T(dtype, out_shape, *q)])
    check(model, [data(seed, dtype, shape)])


def check_transpose(drawn) -> None:
    case, dq, seed = drawn
    run_transpose(case, dq[0], dq[1], seed)


@budgets(ci=120, slow=1000)
def test_transpose(examples):
    explore(examples, st.tuples(transposes(), st.sampled_from([F32, I8, I16]).flatmap(
        lambda d: st.tuples(st.just(d), quant(d))), seeds), check_transpose)


@ci(7)
@given(transposes(), typed([F32, I8, I16] + TFLITE_ONLY), seeds)
def test_transpose_tflite_matches_litert(case, dq, seed):
    run_transpose(case, dq[0], dq[1], seed, assert_matches_litert)


@pytest.mark.parametrize("dtype", TFLITE_ONLY)
def test_transpose_types_only_litert_runs(dtype):
    run_transpose(((2, 3, 4), (2, 0, 1)), dtype, example_quant(dtype), 0,
                  lambda model, feeds: assert_tflite_only(model, feeds, "TRANSPOSE"))


def test_transpose_refuses_int32_and_computed_perm():
    model = single_op_model("TRANSPOSE", [T(I32, [2, 3]), const([1, 0])], [T(I32, [3, 2])])
    with pytest.raises(UnsupportedOpError, match="TRANSPOSE.*int32"):
        run_model(model, [np.zeros((2, 3), I32)])
    model = single_op_model("TRANSPOSE", [T(F32, [2, 3]), T(I32, [2])], [T(F32, [3, 2])])
    with pytest.raises(UnsupportedOpError, match="TRANSPOSE.*non-constant perm"):
        run_model(model, [np.zeros((2, 3), F32), np.array([1, 0], I32)])
