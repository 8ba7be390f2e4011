"""SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND and SPACE_TO_DEPTH / DEPTH_TO_SPACE against the
TFLM runtime (their slow runs share one test)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert, run_tflm
from single_op import T, assert_matches_tflm, assert_same, seeds, single_op_model
from typed_data import F32, I8, I32, SLOW, ci, const, data, typed

# -- SPACE_TO_DEPTH / DEPTH_TO_SPACE ------------------------------------------------------

@st.composite
def block_cases(draw):
    bs = draw(st.integers(1, 3))
    n, h, w, c = (draw(st.integers(1, 3)) for _ in range(4))
    return bs, n, h, w, c


def run_space_depth(case, dtype, q, seed, to_depth):
    bs, n, h, w, c = case
    if to_depth:
        inp, out = (n, h * bs, w * bs, c), (n, h, w, c * bs * bs)
    else:
        inp, out = (n, h, w, c * bs * bs), (n, h * bs, w * bs, c)
    op = "SPACE_TO_DEPTH" if to_depth else "DEPTH_TO_SPACE"
    model = single_op_model(op, [T(dtype, inp, *q)], [T(dtype, out, *q)], {"block_size": bs})
    assert_matches_tflm(model, [data(seed, dtype, inp)])


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


def run_space_to_batch(case, dtype, q, seed, constant):
    _, block, n, c, pads, space, padded = case
    inp = (n, *space, c)
    out = (n * int(np.prod(block)), *[p // b for p, b in zip(padded, block)], c)
    ins = [T(dtype, inp, *q)] + ([const(block), const(pads)] if constant
                                 else [T(I32, [len(block)]), T(I32, [len(block), 2])])
    model = single_op_model("SPACE_TO_BATCH_ND", ins, [T(dtype, out, *q)])
    extra = [] if constant else [np.array(block, I32), np.array(pads, I32)]
    x = data(seed, dtype, inp)
    ours = run_model(model, [x] + extra)[0]
    ref = run_tflm(model, [x] + extra)[0]
    # TFLM fills the padding with a byte of never-initialized kernel parameters
    # (SpaceToBatchParams.output_offset in a persistent buffer): only the copied
    # elements are defined. Those must match; ours pads with 0.
    padding = run_model(model, [np.ones(inp, dtype)] + extra)[0] == 0
    assert_same(np.where(padding, ref.dtype.type(0), ref), ours, "output 0 vs TFLM")


def run_batch_to_space(case, dtype, q, seed, constant):
    _, block, n, c, crops, space, full = case
    inp = (n * int(np.prod(block)), *[f // b for f, b in zip(full, block)], c)
    out = (n, *space, c)
    ins = [T(dtype, inp, *q)] + ([const(block), const(crops)] if constant
                                 else [T(I32, [len(block)]), T(I32, [len(block), 2])])
    model = single_op_model("BATCH_TO_SPACE_ND", ins, [T(dtype, out, *q)])
    feeds = [data(seed, dtype, inp)]
    if not constant:
        feeds += [np.array(block, I32), np.array(crops, I32)]
    assert_matches_tflm(model, feeds)


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
