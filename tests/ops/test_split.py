"""SPLIT and SPLIT_V against the TFLM runtime, and ``semantics="tflite"`` against LiteRT's
reference kernels (which also run uint8 and int64)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflite_only
from single_op import seeds
from single_op import single_op_model
from typed_data import F32
from typed_data import I8
from typed_data import I16
from typed_data import I32
from typed_data import I64
from typed_data import SLOW
from typed_data import U8
from typed_data import ci
from typed_data import const
from typed_data import data
from typed_data import example_quant
from typed_data import typed

TYPES = [F32, I8, I16, I32]
TFLITE_ONLY = [U8, I64]          # LiteRT's reference kernels run them, TFLM refuses them


@st.composite
def splits(draw, equal):
    shape = list(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    axis = draw(st.integers(0, len(shape) - 1))
    n = draw(st.integers(1, 4))
    if equal:
        shape[axis] = n * draw(st.integers(1, 3))
        sizes = [shape[axis] // n] * n
    else:
        sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
        shape[axis] = sum(sizes)
    axis_opt = axis - len(shape) if draw(st.booleans()) else axis
    return tuple(shape), axis, axis_opt, sizes


def run_split(case, dtype, q, seed, check=assert_matches_tflm):
    shape, axis, axis_opt, sizes = case
    outs = [T(dtype, shape[:axis] + (s,) + shape[axis + 1:], *q) for s in sizes]
    model = single_op_model("SPLIT", [const(axis_opt), T(dtype, shape, *q)], outs,
                            {"num_splits": len(sizes)})
    check(model, [data(seed, dtype, shape)], len(sizes))


def run_split_v(case, dtype, q, seed, stretch, check=assert_matches_tflm):
    shape, axis, axis_opt, sizes = case
    requested = list(sizes)
    if stretch is not None:
        requested[stretch % len(sizes)] = -1
    outs = [T(dtype, shape[:axis] + (s,) + shape[axis + 1:], *q) for s in sizes]
    model = single_op_model("SPLIT_V", [T(dtype, shape, *q), const(requested), const(axis_opt)],
                            outs, {"num_splits": len(sizes)})
    check(model, [data(seed, dtype, shape)], len(sizes))


@ci(4)
@given(splits(equal=True), typed(TYPES), seeds)
def test_split(case, dq, seed):
    run_split(case, dq[0], dq[1], seed)


@ci(4)
@given(splits(equal=False), typed(TYPES), seeds,
       st.one_of(st.none(), st.integers(0, 3)))
def test_split_v(case, dq, seed, stretch):
    run_split_v(case, dq[0], dq[1], seed, stretch)


@pytest.mark.slow
@SLOW
@given(splits(equal=True), splits(equal=False), typed(TYPES), seeds,
       st.one_of(st.none(), st.integers(0, 3)))
def test_split_slow(case, case_v, dq, seed, stretch):
    run_split(case, dq[0], dq[1], seed)
    run_split_v(case_v, dq[0], dq[1], seed, stretch)


@ci(6)
@given(splits(equal=True), splits(equal=False), typed(TYPES + TFLITE_ONLY), seeds,
       st.one_of(st.none(), st.integers(0, 3)))
def test_split_tflite_matches_litert(case, case_v, dq, seed, stretch):
    run_split(case, dq[0], dq[1], seed, assert_matches_litert)
    run_split_v(case_v, dq[0], dq[1], seed, stretch, assert_matches_litert)


@pytest.mark.parametrize("dtype", TFLITE_ONLY)
def test_split_types_only_litert_runs(dtype):
    run_split(((2, 4), 1, 1, [2, 2]), dtype, example_quant(dtype), 0,
              lambda model, feeds, n: assert_tflite_only(model, feeds, "SPLIT", n))
    run_split_v(((2, 5), 1, 1, [2, 3]), dtype, example_quant(dtype), 0, None,
                lambda model, feeds, n: assert_tflite_only(model, feeds, "SPLIT_V", n))
