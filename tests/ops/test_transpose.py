"""Data-movement ops against the TFLM runtime: TRANSPOSE, GATHER, GATHER_ND,
EMBEDDING_LOOKUP, PACK, UNPACK, REVERSE_V2, SHAPE, FILL, BROADCAST_TO,
BROADCAST_ARGS, SPACE_TO_DEPTH, DEPTH_TO_SPACE, SPACE_TO_BATCH_ND,
BATCH_TO_SPACE_ND and MIRROR_PAD.

Each randomized test draws the op's legal domain (shapes, axes, indices,
options, quantization) and requires byte-identical outputs; the types are
those the TFLM kernels accept (others are refused by TFLM and here).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert, run_tflm
from single_op import (
    T,
    assert_matches_tflm,
    assert_same,
    random_data,
    scales,
    seeds,
    single_op_model,
    zero_points,
)

from interpreter.errors import ModelError, UnsupportedOpError


def ci(n_types: int = 1):
    """~40 examples per type in CI."""
    return settings(max_examples=40 * n_types, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


SLOW = settings(max_examples=1000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

F32, I8, I16, I32, I64, BOOL = np.float32, np.int8, np.int16, np.int32, np.int64, np.bool_
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


@st.composite
def quant(draw, dtype):
    """(scale, zero_point) for int8/int16 tensors, (None, 0) for the others."""
    if np.dtype(dtype) == np.int8:
        return draw(scales()), draw(zero_points(np.int8))
    if np.dtype(dtype) == np.int16:
        return draw(scales()), 0
    return None, 0


def data(seed, dtype, shape):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    return random_data(rng, dtype, shape)


def const(values, dtype=np.int32):
    values = np.asarray(values, dtype=dtype)
    return T(dtype, list(values.shape), data=values)


# -- TRANSPOSE ---------------------------------------------------------------------------

@st.composite
def transposes(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=5).map(tuple))
    return shape, draw(st.permutations(range(len(shape))))


def run_transpose(case, dtype, q, seed):
    shape, perm = case
    out_shape = [shape[p] for p in perm]
    model = single_op_model("TRANSPOSE", [T(dtype, shape, *q), const(perm)],
                            [T(dtype, out_shape, *q)])
    assert_matches_tflm(model, [data(seed, dtype, shape)])


@ci(3)
@given(transposes(), st.sampled_from([F32, I8, I16]).flatmap(
    lambda d: st.tuples(st.just(d), quant(d))), seeds)
def test_transpose(case, dq, seed):
    run_transpose(case, dq[0], dq[1], seed)


@pytest.mark.slow
@SLOW
@given(transposes(), st.sampled_from([F32, I8, I16]).flatmap(
    lambda d: st.tuples(st.just(d), quant(d))), seeds)
def test_transpose_slow(case, dq, seed):
    run_transpose(case, dq[0], dq[1], seed)


def test_transpose_refuses_int32_and_computed_perm():
    model = single_op_model("TRANSPOSE", [T(I32, [2, 3]), const([1, 0])], [T(I32, [3, 2])])
    with pytest.raises(UnsupportedOpError, match="TRANSPOSE.*int32"):
        run_model(model, [np.zeros((2, 3), I32)])
    model = single_op_model("TRANSPOSE", [T(F32, [2, 3]), T(I32, [2])], [T(F32, [3, 2])])
    with pytest.raises(UnsupportedOpError, match="TRANSPOSE.*non-constant perm"):
        run_model(model, [np.zeros((2, 3), F32), np.array([1, 0], I32)])


# -- GATHER / GATHER_ND / EMBEDDING_LOOKUP ------------------------------------------------

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


@st.composite
def embedding_lookups(draw):
    value_shape = (draw(st.integers(1, 5)),) + tuple(
        draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    n = draw(st.integers(1, 6))
    kind = draw(st.sampled_from(["float", "int8", "hybrid"]))
    return value_shape, n, kind


def run_embedding_lookup(case, seed, scale, zp):
    value_shape, n, kind = case
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, value_shape[0], size=n).astype(np.int32)
    vtype = F32 if kind == "float" else I8
    otype = I8 if kind == "int8" else F32
    vq = (None, 0) if kind == "float" else (scale, 0 if kind == "hybrid" else zp)
    oq = vq if kind == "int8" else (None, 0)
    model = single_op_model("EMBEDDING_LOOKUP", [T(I32, [n]), T(vtype, value_shape, *vq)],
                            [T(otype, (n,) + value_shape[1:], *oq)])
    assert_matches_tflm(model, [ids, data(seed, vtype, value_shape)])


@ci(3)
@given(embedding_lookups(), seeds, scales(), zero_points())
def test_embedding_lookup(case, seed, scale, zp):
    run_embedding_lookup(case, seed, scale, zp)


@pytest.mark.slow
@SLOW
@given(embedding_lookups(), seeds, scales(), zero_points())
def test_embedding_lookup_slow(case, seed, scale, zp):
    run_embedding_lookup(case, seed, scale, zp)


def test_embedding_lookup_index_out_of_range_is_an_error():
    model = single_op_model("EMBEDDING_LOOKUP", [T(I32, [1]), T(F32, [2, 3])], [T(F32, [1, 3])])
    feeds = [np.array([2], I32), np.zeros((2, 3), F32)]
    with pytest.raises(RuntimeError):
        run_tflm(model, feeds)
    with pytest.raises(ModelError, match="EMBEDDING_LOOKUP.*lookup index 2 is out of range"):
        run_model(model, feeds)


# -- PACK / UNPACK -------------------------------------------------------------------------

def typed(types):
    return st.sampled_from(types).flatmap(lambda d: st.tuples(st.just(d), quant(d)))


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


# -- SHAPE / FILL / BROADCAST_TO / BROADCAST_ARGS ---------------------------------------

@ci(2)
@given(st.lists(st.integers(1, 5), min_size=0, max_size=5).map(tuple),
       st.sampled_from([F32, I8, I16, I32, I64, BOOL]), seeds)
def test_shape(shape, dtype, seed):
    model = single_op_model("SHAPE", [T(dtype, shape)], [T(I32, [len(shape)])])
    assert_matches_tflm(model, [data(seed, dtype, shape)])


@ci(3)
@given(shapes, typed([F32, I8, I32]), st.sampled_from([I32, I64]), seeds)
def test_fill(shape, dq, dims_type, seed):
    dtype, q = dq
    model = single_op_model("FILL", [const(shape, dims_type), T(dtype, [], *q)],
                            [T(dtype, shape, *q)])
    assert_matches_tflm(model, [data(seed, dtype, ())])


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


# -- MIRROR_PAD ------------------------------------------------------------------------

@st.composite
def mirror_pads(draw):
    shape = draw(shapes)
    mode = draw(st.sampled_from(["REFLECT", "SYMMETRIC"]))
    limit = 1 if mode == "REFLECT" else 0
    pads = [[draw(st.integers(0, d - limit)), draw(st.integers(0, d - limit))] for d in shape]
    return shape, mode, pads


def run_mirror_pad(case, dtype, q, seed, constant, pad_type):
    shape, mode, pads = case
    out = tuple(d + a + b for d, (a, b) in zip(shape, pads))
    pads_t = const(pads, pad_type) if constant else T(pad_type, [len(shape), 2])
    model = single_op_model("MIRROR_PAD", [T(dtype, shape, *q), pads_t], [T(dtype, out, *q)],
                            {"mode": mode})
    feeds = [data(seed, dtype, shape)] + ([] if constant else [np.array(pads, pad_type)])
    assert_matches_tflm(model, feeds)


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
