"""SignalStacker against the tflite-micro runtime over streams of invokes: the stacked
vectors are state in persistent memory, the first vector pads the left context, and a
reset forgets both. The output is written only when ``output_valid`` is true."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from signal_cases import assert_same
from signal_cases import check_stream
from signal_cases import int_data
from signal_cases import seeds
from signal_cases import signal_model
from single_op import T

from interpreter import ModelError

CODE = "SignalStacker"


def model(channels: int, left: int, right: int, step: int) -> bytes:
    return signal_model(CODE, [T(np.int16, [channels])],
                        [T(np.int16, [channels * (left + right + 1)]), T(np.bool_, [])],
                        {"num_channels": channels, "stacker_left_context": left,
                         "stacker_right_context": right, "stacker_step": step})


def valid_invokes(invokes: int, left: int, right: int, step: int) -> list[bool]:
    """Which invokes output a stack, counted in vectors: the first brings 1 + left."""
    have, out = 0, []
    for k in range(invokes):
        have += 1 + (left if k == 0 else 0)
        out.append(have >= left + right + 1)
        if out[-1]:
            have -= step
    return out


@st.composite
def cases(draw):
    left, right = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    return {"channels": draw(st.integers(1, 12)), "left": left, "right": right,
            "step": draw(st.integers(1, left + right + 1)), "seed": draw(seeds)}


def run_case(c, invokes: int = 8) -> None:
    rng = np.random.default_rng(c["seed"])
    after = 4
    valid = valid_invokes(invokes, c["left"], c["right"], c["step"]) + \
        valid_invokes(after, c["left"], c["right"], c["step"])

    def compare(k, ours, ref):
        assert_same(ours[1], ref[1], f"invoke {k} output_valid")
        assert bool(ref[1]) == valid[k]
        if valid[k]:
            assert_same(ours[0], ref[0], f"invoke {k} stack")
    check_stream(model(c["channels"], c["left"], c["right"], c["step"]),
                 lambda k: [int_data(rng, np.int16, [c["channels"]])], invokes, compare, after)


@budgets(ci=40, slow=2000, invokes=(8, 30))
def test_stacker_matches_tflm(examples, invokes):
    explore(examples, cases(), lambda case: run_case(case, invokes))


@pytest.mark.parametrize("step", [0, 4])
def test_step_outside_the_window_is_refused(step):
    with pytest.raises(ModelError, match="SignalStacker.*stacker_step"):
        check_stream(model(3, 1, 1, step), None, 0)
