"""EMBEDDING_LOOKUP against the TFLM runtime, and ``semantics="tflite"`` against LiteRT's
reference kernels (which also copy rows of bool, uint8, int16, int32 and int64)."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_tflm
from single_op import T
from single_op import assert_matches_litert
from single_op import assert_matches_tflm
from single_op import assert_tflite_only
from single_op import scales
from single_op import seeds
from single_op import single_op_model
from single_op import zero_points
from typed_data import BOOL
from typed_data import F32
from typed_data import I8
from typed_data import I16
from typed_data import I32
from typed_data import I64
from typed_data import U8
from typed_data import ci
from typed_data import data
from typed_data import example_quant
from typed_data import typed

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


@budgets(ci=120, slow=1000)
def test_embedding_lookup(examples):
    explore(examples, st.tuples(embedding_lookups(), seeds, scales(), zero_points()),
            lambda drawn: run_embedding_lookup(*drawn))


TFLITE_ONLY = [BOOL, U8, I16, I32, I64]   # LiteRT's reference kernels run them, TFLM refuses them


def run_row_copy(value_shape, n, dtype, q, seed, check):
    """A value tensor and an output of the same type: rows copied as bytes."""
    ids = np.random.default_rng(seed).integers(0, value_shape[0], size=n).astype(np.int32)
    model = single_op_model("EMBEDDING_LOOKUP", [T(I32, [n]), T(dtype, value_shape, *q)],
                            [T(dtype, (n,) + value_shape[1:], *q)])
    check(model, [ids, data(seed, dtype, value_shape)])


@ci(7)
@given(embedding_lookups(), typed([F32, I8] + TFLITE_ONLY), seeds)
def test_embedding_lookup_tflite_matches_litert(case, dq, seed):
    value_shape, n, _ = case
    run_row_copy(value_shape, n, *dq, seed, assert_matches_litert)


@pytest.mark.parametrize("dtype", TFLITE_ONLY)
def test_embedding_lookup_types_only_litert_runs(dtype):
    run_row_copy((4, 3), 3, dtype, example_quant(dtype), 0,
                 lambda model, feeds: assert_tflite_only(model, feeds, "EMBEDDING_LOOKUP"))


def test_embedding_lookup_index_out_of_range_is_an_error():
    model = single_op_model("EMBEDDING_LOOKUP", [T(I32, [1]), T(F32, [2, 3])], [T(F32, [1, 3])])
    feeds = [np.array([2], I32), np.zeros((2, 3), F32)]
    with pytest.raises(RuntimeError):
        run_tflm(model, feeds)
    with pytest.raises(ModelError, match="EMBEDDING_LOOKUP.*lookup index 2 is out of range"):
        run_model(model, feeds)
