"""SQUARED_DIFFERENCE against the TFLM runtime, byte for byte, on broadcastable shapes
(rank 1-4 in CI, up to 6 in the slow runs), scales and zero points (extremes included),
and against LiteRT's reference kernels."""
from __future__ import annotations

import numpy as np
from binary_cases import binary_data
from binary_cases import binary_model as _model
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import broadcast_shapes
from single_op import scales
from single_op import seeds
from single_op import tflm_and_litert
from single_op import zero_points


@st.composite
def squared_difference_cases(draw, max_rank=4):
    dtype = draw(st.sampled_from([np.float32, np.int32, np.int8, np.int16]))
    shapes = draw(broadcast_shapes(max_rank=max_rank))
    quant = None
    if dtype in (np.int8, np.int16):
        s1, s2 = draw(scales()), draw(scales())
        so = float(np.float32(max(s1, s2) ** 2 * 2.0 ** draw(st.floats(-2, 14))))
        zp = (lambda: draw(zero_points(dtype))) if dtype == np.int8 else (lambda: 0)
        quant = [(s1, zp()), (s2, zp()), (so, zp())]
    return dtype, shapes, quant, draw(seeds)


def _check_squared_difference(case):
    dtype, shapes, quant, seed = case
    with np.errstate(all="ignore"):
        assert_matches_tflm(_model("SQUARED_DIFFERENCE", dtype, shapes, quant),
                            binary_data(seed, dtype, shapes))


@budgets(ci=40, slow=600, max_rank=(4, 6))
def test_squared_difference(examples, max_rank):
    explore(examples, squared_difference_cases(max_rank=max_rank), _check_squared_difference)


def test_litert_agrees_on_squared_difference():
    shapes = ([2, 1, 5], [3, 1], [2, 3, 5])
    for dtype, quant in [(np.float32, None), (np.int32, None),
                         (np.int8, [(0.04, -3), (0.09, 11), (0.3, 2)])]:
        with np.errstate(all="ignore"):
            tflm, litert = tflm_and_litert(_model("SQUARED_DIFFERENCE", dtype, shapes, quant),
                                           binary_data(4, dtype, shapes))
        assert_same(litert, tflm, f"{np.dtype(dtype)}: LiteRT vs TFLM")
