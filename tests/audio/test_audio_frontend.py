"""TFLM's audio front end (micro_speech's ``audio_preprocessor_int8.tflite``, built from
the Signal ops) against the tflite-micro runtime, window after window with its state
(the noise estimates) carried, on the example's WAVs and on random audio; and its arena
plan against TFLM's."""
from __future__ import annotations

import numpy as np
import pytest
from audio_cases import FRONTEND
from audio_cases import WAVS
from audio_cases import random_clip
from audio_cases import wav_path
from audio_cases import wav_samples
from reference import corpus_model
from signal_cases import tflm_runtime
from single_op import assert_same

from interpreter import Interpreter

STRIDE, WINDOW = 320, 480


class Frontends:
    """Ours and TFLM's front end, fed the same windows."""

    def __init__(self):
        data = corpus_model(FRONTEND).read_bytes()
        self.ours = Interpreter(model_content=data)
        self.ours.allocate_tensors()
        self.tflm = tflm_runtime().Interpreter.from_bytes(data)
        self.inp = self.ours.get_input_details()[0]["index"]
        self.out = self.ours.get_output_details()[0]["index"]
        self.windows = 0

    def reset(self) -> None:
        self.ours.reset_all_variables()
        self.tflm.reset()

    def compare(self, samples: np.ndarray, what: str) -> np.ndarray:
        """Every window of ``samples`` through both, state carried; our features."""
        feats = []
        for k in range(0, len(samples) - WINDOW + 1, STRIDE):
            window = samples[k:k + WINDOW].reshape(1, WINDOW)
            self.ours.set_tensor(self.inp, window)
            self.ours.invoke()
            self.tflm.set_input(window, 0)
            self.tflm.invoke()
            mine = self.ours.get_tensor(self.out)
            assert_same(mine, np.array(self.tflm.get_output(0)), f"{what} window {k // STRIDE}")
            feats.append(mine)
            self.windows += 1
        return np.array(feats)


@pytest.fixture(scope="module")
def frontends():
    return Frontends()


@pytest.mark.parametrize("name", WAVS)
def test_example_wavs_window_by_window(frontends, name):
    frontends.reset()
    frontends.compare(wav_samples(wav_path(name)), name)


def test_100_random_clips(frontends):
    for seed in range(100):
        frontends.reset()
        frontends.compare(random_clip(seed), f"random clip {seed}")


@pytest.mark.slow
def test_many_random_clips(frontends):
    for seed in range(100, 2100):
        frontends.reset()
        frontends.compare(random_clip(seed), f"random clip {seed}")


def test_state_carried_over_a_long_stream_then_reset(frontends):
    """Five seconds without a reset (the noise estimates adapt across clips), then a reset:
    the same audio again gives the first run's features, as on a fresh interpreter."""
    stream = np.concatenate([wav_samples(wav_path(n)) for n in WAVS[:4]] + [random_clip(3)])
    frontends.reset()
    first = frontends.compare(stream, "stream")
    frontends.reset()
    again = frontends.compare(stream, "stream after reset")
    assert_same(again, first)
    assert_same(Frontends().compare(stream[:16000], "fresh interpreters"), first[:49])


def test_arena_plan_equals_tflm(capfd):
    from tflm_arena import check_plan_equals_tflm
    check_plan_equals_tflm(corpus_model(FRONTEND).read_bytes(), capfd)
