"""QUANTIZE and DEQUANTIZE against the TFLM runtime: float32 to int8/int16, the
requantizing type pairs, int8/int16/uint8 to float32, and the type pairs TFLM refuses
(one test for both ops); ``semantics="tflite"`` against LiteRT's reference kernel on
QUANTIZE's pairs, those only LiteRT runs included."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from op_harness import run_model
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import random_data
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- QUANTIZE -----------------------------------------------------------------------------------

FLOAT_SPECIALS = np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, 2147483520.0, -2147483648.0, 0.5,
                           -0.5, 1.5, 2.5, -2.5, 0.49999997, 1e-30, -0.0], np.float32)


def quantize_float_case(out_type, scale: float, zp: int, seed: int):
    """(model, feeds) of a float32 -> ``out_type`` QUANTIZE: normal values around the
    output range, the float specials and exact halves (the rounding ties)."""
    model = single_op_model("QUANTIZE", [T(np.float32, [4, 32])], [T(out_type, [4, 32], scale, zp)])
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((4, 32)) * 200 * scale).astype(np.float32)
    x[0, :len(FLOAT_SPECIALS)] = FLOAT_SPECIALS
    x[1] = (np.arange(32) - 16) * np.float32(scale) / 2      # exact halves
    return model, [x]


@CI
@given(st.sampled_from([np.int8, np.int16]), scales(-4, 1), st.data(), seeds)
def test_quantize_float(out_type, scale, data, seed):
    zp = data.draw(zero_points(np.int8) if out_type == np.int8 else st.integers(-300, 300))
    model, feeds = quantize_float_case(out_type, scale, zp, seed)
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, feeds)


REQUANTIZE_PAIRS = [(np.int8, np.int8), (np.int8, np.int16), (np.int8, np.int32),
                    (np.int16, np.int8), (np.int16, np.int16), (np.int16, np.int32),
                    (np.int32, np.int8), (np.int32, np.int16), (np.int8, np.uint8),
                    (np.uint8, np.int8)]


def drawn_zero_point(data, t) -> int:
    """A zero point for integer type ``t``, within +-1000 where the type reaches that far."""
    info = np.iinfo(t)
    return data.draw(st.integers(max(int(info.min), -1000), min(int(info.max), 1000)))


def requantize_case(pair, s_in: float, s_out: float, data, seed: int, zero_point):
    """(model, feeds) of an integer -> integer QUANTIZE (``pair``); half the time the
    output scale is the input's. ``zero_point(t)`` gives each tensor's, input first.
    A one-byte input takes every value of the table the op builds."""
    in_type, out_type = pair
    if data.draw(st.booleans()):
        s_out = s_in
    model = single_op_model("QUANTIZE", [T(in_type, [256], s_in, zero_point(in_type))],
                            [T(out_type, [256], s_out, zero_point(out_type))])
    rng = np.random.default_rng(seed)
    if np.dtype(in_type).itemsize == 1:
        x = (rng.permutation(np.arange(256)).astype(np.int64)
             + int(np.iinfo(in_type).min)).astype(in_type)
    else:
        x = random_data(rng, in_type, [256])
    return model, [x]


@CI
@given(st.sampled_from(REQUANTIZE_PAIRS), scales(-3, 0.5), scales(-3, 0.5), st.data(), seeds)
def test_quantize_requantize(pair, s_in, s_out, data, seed):
    assert_matches_tflm(*requantize_case(pair, s_in, s_out, data, seed,
                                         lambda t: drawn_zero_point(data, t)))


def test_quantize_rejects_unsupported_pair():
    model = single_op_model("QUANTIZE", [T(np.uint8, [4], 0.1, 0)], [T(np.int16, [4], 0.1, 0)])
    with pytest.raises(UnsupportedOpError, match="QUANTIZE.*uint8.*int16"):
        run_model(model, [np.zeros(4, np.uint8)])


# -- DEQUANTIZE ---------------------------------------------------------------------------------

@CI
@given(st.sampled_from([np.int8, np.int16]), scales(-6, 3), st.data(), seeds)
def test_dequantize(in_type, scale, data, seed):
    info = np.iinfo(in_type)
    zp = data.draw(st.integers(int(info.min), int(info.max)))
    model = single_op_model("DEQUANTIZE", [T(in_type, [2, 128], scale, zp)],
                            [T(np.float32, [2, 128])])
    rng = np.random.default_rng(seed)
    x = (rng.permutation(np.arange(-128, 128)).astype(np.int8).reshape(2, 128)
         if in_type == np.int8 else random_data(rng, in_type, [2, 128]))   # int8: every value
    assert_matches_tflm(model, [x])


def test_dequantize_rejects_float_input():
    model = single_op_model("DEQUANTIZE", [T(np.float32, [4])], [T(np.float32, [4])])
    with pytest.raises(UnsupportedOpError, match="DEQUANTIZE"):
        run_model(model, [np.zeros(4, np.float32)])


# -- DEQUANTIZE uint8, and the (DE)QUANTIZE type pairs TFLM refuses -----------------------------

def _check_dequantize_uint8(scale, zp, shape, seed):
    model = single_op_model("DEQUANTIZE", [T(np.uint8, shape, scale, zp)],
                            [T(np.float32, shape)])
    assert_matches_tflm(model, [random_data(np.random.default_rng(seed), np.uint8, shape)])


uint8_zero_points = st.one_of(st.sampled_from([0, 128, 255, -1, 256]), st.integers(0, 255),
                              st.integers(-1000, 1300))


@budgets(ci=200, slow=3000, scale_exps=((-6, 3), (-30, 30)), max_dim=(6, 8), max_rank=(4, 5))
def test_dequantize_uint8(examples, scale_exps, max_dim, max_rank):
    explore(examples, st.tuples(scales(*scale_exps), uint8_zero_points,
                                st.lists(st.integers(1, max_dim), min_size=1, max_size=max_rank),
                                seeds), lambda case: _check_dequantize_uint8(*case))


def test_dequantize_uint8_every_value():
    x = np.arange(256, dtype=np.uint8).reshape(2, 128)
    for scale, zp in [(0.05, 128), (1 / 255, 0), (1e-40, 3), (3e38, 0), (-0.5, 7), (0.0, 9)]:
        model = single_op_model("DEQUANTIZE", [T(np.uint8, x.shape, scale, zp)],
                                [T(np.float32, x.shape)])
        assert_matches_tflm(model, [x])


@pytest.mark.parametrize("in_type", [np.int8, np.uint8, np.int16])
@pytest.mark.parametrize("zp", [2 ** 31 - 1, -2 ** 31, 2 ** 31 - 100])
def test_dequantize_difference_wraps_in_int32(in_type, zp):
    """``x - zero_point`` is an int32 subtraction in TFLM: it wraps near the limits."""
    info = np.iinfo(in_type)
    x = np.array([info.min, -1 if info.min < 0 else 1, 0, info.max], in_type)
    model = single_op_model("DEQUANTIZE", [T(in_type, [4], 1.0, zp)], [T(np.float32, [4])])
    assert_matches_tflm(model, [x])


# measured on the TFLM runtime: every pair it refuses (in prepare or at invoke)
DEQUANTIZE_REFUSED = [(np.int32, np.float32), (np.int64, np.float32), (np.float16, np.float32),
                      (np.int8, np.int8), (np.int8, np.int16), (np.int8, np.int32),
                      (np.uint8, np.uint8), (np.int16, np.int32)]


QUANTIZE_REFUSED = [(np.uint8, np.uint8), (np.uint8, np.int16), (np.uint8, np.int32),
                    (np.int16, np.uint8), (np.int32, np.int32), (np.int32, np.uint8),
                    (np.float32, np.uint8), (np.float32, np.int32)]


def _quant(t):
    return (None, 0) if np.dtype(t).kind == "f" else (0.05, 3)


@pytest.mark.parametrize("op,pair", [("DEQUANTIZE", p) for p in DEQUANTIZE_REFUSED]
                         + [("QUANTIZE", p) for p in QUANTIZE_REFUSED])
def test_type_pairs_tflm_refuses_are_unsupported(op, pair):
    from reference import run_tflm

    in_type, out_type = pair
    model = single_op_model(op, [T(in_type, [2, 3], *_quant(in_type))],
                            [T(out_type, [2, 3], *_quant(out_type))])
    x = np.arange(6).astype(in_type).reshape(2, 3)
    with pytest.raises(UnsupportedOpError, match=op):
        run_model(model, [x])
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])


def test_quantize_to_an_unquantized_float_output_is_refused():
    """TFLM's QUANTIZE prepare requires an affine-quantized output first of all."""
    from reference import run_tflm

    model = single_op_model("QUANTIZE", [T(np.int8, [2, 3], 0.05, 3)], [T(np.float32, [2, 3])])
    x = np.arange(6, dtype=np.int8).reshape(2, 3)
    with pytest.raises(ModelError, match="QUANTIZE.*quantization"):
        run_model(model, [x])
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])


# -- semantics="tflite": QUANTIZE against LiteRT, the pairs only LiteRT runs included --------

@CI
@given(st.sampled_from([np.int8, np.int16, np.uint8]), scales(-4, 1), st.data(), seeds)
def test_tflite_quantize_float_matches_litert(out_type, scale, data, seed):
    zp = data.draw(zero_points(out_type) if out_type != np.int16 else st.integers(-300, 300))
    model, feeds = quantize_float_case(out_type, scale, zp, seed)
    with np.errstate(all="ignore"):
        assert_matches_litert(model, feeds)


@CI
@given(st.sampled_from([p for p in REQUANTIZE_PAIRS if p != (np.int8, np.int32)]
                       + [(np.uint8, np.uint8), (np.uint8, np.int16)]),
       scales(-3, 0.5), scales(-3, 0.5), st.data(), seeds)
def test_tflite_quantize_requantize_matches_litert(pair, s_in, s_out, data, seed):
    # LiteRT has no int8 -> int32 (not drawn), and requires int16 -> int16 without zero points
    int16_pair = tuple(pair) == (np.int16, np.int16)

    def zp(t):
        return 0 if int16_pair else drawn_zero_point(data, t)

    assert_matches_litert(*requantize_case(pair, s_in, s_out, data, seed, zp))
