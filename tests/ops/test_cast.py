"""CAST and ZEROS_LIKE against the TFLM runtime, byte for byte."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T, assert_matches_tflm, random_data, seeds, single_op_model, tflm_and_litert

from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


CAST_TYPES = [np.float32, np.int8, np.int16, np.int32, np.uint32, np.bool_]
CAST_FLOATS = np.array([0.0, -0.0, 0.5, -0.5, 1.7, -1.7, 127.9, 128.0, -129.0, 32767.5,
                        -40000.9, 70000.2, 3e9, -3e9, np.nan, np.inf, -np.inf, 16777217.0],
                       np.float32)


def _cast_data(rng, dtype, shape):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.array(rng.integers(0, 2, size=shape), bool).reshape(shape)
    x = np.array(random_data(rng, dtype, shape, float_scale=1000.0), dtype).reshape(shape)
    if dtype == np.float32:
        flat = x.reshape(-1)
        k = min(flat.size, len(CAST_FLOATS))
        flat[rng.choice(flat.size, k, replace=False)] = rng.choice(CAST_FLOATS, k)
    return x


@CI
@given(st.sampled_from(CAST_TYPES), st.sampled_from(CAST_TYPES),
       st.lists(st.integers(1, 6), min_size=1, max_size=4), seeds)
def test_cast(src, dst, shape, seed):
    model = single_op_model("CAST", [T(src, shape)], [T(dst, shape)])
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, [_cast_data(np.random.default_rng(seed), src, shape)])


def test_cast_float_to_int_saturates():
    model = single_op_model("CAST", [T(np.float32, [CAST_FLOATS.size])],
                            [T(np.int8, [CAST_FLOATS.size])])
    out = assert_matches_tflm(model, [CAST_FLOATS])[0]
    assert out[8] == -128 and out[14] == 0 and out[15] == 127  # -129, NaN, inf


def test_divergence_litert_cast_float_to_int():
    # Divergence: the TFLM runtime's float -> integer CAST saturates (NaN -> 0); LiteRT's
    # is a plain static_cast (x86's out-of-range result).
    model = single_op_model("CAST", [T(np.float32, [4])], [T(np.int32, [4])])
    x = np.array([3e9, -3e9, np.nan, 1.5], np.float32)
    ours = assert_matches_tflm(model, [x])[0]
    assert ours.tolist() == [2147483647, -2147483648, 0, 1]
    _, litert = tflm_and_litert(model, [x])
    assert litert[3] == 1 and litert.tolist() != ours.tolist()


def test_cast_rejects_uint8():
    model = single_op_model("CAST", [T(np.uint8, [2])], [T(np.int32, [2])])
    with pytest.raises(UnsupportedOpError, match="CAST.*uint8"):
        run_model(model, [np.zeros(2, np.uint8)])


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int32, np.int64])
def test_zeros_like(dtype):
    model = single_op_model("ZEROS_LIKE", [T(dtype, [2, 3])], [T(dtype, [2, 3])])
    x = np.array(random_data(np.random.default_rng(0), dtype, [2, 3]), dtype)
    assert not assert_matches_tflm(model, [x])[0].any()


def test_zeros_like_rejects_int16():
    model = single_op_model("ZEROS_LIKE", [T(np.int16, [2])], [T(np.int16, [2])])
    with pytest.raises(UnsupportedOpError, match="ZEROS_LIKE"):
        run_model(model, [np.zeros(2, np.int16)])
