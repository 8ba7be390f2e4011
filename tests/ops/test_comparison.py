"""The six comparisons (EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL)
against the TFLM runtime, byte for byte: raw types and quantized int8/int16; and
``semantics="tflite"`` against LiteRT's reference kernels on the uint8 and int16
comparisons only LiteRT runs.

Hypothesis draws broadcastable shapes (rank 1-4 in CI, up to 6 in the slow
runs), scales and zero points (extremes included) and data with the type's
extremes and many ties between the two inputs.
"""
from __future__ import annotations

import numpy as np
import pytest
from binary_cases import binary_data
from binary_cases import binary_model as _model
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
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import broadcast_shapes
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COMPARISONS = ["EQUAL", "NOT_EQUAL", "GREATER", "GREATER_EQUAL", "LESS", "LESS_EQUAL"]


def _comparison_types(op):
    types = [np.float32, np.int32, np.int64]
    if op in ("EQUAL", "NOT_EQUAL"):
        types.append(np.bool_)
    return types


def _check_comparison_raw(op, dtype, shapes, seed):
    with np.errstate(all="ignore"):
        assert_matches_tflm(_model(op, dtype, shapes, out_dtype=np.bool_),
                            binary_data(seed, dtype, shapes))


comparison_raw_cases = st.sampled_from(COMPARISONS).flatmap(
    lambda op: st.tuples(st.just(op), st.sampled_from(_comparison_types(op))))


def _check_drawn_raw(drawn):
    (op, dtype), shapes, seed = drawn
    _check_comparison_raw(op, dtype, shapes, seed)


@budgets(ci=40, slow=600, max_rank=(4, 6))
def test_comparison_raw_types(examples, max_rank):
    explore(examples, st.tuples(comparison_raw_cases, broadcast_shapes(max_rank=max_rank), seeds),
            _check_drawn_raw)


@st.composite
def quantized_comparison_cases(draw, max_rank=4):
    op = draw(st.sampled_from(COMPARISONS))
    dtype = np.int8  # int16 GREATER: see test_int16_greater_matches_litert
    shapes = draw(broadcast_shapes(max_rank=max_rank))
    # TFLM aborts unless every input scale is below 1; equal scales make exact ties
    s1 = draw(scales(-4, -0.01))
    s2 = draw(st.one_of(st.just(s1), scales(-4, -0.01)))
    quant = [(s1, draw(zero_points(dtype))), (s2, draw(zero_points(dtype))), (None, 0)]
    return op, dtype, shapes, quant, draw(seeds)


def _check_quantized_comparison(case):
    op, dtype, shapes, quant, seed = case
    assert_matches_tflm(_model(op, dtype, shapes, quant, np.bool_),
                        binary_data(seed, dtype, shapes))


@budgets(ci=40, slow=600, max_rank=(4, 6))
def test_comparison_quantized(examples, max_rank):
    explore(examples, quantized_comparison_cases(max_rank=max_rank), _check_quantized_comparison)


def test_comparison_rescales_int8_inputs():
    # 10 * 0.1 == 20 * 0.05 although the raw values differ; the 8 extra bits keep
    # 0.1 * 10 above 0.05 * 19.
    quant = [(0.1, 0), (0.05, 0), (None, 0)]
    model = _model("EQUAL", np.int8, ([3], [3], [3]), quant, np.bool_)
    x1, x2 = np.array([10, 10, 10], np.int8), np.array([20, 19, 10], np.int8)
    assert assert_matches_tflm(model, [x1, x2])[0].tolist() == [True, False, False]


def test_comparison_rejects_scale_of_one():
    model = _model("LESS", np.int8, ([3], [3], [3]), [(1.0, 0), (0.5, 0), (None, 0)], np.bool_)
    with pytest.raises(ModelError, match="LESS.*TFLM aborts"):
        run_model(model, [np.zeros(3, np.int8)] * 2)


def test_comparison_rejects_int16_except_greater():
    model = _model("LESS", np.int16, ([3], [3], [3]), [(0.5, 0), (0.5, 0), (None, 0)], np.bool_)
    with pytest.raises(UnsupportedOpError, match="LESS.*int16"):
        run_model(model, [np.zeros(3, np.int16)] * 2)


def test_litert_agrees_on_comparisons():
    shapes = ([2, 1, 5], [3, 1], [2, 3, 5])
    for op in COMPARISONS:
        for dtype, quant in [(np.float32, None), (np.int32, None),
                             (np.int8, [(0.04, -3), (0.09, 11), (None, 0)])]:
            model = _model(op, dtype, shapes, quant, np.bool_)
            with np.errstate(all="ignore"):
                tflm, litert = tflm_and_litert(model, binary_data(5, dtype, shapes))
            assert_same(litert, tflm, f"{op} {np.dtype(dtype)}: LiteRT vs TFLM")


# -- validation --------------------------------------------------------------------------

def test_rejects_mixed_input_types():
    model = single_op_model("LESS", [T(np.float32, [3]), T(np.int32, [3])], [T(np.bool_, [3])])
    with pytest.raises(ModelError, match="LESS.*types"):
        run_model(model, [np.zeros(3, np.float32), np.zeros(3, np.int32)])


def test_rejects_non_bool_comparison_output():
    model = _model("EQUAL", np.float32, ([3], [3], [3]))
    with pytest.raises(ModelError, match="EQUAL.*bool"):
        run_model(model, [np.zeros(3, np.float32)] * 2)


def test_int16_greater_rescales_divergence_litert_compares_raw():
    # TFLM's int16 GREATER reads rescaling parameters its Prepare never sets (int8 only),
    # so its answers change from run to run: it is not generated against TFLM. We rescale
    # as for int8 (what the kernel source intends): the real values are compared.
    # Divergence: LiteRT's reference kernel compares the raw int16 values.
    q1, q2 = (0.003, 7), (0.01, -50)
    model = _model("GREATER", np.int16, ([6], [6], [6]), [q1, q2, (None, 0)], np.bool_)
    x1 = np.array([5, 100, -100, 32767, -32768, 300], np.int16)
    x2 = np.array([4, 101, -200, -32768, 32767, 299], np.int16)
    real1, real2 = (x1 - 7.0) * 0.003, (x2 + 50.0) * 0.01
    assert run_model(model, [x1, x2])[0].tolist() == (real1 > real2).tolist()
    assert run_litert(model, [x1, x2])[0].tolist() == (x1 > x2).tolist()


# -- semantics="tflite": uint8 and int16 (LiteRT's comparisons.cc) ------------------------

@st.composite
def litert_comparison_cases(draw):
    """uint8 (always quantized) or int16 (quantized or not; NOT_EQUAL needs quantization),
    scales in (0, 1), zero points over the type (int16 too: LiteRT reads them)."""
    op = draw(st.sampled_from(COMPARISONS))
    dtype = draw(st.sampled_from([np.uint8, np.int16]))
    shapes = draw(broadcast_shapes(max_rank=4))   # LiteRT broadcasts up to 4-D here
    quantized = dtype == np.uint8 or op == "NOT_EQUAL" or draw(st.booleans())
    quant = None
    if quantized:
        s1 = draw(scales(-4, -0.01))
        s2 = draw(st.one_of(st.just(s1), scales(-4, -0.01)))
        quant = [(s1, draw(zero_points(dtype))), (s2, draw(zero_points(dtype))), (None, 0)]
    return op, dtype, shapes, quant, draw(seeds)


@CI
@given(litert_comparison_cases())
def test_tflite_uint8_int16_comparisons_match_litert(case):
    op, dtype, shapes, quant, seed = case
    assert_matches_litert(_model(op, dtype, shapes, quant, np.bool_),
                          binary_data(seed, dtype, shapes))


@pytest.mark.parametrize("op", COMPARISONS)
@pytest.mark.parametrize("dtype", [np.uint8, np.int16])
def test_tflm_flavor_refuses_what_tflm_refuses(op, dtype):
    if op == "GREATER" and dtype == np.int16:
        pytest.skip("TFLM runs int16 GREATER (test_int16_greater_rescales_...)")
    q = [(0.5, 3), (0.25, 1), (None, 0)]
    model = _model(op, dtype, ([3], [3], [3]), q, np.bool_)
    assert_tflm_refuses(model, [np.zeros(3, dtype)] * 2, UnsupportedOpError,
                        f"{op}.*{np.dtype(dtype)}")


def test_litert_int16_equal_rescales_less_compares_raw():
    # Divergence between LiteRT's own comparisons: quantized int16 EQUAL / NOT_EQUAL
    # compare real values (0.1 * 10 == 0.05 * 20), LESS / GREATER(_EQUAL) raw ones.
    q = [(0.1, 0), (0.05, 0), (None, 0)]
    x1, x2 = np.array([10, 10, 10], np.int16), np.array([20, 19, 10], np.int16)
    for op, expected in [("EQUAL", [True, False, False]), ("NOT_EQUAL", [False, True, True]),
                         ("LESS", [True, True, False]), ("GREATER_EQUAL", [False, False, True])]:
        model = _model(op, np.int16, ([3], [3], [3]), q, np.bool_)
        assert assert_matches_litert(model, [x1, x2])[0].tolist() == expected, op


def test_tflite_unquantized_int16_not_equal_is_refused():
    # LiteRT's NOT_EQUAL writes nothing for int16 inputs without quantization (its
    # output keeps whatever the arena held); EQUAL compares them raw.
    x1, x2 = np.array([1, 2, 3], np.int16), np.array([1, 0, 3], np.int16)
    model = _model("EQUAL", np.int16, ([3], [3], [3]), None, np.bool_)
    assert assert_matches_litert(model, [x1, x2])[0].tolist() == [True, False, True]
    model = _model("NOT_EQUAL", np.int16, ([3], [3], [3]), None, np.bool_)
    with pytest.raises(UnsupportedOpError, match="NOT_EQUAL.*writes no output"):
        run_model(model, [x1, x2], semantics="tflite")
