"""GATHER and GATHER_ND against the TFLM runtime."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_tflm
from single_op import T, assert_matches_tflm, seeds, single_op_model
from typed_data import F32, I8, I32, SLOW, ci, data, quant

from interpreter.errors import ModelError


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


def run_gather(case, dtype, q, seed, constant_coords):
    shape, axis, batch_dims, coords_shape, axis_opt, bd_opt = case
    rng = np.random.default_rng(seed)
    coords = rng.integers(0, shape[axis], size=coords_shape).astype(np.int32)
    out_shape = shape[:axis] + coords_shape[batch_dims:] + shape[axis + 1:]
    coords_t = T(I32, coords_shape, data=coords) if constant_coords else T(I32, coords_shape)
    model = single_op_model("GATHER", [T(dtype, shape, *q), coords_t], [T(dtype, out_shape, *q)],
                            {"axis": axis_opt, "batch_dims": bd_opt})
    feeds = [data(seed, dtype, shape)] + ([] if constant_coords else [coords])
    assert_matches_tflm(model, feeds)


@ci(2)
@given(gathers(), st.sampled_from([F32, I8]).flatmap(lambda d: st.tuples(st.just(d), quant(d))),
       seeds, st.booleans())
def test_gather(case, dq, seed, constant_coords):
    run_gather(case, dq[0], dq[1], seed, constant_coords)


@pytest.mark.slow
@SLOW
@given(gathers(), st.sampled_from([F32, I8]).flatmap(lambda d: st.tuples(st.just(d), quant(d))),
       seeds, st.booleans())
def test_gather_slow(case, dq, seed, constant_coords):
    run_gather(case, dq[0], dq[1], seed, constant_coords)


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


def run_gather_nd(case, dtype, q, seed):
    params, nd, batch = case
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.integers(0, params[j], size=batch) for j in range(nd)], axis=-1)
    idx = idx.astype(np.int32).reshape(batch + (nd,))
    out_shape = batch + params[nd:]
    model = single_op_model("GATHER_ND", [T(dtype, params, *q), T(I32, idx.shape)],
                            [T(dtype, out_shape, *q)])
    assert_matches_tflm(model, [data(seed, dtype, params), idx])


@ci(2)
@given(gather_nds(), st.sampled_from([F32, I8]).flatmap(
    lambda d: st.tuples(st.just(d), quant(d))), seeds)
def test_gather_nd(case, dq, seed):
    run_gather_nd(case, dq[0], dq[1], seed)


@pytest.mark.slow
@SLOW
@given(gather_nds(), st.sampled_from([F32, I8]).flatmap(
    lambda d: st.tuples(st.just(d), quant(d))), seeds)
def test_gather_nd_slow(case, dq, seed):
    run_gather_nd(case, dq[0], dq[1], seed)


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
