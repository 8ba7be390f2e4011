"""SignalEnergy against the tflite-micro runtime.

TFLM writes only the bins from ``start_index`` to ``end_index``; the other
output slots keep whatever its arena held, so only the written bins are
compared (and this interpreter must leave the others untouched).
"""
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

CODE = "SignalEnergy"


def model(bins: int, start: int, end: int, out: int | None = None) -> bytes:
    return signal_model(CODE, [T(np.int16, [2 * bins])], [T(np.uint32, [out or bins])],
                        {"end_index": end, "start_index": start})


@st.composite
def cases(draw):
    bins = draw(st.integers(1, 300))
    end = draw(st.integers(0, bins))
    return {"bins": bins, "start": draw(st.integers(0, end)), "end": end,
            "style": draw(st.sampled_from(INT_STYLES)), "seed": draw(seeds)}


def run_case(c) -> None:
    x = int_data(np.random.default_rng(c["seed"]), np.int16, [2 * c["bins"]], c["style"])
    ours, ref = Pair(model(c["bins"], c["start"], c["end"])).invoke([x])
    written = slice(c["start"], c["end"])
    assert_same(ours[0][written], ref[0][written], "energy")
    untouched = np.ones(c["bins"], bool)
    untouched[written] = False
    assert not ours[0][untouched].any()


@budgets(ci=40, slow=2000)
def test_energy_matches_tflm(examples):
    explore(examples, cases(), run_case)


def test_full_scale_bin_wraps_through_int32():
    x = np.array([-32768, -32768, 32767, -32768, 0, -32768], np.int16)
    ours, ref = Pair(model(3, 0, 3)).invoke([x])
    assert_same(ours[0], ref[0])
    assert ours[0][0] == 1 << 31


@pytest.mark.parametrize("start,end", [(-1, 2), (2, 1), (0, 5)])
def test_indices_outside_the_spectrum_are_refused(start, end):
    with pytest.raises(ModelError, match="SignalEnergy.*start_index"):
        Pair(model(4, start, end))
