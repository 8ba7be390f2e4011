"""TRANSPOSE_CONV against the tflite-micro runtime, byte for byte.

Seeded cases draw batch, input size, channels, filter size, strides,
SAME/VALID padding (the output size is any size the padding allows for the
stride, as the converter would write it), bias or not, the fused activation,
and for int8 per-channel or per-tensor filter scales and any input / output
zero point. TFLM ignores input 0 (the output shape tensor).

LiteRT (BUILTIN_REF) is compared in test_vs_litert and agrees byte for byte
(int8 and float32) on these cases.

    pytest tests/test_ops_transpose_conv.py              # CI budget
    pytest tests/test_ops_transpose_conv.py -m slow      # many more cases
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from op_harness import run_model
from reference import run_litert, run_tflm
from single_op import assert_same

from interpreter.builder import ModelBuilder
from interpreter.ops.window import compute_out_size

ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


@dataclass(frozen=True)
class TcCase:
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

    @staticmethod
    def draw(seed: int, dtype) -> TcCase:
        rng = np.random.default_rng(seed)
        def r(lo, hi):
            return int(rng.integers(lo, hi + 1))
        return TcCase(dtype, r(1, 2), r(1, 5), r(1, 5), r(1, 4), r(1, 5), r(1, 4), r(1, 4),
                      r(1, 3), r(1, 3), str(rng.choice(["SAME", "VALID"])), bool(r(0, 1)),
                      bool(r(0, 1)), str(rng.choice(ACTIVATIONS)), seed)

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
            bias = b.add_tensor("bias", np.float32, (self.out_c,),
                                data=rng.standard_normal(self.out_c).astype(np.float32))
            out = b.add_tensor("output", np.float32, out_shape)
        else:
            s_in = float(np.float32(10 ** rng.uniform(-2.5, -0.5)))
            n = self.out_c if self.per_channel else 1
            s_w = [float(np.float32(10 ** rng.uniform(-3, -1))) for _ in range(n)]
            w = b.add_tensor("filter", np.int8, fshape, scale=s_w, zero_point=0,
                             data=rng.integers(-127, 128, fshape))
            x = b.add_tensor("input", np.int8, ishape, scale=s_in,
                             zero_point=int(rng.integers(-128, 128)))
            bias = b.add_tensor("bias", np.int32, (self.out_c,),
                                scale=[s_in * v for v in s_w], zero_point=0,
                                data=rng.integers(-5000, 5000, self.out_c))
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


def check(case: TcCase) -> None:
    model, x = case.model(), case.input()
    ours = run_model(model, [x])[0]
    ref = run_tflm(model, [x])[0]
    assert_same(ours, ref, f"{case}")


@pytest.mark.parametrize("seed", range(60))
def test_int8_matches_tflm(seed):
    check(TcCase.draw(seed, np.int8))


@pytest.mark.parametrize("seed", range(40))
def test_float_matches_tflm(seed):
    check(TcCase.draw(seed, np.float32))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1000, 1600))
def test_int8_matches_tflm_slow(seed):
    check(TcCase.draw(seed, np.int8))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1000, 1400))
def test_float_matches_tflm_slow(seed):
    check(TcCase.draw(seed, np.float32))


@pytest.mark.parametrize("dtype", [np.int8, np.float32])
def test_vs_litert(dtype):
    """LiteRT BUILTIN_REF equals TFLM (and us) byte for byte on these cases."""
    for seed in range(20):
        case = TcCase.draw(seed, dtype)
        model, x = case.model(), case.input()
        assert_same(run_model(model, [x])[0], run_litert(model, [x])[0], f"{case} vs LiteRT")
