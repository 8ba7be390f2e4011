"""RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, ARG_MAX/ARG_MIN, REDUCE_MAX/REDUCE_MIN,
SUM, CUMSUM and L2_POOL_2D against the TFLM runtime."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from single_op import (
    T,
    assert_matches_tflm,
    scales,
    seeds,
    single_op_model,
    zero_points,
)
from test_transpose import F32, I8, I16, I32, SLOW, ci, const, data, typed


def special_floats(x: np.ndarray, seed: int) -> np.ndarray:
    """Sprinkle -0.0, +-inf and NaN into a float32 tensor for some seeds."""
    if x.dtype != np.float32 or seed % 3 or x.size < 2:
        return x
    rng = np.random.default_rng(seed)
    flat = x.reshape(-1).copy()
    picks = rng.integers(0, flat.size, size=min(3, flat.size))
    flat[picks] = rng.choice(np.array([-0.0, np.inf, -np.inf, np.nan], np.float32), size=picks.size)
    return flat.reshape(x.shape)


# -- RESIZE ---------------------------------------------------------------------------------

@st.composite
def resizes(draw, bilinear):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    in_h, in_w, out_h, out_w = (draw(st.integers(1, 7)) for _ in range(4))
    mode = draw(st.sampled_from(["none", "align", "half"] + ([] if bilinear else ["both"])))
    return n, c, in_h, in_w, out_h, out_w, mode


def run_resize(op, case, dtype, q, seed):
    n, c, in_h, in_w, out_h, out_w, mode = case
    options = {"align_corners": mode in ("align", "both"),
               "half_pixel_centers": mode in ("half", "both")}
    model = single_op_model(op, [T(dtype, [n, in_h, in_w, c], *q), const([out_h, out_w])],
                            [T(dtype, [n, out_h, out_w, c], *q)], options)
    x = special_floats(data(seed, dtype, (n, in_h, in_w, c)), seed)
    assert_matches_tflm(model, [x])


@ci(2)
@given(resizes(True), typed([F32, I8]), seeds)
def test_resize_bilinear(case, dq, seed):
    run_resize("RESIZE_BILINEAR", case, dq[0], dq[1], seed)


@ci(3)
@given(resizes(False), typed([F32, I8, I16]), seeds)
def test_resize_nearest_neighbor(case, dq, seed):
    run_resize("RESIZE_NEAREST_NEIGHBOR", case, dq[0], dq[1], seed)


@pytest.mark.slow
@SLOW
@given(resizes(True), resizes(False), typed([F32, I8]), seeds)
def test_resize_slow(case, case_nn, dq, seed):
    run_resize("RESIZE_BILINEAR", case, dq[0], dq[1], seed)
    run_resize("RESIZE_NEAREST_NEIGHBOR", case_nn, dq[0], dq[1], seed)


def test_resize_bilinear_int8_single_rounding_rounds_half_up():
    # Each output is the average of a -1 and a 0: -0.5 exactly. Double rounding
    # (TFLM's default build) rounds away from zero, single rounding up.
    model = single_op_model("RESIZE_BILINEAR", [T(I8, [1, 1, 2, 1], 0.5, 0), const([1, 3])],
                            [T(I8, [1, 1, 3, 1], 0.5, 0)], {"align_corners": True})
    x = np.array([-1, 0], I8).reshape(1, 1, 2, 1)
    assert run_model(model, [x])[0].ravel().tolist() == [-1, -1, 0]
    assert run_model(model, [x], rounding="single")[0].ravel().tolist() == [-1, 0, 0]
    assert_matches_tflm(model, [x])


# -- ARG_MAX / ARG_MIN ---------------------------------------------------------------------

@st.composite
def arg_cases(draw):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, axis


def run_arg(op, case, dtype, q, seed, constant, ties):
    shape, axis = case
    out = tuple(d for i, d in enumerate(shape) if i != axis % len(shape))
    axis_t = const([axis]) if constant else T(I32, [1])
    model = single_op_model(op, [T(dtype, shape, *q), axis_t], [T(I32, out)],
                            {"output_type": "INT32"})
    x = data(seed, dtype, shape)
    if ties:   # few distinct values: ties decide the index
        x = (x % 3).astype(dtype) if dtype != F32 else np.round(x / 4).astype(F32)
    x = special_floats(x, seed)
    assert_matches_tflm(model, [x] + ([] if constant else [np.array([axis], I32)]))


@ci(4)
@given(arg_cases(), typed([F32, I8]), seeds, st.booleans(), st.booleans(),
       st.sampled_from(["ARG_MAX", "ARG_MIN"]))
def test_arg_min_max(case, dq, seed, constant, ties, op):
    run_arg(op, case, dq[0], dq[1], seed, constant, ties)


@pytest.mark.slow
@SLOW
@given(arg_cases(), typed([F32, I8]), seeds, st.booleans(), st.booleans(),
       st.sampled_from(["ARG_MAX", "ARG_MIN"]))
def test_arg_min_max_slow(case, dq, seed, constant, ties, op):
    run_arg(op, case, dq[0], dq[1], seed, constant, ties)


# -- REDUCE_MAX / REDUCE_MIN / SUM --------------------------------------------------------

@st.composite
def reductions(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    rank = len(shape)
    axes = draw(st.lists(st.integers(-rank, rank - 1), min_size=1, max_size=3))
    return shape, axes, draw(st.booleans())


def run_reduce(op, case, dtype, q_in, q_out, seed):
    shape, axes, keep_dims = case
    reduced = {a % len(shape) for a in axes}
    out = tuple(1 if i in reduced else d for i, d in enumerate(shape)) if keep_dims \
        else tuple(d for i, d in enumerate(shape) if i not in reduced)
    model = single_op_model(op, [T(dtype, shape, *q_in), const(axes)], [T(dtype, out, *q_out)],
                            {"keep_dims": keep_dims})
    assert_matches_tflm(model, [special_floats(data(seed, dtype, shape), seed)])


@st.composite
def extremum_types(draw):
    dtype = draw(st.sampled_from([F32, I8]))
    if dtype == F32:
        return dtype, (None, 0)
    return dtype, (draw(scales()), draw(zero_points()))    # TFLM needs equal in/out params


@ci(4)
@given(reductions(), extremum_types(), seeds, st.sampled_from(["REDUCE_MAX", "REDUCE_MIN"]))
def test_reduce_max_min(case, dq, seed, op):
    run_reduce(op, case, dq[0], dq[1], dq[1], seed)


@st.composite
def sum_types(draw):
    dtype = draw(st.sampled_from([F32, I8, I16]))
    if dtype == F32:
        return dtype, (None, 0), (None, 0)
    zp = zero_points(np.int8) if dtype == I8 else st.just(0)
    return dtype, (draw(scales()), draw(zp)), (draw(scales()), draw(zp))


@ci(3)
@given(reductions(), sum_types(), seeds)
def test_sum(case, dq, seed):
    run_reduce("SUM", case, dq[0], dq[1], dq[2], seed)


@pytest.mark.slow
@SLOW
@given(reductions(), extremum_types(), sum_types(), seeds,
       st.sampled_from(["REDUCE_MAX", "REDUCE_MIN"]))
def test_reduce_slow(case, dq, dq_sum, seed, op):
    run_reduce(op, case, dq[0], dq[1], dq[1], seed)
    run_reduce("SUM", case, dq_sum[0], dq_sum[1], dq_sum[2], seed)


def test_reduce_max_of_all_minus_inf_is_lowest_float_like_tflm():
    model = single_op_model("REDUCE_MAX", [T(F32, [1, 3]), const([1])], [T(F32, [1])])
    ours = assert_matches_tflm(model, [np.full((1, 3), -np.inf, F32)])[0]
    assert ours[0] == np.finfo(np.float32).min


def test_sum_of_negative_zeros_is_positive_zero_like_tflm():
    model = single_op_model("SUM", [T(F32, [2, 3]), const([1])], [T(F32, [2])])
    ours = assert_matches_tflm(model, [np.full((2, 3), -0.0, F32)])[0]
    assert not np.signbit(ours).any()


# -- CUMSUM ------------------------------------------------------------------------------------

@st.composite
def cumsum_cases(draw):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, axis, draw(st.booleans()), draw(st.booleans())


@st.composite
def cumsum_types(draw):
    dtype = draw(st.sampled_from([F32, I8]))
    if dtype == F32:
        return dtype, (None, 0), (None, 0)
    s_in = draw(scales())
    # TFLM aborts unless 2 * s_in / (2^20 * s_out) < 1
    s_out = draw(scales().filter(lambda s: s_in / s < 2 ** 18))
    return dtype, (s_in, draw(zero_points())), (s_out, draw(zero_points()))


def run_cumsum(case, dq, seed, constant):
    shape, axis, exclusive, reverse = case
    dtype, q_in, q_out = dq
    axis_t = const(axis) if constant else T(I32, [])
    model = single_op_model("CUMSUM", [T(dtype, shape, *q_in), axis_t], [T(dtype, shape, *q_out)],
                            {"exclusive": exclusive, "reverse": reverse})
    x = special_floats(data(seed, dtype, shape), seed)
    assert_matches_tflm(model, [x] + ([] if constant else [np.array(axis, I32)]))


@ci(2)
@given(cumsum_cases(), cumsum_types(), seeds, st.booleans())
def test_cumsum(case, dq, seed, constant):
    run_cumsum(case, dq, seed, constant)


@pytest.mark.slow
@SLOW
@given(cumsum_cases(), cumsum_types(), seeds, st.booleans())
def test_cumsum_slow(case, dq, seed, constant):
    run_cumsum(case, dq, seed, constant)


# -- L2_POOL_2D -------------------------------------------------------------------------------

@st.composite
def l2_pools(draw):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    fh, fw = draw(st.integers(1, h)), draw(st.integers(1, w))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    act = draw(st.sampled_from(["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]))
    return n, c, h, w, fh, fw, sh, sw, padding, act


def run_l2_pool(case, seed):
    n, c, h, w, fh, fw, sh, sw, padding, act = case
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
    else:
        oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
    model = single_op_model("L2_POOL_2D", [T(F32, [n, h, w, c])], [T(F32, [n, oh, ow, c])],
                            {"padding": padding, "stride_h": sh, "stride_w": sw,
                             "filter_height": fh, "filter_width": fw,
                             "fused_activation_function": act})
    assert_matches_tflm(model, [special_floats(data(seed, F32, (n, h, w, c)), seed)])


@ci(1)
@given(l2_pools(), seeds)
def test_l2_pool_2d(case, seed):
    run_l2_pool(case, seed)


@pytest.mark.slow
@SLOW
@given(l2_pools(), seeds)
def test_l2_pool_2d_slow(case, seed):
    run_l2_pool(case, seed)
