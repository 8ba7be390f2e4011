"""SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND and SPACE_TO_DEPTH / DEPTH_TO_SPACE against the
TFLM runtime (their slow runs share one test), and ``semantics="tflite"`` against LiteRT's
reference kernels, which also run bool, uint8, int16, int32 and int64 (SPACE_TO_DEPTH /
DEPTH_TO_SPACE: uint8, int32 and int64)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
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
from typed_data import SLOW
from typed_data import U8
from typed_data import ci
from typed_data import const
from typed_data import data
from typed_data import example_quant
from typed_data import typed

# LiteRT's reference kernels run them, TFLM refuses them
DEPTH_TFLITE_ONLY = [U8, I32, I64]
BATCH_TFLITE_ONLY = [BOOL, U8, I16, I32, I64]

# -- SPACE_TO_DEPTH / DEPTH_TO_SPACE ------------------------------------------------------

@st.composite
def block_cases(draw):
    bs = draw(st.integers(1, 3))
    n, h, w, c = (draw(st.integers(1, 3)) for _ in range(4))
    return bs, n, h, w, c


def run_space_depth(case, dtype, q, seed, to_depth, check=assert_matches_tflm):
    bs, n, h, w, c = case
    if to_depth:
        inp, out = (n, h * bs, w * bs, c), (n, h, w, c * bs * bs)
    else:
        inp, out = (n, h, w, c * bs * bs), (n, h * bs, w * bs, c)
    op = "SPACE_TO_DEPTH" if to_depth else "DEPTH_TO_SPACE"
    model = single_op_model(op, [T(dtype, inp, *q)], [T(dtype, out, *q)], {"block_size": bs})
    check(model, [data(seed, dtype, inp)])


@ci(4)
@given(block_cases(), typed([F32, I8]), seeds, st.booleans())
def test_space_depth(case, dq, seed, to_depth):
    run_space_depth(case, dq[0], dq[1], seed, to_depth)


# -- SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND ---------------------------------------------

@st.composite
def space_batch_cases(draw):
    rank = draw(st.sampled_from([3, 4]))
    spatial = rank - 2
    block = [draw(st.integers(1, 3)) for _ in range(spatial)]
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    # padded spatial sizes are multiples of the block; the paddings split the excess
    padded = [b * draw(st.integers(1, 3)) for b in block]
    pads = []
    for p in padded:
        total = draw(st.integers(0, p - 1))
        before = draw(st.integers(0, total))
        pads.append([before, total - before])
    space = [p - sum(pd) for p, pd in zip(padded, pads)]
    return rank, block, n, c, pads, space, padded


def run_space_to_batch(case, dtype, q, seed, constant, check=None):
    _, block, n, c, pads, space, padded = case
    inp = (n, *space, c)
    out = (n * int(np.prod(block)), *[p // b for p, b in zip(padded, block)], c)
    ins = [T(dtype, inp, *q)] + ([const(block), const(pads)] if constant
                                 else [T(I32, [len(block)]), T(I32, [len(block), 2])])
    model = single_op_model("SPACE_TO_BATCH_ND", ins, [T(dtype, out, *q)])
    extra = [] if constant else [np.array(block, I32), np.array(pads, I32)]
    x = data(seed, dtype, inp)
    if check is not None:
        check(model, [x] + extra)
        return
    ours = run_model(model, [x] + extra)[0]
    ref = run_tflm(model, [x] + extra)[0]
    # TFLM fills the padding with a byte of never-initialized kernel parameters
    # (SpaceToBatchParams.output_offset in a persistent buffer): only the copied
    # elements are defined. Those must match; ours pads with 0.
    padding = run_model(model, [np.ones(inp, dtype)] + extra)[0] == 0
    assert_same(np.where(padding, ref.dtype.type(0), ref), ours, "output 0 vs TFLM")


def run_batch_to_space(case, dtype, q, seed, constant, check=assert_matches_tflm):
    _, block, n, c, crops, space, full = case
    inp = (n * int(np.prod(block)), *[f // b for f, b in zip(full, block)], c)
    out = (n, *space, c)
    ins = [T(dtype, inp, *q)] + ([const(block), const(crops)] if constant
                                 else [T(I32, [len(block)]), T(I32, [len(block), 2])])
    model = single_op_model("BATCH_TO_SPACE_ND", ins, [T(dtype, out, *q)])
    feeds = [data(seed, dtype, inp)]
    if not constant:
        feeds += [np.array(block, I32), np.array(crops, I32)]
    check(model, feeds)


@ci(4)
@given(space_batch_cases(), typed([F32, I8]), seeds, st.booleans())
def test_space_to_batch_nd(case, dq, seed, constant):
    run_space_to_batch(case, dq[0], dq[1], seed, constant)


@ci(4)
@given(space_batch_cases(), typed([F32, I8]), seeds, st.booleans())
def test_batch_to_space_nd(case, dq, seed, constant):
    run_batch_to_space(case, dq[0], dq[1], seed, constant)


@pytest.mark.slow
@SLOW
@given(space_batch_cases(), typed([F32, I8]), seeds, st.booleans(), block_cases(),
       st.booleans())
def test_space_batch_depth_slow(case, dq, seed, constant, block_case, to_depth):
    run_space_to_batch(case, dq[0], dq[1], seed, constant)
    run_batch_to_space(case, dq[0], dq[1], seed, constant)
    run_space_depth(block_case, dq[0], dq[1], seed, to_depth)


def test_space_to_batch_pads_with_zero_litert_with_the_zero_point():
    # TFLM's padding byte is uninitialized memory (see run_space_to_batch); this op
    # writes 0, LiteRT's reference kernel the int8 output zero point.
    model = single_op_model(
        "SPACE_TO_BATCH_ND",
        [T(I8, [1, 2, 2, 1], 0.5, 5), const([2, 2]), const([[0, 2], [0, 0]])],
        [T(I8, [4, 2, 1, 1], 0.5, 5)])
    x = np.full((1, 2, 2, 1), 9, I8)
    assert run_model(model, [x])[0].ravel().tolist() == [9, 0] * 4
    assert run_litert(model, [x])[0].ravel().tolist() == [9, 5] * 4


@ci(8)
@given(space_batch_cases(), typed([F32, I8] + BATCH_TFLITE_ONLY), seeds, st.booleans(),
       block_cases(), typed([F32, I8] + DEPTH_TFLITE_ONLY), st.booleans())
def test_space_batch_depth_tflite_matches_litert(case, dq, seed, constant, block_case,
                                                 depth_dq, to_depth):
    # SPACE_TO_BATCH_ND pads 8- and 16-bit types with the output zero point, others with 0
    run_space_to_batch(case, *dq, seed, constant, assert_matches_litert)
    run_batch_to_space(case, *dq, seed, constant, assert_matches_litert)
    run_space_depth(block_case, *depth_dq, seed, to_depth, assert_matches_litert)


def test_space_batch_depth_types_only_litert_runs():
    case = (4, [2, 2], 1, 1, [[0, 1], [1, 0]], [1, 1], [2, 2])
    for dtype in BATCH_TFLITE_ONLY:
        # a quantized bool tensor too: LiteRT pads it with the zero point's byte (3)
        q = (0.5, 3) if dtype != I16 else (0.5, 0)
        run_space_to_batch(case, dtype, q, 0, True,
                           lambda m, f: assert_tflite_only(m, f, "SPACE_TO_BATCH_ND"))
        run_batch_to_space(case, dtype, q, 0, True,
                           lambda m, f: assert_tflite_only(m, f, "BATCH_TO_SPACE_ND"))
    for dtype in DEPTH_TFLITE_ONLY:
        for to_depth, op in ((True, "SPACE_TO_DEPTH"), (False, "DEPTH_TO_SPACE")):
            run_space_depth((2, 1, 2, 2, 1), dtype, example_quant(dtype), 0, to_depth,
                            lambda m, f, op=op: assert_tflite_only(m, f, op))
