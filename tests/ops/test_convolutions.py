"""The 16x8 convolutions (int16 activations, int8 weights) against the tflite-micro
runtime, byte for byte: CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV.

What TFLM does (``micro/kernels/conv.cc``, ``depthwise_conv.cc``,
``transpose_conv.cc`` and the int16 overloads in
``reference/integer_ops/{conv,depthwise_conv,transpose_conv}.h``), and what
these tests pin:

* CONV_2D: an int64 bias or none gives an int64 accumulator and the int64
  MultiplyByQuantizedMultiplier; an int32 bias an int32 accumulator that wraps
  and the ordinary 32-bit MBQM of the build's rounding mode (measured: without
  a bias the runtime takes the int64 path, whatever the source suggests);
* DEPTHWISE_CONV_2D: int64 bias or none, always the int64 path;
* TRANSPOSE_CONV: int64 or int16 bias (widened) or none, always int64;
* zero points are never read; this interpreter refuses non-zero ones rather
  than silently computing something other than the model's quantization
  (as it refuses non-zero int8 filter zero points).

Cases are drawn with hypothesis (one seed per case, everything else derived
from it): batch, image and filter sizes, strides, dilations, paddings, depth
multipliers, groups, per-tensor / per-channel scales (multipliers from
far below 1 to above 1, so both MBQM shift directions), biases up to +-2^40
(int64) and the full int32 range (which makes the int32 accumulator wrap),
fused activations, inputs that include -32768 and 32767.

    pytest tests/test_ops_conv16x8.py              # CI budget
    pytest tests/test_ops_conv16x8.py -m slow      # many more examples
"""
from __future__ import annotations

import numpy as np
import pytest
from conv_cases import BIASES_16X8, Conv16x8Case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_tflm
from single_op import assert_same, seeds

from interpreter import Interpreter, ModelError, UnsupportedOpError
from interpreter.builder import ModelBuilder

CI = settings(max_examples=400, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(CI, max_examples=2000)
BIASES = BIASES_16X8


def check(case: Conv16x8Case) -> None:
    model, ishape = case.model()
    x = case.input(ishape)
    ours = run_model(model, [x])[0]
    ref = run_tflm(model, [x])[0]
    assert_same(ours, ref, f"{case}")


def cases(op: str):
    return st.builds(Conv16x8Case, st.just(op), seeds, st.sampled_from(BIASES[op]))


@CI
@given(cases("CONV_2D"))
def test_conv_2d_matches_tflm(case):
    check(case)


@CI
@given(cases("DEPTHWISE_CONV_2D"))
def test_depthwise_conv_2d_matches_tflm(case):
    check(case)


@CI
@given(cases("TRANSPOSE_CONV"))
def test_transpose_conv_matches_tflm(case):
    check(case)


@pytest.mark.slow
@SLOW
@given(st.sampled_from(list(BIASES)).flatmap(cases))
def test_16x8_matches_tflm_slow(case):
    check(case)


# -- what is refused, and the C backend ----------------------------------------------

def _interpret(model: bytes, backend: str = "numpy") -> Interpreter:
    interp = Interpreter(model_content=model, backend=backend)
    interp.allocate_tensors()
    return interp


@pytest.mark.parametrize("op", list(BIASES))
@pytest.mark.parametrize("zps", [(3, 0), (0, -5)])
def test_nonzero_zero_points_are_refused(op, zps):
    """TFLM ignores int16 zero points (measured: same output with and without); refused."""
    model, ishape = Conv16x8Case(op, 7, None).model(*zps)
    if zps[0]:
        x = np.arange(np.prod(ishape)).reshape(ishape).astype(np.int16)
        assert_same(run_tflm(model, [x])[0], run_tflm(Conv16x8Case(op, 7, None).model()[0], [x])[0],
                    "TFLM with and without an input zero point")
    with pytest.raises(ModelError, match="zero point must be 0"):
        _interpret(model)


@pytest.mark.parametrize("op", ["DEPTHWISE_CONV_2D", "TRANSPOSE_CONV"])
def test_int32_bias_is_refused_where_tflm_reads_int64(op):
    model, _ = Conv16x8Case(op, 3, np.int32).model()
    with pytest.raises(UnsupportedOpError, match="bias type int32"):
        _interpret(model)


def test_int16_bias_is_refused_by_conv_2d():
    model, _ = Conv16x8Case("CONV_2D", 3, np.int16).model()
    with pytest.raises(UnsupportedOpError, match="bias type int16"):
        _interpret(model)


def test_fully_connected_16x8_is_supported():
    """FULLY_CONNECTED runs 16x8 too (tests/test_ops_fc16x8.py); unlike these ops it
    reads the int16 zero points, so a non-zero one is not refused there."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int16, (1, 4), scale=0.01, zero_point=7)
    w = b.add_tensor("w", np.int8, (3, 4), scale=0.02, data=np.arange(12).reshape(3, 4))
    y = b.add_tensor("y", np.int16, (1, 3), scale=0.05)
    b.add_operator("FULLY_CONNECTED", [x, w, -1], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    feed = np.array([[-32768, -1000, 5, 32767]], np.int16)
    assert_same(run_model(model, [feed])[0], run_tflm(model, [feed])[0], "FULLY_CONNECTED 16x8")


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_c_backend_runs_the_numpy_16x8_path(op):
    """The C classes subclass these and take only int8; int16 falls back, bit-exact."""
    pytest.importorskip("interpreter.ops_c")
    for seed in range(10):
        for bias in BIASES[op]:
            case = Conv16x8Case(op, seed, bias)
            model, ishape = case.model()
            x = case._rng(2).integers(-32768, 32768, ishape).astype(np.int16)
            try:
                interp = _interpret(model, backend="c")
            except (ImportError, RuntimeError) as e:   # C kernels not built here
                pytest.skip(f"C backend unavailable: {e}")
            interp.set_tensor(interp.get_input_details()[0]["index"], x)
            interp.invoke()
            ours = interp.get_tensor(interp.get_output_details()[0]["index"])
            assert interp.backend == "c"
            assert_same(ours, run_tflm(model, [x])[0], f"{case} (C backend)")


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_huge_multiplier_is_refused_where_the_int64_requantization_is_undefined(op):
    """s_in * s_w / s_out >= 2^14 makes the int64 MBQM shift by a negative amount."""
    from test_conv_2d import conv_model
    kw = {} if op == "CONV_2D" else dict(filter_shape=(1, 3, 3, 4), out_shape=(1, 3, 3, 4),
                                         depth_multiplier=1, quantized_dimension=3)
    ok = conv_model(op, dtype=np.int16, filter_dtype=np.int8, filter_scale=16000.0, **kw)
    _interpret(ok)
    huge = conv_model(op, dtype=np.int16, filter_dtype=np.int8, filter_scale=17000.0, **kw)
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\).*undefined from 2\^14 on"):
        _interpret(huge)
