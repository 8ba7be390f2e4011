"""Inputs shared by the tests of the math ops (tests/ops/test_elu_hard_swish.py,
test_add_n.py, test_l2_normalization_log_softmax.py, test_batch_matmul.py, and
tests/arith/test_float_math.py): shapes, random data of any type (float32 sprinkled
with NaN, +-inf, -0.0, a denormal and values near FLT_MAX) and the TFLM comparison
with NumPy's float warnings silenced.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from single_op import assert_matches_tflm
from single_op import random_data

shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)
SPECIALS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, -1e-45, 3.4e38, -3.4e38], np.float32)


def float_data(rng, shape, specials: bool) -> np.ndarray:
    x = np.asarray(random_data(rng, np.float32, shape), np.float32).reshape(shape)
    if specials:
        flat = x.reshape(-1)
        n = min(flat.size, int(rng.integers(1, 4)))
        flat[rng.choice(flat.size, n, replace=False)] = rng.choice(SPECIALS, n)
    return x


def feed(rng, dtype, shape, specials=False) -> np.ndarray:
    if np.dtype(dtype) == np.float32:
        return float_data(rng, shape, specials)
    return np.asarray(random_data(rng, dtype, shape), dtype).reshape(shape)


def check_quietly(model, feeds):
    """``assert_matches_tflm`` with NumPy's floating-point warnings off."""
    with np.errstate(all="ignore"):
        assert_matches_tflm(model, feeds)
