"""SignalIrfft against the tflite-micro runtime: int16, int32 and float32 kernels."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from signal_cases import INT_STYLES
from signal_cases import Pair
from signal_cases import signal_model
from single_op import T
from single_op import assert_same
from test_signal_rfft import TYPES
from test_signal_rfft import fft_cases
from test_signal_rfft import frame_data

from interpreter import ModelError

CODE = "SignalIrfft"


def irfft_model(dtype, fft_length: int, batch, in_last=None) -> bytes:
    return signal_model(CODE, [T(dtype, [*batch, in_last or fft_length + 2])],
                        [T(dtype, [*batch, fft_length])],
                        {"T": TYPES[dtype], "fft_length": fft_length})


def run_case(c) -> None:
    rng = np.random.default_rng(c["seed"])
    shape = [*c["batch"], c["fft_length"] + 2]
    x = frame_data(rng, c["dtype"], shape, c["style"])
    ours, ref = Pair(irfft_model(c["dtype"], c["fft_length"], c["batch"])).invoke([x])
    assert_same(ours[0], ref[0], "signal")


@budgets(ci=40, slow=2000)
def test_irfft_matches_tflm(examples):
    explore(examples, fft_cases(), run_case)


@pytest.mark.parametrize("dtype", list(TYPES))
@pytest.mark.parametrize("fft_length", [512, 240, 10])
def test_every_kernel_on_extreme_spectra(dtype, fft_length):
    rng = np.random.default_rng(fft_length)
    x = np.stack([frame_data(rng, dtype, [fft_length + 2], s) for s in INT_STYLES])
    ours, ref = Pair(irfft_model(dtype, fft_length, [len(INT_STYLES)])).invoke([x])
    assert_same(ours[0], ref[0])


def test_spectrum_length_is_checked():
    with pytest.raises(ModelError, match="SignalIrfft.*needs 18"):
        Pair(irfft_model(np.int16, 16, [1], in_last=16))
    with pytest.raises(ModelError, match="SignalIrfft.*fft_length 28"):
        Pair(irfft_model(np.float32, 28, [1]))
