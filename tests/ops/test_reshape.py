"""RESHAPE, SQUEEZE and EXPAND_DIMS against the TFLM runtime, and EXPAND_DIMS under
``semantics="tflite"`` against LiteRT's reference kernels (which also run bool, uint8,
int32 and int64)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflite_only
from single_op import random_data
from single_op import seeds
from single_op import single_op_model
from typed_data import data as typed_data
from typed_data import fixed_quant as _q

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dtypes = st.sampled_from([np.int8, np.int16, np.int32, np.float32])
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=5).map(tuple)


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


EXPAND_TYPES = [np.int8, np.int16, np.float32]
# LiteRT's reference kernels run them, TFLM refuses them
EXPAND_TFLITE_ONLY = [np.bool_, np.uint8, np.int32, np.int64]


def run_expand_dims(shape, axis, dtype, seed, check=assert_matches_tflm, axis_type=np.int32):
    rank = len(shape)
    position = axis + rank + 1 if axis < 0 else axis
    out_shape = shape[:position] + (1,) + shape[position:]
    model = single_op_model(
        "EXPAND_DIMS", [T(dtype, shape, *_q(dtype)), T(axis_type, [1], data=np.array([axis]))],
        [T(dtype, out_shape, *_q(dtype))])
    check(model, [typed_data(seed, dtype, shape)])


@CI
@given(shapes, st.sampled_from(EXPAND_TYPES), st.data(), seeds)
def test_expand_dims(shape, dtype, data, seed):
    run_expand_dims(shape, data.draw(st.integers(-len(shape) - 1, len(shape))), dtype, seed)


@CI
@given(shapes, st.sampled_from(EXPAND_TYPES + EXPAND_TFLITE_ONLY), st.data(), seeds,
       st.sampled_from([np.int32, np.int64]))
def test_expand_dims_tflite_matches_litert(shape, dtype, data, seed, axis_type):
    run_expand_dims(shape, data.draw(st.integers(-len(shape) - 1, len(shape))), dtype, seed,
                    assert_matches_litert, axis_type)


@pytest.mark.parametrize("dtype", EXPAND_TFLITE_ONLY)
def test_expand_dims_types_only_litert_runs(dtype):
    run_expand_dims((2, 3), 1, dtype, 0,
                    lambda model, feeds: assert_tflite_only(model, feeds, "EXPAND_DIMS"))


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
