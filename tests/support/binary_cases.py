"""Two-input element-wise op models and their inputs, shared by the tests of those ops:

* ``fused_binary_model`` and ``binary_feeds``: ADD, SUB and MUL with a fused activation
  (tests/ops/test_add_sub.py, test_mul.py, test_elementwise.py);
* ``binary_model`` and ``binary_data``: the logical ops, the comparisons, MAXIMUM and
  MINIMUM, SQUARED_DIFFERENCE and the divisions (tests/ops/test_logical.py,
  test_comparison.py, test_minmax.py, test_squared_difference.py, test_div.py).

``shapes`` is (input 1, input 2, output); ``quant`` three (scale, zero point) pairs or
None for unquantized tensors.
"""
from __future__ import annotations

import numpy as np
from single_op import T
from single_op import random_data
from single_op import single_op_model

FLOAT_SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 2.5, 3e38],
                          np.float32)


def fused_binary_model(op, dtype, shapes, quant, activation):
    s1, s2, so = shapes
    (sc1, z1), (sc2, z2), (sco, zo) = quant if quant else ((None, 0),) * 3
    return single_op_model(op, [T(dtype, s1, sc1, z1), T(dtype, s2, sc2, z2)],
                           [T(dtype, so, sco, zo)], {"fused_activation_function": activation})


def binary_feeds(seed, dtype, shapes):
    rng = np.random.default_rng(seed)
    return [random_data(rng, dtype, shapes[0]), random_data(rng, dtype, shapes[1])]


def binary_model(op, dtype, shapes, quant=None, out_dtype=None, options=None):
    s1, s2, so = shapes
    (q1, z1), (q2, z2), (qo, zo) = quant if quant else ((None, 0),) * 3
    return single_op_model(op, [T(dtype, s1, q1, z1), T(dtype, s2, q2, z2)],
                           [T(out_dtype or dtype, so, qo, zo)], options)


def binary_data(seed, dtype, shapes, nonzero_second=False):
    """Two inputs; floats get special values, integers many small (often equal) ones."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        xs = [np.array(rng.integers(0, 2, size=s), bool).reshape(s) for s in shapes[:2]]
    else:
        xs = [np.array(random_data(rng, dtype, s), dtype).reshape(s) for s in shapes[:2]]
        if dtype.kind in "iu":  # small values too, so that ties are common
            for x in xs:
                flat = x.reshape(-1)
                k = flat.size // 2
                flat[:k] = rng.integers(-3 if dtype.kind == "i" else 0, 4, size=k)
        else:
            for x in xs:
                flat = x.reshape(-1)
                k = min(flat.size // 3, len(FLOAT_SPECIALS))
                flat[rng.choice(flat.size, k, replace=False)] = rng.choice(FLOAT_SPECIALS, k)
    if nonzero_second:
        xs[1][xs[1] == 0] = 1
    return xs
