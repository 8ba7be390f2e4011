"""PACK and UNPACK against the TFLM runtime."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_tflm
from single_op import T, assert_matches_tflm, assert_same, seeds, single_op_model
from typed_data import F32, I8, I16, I32, I64, SLOW, ci, data, shapes, typed


def run_pack(shape, n, axis, dtype, q, seed):
    rank = len(shape)
    out_shape = shape[:axis] + (n,) + shape[axis:]
    axis_opt = axis - (rank + 1) if seed % 2 else axis
    model = single_op_model("PACK", [T(dtype, shape, *q)] * n, [T(dtype, out_shape, *q)],
                            {"values_count": n, "axis": axis_opt})
    assert_matches_tflm(model, [data(seed + i, dtype, shape) for i in range(n)])


@ci(5)
@given(shapes, st.integers(1, 4), st.data(), typed([F32, I8, I16, I32, I64]), seeds)
def test_pack(shape, n, draw, dq, seed):
    axis = draw.draw(st.integers(0, len(shape)))
    run_pack(shape, n, axis, dq[0], dq[1], seed)


def run_unpack(shape, axis, dtype, q, seed):
    out_shape = shape[:axis] + shape[axis + 1:]
    n = shape[axis]
    model = single_op_model("UNPACK", [T(dtype, shape, *q)], [T(dtype, out_shape, *q)] * n,
                            {"num": n, "axis": axis - len(shape) if seed % 2 else axis})
    x = data(seed, dtype, shape)
    ours = run_model(model, [x])
    ref = run_tflm(model, [x], n_outputs=n)
    for i, (a, r) in enumerate(zip(ours, ref)):
        assert_same(a, r, f"output {i} vs TFLM")


@ci(4)
@given(shapes, st.data(), typed([F32, I8, I16, I32]), seeds)
def test_unpack(shape, draw, dq, seed):
    run_unpack(shape, draw.draw(st.integers(0, len(shape) - 1)), dq[0], dq[1], seed)


@pytest.mark.slow
@SLOW
@given(shapes, st.data(), typed([F32, I8, I16, I32]), seeds)
def test_pack_unpack_slow(shape, draw, dq, seed):
    run_unpack(shape, draw.draw(st.integers(0, len(shape) - 1)), dq[0], dq[1], seed)
    if dq[0] != I64:
        run_pack(shape, draw.draw(st.integers(1, 4)), draw.draw(st.integers(0, len(shape))),
                 dq[0], dq[1], seed)
