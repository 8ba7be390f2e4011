"""SignalFftAutoScale (``signal/src/fft_auto_scale.cc``): left-align a frame before the FFT.

Outputs the input shifted left by ``scale_bits = 15 - msb(max |x|)`` (at
least 0) and ``scale_bits`` itself, so that the fixed-point FFT, which
divides by its length, keeps as many significant bits as it can.

Two int16 details of TFLM's C decide the result: the running maximum of
``|x|`` is kept in int16, so ``-32768`` makes it ``-32768`` (and later values
compare against that); and the product ``x * 2^scale_bits`` is stored into
int16, wrapping. Both are reproduced. The kernel reads no options (any
``custom_options`` are ignored, as by TFLM).
"""
from __future__ import annotations

import numpy as np

from ...arith.signal import most_significant_bit
from ..registry import register
from .common import INT16
from .common import INT32
from .common import SignalOp


def max_abs16(x: np.ndarray) -> int:
    """``MaxAbs16``: max |x| with TFLM's int16 running maximum (see the module doc)."""
    if not (x == -32768).any():
        return int(np.abs(x.astype(np.int32)).max(initial=0))
    best = -32768
    for v in x[int(np.nonzero(x == -32768)[0][-1]) + 1:].tolist():
        if v > best:
            best = v
        elif -v > best:
            best = -v
    return best


def auto_scale_bits(x: np.ndarray) -> int:
    peak = max_abs16(x) & 0xFFFFFFFF      # int16 -> uint32 for the bit count
    return max(16 - int(most_significant_bit(peak)) - 1, 0)


@register("CUSTOM:SignalFftAutoScale")
class FftAutoScale(SignalOp):

    def prepare(self) -> None:
        (x,), (out, bits) = self.io(1, 2)
        self.expect(x, "input", INT16, rank=1)
        self.expect(out, "output", INT16, rank=1)
        self.expect(bits, "scale bits output", INT32, rank=0)
        # TFLM scales output->dims[0] values of the input.
        self.check(out.shape[0] <= x.shape[0], f"output has {out.shape[0]} values, the input "
                   f"only {x.shape[0]}")
        self.size = out.shape[0]

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0][:self.size]
        bits = auto_scale_bits(x)
        outputs[0][...] = (x.astype(np.int32) << bits).astype(np.int16)
        outputs[1][...] = bits
