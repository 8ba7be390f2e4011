"""Seeded random model inputs, as ``tinyml run`` / ``verify`` draw them."""
from __future__ import annotations

import numpy as np


def random_input(detail: dict, rng: np.random.Generator) -> np.ndarray:
    """Uniform random values over the input's whole type range (floats in [-1, 1))."""
    dtype = np.dtype(detail["dtype"])
    shape = tuple(int(d) for d in detail["shape"])
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    return rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
