"""CUMSUM against the TFLM runtime, and ``semantics="tflite"`` against LiteRT's reference
kernels (which also run int32 and int64, wrapping, and refuse int8)."""
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
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import zero_points
from typed_data import F32
from typed_data import I8
from typed_data import I32
from typed_data import I64
from typed_data import ci
from typed_data import const
from typed_data import data
from typed_data import special_floats


@st.composite
def cumsum_cases(draw):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, axis, draw(st.booleans()), draw(st.booleans())


@st.composite
def cumsum_types(draw):
    dtype = draw(st.sampled_from([F32, I8]))
    if dtype == F32:
        return dtype, (None, 0), (None, 0)
    s_in = draw(scales())
    # TFLM aborts unless 2 * s_in / (2^20 * s_out) < 1
    s_out = draw(scales().filter(lambda s: s_in / s < 2 ** 18))
    return dtype, (s_in, draw(zero_points())), (s_out, draw(zero_points()))


def run_cumsum(case, dq, seed, constant, check=assert_matches_tflm):
    shape, axis, exclusive, reverse = case
    dtype, q_in, q_out = dq
    axis_t = const(axis) if constant else T(I32, [])
    model = single_op_model("CUMSUM", [T(dtype, shape, *q_in), axis_t], [T(dtype, shape, *q_out)],
                            {"exclusive": exclusive, "reverse": reverse})
    x = special_floats(data(seed, dtype, shape), seed)
    check(model, [x] + ([] if constant else [np.array(axis, I32)]))


@budgets(ci=80, slow=1000)
def test_cumsum(examples):
    explore(examples, st.tuples(cumsum_cases(), cumsum_types(), seeds, st.booleans()),
            lambda drawn: run_cumsum(*drawn))


@ci(3)
@given(cumsum_cases(), st.sampled_from([F32, I32, I64]), seeds, st.booleans())
def test_cumsum_tflite_matches_litert(case, dtype, seed, constant):
    # full-range int32 / int64 values: the running sums wrap in both
    run_cumsum(case, (dtype, (None, 0), (None, 0)), seed, constant, assert_matches_litert)


@pytest.mark.parametrize("dtype", [I32, I64])
def test_cumsum_types_only_litert_runs(dtype):
    run_cumsum(((2, 3, 4), 1, False, False), (dtype, (None, 0), (None, 0)), 0, True,
               lambda model, feeds: assert_tflite_only(model, feeds, "CUMSUM"))
