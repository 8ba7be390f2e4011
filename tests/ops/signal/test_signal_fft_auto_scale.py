"""SignalFftAutoScale against the tflite-micro runtime, including TFLM's int16 corners:
-32768 in a frame (its running maximum wraps) and products that wrap in int16."""
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

CODE = "SignalFftAutoScale"


def model(n: int, out: int | None = None) -> bytes:
    return signal_model(CODE, [T(np.int16, [n])], [T(np.int16, [out or n]), T(np.int32, [])],
                        {})


@st.composite
def cases(draw):
    return {"n": draw(st.integers(1, 600)), "style": draw(st.sampled_from(INT_STYLES)),
            "min_at": draw(st.one_of(st.none(), st.floats(0, 1))), "seed": draw(seeds)}


def run_case(c) -> None:
    rng = np.random.default_rng(c["seed"])
    x = int_data(rng, np.int16, [c["n"]], c["style"])
    if c["min_at"] is not None:          # -32768 somewhere: TFLM's int16 maximum wraps
        x[int(c["min_at"] * (c["n"] - 1))] = -32768
    ours, ref = Pair(model(c["n"])).invoke([x])
    assert_same(ours[0], ref[0], "scaled")
    assert_same(ours[1], ref[1], "scale bits")


@budgets(ci=40, slow=2000)
def test_auto_scale_matches_tflm(examples):
    explore(examples, cases(), run_case)


@pytest.mark.parametrize("x", [[0, 0, 0], [-32768, 5, -3], [-32768, -5, 3, -200],
                               [1, -32768], [7, -32768, -32768, 0], [-1, 1]])
def test_wrapping_corners(x):
    x = np.array(x, np.int16)
    ours, ref = Pair(model(len(x))).invoke([x])
    assert_same(ours[0], ref[0])
    assert_same(ours[1], ref[1])


def test_output_longer_than_input_is_refused():
    with pytest.raises(ModelError, match="SignalFftAutoScale.*output has 5"):
        Pair(model(4, 5))
