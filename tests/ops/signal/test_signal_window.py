"""SignalWindow against the tflite-micro runtime: int16 frames times an int16 window."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from signal_cases import INT_STYLES
from signal_cases import Pair
from signal_cases import int_data
from signal_cases import seeds
from signal_cases import signal_model
from single_op import T
from single_op import assert_same

from interpreter import ModelError
from interpreter import UnsupportedOpError

CODE = "SignalWindow"


@st.composite
def cases(draw):
    return {"size": draw(st.integers(1, 64)),
            "frames": draw(st.lists(st.integers(1, 3), max_size=2)),
            "shift": draw(st.integers(0, 31)),
            "const_window": draw(st.booleans()),
            "styles": draw(st.tuples(st.sampled_from(INT_STYLES), st.sampled_from(INT_STYLES))),
            "seed": draw(seeds)}


def run_case(c) -> None:
    rng = np.random.default_rng(c["seed"])
    shape = [*c["frames"], c["size"]]
    x = int_data(rng, np.int16, shape, c["styles"][0])
    w = int_data(rng, np.int16, [c["size"]], c["styles"][1])
    window = T(np.int16, [c["size"]], data=w if c["const_window"] else None)
    model = signal_model(CODE, [T(np.int16, shape), window], [T(np.int16, shape)],
                         {"shift": c["shift"]})
    ours, ref = Pair(model).invoke([x] if c["const_window"] else [x, w])
    assert_same(ours[0], ref[0], "window output")


@budgets(ci=40, slow=2000)
def test_window_matches_tflm(examples):
    explore(examples, cases(), run_case)


def test_window_saturates_and_floors():
    x = np.array([-32768, 32767, -3, 3, 1], np.int16)
    w = np.array([-32768, -32768, 1, 1, 32767], np.int16)
    model = signal_model(CODE, [T(np.int16, [5]), T(np.int16, [5], data=w)],
                         [T(np.int16, [5])], {"shift": 1})
    ours, ref = Pair(model).invoke([x])
    assert_same(ours[0], ref[0])


@pytest.mark.parametrize("shift", [-1, 32])
def test_shift_outside_int32_is_refused(shift):
    model = signal_model(CODE, [T(np.int16, [4]), T(np.int16, [4], data=np.ones(4))],
                         [T(np.int16, [4])], {"shift": shift})
    with pytest.raises(ModelError, match="SignalWindow.*shift"):
        Pair(model)


def test_partial_window_and_types_are_refused():
    w = T(np.int16, [3], data=np.ones(3))
    with pytest.raises(ModelError, match="SignalWindow.*multiple of the window"):
        Pair(signal_model(CODE, [T(np.int16, [4]), w], [T(np.int16, [4])], {"shift": 0}))
    with pytest.raises(UnsupportedOpError, match="SignalWindow.*float32"):
        Pair(signal_model(CODE, [T(np.float32, [3]), w], [T(np.float32, [3])], {"shift": 0}))
