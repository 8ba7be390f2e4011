"""Random single-op models for the C backend tests (shared by the sanitizer run): int8
and 16x8 for the arithmetic kernels, float32 for the float ones; every element type for
the data-movement kernels, whose generators (seeded by hypothesis) are the Cortex-M
tests' (cortex_m.models)."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from lstm_cases import Lstm

from cortex_m.models import ACTIVATIONS
from cortex_m.models import PADDINGS
from cortex_m.models import add_fc_filter
from cortex_m.models import conv_options
from cortex_m.models import every_int8_value
from cortex_m.models import float_values
from cortex_m.models import int8_pool_model
from cortex_m.models import window_output
from interpreter.builder import ModelBuilder

zps = st.one_of(st.sampled_from([-128, 127, 0]), st.integers(-128, 127))
scales = st.one_of(st.sampled_from([1e-6, 1.0, 4.0]), st.floats(-3.0, 0.5).map(lambda e: 10.0 ** e))


def run(model: bytes, feeds, backend: str, rounding: str = "double", semantics: str = "tflm"):
    from interpreter import Interpreter
    it = Interpreter(model_content=model, backend=backend, rounding=rounding, semantics=semantics)
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), feeds):
        it.set_tensor(d["index"], x)
    it.invoke()
    return [it.get_tensor(d["index"]) for d in it.get_output_details()], it


@st.composite
def conv_models(draw, op: str):
    """(model bytes, input) for a random int8 CONV_2D or DEPTHWISE_CONV_2D."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    batches = draw(st.integers(1, 2))
    in_h, in_w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    if draw(st.booleans()):
        in_h = 1                                         # the 1xN path
    # now and then wide channels: several output-channel chunks and k blocks of the
    # matrix product, depthwise tiles of one or more pixels
    wide = draw(st.integers(0, 5)) == 0
    if wide:
        in_h, in_w = min(in_h, 5), min(in_w, 5)
    in_c = draw(st.integers(1, 150 if wide else 13))
    kh, kw = draw(st.sampled_from([(1, 1), (3, 3), (1, 3), (1, 5), (2, 3), (5, 5), (3, 1)]))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = draw(st.sampled_from([(1, 1), (1, 1), (2, 2), (1, 2), (3, 1)]))
    padding = draw(st.sampled_from(list(PADDINGS)))
    padding, out_h, out_w = window_output(padding, (in_h, in_w), (kh, kw), stride, dilation)
    if op == "CONV_2D":
        out_c = draw(st.integers(1, 40 if wide else 11))
        f_shape, qdim = (out_c, kh, kw, in_c), 0
    else:
        mult = draw(st.sampled_from([1, 1, 2, 3]))
        out_c = in_c * mult
        f_shape, qdim = (1, kh, kw, out_c), 3
    per_channel = draw(st.booleans())
    s_in, s_out = draw(scales), draw(scales)
    f_scales = [draw(scales) for _ in range(out_c)] if per_channel else [draw(scales)]
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (batches, in_h, in_w, in_c), scale=s_in,
                     zero_point=draw(zps))
    w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape),
                     scale=f_scales, zero_point=[0] * len(f_scales), quantized_dimension=qdim)
    inputs = [x, w]
    if draw(st.booleans()):
        big = draw(st.sampled_from([1 << 10, 1 << 20, (1 << 31) - 1]))
        inputs.append(b.add_tensor("b", np.int32, [out_c],
                                   data=rng.integers(-big, big, out_c, endpoint=True),
                                   scale=[s_in * s for s in np.broadcast_to(f_scales, out_c)],
                                   zero_point=[0] * out_c))
    y = b.add_tensor("y", np.int8, (batches, out_h, out_w, out_c), scale=s_out,
                     zero_point=draw(zps))
    options = conv_options(padding, stride, dilation, draw(st.sampled_from(ACTIVATIONS)),
                           out_c // in_c if op == "DEPTHWISE_CONV_2D" else None)
    b.add_operator(op, inputs, [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    image = rng.integers(-128, 128, (batches, in_h, in_w, in_c)).astype(np.int8)
    return b.build(), [image]


@st.composite
def fc_models(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    wide = draw(st.integers(0, 4)) == 0
    batches = draw(st.integers(1, 9))
    depth = draw(st.integers(1, 300 if wide else 70))
    units = draw(st.integers(1, 40 if wide else 13))
    per_channel = draw(st.booleans())
    s_in, s_out = draw(scales), draw(scales)
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (batches, depth), scale=s_in, zero_point=draw(zps))
    w, bias_scales = add_fc_filter(b, rng, units, depth, s_in, per_channel,
                                   lambda: draw(scales), lambda: draw(zps))
    inputs = [x, w]
    if draw(st.booleans()):
        inputs.append(b.add_tensor("b", np.int32, [units],
                                   data=rng.integers(-(1 << 20), 1 << 20, units),
                                   scale=bias_scales, zero_point=[0] * len(bias_scales)))
    y = b.add_tensor("y", np.int8, (batches, units), scale=s_out, zero_point=draw(zps))
    b.add_operator("FULLY_CONNECTED", inputs, [y],
                   options={"fused_activation_function": draw(st.sampled_from(ACTIVATIONS))})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, (batches, depth)).astype(np.int8)]


@st.composite
def pool_models(draw, op: str):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    n, h, w, c = (draw(st.integers(1, 2)), draw(st.integers(1, 9)), draw(st.integers(1, 9)),
                  draw(st.integers(1, 13)))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(list(PADDINGS)))
    s, zp = draw(scales), draw(zps)
    return int8_pool_model(rng, op, (n, h, w, c), (fh, fw), (sh, sw), padding, s, zp,
                           draw(st.sampled_from(ACTIVATIONS)))


@st.composite
def binary_models(draw, op: str):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=4)))
    b = ModelBuilder()
    x1 = b.add_tensor("x1", np.int8, shape, scale=draw(scales), zero_point=draw(zps))
    x2 = b.add_tensor("x2", np.int8, shape, scale=draw(scales), zero_point=draw(zps))
    y = b.add_tensor("y", np.int8, shape, scale=draw(scales), zero_point=draw(zps))
    b.add_operator(op, [x1, x2], [y],
                   options={"fused_activation_function": draw(st.sampled_from(ACTIVATIONS))})
    b.set_inputs([x1, x2])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, shape).astype(np.int8) for _ in range(2)]


@st.composite
def softmax_models(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, 40)))
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, shape, scale=draw(st.floats(-2.0, 0.5).map(lambda e: 10.0 ** e)),
                     zero_point=draw(zps))
    y = b.add_tensor("y", np.int8, shape, scale=1.0 / 256, zero_point=-128)
    b.add_operator("SOFTMAX", [x], [y], options={"beta": draw(st.sampled_from([1.0, 0.5, 2.0]))})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, shape).astype(np.int8)]


@st.composite
def unary_shapes(draw):
    """Mostly enough elements for every int8 value; now and then 1-7 (loop tails)."""
    if draw(st.integers(0, 4)) == 0:
        return (draw(st.integers(1, 7)),)
    return (draw(st.integers(1, 3)), draw(st.integers(256, 300)))


#: int8 ops whose prepared form is a 256-entry table (tnn_lut_s8)
LUT_OPS = ["LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU", "ELU", "ABS", "RELU", "RELU6"]


@st.composite
def lut_models(draw, op: str):
    """An int8 element-wise op of one input (out_dtype: int8, or float32 for DEQUANTIZE)."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    shape = draw(unary_shapes())
    s_in = draw(scales)
    s_out = s_in if draw(st.integers(0, 3)) == 0 else draw(scales)
    zp_out = draw(zps)
    options = {}
    if op == "LOGISTIC":    # TFLM: zero point -128 (the scale is not read)
        s_out, zp_out = draw(st.sampled_from([(1 / 256, -128), (s_out, -128)]))
    elif op == "LEAKY_RELU":
        options["alpha"] = draw(st.sampled_from([0.0, 0.1, 0.2, 1.0, -0.3, 3.0]))
    out_dtype = np.float32 if op == "DEQUANTIZE" else np.int8
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, shape, scale=s_in, zero_point=draw(zps))
    y = b.add_tensor("y", out_dtype, shape, **({} if out_dtype == np.float32 else
                                              {"scale": s_out, "zero_point": zp_out}))
    b.add_operator(op, [x], [y], options=options or None)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [every_int8_value(rng, int(np.prod(shape))).reshape(shape)]


@st.composite
def quantize_models(draw):
    """QUANTIZE float32 -> int8 (quotients near halves, out of range, NaN) or int8 -> int8."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    shape = draw(unary_shapes())
    s_out, zp_out = draw(scales), draw(zps)
    n = int(np.prod(shape))
    b = ModelBuilder()
    if draw(st.booleans()):
        x = b.add_tensor("x", np.float32, shape)
        feed = float_values(rng, n, draw(st.sampled_from([0.0, 0.05, 0.3])), 100 * s_out)
        halves = rng.random(n) < 0.3     # quotients at and next to k + 0.5
        k = rng.integers(-200, 200, n) + np.float32(0.5)
        feed[halves] = (k * np.float32(s_out))[halves]
        feed = feed.reshape(shape)
    else:
        x = b.add_tensor("x", np.int8, shape, scale=draw(scales), zero_point=draw(zps))
        feed = every_int8_value(rng, n).reshape(shape)
    y = b.add_tensor("y", np.int8, shape, scale=s_out, zero_point=zp_out)
    b.add_operator("QUANTIZE", [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [feed]


@st.composite
def fc_float_models(draw):
    """float32 FULLY_CONNECTED, now and then with NaN / inf / huge values in the input,
    the weights and the bias (overflowing sums, inf - inf, NaN meeting NaN)."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    batches, depth, units = draw(st.integers(1, 5)), draw(st.integers(1, 40)), draw(st.integers(1, 12))
    special = draw(st.sampled_from([0.0, 0.0, 0.02, 0.2]))
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (batches, depth))
    w = b.add_tensor("w", np.float32, (units, depth),
                     data=float_values(rng, (units, depth), special / 2))
    inputs = [x, w]
    if draw(st.booleans()):
        inputs.append(b.add_tensor("b", np.float32, [units], data=float_values(rng, units, special)))
    y = b.add_tensor("y", np.float32, (batches, units))
    b.add_operator("FULLY_CONNECTED", inputs, [y],
                   options={"fused_activation_function": draw(st.sampled_from(ACTIVATIONS))})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [float_values(rng, (batches, depth), special)]


@st.composite
def conv16x8_models(draw, op: str):
    """16x8 convolutions with an int64 bias or none (the C kernels' int64 accumulator)."""
    from conv_cases import Conv16x8Case
    case = Conv16x8Case(op, draw(st.integers(0, 2 ** 32 - 1)), draw(st.sampled_from([None, np.int64])))
    model, ishape = case.model()
    return model, [case.input(ishape)]


@st.composite
def fc16x8_models(draw):
    from conv_cases import Fc16x8Case
    case = Fc16x8Case(draw(st.integers(0, 2 ** 32 - 1)), draw(st.sampled_from([None, np.int64])),
                      draw(st.booleans()), draw(st.booleans()))
    model, ishape = case.model()
    return model, [case.input(ishape)]


@st.composite
def transpose_conv_models(draw):
    from conv_cases import TransposeConvCase
    case = TransposeConvCase.draw(draw(st.integers(0, 2 ** 32 - 1)), np.int8)
    return case.model(), [case.input()]


def seeded_models(op: str):
    """(model bytes, inputs) from the op's seeded generator in cortex_m.models."""
    from cortex_m.models import DATA_MODELS
    return st.integers(0, 2 ** 32 - 1).map(lambda seed: DATA_MODELS[op](np.random.default_rng(seed)))


@st.composite
def lstm_cases(draw) -> Lstm:
    """An integer UNIDIRECTIONAL_SEQUENCE_LSTM: int8 activations with int32 biases up to
    +-2^31, or int16 ones with int64 biases up to +-2^50; int8 weights with zero points,
    int16 cell state 2^-5 .. 2^-20 times a factor, no, negative or positive cell clip;
    now and then wide gates."""
    wide = draw(st.integers(0, 5)) == 0
    int16 = draw(st.integers(0, 2)) == 0
    # scales at which the gates and states mostly take many values
    bits = -4.5 if int16 else 0.0

    def scale(lo: float, hi: float):
        return draw(st.one_of(st.floats(lo + bits, hi + bits).map(lambda e: 10.0 ** e), scales))

    return Lstm(
        batches=draw(st.integers(1, 3)), steps=draw(st.integers(1, 6)),
        n_input=draw(st.integers(1, 70 if wide else 12)),
        n_state=draw(st.integers(1, 40 if wide else 12)), time_major=draw(st.booleans()),
        cell_clip=draw(st.sampled_from([0.0, -1.0, 0.01, 0.5, 2.0, 10.0, 1e6])),
        act=np.int16 if int16 else np.int8, bias_type=np.int64 if int16 else np.int32,
        s_in=scale(-2.5, -1), zp_in=draw(zps), s_h=scale(-2.5, -1.5), zp_h=draw(zps),
        cell_power=draw(st.integers(5, 20)),
        cell_factor=draw(st.sampled_from([1.0, 1.0, 0.7, 1.3])),
        w_scales=tuple(draw(st.one_of(st.floats(-3, -1.5).map(lambda e: 10.0 ** e), scales))
                       for _ in range(8)),
        w_zps=tuple(draw(st.one_of(st.just(0), zps)) for _ in range(8)),
        bias_bits=tuple(draw(st.integers(0, 50 if int16 else 31)) for _ in range(4)),
        input_bound=32768 if int16 else 128, seed=draw(st.integers(0, 2 ** 16)))


def lstm_models():
    return lstm_cases().map(lambda case: (case.model()[0], [case.inputs(0)]))


#: The requantization roundings the C kernels build with: TFLM's double rounding and
#: TFLITE_SINGLE_ROUNDING.
ROUNDINGS = st.sampled_from(["double", "single"])


def with_rounding(models):
    """(model, feeds, rounding) cases: the (model, feeds) of ``models`` and a rounding."""
    return st.tuples(models, ROUNDINGS).map(lambda case: (*case[0], case[1]))


STRATEGIES = {
    "CONV_2D": lambda: conv_models("CONV_2D"),
    "DEPTHWISE_CONV_2D": lambda: conv_models("DEPTHWISE_CONV_2D"),
    "FULLY_CONNECTED": fc_models,
    "AVERAGE_POOL_2D": lambda: pool_models("AVERAGE_POOL_2D"),
    "MAX_POOL_2D": lambda: pool_models("MAX_POOL_2D"),
    "ADD": lambda: binary_models("ADD"),
    "MUL": lambda: binary_models("MUL"),
    "SOFTMAX": softmax_models,
    **{op: (lambda op=op: lut_models(op)) for op in LUT_OPS},
    "DEQUANTIZE": lambda: lut_models("DEQUANTIZE"),
    "QUANTIZE": quantize_models,
    "SUB": lambda: binary_models("SUB"),
    "FULLY_CONNECTED/float32": fc_float_models,
    "CONV_2D/16x8": lambda: conv16x8_models("CONV_2D"),
    "DEPTHWISE_CONV_2D/16x8": lambda: conv16x8_models("DEPTHWISE_CONV_2D"),
    "FULLY_CONNECTED/16x8": fc16x8_models,
    "TRANSPOSE_CONV": transpose_conv_models,
    "TRANSPOSE_CONV/16x8": lambda: conv16x8_models("TRANSPOSE_CONV"),
    **{op: (lambda op=op: seeded_models(op))
       for op in ("PAD", "PADV2", "CONCATENATION", "STRIDED_SLICE", "SLICE", "TRANSPOSE",
                  "RESIZE_NEAREST_NEIGHBOR", "MEAN", "SUM")},
    "UNIDIRECTIONAL_SEQUENCE_LSTM": lstm_models,
}
