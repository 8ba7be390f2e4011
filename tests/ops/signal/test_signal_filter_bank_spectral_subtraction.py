"""SignalFilterBankSpectralSubtraction against the tflite-micro runtime, over streams of
invokes: the noise estimate is state TFLM keeps in persistent memory, so after every
invoke both outputs (the cleaned channels and the estimate) must equal TFLM's, and a
reset must bring the estimate back to zero as TFLM's does."""
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

CODE = "SignalFilterBankSpectralSubtraction"
#: what TFLM's micro_speech front end uses
MICRO_SPEECH = {"alternate_one_minus_smoothing": 15401, "alternate_smoothing": 983,
                "clamping": False, "min_signal_remaining": 819, "num_channels": 40,
                "one_minus_smoothing": 15975, "smoothing": 409, "smoothing_bits": 10,
                "spectral_subtraction_bits": 14}


def model(options: dict, n: int | None = None, noise: int | None = None) -> bytes:
    n = n or options["num_channels"]
    return signal_model(CODE, [T(np.uint32, [n])],
                        [T(np.uint32, [n]), T(np.uint32, [noise or options["num_channels"]])],
                        options)


coefficient = st.one_of(st.integers(0, 1 << 14), st.integers(-2 ** 31, 2 ** 31 - 1))


@st.composite
def cases(draw):
    opts = {"num_channels": draw(st.integers(1, 40)),
            "smoothing": draw(coefficient), "one_minus_smoothing": draw(coefficient),
            "alternate_smoothing": draw(coefficient),
            "alternate_one_minus_smoothing": draw(coefficient),
            "min_signal_remaining": draw(coefficient), "clamping": draw(st.booleans()),
            "smoothing_bits": draw(st.integers(0, 31)),
            "spectral_subtraction_bits": draw(st.integers(0, 63))}
    return {"opts": opts, "styles": draw(st.lists(st.sampled_from(INT_STYLES), min_size=1,
                                                  max_size=3)),
            "seed": draw(seeds)}


def run_case(c, invokes: int = 6) -> None:
    rng = np.random.default_rng(c["seed"])
    n = c["opts"]["num_channels"]
    styles = c["styles"]
    check_stream(model(c["opts"]),
                 lambda k: [int_data(rng, np.uint32, [n], styles[k % len(styles)])], invokes)


@budgets(ci=40, slow=2000, invokes=(6, 20))
def test_spectral_subtraction_matches_tflm(examples, invokes):
    explore(examples, cases(), lambda case: run_case(case, invokes))


def test_micro_speech_settings_over_a_long_stream():
    rng = np.random.default_rng(7)
    level = rng.integers(100, 4000, 40)

    def feeds(k):   # a noise floor with bursts, as filter-bank magnitudes look
        burst = 20 if 30 <= k < 45 else 1
        return [(level * burst + rng.integers(0, 200, 40)).astype(np.uint32)]
    check_stream(model(MICRO_SPEECH), feeds, 80, after_reset=5)


@pytest.mark.parametrize("key,value", [("smoothing_bits", 32), ("smoothing_bits", -1),
                                       ("spectral_subtraction_bits", 64),
                                       ("num_channels", 0)])
def test_options_that_make_tflm_undefined_are_refused(key, value):
    with pytest.raises(ModelError, match=f"SignalFilterBankSpectralSubtraction.*{key}"):
        check_stream(model({**MICRO_SPEECH, key: value}, n=40, noise=40), None, 0)


def test_noise_output_longer_than_the_state_is_refused():
    with pytest.raises(ModelError, match="noise estimate output has 41"):
        check_stream(model(MICRO_SPEECH, noise=41), None, 0)
