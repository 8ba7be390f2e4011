"""GATHER and GATHER_ND against the TFLM runtime, and ``semantics="tflite"`` against
LiteRT's reference kernels (which also run bool, uint8, int16, int32 and int64 tensors, and
int16 and int64 indices)."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
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
from typed_data import data
from typed_data import example_quant
from typed_data import quant
from typed_data import typed

from interpreter.errors import ModelError

TFLITE_ONLY = [BOOL, U8, I16, I32, I64]   # LiteRT's reference kernels run them, TFLM refuses them
INDEX_TYPES = [I16, I32, I64]             # LiteRT's; TFLM takes int32 only


@st.composite
def gathers(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple))
    rank = len(shape)
    axis = draw(st.integers(0, rank - 1))
    batch_dims = draw(st.integers(0, min(axis, rank - 1)))
    extra = draw(st.lists(st.integers(1, 3), min_size=0 if batch_dims else 1, max_size=2))
    coords_shape = tuple(shape[:batch_dims]) + tuple(extra)
    # negative forms of the options, as the converter may write them
    axis_opt = axis - rank if draw(st.booleans()) else axis
    negative = batch_dims - len(coords_shape)
    bd_opt = negative if negative < 0 and batch_dims and draw(st.booleans()) else batch_dims
    return shape, axis, batch_dims, coords_shape, axis_opt, bd_opt


def run_gather(case, dtype, q, seed, constant_coords, check=assert_matches_tflm,
               index_type=I32):
    shape, axis, batch_dims, coords_shape, axis_opt, bd_opt = case
    rng = np.random.default_rng(seed)
    coords = rng.integers(0, shape[axis], size=coords_shape).astype(index_type)
    out_shape = shape[:axis] + coords_shape[batch_dims:] + shape[axis + 1:]
    coords_t = (T(index_type, coords_shape, data=coords) if constant_coords
                else T(index_type, coords_shape))
    model = single_op_model("GATHER", [T(dtype, shape, *q), coords_t], [T(dtype, out_shape, *q)],
                            {"axis": axis_opt, "batch_dims": bd_opt})
    feeds = [data(seed, dtype, shape)] + ([] if constant_coords else [coords])
    check(model, feeds)


def _check_gather(drawn):
    case, dq, seed, constant_coords = drawn
    run_gather(case, dq[0], dq[1], seed, constant_coords)


@budgets(ci=80, slow=1000)
def test_gather(examples):
    explore(examples, st.tuples(
        gathers(), st.sampled_from([F32, I8]).flatmap(lambda d: st.tuples(st.just(d), quant(d))),
        seeds, st.booleans()), _check_gather)


@ci(7)
@given(gathers(), typed([F32, I8] + TFLITE_ONLY), seeds, st.booleans(),
       st.sampled_from(INDEX_TYPES))
def test_gather_tflite_matches_litert(case, dq, seed, constant_coords, index_type):
    run_gather(case, *dq, seed, constant_coords, assert_matches_litert, index_type)


@pytest.mark.parametrize("dtype,index_type", [(t, I32) for t in TFLITE_ONLY]
                         + [(F32, I16), (F32, I64)])
def test_gather_types_only_litert_runs(dtype, index_type):
    run_gather(((4, 3), 0, 0, (3,), 0, 0), dtype, example_quant(dtype), 0, False,
               lambda model, feeds: assert_tflite_only(model, feeds, "GATHER"), index_type)


@pytest.mark.parametrize("bad", [3, -1])
def test_gather_index_out_of_range_is_an_error(bad):
    # TFLM's invoke fails (kTfLiteError) rather than reading outside the input.
    model = single_op_model("GATHER", [T(F32, [3, 2]), T(I32, [2])], [T(F32, [2, 2])],
                            {"axis": 0})
    feeds = [np.zeros((3, 2), F32), np.array([0, bad], I32)]
    with pytest.raises(RuntimeError):
        run_tflm(model, feeds)
    with pytest.raises(ModelError, match=f"GATHER.*position {bad} is out of range"):
        run_model(model, feeds)


@st.composite
def gather_nds(draw):
    params = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple))
    nd = draw(st.integers(1, len(params)))
    batch = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    return params, nd, batch


def run_gather_nd(case, dtype, q, seed, check=assert_matches_tflm, index_type=I32):
    params, nd, batch = case
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.integers(0, params[j], size=batch) for j in range(nd)], axis=-1)
    idx = idx.astype(index_type).reshape(batch + (nd,))
    out_shape = batch + params[nd:]
    model = single_op_model("GATHER_ND", [T(dtype, params, *q), T(index_type, idx.shape)],
                            [T(dtype, out_shape, *q)])
    check(model, [data(seed, dtype, params), idx])


def _check_gather_nd(drawn):
    case, dq, seed = drawn
    run_gather_nd(case, dq[0], dq[1], seed)


@budgets(ci=80, slow=1000)
def test_gather_nd(examples):
    explore(examples, st.tuples(gather_nds(), st.sampled_from([F32, I8]).flatmap(
        lambda d: st.tuples(st.just(d), quant(d))), seeds), _check_gather_nd)


@ci(7)
@given(gather_nds(), typed([F32, I8] + TFLITE_ONLY), seeds, st.sampled_from(INDEX_TYPES))
def test_gather_nd_tflite_matches_litert(case, dq, seed, index_type):
    run_gather_nd(case, *dq, seed, assert_matches_litert, index_type)


@pytest.mark.parametrize("dtype,index_type", [(t, I32) for t in TFLITE_ONLY]
                         + [(F32, I16), (F32, I64)])
def test_gather_nd_types_only_litert_runs(dtype, index_type):
    run_gather_nd(((3, 2), 1, (2,)), dtype, example_quant(dtype), 0,
                  lambda model, feeds: assert_tflite_only(model, feeds, "GATHER_ND"), index_type)


def test_gather_nd_checks_only_the_flat_position_like_tflm():
    model = single_op_model("GATHER_ND", [T(F32, [2, 3]), T(I32, [1, 2])], [T(F32, [1])])
    x = np.arange(6, dtype=F32).reshape(2, 3)
    # [0, 5] and [-1, 4] are out of range per dimension but land inside the tensor:
    # TFLM reads flat positions 5 and 1, and so does this op.
    for idx, expected in (([0, 5], 5.0), ([-1, 4], 1.0)):
        ours = assert_matches_tflm(model, [x, np.array([idx], I32)])
        assert ours[0].tolist() == [expected]
    # [2, 0] leaves the tensor: TFLM's invoke fails, this op raises.
    feeds = [x, np.array([[2, 0]], I32)]
    with pytest.raises(RuntimeError):
        run_tflm(model, feeds)
    with pytest.raises(ModelError, match="GATHER_ND.*outside the params"):
        run_model(model, feeds)


@pytest.mark.parametrize("idx", [[0, 5], [-1, 4], [2, 0]])
def test_gather_nd_tflite_checks_every_dimension_like_litert(idx):
    # LiteRT's GatherNd fails on an index outside its dimension, even where the flat
    # position lands inside the tensor (which TFLM reads); semantics="tflite" raises too.
    model = single_op_model("GATHER_ND", [T(F32, [2, 3]), T(I32, [1, 2])], [T(F32, [1])])
    feeds = [np.arange(6, dtype=F32).reshape(2, 3), np.array([idx], I32)]
    with pytest.raises(RuntimeError):
        run_litert(model, feeds)
    with pytest.raises(ModelError, match="GATHER_ND.*out of range for the params shape"):
        run_model(model, feeds, semantics="tflite")
