"""CONV_2D against the tflite-micro runtime, byte for byte: int8, float32 and 16x8.

Single-op models are drawn with hypothesis (shapes, strides, paddings,
dilations, groups, per-tensor and per-channel scales, zero points including
-128/127, fused activations, 1x1 images, kernels larger than the input under
SAME padding, channel counts that are not multiples of 4, float inputs
sprinkled with NaN, +-inf and -0.0: ``conv_cases.ConvCase``) and run through
this interpreter, the tflite-micro runtime and LiteRT's reference kernels.
Ours must equal TFLM exactly; LiteRT too, where it accepts the model (its
CONV_2D insists on a bias) and except for which of two NaNs a float sum keeps
(``assert_same_but_nan_bits``). A few hand-worked cases pin the arithmetic
independently of any runtime, and the validation tests pin what is refused.
The tests CONV_2D shares with DEPTHWISE_CONV_2D (the long runs among them) and
what TFLM does in 16x8 are in test_convolutions.py.

    pytest tests/ops/test_conv_2d.py              # CI budget
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from conv_cases import Conv16x8Case
from conv_cases import cases_16x8
from conv_cases import check_16x8 as check
from conv_cases import check_conv_case as check_case
from conv_cases import conv_cases
from conv_cases import conv_model
from op_harness import prepare
from op_harness import run_model
from reference import run_tflm
from single_op import assert_same

from interpreter import ModelError
from interpreter import UnsupportedOpError
from interpreter.builder import ModelBuilder

# -- randomized comparisons -------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int8, np.float32])
@budgets(ci=200)
def test_conv_matches_tflm(dtype, examples):
    explore(examples, conv_cases("CONV_2D", dtype), check_case)


# -- hand-worked cases -------------------------------------------------------------------

def test_padding_taps_are_skipped_not_zero():
    """A padded tap contributes nothing, i.e. it behaves as x == zp_in, not as x == 0."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, [1, 1, 1, 1], scale=1.0, zero_point=50)
    w = b.add_tensor("w", np.int8, [1, 3, 3, 1], data=np.ones(9), scale=1.0, zero_point=0)
    y = b.add_tensor("y", np.int8, [1, 1, 1, 1], scale=1.0, zero_point=0)
    b.add_operator("CONV_2D", [x, w], [y], options={"padding": "SAME", "stride_w": 1,
                                                    "stride_h": 1})
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    image = np.array([[[[60]]]], np.int8)
    # Only the centre tap is inside the image: 1 * (60 - 50) = 10.
    assert run_model(model, [image])[0].item() == 10
    assert run_tflm(model, [image])[0].item() == 10


def test_int32_accumulator_wraps_like_c():
    """The C kernels accumulate in int32_t; a bias near the limit wraps around."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, [1, 1, 1, 4], scale=0.02, zero_point=-128)
    w = b.add_tensor("w", np.int8, [2, 1, 1, 4], data=np.full(8, 127), scale=1e-3)
    bias = b.add_tensor("b", np.int32, [2], data=[2 ** 31 - 100, -2 ** 31 + 100],
                        scale=2e-5, zero_point=0)
    y = b.add_tensor("y", np.int8, [1, 1, 1, 2], scale=1e6, zero_point=0)
    b.add_operator("CONV_2D", [x, w, bias], [y], options={"padding": "VALID", "stride_w": 1,
                                                          "stride_h": 1})
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    image = np.array([127, 127, -128, -128], np.int8).reshape(1, 1, 1, 4)
    assert_same(run_model(model, [image])[0], run_tflm(model, [image])[0])


def test_float_overflow_clamps_to_flt_max():
    """CalculateActivationRange<float> bounds NONE and RELU by FLT_MAX, not inf; NaN passes."""
    for activation in ("NONE", "RELU"):
        b = ModelBuilder()
        x = b.add_tensor("x", np.float32, [1, 2, 2, 1])
        w = b.add_tensor("w", np.float32, [1, 1, 1, 1], data=[3e38])
        y = b.add_tensor("y", np.float32, [1, 2, 2, 1])
        b.add_operator("CONV_2D", [x, w], [y], options={
            "padding": "VALID", "stride_w": 1, "stride_h": 1,
            "fused_activation_function": activation})
        b.set_inputs([x])
        b.set_outputs([y])
        model = b.build()
        image = np.array([10, -10, 1, np.nan], np.float32).reshape(1, 2, 2, 1)
        ours = run_model(model, [image])[0]
        assert ours.ravel()[0] == np.finfo(np.float32).max
        assert_same(ours, run_tflm(model, [image])[0])


def test_filter_computed_at_run_time():
    """TFLM accepts a filter that is not a constant; it is read at every invoke."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, [1, 4, 4, 3], scale=0.1, zero_point=2)
    w = b.add_tensor("w", np.int8, [2, 3, 3, 3], scale=[0.01, 0.02], zero_point=[0, 0])
    y = b.add_tensor("y", np.int8, [1, 2, 2, 2], scale=0.2, zero_point=-5)
    b.add_operator("CONV_2D", [x, w], [y], options={"padding": "VALID", "stride_w": 1,
                                                    "stride_h": 1})
    b.set_inputs([x, w])
    b.set_outputs([y])
    model = b.build()
    rng = np.random.default_rng(1)
    for _ in range(2):
        inputs = [rng.integers(-128, 128, (1, 4, 4, 3)).astype(np.int8),
                  rng.integers(-127, 128, (2, 3, 3, 3)).astype(np.int8)]
        assert_same(run_model(model, inputs)[0], run_tflm(model, inputs)[0])


# -- validation --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    # (The loader already checks that the scales match the dimension they name.)
    (dict(filter_scale=[0.01] * 4, quantized_dimension=3), "4 per-channel scales but 3 output"),
    (dict(in_shape=(1, 5, 5, 3), filter_shape=(3, 3, 3, 3), filter_scale=[0.01] * 3,
          quantized_dimension=3), "quantized along dimension 3, expected 0"),
    (dict(filter_shape=(3, 3, 3, 3)), "not a multiple of the filter depth"),
    (dict(filter_shape=(3, 3, 3)), "filter must have rank 4"),
    (dict(out_shape=(1, 4, 4, 3)), "does not match the computed"),
    (dict(filter_zero_point=[5]), "zero points must be 0"),
    (dict(in_shape=(1, 2, 2, 4)), "does not fit"),
])
def test_conv_rejects_inconsistent_models(kwargs, message):
    with pytest.raises(ModelError, match=rf"CONV_2D \(operator 0\).*{message}"):
        prepare(conv_model(**kwargs))


def test_tflm_ignores_what_we_refuse():
    """Documents a refusal TFLM does not share: it runs a conv with a filter zero point
    as if it were 0. (Fused TANH: tests/ops/test_fused_activation_quirk.py.)"""
    image = np.full((1, 5, 5, 4), 3, np.int8)
    plain = run_tflm(conv_model(), [image])[0]
    assert_same(run_tflm(conv_model(filter_zero_point=[5]), [image])[0], plain)


# -- 16x8 (int16 activations, int8 weights) ----------------------------------------------

@budgets(ci=400, slow=700)
def test_conv_2d_matches_tflm(examples):
    explore(examples, cases_16x8("CONV_2D"), check)


def test_int16_bias_is_refused_by_conv_2d():
    model, _ = Conv16x8Case("CONV_2D", 3, np.int16).model()
    with pytest.raises(UnsupportedOpError, match="bias type int16"):
        prepare(model)
