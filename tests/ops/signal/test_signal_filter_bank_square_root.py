"""SignalFilterBankSquareRoot against the tflite-micro runtime: TFLM's rounded integer
square root (its 32-bit path below 2^32, capped at 0xFFFF) and the auto-scale shift."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from signal_cases import Pair
from signal_cases import seeds
from signal_cases import signal_model
from single_op import T
from single_op import assert_same

from interpreter import Interpreter
from interpreter import ModelError

CODE = "SignalFilterBankSquareRoot"


def model(n: int, bits: int | None = None) -> bytes:
    scale = T(np.int32, [], data=None if bits is None else np.int32(bits))
    return signal_model(CODE, [T(np.uint64, [n]), scale], [T(np.uint32, [n])])


def values(rng, n: int) -> np.ndarray:
    """uint64 values around the edges of each of the root's code paths."""
    kind = rng.integers(0, 6, n)
    top = rng.integers(1, 65, n).astype(np.uint64)           # a bit length
    x = rng.integers(0, 2 ** 64 - 1, n, dtype=np.uint64, endpoint=True)
    x = np.where(top < 64, x >> (np.uint64(64) - top), x)
    def near(c):
        return np.uint64(c) + rng.integers(0, 5, n).astype(np.uint64)
    x = np.where(kind == 1, near(2 ** 32 - 3), x)
    x = np.where(kind == 2, near(65535 ** 2 - 2), x)
    x = np.where(kind == 3, np.uint64(2 ** 64 - 1) - rng.integers(0, 5, n).astype(np.uint64),
                 x)
    x = np.where(kind == 4, rng.integers(0, 300, n).astype(np.uint64), x)
    return x


@st.composite
def cases(draw):
    return {"n": draw(st.integers(1, 64)), "bits": draw(st.integers(0, 31)),
            "const": draw(st.booleans()), "seed": draw(seeds)}


def run_case(c) -> None:
    x = values(np.random.default_rng(c["seed"]), c["n"])
    pair = Pair(model(c["n"], c["bits"] if c["const"] else None))
    ours, ref = pair.invoke([x] if c["const"] else [x, np.int32(c["bits"])])
    assert_same(ours[0], ref[0], "roots")


@budgets(ci=40, slow=2000)
def test_square_root_matches_tflm(examples):
    explore(examples, cases(), run_case)


def test_exhaustive_low_values_and_the_32_bit_cap():
    x = np.concatenate([np.arange(5000), 2 ** 32 - 1 - np.arange(200),
                        65535 ** 2 + np.arange(-100, 100), 2 ** 32 + np.arange(100)])
    x = x.astype(np.uint64)
    ours, ref = Pair(model(x.size, 0)).invoke([x])
    assert_same(ours[0], ref[0])


def test_scale_bits_outside_0_31_fail_at_invoke():
    interp = Interpreter(model_content=model(4))
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[1]["index"], np.int32(32))
    with pytest.raises(ModelError, match="SignalFilterBankSquareRoot.*scale bits is 32"):
        interp.invoke()
