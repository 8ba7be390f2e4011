"""SignalFramer (``signal/micro/kernels/framer.cc``): overlapping frames from a stream.

Each invoke appends the input's ``n_frames = innermost / frame_step`` steps
of ``frame_step`` samples (per outer row) to a buffer in persistent memory;
after each step, once ``frame_size`` samples are buffered, the oldest
``frame_size`` make an output frame and the oldest ``frame_step`` are
dropped. With ``prefill`` the buffer starts with ``frame_size - frame_step``
zeros, so every step yields a frame; without it the first frames are
missing, ``output_valid`` is false and the missing frames' output slots keep
what they held. A reset (and allocation) empties the buffers and prefills
again.

The output is ``input.shape[:-1] + [n_frames, frame_size]``.
"""
from __future__ import annotations

from ..registry import register
from .circular_buffer import CircularBuffer
from .common import BOOL
from .common import INT16
from .common import SignalOp


@register("CUSTOM:SignalFramer")
class Framer(SignalOp):
    OPTIONS = (("frame_size", "int32"), ("frame_step", "int32"), ("prefill", "bool"))

    def prepare(self) -> None:
        o = self.read_options()
        self.frame_size, self.frame_step, self.prefill = (
            o["frame_size"], o["frame_step"], o["prefill"])
        (x,), (out, valid) = self.io(1, 2)
        self.expect(x, "input", INT16, min_rank=1)
        self.expect(out, "output", INT16, rank=len(x.shape) + 1)
        self.expect(valid, "output_valid", BOOL, rank=0)
        self.check_range(self.frame_step, 1, None, "frame_step", "the samples per step")
        self.check_range(self.frame_size, 1, None, "frame_size", "the samples per frame")
        if self.prefill:
            self.check(self.frame_size >= self.frame_step, f"prefill with frame_size "
                       f"{self.frame_size} < frame_step {self.frame_step}: TFLM would prefill a "
                       "negative count")
        inner = x.shape[-1]
        self.check(inner >= self.frame_step and inner % self.frame_step == 0,
                   f"input's last dimension {inner} is not a positive multiple of frame_step "
                   f"{self.frame_step}")
        self.n_frames = inner // self.frame_step
        want = (*x.shape[:-1], self.n_frames, self.frame_size)
        self.check(out.shape == want, f"output shape {list(out.shape)}; expected {list(want)}")
        self.rows = x.num_elements // inner
        # TFLM rounds the capacity up to whole steps.
        steps = -(-self.frame_size // self.frame_step)
        self.buffers = [CircularBuffer(steps * self.frame_step) for _ in range(self.rows)]
        self.reset()

    def reset(self) -> None:
        for b in self.buffers:
            b.reset()
            if self.prefill:
                b.write_zeros(self.frame_size - self.frame_step)

    def eval(self, inputs, outputs, scratch) -> None:
        steps = inputs[0].reshape(self.rows, self.n_frames, self.frame_step)
        frames = outputs[0].reshape(self.rows, self.n_frames, self.frame_size)
        valid = True
        for row, buf in enumerate(self.buffers):
            for k in range(self.n_frames):
                buf.write(steps[row, k])
                if buf.available >= self.frame_size:
                    frames[row, k] = buf.get(self.frame_size)
                    buf.discard(self.frame_step)
                else:
                    valid = False
        outputs[1][...] = valid
