"""The C kernel backend equals the NumPy reference byte for byte, op by op.

Hypothesis draws single-op int8 models (shapes, strides, paddings, dilations,
depth multipliers, per-channel scales, zero points incl. -128/127, activation
ranges, 1x1 images, windows larger than the input) and runs them through the
Interpreter on both backends and both rounding modes. A model the NumPy op
refuses (a ModelError for scales TFLM aborts on) must be refused by both.
"""
from __future__ import annotations

import numpy as np
import pytest
from c_backend_cases import STRATEGIES, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import ops_c
from interpreter.errors import ModelError

pytestmark = pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built")

OPS = sorted(STRATEGIES)


def check_same(model, feeds, rounding, expect_kernel=True, semantics="tflm"):
    try:
        ref, _ = run(model, feeds, "numpy", rounding, semantics)
    except ModelError:
        with pytest.raises(ModelError):
            run(model, feeds, "c", rounding, semantics)
        return
    ours, interp = run(model, feeds, "c", rounding, semantics)
    if expect_kernel:
        assert getattr(interp._ops[0], "kernel", None) is not None, "did not run in C"
    for a, b in zip(ours, ref):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes(), f"C != NumPy:\n{a}\n{b}"


@pytest.mark.parametrize("op", OPS)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), rounding=st.sampled_from(["double", "single"]))
def test_c_kernel_equals_numpy(op, data, rounding):
    model, feeds = data.draw(STRATEGIES[op]())
    check_same(model, feeds, rounding)


#: ops whose prepared form differs between the flavors while one C kernel serves both
#: (tables built another way, FULLY_CONNECTED float32's NaN order)
TFLITE_FLAVOR_OPS = ["LOGISTIC", "TANH", "RELU", "RELU6", "ABS", "FULLY_CONNECTED float32"]


@pytest.mark.parametrize("op", TFLITE_FLAVOR_OPS)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), rounding=st.sampled_from(["double", "single"]))
def test_c_kernel_equals_numpy_tflite_flavor(op, data, rounding):
    model, feeds = data.draw(STRATEGIES[op]())
    check_same(model, feeds, rounding, semantics="tflite")


@pytest.mark.slow
@pytest.mark.parametrize("op", OPS)
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), rounding=st.sampled_from(["double", "single"]))
def test_c_kernel_equals_numpy_long(op, data, rounding):
    model, feeds = data.draw(STRATEGIES[op]())
    check_same(model, feeds, rounding)


def test_kernel_selection():
    """Each fast path is reached by the model shapes it is meant for."""
    import c_backend_cases as cases

    from interpreter.builder import ModelBuilder

    def conv(op, in_shape, f_shape, out_shape, mult=None, padding="VALID"):
        b = ModelBuilder()
        x = b.add_tensor("x", np.int8, in_shape, scale=0.1, zero_point=3)
        w = b.add_tensor("w", np.int8, f_shape, data=np.ones(f_shape), scale=0.1, zero_point=0)
        y = b.add_tensor("y", np.int8, out_shape, scale=0.2, zero_point=-1)
        opts = {"padding": padding, "stride_h": 1, "stride_w": 1}
        if mult:
            opts["depth_multiplier"] = mult
        b.add_operator(op, [x, w], [y], options=opts)
        b.set_inputs([x])
        b.set_outputs([y])
        _, it = cases.run(b.build(), [np.zeros(in_shape, np.int8)], "c")
        return it._ops[0].kernel.variant

    assert conv("CONV_2D", (1, 4, 4, 3), (5, 1, 1, 3), (1, 4, 4, 5)) == "1x1"
    assert conv("CONV_2D", (1, 1, 9, 3), (5, 1, 3, 3), (1, 1, 7, 5)) == "1xn"
    assert conv("CONV_2D", (1, 4, 4, 3), (5, 3, 3, 3), (1, 2, 2, 5)) == "general"
    assert conv("DEPTHWISE_CONV_2D", (1, 4, 4, 3), (1, 3, 3, 3), (1, 4, 4, 3), 1, "SAME") == "3x3"
    assert conv("DEPTHWISE_CONV_2D", (1, 4, 4, 3), (1, 2, 2, 3), (1, 3, 3, 3), 1) == "mult1"
    assert conv("DEPTHWISE_CONV_2D", (1, 4, 4, 3), (1, 3, 3, 6), (1, 2, 2, 6), 2) == "general"
    assert conv("DEPTHWISE_CONV_2D", (1, 4, 4, 1), (1, 3, 3, 8), (1, 4, 4, 8), 8, "SAME") == "conv"


@pytest.mark.parametrize("rounding", ["double", "single"])
def test_one_channel_depthwise_runs_as_conv(rounding):
    """person_detect's first layer (1 channel x multiplier 8, stride 2, SAME) through
    tnn_convolve_s8, and wide layers through several chunks of the matrix product and
    of the depthwise tiles."""
    from interpreter.builder import ModelBuilder
    rng = np.random.default_rng(7)
    cases = [("DEPTHWISE_CONV_2D", (1, 13, 11, 1), (1, 3, 3, 8), 2, 8),
             ("DEPTHWISE_CONV_2D", (2, 7, 9, 70), (1, 3, 3, 70), 1, 1),
             ("DEPTHWISE_CONV_2D", (1, 9, 9, 24), (1, 3, 3, 24), 2, 1),
             ("CONV_2D", (1, 6, 7, 200), (37, 1, 1, 200), 1, None),
             ("CONV_2D", (1, 9, 9, 8), (33, 1, 1, 8), 1, None),
             ("CONV_2D", (1, 9, 9, 3), (19, 3, 3, 3), 2, None)]
    for op, in_shape, f_shape, stride, mult in cases:
        out_c = f_shape[3] if op == "DEPTHWISE_CONV_2D" else f_shape[0]
        out_h, out_w = -(-in_shape[1] // stride), -(-in_shape[2] // stride)
        qdim = 3 if op == "DEPTHWISE_CONV_2D" else 0
        b = ModelBuilder()
        x = b.add_tensor("x", np.int8, in_shape, scale=0.05, zero_point=-128)
        w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape),
                         scale=list(rng.uniform(0.001, 0.05, out_c)), zero_point=[0] * out_c,
                         quantized_dimension=qdim)
        bias = b.add_tensor("b", np.int32, [out_c], data=rng.integers(-5000, 5000, out_c),
                            scale=[0.05 * 0.01] * out_c, zero_point=[0] * out_c)
        y = b.add_tensor("y", np.int8, (in_shape[0], out_h, out_w, out_c), scale=0.02,
                         zero_point=-5)
        opts = {"padding": "SAME", "stride_h": stride, "stride_w": stride,
                "fused_activation_function": "RELU6"}
        if mult:
            opts["depth_multiplier"] = mult
        b.add_operator(op, [x, w, bias], [y], options=opts)
        b.set_inputs([x])
        b.set_outputs([y])
        check_same(b.build(), [rng.integers(-128, 128, in_shape).astype(np.int8)], rounding)


def test_window_larger_than_input_same_padding():
    from interpreter.builder import ModelBuilder
    rng = np.random.default_rng(1)
    for op, f_shape, out_c in (("CONV_2D", (4, 5, 5, 3), 4), ("DEPTHWISE_CONV_2D", (1, 5, 5, 3), 3)):
        b = ModelBuilder()
        x = b.add_tensor("x", np.int8, (1, 1, 1, 3), scale=0.05, zero_point=-128)
        w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape),
                         scale=0.02, zero_point=0)
        y = b.add_tensor("y", np.int8, (1, 1, 1, out_c), scale=0.01, zero_point=127)
        opts = {"padding": "SAME", "stride_h": 2, "stride_w": 2}
        if op == "DEPTHWISE_CONV_2D":
            opts["depth_multiplier"] = 1
        b.add_operator(op, [x, w], [y], options=opts)
        b.set_inputs([x])
        b.set_outputs([y])
        check_same(b.build(), [rng.integers(-128, 128, (1, 1, 1, 3)).astype(np.int8)], "double")


def test_every_op_with_a_c_kernel_has_its_code_size_entry():
    """tools/build_kernels.py OP_FUNCTIONS (code size per op, read by ``tinyml analyze
    --cpu``) names every op a C kernel is registered for."""
    import sys
    from pathlib import Path

    from interpreter.ops import registry
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    import build_kernels
    registered = {op for op in registry.supported_ops() if registry.kernels("c", op)}
    assert registered == set(build_kernels.OP_FUNCTIONS)


def test_missing_module_error_is_clear(monkeypatch):
    monkeypatch.setattr(ops_c, "AVAILABLE", False)
    with pytest.raises(ops_c.CBackendUnavailableError, match="C compiler"):
        ops_c.require()
