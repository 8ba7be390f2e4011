"""SignalFilterBank against the tflite-micro runtime: random channel layouts, int16
weights of either sign (a negative one wraps in TFLM's uint64 products), powers up to
2^32, and tables given as constants (as converters write them) or as inputs."""
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

CODE = "SignalFilterBank"


def tables(rng, bins: int, channels: int, weight_style: str):
    """Random but in-bounds weights, unweights, frequency starts, weight starts, widths."""
    n = channels + 1
    widths = rng.integers(0, min(bins, 12) + 1, n)
    widths[rng.random(n) < 0.1] = -rng.integers(1, 4)    # TFLM's loop skips those
    span = np.maximum(widths, 0)
    freq = np.array([rng.integers(0, bins - w + 1) for w in span])
    size = int(span.sum()) + int(rng.integers(0, 4))
    starts = np.array([rng.integers(0, size - w + 1) for w in span])
    weights = int_data(rng, np.int16, [max(size, 1)], weight_style)
    unweights = int_data(rng, np.int16, [max(size, 1)], weight_style)
    return [weights, unweights] + [a.astype(np.int16) for a in (freq, starts, widths)]


def model(bins: int, channels: int, tabs, const: bool, out: int | None = None) -> bytes:
    ins = [T(np.uint32, [bins])] + [T(np.int16, list(t.shape), data=t if const else None)
                                    for t in tabs]
    return signal_model(CODE, ins, [T(np.uint64, [out or channels])],
                        {"num_channels": channels})


@st.composite
def cases(draw):
    return {"bins": draw(st.integers(1, 300)), "channels": draw(st.integers(1, 40)),
            "const": draw(st.booleans()), "out": draw(st.booleans()),
            "styles": draw(st.tuples(st.sampled_from(INT_STYLES), st.sampled_from(INT_STYLES))),
            "seed": draw(seeds)}


def run_case(c) -> None:
    rng = np.random.default_rng(c["seed"])
    tabs = tables(rng, c["bins"], c["channels"], c["styles"][1])
    power = int_data(rng, np.uint32, [c["bins"]], c["styles"][0])
    out = int(rng.integers(1, c["channels"] + 1)) if c["out"] else None
    feeds = [power] + ([] if c["const"] else tabs)
    ours, ref = Pair(model(c["bins"], c["channels"], tabs, c["const"], out)).invoke(feeds)
    assert_same(ours[0], ref[0], "channels")


@budgets(ci=40, slow=2000)
def test_filter_bank_matches_tflm(examples):
    explore(examples, cases(), run_case)


def test_out_of_bounds_channels_are_refused():
    rng = np.random.default_rng(0)
    tabs = tables(rng, 16, 4, "full")
    tabs[2] = tabs[2].copy()
    tabs[2][1], tabs[4][1] = 15, 3          # channel 1 reads bins 15..17 of 16
    with pytest.raises(ModelError, match="SignalFilterBank.*channel 1 reads bins 15"):
        Pair(model(16, 4, tabs, const=True))
    # The same tables as inputs: found at invoke, before anything is read.
    pair_model = model(16, 4, tabs, const=False)
    from interpreter import Interpreter
    interp = Interpreter(model_content=pair_model)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), [np.zeros(16, np.uint32)] + tabs):
        interp.set_tensor(d["index"], x)
    with pytest.raises(ModelError, match="channel 1 reads bins 15"):
        interp.invoke()


def test_table_and_output_sizes_are_checked():
    tabs = tables(np.random.default_rng(1), 16, 4, "full")
    with pytest.raises(ModelError, match="more than num_channels"):
        Pair(model(16, 4, tabs, const=True, out=5))
    with pytest.raises(ModelError, match="channel_frequency_starts has 5 entries; num_channels 5 needs 6"):
        Pair(signal_model(CODE, [T(np.uint32, [16])] + [T(np.int16, list(t.shape), data=t)
                                                        for t in tabs],
                          [T(np.uint64, [5])], {"num_channels": 5}))
