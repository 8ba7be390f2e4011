"""CONCATENATION against the TFLM runtime, and ``semantics="tflite"`` against LiteRT's
reference kernels, which also run uint8 (requantizing inputs whose quantization differs
from the output's)."""
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
from reference import run_litert
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflite_only
from single_op import random_data
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import zero_points
from typed_data import fixed_quant as _q

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


def _check_concatenation(case, dtype, zp, seed, check=assert_matches_tflm, in_qs=None):
    in_shapes, axis, out_shape = case
    q = (0.3, zp) if np.dtype(dtype) in (np.int8, np.uint8) else _q(dtype)
    in_qs = in_qs or [q] * len(in_shapes)
    model = single_op_model("CONCATENATION", [T(dtype, s, *iq) for s, iq in zip(in_shapes, in_qs)],
                            [T(dtype, out_shape, *q)], {"axis": axis})
    rng = np.random.default_rng(seed)
    check(model, [random_data(rng, dtype, s) for s in in_shapes])


@budgets(ci=150, slow=2000, max_rank=(4, 6))
def test_concatenation(examples, max_rank):
    explore(examples, st.tuples(concatenations(max_rank=max_rank),
                                st.sampled_from([np.int8, np.int16, np.int32, np.int64,
                                                 np.float32]), zero_points(), seeds),
            lambda drawn: _check_concatenation(*drawn))


@CI
@given(concatenations(), zero_points(np.uint8), seeds, st.data())
def test_concatenation_uint8_tflite_matches_litert(case, zp, seed, data):
    # each input keeps the output's quantization or has its own: LiteRT requantizes those in
    # float32 (ConcatenationWithScaling)
    keep = st.just((0.3, zp))
    own = st.tuples(scales(-2, 1), zero_points(np.uint8))
    in_qs = [data.draw(st.one_of(keep, own)) for _ in case[0]]
    _check_concatenation(case, np.uint8, zp, seed, assert_matches_litert, in_qs)


def test_concatenation_uint8_only_litert_runs():
    case = ([(2, 3), (2, 2)], 1, (2, 5))
    _check_concatenation(case, np.uint8, 120, 0,
                         lambda model, feeds: assert_tflite_only(model, feeds, "CONCATENATION"),
                         [(0.3, 120), (0.05, 128)])


def test_concatenation_rejects_int8_requantization():
    # TFLM copies bytes: int8 inputs must already have the output's scale and zero point.
    # LiteRT's reference kernel refuses them too (it requantizes uint8 only).
    model = single_op_model("CONCATENATION", [T(np.int8, [2], 0.1, 0), T(np.int8, [2], 0.2, 0)],
                            [T(np.int8, [4], 0.1, 0)], {"axis": 0})
    feeds = [np.zeros(2, np.int8), np.zeros(2, np.int8)]
    for semantics in ("tflm", "tflite"):
        with pytest.raises(ModelError, match="CONCATENATION.*scale"):
            run_model(model, feeds, semantics=semantics)
    with pytest.raises(RuntimeError):
        run_litert(model, feeds)


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


def test_concatenation_uint8_requantization_rounds_halves_away_from_zero_like_litert():
    # scale 0.5 / 1.0 and input zero point 3: every odd input lands on a half, negative
    # ones included (q = round(0.5 * x - 1.5) + 10)
    x = np.arange(256, dtype=np.uint8).reshape(1, 256)
    model = single_op_model("CONCATENATION", [T(np.uint8, [1, 256], 0.5, 3),
                                              T(np.uint8, [1, 256], 1.0, 10)],
                            [T(np.uint8, [2, 256], 1.0, 10)], {"axis": 0})
    ours = assert_matches_litert(model, [x, x])[0]
    v = 0.5 * np.arange(256) - 1.5
    expected = np.clip(np.sign(v) * np.floor(np.abs(v) + 0.5) + 10, 0, 255)
    assert ours[0].tolist() == expected.tolist() and ours[1].tolist() == x[0].tolist()
