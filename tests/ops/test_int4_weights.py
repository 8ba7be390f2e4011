"""int4-packed weights (TensorType INT4) for CONV_2D, DEPTHWISE_CONV_2D and
FULLY_CONNECTED, against the tflite-micro runtime, byte for byte, on both backends.

What TFLM does (its kernels conv.cc, depthwise_conv.cc, fully_connected.cc and
``tensor_utils::UnpackDenseInt4IntoInt8``; each point measured with the runtime):

* an INT4 filter is accepted only with int8 inputs and outputs; Prepare requests
  a scratch buffer of one byte per filter value, and every Eval unpacks the
  filter into it and runs the int8 kernel: the outputs equal those of the same
  model with the unpacked values as int8 weights;
* the values are packed densely over the whole tensor, two per byte, low nibble
  first, each sign-extended (0x8..0xF are -8..-1); for an odd count the last
  byte's high nibble is padding and ignored;
* the scratch is planned like a tensor: the arena head grows by the filter's
  element count (aligned), e.g. 54 int4 values add 64 bytes;
* FULLY_CONNECTED takes int4 weights only per-tensor (its Prepare refuses
  per-channel ones; LiteRT runs them), with the filter zero point applied as
  for int8 per-tensor weights;
* the buffer size is not checked: TFLM reads the first ceil(n / 2) bytes
  (LiteRT requires at least that many). This loader requires exactly that.

    pytest tests/ops/test_int4_weights.py              # CI budget
    pytest tests/ops/test_int4_weights.py -m slow      # many more examples
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from reference import run_litert
from reference import run_tflm
from single_op import activations
from single_op import assert_same
from single_op import scales
from single_op import seeds
from single_op import zero_points
from subgraph_models import check_plan_against_tflm

from interpreter import Interpreter
from interpreter import ModelError
from interpreter import UnsupportedOpError
from interpreter import ops_c
from interpreter.builder import ModelBuilder
from interpreter.ops.window import compute_out_size
from interpreter.parse.loader import load_model

BACKENDS = ["numpy"] + (["c"] if ops_c.AVAILABLE else [])


def pack_int4(values, pad_nibble: int = 0) -> bytes:
    """Pack int4 values (-8..7) two per byte, low nibble first, as the converter does."""
    nibbles = (np.asarray(values, np.int64).reshape(-1) & 0xF).astype(np.uint8)
    if nibbles.size % 2:
        nibbles = np.append(nibbles, np.uint8(pad_nibble))
    return (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8).tobytes()


def int4_values(rng: np.random.Generator, shape) -> np.ndarray:
    """Random int4 values; every one of -8..7 appears when there is room for all 16."""
    n = int(np.prod(shape))
    values = rng.integers(-8, 8, n)
    if n >= 16:
        at = rng.choice(n, 16, replace=False)
        values[at] = np.arange(-8, 8)
    return values.reshape(shape)


def run_ours(model: bytes, feeds, backend: str = "numpy", semantics: str = "tflm"):
    interp = Interpreter(model_content=model, backend=backend, semantics=semantics)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), feeds):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()], interp


# -- cases ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Int4Case:
    """One single-op model with int4 weights, reproducible from a seed."""

    op: str
    input_shape: tuple[int, ...]
    filter_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    options: tuple                     # (key, value) pairs
    filter_scales: tuple[float, ...]   # one (per-tensor) or one per output channel
    filter_zero_point: int
    with_bias: bool
    input_scale: float
    input_zero_point: int
    output_gain: float                 # log2 of typical |output| / 32 (see ``output_scale``)
    output_zero_point: int
    seed: int

    @property
    def channel_axis(self) -> int:
        return 3 if self.op == "DEPTHWISE_CONV_2D" else 0

    def output_scale(self, image: np.ndarray, values: np.ndarray) -> float:
        """An output scale that puts typical accumulators near 32 * 2^gain: outputs spread
        over the int8 range rather than saturating or collapsing to one value."""
        depth = values.size // self.filter_shape[self.channel_axis]
        x = image.astype(np.float64) - self.input_zero_point
        w = values.astype(np.float64) - self.filter_zero_point
        # E[acc^2] of a sum of ``depth`` products of independent factors
        rms = math.sqrt(depth * np.mean(x ** 2) * np.mean(w ** 2)
                        + depth * (depth - 1) * (np.mean(x) * np.mean(w)) ** 2)
        typical = max(rms, 1.0) * self.input_scale * float(np.median(self.filter_scales))
        return float(np.float32(typical / 32 / 2.0 ** self.output_gain))

    def build(self, int4: bool = True, pad_nibble: int = 0) -> tuple[bytes, np.ndarray]:
        """The model (int4 weights, or the same values as int8) and an input for it."""
        rng = np.random.default_rng(self.seed)
        values = int4_values(rng, self.filter_shape)
        image = rng.integers(-128, 128, self.input_shape).astype(np.int8)
        channels = self.filter_shape[self.channel_axis]
        b = ModelBuilder()
        x = b.add_tensor("input", np.int8, self.input_shape, scale=self.input_scale,
                         zero_point=self.input_zero_point)
        q_w = dict(scale=list(self.filter_scales), zero_point=self.filter_zero_point,
                   quantized_dimension=self.channel_axis)
        if int4:
            w = b.add_tensor("filter", "INT4", self.filter_shape,
                             data=pack_int4(values, pad_nibble), **q_w)
        else:
            w = b.add_tensor("filter", np.int8, self.filter_shape, data=values, **q_w)
        inputs = [x, w]
        if self.with_bias:
            s_w = np.broadcast_to(np.asarray(self.filter_scales, np.float64), (channels,))
            inputs.append(b.add_tensor("bias", np.int32, [channels],
                                       data=rng.integers(-(1 << 10), 1 << 10, channels),
                                       scale=[self.input_scale * s for s in s_w],
                                       zero_point=[0] * channels))
        y = b.add_tensor("output", np.int8, self.output_shape,
                         scale=self.output_scale(image, values),
                         zero_point=self.output_zero_point)
        b.add_operator(self.op, inputs, [y], options=dict(self.options))
        b.set_inputs([x])
        b.set_outputs([y])
        return b.build(), image


output_gains = st.floats(-2.5, 2.5)


def _filter_scales(draw, channels: int, per_channel: bool) -> tuple[float, ...]:
    """One scale, or one per channel within a factor 2^6 of each other (so that no
    channel saturates or vanishes while the others spread)."""
    base = draw(scales(-3.0, -1.0))
    if not per_channel:
        return (base,)
    exps = draw(st.lists(st.floats(-3, 3), min_size=channels, max_size=channels))
    return tuple(float(np.float32(base * 2.0 ** e)) for e in exps)


@st.composite
def window_cases(draw, op: str):
    """CONV_2D / DEPTHWISE_CONV_2D: shapes (odd and even element counts), strides,
    dilations, both paddings, groups, depth multipliers, per-tensor and per-channel."""
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    axes = []
    for _ in range(2):
        size = draw(st.integers(1, 4))
        dilation = draw(st.sampled_from([1, 1, 2]))
        stride = draw(st.integers(1, 3))
        lo = 1 if padding == "SAME" else (size - 1) * dilation + 1
        axes.append((draw(st.integers(lo, lo + 5)), size, stride, dilation))
    (in_h, fh, sh, dh), (in_w, fw, sw, dw) = axes
    pad = 0 if padding == "SAME" else 1
    out_h, out_w = (compute_out_size(pad, in_h, fh, sh, dh),
                    compute_out_size(pad, in_w, fw, sw, dw))
    batches = draw(st.integers(1, 2))
    options = {"padding": padding, "stride_h": sh, "stride_w": sw,
               "dilation_h_factor": dh, "dilation_w_factor": dw,
               "fused_activation_function": draw(activations)}
    if op == "DEPTHWISE_CONV_2D":
        in_depth = draw(st.integers(1, 5))
        multiplier = draw(st.integers(1, 3))
        out_depth = in_depth * multiplier
        options["depth_multiplier"] = multiplier
        filter_shape = (1, fh, fw, out_depth)
    else:
        groups = draw(st.sampled_from([1, 1, 1, 2]))
        filter_depth = draw(st.integers(1, 5))
        in_depth = filter_depth * groups
        out_depth = groups * draw(st.integers(1, 3))
        filter_shape = (out_depth, fh, fw, filter_depth)
    input_scale = draw(scales(-3, 0))
    filter_scales = _filter_scales(draw, out_depth, draw(st.booleans()))
    return Int4Case(
        op=op, input_shape=(batches, in_h, in_w, in_depth), filter_shape=filter_shape,
        output_shape=(batches, out_h, out_w, out_depth), options=tuple(options.items()),
        filter_scales=filter_scales, filter_zero_point=0, with_bias=draw(st.booleans()),
        input_scale=input_scale, input_zero_point=draw(zero_points()),
        output_gain=draw(output_gains),
        output_zero_point=draw(zero_points()), seed=draw(seeds))


@st.composite
def fc_cases(draw):
    """FULLY_CONNECTED: per-tensor int4 weights (what TFLM runs), now and then with a
    filter zero point, which the per-tensor kernel applies."""
    units, depth = draw(st.integers(1, 7)), draw(st.integers(1, 11))
    batches = draw(st.integers(1, 3))
    input_scale = draw(scales(-3, 0))
    filter_scales = _filter_scales(draw, units, per_channel=False)
    return Int4Case(
        op="FULLY_CONNECTED", input_shape=(batches, depth), filter_shape=(units, depth),
        output_shape=(batches, units),
        options=(("fused_activation_function", draw(activations)),),
        filter_scales=filter_scales,
        filter_zero_point=draw(st.sampled_from([0, 0, 0, -8, -1, 3, 7])),
        with_bias=draw(st.booleans()), input_scale=input_scale,
        input_zero_point=draw(zero_points()),
        output_gain=draw(output_gains),
        output_zero_point=draw(zero_points()), seed=draw(seeds))


def cases(op: str):
    return fc_cases() if op == "FULLY_CONNECTED" else window_cases(op)


def check_case(case: Int4Case) -> None:
    """Ours (each backend) == TFLM, byte for byte; TFLM's int4 == its int8 of the same values."""
    model, image = case.build()
    ref = run_tflm(model, [image])[0]
    for backend in BACKENDS:
        ours, interp = run_ours(model, [image], backend)
        assert_same(ours[0], ref, f"{backend} vs TFLM")
        op = interp._ops[0]
        # The int4 scratch is the op's first request (the C kernels' own buffer comes next).
        assert op.scratch_sizes[:1] == [int(np.prod(case.filter_shape))]
    model8, _ = case.build(int4=False)
    assert_same(run_tflm(model8, [image])[0], ref, "TFLM int8 vs int4")


OPS = ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]


@pytest.mark.parametrize("op", OPS)
@budgets(ci=150, slow=1500)
def test_int4_weights_match_tflm(op, examples):
    explore(examples, cases(op), check_case)


# -- fixed cases: arena plan, padding nibble, the C kernels ----------------------------------

def fixed_case(op: str, per_channel: bool = True, odd: bool = False, seed: int = 1) -> Int4Case:
    if op == "FULLY_CONNECTED":
        shapes = ((2, 5), (3, 5), (2, 3)) if odd else ((2, 6), (4, 6), (2, 4))
        options = (("fused_activation_function", "NONE"),)
        per_channel = False
    elif op == "DEPTHWISE_CONV_2D":
        shapes = (((1, 4, 4, 3), (1, 3, 1, 3), (1, 2, 4, 3)) if odd
                  else ((1, 5, 5, 2), (1, 3, 3, 4), (1, 3, 3, 4)))
        options = (("padding", "VALID"), ("stride_h", 1), ("stride_w", 1),
                   ("depth_multiplier", shapes[1][3] // shapes[0][3]))
    else:
        shapes = (((1, 4, 4, 1), (3, 3, 1, 1), (1, 4, 4, 3)) if odd
                  else ((1, 5, 5, 2), (3, 3, 3, 2), (1, 5, 5, 3)))
        options = (("padding", "SAME"), ("stride_h", 1), ("stride_w", 1))
    in_shape, w_shape, out_shape = shapes
    channels = w_shape[3 if op == "DEPTHWISE_CONV_2D" else 0]
    filter_scales = tuple(0.01 * (1 + i) for i in range(channels)) if per_channel else (0.02,)
    return Int4Case(op, in_shape, w_shape, out_shape, options, filter_scales, 0, True,
                    0.05, 3, 0.0, -2, seed)


FIXED = [(op, odd) for op in OPS for odd in (False, True)]


@pytest.mark.parametrize("op, odd", FIXED)
def test_arena_plan_equals_tflm(op, odd, capfd):
    """The int4 scratch makes TFLM's arena larger than the int8 model's: ours too, with
    every planned tensor at TFLM's offset."""
    case = fixed_case(op, odd=odd)
    model, _ = case.build()
    plan = check_plan_against_tflm(model, capfd)
    int8_model, _ = case.build(int4=False)
    int8_plan = check_plan_against_tflm(int8_model, capfd)
    n = int(np.prod(case.filter_shape))
    aligned = -(-n // 16) * 16
    assert plan.arena_bytes == int8_plan.arena_bytes + aligned
    assert [b.size for b in plan.buffers if b.kind == "scratch"] == [aligned]


def test_arena_plan_of_a_chain_equals_tflm(capfd):
    """Two int4 ops in a row: each scratch lives during its op only, among the tensors."""
    rng = np.random.default_rng(5)
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, [1, 6, 6, 3], scale=0.05, zero_point=1)
    w1 = b.add_tensor("w1", "INT4", [5, 3, 3, 3], data=pack_int4(int4_values(rng, (5, 3, 3, 3))),
                      scale=[0.01 * (i + 1) for i in range(5)], zero_point=0)
    h = b.add_tensor("h", np.int8, [1, 6, 6, 5], scale=0.2, zero_point=-3)
    b.add_operator("CONV_2D", [x, w1], [h], options={"padding": "SAME", "stride_h": 1,
                                                    "stride_w": 1})
    w2 = b.add_tensor("w2", "INT4", [1, 3, 3, 5], data=pack_int4(int4_values(rng, (1, 3, 3, 5))),
                      scale=0.03, zero_point=0, quantized_dimension=3)
    g = b.add_tensor("g", np.int8, [1, 4, 4, 5], scale=0.3, zero_point=2)
    b.add_operator("DEPTHWISE_CONV_2D", [h, w2], [g],
                   options={"padding": "VALID", "stride_h": 1, "stride_w": 1,
                            "depth_multiplier": 1})
    w3 = b.add_tensor("w3", "INT4", [7, 80], data=pack_int4(int4_values(rng, (7, 80))),
                      scale=0.02, zero_point=0)
    flat = b.add_tensor("flat", np.int8, [1, 80], scale=0.3, zero_point=2)
    b.add_operator("RESHAPE", [g], [flat], options={"new_shape": [1, 80]})
    y = b.add_tensor("y", np.int8, [1, 7], scale=0.5, zero_point=0)
    b.add_operator("FULLY_CONNECTED", [flat, w3], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    check_plan_against_tflm(model, capfd)
    image = rng.integers(-128, 128, (1, 6, 6, 3)).astype(np.int8)
    ref = run_tflm(model, [image])[0]
    for backend in BACKENDS:
        assert_same(run_ours(model, [image], backend)[0][0], ref, backend)


@pytest.mark.parametrize("op, odd", [(op, True) for op in OPS])
def test_padding_nibble_of_an_odd_count_is_ignored(op, odd):
    case = fixed_case(op, odd=odd)
    model, image = case.build(pad_nibble=0xA)
    ref = run_tflm(model, [image])[0]
    assert_same(ref, run_tflm(case.build()[0], [image])[0])
    for backend in BACKENDS:
        assert_same(run_ours(model, [image], backend)[0][0], ref, backend)


@pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built")
@pytest.mark.parametrize("op, kernel, shapes", [
    ("CONV_2D", "1x1", ((1, 4, 4, 3), (5, 1, 1, 3), (1, 4, 4, 5))),
    ("CONV_2D", "general", ((1, 5, 5, 2), (3, 3, 3, 2), (1, 5, 5, 3))),
    ("DEPTHWISE_CONV_2D", "3x3", ((1, 5, 5, 3), (1, 3, 3, 3), (1, 5, 5, 3))),
    ("DEPTHWISE_CONV_2D", "conv", ((1, 5, 5, 1), (1, 3, 3, 4), (1, 3, 3, 4))),
    ("DEPTHWISE_CONV_2D", "general", ((1, 5, 5, 2), (1, 3, 3, 4), (1, 3, 3, 4))),
    ("FULLY_CONNECTED", "fc", ((2, 9), (5, 9), (2, 5))),
])
def test_c_kernels_run_int4_weights_unpacked(op, kernel, shapes):
    """The C backend runs int4 weights in its int8 kernels (the loader unpacked them)."""
    in_shape, w_shape, out_shape = shapes
    if op == "FULLY_CONNECTED":
        options = ()
    else:
        padding = "VALID" if out_shape[1] < in_shape[1] else "SAME"
        options = (("padding", padding), ("stride_h", 1), ("stride_w", 1))
        if op == "DEPTHWISE_CONV_2D":
            options += (("depth_multiplier", w_shape[3] // in_shape[3]),)
    channels = w_shape[3 if op == "DEPTHWISE_CONV_2D" else 0]
    case = Int4Case(op, in_shape, w_shape, out_shape, options,
                    tuple(0.01 * (1 + i) for i in range(channels)) if op != "FULLY_CONNECTED"
                    else (0.02,), 0, True, 0.05, 3, 0.0, -2, 9)
    model, image = case.build()
    ours, interp = run_ours(model, [image], "c")
    assert interp._ops[0].kernel.variant == kernel
    assert_same(ours[0], run_tflm(model, [image])[0])


# -- what is refused ---------------------------------------------------------------------------

def test_per_channel_int4_fully_connected_is_refused_as_tflm_does():
    case = Int4Case("FULLY_CONNECTED", (2, 5), (3, 5), (2, 3), (), (0.01, 0.02, 0.03), 0, True,
                    0.05, 3, 0.0, -2, 4)
    model, image = case.build()
    with pytest.raises(RuntimeError):
        run_tflm(model, [image])
    with pytest.raises(UnsupportedOpError, match="FULLY_CONNECTED.*per-channel int4"):
        run_ours(model, [image])
    # LiteRT runs them, and semantics="tflite" does too.
    ours = run_ours(model, [image], semantics="tflite")[0][0]
    assert_same(ours, run_litert(model, [image])[0])


def int4_misuse_model(op: str, where: str) -> bytes:
    """A single-op model with an INT4 tensor somewhere other than a constant filter."""
    b = ModelBuilder()
    fc = op == "FULLY_CONNECTED"
    in_shape, w_shape, out_shape = (((2, 4), (3, 4), (2, 3)) if fc
                                    else ((1, 3, 3, 2), (3, 1, 1, 2), (1, 3, 3, 3)))
    data = pack_int4(np.arange(int(np.prod(w_shape))) % 16 - 8)
    x_type = {"input": "INT4", "input16": np.int16}.get(where, np.int8)
    x = b.add_tensor("x", x_type, in_shape, scale=0.1, zero_point=0)
    if where == "runtime filter":
        w = b.add_tensor("w", "INT4", w_shape, scale=0.1, zero_point=0)
    else:
        w = b.add_tensor("w", "INT4", w_shape, data=data, scale=0.1, zero_point=0)
    inputs = [x, w]
    if where == "bias":
        inputs.append(b.add_tensor("bias", "INT4", [3], data=pack_int4([1, 2, 3]), scale=0.01,
                                   zero_point=0))
    y = b.add_tensor("y", np.int16 if where == "input16" else np.int8, out_shape, scale=0.2,
                     zero_point=0)
    options = None if fc else {"padding": "VALID", "stride_h": 1, "stride_w": 1}
    b.add_operator(op, inputs, [y], options=options)
    b.set_inputs([x, w] if where == "runtime filter" else [x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("op", ["CONV_2D", "FULLY_CONNECTED"])
@pytest.mark.parametrize("where, message", [
    ("input", "INT4 input 0 'x': only the filter"),
    ("bias", "INT4 input 2 'bias': only the filter"),
    ("runtime filter", "int4 filter 'w' is not constant"),
    ("input16", "int4 weights with input type int16"),
])
def test_int4_outside_a_constant_filter_is_unsupported(op, where, message):
    with pytest.raises(UnsupportedOpError, match=f"{op} \\(operator 0\\): {message}"):
        Interpreter(model_content=int4_misuse_model(op, where)).allocate_tensors()


def test_int4_in_other_operators_is_refused_naming_the_op():
    rng = np.random.default_rng(0)
    b = ModelBuilder()
    w = b.add_tensor("w", "INT4", [2, 3, 3, 2], data=pack_int4(int4_values(rng, (2, 3, 3, 2))),
                     scale=0.1, zero_point=0)
    x = b.add_tensor("x", np.int8, [1, 4, 4, 2], scale=0.1, zero_point=0)
    shape = b.add_tensor("shape", np.int32, [4], data=[1, 5, 5, 2])
    y = b.add_tensor("y", np.int8, [1, 5, 5, 2], scale=0.1, zero_point=0)
    b.add_operator("TRANSPOSE_CONV", [shape, w, x], [y],
                   options={"padding": "VALID", "stride_h": 1, "stride_w": 1})
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(UnsupportedOpError, match="TRANSPOSE_CONV .*INT4 input 1 'w'"):
        Interpreter(model_content=b.build()).allocate_tensors()

    b = ModelBuilder()
    c = b.add_tensor("c", "INT4", [2, 3], data=pack_int4(int4_values(rng, (2, 3))), scale=0.1,
                     zero_point=0)
    x = b.add_tensor("x", np.int8, [2, 3], scale=0.1, zero_point=0)
    y = b.add_tensor("y", np.int8, [2, 3], scale=0.1, zero_point=0)
    b.add_operator("ADD", [x, c], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises((UnsupportedOpError, ModelError), match=r"ADD \(operator 0\)"):
        Interpreter(model_content=b.build()).allocate_tensors()


# -- the loader ------------------------------------------------------------------------------

def int4_constant_model(values_or_bytes, shape) -> bytes:
    b = ModelBuilder()
    raw = values_or_bytes if isinstance(values_or_bytes, bytes) else pack_int4(values_or_bytes)
    w = b.add_tensor("w", "INT4", list(shape), data=raw, scale=0.5, zero_point=0)
    x = b.add_tensor("x", np.int8, [1, shape[1]], scale=0.1, zero_point=0)
    y = b.add_tensor("y", np.int8, [1, shape[0]], scale=0.3, zero_point=0)
    b.add_operator("FULLY_CONNECTED", [x, w], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("shape", [(3, 5), (4, 4), (1, 1)])
def test_loader_unpacks_int4_low_nibble_first_sign_extended(shape):
    n = int(np.prod(shape))
    values = (np.arange(n) * 7 % 16 - 8).reshape(shape)
    t = load_model(int4_constant_model(values, shape)).main.tensors[0]
    assert t.is_int4 and t.dtype == np.dtype(object)
    assert t.data.dtype == np.int8 and t.data.shape == shape and not t.data.flags.writeable
    assert t.data.tolist() == values.tolist()
    assert t.nbytes == (n + 1) // 2
    # nibble order, independently of pack_int4: 0x21 -> 1, 2; 0xF8 -> -8, -1
    t = load_model(int4_constant_model(bytes([0x21, 0xF8]), (1, 4))).main.tensors[0]
    assert t.data.tolist() == [[1, 2, -8, -1]]


def test_int4_tensor_details_follow_litert():
    """LiteRT reports an int4 constant as int8 and its get_tensor gives the unpacked
    values; here get_tensor agrees, the dtype stays object (NumPy has no int4: only the
    ops that know the type take it)."""
    values = np.arange(15).reshape(3, 5) % 16 - 8
    model = int4_constant_model(values, (3, 5))
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    detail = interp.get_tensor_details()[0]
    assert detail["name"] == "w" and detail["shape"].tolist() == [3, 5]
    assert detail["dtype"] is np.object_
    assert_same(interp.get_tensor(0), values.astype(np.int8))
    lite = pytest.importorskip("ai_edge_litert.interpreter")
    ref = lite.Interpreter(model_content=model)
    ref.allocate_tensors()
    assert ref.get_tensor_details()[0]["dtype"] is np.int8
    assert_same(interp.get_tensor(0), ref.get_tensor(0))


@pytest.mark.parametrize("shape", [(3, 5), (4, 4)])
@pytest.mark.parametrize("delta", [-1, 1])
def test_loader_refuses_a_packed_buffer_of_the_wrong_size(shape, delta):
    n = int(np.prod(shape))
    raw = pack_int4(np.zeros(n, np.int64))
    raw = raw[:delta] if delta < 0 else raw + b"\0" * delta
    with pytest.raises(ModelError, match=rf"tensor 0 \('w'\): buffer \d+ holds {len(raw)} bytes, "
                                         rf"shape \({shape[0]}, {shape[1]}\) of INT4 .* needs "
                                         rf"exactly {(n + 1) // 2}"):
        load_model(int4_constant_model(raw, shape))


def test_loader_refuses_unpacked_int4_bytes():
    """One byte per value (an unpacked int4 tensor) is a size error, not silently read."""
    with pytest.raises(ModelError, match="needs exactly 8"):
        load_model(int4_constant_model(bytes(16), (4, 4)))


@pytest.mark.parametrize("op", ["SHAPE", "RESHAPE", "IDENTITY_OUTPUT"])
def test_int4_activations_are_refused_by_name(op):
    """A non-constant INT4 tensor has no arena form here: whichever op reads it (even one
    that never checks types, like SHAPE) or a bare subgraph output is named in the error."""
    b = ModelBuilder()
    x = b.add_tensor("x", "INT4", (2, 3))
    if op == "IDENTITY_OUTPUT":
        b.set_inputs([x])
        b.set_outputs([x])
        who = r"subgraph 0 has as input/output tensor 0 \('x'\) of type INT4"
    else:
        y = b.add_tensor("y", np.int32 if op == "SHAPE" else "INT4", (2,) if op == "SHAPE"
                         else (2, 3))
        b.add_operator(op, [x], [y])
        b.set_inputs([x])
        b.set_outputs([y])
        who = rf"{op} \(operator 0\) reads tensor 0 \('x'\) of type INT4"
    interp = Interpreter(model_content=b.build())
    with pytest.raises(UnsupportedOpError, match=who):
        interp.allocate_tensors()
