"""CAST and ZEROS_LIKE against the TFLM runtime, byte for byte, and CAST under
``semantics="tflite"`` against LiteRT's reference kernels, which also cast from and to
uint8, int64, float16 and float64."""
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
from single_op import tflm_and_litert

from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


CAST_TYPES = [np.float32, np.int8, np.int16, np.int32, np.uint32, np.bool_]
CAST_FLOATS = np.array([0.0, -0.0, 0.5, -0.5, 1.7, -1.7, 127.9, 128.0, -129.0, 32767.5,
                        -40000.9, 70000.2, 3e9, -3e9, np.nan, np.inf, -np.inf, 16777217.0],
                       np.float32)
# LiteRT's reference kernels also cast these (TFLM refuses them)
CAST_TFLITE_ONLY = [np.uint8, np.int64, np.float16, np.float64]
# and the floats around their ranges: -1, 255.5, 256, -NaN, +-2^63 and the float32 below it
WIDE_FLOATS = np.array([-1.0, -0.9, 255.5, 256.0, -np.nan, 2.0 ** 63, -2.0 ** 63,
                        9.2233715e18, -9.2233715e18, 1e19, -1e19, 3e38], np.float32)


def _cast_data(rng, dtype, shape, specials=CAST_FLOATS):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.array(rng.integers(0, 2, size=shape), bool).reshape(shape)
    x = np.array(random_data(rng, dtype, shape, float_scale=1000.0), dtype).reshape(shape)
    if dtype.kind == "f":
        flat = x.reshape(-1)
        k = min(flat.size, len(specials))
        with np.errstate(over="ignore"):     # float16: the large specials become inf
            flat[rng.choice(flat.size, k, replace=False)] = rng.choice(specials, k).astype(dtype)
    return x


@CI
@given(st.sampled_from(CAST_TYPES), st.sampled_from(CAST_TYPES),
       st.lists(st.integers(1, 6), min_size=1, max_size=4), seeds)
def test_cast(src, dst, shape, seed):
    model = single_op_model("CAST", [T(src, shape)], [T(dst, shape)])
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, [_cast_data(np.random.default_rng(seed), src, shape)])


@settings(CI, max_examples=400)
@given(st.sampled_from(CAST_TYPES + CAST_TFLITE_ONLY), st.sampled_from(CAST_TYPES + CAST_TFLITE_ONLY),
       st.lists(st.integers(1, 6), min_size=1, max_size=4), seeds)
def test_cast_tflite_matches_litert(src, dst, shape, seed):
    rng = np.random.default_rng(seed)
    x = _cast_data(rng, src, shape, np.concatenate([CAST_FLOATS, WIDE_FLOATS]))
    model = single_op_model("CAST", [T(src, shape)], [T(dst, shape)])
    with np.errstate(all="ignore"):
        assert_matches_litert(model, [x])


@pytest.mark.parametrize("src,dst", [(s, d) for s in CAST_TYPES + CAST_TFLITE_ONLY
                                     for d in CAST_TYPES + CAST_TFLITE_ONLY
                                     if s != d and (s in CAST_TFLITE_ONLY or d in CAST_TFLITE_ONLY)])
def test_cast_pairs_only_litert_runs(src, dst):
    model = single_op_model("CAST", [T(src, [30])], [T(dst, [30])])
    x = _cast_data(np.random.default_rng(0), src, [30], WIDE_FLOATS)
    with np.errstate(all="ignore"):
        assert_tflite_only(model, [x], "CAST")


def test_cast_float_to_int64_and_uint8_saturate_nan_to_the_maximum_like_litert():
    x = np.array([2.0 ** 63, 9.2233715e18, -1e19, np.nan, -np.nan, 255.9, 256.0, -0.9, -1.0],
                 np.float32)
    for dst, expected in [
            (np.int64, [2 ** 63 - 1, 9223371487098961920, -2 ** 63, 2 ** 63 - 1, 2 ** 63 - 1,
                        255, 256, 0, -1]),
            (np.uint8, [255, 255, 0, 255, 255, 255, 255, 0, 0])]:
        model = single_op_model("CAST", [T(np.float32, [x.size])], [T(dst, [x.size])])
        assert assert_matches_litert(model, [x])[0].tolist() == expected


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


def test_cast_to_float16_rounds_through_float32_like_litert():
    """LiteRT casts to float16 as fp16_ieee_from_fp32_value(static_cast<float>(x)): a
    float64 just above a float16 tie first rounds to the tie in float32, which then goes
    to even; rounding straight to float16 would go up."""
    x = np.array([1 + 2.0 ** -11 + 2.0 ** -40, 1 + 2.0 ** -11, -(2049 + 2.0 ** -30), 1e300],
                 np.float64)
    model = single_op_model("CAST", [T(np.float64, [4])], [T(np.float16, [4])])
    out = assert_matches_litert(model, [x])[0]
    assert out.tolist() == [1.0, 1.0, -2048.0, np.inf]
    assert np.float16(x[0]) != out[0]        # rounding straight to float16 differs
