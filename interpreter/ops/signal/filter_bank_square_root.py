"""SignalFilterBankSquareRoot (``signal/src/filter_bank_square_root.cc``).

``sqrt64(x) >> scale_bits`` per channel: TFLM's rounded integer square root
(``interpreter.arith.signal.sqrt64``) of each uint64 channel, shifted right
by the FFT auto-scale's bits (an int32 scalar input, read at each invoke), as
uint32. The square root turns energies back into magnitudes, which the
shift then scales back down. The kernel reads no options (as in TFLM).
"""
from __future__ import annotations

import numpy as np

from ...arith.signal import sqrt64
from ..registry import register
from .common import INT32
from .common import UINT32
from .common import UINT64
from .common import SignalOp


@register("CUSTOM:SignalFilterBankSquareRoot")
class FilterBankSquareRoot(SignalOp):

    def prepare(self) -> None:
        (x, bits), (out,) = self.io(2, 1)
        self.expect(x, "input", UINT64, rank=1)
        self.expect(bits, "scale bits", INT32, rank=0)
        self.expect(out, "output", UINT32, rank=1)
        self.check(out.shape[0] >= x.shape[0], f"output has {out.shape[0]} values for "
                   f"{x.shape[0]} channels")
        self.channels = x.shape[0]

    def eval(self, inputs, outputs, scratch) -> None:
        bits = self.check_scalar_input(inputs[1], 0, 31, "scale bits")
        outputs[0][:self.channels] = sqrt64(inputs[0]) >> np.uint64(bits)
