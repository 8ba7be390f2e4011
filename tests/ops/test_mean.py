"""MEAN against the TFLM runtime.

Also documented: LiteRT's default (optimized) MEAN gives other int8 bytes than
TFLM, while LiteRT's reference MEAN agrees with it in this LiteRT version. And
``semantics="tflite"`` against LiteRT's reference MEAN on the types only LiteRT runs:
uint8 (TFLM's arithmetic, uint8 range), int32 and int64 (an int64 sum divided with C's
truncation).
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
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
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError

CI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def means(draw, max_rank=4, max_dim=8):
    shape = tuple(draw(st.lists(st.integers(1, max_dim), min_size=1, max_size=max_rank)))
    rank = len(shape)
    if draw(st.integers(0, 4)) == 0 and rank == 4:
        axes = [1, 2]                       # the spatial mean of pooling heads
    else:
        axes = draw(st.lists(st.integers(-rank, rank - 1), min_size=1, max_size=rank + 1))
    keep = draw(st.booleans())
    reduced = {a % rank for a in axes}
    out = tuple(1 if i in reduced else d for i, d in enumerate(shape)) if keep else \
        tuple(d for i, d in enumerate(shape) if i not in reduced)
    return shape, axes, keep, out


def _mean_model(dtype, case, in_q, out_q):
    shape, axes, keep, out = case
    return single_op_model(
        "MEAN", [T(dtype, shape, *in_q), T(np.int32, [len(axes)], data=np.array(axes, np.int32))],
        [T(dtype, out, *out_q)], {"keep_dims": keep})


@st.composite
def mean_int8_quantization(draw):
    in_q = (draw(scales(-3, 0)), draw(zero_points()))
    # equal input and output quantization is common (and a special case in older TFLM)
    out_q = in_q if draw(st.booleans()) else (draw(scales(-3, 0)), draw(zero_points()))
    return in_q, out_q


def _check_mean_int8(drawn):
    case, quant, seed = drawn
    model = _mean_model(np.int8, case, *quant)
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), np.int8, case[0])])


@budgets(ci=200, slow=3000, max_rank=(4, 5), max_dim=(8, 12))
def test_mean_int8(examples, max_rank, max_dim):
    explore(examples, st.tuples(means(max_rank=max_rank, max_dim=max_dim),
                                mean_int8_quantization(), seeds), _check_mean_int8)


@CI
@given(means(), scales(-4, -1), scales(-4, -1), seeds)
def test_mean_int16(case, s_in, s_out, seed):
    model = _mean_model(np.int16, case, (s_in, 0), (s_out, 0))
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), np.int16, case[0])])


@CI
@given(means(), seeds)
def test_mean_float32(case, seed):
    model = _mean_model(np.float32, case, (None, 0), (None, 0))
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), np.float32, case[0])])


def test_mean_float_sums_left_to_right():
    # 1e8 + 1 + ... : a pairwise (NumPy) sum would keep the ones, a C loop loses them
    x = np.array([[1e8] + [1.0] * 15], np.float32)
    model = _mean_model(np.float32, ((1, 16), [1], False, (1,)), (None, 0), (None, 0))
    out = assert_matches_tflm(model, [x])[0]
    assert out[0] == np.float32(1e8) / np.float32(16)


def _litert_mean_case():
    case = ((2, 5, 7, 3), [2], True, (2, 5, 1, 3))
    model = _mean_model(np.int8, case, (0.07, -3), (0.05, 4))
    x = random_data(np.random.default_rng(0), np.int8, case[0])
    return model, x


def test_litert_optimized_mean_differs_from_tflm():
    model, x = _litert_mean_case()
    tflm, litert = tflm_and_litert(model, [x], reference=False)
    assert np.array_equal(run_model(model, [x])[0], tflm)
    diff = np.abs(tflm.astype(int) - litert.astype(int))
    assert diff.max() == 1 and np.count_nonzero(diff) > 0


def test_litert_reference_mean_agrees_with_tflm():
    # The shared notes say TFLite and TFLM MEAN diverged; LiteRT's *reference* kernel does
    # not (any more) for this LiteRT version: only its optimized kernel differs (see above).
    model, x = _litert_mean_case()
    tflm, litert = tflm_and_litert(model, [x], reference=True)
    assert np.array_equal(tflm, litert)


def test_mean_rejects_wrong_output_size_and_axis():
    x = np.zeros((2, 3), np.float32)
    case = ((2, 3), [1], False, (3,))
    with pytest.raises(ModelError, match="MEAN.*output"):
        run_model(_mean_model(np.float32, case, (None, 0), (None, 0)), [x])
    case = ((2, 3), [2], False, (2,))
    with pytest.raises(ModelError, match="MEAN.*axis 2"):
        run_model(_mean_model(np.float32, case, (None, 0), (None, 0)), [x])


@st.composite
def mean_tflite_only_types(draw):
    """uint8 with equal or different quantization, or int32 / int64 (full range: the int64
    sums wrap)."""
    dtype = draw(st.sampled_from([np.uint8, np.int32, np.int64]))
    if dtype != np.uint8:
        return dtype, (None, 0), (None, 0)
    in_q = (draw(scales(-3, 0)), draw(zero_points(np.uint8)))
    out_q = in_q if draw(st.booleans()) else (draw(scales(-3, 0)), draw(zero_points(np.uint8)))
    return dtype, in_q, out_q


@CI
@given(means(), mean_tflite_only_types(), seeds)
def test_mean_tflite_matches_litert(case, dq, seed):
    dtype, in_q, out_q = dq
    model = _mean_model(dtype, case, in_q, out_q)
    assert_matches_litert(model, [random_data(np.random.default_rng(seed), dtype, case[0])])


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64])
def test_mean_types_only_litert_runs(dtype):
    q = (0.05, 128) if dtype == np.uint8 else (None, 0)
    model = _mean_model(dtype, ((2, 3, 4), [1], False, (2, 4)), q, q)
    x = random_data(np.random.default_rng(0), dtype, (2, 3, 4))
    assert_tflite_only(model, [x], "MEAN")


def test_mean_int32_truncates_toward_zero_like_litert():
    # reference_ops::Mean: an int64 sum, then C division (-7 / 2 == -3, not floor's -4)
    model = _mean_model(np.int32, ((2, 2), [1], False, (2,)), (None, 0), (None, 0))
    ours = assert_matches_litert(model, [np.array([[-3, -4], [3, 4]], np.int32)])[0]
    assert ours.tolist() == [-3, 3]
