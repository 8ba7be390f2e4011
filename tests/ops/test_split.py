"""SPLIT and SPLIT_V against the TFLM runtime."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_tflm
from single_op import T, assert_same, seeds, single_op_model
from typed_data import F32, I8, I16, I32, SLOW, ci, const, data, typed


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


def check_outputs(model, feeds, n):
    ours = run_model(model, feeds)
    ref = run_tflm(model, feeds, n_outputs=n)
    assert len(ours) == n
    for i, (a, r) in enumerate(zip(ours, ref)):
        assert_same(a, r, f"output {i} vs TFLM")


def run_split(case, dtype, q, seed):
    shape, axis, axis_opt, sizes = case
    outs = [T(dtype, shape[:axis] + (s,) + shape[axis + 1:], *q) for s in sizes]
    model = single_op_model("SPLIT", [const(axis_opt), T(dtype, shape, *q)], outs,
                            {"num_splits": len(sizes)})
    check_outputs(model, [data(seed, dtype, shape)], len(sizes))


def run_split_v(case, dtype, q, seed, stretch):
    shape, axis, axis_opt, sizes = case
    requested = list(sizes)
    if stretch is not None:
        requested[stretch % len(sizes)] = -1
    outs = [T(dtype, shape[:axis] + (s,) + shape[axis + 1:], *q) for s in sizes]
    model = single_op_model("SPLIT_V", [T(dtype, shape, *q), const(requested), const(axis_opt)],
                            outs, {"num_splits": len(sizes)})
    check_outputs(model, [data(seed, dtype, shape)], len(sizes))


@ci(4)
@given(splits(equal=True), typed([F32, I8, I16, I32]), seeds)
def test_split(case, dq, seed):
    run_split(case, dq[0], dq[1], seed)


@ci(4)
@given(splits(equal=False), typed([F32, I8, I16, I32]), seeds,
       st.one_of(st.none(), st.integers(0, 3)))
def test_split_v(case, dq, seed, stretch):
    run_split_v(case, dq[0], dq[1], seed, stretch)


@pytest.mark.slow
@SLOW
@given(splits(equal=True), splits(equal=False), typed([F32, I8, I16, I32]), seeds,
       st.one_of(st.none(), st.integers(0, 3)))
def test_split_slow(case, case_v, dq, seed, stretch):
    run_split(case, dq[0], dq[1], seed)
    run_split_v(case_v, dq[0], dq[1], seed, stretch)
