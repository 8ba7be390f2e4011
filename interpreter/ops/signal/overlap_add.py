"""SignalOverlapAdd (``signal/src/overlap_add.cc``): rebuild a stream from overlapping frames.

Per outer row, each of the input's ``n_frames`` frames of ``frame_size``
samples is added into a ``frame_size`` buffer in persistent memory; the
buffer's first ``frame_step`` samples are output, and it shifts left by
``frame_step``, zero-filled. int16 adds saturate; float32 adds round in
float32. Output shape: ``input.shape[:-2] + [n_frames * frame_step]``. A
reset zeroes the buffers.

Options: ``T`` (int16 or float32, the kernels TFLM registers) and
``frame_step`` (1 to ``frame_size``: TFLM's shift would otherwise move a
negative count).
"""
from __future__ import annotations

import numpy as np

from ..registry import register
from .common import FLOAT32
from .common import INT16
from .common import SignalOp


@register("CUSTOM:SignalOverlapAdd")
class OverlapAdd(SignalOp):
    OPTIONS = (("T", "int32"), ("frame_step", "int32"))

    def prepare(self) -> None:
        o = self.read_options()
        self.dtype = self.tensor_type(o["T"], (INT16, FLOAT32))
        self.step = o["frame_step"]
        (x,), (out,) = self.io(1, 1)
        self.expect(x, "input", self.dtype, min_rank=2)
        self.n_frames, self.frame_size = x.shape[-2:]
        self.check_range(self.step, 1, self.frame_size, "frame_step",
                         f"the frames have {self.frame_size} samples")
        self.expect(out, "output", self.dtype, rank=len(x.shape) - 1)
        want = (*x.shape[:-2], self.n_frames * self.step)
        self.check(out.shape == want, f"output shape {list(out.shape)}; expected {list(want)}")
        self.rows = x.num_elements // (self.n_frames * self.frame_size)
        self.buffers = np.zeros((self.rows, self.frame_size), self.dtype)
        self.reset()

    def reset(self) -> None:
        self.buffers[...] = 0

    def eval(self, inputs, outputs, scratch) -> None:
        frames = inputs[0].reshape(self.rows, self.n_frames, self.frame_size)
        out = outputs[0].reshape(self.rows, self.n_frames, self.step)
        buf = self.buffers
        for k in range(self.n_frames):
            if self.dtype == INT16:
                buf[...] = np.clip(buf.astype(np.int32) + frames[:, k], -32768, 32767)
            else:
                buf += frames[:, k]
            out[:, k] = buf[:, :self.step]
            buf[:, :self.frame_size - self.step] = buf[:, self.step:].copy()
            buf[:, self.frame_size - self.step:] = 0
