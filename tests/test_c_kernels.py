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
import streaming
from c_backend_cases import STRATEGIES, lstm_cases, run
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from reference import corpus_model

from interpreter import ops_c
from interpreter.errors import ModelError

pytestmark = pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built")

OPS = sorted(STRATEGIES)


def check_same(model, feeds, rounding, expect_kernel=True):
    try:
        ref, _ = run(model, feeds, "numpy", rounding)
    except ModelError:
        with pytest.raises(ModelError):
            run(model, feeds, "c", rounding)
        return
    ours, interp = run(model, feeds, "c", rounding)
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


def _lstm_in_c(model: bytes, rounding: str = "double") -> str:
    """The kernel variant the C backend runs the model's LSTM with (it must run in C)."""
    from interpreter import Interpreter
    it = Interpreter(model_content=model, backend="c", rounding=rounding)
    it.allocate_tensors()
    [op] = [op for op in it._ops if op.node.op_name == "UNIDIRECTIONAL_SEQUENCE_LSTM"]
    assert op.kernel is not None, "did not run in C"
    return op.kernel.variant


def _lstm_states(model: bytes) -> dict[str, int]:
    from interpreter import Interpreter
    node = next(node for node in Interpreter(model_content=model).model.main.operators
                if node.op_name == "UNIDIRECTIONAL_SEQUENCE_LSTM")
    return {"hidden state": node.inputs[18], "cell state": node.inputs[19]}


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=lstm_cases(), rounding=st.sampled_from(["double", "single"]))
def test_lstm_state_carries_over_invokes(case, rounding):
    """The variable hidden and cell state the C kernel leaves behind are the NumPy
    reference's after every invoke, and after reset_all_variables."""
    model, _ = case.model()
    try:
        _lstm_in_c(model, rounding)
    except ModelError:     # scales TFLM cannot run (test_c_kernel_equals_numpy: both refuse)
        reject()
    streaming.check_streaming(model, _lstm_states(model), case.inputs, str(case), 3,
                              backend="c", rounding=rounding, against="numpy")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=lstm_cases())
def test_lstm_c_backend_streams_like_tflm(case):
    """The same models on the C backend against the tflite-micro runtime directly."""
    model, _ = case.model()
    try:
        _lstm_in_c(model)
    except ModelError:
        reject()
    streaming.check_streaming(model, _lstm_states(model), case.inputs, str(case), 3,
                              backend="c")


@pytest.mark.parametrize("rounding", ["double", "single"])
@pytest.mark.parametrize("act,cell_power,cell_factor,clip", [
    (np.int8, 12, 1.0, 0.0), (np.int8, 9, 1.0, 3.0), (np.int8, 15, 1.0, 0.0),
    (np.int8, 20, 0.7, 0.0), (np.int8, 5, 1.3, 1.0), (np.int16, 11, 1.0, 0.0),
    (np.int16, 16, 1.3, 0.5)])
def test_lstm_gates_take_every_int16_value(rounding, act, cell_power, cell_factor, clip):
    """Every gate's sigmoid / tanh sees each of the 65536 int16 inputs once: one input,
    256 units, 256 steps; the input weights are 1 and the recurrent ones 0 at scales
    making the gate products exact (multiplier 1), and unit o's bias is
    -32640 + 256 o, so that with the inputs -128..127 over the steps the gate takes
    every value. The cell and hidden state then run through their whole ranges."""
    from lstm_cases import Lstm

    class Sweep(Lstm):
        def model(self):
            from interpreter.builder import ModelBuilder
            n, steps, act = self.n_state, self.steps, self.act
            s_h = 1 / 128 if act == np.int8 else 2.0 ** -14
            b = ModelBuilder()
            ids = [-1] * 24
            ids[0] = b.add_tensor("x", act, (1, steps, 1), scale=2.0 ** -6, zero_point=0)
            for k in range(1, 9):
                shape = (n, 1) if k < 5 else (n, n)
                ids[k] = b.add_tensor(f"w{k}", np.int8, shape, scale=2.0 ** -6, zero_point=0,
                                      data=np.full(shape, 1 if k < 5 else 0))
            for k in range(12, 16):
                ids[k] = b.add_tensor(f"b{k}", self.bias_type, (n,), scale=2.0 ** -12,
                                      zero_point=0, data=-32640 + 256 * np.arange(n))
            ids[18] = b.add_tensor("h", act, (1, n), scale=s_h, zero_point=3, is_variable=True)
            ids[19] = b.add_tensor("c", np.int16, (1, n), zero_point=0, is_variable=True,
                                   scale=2.0 ** -self.cell_power * self.cell_factor)
            y = b.add_tensor("y", act, (1, steps, n), scale=s_h, zero_point=3)
            b.add_operator("UNIDIRECTIONAL_SEQUENCE_LSTM", ids, [y], options={
                "fused_activation_function": "TANH", "cell_clip": self.cell_clip})
            b.set_inputs([ids[0]])
            b.set_outputs([y])
            return b.build(), (ids[18], ids[19])

        def inputs(self, k):
            x = np.roll(np.arange(-128, 128), 37 * k)
            return x.reshape(1, 256, 1).astype(self.act)

    case = Sweep(steps=256, n_input=1, n_state=256, act=act,
                 bias_type=np.int32 if act == np.int8 else np.int64, cell_power=cell_power,
                 cell_factor=cell_factor, cell_clip=clip)
    model, _ = case.model()
    assert _lstm_in_c(model, rounding) == ("s8" if act == np.int8 else "s16")
    streaming.check_streaming(model, _lstm_states(model), case.inputs, str(case), 1,
                              backend="c", rounding=rounding, against="numpy")


def test_lstm_model_streams_like_tflm():
    """trained_lstm_int8 (LSTM, RESHAPE, FULLY_CONNECTED, SOFTMAX all in C) against the
    tflite-micro runtime over several invokes: output and both state tensors."""
    model = corpus_model("tflm/trained_lstm_int8.tflite").read_bytes()
    from interpreter import Interpreter
    it = Interpreter(model_content=model, backend="c")
    it.allocate_tensors()
    assert all(op.kernel is not None for op in it._ops)
    assert _lstm_in_c(model) == "s8"
    shape = tuple(it.get_input_details()[0]["shape"])

    def inputs(k):
        return np.random.default_rng(k).integers(-128, 128, shape).astype(np.int8)
    streaming.check_streaming(model, _lstm_states(model), inputs, "trained_lstm_int8", 4,
                              backend="c")


def test_missing_module_error_is_clear(monkeypatch):
    monkeypatch.setattr(ops_c, "AVAILABLE", False)
    with pytest.raises(ops_c.CBackendUnavailableError, match="C compiler"):
        ops_c.require()
