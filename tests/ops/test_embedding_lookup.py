"""EMBEDDING_LOOKUP against the TFLM runtime."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_tflm
from single_op import T, assert_matches_tflm, scales, seeds, single_op_model, zero_points
from typed_data import F32, I8, I32, SLOW, ci, data

from interpreter.errors import ModelError


@st.composite
def embedding_lookups(draw):
    value_shape = (draw(st.integers(1, 5)),) + tuple(
        draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    n = draw(st.integers(1, 6))
    kind = draw(st.sampled_from(["float", "int8", "hybrid"]))
    return value_shape, n, kind


def run_embedding_lookup(case, seed, scale, zp):
    value_shape, n, kind = case
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, value_shape[0], size=n).astype(np.int32)
    vtype = F32 if kind == "float" else I8
    otype = I8 if kind == "int8" else F32
    vq = (None, 0) if kind == "float" else (scale, 0 if kind == "hybrid" else zp)
    oq = vq if kind == "int8" else (None, 0)
    model = single_op_model("EMBEDDING_LOOKUP", [T(I32, [n]), T(vtype, value_shape, *vq)],
                            [T(otype, (n,) + value_shape[1:], *oq)])
    assert_matches_tflm(model, [ids, data(seed, vtype, value_shape)])


@ci(3)
@given(embedding_lookups(), seeds, scales(), zero_points())
def test_embedding_lookup(case, seed, scale, zp):
    run_embedding_lookup(case, seed, scale, zp)


@pytest.mark.slow
@SLOW
@given(embedding_lookups(), seeds, scales(), zero_points())
def test_embedding_lookup_slow(case, seed, scale, zp):
    run_embedding_lookup(case, seed, scale, zp)


def test_embedding_lookup_index_out_of_range_is_an_error():
    model = single_op_model("EMBEDDING_LOOKUP", [T(I32, [1]), T(F32, [2, 3])], [T(F32, [1, 3])])
    feeds = [np.array([2], I32), np.zeros((2, 3), F32)]
    with pytest.raises(RuntimeError):
        run_tflm(model, feeds)
    with pytest.raises(ModelError, match="EMBEDDING_LOOKUP.*lookup index 2 is out of range"):
        run_model(model, feeds)
