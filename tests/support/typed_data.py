"""Data for the op tests that draw their examples type by type: the data-movement ops
(tests/ops/test_transpose.py, test_gather.py, test_embedding_lookup.py, test_pack.py,
test_mirror_pad_reverse.py, test_shape_ops.py, test_space_batch_space_depth.py,
test_slice.py, test_split.py), the resize and reduction ops (test_resize.py,
test_arg_min_max.py, test_reduce.py, test_cumsum.py, test_l2_pool.py) and the shape
ops (test_reshape.py, test_concatenation.py, test_pad.py).

Each randomized test draws the op's legal domain (shapes, axes, indices, options,
quantization) and requires byte-identical outputs; the types are those the TFLM kernels
accept (others are refused by TFLM and here), and for the ``semantics="tflite"`` tests
(against LiteRT's reference kernels) those LiteRT runs. ``ci(n)`` is the CI budget for a test
drawing ``n`` types; ``typed(types)`` draws a type and its quantization.
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from single_op import T
from single_op import random_data
from single_op import scales
from single_op import zero_points


def ci(n_types: int = 1):
    """~40 examples per type in CI."""
    return settings(max_examples=40 * n_types, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


SLOW = settings(max_examples=1000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

F32, I8, I16, I32, I64, BOOL = np.float32, np.int8, np.int16, np.int32, np.int64, np.bool_
U8 = np.uint8
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


@st.composite
def quant(draw, dtype):
    """(scale, zero_point) for int8/uint8/int16 tensors, (None, 0) for the others."""
    if np.dtype(dtype) in (np.dtype(np.int8), np.dtype(np.uint8)):
        return draw(scales()), draw(zero_points(dtype))
    if np.dtype(dtype) == np.int16:
        return draw(scales()), 0
    return None, 0


def typed(types):
    return st.sampled_from(types).flatmap(lambda d: st.tuples(st.just(d), quant(d)))


def fixed_quant(dtype, scale=0.25, zp=0):
    """Quantization for integer tensors that carry it (int8/uint8/int16), none otherwise."""
    quantized = (np.dtype(np.int8), np.dtype(np.uint8), np.dtype(np.int16))
    return (scale, zp) if np.dtype(dtype) in quantized else (None, 0)


def example_quant(dtype):
    """A fixed quantization for one-off models: int8/uint8 (0.5, 3), int16 (0.5, 0) (LiteRT
    wants int16 zero points 0), none for the other types."""
    if np.dtype(dtype) == np.int16:
        return 0.5, 0
    return (0.5, 3) if np.dtype(dtype) in (np.dtype(np.int8), np.dtype(np.uint8)) else (None, 0)


def data(seed, dtype, shape):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    return random_data(rng, dtype, shape)


def special_floats(x: np.ndarray, seed: int) -> np.ndarray:
    """Sprinkle -0.0, +-inf and NaN into a float32 tensor for some seeds."""
    if x.dtype != np.float32 or seed % 3 or x.size < 2:
        return x
    rng = np.random.default_rng(seed)
    flat = x.reshape(-1).copy()
    picks = rng.integers(0, flat.size, size=min(3, flat.size))
    flat[picks] = rng.choice(np.array([-0.0, np.inf, -np.inf, np.nan], np.float32), size=picks.size)
    return flat.reshape(x.shape)


def const(values, dtype=np.int32):
    values = np.asarray(values, dtype=dtype)
    return T(dtype, list(values.shape), data=values)
