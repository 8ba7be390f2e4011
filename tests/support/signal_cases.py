"""Shared by the Signal op tests: single-op models, side-by-side runs, random data.

``signal_model`` builds a model of one Signal custom op (options as a
FlexBuffer map); ``Pair`` holds this interpreter and the tflite-micro runtime
on the same model and invokes both with the same inputs, so that state the
ops keep across invokes is compared invoke after invoke; ``check_stream``
runs a stream of invokes, resets both and runs a few more.
"""
from __future__ import annotations

from typing import Callable
from typing import Sequence

import numpy as np
import pytest
from flatbuffers import flexbuffers
from hypothesis import strategies as st
from single_op import T
from single_op import assert_same

from interpreter import Interpreter
from interpreter.builder import ModelBuilder

seeds = st.integers(0, 2 ** 32 - 1)


def flex(options: dict) -> bytes:
    return bytes(flexbuffers.Dumps(options))


def signal_model(code: str, inputs: Sequence[T], outputs: Sequence[T],
                 options: dict | bytes | None = None) -> bytes:
    """One ``CUSTOM:<code>`` operator; non-constant inputs are the model's inputs, in order."""
    b = ModelBuilder(description=f"single {code}")
    in_ids = [b.add_tensor(t.name or f"input{i}", t.dtype, list(t.shape), data=t.data)
              for i, t in enumerate(inputs)]
    out_ids = [b.add_tensor(t.name or f"output{i}", t.dtype, list(t.shape))
               for i, t in enumerate(outputs)]
    custom = flex(options) if isinstance(options, dict) else options
    b.add_operator("CUSTOM", in_ids, out_ids, custom_code=code, custom_options=custom)
    b.set_inputs([i for i, t in zip(in_ids, inputs) if t.data is None])
    b.set_outputs(out_ids)
    return b.build()


def tflm_runtime():
    return pytest.importorskip("tflite_micro.python.tflite_micro.runtime",
                               reason="tflite-micro not installed (pip install '.[test]')")


class Pair:
    """This interpreter and TFLM on one model, invoked in step."""

    def __init__(self, model: bytes):
        self.ours = Interpreter(model_content=model)
        self.ours.allocate_tensors()
        self.tflm = tflm_runtime().Interpreter.from_bytes(bytes(model), arena_size=1 << 20)
        self.n_outputs = len(self.ours.get_output_details())

    def invoke(self, feeds: Sequence[np.ndarray]) -> tuple[list, list]:
        for d, x in zip(self.ours.get_input_details(), feeds):
            self.ours.set_tensor(d["index"], x)
        self.ours.invoke()
        for i, x in enumerate(feeds):
            self.tflm.set_input(x, i)
        self.tflm.invoke()
        ours = [self.ours.get_tensor(d["index"]) for d in self.ours.get_output_details()]
        ref = [np.array(self.tflm.get_output(i)) for i in range(self.n_outputs)]
        return ours, ref

    def reset(self) -> None:
        self.ours.reset_all_variables()
        self.tflm.reset()


def assert_all_same(k: int, ours: list, ref: list) -> None:
    for i, (a, r) in enumerate(zip(ours, ref)):
        assert_same(a, r, f"invoke {k} output {i}")


def check_stream(model: bytes, feeds: Callable[[int], Sequence[np.ndarray]], invokes: int,
                 compare: Callable[[int, list, list], None] = assert_all_same,
                 after_reset: int = 2) -> Pair:
    """``invokes`` invokes, a reset of both, ``after_reset`` more; ``compare(k, ours, ref)``
    after each (k counts on after the reset)."""
    pair = Pair(model)
    for k in range(invokes):
        compare(k, *pair.invoke(feeds(k)))
    pair.reset()
    for k in range(after_reset):
        compare(invokes + k, *pair.invoke(feeds(invokes + k)))
    return pair


# -- data ---------------------------------------------------------------------------

INT_STYLES = ("full", "small", "extremes", "zeros")


def int_data(rng: np.random.Generator, dtype, shape, style: str = "full") -> np.ndarray:
    """Integers of ``dtype``: the full range, a small range, mostly extremes, or zeros."""
    dtype = np.dtype(dtype)
    info = np.iinfo(dtype)
    lo, hi = int(info.min), int(info.max)
    if style == "small":
        bits = int(rng.integers(1, info.bits))
        lo, hi = max(lo, -(1 << bits)), min(hi, 1 << bits)
    x = rng.integers(lo, hi, size=shape, endpoint=True, dtype=np.int64 if hi < 2 ** 63
                     else np.uint64).astype(dtype)
    if style == "extremes":
        pick = rng.integers(0, 3, size=shape)
        x = np.where(pick == 0, info.min, np.where(pick == 1, info.max, x)).astype(dtype)
    elif style == "zeros":
        x[...] = 0
    return x
