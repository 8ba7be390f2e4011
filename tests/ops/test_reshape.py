"""RESHAPE, SQUEEZE, EXPAND_DIMS, CONCATENATION and PAD against the TFLM runtime."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T, assert_matches_tflm, random_data, seeds, single_op_model, zero_points

from interpreter.errors import ModelError, UnsupportedOpError

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dtypes = st.sampled_from([np.int8, np.int16, np.int32, np.float32])
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=5).map(tuple)


def _q(dtype, scale=0.25, zp=0):
    """Quantization for integer tensors that carry it (int8/int16), none otherwise."""
    return (scale, zp) if np.dtype(dtype) in (np.dtype(np.int8), np.dtype(np.int16)) else (None, 0)


# -- RESHAPE / SQUEEZE / EXPAND_DIMS ---------------------------------------------------------

@st.composite
def reshapes(draw):
    shape = draw(shapes)
    n = int(np.prod(shape))
    # a random factorization of n into 1-4 dimensions
    dims, rest = [], n
    for _ in range(draw(st.integers(0, 3))):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = draw(st.sampled_from(divisors))
        dims.append(d)
        rest //= d
    new_shape = tuple(dims) + (rest,)
    stretch = draw(st.one_of(st.none(), st.integers(0, len(new_shape) - 1)))
    requested = [(-1 if i == stretch else d) for i, d in enumerate(new_shape)]
    return shape, new_shape, requested


@CI
@given(reshapes(), dtypes, st.sampled_from(["tensor", "options", "both"]), seeds)
def test_reshape(case, dtype, how, seed):
    shape, new_shape, requested = case
    shape_tensor = T(np.int32, [len(requested)], data=np.array(requested, np.int32))
    inputs = [T(dtype, shape, *_q(dtype))] + ([shape_tensor] if how != "options" else [])
    options = {"new_shape": requested} if how != "tensor" else None
    model = single_op_model("RESHAPE", inputs, [T(dtype, new_shape, *_q(dtype))], options)
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), dtype, shape)])


def test_reshape_with_non_constant_shape_input():
    # TFLM takes the shape from the output tensor; the shape input is only read, not used.
    model = single_op_model("RESHAPE", [T(np.float32, [2, 3, 4]), T(np.int32, [2])],
                            [T(np.float32, [4, 6])])
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert_matches_tflm(model, [x, np.array([4, 6], np.int32)])


def test_reshape_rejects_shape_that_disagrees_with_output():
    model = single_op_model("RESHAPE", [T(np.float32, [2, 3, 4])], [T(np.float32, [4, 6])],
                            {"new_shape": [6, 4]})
    with pytest.raises(ModelError, match="RESHAPE.*output"):
        run_model(model, [np.zeros((2, 3, 4), np.float32)])


def test_reshape_rejects_element_count_change():
    model = single_op_model("RESHAPE", [T(np.int8, [2, 3], 0.1, 0)], [T(np.int8, [7], 0.1, 0)])
    with pytest.raises(ModelError, match="RESHAPE.*elements"):
        run_model(model, [np.zeros((2, 3), np.int8)])


@st.composite
def squeezes(draw):
    shape = draw(st.lists(st.sampled_from([1, 1, 2, 3]), min_size=1, max_size=6).map(tuple))
    ones = [i for i, d in enumerate(shape) if d == 1]
    chosen = draw(st.lists(st.sampled_from(ones), unique=True)) if ones else []
    negative = draw(st.booleans())
    dims = [i - len(shape) if negative else i for i in chosen]
    squeezed = set(chosen) if chosen else set(ones)
    return shape, dims, tuple(d for i, d in enumerate(shape) if i not in squeezed)


@CI
@given(squeezes(), dtypes, seeds)
def test_squeeze(case, dtype, seed):
    shape, dims, out_shape = case
    model = single_op_model("SQUEEZE", [T(dtype, shape, *_q(dtype))],
                            [T(dtype, out_shape, *_q(dtype))], {"squeeze_dims": dims})
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), dtype, shape)])


def test_squeeze_rejects_dimension_not_one():
    model = single_op_model("SQUEEZE", [T(np.float32, [1, 3])], [T(np.float32, [1])],
                            {"squeeze_dims": [1]})
    with pytest.raises(ModelError, match="SQUEEZE.*dimension 1"):
        run_model(model, [np.zeros((1, 3), np.float32)])


@CI
@given(shapes, st.sampled_from([np.int8, np.int16, np.float32]), st.data(), seeds)
def test_expand_dims(shape, dtype, data, seed):
    rank = len(shape)
    axis = data.draw(st.integers(-rank - 1, rank))
    position = axis + rank + 1 if axis < 0 else axis
    out_shape = shape[:position] + (1,) + shape[position:]
    model = single_op_model(
        "EXPAND_DIMS", [T(dtype, shape, *_q(dtype)), T(np.int32, [1], data=np.array([axis]))],
        [T(dtype, out_shape, *_q(dtype))])
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), dtype, shape)])


def test_expand_dims_rejects_wrong_output_and_int32():
    model = single_op_model(
        "EXPAND_DIMS", [T(np.float32, [2, 3]), T(np.int32, [1], data=np.array([0]))],
        [T(np.float32, [2, 1, 3])])
    with pytest.raises(ModelError, match="EXPAND_DIMS.*output"):
        run_model(model, [np.zeros((2, 3), np.float32)])
    model = single_op_model(
        "EXPAND_DIMS", [T(np.int32, [2, 3]), T(np.int32, [1], data=np.array([0]))],
        [T(np.int32, [1, 2, 3])])
    with pytest.raises(UnsupportedOpError, match="EXPAND_DIMS.*int32"):
        run_model(model, [np.zeros((2, 3), np.int32)])


# -- CONCATENATION ---------------------------------------------------------------------------

@st.composite
def concatenations(draw, max_rank=4):
    base = draw(st.lists(st.integers(1, 3), min_size=1, max_size=max_rank))
    rank = len(base)
    axis = draw(st.integers(-rank, rank - 1))
    n = draw(st.integers(1, 10))
    in_shapes = []
    for _ in range(n):
        s = list(base)
        s[axis] = draw(st.integers(1, 3))
        in_shapes.append(tuple(s))
    out = list(base)
    out[axis] = sum(s[axis] for s in in_shapes)
    return in_shapes, axis, tuple(out)


def _check_concatenation(case, dtype, zp, seed):
    in_shapes, axis, out_shape = case
    q = (0.3, zp) if np.dtype(dtype) == np.int8 else _q(dtype)
    model = single_op_model("CONCATENATION", [T(dtype, s, *q) for s in in_shapes],
                            [T(dtype, out_shape, *q)], {"axis": axis})
    rng = np.random.default_rng(seed)
    assert_matches_tflm(model, [random_data(rng, dtype, s) for s in in_shapes])


@CI
@given(concatenations(), st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.float32]),
       zero_points(), seeds)
def test_concatenation(case, dtype, zp, seed):
    _check_concatenation(case, dtype, zp, seed)


@pytest.mark.slow
@SLOW
@given(concatenations(max_rank=6), st.sampled_from([np.int8, np.int16, np.int32, np.float32]),
       zero_points(), seeds)
def test_concatenation_slow(case, dtype, zp, seed):
    _check_concatenation(case, dtype, zp, seed)


def test_concatenation_rejects_int8_requantization():
    # TFLM copies bytes: int8 inputs must already have the output's scale and zero point.
    model = single_op_model("CONCATENATION", [T(np.int8, [2], 0.1, 0), T(np.int8, [2], 0.2, 0)],
                            [T(np.int8, [4], 0.1, 0)], {"axis": 0})
    with pytest.raises(ModelError, match="CONCATENATION.*scale"):
        run_model(model, [np.zeros(2, np.int8), np.zeros(2, np.int8)])


def test_concatenation_rejects_fused_activation_and_bad_shapes():
    model = single_op_model("CONCATENATION", [T(np.float32, [2]), T(np.float32, [2])],
                            [T(np.float32, [4])],
                            {"axis": 0, "fused_activation_function": "RELU"})
    with pytest.raises(UnsupportedOpError, match="CONCATENATION.*activation"):
        run_model(model, [np.zeros(2, np.float32)] * 2)
    model = single_op_model("CONCATENATION", [T(np.float32, [2, 3]), T(np.float32, [2, 2])],
                            [T(np.float32, [4, 3])], {"axis": 0})
    with pytest.raises(ModelError, match="CONCATENATION.*shape"):
        run_model(model, [np.zeros((2, 3), np.float32), np.zeros((2, 2), np.float32)])


# -- PAD / PADV2 -------------------------------------------------------------------------------

@st.composite
def paddings(draw, max_rank=5):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=max_rank).map(tuple))
    pads = [(draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in shape]
    out = tuple(d + a + b for d, (a, b) in zip(shape, pads))
    return shape, np.array(pads, np.int32), out


@CI
@given(paddings(), st.sampled_from([np.int8, np.int16, np.int32, np.float32]),
       st.sampled_from(["PAD", "PAD+constant", "PADV2"]), zero_points(), seeds)
def test_pad(case, dtype, variant, zp, seed):
    shape, pads, out_shape = case
    q = (0.5, zp) if np.dtype(dtype) == np.int8 else _q(dtype)
    inputs = [T(dtype, shape, *q), T(np.int32, pads.shape, data=pads)]
    if variant != "PAD":
        inputs.append(T(dtype, [1], *q, data=np.array([7], dtype)))
    model = single_op_model(variant.split("+")[0], inputs, [T(dtype, out_shape, *q)])
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), dtype, shape)])


def test_pad_int16_pads_with_zero_not_the_zero_point():
    model = single_op_model("PAD", [T(np.int16, [2], 0.5, 9),
                                    T(np.int32, [1, 2], data=np.array([[1, 1]]))],
                            [T(np.int16, [4], 0.5, 9)])
    out = assert_matches_tflm(model, [np.array([5, 6], np.int16)])[0]
    assert out.tolist() == [0, 5, 6, 0]


def test_pad_rejects_non_constant_paddings_and_wrong_output():
    model = single_op_model("PAD", [T(np.float32, [2]), T(np.int32, [1, 2])],
                            [T(np.float32, [4])])
    with pytest.raises(UnsupportedOpError, match="PAD.*paddings"):
        run_model(model, [np.zeros(2, np.float32), np.array([[1, 1]], np.int32)])
    model = single_op_model("PAD", [T(np.float32, [2]),
                                    T(np.int32, [1, 2], data=np.array([[1, 2]]))],
                            [T(np.float32, [4])])
    with pytest.raises(ModelError, match="PAD.*output shape"):
        run_model(model, [np.zeros(2, np.float32)])
