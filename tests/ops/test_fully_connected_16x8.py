"""FULLY_CONNECTED 16x8 (int16 activations, int8 weights) against the tflite-micro
runtime, byte for byte, and against LiteRT's reference kernel for semantics="tflite".

What the tflite-micro runtime does (measured; ``micro/kernels/fully_connected.cc``
and the int16 overloads in ``reference/integer_ops/fully_connected.h``), and what
these tests pin:

* per-tensor and per-channel weights; per-tensor weights keep their zero point
  (as in int8), per-channel ones ignore theirs (this interpreter refuses
  non-zero ones, as it does for int8);
* unlike the 16x8 convolutions, the input and output zero points ARE read:
  ``y = clamp(MBQM(sum (w - zp_w)(x - zp_in) + bias) + zp_out)``;
* an int64 bias or none: an int64 accumulator and the int64-input
  MultiplyByQuantizedMultiplier; an int32 bias: an int32 accumulator that wraps
  and the ordinary 32-bit MBQM; an int16 bias is read as if it were int64
  (garbage), so it is refused here;
* LiteRT (reference kernels) requantizes in floating point from an int64
  accumulator, refuses non-zero input/output zero points and int16 biases, and
  reads an int32 bias as int64; semantics="tflite" follows it and refuses what
  it cannot reproduce.

Cases are drawn with hypothesis (one seed per case, everything else derived
from it): input layouts (rows, [a, b, depth] with or without keep_num_dims,
[1, h, w, c] flattened), depths up to 1500 (the int32 accumulator wraps),
per-tensor / per-channel scales with real multipliers from far below 1 to
15000 (just below where the int64 requantization is undefined), biases up to
+-2^40 (int64) and the full int32 range, zero points over the whole int16
range, fused activations, inputs including -32768 and 32767.

    pytest tests/test_ops_fc16x8.py              # CI budget
    pytest tests/test_ops_fc16x8.py -m slow      # many more examples
"""
from __future__ import annotations

import numpy as np
import pytest
from conv_cases import Fc16x8Case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert, run_tflm
from single_op import assert_same, seeds

from interpreter import Interpreter, ModelError, UnsupportedOpError
from interpreter.arith.fixedpoint import (
    multiply_by_quantized_multiplier,
    multiply_by_quantized_multiplier_int64,
    quantize_multiplier,
)
from interpreter.builder import ModelBuilder

CI = settings(max_examples=400, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(CI, max_examples=3000)


def check(case: Fc16x8Case) -> None:
    """Equal bytes, or (a fused activation bound that does not fit int32 at a tiny
    output scale) both refuse the model."""
    model, ishape = case.model()
    x = case.input(ishape)
    try:
        ours = run_model(model, [x])[0]
    except ModelError as e:
        assert "fused activation's bound" in str(e), f"{case}: {e}"
        with pytest.raises(RuntimeError):
            run_tflm(model, [x])
        return
    assert_same(ours, run_tflm(model, [x])[0], f"{case}")

def check_tflite_semantics(case: Fc16x8Case) -> None:
    """semantics="tflite" equals LiteRT's reference kernel, or both refuse the model
    (an int32 bias LiteRT reads as int64: refused here, whatever LiteRT computes)."""
    model, ishape = case.model()
    x = case.input(ishape)
    try:
        ours = run_interpreter(model, x, semantics="tflite")
    except (ModelError, UnsupportedOpError) as e:
        assert "FULLY_CONNECTED" in str(e)
        if "fused activation's bound" not in str(e):
            assert case.zero_points or case.bias == np.int32, f"{case}: {e}"
        if case.bias != np.int32:
            with pytest.raises(RuntimeError):
                run_litert(model, [x])
        return
    assert not case.zero_points and case.bias != np.int32, f"{case} was not refused"
    assert_same(ours, run_litert(model, [x])[0], f"{case} vs LiteRT")




def run_interpreter(model: bytes, x: np.ndarray, **kwargs) -> np.ndarray:
    interp = Interpreter(model_content=model, **kwargs)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


def cases(biases=(None, np.int32, np.int64)):
    return st.builds(Fc16x8Case, seeds, st.sampled_from(list(biases)), st.booleans(), st.booleans())


@CI
@given(cases())
def test_fully_connected_16x8_matches_tflm(case):
    check(case)


@settings(CI, max_examples=300)
@given(cases())
def test_fully_connected_16x8_tflite_semantics_matches_litert(case):
    check_tflite_semantics(case)


@pytest.mark.slow
@SLOW
@given(cases())
def test_fully_connected_16x8_matches_tflm_slow(case):
    check(case)


@pytest.mark.slow
@SLOW
@given(cases())
def test_fully_connected_16x8_tflite_semantics_slow(case):
    check_tflite_semantics(case)


# -- hand-worked cases ------------------------------------------------------------------

def fc16_model(weights, bias, scales, zero_points, bias_type=np.int64, activation="NONE",
               filter_zero_points=None) -> bytes:
    """A [1, depth] 16x8 FULLY_CONNECTED; scales/zero_points = (input, filter, output),
    the filter scale a list for per-channel weights."""
    weights = np.asarray(weights)
    units, depth = weights.shape
    (s_in, s_w, s_out), (zp_in, zp_w, zp_out) = scales, zero_points
    s_w = s_w if isinstance(s_w, list) else [s_w]
    b = ModelBuilder()
    x = b.add_tensor("x", np.int16, (1, depth), scale=s_in, zero_point=zp_in)
    w = b.add_tensor("w", np.int8, weights.shape, data=weights, scale=s_w,
                     zero_point=filter_zero_points or [zp_w] * len(s_w))
    inputs = [x, w]
    if bias is not None:
        inputs.append(b.add_tensor("b", bias_type, [units], data=bias,
                                   scale=[s_in * s for s in s_w], zero_point=0))
    y = b.add_tensor("y", np.int16, (1, units), scale=s_out, zero_point=zp_out)
    b.add_operator("FULLY_CONNECTED", inputs, [y],
                   options={"fused_activation_function": activation})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def test_hand_worked_zero_points():
    # x - zp_in = [-1000, 2000, 3]; W - zp_w = [[2, 2, 2], [3, 0, 1]]
    # acc = [2 * 1003 + 7, -3000 + 3 - 5] = [2013, -3002]; M = 1/2 -> [1007, -1501] (+ 10)
    model = fc16_model([[1, 1, 1], [2, -1, 0]], [7, -5], (1.0, 1.0, 2.0), (500, -1, 10))
    x = np.array([[-500, 2500, 503]], np.int16)
    expected = np.array([[1017, -1491]], np.int16)
    assert_same(run_tflm(model, [x])[0], expected)
    assert_same(run_model(model, [x])[0], expected)


def test_int32_bias_accumulates_in_int32():
    """An int32 bias makes the accumulator int32 (it wraps: 1000 * 32767 * 127 > 2^31)
    and the requantization the 32-bit MBQM; with an int64 bias the same values do not
    wrap."""
    weights = np.full((2, 1000), 127)
    weights[1] = -127
    x = np.full((1, 1000), 32767, np.int16)
    scales = (2.0 ** -10, 2.0 ** -10, 1.0)          # real multiplier 2^-20
    acc = np.array([1000 * 32767 * 127 + 5, -1000 * 32767 * 127 - 5])
    wrapped = (acc + 2 ** 31) % 2 ** 32 - 2 ** 31
    m = quantize_multiplier(2.0 ** -20)
    expected32 = multiply_by_quantized_multiplier(wrapped, *m)
    expected64 = multiply_by_quantized_multiplier_int64(acc, *m)
    assert expected64.tolist() == [3969, -3969] and expected32.tolist() != [3969, -3969]
    for bias_type, expected in ((np.int32, [expected32.tolist()]),
                                (np.int64, [expected64.tolist()])):
        model = fc16_model(weights, [5, -5], scales, (0, 0, 0), bias_type)
        assert run_tflm(model, [x])[0].tolist() == expected
        assert_same(run_model(model, [x])[0], run_tflm(model, [x])[0])


def test_per_channel_filter_zero_points_are_ignored_by_tflm_and_refused():
    scales = (0.1, [0.1, 0.2], 0.1)
    x = np.array([[100, 200]], np.int16)
    with_zp = fc16_model(np.ones((2, 2)), None, scales, (0, 0, 0), filter_zero_points=[0, 3])
    without = fc16_model(np.ones((2, 2)), None, scales, (0, 0, 0))
    assert_same(run_tflm(with_zp, [x])[0], run_tflm(without, [x])[0])
    assert_same(run_model(without, [x])[0], run_tflm(without, [x])[0])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*zero points must be 0"):
        run_model(with_zp, [x])


# -- what is refused, and the C backend ----------------------------------------------

@pytest.mark.parametrize("bias_type", [np.int16, np.float32])
def test_other_bias_types_are_refused(bias_type):
    """TFLM reads any 16x8 bias as int64 (an int16 one gives garbage); LiteRT refuses it."""
    model = fc16_model([[1, 2]], [3], (0.01, 0.02, 0.05), (0, 0, 0), bias_type)
    x = np.array([[100, 200]], np.int16)
    name = np.dtype(bias_type)
    with pytest.raises(UnsupportedOpError, match=f"FULLY_CONNECTED.*bias type {name}"):
        run_model(model, [x])
    if bias_type == np.int16:
        with pytest.raises(RuntimeError):
            run_litert(model, [x])


@pytest.mark.parametrize("zps", [(3, 0, 0), (0, 0, -5)])
def test_tflite_semantics_refuses_zero_points(zps):
    """LiteRT refuses non-zero int16 input/output zero points (TFLM reads them)."""
    model = fc16_model([[1, 2]], None, (0.01, 0.02, 0.05), zps)
    x = np.array([[100, 200]], np.int16)
    with pytest.raises(RuntimeError):
        run_litert(model, [x])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*zero point must be 0"):
        run_interpreter(model, x, semantics="tflite")
    assert_same(run_model(model, [x])[0], run_tflm(model, [x])[0])


def test_tflite_semantics_refuses_int32_bias():
    model = fc16_model([[1, 2]], [3], (0.01, 0.02, 0.05), (0, 0, 0), np.int32)
    with pytest.raises(UnsupportedOpError, match="FULLY_CONNECTED.*bias type int32"):
        run_interpreter(model, np.zeros((1, 2), np.int16), semantics="tflite")


def test_bias_scale_must_match_like_tflm():
    """GetQuantizedConvolutionMultipler (per-tensor weights) refuses a bias scale off by
    more than 2% of an output step, for 16x8 as for int8."""
    model, ishape = Fc16x8Case(5, np.int64, False, False).model(bias_scale_factor=1e4)
    x = np.zeros(ishape, np.int16)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*bias scale"):
        run_model(model, [x])


@pytest.mark.parametrize("activation", ["RELU6", "RELU_N1_TO_1"])
def test_tiny_output_scale_with_bounded_activation_is_refused(activation):
    """6 / s_out (or 1 / s_out) beyond int32 fails TFLM's CalculateActivationRangeQuantized."""
    model = fc16_model([[1, 2]], None, (1e-6, 1e-6, 1e-10), (0, 0, 0), activation=activation)
    x = np.zeros((1, 2), np.int16)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])
    with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*fused activation"):
        run_model(model, [x])
    relu = fc16_model([[1, 2]], None, (1e-6, 1e-6, 1e-10), (0, 0, 0), activation="RELU")
    assert_same(run_model(relu, [x])[0], run_tflm(relu, [x])[0])


@pytest.mark.parametrize("bias", [None, [5, -7]])
def test_huge_multiplier_is_refused_where_the_int64_requantization_is_undefined(bias):
    """From a real multiplier of 2^14 on, the int64 MBQM shifts by negative amounts, which
    C leaves undefined (TFLM only DCHECKs shift < 8): refused. Measured, the runtime then
    gives x86's masked-shift artefacts (acc * reduced multiplier cut to int32 at shift 15,
    zeros beyond), no arithmetic worth reproducing. Just below 2^14 it matches."""
    weights = [[1, 0], [0, -1]]
    x = np.array([[3, -2]], np.int16)
    below = fc16_model(weights, bias, (0.5, 0.5, 0.25 / 2 ** 13.9), (0, 0, 0))
    assert_same(run_model(below, [x])[0], run_tflm(below, [x])[0])
    for exponent in (14.1, 16.5):
        above = fc16_model(weights, bias, (0.5, 0.5, 0.25 / 2 ** exponent), (0, 0, 0))
        run_tflm(above, [x])      # runs
        with pytest.raises(ModelError, match=r"FULLY_CONNECTED \(operator 0\).*2\^14"):
            run_model(above, [x])


def test_int16_weights_are_unsupported():
    b = ModelBuilder()
    x = b.add_tensor("x", np.int16, (1, 4), scale=0.01)
    w = b.add_tensor("w", np.int16, (3, 4), scale=0.02, data=np.ones((3, 4)))
    y = b.add_tensor("y", np.int16, (1, 3), scale=0.05)
    b.add_operator("FULLY_CONNECTED", [x, w, -1], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(UnsupportedOpError, match="filter type int16"):
        run_model(b.build(), [np.zeros((1, 4), np.int16)])


def test_c_backend_runs_the_numpy_16x8_path():
    """The C class takes only int8; int16 falls back to NumPy, bit-exact."""
    pytest.importorskip("interpreter.ops_c")
    for seed in range(12):
        case = Fc16x8Case(seed, [None, np.int32, np.int64][seed % 3], bool(seed % 2), seed % 4 < 2)
        model, ishape = case.model()
        x = case.input(ishape)
        try:
            interp = Interpreter(model_content=model, backend="c")
            interp.allocate_tensors()
        except (ImportError, RuntimeError) as e:   # C kernels not built here
            pytest.skip(f"C backend unavailable: {e}")
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
        ours = interp.get_tensor(interp.get_output_details()[0]["index"])
        assert interp.backend == "c"
        assert_same(ours, run_tflm(model, [x])[0], f"{case} (C backend)")
