"""ELU, HARD_SWISH, ADD_N, L2_NORMALIZATION, LOG_SOFTMAX, BATCH_MATMUL and
REDUCE_ALL against the TFLM runtime, byte for byte, in every type TFLM
supports for each; LiteRT's reference kernels where they agree; and the
divergences and refusals, pinned.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert, run_tflm
from single_op import (
    T,
    all_int8_values,
    assert_matches_tflm,
    assert_same,
    random_data,
    scales,
    seeds,
    single_op_model,
    tflm_and_litert,
    zero_points,
)

from interpreter.errors import ModelError, UnsupportedOpError

CI = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)
SPECIALS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, -1e-45, 3.4e38, -3.4e38], np.float32)


def _float_data(rng, shape, specials: bool) -> np.ndarray:
    x = np.asarray(random_data(rng, np.float32, shape), np.float32).reshape(shape)
    if specials:
        flat = x.reshape(-1)
        n = min(flat.size, int(rng.integers(1, 4)))
        flat[rng.choice(flat.size, n, replace=False)] = rng.choice(SPECIALS, n)
    return x


def _feed(rng, dtype, shape, specials=False) -> np.ndarray:
    if np.dtype(dtype) == np.float32:
        return _float_data(rng, shape, specials)
    return np.asarray(random_data(rng, dtype, shape), dtype).reshape(shape)


def _check(model, feeds):
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, feeds)


# -- ELU and HARD_SWISH: float32 and int8 (every int8 value each time) ---------------------

TABLE_SHAPES = st.sampled_from([(256,), (2, 128), (4, 8, 8), (1, 16, 16)])


@st.composite
def activation_cases(draw, dtype, op):
    if dtype == np.float32:
        return op, dtype, draw(shapes), None, draw(st.booleans()), draw(seeds)
    quant = ((draw(scales()), draw(zero_points())), (draw(scales()), draw(zero_points())))
    if op == "HARD_SWISH":
        # TFLM fails prepare when (s_in / 128) / s_out >= 1 (tested below)
        (si, _), (so, _) = quant
        assume(np.float32(np.float32(si) / np.float32(128)) / np.float32(so) < 1)
    return op, dtype, draw(TABLE_SHAPES), quant, False, draw(seeds)


def _check_activation(case):
    op, dtype, shape, quant, specials, seed = case
    (si, zi), (so, zo) = quant or ((None, 0), (None, 0))
    model = single_op_model(op, [T(dtype, shape, si, zi)], [T(dtype, shape, so, zo)])
    rng = np.random.default_rng(seed)
    if dtype == np.int8:
        x = rng.permutation(all_int8_values((256,))).reshape(shape)
    else:
        x = _float_data(rng, shape, specials)
    _check(model, [x])


@pytest.mark.parametrize("op", ["ELU", "HARD_SWISH"])
@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@CI
@given(data=st.data())
def test_activation(op, dtype, data):
    _check_activation(data.draw(activation_cases(dtype, op)))


@pytest.mark.slow
@pytest.mark.parametrize("op", ["ELU", "HARD_SWISH"])
@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@SLOW
@given(data=st.data())
def test_activation_slow(op, dtype, data):
    _check_activation(data.draw(activation_cases(dtype, op)))


def test_hard_swish_small_scale_ratios():
    # output exponents of -16 and below: gemmlowp's int16 RoundingDivideByPOT mask wraps to -1
    for si, so in [(0.001, 3.0), (0.0005, 2.9), (0.01, 1.0)]:
        model = single_op_model("HARD_SWISH", [T(np.int8, [256], si, -3)],
                                [T(np.int8, [256], so, 100)])
        _check(model, [all_int8_values((256,))])


def test_hard_swish_refuses_output_multiplier_above_one():
    # (s_in / 128) / s_out >= 1: TFLM fails prepare (TF_LITE_ENSURE), so do we
    model = single_op_model("HARD_SWISH", [T(np.int8, [8], 2.0, 0)], [T(np.int8, [8], 0.01, 0)])
    x = np.zeros(8, np.int8)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])
    with pytest.raises(ModelError, match="HARD_SWISH"):
        run_model(model, [x])


@pytest.mark.parametrize("op", ["ELU", "HARD_SWISH"])
def test_activation_rejects_int16(op):
    model = single_op_model(op, [T(np.int16, [4], 0.1, 0)], [T(np.int16, [4], 0.1, 0)])
    x = np.zeros(4, np.int16)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x])
    with pytest.raises(UnsupportedOpError, match=op):
        run_model(model, [x])


def test_litert_agrees_on_hard_swish():
    rng = np.random.default_rng(5)
    for dtype, (si, zi), (so, zo), x in [
            (np.int8, (0.05, 3), (0.04, -10), all_int8_values((256,))),
            (np.float32, (None, 0), (None, 0), _float_data(rng, (256,), True))]:
        model = single_op_model("HARD_SWISH", [T(dtype, [256], si, zi)], [T(dtype, [256], so, zo)])
        with np.errstate(all="ignore"):
            tflm, litert = tflm_and_litert(model, [x])
        assert_same(litert, tflm, f"HARD_SWISH {np.dtype(dtype)}: LiteRT vs TFLM")


def test_divergence_litert_elu():
    # Divergence: LiteRT's BUILTIN_REF resolver has no ELU; its default (optimized) ELU
    # gives other bytes than TFLM in both types. We follow TFLM.
    for dtype, (si, zi), (so, zo), x in [
            (np.int8, (0.05, 3), (0.04, -10), all_int8_values((256,))),
            (np.float32, (None, 0), (None, 0), np.linspace(-10, 3, 256, dtype=np.float32))]:
        model = single_op_model("ELU", [T(dtype, [256], si, zi)], [T(dtype, [256], so, zo)])
        ours = assert_matches_tflm(model, [x])[0]
        litert = run_litert(model, [x], reference=False)[0]
        assert ours.tobytes() != litert.tobytes()


# -- ADD_N: float32 and int8 ---------------------------------------------------------------

@st.composite
def add_n_cases(draw, dtype):
    n = draw(st.integers(2, 5))
    quant = None
    if dtype == np.int8:
        quant = ((draw(scales()), draw(zero_points())), (draw(scales()), draw(zero_points())))
    return dtype, n, draw(shapes), quant, draw(st.booleans()), draw(seeds)


def _check_add_n(case):
    dtype, n, shape, quant, specials, seed = case
    (si, zi), (so, zo) = quant or ((None, 0), (None, 0))
    model = single_op_model("ADD_N", [T(dtype, shape, si, zi)] * n, [T(dtype, shape, so, zo)])
    rng = np.random.default_rng(seed)
    _check(model, [_feed(rng, dtype, shape, specials) for _ in range(n)])


@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@CI
@given(data=st.data())
def test_add_n(dtype, data):
    _check_add_n(data.draw(add_n_cases(dtype)))


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@SLOW
@given(data=st.data())
def test_add_n_slow(dtype, data):
    _check_add_n(data.draw(add_n_cases(dtype)))


def test_add_n_int8_counts_the_input_offset_once_more():
    # TFLM's int8 AddN starts its accumulator at the rescaled *offset* (-zp_in), not at
    # zero: adding two real zeros (q = zp_in = 10) gives -10 steps, and we match it.
    model = single_op_model("ADD_N", [T(np.int8, [4], 0.1, 10)] * 2, [T(np.int8, [4], 0.1, 0)])
    zeros = np.full(4, 10, np.int8)
    ours = assert_matches_tflm(model, [zeros, zeros])[0]
    assert ours.tolist() == [-10] * 4


def test_add_n_refuses_what_tflm_refuses():
    x = np.zeros(4, np.int16)
    model = single_op_model("ADD_N", [T(np.int16, [4], 0.1, 0)] * 2, [T(np.int16, [4], 0.1, 0)])
    with pytest.raises(RuntimeError):
        run_tflm(model, [x, x])
    with pytest.raises(UnsupportedOpError, match="ADD_N"):
        run_model(model, [x, x])
    # inputs with different quantization: TFLM fails prepare
    model = single_op_model("ADD_N", [T(np.int8, [4], 0.1, 0), T(np.int8, [4], 0.2, 0)],
                            [T(np.int8, [4], 0.1, 0)])
    x = np.zeros(4, np.int8)
    with pytest.raises(RuntimeError):
        run_tflm(model, [x, x])
    with pytest.raises(ModelError, match="ADD_N"):
        run_model(model, [x, x])
    # an output multiplier 2 s_in / (2^20 s_out) >= 1 makes TFLM abort the process, so
    # it is not run there; we raise
    model = single_op_model("ADD_N", [T(np.int8, [4], 1.0, 0)] * 2, [T(np.int8, [4], 1e-6, 0)])
    with pytest.raises(ModelError, match="ADD_N"):
        run_model(model, [x, x])


def test_litert_add_n():
    rng = np.random.default_rng(7)
    x = [_float_data(rng, (3, 7), False) for _ in range(3)]
    model = single_op_model("ADD_N", [T(np.float32, [3, 7])] * 3, [T(np.float32, [3, 7])])
    tflm, litert = tflm_and_litert(model, x)
    assert_same(litert, tflm, "ADD_N float32: LiteRT vs TFLM")
    # Divergence: LiteRT clamps an overflowing float sum to +-FLT_MAX (its ADD_N is a chain
    # of clamped adds); TFLM's plain C loop gives +-inf, and so do we.
    big = np.array([3e38, -3e38, 1.0], np.float32)
    model = single_op_model("ADD_N", [T(np.float32, [3])] * 2, [T(np.float32, [3])])
    with np.errstate(all="ignore"):
        ours = assert_matches_tflm(model, [big, big])[0]
        tflm, litert = tflm_and_litert(model, [big, big])
    assert ours.tolist() == [np.inf, -np.inf, 2.0]
    assert litert[0] == np.finfo(np.float32).max
    # Divergence: LiteRT has no int8 ADD_N (it fails at invoke); TFLM has, and we follow it.
    model = single_op_model("ADD_N", [T(np.int8, [4], 0.1, 3)] * 2, [T(np.int8, [4], 0.1, 0)])
    q = np.arange(4, dtype=np.int8)
    assert_matches_tflm(model, [q, q])
    with pytest.raises(RuntimeError):
        run_litert(model, [q, q])


# -- L2_NORMALIZATION and LOG_SOFTMAX: float32 and int8, over the last dimension ------------

@st.composite
def row_cases(draw, dtype):
    quant = (draw(scales()), draw(zero_points())) if dtype == np.int8 else None
    return dtype, draw(shapes), quant, draw(st.booleans()), draw(seeds)


def _check_rows(op, case, out_quant):
    dtype, shape, quant, specials, seed = case
    si, zi = quant or (None, 0)
    so, zo = out_quant if dtype == np.int8 else (None, 0)
    model = single_op_model(op, [T(dtype, shape, si, zi)], [T(dtype, shape, so, zo)])
    _check(model, [_feed(np.random.default_rng(seed), dtype, shape, specials)])


@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@CI
@given(data=st.data())
def test_l2_normalization(dtype, data):
    _check_rows("L2_NORMALIZATION", data.draw(row_cases(dtype)), (1 / 128, 0))


@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@CI
@given(data=st.data())
def test_log_softmax(dtype, data):
    _check_rows("LOG_SOFTMAX", data.draw(row_cases(dtype)), (16 / 256, 127))


@pytest.mark.slow
@pytest.mark.parametrize("op,out_quant", [("L2_NORMALIZATION", (1 / 128, 0)),
                                          ("LOG_SOFTMAX", (16 / 256, 127))])
@pytest.mark.parametrize("dtype", [np.float32, np.int8], ids=["float32", "int8"])
@SLOW
@given(data=st.data())
def test_rows_slow(op, out_quant, dtype, data):
    _check_rows(op, data.draw(row_cases(dtype)), out_quant)


def test_log_softmax_int8_long_rows():
    rng = np.random.default_rng(8)
    for si in (0.001, 0.02, 0.1, 1.0, 3.0):
        for zi in (-128, 0, 90):
            model = single_op_model("LOG_SOFTMAX", [T(np.int8, [3, 300], si, zi)],
                                    [T(np.int8, [3, 300], 16 / 256, 127)])
            x = np.asarray(random_data(rng, np.int8, (3, 300)), np.int8)
            x[1] = 5          # a constant row
            _check(model, [x])


def test_l2_normalization_ignores_the_output_quantization():
    # TFLM's int8 kernel always writes on the scale 1/128 with zero point 0 and never
    # checks the output tensor; neither do we. Divergence: LiteRT refuses such a model.
    x = all_int8_values((4, 64))
    model = single_op_model("L2_NORMALIZATION", [T(np.int8, [4, 64], 0.05, 3)],
                            [T(np.int8, [4, 64], 0.5, 10)])
    ours = assert_matches_tflm(model, [x])[0]
    plain = single_op_model("L2_NORMALIZATION", [T(np.int8, [4, 64], 0.05, 3)],
                            [T(np.int8, [4, 64], 1 / 128, 0)])
    assert_same(ours, run_model(plain, [x])[0], "output quantization ignored")
    with pytest.raises(RuntimeError):
        run_litert(model, [x])


def test_rows_refuse_what_tflm_refuses():
    cases = [
        ("L2_NORMALIZATION", T(np.int16, [4], 0.1, 0), T(np.int16, [4], 1 / 128, 0), ModelError),
        ("L2_NORMALIZATION", T(np.float32, [1, 1, 1, 1, 4]), T(np.float32, [1, 1, 1, 1, 4]),
         ModelError),
        ("LOG_SOFTMAX", T(np.int16, [4], 0.1, 0), T(np.int16, [4], 16 / 256, 127),
         UnsupportedOpError),
        ("LOG_SOFTMAX", T(np.int8, [4], 0.1, 0), T(np.int8, [4], 16 / 256, 0), ModelError),
        ("LOG_SOFTMAX", T(np.int8, [4], 0.1, 0), T(np.int8, [4], 1 / 256, 127), ModelError),
    ]
    for op, inp, out, error in cases:
        model = single_op_model(op, [inp], [out])
        x = np.zeros(inp.shape, inp.dtype)
        with pytest.raises(RuntimeError):
            run_tflm(model, [x])
        with pytest.raises(error, match=op):
            run_model(model, [x])
    model = single_op_model("L2_NORMALIZATION", [T(np.float32, [4])], [T(np.float32, [4])],
                            {"fused_activation_function": "RELU"})
    with pytest.raises(RuntimeError):
        run_tflm(model, [np.ones(4, np.float32)])
    with pytest.raises(ModelError, match="L2_NORMALIZATION"):
        run_model(model, [np.ones(4, np.float32)])


def test_litert_agrees_on_rows():
    rng = np.random.default_rng(9)
    for op, out_quant in [("L2_NORMALIZATION", (1 / 128, 0)), ("LOG_SOFTMAX", (16 / 256, 127))]:
        for dtype in (np.float32, np.int8):
            case = (dtype, (5, 40), (0.05, -7) if dtype == np.int8 else None)
            si, zi = case[2] or (None, 0)
            so, zo = out_quant if dtype == np.int8 else (None, 0)
            model = single_op_model(op, [T(dtype, [5, 40], si, zi)], [T(dtype, [5, 40], so, zo)])
            x = _feed(rng, dtype, (5, 40))
            tflm, litert = tflm_and_litert(model, [x])
            assert_same(litert, tflm, f"{op} {np.dtype(dtype)}: LiteRT vs TFLM")


# -- BATCH_MATMUL: float32, int8, int16; adj_x / adj_y; broadcast batch dimensions ----------

@st.composite
def batch_matmul_cases(draw, dtype):
    out_rank = draw(st.integers(2, 5))
    batch = draw(st.lists(st.integers(1, 3), min_size=out_rank - 2, max_size=out_rank - 2))
    modes = draw(st.lists(st.sampled_from("=lr"), min_size=len(batch), max_size=len(batch)))
    lb = [1 if m == "l" else d for d, m in zip(batch, modes)]
    rb = [1 if m == "r" else d for d, m in zip(batch, modes)]
    # either input may drop leading batch dimensions (then they broadcast)
    lb = lb[draw(st.integers(0, len(lb))):]
    rb = rb[draw(st.integers(0, len(rb))):] if len(lb) == len(batch) else rb
    m, k, n = (draw(st.integers(1, 6)) for _ in range(3))
    adj_x, adj_y = draw(st.booleans()), draw(st.booleans())
    lhs = tuple(lb) + ((k, m) if adj_x else (m, k))
    rhs = tuple(rb) + ((n, k) if adj_y else (k, n))
    out = tuple(np.broadcast_shapes(tuple(lb), tuple(rb))) + (m, n)
    quant = None
    if dtype != np.float32:
        zp = (lambda: draw(zero_points())) if dtype == np.int8 else (lambda: 0)
        quant = [(draw(scales(-3.0, 0.0)), zp()) for _ in range(3)]
    return dtype, (lhs, rhs, out), (adj_x, adj_y), quant, draw(st.booleans()), draw(seeds)


def _check_batch_matmul(case):
    dtype, (lhs, rhs, out), (adj_x, adj_y), quant, specials, seed = case
    (q1, z1), (q2, z2), (qo, zo) = quant or ((None, 0),) * 3
    model = single_op_model("BATCH_MATMUL", [T(dtype, lhs, q1, z1), T(dtype, rhs, q2, z2)],
                            [T(dtype, out, qo, zo)], {"adj_x": adj_x, "adj_y": adj_y})
    rng = np.random.default_rng(seed)
    _check(model, [_feed(rng, dtype, lhs, specials), _feed(rng, dtype, rhs, specials)])


DTYPES3 = pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int16],
                                  ids=["float32", "int8", "int16"])


@DTYPES3
@CI
@given(data=st.data())
def test_batch_matmul(dtype, data):
    _check_batch_matmul(data.draw(batch_matmul_cases(dtype)))


@pytest.mark.slow
@DTYPES3
@SLOW
@given(data=st.data())
def test_batch_matmul_slow(dtype, data):
    _check_batch_matmul(data.draw(batch_matmul_cases(dtype)))


def test_batch_matmul_constant_rhs_and_deep_accumulation():
    rng = np.random.default_rng(10)
    for dtype, quant in [(np.int8, [(0.02, 5), (0.01, -3), (0.5, 2)]),
                         (np.int16, [(0.002, 0), (0.001, 0), (0.3, 0)]),
                         (np.float32, [(None, 0)] * 3)]:
        (q1, z1), (q2, z2), (qo, zo) = quant
        w = np.asarray(random_data(rng, dtype, (1, 300, 6)), dtype)
        model = single_op_model(
            "BATCH_MATMUL", [T(dtype, [2, 3, 300], q1, z1), T(dtype, [1, 300, 6], q2, z2, data=w)],
            [T(dtype, [2, 3, 6], qo, zo)])
        _check(model, [_feed(rng, dtype, (2, 3, 300))])


def test_batch_matmul_refuses_what_tflm_refuses():
    x = np.zeros((2, 2), np.int16)
    model = single_op_model("BATCH_MATMUL",
                            [T(np.int16, [2, 2], 0.1, 1), T(np.int16, [2, 2], 0.1, 0)],
                            [T(np.int16, [2, 2], 0.1, 0)])
    with pytest.raises(RuntimeError):
        run_tflm(model, [x, x])
    with pytest.raises(ModelError, match="BATCH_MATMUL"):
        run_model(model, [x, x])
    model = single_op_model("BATCH_MATMUL", [T(np.float32, [2, 3]), T(np.float32, [2, 3])],
                            [T(np.float32, [2, 3])])
    y = np.zeros((2, 3), np.float32)
    with pytest.raises(RuntimeError):
        run_tflm(model, [y, y])
    with pytest.raises(ModelError, match="BATCH_MATMUL"):
        run_model(model, [y, y])


def test_litert_agrees_on_batch_matmul():
    rng = np.random.default_rng(11)
    for dtype, quant in [(np.float32, [(None, 0)] * 3),
                         (np.int8, [(0.05, 3), (0.02, -7), (0.3, 5)]),
                         (np.int16, [(0.05, 0), (0.02, 0), (0.3, 0)])]:
        (q1, z1), (q2, z2), (qo, zo) = quant
        for adj_x, adj_y in [(False, False), (True, False), (False, True), (True, True)]:
            lhs = (2, 1, 5, 3) if adj_x else (2, 1, 3, 5)
            rhs = (3, 4, 5) if adj_y else (3, 5, 4)
            model = single_op_model("BATCH_MATMUL",
                                    [T(dtype, lhs, q1, z1), T(dtype, rhs, q2, z2)],
                                    [T(dtype, (2, 3, 3, 4), qo, zo)],
                                    {"adj_x": adj_x, "adj_y": adj_y})
            tflm, litert = tflm_and_litert(model, [_feed(rng, dtype, lhs), _feed(rng, dtype, rhs)])
            assert_same(litert, tflm, f"BATCH_MATMUL {np.dtype(dtype)} {adj_x} {adj_y}")


# -- REDUCE_ALL: bool ----------------------------------------------------------------------

@st.composite
def reduce_all_cases(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple))
    rank = len(shape)
    axes = draw(st.lists(st.integers(-rank, rank - 1), min_size=1, max_size=3))
    keep_dims = draw(st.booleans())
    return shape, np.array(axes, np.int32), keep_dims, draw(st.floats(0.5, 1.0)), draw(seeds)


def _check_reduce_all(case):
    shape, axes, keep_dims, p_true, seed = case
    reduced = {int(a) % len(shape) for a in axes}
    out = tuple(1 if i in reduced else d for i, d in enumerate(shape)) if keep_dims else \
        tuple(d for i, d in enumerate(shape) if i not in reduced)
    model = single_op_model("REDUCE_ALL", [T(np.bool_, shape), T(np.int32, [len(axes)], data=axes)],
                            [T(np.bool_, out)], {"keep_dims": keep_dims})
    x = np.random.default_rng(seed).random(shape) < p_true
    assert_matches_tflm(model, [x])


@CI
@given(reduce_all_cases())
def test_reduce_all(case):
    _check_reduce_all(case)


@pytest.mark.slow
@SLOW
@given(reduce_all_cases())
def test_reduce_all_slow(case):
    _check_reduce_all(case)


def test_reduce_all_is_registered_by_tflm_and_litert_agrees():
    # The installed tflite-micro runtime registers REDUCE_ALL, so it is implemented.
    axes = np.array([1], np.int32)
    model = single_op_model("REDUCE_ALL", [T(np.bool_, [3, 4]), T(np.int32, [1], data=axes)],
                            [T(np.bool_, [3])])
    x = np.array([[1, 1, 1, 1], [1, 0, 1, 1], [0, 0, 0, 0]], bool)
    ours = assert_matches_tflm(model, [x])[0]
    assert ours.tolist() == [True, False, False]
    tflm, litert = tflm_and_litert(model, [x])
    assert_same(litert, tflm, "REDUCE_ALL: LiteRT vs TFLM")


def test_float_nan_signs_follow_x86():
    # inf - inf makes x86's negative default NaN; where it meets an input's (positive)
    # NaN in a sum, the accumulated operand wins, which decides the output bits.
    x = np.array([np.inf, 0.25, -3.5, np.inf, np.nan], np.float32)
    model = single_op_model("LOG_SOFTMAX", [T(np.float32, [5])], [T(np.float32, [5])])
    _check(model, [x])
    model = single_op_model("ADD_N", [T(np.float32, [2])] * 3, [T(np.float32, [2])])
    _check(model, [np.array([np.inf, np.nan], np.float32), np.array([-np.inf, 1], np.float32),
                   np.array([np.nan, -np.inf], np.float32)])
