"""ARG_MAX and ARG_MIN against the TFLM runtime, and ``semantics="tflite"`` against LiteRT's
reference kernels (which also run bool, uint8 and int32 inputs, int64 outputs and axes)."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import given
from hypothesis import strategies as st
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflite_only
from single_op import seeds
from single_op import single_op_model
from typed_data import BOOL
from typed_data import F32
from typed_data import I8
from typed_data import I32
from typed_data import I64
from typed_data import U8
from typed_data import ci
from typed_data import const
from typed_data import data
from typed_data import example_quant
from typed_data import special_floats
from typed_data import typed

TFLITE_ONLY = [BOOL, U8, I32]      # LiteRT's reference kernels run them, TFLM refuses them


@st.composite
def arg_cases(draw):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, axis


def run_arg(op, case, dtype, q, seed, constant, ties, check=assert_matches_tflm,
            out_type=I32, axis_type=I32):
    shape, axis = case
    out = tuple(d for i, d in enumerate(shape) if i != axis % len(shape))
    axis_t = const([axis], axis_type) if constant else T(axis_type, [1])
    model = single_op_model(op, [T(dtype, shape, *q), axis_t], [T(out_type, out)],
                            {"output_type": np.dtype(out_type).name.upper()})
    x = data(seed, dtype, shape)
    if ties and dtype != BOOL:   # few distinct values: ties decide the index
        x = (x % 3).astype(dtype) if dtype != F32 else np.round(x / 4).astype(F32)
    x = special_floats(x, seed)
    check(model, [x] + ([] if constant else [np.array([axis], axis_type)]))


def _check_arg_min_max(drawn):
    case, dq, seed, constant, ties, op = drawn
    run_arg(op, case, dq[0], dq[1], seed, constant, ties)


@budgets(ci=160, slow=1000)
def test_arg_min_max(examples):
    explore(examples, st.tuples(arg_cases(), typed([F32, I8]), seeds, st.booleans(),
                                st.booleans(), st.sampled_from(["ARG_MAX", "ARG_MIN"])),
            _check_arg_min_max)


@ci(5)
@given(arg_cases(), typed([F32, I8] + TFLITE_ONLY), seeds, st.booleans(), st.booleans(),
       st.sampled_from(["ARG_MAX", "ARG_MIN"]), st.sampled_from([I32, I64]),
       st.sampled_from([I32, I64]))
def test_arg_min_max_tflite_matches_litert(case, dq, seed, constant, ties, op, out_type,
                                           axis_type):
    run_arg(op, case, *dq, seed, constant, ties, assert_matches_litert, out_type, axis_type)


@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("dtype,out_type", [(t, I32) for t in TFLITE_ONLY] + [(F32, I64)])
def test_arg_min_max_types_only_litert_runs(op, dtype, out_type):
    run_arg(op, ((2, 5, 3), 1), dtype, example_quant(dtype), 0, True, True,
            lambda model, feeds: assert_tflite_only(model, feeds, op), out_type)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
def test_arg_min_max_uint8_long_rows_tflite_matches_litert(op, ties):
    # rows of 16 and more along the last axis run LiteRT's vector code for uint8
    for seed in range(20):
        run_arg(op, ((3, 16 + 7 * seed), 1), U8, example_quant(U8), seed, True, ties,
                assert_matches_litert)
