"""RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR against the TFLM runtime; under
``semantics="tflite"`` against LiteRT's reference kernels, on the types only they run
(RESIZE_BILINEAR int16 and uint8; RESIZE_NEAREST_NEIGHBOR bool, uint8 and int32)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflite_only
from single_op import assert_tflm_refuses
from single_op import seeds
from single_op import single_op_model
from typed_data import BOOL
from typed_data import F32
from typed_data import I8
from typed_data import I16
from typed_data import I32
from typed_data import SLOW
from typed_data import U8
from typed_data import ci
from typed_data import const
from typed_data import data
from typed_data import example_quant
from typed_data import special_floats
from typed_data import typed

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

NN_TYPES = [F32, I8, I16]
NN_TFLITE_ONLY = [BOOL, U8, I32]     # LiteRT's reference kernels run them, TFLM refuses them


@st.composite
def resizes(draw, bilinear):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    in_h, in_w, out_h, out_w = (draw(st.integers(1, 7)) for _ in range(4))
    mode = draw(st.sampled_from(["none", "align", "half"] + ([] if bilinear else ["both"])))
    return n, c, in_h, in_w, out_h, out_w, mode


def run_resize(op, case, dtype, q, seed, check=assert_matches_tflm):
    n, c, in_h, in_w, out_h, out_w, mode = case
    options = {"align_corners": mode in ("align", "both"),
               "half_pixel_centers": mode in ("half", "both")}
    model = single_op_model(op, [T(dtype, [n, in_h, in_w, c], *q), const([out_h, out_w])],
                            [T(dtype, [n, out_h, out_w, c], *q)], options)
    x = special_floats(data(seed, dtype, (n, in_h, in_w, c)), seed)
    check(model, [x])


@ci(2)
@given(resizes(True), typed([F32, I8]), seeds)
def test_resize_bilinear(case, dq, seed):
    run_resize("RESIZE_BILINEAR", case, dq[0], dq[1], seed)


@ci(3)
@given(resizes(False), typed(NN_TYPES), seeds)
def test_resize_nearest_neighbor(case, dq, seed):
    run_resize("RESIZE_NEAREST_NEIGHBOR", case, dq[0], dq[1], seed)


@ci(6)
@given(resizes(False), typed(NN_TYPES + NN_TFLITE_ONLY), seeds)
def test_resize_nearest_neighbor_tflite_matches_litert(case, dq, seed):
    run_resize("RESIZE_NEAREST_NEIGHBOR", case, *dq, seed, assert_matches_litert)


@pytest.mark.parametrize("dtype", NN_TFLITE_ONLY)
def test_resize_nearest_neighbor_types_only_litert_runs(dtype):
    run_resize("RESIZE_NEAREST_NEIGHBOR", (1, 2, 2, 3, 4, 5, "none"), dtype,
               example_quant(dtype), 0,
               lambda model, feeds: assert_tflite_only(model, feeds, "RESIZE_NEAREST_NEIGHBOR"))


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


# -- semantics="tflite": RESIZE_BILINEAR int16 (integer path) and uint8 (float path) --------

@ci(2)
@given(resizes(True), st.sampled_from([I16, np.uint8]), seeds)
def test_tflite_resize_bilinear_int16_uint8_match_litert(case, dtype, seed):
    q = (0.25, 0) if dtype == I16 else (0.5, 128)
    run_resize("RESIZE_BILINEAR", case, dtype, q, seed, check=assert_matches_litert)


@pytest.mark.parametrize("dtype", [I16, np.uint8])
def test_tflm_flavor_refuses_int16_uint8_bilinear(dtype):
    model = single_op_model("RESIZE_BILINEAR", [T(dtype, [1, 2, 2, 1], 0.5, 0), const([3, 3])],
                            [T(dtype, [1, 3, 3, 1], 0.5, 0)])
    assert_tflm_refuses(model, [np.zeros((1, 2, 2, 1), dtype)], UnsupportedOpError,
                        f"RESIZE_BILINEAR.*{np.dtype(dtype)}")


@pytest.mark.parametrize("op", ["RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"])
@pytest.mark.parametrize("semantics", ["tflm", "tflite"])
def test_empty_input_axis_with_a_non_empty_output_is_refused(op, semantics):
    """An output pixel with no input pixel to read: the kernels would read outside the
    input (found by tools/fuzz_models.py: an IndexError under semantics="tflite")."""
    model = single_op_model(op, [T(F32, [1, 2, 0, 2]), const([3, 3])], [T(F32, [1, 3, 3, 2])])
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\): input height and width "
                                         r"\(2, 0\) must be positive"):
        run_model(model, [np.zeros((1, 2, 0, 2), F32)], semantics=semantics)
