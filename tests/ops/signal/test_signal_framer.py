"""SignalFramer against the tflite-micro runtime, over streams of invokes (the buffered
samples are state in persistent memory), with and without prefill, then after a reset.

A frame TFLM does not have the samples for yet is not written (its slots keep what the
arena held) and ``output_valid`` is false: the test works out which frames are written
from the options alone and compares those, and the flag, every invoke.
"""
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

CODE = "SignalFramer"


def model(outer, n_frames: int, size: int, step: int, prefill: bool) -> bytes:
    return signal_model(CODE, [T(np.int16, [*outer, n_frames * step])],
                        [T(np.int16, [*outer, n_frames, size]), T(np.bool_, [])],
                        {"frame_size": size, "frame_step": step, "prefill": prefill})


def written_frames(invokes: int, n_frames: int, size: int, step: int, prefill: bool):
    """Per invoke, which frame slots TFLM fills: one step at a time, a frame once
    ``size`` samples are buffered (``size - step`` zeros to start with, if prefilled)."""
    buffered = size - step if prefill else 0
    out = []
    for _ in range(invokes):
        row = []
        for _ in range(n_frames):
            buffered += step
            row.append(buffered >= size)
            if row[-1]:
                buffered -= step
        out.append(np.array(row))
    return out


@st.composite
def cases(draw):
    step = draw(st.integers(1, 8))
    prefill = draw(st.booleans())
    size = draw(st.integers(step if prefill else 1, 24))
    return {"outer": draw(st.lists(st.integers(1, 3), max_size=2)),
            "n_frames": draw(st.integers(1, 4)), "size": size, "step": step,
            "prefill": prefill, "seed": draw(seeds)}


def run_case(c, invokes: int = 6) -> None:
    rng = np.random.default_rng(c["seed"])
    shape = [*c["outer"], c["n_frames"] * c["step"]]
    after = 3
    masks = written_frames(invokes, c["n_frames"], c["size"], c["step"], c["prefill"])
    masks += written_frames(after, c["n_frames"], c["size"], c["step"], c["prefill"])

    def compare(k, ours, ref):
        assert_same(ours[1], ref[1], f"invoke {k} output_valid")
        assert bool(ref[1]) == bool(masks[k].all())
        assert_same(ours[0][..., masks[k], :], ref[0][..., masks[k], :], f"invoke {k} frames")
    check_stream(model(c["outer"], c["n_frames"], c["size"], c["step"], c["prefill"]),
                 lambda k: [int_data(rng, np.int16, shape)], invokes, compare, after)


@budgets(ci=40, slow=2000, invokes=(6, 20))
def test_framer_matches_tflm(examples, invokes):
    explore(examples, cases(), lambda case: run_case(case, invokes))


def test_micro_speech_framing_30ms_every_20ms():
    """480-sample frames every 320 samples, fed 160 samples per invoke."""
    case = {"outer": [], "n_frames": 1, "size": 480, "step": 160, "prefill": False, "seed": 3}
    run_case(case, invokes=12)


def test_invalid_steps_are_refused():
    with pytest.raises(ModelError, match="SignalFramer.*option 'frame_step' is 0"):
        check_stream(signal_model(CODE, [T(np.int16, [4])], [T(np.int16, [1, 4]),
                                                             T(np.bool_, [])],
                                  {"frame_size": 4, "frame_step": 0, "prefill": False}),
                     None, 0)
    with pytest.raises(ModelError, match="SignalFramer.*prefill with frame_size 2 < frame_step 3"):
        check_stream(model([], 1, 2, 3, True), None, 0)
    with pytest.raises(ModelError, match="not a positive multiple of frame_step"):
        check_stream(signal_model(CODE, [T(np.int16, [7])], [T(np.int16, [2, 4]),
                                                             T(np.bool_, [])],
                                  {"frame_size": 4, "frame_step": 3, "prefill": False}),
                     None, 0)
