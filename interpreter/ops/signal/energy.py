"""SignalEnergy (``signal/src/energy.cc``): the power of each FFT bin.

For bins ``start_index <= i < end_index`` of an int16 spectrum (real,
imaginary pairs): ``re * re + im * im``, computed in int32 (so
``(-32768)^2 * 2`` wraps) and stored as uint32. The other output slots are
not written (TFLM's micro_speech model overwrites them with zeros afterwards).
"""
from __future__ import annotations

import numpy as np

from ..registry import register
from .common import INT16
from .common import UINT32
from .common import SignalOp


@register("CUSTOM:SignalEnergy")
class Energy(SignalOp):
    OPTIONS = (("end_index", "int32"), ("start_index", "int32"))

    def prepare(self) -> None:
        opts = self.read_options()
        self.start, self.end = opts["start_index"], opts["end_index"]
        (x,), (out,) = self.io(1, 1)
        self.expect(x, "input", INT16, rank=1)
        self.expect(out, "output", UINT32, rank=1)
        bins = min(x.shape[0] // 2, out.shape[0])
        self.check(0 <= self.start <= self.end <= bins, f"start_index {self.start} and "
                   f"end_index {self.end} must satisfy 0 <= start <= end <= {bins} (the bins "
                   "in the input and the output)")

    def eval(self, inputs, outputs, scratch) -> None:
        spectrum = inputs[0][2 * self.start:2 * self.end].reshape(-1, 2).astype(np.int64)
        power = spectrum[:, 0] ** 2 + spectrum[:, 1] ** 2
        outputs[0][self.start:self.end] = power & 0xFFFFFFFF
