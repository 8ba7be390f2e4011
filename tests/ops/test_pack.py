"""PACK and UNPACK against the TFLM runtime, and ``semantics="tflite"`` against LiteRT's
reference kernels (which also run uint8 PACK, bool and uint8 UNPACK)."""
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
from typed_data import BOOL
from typed_data import F32
from typed_data import I8
from typed_data import I16
from typed_data import I32
from typed_data import I64
from typed_data import SLOW
from typed_data import U8
from typed_data import ci
from typed_data import data
from typed_data import example_quant
from typed_data import shapes
from typed_data import typed

PACK_TYPES, UNPACK_TYPES = [F32, I8, I16, I32, I64], [F32, I8, I16, I32]
# LiteRT's reference kernels run them, TFLM refuses them
PACK_TFLITE_ONLY, UNPACK_TFLITE_ONLY = [U8], [BOOL, U8]


def run_pack(shape, n, axis, dtype, q, seed, check=assert_matches_tflm):
    rank = len(shape)
    out_shape = shape[:axis] + (n,) + shape[axis:]
    axis_opt = axis - (rank + 1) if seed % 2 else axis
    model = single_op_model("PACK", [T(dtype, shape, *q)] * n, [T(dtype, out_shape, *q)],
                            {"values_count": n, "axis": axis_opt})
    check(model, [data(seed + i, dtype, shape) for i in range(n)])


@ci(5)
@given(shapes, st.integers(1, 4), st.data(), typed(PACK_TYPES), seeds)
def test_pack(shape, n, draw, dq, seed):
    axis = draw.draw(st.integers(0, len(shape)))
    run_pack(shape, n, axis, dq[0], dq[1], seed)


def run_unpack(shape, axis, dtype, q, seed, check=assert_matches_tflm):
    out_shape = shape[:axis] + shape[axis + 1:]
    n = shape[axis]
    model = single_op_model("UNPACK", [T(dtype, shape, *q)], [T(dtype, out_shape, *q)] * n,
                            {"num": n, "axis": axis - len(shape) if seed % 2 else axis})
    check(model, [data(seed, dtype, shape)], n)


@ci(4)
@given(shapes, st.data(), typed(UNPACK_TYPES), seeds)
def test_unpack(shape, draw, dq, seed):
    run_unpack(shape, draw.draw(st.integers(0, len(shape) - 1)), dq[0], dq[1], seed)


@pytest.mark.slow
@SLOW
@given(shapes, st.data(), typed(UNPACK_TYPES), seeds)
def test_pack_unpack_slow(shape, draw, dq, seed):
    run_unpack(shape, draw.draw(st.integers(0, len(shape) - 1)), dq[0], dq[1], seed)
    if dq[0] != I64:
        run_pack(shape, draw.draw(st.integers(1, 4)), draw.draw(st.integers(0, len(shape))),
                 dq[0], dq[1], seed)


@ci(6)
@given(shapes, st.data(), typed(PACK_TYPES + PACK_TFLITE_ONLY),
       typed(UNPACK_TYPES + UNPACK_TFLITE_ONLY), seeds)
def test_pack_unpack_tflite_matches_litert(shape, draw, pack_dq, unpack_dq, seed):
    run_pack(shape, draw.draw(st.integers(1, 4)), draw.draw(st.integers(0, len(shape))),
             *pack_dq, seed, assert_matches_litert)
    run_unpack(shape, draw.draw(st.integers(0, len(shape) - 1)), *unpack_dq, seed,
               assert_matches_litert)


def test_pack_unpack_types_only_litert_runs():
    for dtype in PACK_TFLITE_ONLY:
        run_pack((2, 3), 2, 0, dtype, example_quant(dtype), 0,
                 lambda model, feeds: assert_tflite_only(model, feeds, "PACK"))
    for dtype in UNPACK_TFLITE_ONLY:
        run_unpack((2, 3), 0, dtype, example_quant(dtype), 0,
                   lambda model, feeds, n: assert_tflite_only(model, feeds, "UNPACK", n))
