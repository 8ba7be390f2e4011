"""REDUCE_ALL (bool) against the TFLM runtime, byte for byte, and LiteRT's reference
kernels."""
from __future__ import annotations

import numpy as np
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from single_op import T
from single_op import assert_matches_tflm
from single_op import assert_same
from single_op import seeds
from single_op import single_op_model
from single_op import tflm_and_litert

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


@budgets(ci=60, slow=400)
def test_reduce_all(examples):
    explore(examples, reduce_all_cases(), _check_reduce_all)


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
