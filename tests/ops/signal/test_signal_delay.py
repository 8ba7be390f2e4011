"""SignalDelay against the tflite-micro runtime over streams of invokes (the delay line is
state in persistent memory; a reset refills it with zeros)."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from signal_cases import check_stream
from signal_cases import int_data
from signal_cases import seeds
from signal_cases import signal_model
from single_op import T

from interpreter import ModelError

CODE = "SignalDelay"


def model(shape, delay: int) -> bytes:
    return signal_model(CODE, [T(np.int16, shape)], [T(np.int16, shape)],
                        {"delay_length": delay})


@st.composite
def cases(draw):
    return {"shape": draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)),
            "delay": draw(st.integers(0, 40)), "seed": draw(seeds)}


def run_case(c, invokes: int = 6) -> None:
    rng = np.random.default_rng(c["seed"])
    check_stream(model(c["shape"], c["delay"]),
                 lambda k: [int_data(rng, np.int16, c["shape"])], invokes)


@budgets(ci=40, slow=2000, invokes=(6, 30))
def test_delay_matches_tflm(examples, invokes):
    explore(examples, cases(), lambda case: run_case(case, invokes))


def test_negative_delay_is_refused():
    with pytest.raises(ModelError, match="SignalDelay.*delay_length"):
        check_stream(model([4], -1), None, 0)
