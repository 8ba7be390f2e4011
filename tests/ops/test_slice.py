"""SLICE and STRIDED_SLICE against the TFLM runtime, and ``semantics="tflite"`` against
LiteRT's reference kernels (which also run uint8 and int64)."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
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
from typed_data import typed

from interpreter.errors import ModelError

SLICE_TYPES = [F32, I8, I16, I32, BOOL]
TFLITE_ONLY = [U8, I64]          # LiteRT's reference kernels run them, TFLM refuses them


# -- SLICE ---------------------------------------------------------------------------------

@st.composite
def slices(draw, max_rank=5):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=max_rank)))
    begin, size = [], []
    for d in shape:
        b = draw(st.integers(0, d))
        n = draw(st.integers(0, d - b))
        begin.append(b)
        size.append(-1 if n == d - b and draw(st.booleans()) else n)
    return shape, begin, size


def run_slice(case, dtype, q, seed, index_type, constant, check=assert_matches_tflm):
    shape, begin, size = case
    out = [d - b if s == -1 else s for d, b, s in zip(shape, begin, size)]
    if 0 in out:
        return                      # an empty output: nothing to compare
    idx = ([const(begin, index_type), const(size, index_type)] if constant
           else [T(index_type, [len(shape)]), T(index_type, [len(shape)])])
    model = single_op_model("SLICE", [T(dtype, shape, *q)] + idx, [T(dtype, out, *q)])
    feeds = [data(seed, dtype, shape)]
    if not constant:
        feeds += [np.array(begin, index_type), np.array(size, index_type)]
    check(model, feeds)


def check_slice(drawn) -> None:
    case, dq, seed, index_type, constant = drawn
    run_slice(case, dq[0], dq[1], seed, index_type, constant)


@budgets(ci=200, slow=1000)
def test_slice(examples):
    explore(examples, st.tuples(slices(), typed(SLICE_TYPES), seeds, st.sampled_from([I32, I64]),
                                st.booleans()), check_slice)


@ci(7)
@given(slices(), typed(SLICE_TYPES + TFLITE_ONLY), seeds, st.sampled_from([I32, I64]),
       st.booleans())
def test_slice_tflite_matches_litert(case, dq, seed, index_type, constant):
    run_slice(case, dq[0], dq[1], seed, index_type, constant, assert_matches_litert)


@pytest.mark.parametrize("dtype", TFLITE_ONLY)
def test_slice_types_only_litert_runs(dtype):
    run_slice(((3, 4), [1, 1], [2, -1]), dtype, example_quant(dtype), 0, I32, True,
              lambda model, feeds: assert_tflite_only(model, feeds, "SLICE"))


def test_slice_writes_the_box_whatever_the_output_shape():
    # TFLM compares only element counts; the box goes into the output in row-major order.
    model = single_op_model("SLICE", [T(F32, [2, 3]), const([0, 1]), const([2, 2])],
                            [T(F32, [4])])
    ours = assert_matches_tflm(model, [np.arange(6, dtype=F32).reshape(2, 3)])
    assert ours[0].tolist() == [1, 2, 4, 5]


@pytest.mark.parametrize("begin,size", [([0, 2], [2, 2]), ([3, 0], [1, 1]), ([0, -1], [2, 2])])
def test_slice_out_of_range_is_an_error(begin, size):
    # Recent TFLM sources fail the invoke here; the tflite-micro runtime this project
    # pins does not validate begin/size at all and copies from outside the input,
    # so it is not run: this op raises instead of reading garbage.
    model = single_op_model("SLICE", [T(F32, [2, 3]), T(I32, [2]), T(I32, [2])], [T(F32, [2, 2])])
    feeds = [np.zeros((2, 3), F32), np.array(begin, I32), np.array(size, I32)]
    with pytest.raises(ModelError, match="SLICE"):
        run_model(model, feeds)


# -- STRIDED_SLICE -----------------------------------------------------------------------

@st.composite
def strided_slices(draw):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    rank = len(shape)
    index = st.integers(-7, 7)
    begin = [draw(index) for _ in shape]
    end = [draw(index) for _ in shape]
    strides = [draw(st.sampled_from([-3, -2, -1, 1, 1, 2, 3])) for _ in shape]
    begin_mask = draw(st.integers(0, 2 ** rank - 1))
    end_mask = draw(st.integers(0, 2 ** rank - 1))
    shrink = 0
    for axis, d in enumerate(shape):
        # TFLM copies a shrunk axis only with a positive stride and an in-range begin
        if strides[axis] > 0 and draw(st.integers(0, 3)) == 0:
            begin[axis] = draw(st.integers(-d, d - 1))
            begin_mask &= ~(1 << axis)
            shrink |= 1 << axis
    return shape, begin, end, strides, begin_mask, end_mask, shrink


def strided_output_shape(shape, begin, end, strides, begin_mask, end_mask, shrink):
    from interpreter.ops.slice import strided_slice_range
    out = []
    for axis, d in enumerate(shape):
        r = strided_slice_range(axis, d, begin[axis], end[axis], strides[axis], begin_mask,
                                end_mask, bool(shrink >> axis & 1))
        if not shrink >> axis & 1:
            out.append(len(r))
    return out


def strided_model(dtype, q, case, extra_options=None):
    shape, begin, end, strides, begin_mask, end_mask, shrink = case
    out = strided_output_shape(*case)
    options = {"begin_mask": begin_mask, "end_mask": end_mask, "shrink_axis_mask": shrink}
    options.update(extra_options or {})
    return single_op_model("STRIDED_SLICE", [T(dtype, shape, *q), const(begin), const(end),
                                             const(strides)], [T(dtype, out, *q)], options), out


def run_strided_slice(case, dtype, q, seed, check=assert_matches_tflm):
    model, out = strided_model(dtype, q, case)
    if 0 in out:
        return
    check(model, [data(seed, dtype, case[0])])


def check_strided_slice(drawn) -> None:
    case, dq, seed = drawn
    run_strided_slice(case, dq[0], dq[1], seed)


@budgets(ci=200, slow=1000)
def test_strided_slice(examples):
    explore(examples, st.tuples(strided_slices(), typed(SLICE_TYPES), seeds), check_strided_slice)


@ci(7)
@given(strided_slices(), typed(SLICE_TYPES + TFLITE_ONLY), seeds)
def test_strided_slice_tflite_matches_litert(case, dq, seed):
    run_strided_slice(case, dq[0], dq[1], seed, assert_matches_litert)


@pytest.mark.parametrize("dtype", TFLITE_ONLY)
def test_strided_slice_types_only_litert_runs(dtype):
    run_strided_slice(((3, 4), [0, 1], [3, 4], [2, 2], 0, 0, 0), dtype, example_quant(dtype), 0,
                      lambda model, feeds: assert_tflite_only(model, feeds, "STRIDED_SLICE"))


@pytest.mark.parametrize("flag,litert_result", [
    ("offset", [[1, 2], [4, 5]]),          # LiteRT: end = begin + end, output resized
    ("ellipsis_mask", [[1], [4]]),         # same here: begin/end cover every axis
    ("new_axis_mask", [[[3, 4, 5]]]),      # LiteRT inserts an axis
])
def test_strided_slice_ignores_what_tflm_ignores(flag, litert_result):
    # TFLM never copies offset / ellipsis_mask / new_axis_mask into its kernel's
    # parameters; neither does this op. LiteRT honours them.
    case = ((2, 3), [0, 1], [2, 2], [1, 1], 0, 0, 0)
    model, _ = strided_model(F32, (None, 0), case, {flag: 1 if flag != "offset" else True})
    x = np.arange(6, dtype=F32).reshape(2, 3)
    ours = assert_matches_tflm(model, [x])[0]
    assert_same(ours, x[0:2, 1:2])
    assert run_litert(model, [x])[0].tolist() == litert_result


def test_strided_slice_shrunk_axis_with_negative_stride_is_an_error():
    # TFLM's copy loop visits nothing on such an axis and leaves the output unwritten.
    case = ((3, 2), [1, 0], [2, 2], [-1, 1], 0, 0, 1)
    model, _ = strided_model(F32, (None, 0), case)
    with pytest.raises(ModelError, match="STRIDED_SLICE.*shrunk axis"):
        run_model(model, [np.zeros((3, 2), F32)])
