"""SignalFilterBankLog against the tflite-micro runtime: TFLM's table-interpolated log,
its uint32 shift and output-scale wrap, and the clamp to int16."""
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

CODE = "SignalFilterBankLog"


def model(n: int, bits: int, scale: int) -> bytes:
    return signal_model(CODE, [T(np.uint32, [n])], [T(np.int16, [n])],
                        {"input_correction_bits": bits, "output_scale": scale})


@st.composite
def cases(draw):
    return {"n": draw(st.integers(1, 64)), "bits": draw(st.integers(0, 31)),
            "scale": draw(st.one_of(st.integers(0, 1 << 10),
                                    st.integers(-2 ** 31, 2 ** 31 - 1))),
            "style": draw(st.sampled_from(INT_STYLES)), "seed": draw(seeds)}


def run_case(c) -> None:
    x = int_data(np.random.default_rng(c["seed"]), np.uint32, [c["n"]], c["style"])
    k = min(2, c["n"])
    x[:k] = [0, 1][:k]            # 0 and 1 give 0 without a log
    ours, ref = Pair(model(c["n"], c["bits"], c["scale"])).invoke([x])
    assert_same(ours[0], ref[0], "log")


@budgets(ci=40, slow=2000)
def test_log_matches_tflm(examples):
    explore(examples, cases(), run_case)


def test_every_octave_and_segment():
    """One value per log-table segment in every octave, at micro_speech's settings."""
    octaves = np.arange(1, 32)[:, None]
    seg = np.arange(0, 128)[None, :]
    x = ((1 << octaves) + ((seg << octaves) >> 7)).reshape(-1).astype(np.uint32)
    ours, ref = Pair(model(x.size, 3, 64)).invoke([x])
    assert_same(ours[0], ref[0])


@pytest.mark.parametrize("bits", [-1, 32])
def test_correction_bits_outside_uint32_shift_are_refused(bits):
    with pytest.raises(ModelError, match="SignalFilterBankLog.*input_correction_bits"):
        Pair(model(4, bits, 64))
