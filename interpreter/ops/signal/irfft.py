"""SignalIrfft (``signal/micro/kernels/irfft.cc``): inverse real FFT of each frame.

Each frame of ``fft_length / 2 + 1`` complex bins, as (real, imaginary)
pairs, becomes ``fft_length`` real values through KISS FFT's inverse real
transform (``interpreter.arith.kiss_fft``). The fixed-point transforms scale
down by the FFT length as they go; the float kernel divides by
``fft_length`` at the end, in float32.

Options, types and length limits as for SignalRfft (``rfft.py``); the input
must have ``fft_length + 2`` values per frame, the output ``fft_length``.
"""
from __future__ import annotations

import numpy as np

from ..registry import register
from .common import FLOAT32
from .rfft import FftOp


@register("CUSTOM:SignalIrfft")
class Irfft(FftOp):
    INVERSE = True

    def prepare(self) -> None:
        self.prepare_fft()
        x, _ = self.frames_io(self.fft_length)
        self.check(x.shape[-1] == self.fft_length + 2, f"input frames have {x.shape[-1]} "
                   f"values; fft_length {self.fft_length} needs {self.fft_length + 2}")
        self.frames = x.num_elements // x.shape[-1]

    def eval(self, inputs, outputs, scratch) -> None:
        bins = inputs[0].reshape(self.frames, -1, 2)
        y = self.kiss.irfft(bins[..., 0], bins[..., 1])
        if self.dtype == FLOAT32:
            y = y / np.float32(self.fft_length)
        outputs[0].reshape(self.frames, -1)[...] = y
