"""Reproducible single-op models of the convolution family and of pooling, shared by the
tests that compare them with TFLM (tests/ops/: test_conv_2d.py, test_depthwise_conv_2d.py,
test_transpose_conv.py, test_fully_connected.py, test_convolutions.py for what they share,
test_fused_activation_quirk.py) and the C backend's strategies (c_backend_cases.py):

* int8 and float32 CONV_2D / DEPTHWISE_CONV_2D: ``ConvCase``, drawn by ``conv_cases`` and
  checked against TFLM and LiteRT by ``check_conv_case``; ``conv_model`` for hand-made ones;
* 16x8: ``Conv16x8Case`` (drawn by ``cases_16x8``, checked by ``check_16x8``),
  ``Fc16x8Case``; ``TransposeConvCase``;
* pooling: ``pool_model``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import activations
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_same_but_nan_bits
from single_op import scales
from single_op import seeds
from single_op import zero_points

from interpreter.builder import ModelBuilder
from interpreter.ops.window import compute_out_size

ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]
#: bias types the 16x8 ops take
BIASES_16X8 = {"CONV_2D": [None, np.int32, np.int64],
               "DEPTHWISE_CONV_2D": [None, np.int64],
               "TRANSPOSE_CONV": [None, np.int16, np.int64]}


def f32(x: float) -> float:
    return float(np.float32(x))


def int16_input(rng: np.random.Generator, shape) -> np.ndarray:
    """Random int16 values with both extremes present, now and then small values
    (outputs away from saturation)."""
    x = rng.integers(-32768, 32768, shape).astype(np.int16)
    flat = x.reshape(-1)
    flat[0] = -32768
    flat[-1] = 32767
    if rng.integers(0, 4) == 0:
        x = (x // 256).astype(np.int16)
    return x


class _Int16Case:
    """What the 16x8 cases share: generators seeded by the case's ``seed`` (one per
    purpose, so the model and its input draw independently), int16 inputs, and biases."""

    def _rng(self, salt: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, salt])

    def input(self, ishape) -> np.ndarray:
        return int16_input(self._rng(2), ishape)

    def _bias_values(self, rng: np.random.Generator, n: int) -> np.ndarray:
        bits = {np.int16: 15, np.int32: 31, np.int64: 40}[self.bias]
        if int(rng.integers(0, 3)):   # usually modest biases; otherwise the type's full range
            bits = min(bits, 24)
        return rng.integers(-(1 << bits), 1 << bits, n)


@dataclass(frozen=True)
class Conv16x8Case(_Int16Case):
    """One single-op 16x8 CONV_2D / DEPTHWISE_CONV_2D / TRANSPOSE_CONV model, reproducible
    from ``seed``; ``input()`` draws its int16 input."""

    op: str
    seed: int
    bias: type | None
    quantized_bias_type: str | None = None    # the options' field ("INT32"), or unset

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
        if self.quantized_bias_type:
            options["quantized_bias_type"] = self.quantized_bias_type
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
            inputs.append(b.add_tensor("bias", self.bias, (out_c,),
                                       scale=[s_in * v for v in s_w], zero_point=0,
                                       data=self._bias_values(rng, out_c)))
        if self.op == "TRANSPOSE_CONV":
            shape_t = b.add_tensor("output_shape", np.int32, (4,), data=np.array(out_shape))
            inputs = [shape_t, w, x] + inputs[2:]
        b.add_operator(self.op, inputs, [out], options=options)
        b.set_inputs([x])
        b.set_outputs([out])
        return b.build(), ishape


@dataclass(frozen=True)
class Fc16x8Case(_Int16Case):
    """One single-op 16x8 FULLY_CONNECTED model and its input, reproducible from ``seed``."""

    seed: int
    bias: type | None
    per_channel: bool
    zero_points: bool     # non-zero input, output and (per-tensor) filter zero points
    quantized_bias_type: str | None = None    # the options' field ("INT32"), or unset

    def model(self, bias_scale_factor: float = 1.0) -> tuple[bytes, tuple]:
        rng = self._rng(1)
        def r(lo, hi):
            return int(rng.integers(lo, hi + 1))
        depth = r(1, 64) if r(0, 5) else r(500, 1500)
        units = r(1, 16)
        layout = ["rows", "rows", "nd", "flatten"][r(0, 3)]
        if layout == "rows":
            ishape = (r(1, 4), depth)
        elif layout == "nd":
            ishape = (r(1, 3), r(1, 3), depth)
        else:               # [1, h, w, c] read as one row of h * w * c
            h, w, c = r(1, 3), r(1, 3), r(1, 6)
            ishape, depth = (1, h, w, c), h * w * c
        keep_num_dims = layout == "nd" and bool(r(0, 1))
        batches = math.prod(ishape) // depth
        oshape = (*ishape[:-1], units) if keep_num_dims else (batches, units)

        s_in = f32(10 ** rng.uniform(-4.5, -1.5))
        n_scales = units if self.per_channel else 1
        s_w = [f32(10 ** rng.uniform(-3, -0.5)) for _ in range(n_scales)]
        # the real multiplier, log-uniform from far below 1 to above 1 (a typical
        # accumulator is ~2^21 * sqrt(depth): most outputs land inside int16)
        m_exp = rng.uniform(-7.5, 0.6) if r(0, 5) else rng.uniform(-2, 0.6)
        if r(0, 7) == 0:    # real multipliers up to 15000 (MBQM shifts up to 14), saturating
            m_exp = rng.uniform(0.6, math.log10(15000)) - math.log10(math.sqrt(depth))
        s_out = f32(s_in * max(s_w) / 10 ** m_exp / np.sqrt(depth))
        zp_in = zp_out = zp_w = 0
        if self.zero_points:
            zp_in, zp_out = r(-32768, 32767), r(-32768, 32767)
            if r(0, 1):     # usually modest offsets; otherwise the whole int16 range
                zp_in, zp_out = zp_in // 256, zp_out // 256
            zp_w = 0 if self.per_channel else r(-128, 127)

        b = ModelBuilder(description="16x8 FULLY_CONNECTED")
        x = b.add_tensor("input", np.int16, ishape, scale=s_in, zero_point=zp_in)
        w = b.add_tensor("filter", np.int8, (units, depth), scale=s_w,
                         zero_point=[zp_w] * n_scales, quantized_dimension=0,
                         data=rng.integers(-127, 128, (units, depth)))
        y = b.add_tensor("output", np.int16, oshape, scale=s_out, zero_point=zp_out)
        inputs = [x, w]
        if self.bias is not None:
            inputs.append(b.add_tensor("bias", self.bias, (units,),
                                       scale=[s_in * v * bias_scale_factor for v in s_w],
                                       zero_point=0, data=self._bias_values(rng, units)))
        options = {"fused_activation_function": ACTIVATIONS[r(0, 3)],
                   "keep_num_dims": keep_num_dims}
        if self.quantized_bias_type:
            options["quantized_bias_type"] = self.quantized_bias_type
        b.add_operator("FULLY_CONNECTED", inputs, [y], options=options)
        b.set_inputs([x])
        b.set_outputs([y])
        return b.build(), ishape


@dataclass(frozen=True)
class TransposeConvCase:
    dtype: type
    batches: int
    in_h: int
    in_w: int
    in_c: int
    out_c: int
    f_h: int
    f_w: int
    s_h: int
    s_w: int
    padding: str
    with_bias: bool
    per_channel: bool
    activation: str
    seed: int
    bias_2d: bool = False        # the bias shaped (out_c, 1): kernels read it flat

    @staticmethod
    def draw(seed: int, dtype) -> TransposeConvCase:
        rng = np.random.default_rng(seed)
        def r(lo, hi):
            return int(rng.integers(lo, hi + 1))
        return TransposeConvCase(dtype, r(1, 2), r(1, 5), r(1, 5), r(1, 4), r(1, 5), r(1, 4), r(1, 4),
                      r(1, 3), r(1, 3), str(rng.choice(["SAME", "VALID"])), bool(r(0, 1)),
                      bool(r(0, 1)), str(rng.choice(ACTIVATIONS)), seed)

    @property
    def bias_shape(self) -> tuple[int, ...]:
        return (self.out_c, 1) if self.bias_2d else (self.out_c,)

    def out_size(self, rng, in_size, f, s) -> int:
        """An output size whose convolution with this filter / stride gives ``in_size``."""
        padding = 0 if self.padding == "SAME" else 1
        fits = [o for o in range(1, in_size * s + f + 2)
                if compute_out_size(padding, o, f, s) == in_size]
        return int(rng.choice(fits)) if fits else in_size * s

    def model(self) -> bytes:
        rng = np.random.default_rng(self.seed + 1000)
        out_h = self.out_size(rng, self.in_h, self.f_h, self.s_h)
        out_w = self.out_size(rng, self.in_w, self.f_w, self.s_w)
        b = ModelBuilder(description="single TRANSPOSE_CONV")
        out_shape = (self.batches, out_h, out_w, self.out_c)
        shape_t = b.add_tensor("output_shape", np.int32, (4,), data=np.array(out_shape))
        fshape = (self.out_c, self.f_h, self.f_w, self.in_c)
        ishape = (self.batches, self.in_h, self.in_w, self.in_c)
        if self.dtype == np.float32:
            w = b.add_tensor("filter", np.float32, fshape,
                             data=rng.standard_normal(fshape).astype(np.float32))
            x = b.add_tensor("input", np.float32, ishape)
            bias = b.add_tensor("bias", np.float32, self.bias_shape,
                                data=rng.standard_normal(self.bias_shape).astype(np.float32))
            out = b.add_tensor("output", np.float32, out_shape)
        else:
            s_in = float(np.float32(10 ** rng.uniform(-2.5, -0.5)))
            n = self.out_c if self.per_channel else 1
            s_w = [float(np.float32(10 ** rng.uniform(-3, -1))) for _ in range(n)]
            w = b.add_tensor("filter", np.int8, fshape, scale=s_w, zero_point=0,
                             data=rng.integers(-127, 128, fshape))
            x = b.add_tensor("input", np.int8, ishape, scale=s_in,
                             zero_point=int(rng.integers(-128, 128)))
            bias = b.add_tensor("bias", np.int32, self.bias_shape,
                                scale=[s_in * v for v in s_w], zero_point=0,
                                data=rng.integers(-5000, 5000, self.bias_shape))
            out = b.add_tensor("output", np.int8, out_shape,
                               scale=float(np.float32(10 ** rng.uniform(-2, 0))),
                               zero_point=int(rng.integers(-128, 128)))
        inputs = [shape_t, w, x] + ([bias] if self.with_bias else [])
        b.add_operator("TRANSPOSE_CONV", inputs, [out],
                       options={"padding": self.padding, "stride_h": self.s_h,
                                "stride_w": self.s_w,
                                "fused_activation_function": self.activation})
        b.set_inputs([x])
        b.set_outputs([out])
        return b.build()

    def input(self) -> np.ndarray:
        rng = np.random.default_rng(self.seed * 41 + 5)
        shape = (self.batches, self.in_h, self.in_w, self.in_c)
        if self.dtype == np.float32:
            return rng.standard_normal(shape).astype(np.float32)
        return rng.integers(-128, 128, shape).astype(np.int8)


# -- int8 and float32 CONV_2D / DEPTHWISE_CONV_2D ------------------------------------

SPECIAL_FLOATS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], np.float32)


@dataclass(frozen=True)
class ConvCase:
    """One single-op convolution model and its input, reproducible from a seed."""

    op: str                      # "CONV_2D" or "DEPTHWISE_CONV_2D"
    dtype: type
    batches: int
    in_h: int
    in_w: int
    in_depth: int
    out_depth: int
    filter_h: int
    filter_w: int
    filter_depth: int            # CONV_2D: in_depth / groups; DEPTHWISE: 1 (unused)
    padding: str
    stride: tuple[int, int]
    dilation: tuple[int, int]
    activation: str
    with_bias: bool
    input_scale: float
    input_zero_point: int
    filter_scales: tuple[float, ...]   # one (per-tensor) or out_depth (per-channel)
    output_scale: float
    output_zero_point: int
    special_fraction: float           # float inputs: share of NaN / inf / -0.0 values
    seed: int

    @property
    def out_hw(self) -> tuple[int, int]:
        pad = 0 if self.padding == "SAME" else 1
        return (compute_out_size(pad, self.in_h, self.filter_h, self.stride[0], self.dilation[0]),
                compute_out_size(pad, self.in_w, self.filter_w, self.stride[1], self.dilation[1]))

    @property
    def filter_shape(self) -> tuple[int, ...]:
        if self.op == "DEPTHWISE_CONV_2D":
            return (1, self.filter_h, self.filter_w, self.out_depth)
        return (self.out_depth, self.filter_h, self.filter_w, self.filter_depth)

    def build(self) -> tuple[bytes, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        b = ModelBuilder()
        quantized = self.dtype == np.int8
        channels = len(self.filter_scales)
        q_in = dict(scale=self.input_scale, zero_point=self.input_zero_point) if quantized else {}
        q_out = (dict(scale=self.output_scale, zero_point=self.output_zero_point)
                 if quantized else {})
        q_w = dict(scale=list(self.filter_scales), zero_point=[0] * channels,
                   quantized_dimension=3 if self.op == "DEPTHWISE_CONV_2D" else 0) \
            if quantized else {}
        in_shape = (self.batches, self.in_h, self.in_w, self.in_depth)
        x = b.add_tensor("input", self.dtype, in_shape, **q_in)
        if quantized:
            weights = rng.integers(-127, 128, self.filter_shape)
            image = rng.integers(-128, 128, in_shape).astype(np.int8)
        else:
            weights = rng.standard_normal(self.filter_shape).astype(np.float32)
            image = rng.standard_normal(in_shape).astype(np.float32)
            special = rng.random(in_shape) < self.special_fraction
            image[special] = rng.choice(SPECIAL_FLOATS, int(special.sum()))
        w = b.add_tensor("filter", self.dtype, self.filter_shape, data=weights, **q_w)
        inputs = [x, w]
        if self.with_bias:
            if quantized:
                scales = np.broadcast_to(self.filter_scales, (self.out_depth,))
                bias = b.add_tensor("bias", np.int32, [self.out_depth],
                                    data=rng.integers(-(1 << 16), 1 << 16, self.out_depth),
                                    scale=[self.input_scale * s for s in scales],
                                    zero_point=[0] * self.out_depth)
            else:
                bias = b.add_tensor("bias", np.float32, [self.out_depth],
                                    data=rng.standard_normal(self.out_depth))
            inputs.append(bias)
        out_shape = (self.batches, *self.out_hw, self.out_depth)
        y = b.add_tensor("output", self.dtype, out_shape, **q_out)
        options = {"padding": self.padding, "stride_h": self.stride[0], "stride_w": self.stride[1],
                   "dilation_h_factor": self.dilation[0], "dilation_w_factor": self.dilation[1],
                   "fused_activation_function": self.activation}
        if self.op == "DEPTHWISE_CONV_2D":
            options["depth_multiplier"] = self.out_depth // self.in_depth
        b.add_operator(self.op, inputs, [y], options=options)
        b.set_inputs([x])
        b.set_outputs([y])
        return b.build(), image


@st.composite
def window_geometry(draw):
    """(in_size, filter, stride, dilation) per axis plus a padding that fits them."""
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    axes = []
    for _ in range(2):
        size = draw(st.integers(1, 5))
        dilation = draw(st.sampled_from([1, 1, 2, 3]))
        stride = draw(st.integers(1, 3))
        effective = (size - 1) * dilation + 1
        # SAME accepts any input, including 1 pixel under a larger kernel.
        lo = 1 if padding == "SAME" else effective
        axes.append((draw(st.integers(lo, lo + 8)), size, stride, dilation))
    return padding, axes


@st.composite
def product_scales(draw, dtype, channels: int, depth: int):
    """(per_channel, input scale, filter scales, output scale) of an int8 product of
    ``depth`` terms into ``channels`` outputs (convolution, fully connected); zeros for
    float."""
    quantized = dtype == np.int8
    per_channel = quantized and draw(st.booleans())
    input_scale = draw(scales(-3.6, 0)) if quantized else 0.0
    if per_channel:
        # A wide spread of channel scales exercises very different shifts.
        filter_scales = tuple(draw(st.lists(scales(-4.8, -0.6), min_size=channels,
                                            max_size=channels)))
    else:
        filter_scales = (draw(scales(-3.6, -0.6)),) if quantized else (0.0,)
    # Aim the output scale at accumulators of typical size, give or take 2^6, so that
    # outputs spread over the int8 range instead of saturating.
    typical = math.sqrt(depth) * 100 * input_scale * float(np.median(filter_scales))
    output_scale = float(np.float32(typical * 2.0 ** draw(st.floats(-6, 6)))) if quantized else 0.0
    return per_channel, input_scale, filter_scales, output_scale


@st.composite
def conv_cases(draw, op: str, dtype):
    padding, ((in_h, fh, sh, dh), (in_w, fw, sw, dw)) = draw(window_geometry())
    in_depth = draw(st.integers(1, 9))
    if op == "DEPTHWISE_CONV_2D":
        out_depth = in_depth * draw(st.integers(1, 4))
        filter_depth, depth = 1, fh * fw
    else:
        groups = draw(st.sampled_from([1, 1, 1, 2, 3]))
        filter_depth = draw(st.integers(1, 6)) if groups > 1 else in_depth
        in_depth = filter_depth * groups
        out_depth = groups * draw(st.integers(1, 4))
        depth = fh * fw * filter_depth
    quantized = dtype == np.int8
    _, input_scale, filter_scales, output_scale = draw(product_scales(dtype, out_depth, depth))
    return ConvCase(
        op=op, dtype=dtype, batches=draw(st.integers(1, 2)), in_h=in_h, in_w=in_w,
        in_depth=in_depth, out_depth=out_depth, filter_h=fh, filter_w=fw,
        filter_depth=filter_depth, padding=padding, stride=(sh, sw), dilation=(dh, dw),
        activation=draw(activations), with_bias=draw(st.booleans()),
        input_scale=input_scale, input_zero_point=draw(zero_points()) if quantized else 0,
        filter_scales=filter_scales, output_scale=output_scale,
        output_zero_point=draw(zero_points()) if quantized else 0,
        special_fraction=0.0 if quantized else draw(st.sampled_from([0.0, 0.0, 0.05, 0.3])),
        seed=draw(seeds))


def check_conv_case(case: ConvCase) -> None:
    model, image = case.build()
    ours = assert_matches_tflm(model, [image])[0]
    # LiteRT's reference kernels agree with TFLM on convolutions, but its CONV_2D
    # refuses a missing bias ("has_bias was not true"), so those models are TFLM-only.
    if case.with_bias or case.op != "CONV_2D":
        litert = run_litert(model, [image])[0]
        if np.isnan(image).any():
            assert_same_but_nan_bits(ours, litert)
        else:
            assert_same(ours, litert)


def conv_model(op="CONV_2D", in_shape=(1, 5, 5, 4), filter_shape=(3, 3, 3, 4),
               out_shape=(1, 3, 3, 3), dtype=np.int8, filter_dtype=None, filter_scale=0.01,
               filter_zero_point=None, activation="NONE", depth_multiplier=None,
               quantized_dimension=0) -> bytes:
    b = ModelBuilder()
    filter_dtype = filter_dtype or dtype
    q = dict(scale=0.1, zero_point=0) if dtype != np.float32 else {}
    x = b.add_tensor("x", dtype, in_shape, **q)
    qw = {}
    if filter_dtype != np.float32 and filter_scale is not None:   # None: unquantized
        scales = filter_scale if isinstance(filter_scale, list) else [filter_scale]
        qw = dict(scale=scales, quantized_dimension=quantized_dimension,
                  zero_point=filter_zero_point or [0] * len(scales))
    w = b.add_tensor("w", filter_dtype, filter_shape, data=np.ones(filter_shape), **qw)
    y = b.add_tensor("y", dtype, out_shape, **q)
    options = {"padding": "VALID", "stride_w": 1, "stride_h": 1,
               "fused_activation_function": activation}
    if depth_multiplier is not None:
        options["depth_multiplier"] = depth_multiplier
    b.add_operator(op, [x, w], [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


# -- 16x8 CONV_2D / DEPTHWISE_CONV_2D / TRANSPOSE_CONV --------------------------------

def check_16x8(case: Conv16x8Case) -> None:
    model, ishape = case.model()
    x = case.input(ishape)
    ours = run_model(model, [x])[0]
    ref = run_tflm(model, [x])[0]
    assert_same(ours, ref, f"{case}")


def cases_16x8(op: str):
    return st.builds(Conv16x8Case, st.just(op), seeds, st.sampled_from(BIASES_16X8[op]))


# -- pooling ---------------------------------------------------------------------------

def pool_model(op, dtype, input_shape, output_shape, filter_hw, stride, padding,
               activation="NONE", q_in=None, q_out=None) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("input", dtype, input_shape, **(q_in or {}))
    y = b.add_tensor("output", dtype, output_shape, **(q_out or {}))
    b.add_operator(op, [x], [y], options={
        "padding": padding, "filter_height": filter_hw[0], "filter_width": filter_hw[1],
        "stride_h": stride[0], "stride_w": stride[1], "fused_activation_function": activation})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()
