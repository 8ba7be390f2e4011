"""SignalStacker (``signal/micro/kernels/stacker.cc``): stack feature vectors with context.

Each invoke appends one vector of ``num_channels`` values to a buffer in
persistent memory; the very first vector is appended ``stacker_left_context``
extra times (padding the left context). Once the buffer holds
``left + right + 1`` vectors they are output, flattened, with
``output_valid`` true, and the oldest ``stacker_step`` vectors are dropped;
before that ``output_valid`` is false and the output keeps what it held. A
reset empties the buffer and forgets the first vector.
"""
from __future__ import annotations

from ..registry import register
from .circular_buffer import CircularBuffer
from .common import BOOL
from .common import INT16
from .common import SignalOp


@register("CUSTOM:SignalStacker")
class Stacker(SignalOp):
    OPTIONS = (("num_channels", "int32"), ("stacker_left_context", "int32"),
               ("stacker_right_context", "int32"), ("stacker_step", "int32"))

    def prepare(self) -> None:
        o = self.read_options()
        self.channels = o["num_channels"]
        self.left, right, step = (o["stacker_left_context"], o["stacker_right_context"],
                                  o["stacker_step"])
        (x,), (out, valid) = self.io(1, 2)
        self.expect(x, "input", INT16, rank=1)
        self.expect(out, "output", INT16, rank=1)
        self.expect(valid, "output_valid", BOOL, rank=0)
        self.check_range(self.channels, 1, None, "num_channels", "the values per vector")
        self.check_range(self.left, 0, None, "stacker_left_context", "vectors of left context")
        self.check_range(right, 0, None, "stacker_right_context", "vectors of right context")
        window = self.left + right + 1
        self.check_range(step, 1, window, "stacker_step", "TFLM's buffer holds "
                         "left + right + 1 vectors and drops that many at most")
        self.check(x.shape[0] == self.channels, f"input has {x.shape[0]} values; num_channels "
                   f"is {self.channels}")
        self.size = self.channels * window
        self.check(out.shape[0] == self.size, f"output has {out.shape[0]} values; "
                   f"{window} vectors of {self.channels} make {self.size}")
        self.step = self.channels * step
        self.buffer = CircularBuffer(self.size)
        self.has_first = False

    def reset(self) -> None:
        self.buffer.reset()
        self.has_first = False

    def eval(self, inputs, outputs, scratch) -> None:
        self.buffer.write(inputs[0])
        if not self.has_first:
            self.buffer.extend(self.channels, self.left)
            self.has_first = True
        ready = self.buffer.available >= self.size
        if ready:
            outputs[0][...] = self.buffer.get(self.size)
            self.buffer.discard(self.step)
        outputs[1][...] = ready
