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

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_tflm
from single_op import assert_same, seeds

from interpreter import Interpreter, ModelError, UnsupportedOpError
from interpreter.builder import ModelBuilder
from interpreter.ops.window import compute_out_size

CI = settings(max_examples=400, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(CI, max_examples=2000)
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]
BIASES = {"CONV_2D": [None, np.int32, np.int64],
          "DEPTHWISE_CONV_2D": [None, np.int64],
          "TRANSPOSE_CONV": [None, np.int16, np.int64]}


def f32(x: float) -> float:
    return float(np.float32(x))


@dataclass(frozen=True)
class Case:
    """One single-op 16x8 model and its input, reproducible from ``seed``."""

    op: str
    seed: int
    bias: type | None

    def _rng(self, salt: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, salt])

    def model(self, input_zp: int = 0, output_zp: int = 0) -> tuple[bytes, tuple]:
        rng = self._rng(1)
        def r(lo, hi):
            return int(rng.integers(lo, hi + 1))
        batches, in_h, in_w = r(1, 2), r(1, 7), r(1, 7)
        f_h, f_w = r(1, 4), r(1, 4)
        s_h, s_w = r(1, 3), r(1, 3)
        padding = str(rng.choice(["SAME", "VALID"]))
        activation = str(rng.choice(ACTIVATIONS))
        b = ModelBuilder(description=f"16x8 {self.op}")
        options = {"padding": padding, "stride_h": s_h, "stride_w": s_w,
                   "fused_activation_function": activation}
        if self.op == "CONV_2D":
            groups = r(1, 2) if r(0, 3) == 0 else 1
            filter_depth = r(1, 4)
            in_c, out_c = filter_depth * groups, r(1, 3) * groups
            d_h, d_w = (r(1, 2), r(1, 2)) if r(0, 2) == 0 else (1, 1)
            if padding == "VALID":
                f_h, f_w = min(f_h, (in_h - 1) // d_h + 1), min(f_w, (in_w - 1) // d_w + 1)
            fshape, channel_axis = (out_c, f_h, f_w, filter_depth), 0
            out_h = compute_out_size(0 if padding == "SAME" else 1, in_h, f_h, s_h, d_h)
            out_w = compute_out_size(0 if padding == "SAME" else 1, in_w, f_w, s_w, d_w)
            options.update(dilation_h_factor=d_h, dilation_w_factor=d_w)
            depth = f_h * f_w * filter_depth
        elif self.op == "DEPTHWISE_CONV_2D":
            in_c, mult = r(1, 4), r(1, 3)
            out_c = in_c * mult
            d_h, d_w = (r(1, 2), r(1, 2)) if r(0, 2) == 0 else (1, 1)
            if padding == "VALID":
                f_h, f_w = min(f_h, (in_h - 1) // d_h + 1), min(f_w, (in_w - 1) // d_w + 1)
            fshape, channel_axis = (1, f_h, f_w, out_c), 3
            out_h = compute_out_size(0 if padding == "SAME" else 1, in_h, f_h, s_h, d_h)
            out_w = compute_out_size(0 if padding == "SAME" else 1, in_w, f_w, s_w, d_w)
            options.update(dilation_h_factor=d_h, dilation_w_factor=d_w, depth_multiplier=mult)
            depth = f_h * f_w
        else:
            in_c, out_c = r(1, 4), r(1, 4)
            fshape, channel_axis = (out_c, f_h, f_w, in_c), 0
            pad = 0 if padding == "SAME" else 1
            sizes = []
            for size, f, s in ((in_h, f_h, s_h), (in_w, f_w, s_w)):
                fits = [o for o in range(1, size * s + f + 2)
                        if compute_out_size(pad, o, f, s) == size]
                sizes.append(int(rng.choice(fits)) if fits else size * s)
            out_h, out_w = sizes
            depth = f_h * f_w * in_c
        out_shape = (batches, out_h, out_w, out_c)
        ishape = (batches, in_h, in_w, in_c)

        s_in = f32(10 ** rng.uniform(-4, -2))
        n_scales = out_c if r(0, 1) else 1
        s_w = [f32(10 ** rng.uniform(-3, -1)) for _ in range(n_scales)]
        # the real multiplier s_in * s_w / s_out, log-uniform from far below 1 to above 1
        # (a typical accumulator is ~2^21 * sqrt(depth): most outputs land inside int16)
        m_exp = rng.uniform(-7.5, 0.6) if r(0, 5) else rng.uniform(-2, 0.6)
        s_out = f32(s_in * max(s_w) / 10 ** m_exp / np.sqrt(depth))
        w = b.add_tensor("filter", np.int8, fshape, scale=s_w, zero_point=0,
                         quantized_dimension=channel_axis,
                         data=rng.integers(-127, 128, fshape))
        x = b.add_tensor("input", np.int16, ishape, scale=s_in, zero_point=input_zp)
        out = b.add_tensor("output", np.int16, out_shape, scale=s_out, zero_point=output_zp)
        inputs = [x, w]
        if self.bias is not None:
            bias_bits = {np.int16: 15, np.int32: 31, np.int64: 40}[self.bias]
            if r(0, 2):   # usually modest biases; otherwise the type's full range
                bias_bits = min(bias_bits, 24)
            bias = rng.integers(-(1 << bias_bits), 1 << bias_bits, out_c)
            inputs.append(b.add_tensor("bias", self.bias, (out_c,),
                                       scale=[s_in * v for v in s_w], zero_point=0,
                                       data=bias))
        if self.op == "TRANSPOSE_CONV":
            shape_t = b.add_tensor("output_shape", np.int32, (4,), data=np.array(out_shape))
            inputs = [shape_t, w, x] + inputs[2:]
        b.add_operator(self.op, inputs, [out], options=options)
        b.set_inputs([x])
        b.set_outputs([out])
        return b.build(), ishape

    def run(self) -> None:
        model, ishape = self.model()
        rng = self._rng(2)
        x = rng.integers(-32768, 32768, ishape).astype(np.int16)
        flat = x.reshape(-1)
        flat[0] = -32768
        flat[-1] = 32767
        if rng.integers(0, 4) == 0:   # small inputs: outputs away from saturation
            x = (x // 256).astype(np.int16)
        ours = run_model(model, [x])[0]
        ref = run_tflm(model, [x])[0]
        assert_same(ours, ref, f"{self}")


def cases(op: str):
    return st.builds(Case, st.just(op), seeds, st.sampled_from(BIASES[op]))


@CI
@given(cases("CONV_2D"))
def test_conv_2d_matches_tflm(case):
    case.run()


@CI
@given(cases("DEPTHWISE_CONV_2D"))
def test_depthwise_conv_2d_matches_tflm(case):
    case.run()


@CI
@given(cases("TRANSPOSE_CONV"))
def test_transpose_conv_matches_tflm(case):
    case.run()


@pytest.mark.slow
@SLOW
@given(st.sampled_from(list(BIASES)).flatmap(cases))
def test_16x8_matches_tflm_slow(case):
    case.run()


# -- what is refused, and the C backend ----------------------------------------------

def _interpret(model: bytes, backend: str = "numpy") -> Interpreter:
    interp = Interpreter(model_content=model, backend=backend)
    interp.allocate_tensors()
    return interp


@pytest.mark.parametrize("op", list(BIASES))
@pytest.mark.parametrize("zps", [(3, 0), (0, -5)])
def test_nonzero_zero_points_are_refused(op, zps):
    """TFLM ignores int16 zero points (measured: same output with and without); refused."""
    model, ishape = Case(op, 7, None).model(*zps)
    if zps[0]:
        x = np.arange(np.prod(ishape)).reshape(ishape).astype(np.int16)
        assert_same(run_tflm(model, [x])[0], run_tflm(Case(op, 7, None).model()[0], [x])[0],
                    "TFLM with and without an input zero point")
    with pytest.raises(ModelError, match="zero point must be 0"):
        _interpret(model)


@pytest.mark.parametrize("op", ["DEPTHWISE_CONV_2D", "TRANSPOSE_CONV"])
def test_int32_bias_is_refused_where_tflm_reads_int64(op):
    model, _ = Case(op, 3, np.int32).model()
    with pytest.raises(UnsupportedOpError, match="bias type int32"):
        _interpret(model)


def test_int16_bias_is_refused_by_conv_2d():
    model, _ = Case("CONV_2D", 3, np.int16).model()
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
            case = Case(op, seed, bias)
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
    from test_ops_conv import conv_model
    kw = {} if op == "CONV_2D" else dict(filter_shape=(1, 3, 3, 4), out_shape=(1, 3, 3, 4),
                                         depth_multiplier=1, quantized_dimension=3)
    ok = conv_model(op, dtype=np.int16, filter_dtype=np.int8, filter_scale=16000.0, **kw)
    _interpret(ok)
    huge = conv_model(op, dtype=np.int16, filter_dtype=np.int8, filter_scale=17000.0, **kw)
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\).*undefined from 2\^14 on"):
        _interpret(huge)
