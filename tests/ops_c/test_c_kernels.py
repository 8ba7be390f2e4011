"""The C kernel backend equals the NumPy reference byte for byte, op by op.

Hypothesis draws single-op int8 models (shapes, strides, paddings, dilations,
depth multipliers, per-channel scales, zero points incl. -128/127, activation
ranges, 1x1 images, windows larger than the input), and data-movement models
of every element type, and runs them through the Interpreter on both backends
and both rounding modes. A model the NumPy op refuses (a ModelError for scales
TFLM aborts on) must be refused by both. The data-movement kernels are also
called directly with arguments outside their documented ranges, which they
must refuse before writing anything.
"""
from __future__ import annotations

import numpy as np
import pytest
import streaming
from budgets import budgets
from budgets import explore
from c_backend_cases import ROUNDINGS
from c_backend_cases import STRATEGIES
from c_backend_cases import lstm_cases
from c_backend_cases import run
from c_backend_cases import with_rounding
from conv_cases import conv_model
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import reject
from hypothesis import settings
from hypothesis import strategies as st
from reference import corpus_model
from reference import run_tflm
from single_op import T
from single_op import single_op_model

from interpreter import Interpreter
from interpreter import ops_c
from interpreter.builder import ModelBuilder
from interpreter.errors import ModelError
from interpreter.ops_c.call import StructArg

pytestmark = pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built")

OPS = sorted(STRATEGIES)


def check_same(model, feeds, rounding, expect_kernel=True, semantics="tflm"):
    """C == NumPy, byte for byte; returns the C backend's interpreter (None if refused)."""
    try:
        ref, _ = run(model, feeds, "numpy", rounding, semantics)
    except ModelError:
        with pytest.raises(ModelError):
            run(model, feeds, "c", rounding, semantics)
        return None
    ours, interp = run(model, feeds, "c", rounding, semantics)
    if expect_kernel:
        assert getattr(interp._ops[0], "kernel", None) is not None, "did not run in C"
    for a, b in zip(ours, ref):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes(), f"C != NumPy:\n{a}\n{b}"
    return interp


@pytest.mark.parametrize("op", OPS)
@budgets(ci=150, slow=3000)
def test_c_kernel_equals_numpy(op, examples):
    explore(examples, with_rounding(STRATEGIES[op]()), lambda case: check_same(*case))


#: ops whose prepared form differs between the flavors while one C kernel serves both
#: (tables built another way, FULLY_CONNECTED float32's NaN order)
TFLITE_FLAVOR_OPS = ["LOGISTIC", "TANH", "RELU", "RELU6", "ABS", "FULLY_CONNECTED/float32"]


@pytest.mark.parametrize("op", TFLITE_FLAVOR_OPS)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), rounding=ROUNDINGS)
def test_c_kernel_equals_numpy_tflite_flavor(op, data, rounding):
    model, feeds = data.draw(STRATEGIES[op]())
    check_same(model, feeds, rounding, semantics="tflite")


def test_kernel_selection():
    """Each fast path is reached by the model shapes it is meant for."""
    import c_backend_cases as cases

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


def _int8_window_model(op: str, rng, x_shape, x_zp: int, f_shape, y_shape, y_q, stride: int,
                       per_channel: bool = False) -> bytes:
    """A SAME-padded int8 CONV_2D or DEPTHWISE_CONV_2D (multiplier 1) with random weights."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, x_shape, scale=0.05, zero_point=x_zp)
    axis = 0 if op == "CONV_2D" else 3
    wq = dict(scale=[0.01] * f_shape[axis], zero_point=[0] * f_shape[axis],
              quantized_dimension=axis) if per_channel else dict(scale=0.02, zero_point=0)
    w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape), **wq)
    y = b.add_tensor("y", np.int8, y_shape, scale=y_q[0], zero_point=y_q[1])
    opts = {"padding": "SAME", "stride_h": stride, "stride_w": stride}
    if op == "DEPTHWISE_CONV_2D":
        opts["depth_multiplier"] = 1
    b.add_operator(op, [x, w], [y], options=opts)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def test_window_larger_than_input_same_padding():
    rng = np.random.default_rng(1)
    for op, f_shape, out_c in (("CONV_2D", (4, 5, 5, 3), 4), ("DEPTHWISE_CONV_2D", (1, 5, 5, 3), 3)):
        model = _int8_window_model(op, rng, (1, 1, 1, 3), -128, f_shape, (1, 1, 1, out_c),
                                   (0.01, 127), stride=2)
        check_same(model, [rng.integers(-128, 128, (1, 1, 1, 3)).astype(np.int8)], "double")


def test_every_op_with_a_c_kernel_has_its_code_size_entry():
    """tools/build_kernels.py OP_FUNCTIONS (code size per op, read by ``tinyml analyze
    --cpu``; "OP/type" keys for an op's other kernels) names every op a C kernel is
    registered for."""
    import sys
    from pathlib import Path

    from interpreter.ops import registry
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    import build_kernels
    registered = {op for op in registry.supported_ops() if registry.kernels("c", op)}
    assert registered == {key.split("/")[0] for key in build_kernels.OP_FUNCTIONS}


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
@given(case=lstm_cases(), rounding=ROUNDINGS)
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


# -- data movement and reduction --------------------------------------------------------

def _single_op(op, tensors, inputs, outputs, options=None):
    """A one-op model: ``tensors`` are (name, dtype, shape, keywords of add_tensor) in order;
    ``inputs``/``outputs`` name them (non-constant inputs become the model's)."""
    b = ModelBuilder()
    ids = {name: b.add_tensor(name, dtype, shape, **kw) for name, dtype, shape, kw in tensors}
    b.add_operator(op, [ids[n] for n in inputs], [ids[n] for n in outputs], options=options)
    b.set_inputs([ids[n] for n, _d, _s, kw in tensors if n in inputs and "data" not in kw])
    b.set_outputs([ids[n] for n in outputs])
    return b.build()


def _ints(values, dtype=np.int32):
    return {"data": np.array(values, dtype)}


def test_box_canonical_form():
    from interpreter.ops_c.box import Box
    assert Box((2, 3, 4), (12, 4, 1), 5).canonical() == Box((24,), (1,), 5)
    # NHWC -> NCHW of (1, 4, 5, 3): the batch dropped, H and W merged
    assert Box((1, 3, 4, 5), (60, 1, 15, 3)).canonical() == Box((3, 20), (1, 3))
    assert Box((3, 1), (4, 1), 2).canonical() == Box((3,), (4,), 2)
    assert Box((3, 1), (4, 1), 2).canonical(keep_last=True) == Box((3, 1), (4, 1), 2)
    assert Box((4, 2), (-2, -1), 7).canonical() == Box((8,), (-1,), 7)     # reversed rows
    assert Box((1, 1), (9, 9), 3).canonical() == Box((1,), (1,), 3)
    assert Box((2, 0), (1, 1)).canonical().elements == 0


@pytest.mark.parametrize("rounding", ["double", "single"])
def test_mean_edges(rounding):
    """Global average pooling (4-D, axes 1 and 2) of a wide map, a mean over every axis, and
    scale ratios whose requantization leaves int32 (TFLM's cast wraps it, both roundings)."""
    rng = np.random.default_rng(3)
    cases = [((1, 12, 12, 40), [1, 2], 0.02, 0.01, True, "MEAN"),
             ((2, 7, 9, 70), [2, 1], 0.05, 0.05, False, "MEAN"),
             ((3, 5, 6), [0, 1, 2, -1], 0.1, 0.3, False, "MEAN"),
             ((1, 4, 4, 3), [1, 2], 1.0, 1e-8, False, "MEAN"),
             ((1, 4, 4, 3), [1, 2], 1.0, 1e-9, True, "MEAN"),
             ((2, 6, 5), [1], 4.0, 1e-6, False, "SUM")]
    for shape, axes, s_in, s_out, keep, op in cases:
        reduced = {a % len(shape) for a in axes}
        out = [1 if i in reduced else d for i, d in enumerate(shape)] if keep else \
            [d for i, d in enumerate(shape) if i not in reduced]
        model = _single_op(op, [("x", np.int8, shape, {"scale": s_in, "zero_point": -3}),
                                ("a", np.int32, [len(axes)], _ints(axes)),
                                ("y", np.int8, out, {"scale": s_out, "zero_point": 5})],
                           ["x", "a"], ["y"], {"keep_dims": keep})
        check_same(model, [rng.integers(-128, 128, shape).astype(np.int8)], rounding)


def test_data_kernels_under_tflite_semantics():
    """The flavor differences of these ops live in their prepared forms, which the kernels
    read: LiteRT's int16 PAD value, STRIDED_SLICE's ellipsis / new axis / offset, MEAN.
    LiteRT's SUM int8 reads bytes as uint8: that form runs the NumPy eval."""
    rng = np.random.default_rng(5)
    x16 = ("x", np.int16, [2, 3], {"scale": 0.5, "zero_point": 9})
    pad = _single_op("PAD", [x16, ("p", np.int32, [2, 2], _ints([[1, 0], [0, 2]])),
                             ("y", np.int16, [3, 5], {"scale": 0.5, "zero_point": 9})],
                     ["x", "p"], ["y"])
    feed16 = [rng.integers(-300, 300, (2, 3)).astype(np.int16)]
    it = check_same(pad, feed16, "double", semantics="tflite")
    assert it.get_tensor(it.get_output_details()[0]["index"])[0].tolist() == [9] * 5
    x = ("x", np.float32, [2, 3], {})
    feed = [np.arange(6, dtype=np.float32).reshape(2, 3)]
    for flag, out_shape in (("offset", [2, 2]), ("ellipsis_mask", [2, 1]),
                            ("new_axis_mask", [1, 1, 3])):
        model = _single_op("STRIDED_SLICE", [x, ("b", np.int32, [2], _ints([0, 1])),
                                             ("e", np.int32, [2], _ints([2, 2])),
                                             ("s", np.int32, [2], _ints([1, 1])),
                                             ("y", np.float32, out_shape, {})],
                           ["x", "b", "e", "s"], ["y"], {flag: True if flag == "offset" else 1})
        check_same(model, feed, "double", semantics="tflite")
    x8 = ("x", np.int8, [2, 3, 4], {"scale": 0.1, "zero_point": -2})
    feed8 = [rng.integers(-128, 128, (2, 3, 4)).astype(np.int8)]
    for op, kernel in (("MEAN", True), ("SUM", False)):
        model = _single_op(op, [x8, ("a", np.int32, [1], _ints([1])),
                                ("y", np.int8, [2, 4], {"scale": 0.2, "zero_point": 3})],
                           ["x", "a"], ["y"])
        it = check_same(model, feed8, "single", expect_kernel=kernel, semantics="tflite")
        assert (it._ops[0].kernel is not None) == kernel


@pytest.mark.parametrize("op,label", [
    ("PAD", "bool"), ("PAD", "uint8"), ("PAD", "int64"), ("PADV2", "bool"),
    ("CONCATENATION", "uint8"), ("EXPAND_DIMS", "bool"), ("RESIZE_NEAREST_NEIGHBOR", "int32"),
    ("SLICE", "int64"), ("STRIDED_SLICE", "uint8"), ("TRANSPOSE", "bool"), ("TRANSPOSE", "int64")])
def test_data_kernels_run_the_types_only_litert_runs(op, label):
    """Under semantics="tflite" these ops also take types TFLM refuses (the type probe's
    models): the kernels copy them as bytes (a bool or uint8 pad value as its byte)."""
    from type_probe import build_case
    case = build_case(op, label)
    check_same(case.model, case.feeds, "double", semantics="tflite")


def test_data_kernel_boxes_are_merged():
    """Prepare merges what is contiguous: a slice of whole rows is one copy, a transpose that
    keeps the channels innermost copies runs of channels."""
    feed = [np.zeros((2, 4, 6, 3), np.int8)]
    x = ("x", np.int8, [2, 4, 6, 3], {"scale": 0.1, "zero_point": 0})
    model = _single_op("SLICE", [x, ("b", np.int32, [4], _ints([1, 1, 0, 0])),
                                 ("n", np.int32, [4], _ints([1, 2, 6, 3])),
                                 ("y", np.int8, [1, 2, 6, 3], x[3])], ["x", "b", "n"], ["y"])
    box = check_same(model, feed, "double")._ops[0].kernel.box
    assert (box.counts, box.strides, box.offset) == ((36,), (1,), 72 + 18)
    model = _single_op("TRANSPOSE", [x, ("p", np.int32, [4], _ints([0, 2, 1, 3])),
                                     ("y", np.int8, [2, 6, 4, 3], x[3])], ["x", "p"], ["y"])
    box = check_same(model, feed, "double")._ops[0].kernel.box
    assert (box.counts, box.strides) == ((2, 6, 4, 3), (72, 3, 18, 1))
    model = _single_op("PAD", [x, ("p", np.int32, [4, 2], _ints([[0, 0], [1, 1], [0, 0],
                                                                 [0, 0]])),
                               ("y", np.int8, [2, 6, 6, 3], x[3])], ["x", "p"], ["y"])
    box = check_same(model, feed, "double")._ops[0].kernel.box
    assert (box.counts, box.strides, box.offset) == ((2, 72), (108, 1), 18)


class _Lib:
    """Direct calls of the C kernels, with guard bytes after each output."""

    GUARD = 16

    def __init__(self):
        from interpreter.ops_c import _tnn
        self.lib, self.ffi = _tnn.lib, _tnn.ffi
        self.keep = []

    def ints(self, values):
        a = self.ffi.new("int32_t[]", [int(v) for v in values] or [0])
        self.keep.append(a)
        return a

    def box(self, counts, strides, offset=0, rank=None):
        return {"rank": len(counts) if rank is None else rank, "count": self.ints(counts),
                "stride": self.ints(strides), "offset": offset}

    def buffer(self, n, fill=0x5A):
        return bytearray([fill]) * (n + self.GUARD)

    def ptr(self, buf):
        return self.ffi.from_buffer(buf)


def test_data_kernels_refuse_arguments_that_would_leave_their_buffers():
    """Every argument outside the documented ranges returns TNN_ARG_ERROR before any write."""
    c = _Lib()
    lib, ffi = c.lib, c.ffi
    src = bytes(range(64))

    def strided(box, input_size=64, size=1):
        out = c.buffer(64)
        p = ffi.new("tnn_strided_copy_params *", {"element_size": size, "input_size": input_size,
                                                  "input_box": box})
        return lib.tnn_strided_copy(p, src, c.ptr(out)), out

    status, out = strided(c.box((4, 3), (-4, 1), 12))
    assert status == lib.TNN_OK and bytes(out[:12]) == bytes([12, 13, 14, 8, 9, 10, 4, 5, 6,
                                                              0, 1, 2])
    assert out[12:] == c.buffer(52)
    for box, size, input_size in [((c.box((4, 3), (-4, 1), 11)), 1, 64),    # reaches -1
                                  (c.box((4, 4), (16, 1), 13), 1, 64),       # reaches 64
                                  (c.box((2,), (1,), 0), 1, -1),
                                  (c.box((2,), (1,), 0), 3, 64),             # element size
                                  (c.box((2, 2), (1, 1), 0, rank=0), 1, 64),
                                  (c.box([1] * 7, [1] * 7, 0), 1, 64),       # rank 7
                                  (c.box((2, -1), (1, 1), 0), 1, 64),
                                  (c.box((65536, 65536), (0, 0), 0), 1, 64),  # 2^32 elements
                                  (c.box((3,), (1 << 30,), 0), 1, 64)]:      # reach overflow
        status, out = strided(box, input_size, size)
        assert status == lib.TNN_ARG_ERROR and out == c.buffer(64)

    def pad(box, output_size=20):
        out = c.buffer(output_size)
        p = ffi.new("tnn_pad_params *", {"element_size": 1, "output_size": output_size,
                                         "output_box": box})
        return lib.tnn_pad(p, src, b"\x07", c.ptr(out)), out

    status, out = pad(c.box((2, 3), (5, 1), 6))
    assert status == lib.TNN_OK
    assert list(out[:20]) == [7] * 6 + [0, 1, 2, 7, 7, 3, 4, 5] + [7] * 6
    for box in [c.box((2, 3), (2, 1), 0),          # rows overlap
                c.box((2, 3), (-5, 1), 10),        # rows descend
                c.box((2, 3), (10, 2), 0),         # innermost stride 2
                c.box((2, 3), (5, 1), 15)]:        # past the end
        status, out = pad(box)
        assert status == lib.TNN_ARG_ERROR and out == c.buffer(20)

    def concat(count, outer, rows, inputs):
        out = c.buffer(64)
        p = ffi.new("tnn_concatenation_params *", {"input_count": count, "outer": outer,
                                                   "row_bytes": c.ints(rows)})
        table = ffi.new("void *[]", [ffi.NULL if i is None else ffi.from_buffer(i)
                                     for i in inputs] or [ffi.NULL])
        return lib.tnn_concatenation(p, table, c.ptr(out)), out

    status, out = concat(2, 2, [1, 2], [b"ab", b"wxyz"])
    assert status == lib.TNN_OK and bytes(out[:6]) == b"awxbyz"
    for args in [(0, 1, [], []), (1, -1, [1], [b"a"]), (2, 1, [1, -1], [b"a", b"b"]),
                 (2, 1, [1, 1], [b"a", None]), (2, 2, [1 << 30, 1 << 30], [b"a", b"b"])]:
        status, out = concat(*args)
        assert status == lib.TNN_ARG_ERROR and out == c.buffer(64)

    def resize(rows, cols, in_dims=(1, 2, 2, 1), out_dims=(1, 2, 2, 1), size=1):
        out = c.buffer(16)
        p = ffi.new("tnn_resize_nearest_params *", {"element_size": size, "rows": c.ints(rows),
                                                    "cols": c.ints(cols)})
        d_in, d_out = (ffi.new("tnn_dims *", dict(zip("nhwc", d))) for d in (in_dims, out_dims))
        return lib.tnn_resize_nearest_neighbor(p, d_in, src, d_out, c.ptr(out)), out

    status, out = resize([1, 0], [1, 1])
    assert status == lib.TNN_OK and list(out[:4]) == [3, 3, 1, 1]
    for args in [([2, 0], [0, 0]), ([0, 0], [0, -1]), ([0, 0], [0, 0], (1, 2, 2, 1), (2, 2, 2, 1)),
                 ([0, 0], [0, 0], (1, 2, 2, 1), (1, 2, 2, 2)), ([0, 0], [0, 0], (1, 2, 2, 1),
                                                                (1, 2, 2, 1), 0)]:
        status, out = resize(*args)
        assert status == lib.TNN_ARG_ERROR and out == c.buffer(16)

    def mean(outputs, reduced, shift=-1, multiplier=1 << 30, act=(-128, 127), input_size=64):
        out = c.buffer(8)
        p = ffi.new("tnn_mean_params *", {
            "input_offset": 0, "output_offset": 0,
            "quant": {"multiplier": multiplier, "shift": shift},
            "activation": {"min": act[0], "max": act[1]}, "input_size": input_size,
            "outputs": outputs, "reduced": reduced})
        return lib.tnn_mean_s8(p, ffi.from_buffer("int8_t[]", src), ffi.cast("int8_t *",
                                                                           c.ptr(out))), out

    status, out = mean(c.box((2,), (1,)), c.box((4,), (2,)))
    assert status == lib.TNN_OK and list(out[:2]) == [(0 + 2 + 4 + 6) // 4, (1 + 3 + 5 + 7) // 4]
    for args in [(c.box((2,), (1,)), c.box((4,), (2,), 1)),          # reduced offset
                 (c.box((2,), (1,)), c.box((0,), (2,))),             # nothing to average
                 (c.box((2,), (1,), 57), c.box((4,), (2,))),         # past the end
                 (c.box((2,), (1,)), c.box((4,), (-2,))),            # before the start
                 (c.box((2,), (1,)), c.box((4,), (2,)), 31),
                 (c.box((2,), (1,)), c.box((4,), (2,)), -32),
                 (c.box((2,), (1,)), c.box((4,), (2,)), -1, -1),
                 (c.box((2,), (1,)), c.box((4,), (2,)), -1, 1 << 30, (-129, 0)),
                 (c.box((2,), (1,)), c.box((4,), (2,)), -1, 1 << 30, (5, 4))]:
        status, out = mean(*args)
        assert status == lib.TNN_ARG_ERROR and out == c.buffer(8)


@pytest.mark.parametrize("kernel", ["conv", "depthwise", "fully_connected", "avgpool", "maxpool",
                                    "add", "mul"])
def test_kernels_refuse_an_empty_activation_range(kernel):
    """A clamp range with min > max (a negative output scale gives one; the interpreter
    refuses such models) or outside int8 returns TNN_ARG_ERROR before any write: the
    portable clamp and the SIMD paths' saturating packs would disagree on it."""
    c = _Lib()
    lib, ffi = c.lib, c.ffi
    x = bytes(range(8))
    dims = ffi.new("tnn_dims *", {"n": 1, "h": 2, "w": 2, "c": 2})
    fdims = ffi.new("tnn_dims *", {"n": 2, "h": 1, "w": 1, "c": 2})
    ones = c.ints([1 << 30] * 2)
    quant = ffi.new("tnn_per_channel_quant_params *", {"multiplier": ones, "shift": c.ints([0, 0])})
    scratch = bytearray(4096)
    ctx = ffi.new("tnn_context *", {"buf": ffi.from_buffer(scratch), "size": len(scratch)})
    window = {"stride": {"h": 1, "w": 1}, "padding": {"h": 0, "w": 0}}

    def call(act):
        out = c.buffer(8)
        o = c.ptr(out)
        if kernel == "conv":
            p = ffi.new("tnn_conv_params *", dict(window, dilation={"h": 1, "w": 1},
                                                  activation=act))
            status = lib.tnn_convolve_wrapper_s8(ctx, p, quant, dims, x, fdims, x, c.ints([0, 0]),
                                                 dims, o)
        elif kernel == "depthwise":
            p = ffi.new("tnn_dw_conv_params *", dict(window, ch_mult=1,
                                                     dilation={"h": 1, "w": 1}, activation=act))
            f = ffi.new("tnn_dims *", {"n": 1, "h": 1, "w": 1, "c": 2})
            status = lib.tnn_depthwise_conv_wrapper_s8(ctx, p, quant, dims, x, f, x, ffi.NULL,
                                                       dims, o)
        elif kernel == "fully_connected":
            p = ffi.new("tnn_fc_params *", {"activation": act})
            i = ffi.new("tnn_dims *", {"n": 4, "h": 1, "w": 1, "c": 2})
            status = lib.tnn_fully_connected_s8(ctx, p, quant, i, x, fdims, x, c.ints([0, 0]), o)
        elif kernel in ("avgpool", "maxpool"):
            p = ffi.new("tnn_pool_params *", dict(window, activation=act))
            tile = ffi.new("tnn_tile *", {"h": 1, "w": 1})
            status = (lib.tnn_avgpool_s8(ctx, p, dims, x, tile, dims, o) if kernel == "avgpool"
                      else lib.tnn_maxpool_s8(p, dims, x, tile, dims, o))
        elif kernel == "add":
            one = {"multiplier": 1 << 30, "shift": 0}
            p = ffi.new("tnn_add_params *", {"left_shift": 20, "input1_quant": one,
                                             "input2_quant": one, "output_quant": one,
                                             "activation": act})
            status = lib.tnn_add_s8(p, x, x, o, 8)
        else:
            p = ffi.new("tnn_mul_params *", {"output_quant": {"multiplier": 1 << 30, "shift": 0},
                                             "activation": act})
            status = lib.tnn_mul_s8(p, x, x, o, 8)
        return status, out

    status, _ = call({"min": -128, "max": 127})
    assert status == lib.TNN_OK
    for act in ({"min": -128, "max": -134}, {"min": 5, "max": 4}, {"min": -129, "max": 0},
                {"min": 0, "max": 128}):
        status, out = call(act)
        assert status == lib.TNN_ARG_ERROR and out == c.buffer(8), act


def test_a_c_argument_that_does_not_fit_its_type_is_a_model_error():
    """The prepared forms keep every C argument in range; should one slip through, the
    binding names the op and the C function instead of letting cffi's OverflowError
    out (the fuzzer once found one: an input offset of 2^31)."""
    interp = Interpreter(model_content=conv_model("CONV_2D"), backend="c")
    interp.allocate_tensors()
    kernel = interp._ops[0].kernel
    params = StructArg.of("tnn_conv_params", input_offset=1 << 31)
    with pytest.raises(ModelError, match=r"CONV_2D \(operator 0\): an argument of the C "
                                         r"function tnn_convolve_wrapper_s8_select does not fit"):
        kernel.prepare_call("tnn_convolve_wrapper_s8_select", params, kernel.in_dims,
                            kernel.filter_dims, kernel.out_dims)


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
@pytest.mark.parametrize("zero_point", [255, -1000])
def test_input_zero_point_outside_int8_runs_the_numpy_reference(op, zero_point):
    """The int8 kernels hold the input zero point as an int8 (the padding value) and
    their SIMD paths need |x + offset| to fit int16: a broken model's zero point outside
    int8 runs on the NumPy reference, equal to TFLM (a C kernel refusal and a wrong
    padding the fuzzer found)."""
    rng = np.random.default_rng(3)
    f_shape = (3, 3, 3, 2) if op == "CONV_2D" else (1, 3, 3, 2)
    out_c = 3 if op == "CONV_2D" else 2
    model = _int8_window_model(op, rng, (1, 5, 5, 2), zero_point, f_shape, (1, 5, 5, out_c),
                               (0.25, 5), stride=1, per_channel=True)
    feeds = [rng.integers(-128, 128, (1, 5, 5, 2)).astype(np.int8)]
    interp = check_same(model, feeds, "double", expect_kernel=False)
    assert getattr(interp._ops[0], "kernel", None) is None, "ran a C kernel"
    assert interp.get_tensor(interp.get_output_details()[0]["index"]).tobytes() == \
        run_tflm(model, feeds)[0].tobytes()


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
def test_elementwise_zero_points_outside_int8_run_the_numpy_reference(op):
    """The vector ADD/SUB/MUL paths keep offsets and outputs in 16-bit lanes: a broken
    model's zero point outside int8 (the fuzzer's SUB with output zero point 32767 came
    out different) runs on the NumPy reference, equal to TFLM."""
    model = single_op_model(op, [T(np.int8, (2, 3, 4), 0.05, -3), T(np.int8, (2, 3, 4), 0.05, -3)],
                            [T(np.int8, (2, 3, 4), 0.07, 32767)])
    rng = np.random.default_rng(2)
    feeds = [rng.integers(-128, 128, (2, 3, 4)).astype(np.int8) for _ in range(2)]
    interp = check_same(model, feeds, "double", expect_kernel=False)
    assert getattr(interp._ops[0], "kernel", None) is None, "ran a C kernel"
    assert interp.get_tensor(interp.get_output_details()[0]["index"]).tobytes() == \
        run_tflm(model, feeds)[0].tobytes()
