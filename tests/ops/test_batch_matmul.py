"""BATCH_MATMUL against the TFLM runtime, byte for byte: float32, int8, int16; adj_x /
adj_y; broadcast batch dimensions; LiteRT's reference kernels; and the refusals, pinned.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from math_cases import check_quietly as _check
from math_cases import feed as _feed
from op_harness import run_model
from reference import run_tflm
from single_op import T
from single_op import assert_same
from single_op import random_data
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert
from single_op import zero_points

from interpreter.errors import ModelError

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
@budgets(ci=60, slow=400)
def test_batch_matmul(dtype, examples):
    explore(examples, batch_matmul_cases(dtype), _check_batch_matmul)


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
