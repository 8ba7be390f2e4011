"""SignalWindow (``signal/micro/kernels/window.cc``): multiply by a window, in Q(shift).

``out = saturate_int16((x * w) >> shift)`` element by element, the int16
window repeating along the flattened input (one window per frame). The
product of two int16 values fits int32; the shift is arithmetic (it floors).
"""
from __future__ import annotations

import numpy as np

from ..registry import register
from .common import INT16
from .common import SignalOp


@register("CUSTOM:SignalWindow")
class Window(SignalOp):
    OPTIONS = (("shift", "int32"),)

    def prepare(self) -> None:
        self.shift = self.read_options()["shift"]
        (x, w), (out,) = self.io(2, 1)
        self.expect(x, "input", INT16, min_rank=1)
        self.expect(w, "window", INT16, rank=1)
        self.expect(out, "output", INT16, rank=len(x.shape))
        self.check_range(self.shift, 0, 31, "shift", "a C shift of an int32 by it is undefined")
        size = w.shape[0]
        # TFLM applies whole windows until it has covered the input, so a
        # partial last window would read and write past the tensors.
        self.check(x.num_elements % size == 0, f"input has {x.num_elements} values, not a "
                   f"multiple of the window length {size}")
        self.check(out.num_elements == x.num_elements,
                   f"output shape {list(out.shape)} does not hold the input's {x.num_elements} values")
        self.frames = x.num_elements // size

    def eval(self, inputs, outputs, scratch) -> None:
        x, w = inputs
        prod = x.reshape(self.frames, -1).astype(np.int32) * w.astype(np.int32)
        outputs[0].reshape(self.frames, -1)[...] = np.clip(prod >> self.shift, -32768, 32767)
