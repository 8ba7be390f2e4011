"""SignalFilterBankSpectralSubtraction (``signal/src/filter_bank_spectral_subtraction.cc``).

Per channel, a slowly adapting noise estimate is subtracted from the signal:

* the signal is scaled up by ``smoothing_bits``: ``s = x << smoothing_bits``
  (uint32, wrapping);
* the estimate follows it through a one-pole low-pass filter in Q
  ``spectral_subtraction_bits``: ``n = (s * smoothing + n * one_minus_smoothing)
  >> spectral_subtraction_bits`` in uint64 (wrapping), kept as uint32; odd
  channels use the ``alternate_`` coefficients;
* the estimate used is at most the signal (``clamping`` also stores that
  cap back into the estimate);
* the output is ``(s - estimate) >> smoothing_bits``, but never below
  ``x * min_signal_remaining >> spectral_subtraction_bits``.

The estimate is state: ``num_channels`` uint32 in persistent memory, zero
after prepare and after a reset, copied to the second output at each invoke.
"""
from __future__ import annotations

import numpy as np

from ..registry import register
from .common import UINT32
from .common import SignalOp

M32 = np.uint64(0xFFFFFFFF)


@register("CUSTOM:SignalFilterBankSpectralSubtraction")
class FilterBankSpectralSubtraction(SignalOp):
    OPTIONS = (("alternate_one_minus_smoothing", "int32"), ("alternate_smoothing", "int32"),
               ("clamping", "bool"), ("min_signal_remaining", "int32"),
               ("num_channels", "int32"), ("one_minus_smoothing", "int32"),
               ("smoothing", "int32"), ("smoothing_bits", "int32"),
               ("spectral_subtraction_bits", "int32"))

    def prepare(self) -> None:
        o = self.read_options()
        (x,), (out, noise) = self.io(1, 2)
        for t, what in ((x, "input"), (out, "output"), (noise, "noise estimate output")):
            self.expect(t, what, UINT32, rank=1)
        n = o["num_channels"]
        self.check_range(n, 1, None, "num_channels", "the channels to compute")
        self.check_range(o["smoothing_bits"], 0, 31, "smoothing_bits",
                         "a C shift of a uint32 by it is undefined")
        self.check_range(o["spectral_subtraction_bits"], 0, 63, "spectral_subtraction_bits",
                         "a C shift of a uint64 by it is undefined")
        for t, what in ((x, "input"), (out, "output")):
            self.check(t.shape[0] >= n, f"{what} has {t.shape[0]} values for num_channels {n}")
        # TFLM copies the output's size from the num_channels estimates it keeps.
        self.check(noise.shape[0] <= n, f"noise estimate output has {noise.shape[0]} values, "
                   f"more than num_channels {n}")
        self.channels = n
        self.clamping = o["clamping"]
        self.smoothing_bits = np.uint64(o["smoothing_bits"])
        self.ss_bits = np.uint64(o["spectral_subtraction_bits"])
        even = np.arange(n) % 2 == 0

        def per_channel(key: str) -> np.ndarray:
            value = np.where(even, o[key], o[f"alternate_{key}"]).astype(np.int64)
            return (value & 0xFFFFFFFF).astype(np.uint64)      # uint32 config fields
        self.smoothing = per_channel("smoothing")
        self.one_minus_smoothing = per_channel("one_minus_smoothing")
        self.min_signal = np.uint64(o["min_signal_remaining"] & 0xFFFFFFFF)
        self.estimate = np.zeros(n, np.uint64)      # persistent state
        self.reset()

    def reset(self) -> None:
        self.estimate[...] = 0

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0][:self.channels].astype(np.uint64)
        signal = (x << self.smoothing_bits) & M32
        est = ((signal * self.smoothing + self.estimate * self.one_minus_smoothing)
               >> self.ss_bits) & M32
        capped = np.minimum(est, signal)
        self.estimate[...] = capped if self.clamping else est
        floor = ((x * self.min_signal) >> self.ss_bits) & M32
        subtracted = (signal - capped) >> self.smoothing_bits
        outputs[0][:self.channels] = np.maximum(subtracted, floor)
        noise = outputs[1]
        noise[...] = self.estimate[:noise.shape[0]]
