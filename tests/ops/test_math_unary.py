"""Element-wise math ops (ABS, NEG, CEIL, FLOOR, ROUND, SQRT, RSQRT, SQUARE, EXP,
LOG, SIN, COS) against the TFLM runtime, byte for byte.

Float inputs mix normal values of several magnitudes with the special values
(+-0, +-inf, NaN, ties of ROUND, huge values). Quantized ABS and RSQRT draw
scales and zero points; RSQRT inputs stay at or above the zero point, as
TFLM fails to invoke otherwise. ``semantics="tflite"`` is compared with LiteRT's
reference kernels on the integer types only LiteRT runs (EXP, LOG, SQRT int8 /
int16, ABS int32, NEG int8 / int16 / int32 / int64), on every input value.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from budgets import exploring
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import assert_tflm_refuses
from single_op import random_data
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

FLOAT_OPS = ["ABS", "NEG", "CEIL", "FLOOR", "ROUND", "SQRT", "RSQRT", "SQUARE", "EXP", "LOG",
             "SIN", "COS"]
SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 0.5, -0.5, 1.5, 2.5, -2.5, -0.3,
                     0.49999997, 1e-45, 3e38, -3e38, 8388609.0, 1e30, 100.0, -100.0, 89.0],
                    np.float32)

shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)


def float_data(seed: int, shape) -> np.ndarray:
    rng = np.random.default_rng(seed)
    magnitude = 10.0 ** rng.integers(-3, 4, size=shape)
    x = (rng.standard_normal(shape) * magnitude).astype(np.float32)
    flat = x.reshape(-1)
    k = min(flat.size, len(SPECIALS))
    where = rng.choice(flat.size, size=k, replace=False)
    flat[where] = rng.choice(SPECIALS, size=k)
    return x


def _unary_model(op, dtype, shape, quant=None):
    (si, zi), (so, zo) = quant if quant else ((None, 0), (None, 0))
    return single_op_model(op, [T(dtype, shape, si, zi)], [T(dtype, shape, so, zo)])


def _check_float(case) -> None:
    op, shape, seed = case
    with np.errstate(all="ignore"):
        assert_matches_tflm(_unary_model(op, np.float32, shape), [float_data(seed, shape)])


@budgets(ci=40, slow=500)
def test_float32(examples):
    explore(examples, st.tuples(st.sampled_from(FLOAT_OPS), shapes, seeds), _check_float)


@pytest.mark.parametrize("op", FLOAT_OPS)
def test_float32_dense_sweep(op):
    # Many values per op: libm's last bit (sinf, cosf, logf, expf) and all ROUND ties.
    rng = np.random.default_rng(1)
    x = np.concatenate([SPECIALS, np.arange(-20, 20, 0.25, dtype=np.float32),
                        (rng.standard_normal(3000) * 30).astype(np.float32),
                        rng.uniform(0, 1e4, 1000).astype(np.float32)]).astype(np.float32)
    with np.errstate(all="ignore"):
        assert_matches_tflm(_unary_model(op, np.float32, [x.size]), [x])


def all_values(dtype) -> np.ndarray:
    info = np.iinfo(dtype)
    return np.arange(int(info.min), int(info.max) + 1, dtype=np.int64).astype(dtype)


@st.composite
def abs_quant(draw, dtype):
    s_in = draw(scales())
    s_out = draw(st.one_of(st.just(s_in), scales()))  # equal scales take TFLM's no-rescale path
    if dtype == np.int16:
        return (s_in, 0), (s_out, 0)
    return (s_in, draw(zero_points())), (s_out, draw(zero_points()))


def test_abs_int16_unquantized_is_plain_abs():
    x = all_values(np.int16)
    out = assert_matches_tflm(_unary_model("ABS", np.int16, [x.size]), [x])[0]
    assert out[0] == -32768 and out[-1] == 32767


@st.composite
def rsqrt_quant(draw, dtype):
    s_in, s_out = draw(scales(-4, 0)), draw(scales(-3, 0.5))
    if dtype == np.int16:
        return (s_in, 0), (s_out, 0)
    return (s_in, draw(zero_points())), (s_out, draw(zero_points()))


def _check_quantized(op: str, dtype, quant) -> None:
    x = all_values(dtype)
    if op == "RSQRT":       # below the input zero point TFLM fails (the next test)
        x = x[x >= quant[0][1]]
    assert_matches_tflm(_unary_model(op, dtype, [x.size], quant), [x])


@pytest.mark.parametrize("op, quant", [("ABS", abs_quant), ("RSQRT", rsqrt_quant)])
@budgets(ci=40, slow=500)
def test_quantized(op, quant, examples):
    """Every int8 / int16 input, under drawn scales and zero points."""
    explore(examples, st.sampled_from([np.int8, np.int16]).flatmap(
        lambda dt: st.tuples(st.just(dt), quant(dt))), lambda case: _check_quantized(op, *case))


def test_rsqrt_below_zero_point_fails_like_tflm():
    model = _unary_model("RSQRT", np.int8, [3], ((0.1, 5), (0.1, 0)))
    x = np.array([5, 6, 4], np.int8)
    with pytest.raises(ModelError, match="RSQRT"):
        run_model(model, [x])
    with pytest.raises(RuntimeError):  # the runtime's failed Prepare/Invoke
        run_tflm(model, [x])


def test_litert_agrees_on_float_math():
    # LiteRT's reference kernels call the same libm functions. (Its BUILTIN_REF
    # resolver has no CEIL or ROUND kernel.)
    x = float_data(3, (500,))
    for op in sorted(set(FLOAT_OPS) - {"CEIL", "ROUND"}):
        with np.errstate(all="ignore"):
            tflm, litert = tflm_and_litert(_unary_model(op, np.float32, [500]), [x])
        assert_same(litert, tflm, f"{op}: LiteRT vs TFLM")


# -- prepare-time validation --------------------------------------------------------

@pytest.mark.parametrize("op", ["NEG", "SIN", "EXP", "ROUND"])
def test_float_only_ops_reject_int8(op):
    model = _unary_model(op, np.int8, [4], ((0.1, 0), (0.1, 0)))
    with pytest.raises(UnsupportedOpError, match=op):
        run_model(model, [np.zeros(4, np.int8)])


def test_rejects_int16_zero_point():
    model = _unary_model("ABS", np.int16, [4], ((0.1, 3), (0.1, 0)))
    with pytest.raises(ModelError, match="zero point"):
        run_model(model, [np.zeros(4, np.int16)])


def test_rejects_type_change():
    model = single_op_model("ABS", [T(np.float32, [4])], [T(np.int8, [4], 0.1, 0)])
    with pytest.raises(ModelError, match="types"):
        run_model(model, [np.zeros(4, np.float32)])


def test_litert_agrees_on_quantized_abs_and_int8_rsqrt():
    for op, dtype, quant in [("ABS", np.int8, ((0.05, 3), (0.07, -5))),
                             ("ABS", np.int16, ((0.05, 0), (0.07, 0))),
                             ("RSQRT", np.int8, ((0.05, -100), (0.07, -5)))]:
        x = all_values(dtype)
        x = x[x >= quant[0][1]]
        tflm, litert = tflm_and_litert(_unary_model(op, dtype, [x.size], quant), [x])
        assert_same(litert, tflm, f"{op} {np.dtype(dtype)}: LiteRT vs TFLM")


def test_divergence_litert_int16_rsqrt():
    # Divergence: LiteRT's int16 RSQRT is a different algorithm; TFLM runs the int8
    # fixed-point path (GetInvSqrtQuantizedMultiplierExp) on int16, which we follow.
    x = all_values(np.int16)
    x = x[x >= 0]
    model = _unary_model("RSQRT", np.int16, [x.size], ((0.001, 0), (0.07, 0)))
    ours = assert_matches_tflm(model, [x])[0]
    tflm, litert = tflm_and_litert(model, [x])
    assert (tflm != litert).any()
    assert ours[1] == 452 and litert[1] == 24401  # rsqrt(0.001) / 0.07 = 451.75


# -- semantics="tflite": integer types only LiteRT runs -------------------------------------

@st.composite
def litert_table_quant(draw, dtype):
    """(input, output) quantization; int16: zero points 0 (LiteRT requires them)."""
    s_in, s_out = draw(scales(-4, 0)), draw(scales())
    if dtype == np.int16:
        return (s_in, 0), (s_out, 0)
    return (s_in, draw(zero_points())), (s_out, draw(zero_points()))


litert_table_cases = st.sampled_from(["EXP", "LOG", "SQRT"]).flatmap(
    lambda op: st.sampled_from([np.int8, np.int16]).flatmap(
        lambda dt: st.tuples(st.just(op), st.just(dt), litert_table_quant(dt))))


@exploring(40)
@given(litert_table_cases)
def test_tflite_exp_log_sqrt_int_match_litert(case):
    op, dtype, quant = case
    x = all_values(dtype)
    if op == "SQRT":    # LiteRT fails to invoke on a negative real input
        x = x[x >= quant[0][1]]
    assert_matches_litert(_unary_model(op, dtype, [x.size], quant), [x])


def test_tflite_sqrt_below_zero_point_fails_like_litert():
    model = _unary_model("SQRT", np.int8, [3], ((0.1, 5), (0.1, 0)))
    x = np.array([5, 6, 4], np.int8)
    with pytest.raises(RuntimeError):
        run_litert(model, [x])
    with pytest.raises(ModelError, match="SQRT.*below its zero point"):
        run_model(model, [x], semantics="tflite")


def test_tflite_sqrt_truncates_log_floors_like_litert():
    # sqrt(0.1 * 3) / 0.1 = 5.477: LiteRT truncates to 5 (rounding would give 5)...
    # sqrt(0.1 * 8) / 0.1 = 8.94: truncated to 8, not 9. LOG of a real value <= 0 is the
    # output type's lowest value.
    sqrt = _unary_model("SQRT", np.int8, [3], ((0.1, 0), (0.1, 0)))
    out = assert_matches_litert(sqrt, [np.array([3, 8, 0], np.int8)])[0]
    assert out.tolist() == [5, 8, 0]
    log = _unary_model("LOG", np.int8, [3], ((0.1, 2), (0.05, 3)))
    out = assert_matches_litert(log, [np.array([2, 1, 12], np.int8)])[0]
    assert out.tolist() == [-128, -128, 3]


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_tflite_neg_integers_wrap_like_litert(dtype):
    info = np.iinfo(dtype)
    x = np.concatenate([np.array([info.min, info.min + 1, -1, 0, 1, info.max], dtype),
                        random_data(np.random.default_rng(3), dtype, (50,))])
    quant = ((0.1, 3), (0.2, -4)) if dtype in (np.int8, np.int16) else None
    out = assert_matches_litert(_unary_model("NEG", dtype, [x.size], quant), [x])[0]
    assert out[0] == info.min      # -min wraps to min; the quantization is ignored


def test_tflite_abs_int32_matches_litert():
    info = np.iinfo(np.int32)
    x = np.concatenate([np.array([info.min, info.min + 1, -1, 0, 1, info.max], np.int32),
                        random_data(np.random.default_rng(4), np.int32, (50,))])
    out = assert_matches_litert(_unary_model("ABS", np.int32, [x.size]), [x])[0]
    assert out[0] == info.min


@pytest.mark.parametrize("op, dtype", [("EXP", np.int8), ("LOG", np.int16), ("SQRT", np.int8),
                                       ("NEG", np.int32), ("NEG", np.int64),
                                       ("ABS", np.int32)])
def test_tflm_flavor_refuses_what_tflm_refuses(op, dtype):
    quant = ((0.1, 0), (0.1, 0)) if dtype in (np.int8, np.int16) else None
    model = _unary_model(op, dtype, [4], quant)
    assert_tflm_refuses(model, [np.ones(4, dtype)], UnsupportedOpError,
                        f"{op}.*{np.dtype(dtype)}")


def test_tflite_exp_int16_table_entries_past_infinity_match_litert():
    # exp(327) is +inf in float32: LiteRT's table entries there are inf - inf = NaN, which
    # its build converts to int16 0 (x86's 0x80000000, truncated)
    x = all_values(np.int16)
    model = _unary_model("EXP", np.int16, [x.size], ((0.01, 0), (1.0, 0)))
    out = assert_matches_litert(model, [x])[0]
    assert (out[-300:-250] == 0).all()         # not the saturated 32767


def test_rsqrt_negative_scale_is_refused():
    """1 / (sqrt(s_in) * s_out) is NaN for a negative input scale (a math domain
    ValueError the fuzzer found) and infinite where LiteRT's float32 product underflows
    (a ZeroDivisionError under semantics="tflite"): refused by name."""
    x = [np.arange(4, dtype=np.int8)]
    model = single_op_model("RSQRT", [T(np.int8, (4,), -1.0, 0)], [T(np.int8, (4,), 0.07, 0)])
    with pytest.raises(ModelError, match=r"RSQRT \(operator 0\): input and output scales "
                                         r"must be positive"):
        run_model(model, x)
    tiny = float(np.float32(1.4e-45))
    model = single_op_model("RSQRT", [T(np.int8, (4,), 0.05, 0)], [T(np.int8, (4,), tiny, 0)])
    with pytest.raises(ModelError, match=r"RSQRT \(operator 0\): the multiplier .* is not finite"):
        run_model(model, x, semantics="tflite")
