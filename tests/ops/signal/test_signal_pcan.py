"""SignalPCAN against the tflite-micro runtime: random gain tables and TFLM's own, noise
estimates over every octave (and 0, 1, 2, which read the table directly), every
``snr_shift`` a uint64 shift allows."""
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

CODE = "SignalPCAN"
LUT = 125


def model(n: int, snr_shift: int, lut: np.ndarray | None, lut_size: int = LUT) -> bytes:
    return signal_model(CODE, [T(np.uint32, [n]), T(np.uint32, [n]),
                               T(np.int16, [lut_size], data=lut)],
                        [T(np.uint32, [n])], {"snr_shift": snr_shift})


def noise_values(rng, n: int) -> np.ndarray:
    octave = rng.integers(0, 33, n)
    x = rng.integers(0, 2 ** 32, n, dtype=np.int64) >> (32 - octave)
    x[rng.random(n) < 0.15] = rng.integers(0, 3)
    return x.astype(np.uint32)


@st.composite
def cases(draw):
    return {"n": draw(st.integers(1, 48)), "snr_shift": draw(st.integers(0, 63)),
            "const_lut": draw(st.booleans()), "lut_style": draw(st.sampled_from(INT_STYLES)),
            "style": draw(st.sampled_from(INT_STYLES)), "seed": draw(seeds)}


def run_case(c) -> None:
    rng = np.random.default_rng(c["seed"])
    lut = int_data(rng, np.int16, [LUT], c["lut_style"])
    x = int_data(rng, np.uint32, [c["n"]], c["style"])
    noise = noise_values(rng, c["n"])
    pair = Pair(model(c["n"], c["snr_shift"], lut if c["const_lut"] else None))
    ours, ref = pair.invoke([x, noise] + ([] if c["const_lut"] else [lut]))
    assert_same(ours[0], ref[0], "pcan")


@budgets(ci=40, slow=2000)
def test_pcan_matches_tflm(examples):
    explore(examples, cases(), run_case)


@pytest.mark.parametrize("shift", [-1, 64])
def test_snr_shift_outside_uint64_is_refused(shift):
    with pytest.raises(ModelError, match="SignalPCAN.*snr_shift"):
        Pair(model(4, shift, np.zeros(LUT, np.int16)))


def test_short_gain_table_is_refused():
    # A noise estimate of 2^31 or more reads entries 122 to 124.
    with pytest.raises(ModelError, match="gain table has 124 entries"):
        Pair(model(4, 6, np.zeros(124, np.int16), lut_size=124))
