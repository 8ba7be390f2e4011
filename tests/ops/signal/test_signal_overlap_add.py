"""SignalOverlapAdd against the tflite-micro runtime (int16 and float32 kernels) over
streams of invokes: the overlap tail is state in persistent memory, zeroed by a reset."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from signal_cases import INT_STYLES
from signal_cases import check_stream
from signal_cases import int_data
from signal_cases import seeds
from signal_cases import signal_model
from single_op import T

from interpreter import ModelError
from interpreter import UnsupportedOpError

CODE = "SignalOverlapAdd"
TYPES = {np.int16: 7, np.float32: 0}


def model(dtype, outer, n_frames: int, size: int, step: int) -> bytes:
    return signal_model(CODE, [T(dtype, [*outer, n_frames, size])],
                        [T(dtype, [*outer, n_frames * step])],
                        {"T": TYPES[dtype], "frame_step": step})


@st.composite
def cases(draw):
    size = draw(st.integers(1, 32))
    return {"dtype": draw(st.sampled_from(list(TYPES))), "outer": draw(
        st.lists(st.integers(1, 3), max_size=2)), "n_frames": draw(st.integers(1, 4)),
        "size": size, "step": draw(st.integers(1, size)),
        "style": draw(st.sampled_from(INT_STYLES)), "seed": draw(seeds)}


def run_case(c, invokes: int = 5) -> None:
    rng = np.random.default_rng(c["seed"])
    shape = [*c["outer"], c["n_frames"], c["size"]]

    def feeds(k):
        if c["dtype"] == np.float32:
            return [(rng.standard_normal(shape) * 100).astype(np.float32)]
        return [int_data(rng, np.int16, shape, c["style"])]
    check_stream(model(c["dtype"], c["outer"], c["n_frames"], c["size"], c["step"]), feeds,
                 invokes)


@budgets(ci=40, slow=2000, invokes=(5, 20))
def test_overlap_add_matches_tflm(examples, invokes):
    explore(examples, cases(), lambda case: run_case(case, invokes))


@pytest.mark.parametrize("step", [0, 5])
def test_step_outside_the_frame_is_refused(step):
    with pytest.raises(ModelError, match="SignalOverlapAdd.*frame_step"):
        check_stream(model(np.int16, [], 2, 4, step), None, 0)


def test_int32_has_no_kernel():
    with pytest.raises(UnsupportedOpError, match="SignalOverlapAdd.*option 'T' is tensor type 2"):
        check_stream(signal_model(CODE, [T(np.int32, [2, 4])], [T(np.int32, [4])],
                                  {"T": 2, "frame_step": 2}), None, 0)
