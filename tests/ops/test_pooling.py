"""AVERAGE_POOL_2D and MAX_POOL_2D against the tflite-micro runtime, byte for byte.

Hypothesis draws window sizes, strides, paddings (including windows larger
than the input under SAME padding and 1x1 images), channel counts, zero
points including -128/127, fused activations, and float inputs sprinkled
with NaN, +-inf and -0.0 (which std::max and the float sum treat in their
own ways). Outputs must equal the tflite-micro runtime and LiteRT's
reference kernels exactly; uint8, which only LiteRT runs, is compared with
``semantics="tflite"``.

    pytest tests/ops/test_pooling.py              # CI budget
    pytest tests/ops/test_pooling.py -m slow      # many more examples
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from budgets import exploring
from conv_cases import pool_model
from hypothesis import given
from hypothesis import strategies as st
from op_harness import prepare
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import activations
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import scales
from single_op import seeds
from single_op import zero_points

from interpreter import ModelError
from interpreter import UnsupportedOpError
from interpreter.ops.window import compute_out_size

OPS = ("AVERAGE_POOL_2D", "MAX_POOL_2D")
SPECIAL_FLOATS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], np.float32)


@dataclass(frozen=True)
class PoolCase:
    op: str
    dtype: type
    input_shape: tuple[int, int, int, int]
    filter: tuple[int, int]
    stride: tuple[int, int]
    padding: str
    activation: str
    scale: float
    zero_point: int
    special_fraction: float          # float inputs: share of NaN / inf / -0.0 values
    seed: int

    @property
    def output_shape(self) -> tuple[int, int, int, int]:
        pad = 0 if self.padding == "SAME" else 1
        n, h, w, c = self.input_shape
        return (n, compute_out_size(pad, h, self.filter[0], self.stride[0]),
                compute_out_size(pad, w, self.filter[1], self.stride[1]), c)

    def build(self) -> tuple[bytes, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        if self.dtype in (np.int8, np.int16, np.uint8):
            info = np.iinfo(self.dtype)
            image = rng.integers(info.min, info.max + 1, self.input_shape).astype(self.dtype)
            image.reshape(-1)[:2] = [info.min, info.max][:image.size]
            q = dict(scale=self.scale, zero_point=self.zero_point)
        else:
            image = (rng.standard_normal(self.input_shape) * 4).astype(np.float32)
            special = rng.random(self.input_shape) < self.special_fraction
            image[special] = rng.choice(SPECIAL_FLOATS, int(special.sum()))
            q = {}
        model = pool_model(self.op, self.dtype, self.input_shape, self.output_shape,
                           self.filter, self.stride, self.padding, self.activation, q, q)
        return model, image


@st.composite
def pool_cases(draw, op: str, dtype):
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    sizes, filters, strides = [], [], []
    for _ in range(2):
        f = draw(st.integers(1, 5))
        # SAME accepts any input, including 1 pixel under a larger window.
        lo = 1 if padding == "SAME" else f
        sizes.append(draw(st.integers(lo, lo + 8)))
        filters.append(f)
        strides.append(draw(st.integers(1, 3)))
    quantized = dtype != np.float32
    return PoolCase(
        op=op, dtype=dtype,
        input_shape=(draw(st.integers(1, 2)), sizes[0], sizes[1], draw(st.integers(1, 9))),
        filter=tuple(filters), stride=tuple(strides), padding=padding,
        activation=draw(activations),
        scale=draw(scales(-3, 0)) if quantized else 0.0,
        zero_point=draw(zero_points(dtype)) if quantized else 0,
        special_fraction=0.0 if quantized else draw(st.sampled_from([0.0, 0.0, 0.1, 0.5])),
        seed=draw(seeds))


def check_case(case: PoolCase) -> None:
    model, image = case.build()
    ours = assert_matches_tflm(model, [image])[0]
    assert_same(ours, run_litert(model, [image])[0])


# -- randomized comparisons -------------------------------------------------------------

@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.float32])
@budgets(ci=200)
def test_pooling_matches_tflm(op, dtype, examples):
    explore(examples, pool_cases(op, dtype), check_case)


# -- hand-worked cases ------------------------------------------------------------------

def run_both(model: bytes, image: np.ndarray) -> np.ndarray:
    ours = run_model(model, [image])[0]
    assert_same(ours, run_tflm(model, [image])[0])
    return ours


def int8_q(zero_point=0):
    return dict(scale=0.5, zero_point=zero_point)


def test_average_rounds_halves_away_from_zero():
    # Windows of 2: -5/2 -> -3, 3/2 -> 2; window of 3: -5/3 -> -2 (C division truncates
    # after the -n/2 nudge: (-5 - 1) / 3 = -2).
    model = pool_model("AVERAGE_POOL_2D", np.int8, (1, 1, 6, 1), (1, 1, 3, 1), (1, 2), (1, 2),
                       "VALID", q_in=int8_q(), q_out=int8_q())
    image = np.array([-3, -2, 1, 2, -120, 127], np.int8).reshape(1, 1, 6, 1)
    assert run_both(model, image).ravel().tolist() == [-3, 2, 4]
    model = pool_model("AVERAGE_POOL_2D", np.int8, (1, 1, 3, 1), (1, 1, 1, 1), (1, 3), (1, 1),
                       "VALID", q_in=int8_q(), q_out=int8_q())
    image = np.array([-1, -2, -2], np.int8).reshape(1, 1, 3, 1)
    assert run_both(model, image).ravel().tolist() == [-2]


def test_average_counts_only_taps_inside_the_image():
    # A 3x3 SAME window on a 2x2 image always covers the same 4 pixels: (4+8+12+16)/4.
    model = pool_model("AVERAGE_POOL_2D", np.int8, (1, 2, 2, 1), (1, 2, 2, 1), (3, 3), (1, 1),
                       "SAME", q_in=int8_q(7), q_out=int8_q(7))
    image = np.array([4, 8, 12, 16], np.int8).reshape(1, 2, 2, 1)
    assert run_both(model, image).ravel().tolist() == [10, 10, 10, 10]


def test_max_ignores_the_padding():
    model = pool_model("MAX_POOL_2D", np.int8, (1, 1, 1, 2), (1, 1, 1, 2), (3, 3), (1, 1),
                       "SAME", q_in=int8_q(-128), q_out=int8_q(-128))
    image = np.array([-100, -128], np.int8).reshape(1, 1, 1, 2)
    assert run_both(model, image).ravel().tolist() == [-100, -128]


def test_float_max_follows_std_max():
    """std::max(max, x) keeps max unless max < x: NaN never wins (a window of NaN only gives
    float32's lowest value), and of +0.0 / -0.0 the first one seen stays."""
    model = pool_model("MAX_POOL_2D", np.float32, (1, 1, 8, 1), (1, 1, 4, 1), (1, 2), (1, 2),
                       "VALID")
    image = np.array([np.nan, 1.0, np.nan, np.nan, -0.0, 0.0, 0.0, -0.0],
                     np.float32).reshape(1, 1, 8, 1)
    ours = run_both(model, image).ravel()
    lowest = np.finfo(np.float32).min
    assert ours[0] == 1.0 and ours[1] == lowest
    assert np.signbit(ours[2]) and not np.signbit(ours[3])


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("q_out, message", [
    (dict(scale=0.25, zero_point=0), "scales differ"),
    (dict(scale=0.5, zero_point=1), "zero points differ"),
])
def test_requantizing_pools_are_refused_like_tflm(op, q_out, message):
    """pooling_common.cc: the kernels copy quantized values, so TFLM refuses the model too."""
    model = pool_model(op, np.int8, (1, 4, 4, 1), (1, 2, 2, 1), (2, 2), (2, 2), "VALID",
                       q_in=int8_q(), q_out=q_out)
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\).*{message}"):
        prepare(model)
    with pytest.raises(RuntimeError):
        run_tflm(model, [np.zeros((1, 4, 4, 1), np.int8)])


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("kwargs, message", [
    (dict(output_shape=(1, 3, 3, 1)), "does not match the computed"),
    (dict(input_shape=(1, 4, 4), output_shape=(1, 2, 2)), "input must have rank 4"),
    (dict(filter_hw=(5, 5)), "does not fit"),
])
def test_rejects_inconsistent_models(op, kwargs, message):
    args = dict(input_shape=(1, 4, 4, 1), output_shape=(1, 2, 2, 1), filter_hw=(2, 2))
    args.update(kwargs)
    model = pool_model(op, np.float32, args["input_shape"], args["output_shape"],
                       args["filter_hw"], (2, 2), "VALID")
    with pytest.raises(ModelError, match=rf"{op} \(operator 0\).*{message}"):
        prepare(model)


@pytest.mark.parametrize("op", OPS)
def test_unsupported(op):
    model = pool_model(op, np.int32, (1, 4, 4, 1), (1, 2, 2, 1), (2, 2), (2, 2), "VALID")
    with pytest.raises(UnsupportedOpError, match=rf"{op} \(operator 0\).*type int32"):
        prepare(model)


def test_int16_average_of_the_extremes():
    """int16 sums of full-scale values: exact in TFLM's int32 accumulator, rounded
    away from zero."""
    q = dict(scale=0.25, zero_point=0)
    model = pool_model("AVERAGE_POOL_2D", np.int16, (1, 2, 4, 1), (1, 1, 2, 1), (2, 2),
                       (2, 2), "VALID", q_in=q, q_out=q)
    image = np.array([32767, 32767, -32768, -32768, 32767, 32766, -32768, -32767],
                     np.int16).reshape(1, 2, 4, 1)
    ours = run_model(model, [image])[0]
    assert_same(ours, run_tflm(model, [image])[0])
    assert ours.reshape(-1).tolist() == [32767, -32768]


# -- semantics="tflite": uint8 (LiteRT's reference AveragePool / MaxPool) ------------------

@pytest.mark.parametrize("op", OPS)
@exploring(200)
@given(data=st.data())
def test_tflite_uint8_pooling_matches_litert(op, data):
    model, image = data.draw(pool_cases(op, np.uint8)).build()
    assert_matches_litert(model, [image])


@pytest.mark.parametrize("op", OPS)
def test_tflm_flavor_refuses_uint8(op):
    q = dict(scale=0.5, zero_point=128)
    model = pool_model(op, np.uint8, (1, 4, 4, 1), (1, 2, 2, 1), (2, 2), (2, 2), "VALID",
                       q_in=q, q_out=q)
    assert_tflm_refuses(model, [np.zeros((1, 4, 4, 1), np.uint8)], UnsupportedOpError,
                        rf"{op} \(operator 0\).*type uint8")
