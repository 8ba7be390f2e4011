"""Single-operator models and their comparison with the reference runtimes.

Op tests describe tensors with ``T(...)``, build a one-operator model with
``single_op_model`` and compare this interpreter with TFLM through
``assert_matches_tflm`` (same dtype, same shape, same bytes), and its
``semantics="tflite"`` flavor with LiteRT's reference kernels through
``assert_matches_litert`` (``assert_tflite_only`` for the types only LiteRT runs). The Hypothesis
strategies here draw the quantization parameters and shapes the op tests
share.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Sequence

import numpy as np
import pytest
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm

from interpreter.builder import ModelBuilder
from interpreter.errors import UnsupportedOpError

INT8_MIN, INT8_MAX = -128, 127


@dataclass
class T:
    """A tensor of a single-op model; ``data`` makes it a constant."""

    dtype: Any
    shape: Sequence[int]
    scale: float | None = None
    zero_point: int = 0
    data: Any = None
    name: str = ""


def single_op_model(op: str, inputs: Sequence[T | None], outputs: Sequence[T],
                    options: dict | None = None) -> bytes:
    """A model running ``op`` once; non-constant inputs become the model's inputs, in order."""
    b = ModelBuilder(description=f"single {op}")

    def add(t: T, default_name: str) -> int:
        return b.add_tensor(t.name or default_name, t.dtype, list(t.shape), data=t.data,
                            scale=t.scale, zero_point=t.zero_point if t.scale is not None else None)

    in_ids = [-1 if t is None else add(t, f"input{i}") for i, t in enumerate(inputs)]
    out_ids = [add(t, f"output{i}") for i, t in enumerate(outputs)]
    b.add_operator(op, in_ids, out_ids, options=options)
    b.set_inputs([i for i, t in zip(in_ids, inputs) if t is not None and t.data is None])
    b.set_outputs(out_ids)
    return b.build()


def unary_model(op: str, dtype, shape, in_q=(None, 0), out_q=(None, 0),
                options: dict | None = None) -> bytes:
    """A one-input op whose output has the input's type and shape; ``in_q``, ``out_q``
    are (scale, zero point), a scale of None for an unquantized tensor."""
    return single_op_model(op, [T(dtype, shape, *in_q)], [T(dtype, shape, *out_q)], options)


def assert_same(ours: np.ndarray, ref: np.ndarray, what: str = "") -> None:
    """Byte-for-byte equality, including dtype and shape (and NaN payloads, -0.0)."""
    assert ours.dtype == ref.dtype, f"{what}: dtype {ours.dtype} != {ref.dtype}"
    assert ours.shape == ref.shape, f"{what}: shape {ours.shape} != {ref.shape}"
    if ours.tobytes() != ref.tobytes():
        diff = np.nonzero(ours.reshape(-1).view(np.uint8) != ref.reshape(-1).view(np.uint8))[0]
        idx = np.unique(diff // ours.dtype.itemsize)[:8]
        raise AssertionError(f"{what}: {len(idx)}+ elements differ at flat indices {idx.tolist()}: "
                             f"ours {ours.reshape(-1)[idx].tolist()} vs "
                             f"ref {ref.reshape(-1)[idx].tolist()}")


def assert_same_but_nan_bits(ours: np.ndarray, litert: np.ndarray) -> None:
    """For LiteRT on inputs holding NaN: when a running sum and the next term are both
    NaN (an input NaN meets an inf - inf), TFLM keeps the sum's NaN (sign bit set, the x86
    default NaN) and LiteRT's build may keep the term's; NaN positions and all else agree."""
    assert np.array_equal(np.isnan(ours), np.isnan(litert))
    assert_same(np.where(np.isnan(ours), np.float32(np.nan), ours),
                np.where(np.isnan(litert), np.float32(np.nan), litert))


def assert_matches_tflm(model: bytes, feeds: Sequence[np.ndarray], n_outputs: int = 1) -> list:
    """Run this interpreter and TFLM; every output must be identical. Returns ours."""
    ours = run_model(model, list(feeds))
    ref = run_tflm(model, list(feeds), n_outputs=n_outputs)
    for i, (a, r) in enumerate(zip(ours, ref)):
        assert_same(a, r, f"output {i} vs TFLM")
    return ours


def assert_matches_litert(model: bytes, feeds: Sequence[np.ndarray],
                          n_outputs: int | None = None) -> list:
    """Run ``semantics="tflite"`` and LiteRT's reference kernels (BUILTIN_REF); every output
    (``n_outputs`` of them, if given) must be identical. Returns ours."""
    ours = run_model(model, list(feeds), semantics="tflite")
    ref = run_litert(model, list(feeds))
    assert len(ours) == len(ref) == (n_outputs or len(ref))
    for i, (a, r) in enumerate(zip(ours, ref)):
        assert_same(a, r, f"output {i}: semantics='tflite' vs LiteRT")
    return ours


def assert_tflm_refuses(model: bytes, feeds: Sequence[np.ndarray], error: type[Exception],
                        match: str) -> None:
    """The TFLM runtime fails on the model, and this interpreter's default flavor
    (``semantics="tflm"``) refuses it with ``error`` matching ``match``."""
    with pytest.raises(error, match=match):
        run_model(model, list(feeds))
    with pytest.raises(RuntimeError):
        run_tflm(model, list(feeds))


def assert_tflite_only(model: bytes, feeds: Sequence[np.ndarray], op: str,
                       n_outputs: int | None = None) -> list:
    """A model of a type TFLM refuses and LiteRT's reference kernels run: the TFLM runtime
    fails on it, ``semantics="tflm"`` refuses it (UnsupportedOpError naming ``op``) and
    ``semantics="tflite"`` gives LiteRT's bytes. Returns ours."""
    assert_tflm_refuses(model, feeds, UnsupportedOpError, rf"{op} \(operator 0\)")
    return assert_matches_litert(model, feeds, n_outputs)


def tflm_and_litert(model: bytes, feeds: Sequence[np.ndarray], reference: bool = True):
    """(TFLM output 0, LiteRT output 0) for documenting where the runtimes differ."""
    return run_tflm(model, list(feeds))[0], run_litert(model, list(feeds), reference=reference)[0]


# -- data ---------------------------------------------------------------------

def random_data(rng: np.random.Generator, dtype, shape, float_scale: float = 4.0) -> np.ndarray:
    """Random tensor contents; integer tensors always include their extremes when big enough."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return (rng.standard_normal(shape) * float_scale).astype(dtype)
    info = np.iinfo(dtype)
    x = rng.integers(info.min, int(info.max) + 1, size=shape, dtype=np.int64).astype(dtype)
    flat = x.reshape(-1)
    if flat.size >= 2:
        flat[0], flat[-1] = info.min, info.max
    return x


def all_int8_values(shape=(2, 128)) -> np.ndarray:
    """Every int8 value once."""
    return np.arange(INT8_MIN, INT8_MAX + 1, dtype=np.int8).reshape(shape)


# -- strategies ---------------------------------------------------------------

seeds = st.integers(0, 2 ** 32 - 1)


def scales(lo_exp: float = -3.0, hi_exp: float = 0.5):
    """float32-representable quantization scales, log-uniform in [10^lo, 10^hi]."""
    return st.floats(lo_exp, hi_exp).map(lambda e: float(np.float32(10.0 ** e)))


def zero_points(dtype=np.int8):
    """Zero points of an integer type, the extremes and 0 included more often."""
    info = np.iinfo(dtype)
    return st.one_of(st.sampled_from([int(info.min), int(info.max), 0]),
                     st.integers(int(info.min), int(info.max)))


activations = st.sampled_from(["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])


@st.composite
def broadcast_shapes(draw, min_rank: int = 1, max_rank: int = 5, max_dim: int = 4):
    """(shape1, shape2, output shape) that broadcast by NumPy's rules, ranks may differ."""
    rank = draw(st.integers(min_rank, max_rank))
    out = draw(st.lists(st.integers(1, max_dim), min_size=rank, max_size=rank))
    # per dimension: both full, input 1 broadcast, or input 2 broadcast
    modes = draw(st.lists(st.sampled_from("=12"), min_size=rank, max_size=rank))
    s1 = [1 if m == "1" else d for d, m in zip(out, modes)]
    s2 = [1 if m == "2" else d for d, m in zip(out, modes)]

    def drop_leading_ones(shape):
        lead = next((i for i, d in enumerate(shape) if d != 1), len(shape))
        return shape[draw(st.integers(0, lead)):]

    s1, s2 = tuple(drop_leading_ones(s1)), tuple(drop_leading_ones(s2))
    return s1, s2, tuple(np.broadcast_shapes(s1, s2))
