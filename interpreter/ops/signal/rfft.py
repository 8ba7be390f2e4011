"""SignalRfft (``signal/micro/kernels/rfft.cc``): real FFT of each frame, int16/int32/float32.

Each frame (the last dimension) is copied into an arena scratch buffer of
``fft_length`` values, zero-padded, and transformed by KISS FFT's real
transform (``interpreter.arith.kiss_fft``); the output holds ``fft_length /
2 + 1`` complex bins as (real, imaginary) pairs. The fixed-point transforms
come out divided by ``fft_length`` (KISS scales each stage down); the float
one does not.

Options: ``T`` (the tensor type: int16, int32 or float32, the three kernels
TFLM registers) and ``fft_length``, which must be even with ``fft_length / 2``
made of the factors 2, 3 and 5 (TFLM's KISS build cannot run others), and at
least the frame length. The output must have ``fft_length + 2`` values per
frame and as many frames as the input (TFLM writes that many whatever the
shapes say).
"""
from __future__ import annotations

import numpy as np

from ...arith.kiss_fft import Kiss
from ...arith.kiss_fft import factors
from ..registry import register
from .common import FLOAT32
from .common import INT16
from .common import INT32
from .common import SignalOp


def fft_length_error(fft_length: int) -> str | None:
    """Why TFLM's KISS FFT build cannot transform ``fft_length`` values, or None."""
    if fft_length < 4 or fft_length % 2:
        return "it must be even and at least 4"
    if factors(fft_length // 2) is None:
        return ("fft_length / 2 needs a radix other than 2, 3, 4 and 5: KISS FFT's generic "
                "butterfly, which allocates, and TFLM's build gives it no memory")
    return None


class FftOp(SignalOp):
    """What RFFT and IRFFT share: the options and the KISS plan."""

    OPTIONS = (("T", "int32"), ("fft_length", "int32"))
    INVERSE = False

    def prepare_fft(self) -> None:
        opts = self.read_options()
        self.dtype = self.tensor_type(opts["T"], (INT16, INT32, FLOAT32))
        self.fft_length = opts["fft_length"]
        why = fft_length_error(self.fft_length)
        self.check(why is None, f"fft_length {self.fft_length} is not supported: {why}")

    def frames_io(self, out_last: int):
        (x,), (out,) = self.io(1, 1)
        self.expect(x, "input", self.dtype, min_rank=1)
        self.expect(out, "output", self.dtype, rank=len(x.shape))
        self.check(out.shape[:-1] == x.shape[:-1], f"output shape {list(out.shape)} does not "
                   f"have the input's frames {list(x.shape[:-1])}")
        self.check(out.shape[-1] == out_last, f"output frames have {out.shape[-1]} values; "
                   f"fft_length {self.fft_length} gives {out_last}")
        # Built once the tensors bound the length (twiddles are fft_length / 2 values).
        self.kiss = Kiss(self.fft_length, self.INVERSE, self.dtype.name)
        return x, out


@register("CUSTOM:SignalRfft")
class Rfft(FftOp):

    def prepare(self) -> None:
        self.prepare_fft()
        x, _ = self.frames_io(self.fft_length + 2)
        self.frame = x.shape[-1]
        self.check(self.frame <= self.fft_length, f"input frames have {self.frame} values, "
                   f"more than fft_length {self.fft_length}")
        self.frames = x.num_elements // self.frame
        # TFLM's work area: one zero-padded frame of fft_length values.
        self.request_scratch(self.fft_length * self.dtype.itemsize)

    def eval(self, inputs, outputs, scratch) -> None:
        work = scratch[0].view(self.dtype)
        x = inputs[0].reshape(self.frames, self.frame)
        work[self.frame:] = 0
        work[:self.frame] = x[-1]       # what TFLM's work area holds afterwards
        padded = np.zeros((self.frames, self.fft_length), self.dtype)
        padded[:, :self.frame] = x
        re, im = self.kiss.rfft(padded)
        out = outputs[0].reshape(self.frames, -1, 2)
        out[..., 0], out[..., 1] = re, im
