"""REDUCE_MAX, REDUCE_MIN and SUM against the TFLM runtime; and the empty axis list, which
these and MEAN reduce over nothing. ``semantics="tflite"`` against LiteRT's reference
kernels, which also run REDUCE_MAX / REDUCE_MIN bool, uint8, int16, int32, int64 and SUM
bool, uint8, int32, int64 (and SUM int16 with uninitialized output bytes, which the
flavor refuses)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflite_only
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import zero_points
from typed_data import BOOL
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
from typed_data import special_floats

from interpreter.builder import ModelBuilder
from interpreter.errors import UnsupportedOpError

# LiteRT's reference kernels run them, TFLM refuses them
EXTREMUM_TFLITE_ONLY = [BOOL, U8, I16, I32, I64]
SUM_TFLITE_ONLY = [BOOL, U8, I32, I64]


@st.composite
def reductions(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    rank = len(shape)
    axes = draw(st.lists(st.integers(-rank, rank - 1), min_size=1, max_size=3))
    return shape, axes, draw(st.booleans())


def run_reduce(op, case, dtype, q_in, q_out, seed, check=assert_matches_tflm):
    shape, axes, keep_dims = case
    reduced = {a % len(shape) for a in axes}
    out = tuple(1 if i in reduced else d for i, d in enumerate(shape)) if keep_dims \
        else tuple(d for i, d in enumerate(shape) if i not in reduced)
    model = single_op_model(op, [T(dtype, shape, *q_in), const(axes)], [T(dtype, out, *q_out)],
                            {"keep_dims": keep_dims})
    check(model, [special_floats(data(seed, dtype, shape), seed)])


@st.composite
def extremum_types(draw, types=(F32, I8)):
    dtype = draw(st.sampled_from(types))
    if dtype in (I8, U8):
        # TFLM (and LiteRT) need equal in/out params
        return dtype, (draw(scales()), draw(zero_points(dtype)))
    return dtype, (draw(scales()), 0) if dtype == I16 else (None, 0)


@ci(4)
@given(reductions(), extremum_types(), seeds, st.sampled_from(["REDUCE_MAX", "REDUCE_MIN"]))
def test_reduce_max_min(case, dq, seed, op):
    run_reduce(op, case, dq[0], dq[1], dq[1], seed)


@st.composite
def sum_types(draw, types=(F32, I8, I16)):
    dtype = draw(st.sampled_from(types))
    if dtype not in (I8, U8, I16):
        return dtype, (None, 0), (None, 0)
    zp = zero_points(dtype) if dtype != I16 else st.just(0)
    return dtype, (draw(scales()), draw(zp)), (draw(scales()), draw(zp))


@ci(3)
@given(reductions(), sum_types(), seeds)
def test_sum(case, dq, seed):
    run_reduce("SUM", case, dq[0], dq[1], dq[2], seed)


@pytest.mark.slow
@SLOW
@given(reductions(), extremum_types(), sum_types(), seeds,
       st.sampled_from(["REDUCE_MAX", "REDUCE_MIN"]))
def test_reduce_slow(case, dq, dq_sum, seed, op):
    run_reduce(op, case, dq[0], dq[1], dq[1], seed)
    run_reduce("SUM", case, dq_sum[0], dq_sum[1], dq_sum[2], seed)


@ci(6)
@given(reductions(), extremum_types((F32, I8, *EXTREMUM_TFLITE_ONLY)),
       sum_types((F32, I8, *SUM_TFLITE_ONLY)), seeds,
       st.sampled_from(["REDUCE_MAX", "REDUCE_MIN"]))
def test_reduce_tflite_matches_litert(case, dq, dq_sum, seed, op):
    # full-range int32 / int64 values: the sums wrap in both
    run_reduce(op, case, dq[0], dq[1], dq[1], seed, assert_matches_litert)
    run_reduce("SUM", case, *dq_sum, seed, assert_matches_litert)


@pytest.mark.parametrize("op,dtype", [(op, t) for op in ("REDUCE_MAX", "REDUCE_MIN")
                                      for t in EXTREMUM_TFLITE_ONLY]
                         + [("SUM", t) for t in SUM_TFLITE_ONLY])
def test_reduce_types_only_litert_runs(op, dtype):
    q = (0.05, 3) if dtype in (U8, I16) and op != "SUM" else (None, 0)
    q = (0.05, 0) if dtype == I16 else (0.05, 128) if dtype == U8 else q
    run_reduce(op, ((2, 3, 4), [1], False), dtype, q, q, 0,
               lambda model, feeds: assert_tflite_only(model, feeds, op))


def test_sum_int16_tflite_refuses_what_litert_leaves_uninitialized():
    # LiteRT's reference SUM int16 runs its uint8 code on the first bytes of the input and
    # writes only the first bytes of the output (tests/test_semantics_tflite.py::
    # test_divergence_sum_int16_is_not_reproducible): semantics="tflite" refuses it.
    model = single_op_model("SUM", [T(I16, [2, 3], 0.05, 0), const([1])], [T(I16, [2], 0.05, 0)])
    x = np.ones((2, 3), I16)
    assert_matches_tflm(model, [x])
    with pytest.raises(UnsupportedOpError, match="SUM.*uninitialized memory"):
        run_model(model, [x], semantics="tflite")


def test_reduce_max_of_all_minus_inf_is_lowest_float_like_tflm():
    model = single_op_model("REDUCE_MAX", [T(F32, [1, 3]), const([1])], [T(F32, [1])])
    ours = assert_matches_tflm(model, [np.full((1, 3), -np.inf, F32)])[0]
    assert ours[0] == np.finfo(np.float32).min


def test_sum_of_negative_zeros_is_positive_zero_like_tflm():
    model = single_op_model("SUM", [T(F32, [2, 3]), const([1])], [T(F32, [2])])
    ours = assert_matches_tflm(model, [np.full((2, 3), -0.0, F32)])[0]
    assert not np.signbit(ours).any()


@pytest.mark.parametrize("op", ["MEAN", "SUM", "REDUCE_MAX"])
def test_empty_axis_list_is_an_empty_constant(op):
    """An axis tensor of shape [0] has no bytes, so its buffer looks like "no data";
    the loader takes it as an empty constant (reduce over nothing), as TFLM does."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (1, 4, 3), scale=0.1, zero_point=2)
    axis = b.add_tensor("axis", np.int32, (0,), data=np.zeros((0,), np.int32))
    y = b.add_tensor("y", np.int8, (1, 4, 3), scale=0.1, zero_point=2)
    b.add_operator(op, [x, axis], [y], options={"keep_dims": True})
    b.set_inputs([x])
    b.set_outputs([y])
    feed = np.arange(-60, 60, 10, dtype=np.int8).reshape(1, 4, 3)
    assert_matches_tflm(b.build(), [feed])
