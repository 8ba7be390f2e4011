"""Fused TANH and SIGN_BIT: TFLM parses them, but every kernel clamps to the full
range (CalculateActivationRange gives them no bounds), so they are not applied.

One policy for every op: compute what TFLM computes (bit-exact), and warn with
``TflmQuirkWarning`` naming the op, since the model asks for something the
runtime does not do. Each case checks the warning, equality with TFLM, and that
TFLM's output really equals the same model without the activation.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from conv_cases import conv_model
from conv_cases import pool_model
from op_harness import run_model
from reference import run_tflm
from single_op import T
from single_op import assert_same
from single_op import single_op_model

from interpreter.errors import ModelError
from interpreter.errors import TflmQuirkWarning


def _models(op: str, activation: str) -> tuple[bytes, list[np.ndarray]]:
    rng = np.random.default_rng(3)
    if op in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        kw = {} if op == "CONV_2D" else dict(
            filter_shape=(1, 3, 3, 4), out_shape=(1, 3, 3, 4), depth_multiplier=1,
            quantized_dimension=3)
        feed = rng.integers(-128, 128, (1, 5, 5, 4)).astype(np.int8)
        return conv_model(op, activation=activation, **kw), [feed]
    if op == "AVERAGE_POOL_2D":
        q = dict(scale=0.5, zero_point=3)
        feed = rng.integers(-128, 128, (1, 4, 4, 2)).astype(np.int8)
        return pool_model(op, np.int8, (1, 4, 4, 2), (1, 2, 2, 2), (2, 2), (2, 2), "VALID",
                          activation, q, q), [feed]
    if op == "FULLY_CONNECTED":
        w = T(np.int8, (3, 6), 0.02, 0, rng.integers(-127, 128, (3, 6)).astype(np.int8))
        model = single_op_model(op, [T(np.int8, (1, 6), 0.1, 1), w],
                                [T(np.int8, (1, 3), 0.05, -2)],
                                {"fused_activation_function": activation})
        return model, [rng.integers(-128, 128, (1, 6)).astype(np.int8)]
    # ADD, MUL, SUB: int8 with broadcasting
    model = single_op_model(op, [T(np.int8, (2, 3), 0.1, 4), T(np.int8, (1, 3), 0.2, -3)],
                            [T(np.int8, (2, 3), 0.15, 1)],
                            {"fused_activation_function": activation})
    return model, [rng.integers(-128, 128, (2, 3)).astype(np.int8),
                   rng.integers(-128, 128, (1, 3)).astype(np.int8)]


@pytest.mark.parametrize("activation", ["TANH", "SIGN_BIT"])
@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",
                                "AVERAGE_POOL_2D", "ADD", "SUB", "MUL"])
def test_computed_as_tflm_does_with_a_warning(op, activation):
    model, feeds = _models(op, activation)
    with pytest.warns(TflmQuirkWarning, match=rf"{op} \(operator 0\).*{activation} is not applied"):
        ours = run_model(model, feeds)[0]
    tflm = run_tflm(model, feeds)[0]
    assert_same(ours, tflm, f"{op} with fused {activation}")
    assert_same(tflm, run_tflm(_models(op, "NONE")[0], feeds)[0],
                f"TFLM's {op} with fused {activation} vs without")


def test_no_warning_for_the_activations_tflm_applies():
    for activation in ("NONE", "RELU", "RELU6", "RELU_N1_TO_1"):
        model, feeds = _models("CONV_2D", activation)
        with warnings.catch_warnings():
            warnings.simplefilter("error", TflmQuirkWarning)
            run_model(model, feeds)


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL", "AVERAGE_POOL_2D", "FULLY_CONNECTED"])
def test_activation_bound_outside_int32_is_refused(op):
    """TFLM's Quantize() (CalculateActivationRangeQuantized) TF_LITE_ENSUREs that
    round(6 / s_out) fits int32: with a tiny output scale its Prepare fails (MUL and
    FULLY_CONNECTED, checked here), the process aborts (ADD, SUB: not run here), or
    the pooling kernels log the failed check and run on with limits the failed call
    never set. Refused by name in every case."""
    if op in ("ADD", "SUB", "MUL"):
        model = single_op_model(op, [T(np.int8, (4,), 0.1, 0), T(np.int8, (4,), 0.1, 0)],
                                [T(np.int8, (4,), 1e-10, 0)],
                                {"fused_activation_function": "RELU6"})
        feeds = [np.arange(4, dtype=np.int8)] * 2
    elif op == "FULLY_CONNECTED":
        w = T(np.int8, (3, 6), 0.02, 0, np.ones((3, 6), np.int8))
        model = single_op_model(op, [T(np.int8, (1, 6), 0.1, 1), w],
                                [T(np.int8, (1, 3), 1e-10, 0)],
                                {"fused_activation_function": "RELU6"})
        feeds = [np.zeros((1, 6), np.int8)]
    else:
        q = dict(scale=1e-10, zero_point=0)
        model = pool_model(op, np.int8, (1, 4, 4, 2), (1, 2, 2, 2), (2, 2), (2, 2), "VALID",
                           "RELU6", q, q)
        feeds = [np.zeros((1, 4, 4, 2), np.int8)]
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\).*bound 6.0 does not fit int32"):
        run_model(model, feeds)
    if op in ("MUL", "FULLY_CONNECTED"):
        with pytest.raises(RuntimeError):  # the runtime's failed Prepare/Invoke
            run_tflm(model, feeds)


@pytest.mark.parametrize("activation", ["RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("op", ["FULLY_CONNECTED", "AVERAGE_POOL_2D", "ADD"])
def test_empty_activation_range_is_refused(op, activation):
    """A negative output scale turns a fused activation's bounds round (RELU: a zero
    point above the type's range does too): TFLM's clamp then writes its upper bound
    for every element, whatever the input (shown here on FULLY_CONNECTED and
    AVERAGE_POOL_2D). Garbage by the validation policy: refused by name, so that no
    kernel (the C backend's saturating SIMD packs, say) sees an empty range. Found by
    tools/fuzz_models.py (a mutated person_detect)."""
    out_q = dict(scale=-0.05, zero_point=-2) if activation != "RELU" else \
        dict(scale=0.05, zero_point=200)
    rng = np.random.default_rng(5)
    if op == "FULLY_CONNECTED":
        w = T(np.int8, (3, 6), 0.02, 0, rng.integers(-127, 128, (3, 6)).astype(np.int8))
        model = single_op_model(op, [T(np.int8, (1, 6), 0.1, 1), w],
                                [T(np.int8, (1, 3), out_q["scale"], out_q["zero_point"])],
                                {"fused_activation_function": activation})
        feeds = [rng.integers(-128, 128, (1, 6)).astype(np.int8)]
    elif op == "AVERAGE_POOL_2D":
        model = pool_model(op, np.int8, (1, 4, 4, 2), (1, 2, 2, 2), (2, 2), (2, 2), "VALID",
                           activation, out_q, out_q)
        feeds = [rng.integers(-128, 128, (1, 4, 4, 2)).astype(np.int8)]
    else:
        model = single_op_model(op, [T(np.int8, (4,), 0.1, 0), T(np.int8, (4,), 0.1, 0)],
                                [T(np.int8, (4,), out_q["scale"], out_q["zero_point"])],
                                {"fused_activation_function": activation})
        feeds = [rng.integers(-128, 128, (4,)).astype(np.int8)] * 2
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\).*clamp range \[-?\d+, -?\d+\] "
                                         r"is empty"):
        run_model(model, feeds)
    if op != "ADD":  # TFLM's ADD Prepare may abort the process on a negative output scale
        tflm = run_tflm(model, feeds)[0]
        assert np.unique(tflm).size == 1, f"TFLM's {op}: {tflm}"
