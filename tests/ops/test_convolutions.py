"""What CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV share, against the tflite-micro
runtime, byte for byte: the tests that run several of these ops with one body. The
tests of one op are in test_conv_2d.py, test_depthwise_conv_2d.py, test_transpose_conv.py
(the cases are in tests/support/conv_cases.py).

int8 and float32 CONV_2D / DEPTHWISE_CONV_2D: hand-worked requantization, single
rounding, the type combinations refused. (Each op's randomized comparisons, with their
long runs under -m slow, are in its own test file.)

16x8 (int16 activations, int8 weights). What TFLM does (``micro/kernels/conv.cc``,
``depthwise_conv.cc``, ``transpose_conv.cc`` and the int16 overloads in
``reference/integer_ops/{conv,depthwise_conv,transpose_conv}.h``), and what
these tests and the ops' own 16x8 tests pin:

* CONV_2D: an int64 bias or none gives an int64 accumulator and the int64
  MultiplyByQuantizedMultiplier; an int32 bias an int32 accumulator that wraps
  and the ordinary 32-bit MBQM of the build's rounding mode (measured: without
  a bias the runtime takes the int64 path, whatever the source suggests);
* DEPTHWISE_CONV_2D: int64 bias or none, always the int64 path;
* TRANSPOSE_CONV: int64 or int16 bias (widened) or none, always int64;
* zero points are never read; this interpreter refuses non-zero ones rather
  than silently computing something other than the model's quantization
  (as it refuses non-zero int8 filter zero points).

16x8 cases are drawn with hypothesis (one seed per case, everything else derived
from it): batch, image and filter sizes, strides, dilations, paddings, depth
multipliers, groups, per-tensor / per-channel scales (multipliers from
far below 1 to above 1, so both MBQM shift directions), biases up to +-2^40
(int64) and the full int32 range (which makes the int32 accumulator wrap),
fused activations, inputs that include -32768 and 32767.
"""
from __future__ import annotations

import numpy as np
import pytest
from conv_cases import BIASES_16X8
from conv_cases import Conv16x8Case
from conv_cases import ConvCase
from conv_cases import conv_model
from op_harness import prepare
from op_harness import run_c_backend
from op_harness import run_model
from reference import run_tflm
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_same
from single_op import single_op_model

from interpreter import ModelError
from interpreter import UnsupportedOpError
from interpreter.builder import ModelBuilder

# -- int8 and float32 CONV_2D / DEPTHWISE_CONV_2D ----------------------------------------

# -- hand-worked cases -------------------------------------------------------------------

def single_pixel_conv(x: int, zp_in: int, w: int, bias: int, scales, zp_out: int,
                      activation: str = "NONE", op: str = "CONV_2D") -> bytes:
    b = ModelBuilder()
    s_in, s_w, s_out = scales
    xi = b.add_tensor("x", np.int8, [1, 1, 1, 1], scale=s_in, zero_point=zp_in)
    wi = b.add_tensor("w", np.int8, [1, 1, 1, 1], data=[w], scale=s_w, zero_point=0)
    bi = b.add_tensor("b", np.int32, [1], data=[bias], scale=s_in * s_w, zero_point=0)
    yi = b.add_tensor("y", np.int8, [1, 1, 1, 1], scale=s_out, zero_point=zp_out)
    options = {"padding": "VALID", "stride_w": 1, "stride_h": 1,
               "fused_activation_function": activation}
    if op == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = 1
    b.add_operator(op, [xi, wi, bi], [yi], options=options)
    b.set_inputs([xi])
    b.set_outputs([yi])
    return b.build()


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_hand_worked_requantization(op):
    # acc = 5 + 3 * (10 - (-2)) = 41; M = 0.5 * 0.25 / 1.0 = 0.125; 41 * 0.125 = 5.125 -> 5;
    # + zp_out 1 = 6.
    model = single_pixel_conv(10, -2, 3, 5, (0.5, 0.25, 1.0), 1, op=op)
    x = np.array([[[[10]]]], np.int8)
    assert run_model(model, [x])[0].item() == 6
    assert run_tflm(model, [x])[0].item() == 6
    # Halves round away from zero: acc = -12 * 0.125 = -1.5 -> -2, + 1 = -1.
    model = single_pixel_conv(-14, -2, 1, 0, (0.5, 0.25, 1.0), 1, op=op)
    x = np.array([[[[-14]]]], np.int8)
    assert run_model(model, [x])[0].item() == -1
    assert run_tflm(model, [x])[0].item() == -1
    # RELU6 clamps to the quantized 6.0 = 6 / 0.5 + zp 0 = 12.
    model = single_pixel_conv(100, 0, 100, 0, (0.1, 0.1, 0.5), 0, "RELU6", op=op)
    x = np.array([[[[100]]]], np.int8)
    assert run_model(model, [x])[0].item() == 12
    assert run_tflm(model, [x])[0].item() == 12


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_single_rounding_differs_by_at_most_one(op):
    """rounding="single" (TFLITE_SINGLE_ROUNDING) reaches the kernels; the two modes differ
    only in how halves round, so never by more than one step."""
    case = ConvCase(op=op, dtype=np.int8, batches=1, in_h=9, in_w=9, in_depth=8,
                    out_depth=8, filter_h=3, filter_w=3, filter_depth=8, padding="SAME",
                    stride=(1, 1), dilation=(1, 1), activation="NONE", with_bias=True,
                    input_scale=0.05, input_zero_point=-7,
                    filter_scales=tuple(0.003 * (1 + i / 7) for i in range(8)),
                    output_scale=0.5, output_zero_point=3, special_fraction=0.0, seed=7)
    model, image = case.build()
    double = run_model(model, [image], rounding="double")[0].astype(int)
    single = run_model(model, [image], rounding="single")[0].astype(int)
    assert np.abs(double - single).max() <= 1
    assert np.array_equal(double, run_tflm(model, [image])[0])


# -- validation --------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
@pytest.mark.parametrize("kwargs, message", [
    (dict(dtype=np.int16, filter_dtype=np.int16), "int16 with filter type int16"),
    (dict(dtype=np.float32, filter_dtype=np.int8), "float32 with filter type int8"),
])
def test_unsupported_combinations(op, kwargs, message):
    if op == "DEPTHWISE_CONV_2D":
        kwargs = dict(kwargs, op=op, filter_shape=(1, 3, 3, 4), out_shape=(1, 3, 3, 4),
                      depth_multiplier=1, quantized_dimension=3)
    with pytest.raises(UnsupportedOpError, match=rf"{op} \(operator 0\).*{message}"):
        prepare(conv_model(**kwargs))


# -- 16x8 CONV_2D / DEPTHWISE_CONV_2D / TRANSPOSE_CONV -----------------------------------

BIASES = BIASES_16X8


# -- 16x8: what is refused, and the C backend --------------------------------------------

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
        prepare(model)


@pytest.mark.parametrize("op", ["DEPTHWISE_CONV_2D", "TRANSPOSE_CONV"])
def test_int32_bias_is_refused_where_tflm_reads_int64(op):
    model, _ = Conv16x8Case(op, 3, np.int32).model()
    with pytest.raises(UnsupportedOpError, match="bias type int32"):
        prepare(model)


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_c_backend_runs_the_numpy_16x8_path(op):
    """The C classes subclass these and take only int8; int16 falls back, bit-exact."""
    pytest.importorskip("interpreter.ops_c")
    for seed in range(10):
        for bias in BIASES[op]:
            case = Conv16x8Case(op, seed, bias)
            model, ishape = case.model()
            x = case._rng(2).integers(-32768, 32768, ishape).astype(np.int16)
            assert_same(run_c_backend(model, x), run_tflm(model, [x])[0], f"{case} (C backend)")


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_huge_multiplier_is_refused_where_the_int64_requantization_is_undefined(op):
    """s_in * s_w / s_out >= 2^14 makes the int64 MBQM shift by a negative amount."""
    kw = {} if op == "CONV_2D" else dict(filter_shape=(1, 3, 3, 4), out_shape=(1, 3, 3, 4),
                                         depth_multiplier=1, quantized_dimension=3)
    ok = conv_model(op, dtype=np.int16, filter_dtype=np.int8, filter_scale=16000.0, **kw)
    prepare(ok)
    huge = conv_model(op, dtype=np.int16, filter_dtype=np.int8, filter_scale=17000.0, **kw)
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\).*undefined from 2\^14 on"):
        prepare(huge)


# -- semantics="tflite": int32 biases with int16 activations ---------------------------------

@pytest.mark.parametrize("op", ["CONV_2D", "TRANSPOSE_CONV"])
def test_tflite_int32_bias_runs_as_litert_with_quantized_bias_type_int32(op):
    # With quantized_bias_type INT32 in the options LiteRT reads the int32 bias into an
    # int32 accumulator (for CONV_2D what TFLM computes; TFLM's TRANSPOSE_CONV reads it as
    # int64 whatever the options say, and the TFLM flavor refuses it)
    for seed in range(40):
        case = Conv16x8Case(op, seed, np.int32, quantized_bias_type="INT32")
        model, ishape = case.model()
        assert_matches_litert(model, [case.input(ishape)])


@pytest.mark.parametrize("op", ["CONV_2D", "TRANSPOSE_CONV"])
def test_tflite_int32_bias_without_quantized_bias_type_is_refused(op):
    # LiteRT then reads the int32 bias as int64, past the end of its buffer
    model, ishape = Conv16x8Case(op, 3, np.int32).model()
    with pytest.raises(UnsupportedOpError, match=f"{op}.*quantized_bias_type INT32"):
        run_model(model, [np.zeros(ishape, np.int16)], semantics="tflite")


# -- strides and dilations beyond int16 ---------------------------------------------------

def _dilated(op: str, dilation: int, dilation_h: int = 1) -> tuple[bytes, list[np.ndarray]]:
    rng = np.random.default_rng(7)
    shape = (1, 3, 3, 2) if op == "DEPTHWISE_CONV_2D" else (2, 3, 3, 2)
    w = rng.standard_normal(shape).astype(np.float32)
    options = {"padding": "SAME", "stride_w": 1, "stride_h": 1, "dilation_w_factor": dilation,
               "dilation_h_factor": dilation_h}
    if op == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = 1
    model = single_op_model(op, [T(np.float32, (1, 3, 5, 2)), T(np.float32, shape, data=w)],
                            [T(np.float32, (1, 3, 5, 2))], options)
    return model, [rng.standard_normal((1, 3, 5, 2)).astype(np.float32)]


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_dilation_beyond_int16_is_refused(op):
    """TFLM keeps strides and dilations in int16 (ConvParams): a model's dilation 65537
    runs as dilation 1 (shown on TFLM), so such models are refused; 32767 still equals
    TFLM. Found by tools/fuzz_models.py, whose mutated dilation also asked the NumPy path
    for 13 GiB (taps that never reach the image now take no buffer)."""
    model, feeds = _dilated(op, 32767)
    assert_same(run_model(model, feeds)[0], run_tflm(model, feeds)[0])
    # both axes: a padded copy of the whole dilated window would take ~2^32 values a channel
    model, feeds = _dilated(op, 32767, 32767)
    assert_same(run_model(model, feeds)[0], run_tflm(model, feeds)[0])
    model, feeds = _dilated(op, 65537)
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\): dilation 65537 does not fit "
                                         r"the int16 .* \(it would run as 1\)"):
        run_model(model, feeds)
    as_one, _ = _dilated(op, 1)
    assert_same(run_tflm(model, feeds)[0], run_tflm(as_one, feeds)[0],
                "TFLM's dilation 65537 vs its dilation 1")
