"""SignalDelay (``signal/micro/kernels/delay.cc``): delay each row by ``delay_length`` samples.

Every row of the last dimension is a stream: each invoke writes the row into
a buffer in persistent memory that starts with ``delay_length`` zeros, and
outputs the oldest row-length samples. So output sample ``t`` is input
sample ``t - delay_length`` (zero before the stream starts); a reset refills
the zeros.
"""
from __future__ import annotations

from ..registry import register
from .circular_buffer import CircularBuffer
from .common import INT16
from .common import MAX_STATE_BYTES
from .common import SignalOp


@register("CUSTOM:SignalDelay")
class Delay(SignalOp):
    OPTIONS = (("delay_length", "int32"),)

    def prepare(self) -> None:
        self.delay = self.read_options()["delay_length"]
        (x,), (out,) = self.io(1, 1)
        self.expect(x, "input", INT16, min_rank=1)
        self.expect(out, "output", INT16)
        self.check_range(self.delay, 0, None, "delay_length", "the samples to delay by")
        self.check(out.num_elements == x.num_elements, f"output shape {list(out.shape)} does "
                   f"not hold the input's {x.num_elements} values")
        self.frame = x.shape[-1]
        self.rows = x.num_elements // self.frame
        state = self.rows * (self.frame + self.delay) * 2
        self.check(state <= MAX_STATE_BYTES, f"delay_length {self.delay} needs {state} bytes of "
                   f"delay line, more than {MAX_STATE_BYTES}")
        self.buffers = [CircularBuffer(self.frame + self.delay) for _ in range(self.rows)]
        self.reset()

    def reset(self) -> None:
        for b in self.buffers:
            b.reset()
            b.write_zeros(self.delay)

    def eval(self, inputs, outputs, scratch) -> None:
        rows = inputs[0].reshape(self.rows, self.frame)
        out = outputs[0].reshape(self.rows, self.frame)
        for row, buf in enumerate(self.buffers):
            buf.write(rows[row])
            out[row] = buf.get(self.frame)
            buf.discard(self.frame)
