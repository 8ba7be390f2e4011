"""ADD_N against the TFLM runtime, byte for byte: float32 and int8; LiteRT's reference
kernels where they agree; and the divergences and refusals, pinned. ``semantics="tflite"``
is compared with LiteRT on int32 too, which only LiteRT runs.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from budgets import exploring
from hypothesis import given
from hypothesis import strategies as st
from math_cases import check_quietly as _check
from math_cases import feed as _feed
from math_cases import float_data as _float_data
from math_cases import shapes
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

# -- ADD_N: float32 and int8 ---------------------------------------------------------------

@st.composite
def add_n_cases(draw, dtype):
    n = draw(st.integers(2, 5))
    quant = None
    if dtype == np.int8:
        quant = ((draw(scales()), draw(zero_points())), (draw(scales()), draw(zero_points())))
    return dtype, n, draw(shapes), quant, draw(st.booleans()), draw(seeds)


def _check_add_n(case):
    dtype, n, shape, quant, specials, seed = case
    (si, zi), (so, zo) = quant or ((None, 0), (None, 0))
    model = single_op_model("ADD_N", [T(dtype, shape, si, zi)] * n, [T(dtype, shape, so, zo)])
    rng = np.random.default_rng(seed)
    _check(model, [_feed(rng, dtype, shape, specials) for _ in range(n)])


@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@budgets(ci=60, slow=400)
def test_add_n(dtype, examples):
    explore(examples, add_n_cases(dtype), _check_add_n)


def test_add_n_int8_counts_the_input_offset_once_more():
    # TFLM's int8 AddN starts its accumulator at the rescaled *offset* (-zp_in), not at
    # zero: adding two real zeros (q = zp_in = 10) gives -10 steps, and we match it.
    model = single_op_model("ADD_N", [T(np.int8, [4], 0.1, 10)] * 2, [T(np.int8, [4], 0.1, 0)])
    zeros = np.full(4, 10, np.int8)
    ours = assert_matches_tflm(model, [zeros, zeros])[0]
    assert ours.tolist() == [-10] * 4


def test_add_n_refuses_what_tflm_refuses():
    x = np.zeros(4, np.int16)
    model = single_op_model("ADD_N", [T(np.int16, [4], 0.1, 0)] * 2, [T(np.int16, [4], 0.1, 0)])
    with pytest.raises(RuntimeError):
        run_tflm(model, [x, x])
    with pytest.raises(UnsupportedOpError, match="ADD_N"):
        run_model(model, [x, x])
    # inputs with different quantization: TFLM fails prepare
    model = single_op_model("ADD_N", [T(np.int8, [4], 0.1, 0), T(np.int8, [4], 0.2, 0)],
                            [T(np.int8, [4], 0.1, 0)])
    x = np.zeros(4, np.int8)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x, x])
    with pytest.raises(ModelError, match="ADD_N"):
        run_model(model, [x, x])
    # an output multiplier 2 s_in / (2^20 s_out) >= 1 makes TFLM abort the process, so
    # it is not run there; we raise
    model = single_op_model("ADD_N", [T(np.int8, [4], 1.0, 0)] * 2, [T(np.int8, [4], 1e-6, 0)])
    with pytest.raises(ModelError, match="ADD_N"):
        run_model(model, [x, x])


def test_litert_add_n():
    rng = np.random.default_rng(7)
    x = [_float_data(rng, (3, 7), False) for _ in range(3)]
    model = single_op_model("ADD_N", [T(np.float32, [3, 7])] * 3, [T(np.float32, [3, 7])])
    tflm, litert = tflm_and_litert(model, x)
    assert_same(litert, tflm, "ADD_N float32: LiteRT vs TFLM")
    # Divergence: LiteRT clamps an overflowing float sum to +-FLT_MAX (its ADD_N is a chain
    # of clamped adds); TFLM's plain C loop gives +-inf, and so do we.
    big = np.array([3e38, -3e38, 1.0], np.float32)
    model = single_op_model("ADD_N", [T(np.float32, [3])] * 2, [T(np.float32, [3])])
    with np.errstate(all="ignore"):
        ours = assert_matches_tflm(model, [big, big])[0]
        tflm, litert = tflm_and_litert(model, [big, big])
    assert ours.tolist() == [np.inf, -np.inf, 2.0]
    assert litert[0] == np.finfo(np.float32).max
    # Divergence: LiteRT has no int8 ADD_N (it fails at invoke); TFLM has, and we follow it.
    model = single_op_model("ADD_N", [T(np.int8, [4], 0.1, 3)] * 2, [T(np.int8, [4], 0.1, 0)])
    q = np.arange(4, dtype=np.int8)
    assert_matches_tflm(model, [q, q])
    with pytest.raises(RuntimeError):
        run_litert(model, [q, q])


# -- semantics="tflite": int32 (LiteRT's AddN, wrapping) ----------------------------------

@exploring(60)
@given(st.integers(2, 5), shapes, seeds)
def test_tflite_int32_add_n_wraps_like_litert(n, shape, seed):
    rng = np.random.default_rng(seed)
    model = single_op_model("ADD_N", [T(np.int32, shape)] * n, [T(np.int32, shape)])
    assert_matches_litert(model, [_feed(rng, np.int32, shape) for _ in range(n)])


def test_tflm_flavor_refuses_int32_add_n():
    model = single_op_model("ADD_N", [T(np.int32, [4])] * 2, [T(np.int32, [4])])
    assert_tflm_refuses(model, [np.zeros(4, np.int32)] * 2, UnsupportedOpError, "ADD_N.*int32")
