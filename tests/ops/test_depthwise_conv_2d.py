"""DEPTHWISE_CONV_2D against the tflite-micro runtime, byte for byte: int8, float32 and
16x8.

The cases are drawn as for CONV_2D (test_conv_2d.py), with depth multipliers; the
tests the two ops share (the long runs among them) and what TFLM does in 16x8 are in
test_convolutions.py.

    pytest tests/ops/test_depthwise_conv_2d.py              # CI budget
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
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
from interpreter.builder import ModelBuilder

# -- randomized comparisons --------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int8, np.float32])
@budgets(ci=200)
def test_depthwise_matches_tflm(dtype, examples):
    explore(examples, conv_cases("DEPTHWISE_CONV_2D", dtype), check_case)


# -- hand-worked cases -------------------------------------------------------------------

def test_depthwise_output_channel_order():
    """Output channel oc = ic * depth_multiplier + m reads input channel ic."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, [1, 1, 1, 2])
    w = b.add_tensor("w", np.float32, [1, 1, 1, 6], data=[1, 2, 3, 10, 20, 30])
    y = b.add_tensor("y", np.float32, [1, 1, 1, 6])
    b.add_operator("DEPTHWISE_CONV_2D", [x, w], [y],
                   options={"padding": "VALID", "stride_w": 1, "stride_h": 1,
                            "depth_multiplier": 3})
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    image = np.array([[[[1.0, 100.0]]]], np.float32)
    expected = np.array([1, 2, 3, 1000, 2000, 3000], np.float32).reshape(1, 1, 1, 6)
    assert_same(run_model(model, [image])[0], expected)
    assert_same(run_tflm(model, [image])[0], expected)


# -- validation --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    (dict(depth_multiplier=2), "depth_multiplier 2"),
    (dict(filter_shape=(2, 3, 3, 4)), r"filter shape must be \[1, h, w, channels\]"),
    (dict(filter_scale=[0.01] * 3, quantized_dimension=1), "3 per-channel scales but 4 output"),
    (dict(filter_shape=(1, 4, 4, 4), out_shape=(1, 2, 2, 4), filter_scale=[0.01] * 4,
          quantized_dimension=1), "quantized along dimension 1, expected 3"),
    (dict(filter_scale=None), "int8 filter tensor 'w' has no quantization parameters"),
])
def test_depthwise_rejects_inconsistent_models(kwargs, message):
    base = dict(op="DEPTHWISE_CONV_2D", filter_shape=(1, 3, 3, 4), out_shape=(1, 3, 3, 4),
                depth_multiplier=1)
    with pytest.raises(ModelError, match=rf"DEPTHWISE_CONV_2D \(operator 0\).*{message}"):
        prepare(conv_model(**{**base, **kwargs}))


# -- 16x8 (int16 activations, int8 weights) ----------------------------------------------

@budgets(ci=400, slow=700)
def test_depthwise_conv_2d_matches_tflm(examples):
    explore(examples, cases_16x8("DEPTHWISE_CONV_2D"), check)
