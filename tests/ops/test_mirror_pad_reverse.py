"""MIRROR_PAD and REVERSE_V2 against the TFLM runtime (their slow runs share one test), and
MIRROR_PAD under ``semantics="tflite"`` against LiteRT's reference kernels (which also run
bool, uint8, int16, int32 and int64)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
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
from typed_data import SLOW
from typed_data import U8
from typed_data import ci
from typed_data import const
from typed_data import data
from typed_data import example_quant
from typed_data import shapes
from typed_data import typed

from interpreter.errors import ModelError

# -- REVERSE_V2 ---------------------------------------------------------------------------

def run_reverse(shape, axes, dtype, q, seed, constant_axes):
    axis_t = const(axes) if constant_axes else T(I32, [len(axes)])
    model = single_op_model("REVERSE_V2", [T(dtype, shape, *q), axis_t], [T(dtype, shape, *q)])
    feeds = [data(seed, dtype, shape)] + ([] if constant_axes else [np.array(axes, I32)])
    assert_matches_tflm(model, feeds)


@st.composite
def reverse_axes(draw, shape):
    rank = len(shape)
    first = draw(st.integers(0, rank - 1))
    count = draw(st.integers(1, rank - first))
    axes = draw(st.permutations(range(first, first + count)))  # TFLM needs a contiguous run
    return [a - rank if draw(st.booleans()) else a for a in axes]


@ci(7)
@given(shapes, st.data(), typed([F32, I8, np.uint8, I16, I32, I64, BOOL]), seeds, st.booleans())
def test_reverse_v2(shape, draw, dq, seed, constant_axes):
    run_reverse(shape, draw.draw(reverse_axes(shape)), dq[0], dq[1], seed, constant_axes)


@pytest.mark.parametrize("axes", [[0, 2], [1, 1]])
def test_reverse_v2_non_contiguous_axes_are_an_error(axes):
    model = single_op_model("REVERSE_V2", [T(F32, [2, 2, 2]), T(I32, [2])], [T(F32, [2, 2, 2])])
    feeds = [np.zeros((2, 2, 2), F32), np.array(axes, I32)]
    with pytest.raises(RuntimeError):
        run_tflm(model, feeds)
    with pytest.raises(ModelError, match="REVERSE_V2.*not contiguous"):
        run_model(model, feeds)


# -- MIRROR_PAD ------------------------------------------------------------------------

@st.composite
def mirror_pads(draw):
    shape = draw(shapes)
    mode = draw(st.sampled_from(["REFLECT", "SYMMETRIC"]))
    limit = 1 if mode == "REFLECT" else 0
    pads = [[draw(st.integers(0, d - limit)), draw(st.integers(0, d - limit))] for d in shape]
    return shape, mode, pads


MIRROR_TFLITE_ONLY = [BOOL, U8, I16, I32, I64]   # LiteRT runs them, TFLM refuses them


def run_mirror_pad(case, dtype, q, seed, constant, pad_type, check=assert_matches_tflm):
    shape, mode, pads = case
    out = tuple(d + a + b for d, (a, b) in zip(shape, pads))
    pads_t = const(pads, pad_type) if constant else T(pad_type, [len(shape), 2])
    model = single_op_model("MIRROR_PAD", [T(dtype, shape, *q), pads_t], [T(dtype, out, *q)],
                            {"mode": mode})
    feeds = [data(seed, dtype, shape)] + ([] if constant else [np.array(pads, pad_type)])
    check(model, feeds)


@ci(7)
@given(mirror_pads(), typed([F32, I8] + MIRROR_TFLITE_ONLY), seeds, st.booleans(),
       st.sampled_from([I32, I64]))
def test_mirror_pad_tflite_matches_litert(case, dq, seed, constant, pad_type):
    run_mirror_pad(case, *dq, seed, constant, pad_type, assert_matches_litert)


@pytest.mark.parametrize("dtype", MIRROR_TFLITE_ONLY)
def test_mirror_pad_types_only_litert_runs(dtype):
    run_mirror_pad(((2, 3), "REFLECT", [[1, 1], [1, 1]]), dtype, example_quant(dtype), 0, True, I32,
                   lambda model, feeds: assert_tflite_only(model, feeds, "MIRROR_PAD"))


@ci(2)
@given(mirror_pads(), typed([F32, I8]), seeds, st.booleans(), st.sampled_from([I32, I64]))
def test_mirror_pad(case, dq, seed, constant, pad_type):
    run_mirror_pad(case, dq[0], dq[1], seed, constant, pad_type)


@pytest.mark.slow
@SLOW
@given(mirror_pads(), typed([F32, I8]), seeds, st.booleans(), st.sampled_from([I32, I64]),
       shapes, st.data(), typed([F32, I8, I16, I32, I64, BOOL]))
def test_mirror_pad_reverse_slow(case, dq, seed, constant, pad_type, shape, draw, dq2):
    run_mirror_pad(case, dq[0], dq[1], seed, constant, pad_type)
    run_reverse(shape, draw.draw(reverse_axes(shape)), dq2[0], dq2[1], seed, constant)
