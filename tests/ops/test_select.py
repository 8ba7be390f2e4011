"""SELECT_V2 against the TFLM runtime, byte for byte, and ``semantics="tflite"`` against
LiteRT's reference kernels (which also run bool, uint8, int32 and int64)."""
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
from single_op import assert_same
from single_op import assert_tflite_only
from single_op import random_data
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from typed_data import data

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def three_way_shapes(draw, max_rank=4):
    """(condition, x, y, output) shapes broadcasting by NumPy's rules."""
    rank = draw(st.integers(1, max_rank))
    out = draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    picks = []
    for _ in range(3):
        s = [d if draw(st.booleans()) else 1 for d in out]
        picks.append(tuple(s[draw(st.integers(0, rank)):] if draw(st.booleans()) else s))
    return (*picks, tuple(np.broadcast_shapes(*picks)))


TYPES = [np.float32, np.int8, np.int16]
# LiteRT's reference kernels run them, TFLM refuses them
TFLITE_ONLY = [np.bool_, np.uint8, np.int32, np.int64]


def _check_select(dtype, shapes, seed, check=assert_matches_tflm):
    sc, sx, sy, so = shapes
    model = single_op_model("SELECT_V2", [T(np.bool_, sc), T(dtype, sx, 0.1, 2),
                                          T(dtype, sy, 0.1, 2)], [T(dtype, so, 0.1, 2)])
    feeds = [data(seed, np.bool_, sc), data(seed + 1, dtype, sx), data(seed + 2, dtype, sy)]
    check(model, feeds)


@budgets(ci=40, slow=600, max_rank=(4, 6))
def test_select_v2(examples, max_rank):
    explore(examples, st.tuples(st.sampled_from(TYPES), three_way_shapes(max_rank=max_rank), seeds),
            lambda case: _check_select(*case))


@settings(CI, max_examples=280)
@given(st.sampled_from(TYPES + TFLITE_ONLY), three_way_shapes(), seeds)
def test_select_v2_tflite_matches_litert(dtype, shapes, seed):
    _check_select(dtype, shapes, seed, assert_matches_litert)


@pytest.mark.parametrize("dtype", TFLITE_ONLY)
def test_select_v2_types_only_litert_runs(dtype):
    _check_select(dtype, ((2, 1), (3,), (2, 3), (2, 3)), 0,
                  lambda model, feeds: assert_tflite_only(model, feeds, "SELECT_V2"))


def test_litert_agrees_on_select_v2():
    rng = np.random.default_rng(1)
    model = single_op_model("SELECT_V2", [T(np.bool_, [3, 1]), T(np.float32, [4]),
                                          T(np.float32, [3, 4])], [T(np.float32, [3, 4])])
    feeds = [rng.integers(0, 2, (3, 1)).astype(bool), random_data(rng, np.float32, [4]),
             random_data(rng, np.float32, [3, 4])]
    tflm, litert = tflm_and_litert(model, feeds)
    assert_same(litert, tflm, "SELECT_V2: LiteRT vs TFLM")


def test_select_v2_rejects_int32():
    model = single_op_model("SELECT_V2", [T(np.bool_, [2]), T(np.int32, [2]), T(np.int32, [2])],
                            [T(np.int32, [2])])
    with pytest.raises(UnsupportedOpError, match="SELECT_V2"):
        run_model(model, [np.ones(2, bool), np.ones(2, np.int32), np.ones(2, np.int32)])


def test_select_v2_rejects_non_bool_condition():
    model = single_op_model("SELECT_V2", [T(np.int8, [2]), T(np.int8, [2]), T(np.int8, [2])],
                            [T(np.int8, [2])])
    with pytest.raises(ModelError, match="bool"):
        run_model(model, [np.ones(2, np.int8)] * 3)
