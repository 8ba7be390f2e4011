"""DYNAMIC_UPDATE_SLICE against the TFLM runtime.

Random operand and update shapes (rank 1 to 6, empty updates included),
float32/int8/int16/int32 values, int32 or int64 start indices, constant or
fed at run time, mostly out of range (TFLM clamps them into the operand),
including the index types' extremes. Quantized operands, updates and outputs
get unrelated parameters: TFLM copies bytes without rescaling. Validation:
models TFLM refuses raise a typed error naming the op, and TFLM refuses them
too. ``semantics="tflite"`` against LiteRT's reference kernels, which also run
bool, uint8 and int64 operands.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
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

from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError

CI = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TYPES = [np.float32, np.int8, np.int16, np.int32]
TFLITE_ONLY = [np.bool_, np.uint8, np.int64]    # LiteRT runs them, TFLM refuses them
INDEX_TYPES = [np.int32, np.int64]
OP = "DYNAMIC_UPDATE_SLICE"


@st.composite
def cases(draw, max_rank=6, max_dim=5):
    """(operand shape, update shape, start indices, index type).

    ``max_dim`` 6 at rank 6 is as large as TFLM's default test arena (1 MiB) holds.
    """
    rank = draw(st.integers(1, max_rank))
    shape = draw(st.lists(st.integers(1, max_dim), min_size=rank, max_size=rank))
    empty = draw(st.integers(0, 19)) == 0          # now and then an update with no element
    update = [draw(st.integers(0 if empty else 1, d)) for d in shape]
    index_type = draw(st.sampled_from(INDEX_TYPES))
    info = np.iinfo(index_type)
    start = [draw(st.one_of(st.integers(-8, 10), st.integers(0, d - u),
                            st.sampled_from([int(info.min), int(info.max), -1, d, d - u + 1])))
             for d, u in zip(shape, update)]
    return tuple(shape), tuple(update), start, index_type


@st.composite
def quantizations(draw, dtype):
    """Three unrelated (scale, zero point) pairs for operand, update and output, or none."""
    if dtype not in (np.int8, np.uint8, np.int16):
        return [(None, 0)] * 3
    return [(draw(scales(-3, 0)), draw(zero_points(dtype))) for _ in range(3)]


def values(rng, dtype, shape):
    if np.dtype(dtype).kind == "f":
        x = (rng.standard_normal(shape) * 100).astype(dtype)
        flat = x.reshape(-1)
        specials = np.array([np.nan, np.inf, -np.inf, -0.0], dtype)[:flat.size]
        flat[:len(specials)] = specials
        return x
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(int(info.min), int(info.max) + 1, size=shape).astype(dtype)


def check(case, dtype, quant, constant, seed, compare=assert_matches_tflm):
    shape, ushape, start, index_type = case
    (s0, z0), (s1, z1), (s2, z2) = quant
    start = np.array(start, index_type)
    idx = T(index_type, [len(shape)], data=start if constant else None)
    model = single_op_model(OP, [T(dtype, shape, s0, z0), T(dtype, ushape, s1, z1), idx],
                            [T(dtype, shape, s2, z2)])
    rng = np.random.default_rng(seed)
    feeds = [values(rng, dtype, shape), values(rng, dtype, ushape)]
    if not constant:
        feeds.append(start)
    ours = compare(model, feeds)[0]
    # and the semantics, independently: the clamped box holds the update
    if 0 not in ushape:
        lo = [min(max(0, int(s)), d - u) for s, d, u in zip(start, shape, ushape)]
        box = tuple(slice(b, b + u) for b, u in zip(lo, ushape))
        assert ours[box].tobytes() == feeds[1].tobytes()


def _check_drawn(drawn):
    case, dtype, data, constant, seed = drawn
    check(case, dtype, data.draw(quantizations(dtype)), constant, seed)


@budgets(ci=300, slow=3000, max_dim=(5, 6))
def test_dynamic_update_slice(examples, max_dim):
    explore(examples, st.tuples(cases(max_dim=max_dim), st.sampled_from(TYPES), st.data(),
                                st.booleans(), seeds), _check_drawn)


@CI
@given(cases(), st.sampled_from(TYPES + TFLITE_ONLY), st.data(), st.booleans(), seeds)
def test_dynamic_update_slice_tflite_matches_litert(case, dtype, data, constant, seed):
    if 0 in case[1]:
        return       # LiteRT's Python API cannot feed an empty update
    check(case, dtype, data.draw(quantizations(dtype)), constant, seed, assert_matches_litert)


def test_update_as_large_as_the_operand_replaces_it_whatever_the_start():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    model = single_op_model(OP, [T(np.float32, (3, 4)), T(np.float32, (3, 4)),
                                 T(np.int32, (2,), data=np.array([5, -7], np.int32))],
                            [T(np.float32, (3, 4))])
    ours = assert_matches_tflm(model, [x, x + 100])[0]
    assert np.array_equal(ours, x + 100)


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_every_start_of_a_row_is_clamped(index_type):
    """Run-time starts from far below to far above the operand on a 1-D update."""
    model = single_op_model(OP, [T(np.int16, (7,), 0.1, 3), T(np.int16, (3,), 0.5, -2),
                                 T(index_type, (1,))], [T(np.int16, (7,), 0.1, 3)])
    x = np.arange(7, dtype=np.int16)
    u = np.array([-1, -2, -3], np.int16)
    info = np.iinfo(index_type)
    for s in [int(info.min), -(1 << 31), -5, -1, 0, 1, 2, 3, 4, 5, 6, 7, 100, int(info.max)]:
        start = np.array([s], index_type)
        ours = assert_matches_tflm(model, [x, u, start])[0]
        b = min(max(s, 0), 4)
        assert ours[b:b + 3].tolist() == [-1, -2, -3]


def test_output_of_another_shape_with_as_many_elements_gets_the_flat_result():
    """TFLM writes the operand's elements into the output in order, whatever its shape."""
    model = single_op_model(OP, [T(np.float32, (3, 4)), T(np.float32, (2, 2)),
                                 T(np.int32, (2,), data=np.array([1, 1], np.int32))],
                            [T(np.float32, (12,))])
    assert_matches_tflm(model, [np.arange(12, dtype=np.float32).reshape(3, 4),
                                np.full((2, 2), 9, np.float32)])


# -- validation ---------------------------------------------------------------------------------

def _model(operand=(np.float32, (3, 4)), update=(np.float32, (2, 2)),
           start=(np.int32, (2,)), output=(np.float32, (3, 4))):
    st_type, st_shape = start
    st_data = np.ones(st_shape, st_type)
    return single_op_model(OP, [T(operand[0], operand[1]), T(update[0], update[1]),
                                T(st_type, st_shape, data=st_data)],
                           [T(output[0], output[1])])


def _feeds(model_kw):
    return [np.zeros(s, t) for t, s in (model_kw.get("operand", (np.float32, (3, 4))),
                                        model_kw.get("update", (np.float32, (2, 2))))]


REFUSED_BY_BOTH = {
    "operand and update types": {"update": (np.int32, (2, 2))},
    "int16 start indices": {"start": (np.int16, (2,))},
    "float32 start indices": {"start": (np.float32, (2,))},
    "start indices of rank 2": {"start": (np.int32, (1, 2))},
    "too many start indices": {"start": (np.int32, (3,))},
    "too few start indices": {"start": (np.int32, (1,))},
    "update of lower rank": {"update": (np.float32, (4,))},
    "update larger than the operand": {"update": (np.float32, (2, 5))},
    "operand of rank 7": {"operand": (np.float32, (1, 1, 2, 1, 1, 1, 2)),
                          "update": (np.float32, (1, 1, 1, 1, 1, 1, 2)),
                          "start": (np.int32, (7,)),
                          "output": (np.float32, (1, 1, 2, 1, 1, 1, 2))},
    "scalar operand": {"operand": (np.float32, ()), "update": (np.float32, ()),
                       "start": (np.int32, (0,)), "output": (np.float32, ())},
}


@pytest.mark.parametrize("what", sorted(REFUSED_BY_BOTH))
def test_models_tflm_refuses_raise_model_error(what):
    kw = REFUSED_BY_BOTH[what]
    model = _model(**kw)
    with pytest.raises(ModelError, match=OP):
        run_model(model, _feeds(kw))
    with pytest.raises(RuntimeError):
        run_tflm(model, _feeds(kw))


@pytest.mark.parametrize("dtype", TFLITE_ONLY)
def test_types_only_litert_runs(dtype):
    # semantics="tflm" refuses them as TFLM does; LiteRT runs them, and so does "tflite"
    kw = {"operand": (dtype, (3, 4)), "update": (dtype, (2, 2)), "output": (dtype, (3, 4))}
    model = _model(**kw)
    with pytest.raises(UnsupportedOpError, match=f"{OP}.*{np.dtype(dtype)}"):
        run_model(model, _feeds(kw))
    assert_tflite_only(model, _feeds(kw), OP)


@pytest.mark.parametrize("output", [(np.float32, (4, 4)), (np.float32, (2, 4)),
                                    (np.int32, (3, 4))])
def test_output_tflm_would_write_past_or_misread_is_refused(output):
    """TFLM does not check the output: it writes the operand's bytes into whatever it is
    (past its end, or reinterpreted); here that is a ModelError."""
    with pytest.raises(ModelError, match=f"{OP}.*output"):
        run_model(_model(output=output), _feeds({}))


def test_missing_input_is_refused():
    model = single_op_model(OP, [T(np.float32, (3, 4)), T(np.float32, (2, 2))],
                            [T(np.float32, (3, 4))])
    with pytest.raises(ModelError, match=OP):
        run_model(model, [np.zeros((3, 4), np.float32), np.zeros((2, 2), np.float32)])
