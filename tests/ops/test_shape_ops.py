"""SHAPE, FILL, BROADCAST_TO and BROADCAST_ARGS against the TFLM runtime, and SHAPE and
FILL under ``semantics="tflite"`` against LiteRT's reference kernels (which also run an
int64 SHAPE and bool, uint8, int16 and int64 FILL)."""
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
from typed_data import shapes
from typed_data import typed

from interpreter.errors import ModelError


@ci(2)
@given(st.lists(st.integers(1, 5), min_size=0, max_size=5).map(tuple),
       st.sampled_from([F32, I8, I16, I32, I64, BOOL]), seeds)
def test_shape(shape, dtype, seed):
    model = single_op_model("SHAPE", [T(dtype, shape)], [T(I32, [len(shape)])])
    assert_matches_tflm(model, [data(seed, dtype, shape)])


def shape_model(shape, dtype, out_type):
    return single_op_model("SHAPE", [T(dtype, shape)], [T(out_type, [len(shape)])],
                           {"out_type": np.dtype(out_type).name.upper()})


@ci(2)       # rank >= 1: LiteRT's Python API cannot read an empty output
@given(st.lists(st.integers(1, 5), min_size=1, max_size=5).map(tuple),
       st.sampled_from([F32, I8, U8, I16, I32, I64, BOOL]), st.sampled_from([I32, I64]), seeds)
def test_shape_tflite_matches_litert(shape, dtype, out_type, seed):
    assert_matches_litert(shape_model(shape, dtype, out_type), [data(seed, dtype, shape)])


def test_shape_int64_only_litert_runs():
    assert_tflite_only(shape_model((2, 3), F32, I64), [np.zeros((2, 3), F32)], "SHAPE")


def test_shape_tflite_requires_out_type_to_match_the_output():
    # LiteRT gives the output out_type's type (and fails on the default, FLOAT32)
    model = single_op_model("SHAPE", [T(F32, [2, 3])], [T(I64, [2])], {"out_type": "INT32"})
    with pytest.raises(ModelError, match="SHAPE.*out_type"):
        run_model(model, [np.zeros((2, 3), F32)], semantics="tflite")


FILL_TYPES = [F32, I8, I32]
FILL_TFLITE_ONLY = [BOOL, U8, I16, I64]   # LiteRT's reference kernels run them, TFLM refuses


def run_fill(shape, dtype, q, dims_type, seed, check=assert_matches_tflm):
    model = single_op_model("FILL", [const(shape, dims_type), T(dtype, [], *q)],
                            [T(dtype, shape, *q)])
    check(model, [data(seed, dtype, ())])


@ci(3)
@given(shapes, typed(FILL_TYPES), st.sampled_from([I32, I64]), seeds)
def test_fill(shape, dq, dims_type, seed):
    run_fill(shape, *dq, dims_type, seed)


@ci(7)
@given(shapes, typed(FILL_TYPES + FILL_TFLITE_ONLY), st.sampled_from([I32, I64]), seeds)
def test_fill_tflite_matches_litert(shape, dq, dims_type, seed):
    run_fill(shape, *dq, dims_type, seed, assert_matches_litert)


@pytest.mark.parametrize("dtype", FILL_TFLITE_ONLY)
def test_fill_types_only_litert_runs(dtype):
    run_fill((2, 3), dtype, (0.5, 3) if dtype == U8 else (None, 0), I32, 0,
             lambda model, feeds: assert_tflite_only(model, feeds, "FILL"))


@st.composite
def broadcasts(draw):
    out = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=5)))
    keep = draw(st.integers(0, len(out)))
    tail = out[len(out) - keep:]
    inp = tuple(1 if draw(st.booleans()) else d for d in tail)
    return inp, out


@ci(7)
@given(broadcasts(), st.sampled_from([F32, I8, I16, I32, I64, BOOL, np.uint8]),
       st.sampled_from([I32, I64]), seeds)
def test_broadcast_to(case, dtype, shape_type, seed):
    inp, out = case
    model = single_op_model("BROADCAST_TO", [T(dtype, inp), const(out, shape_type)],
                            [T(dtype, out)])
    assert_matches_tflm(model, [data(seed, dtype, inp)])


@ci(2)
@given(broadcasts(), st.sampled_from([I32, I64]), st.booleans(), st.booleans())
def test_broadcast_args(case, dtype, swap, constant):
    a, b = case
    a, b = (b, a) if swap else (a, b)
    n = max(len(a), len(b))
    constant = constant and len(a) > 0 and len(b) > 0    # no empty constant buffers
    ins = ([const(a, dtype), const(b, dtype)] if constant
           else [T(dtype, [len(a)]), T(dtype, [len(b)])])
    model = single_op_model("BROADCAST_ARGS", ins, [T(dtype, [n])])
    assert_matches_tflm(model, [] if constant else [np.array(a, dtype), np.array(b, dtype)])


def test_broadcast_args_incompatible_shapes_are_an_error():
    # TFLM aborts the process (TFLITE_CHECK), so it is not run here.
    model = single_op_model("BROADCAST_ARGS", [T(I32, [2]), T(I32, [2])], [T(I32, [2])])
    with pytest.raises(ModelError, match="BROADCAST_ARGS.*do not broadcast"):
        run_model(model, [np.array([2, 3], I32), np.array([2, 4], I32)])
