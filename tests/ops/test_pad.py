"""PAD and PADV2 against the TFLM runtime, and ``semantics="tflite"`` against LiteRT's
reference kernels (which also run bool, uint8 and int64; uint8 pads with the zero point)."""
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
from single_op import seeds
from single_op import single_op_model
from single_op import zero_points
from typed_data import data
from typed_data import fixed_quant as _q

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def paddings(draw, max_rank=5):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=max_rank).map(tuple))
    pads = [(draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in shape]
    out = tuple(d + a + b for d, (a, b) in zip(shape, pads))
    return shape, np.array(pads, np.int32), out


TYPES = [np.int8, np.int16, np.int32, np.float32]
TFLITE_ONLY = [np.bool_, np.uint8, np.int64]   # LiteRT runs them, TFLM refuses them


def run_pad(case, dtype, variant, zp, seed, check=assert_matches_tflm):
    shape, pads, out_shape = case
    q = (0.5, zp) if np.dtype(dtype) in (np.int8, np.uint8) else _q(dtype)
    inputs = [T(dtype, shape, *q), T(np.int32, pads.shape, data=pads)]
    if variant != "PAD":
        inputs.append(T(dtype, [1], *q, data=np.array([7], dtype)))
    model = single_op_model(variant.split("+")[0], inputs, [T(dtype, out_shape, *q)])
    check(model, [data(seed, dtype, shape)])


@CI
@given(paddings(), st.sampled_from(TYPES), st.sampled_from(["PAD", "PAD+constant", "PADV2"]),
       zero_points(), seeds)
def test_pad(case, dtype, variant, zp, seed):
    run_pad(case, dtype, variant, zp, seed)


@settings(CI, max_examples=300)
@given(paddings(), st.sampled_from(TYPES + TFLITE_ONLY),
       st.sampled_from(["PAD", "PAD+constant", "PADV2"]), zero_points(np.uint8), seeds)
def test_pad_tflite_matches_litert(case, dtype, variant, zp, seed):
    # int8 gets a uint8 zero point shifted into its range; uint8 and int16 pad with theirs
    run_pad(case, dtype, variant, zp - 128 if dtype == np.int8 else zp, seed,
            assert_matches_litert)


@pytest.mark.parametrize("variant", ["PAD", "PADV2"])
@pytest.mark.parametrize("dtype", TFLITE_ONLY)
def test_pad_types_only_litert_runs(dtype, variant):
    case = ((2, 3), np.array([[0, 1], [2, 0]], np.int32), (3, 5))
    run_pad(case, dtype, variant, 200, 0,
            lambda model, feeds: assert_tflite_only(model, feeds, variant))


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
