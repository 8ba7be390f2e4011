"""MIRROR_PAD (``micro/kernels/mirror_pad.cc``).

float32 or int8 inputs (``semantics="tflite"``: also bool, uint8, int16, int32
and int64, as LiteRT's); ``paddings`` ([rank, 2], int32 or int64) is read at
eval, so it may be computed at run time, and is then checked on every eval
against the (static) output shape. REFLECT mirrors without repeating the
edge (each padding at most ``dim - 1``), SYMMETRIC repeats it (at most
``dim``), as TensorFlow defines them. Values are copied unscaled.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .layout_common import F32
from .layout_common import I8
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .registry import register

_MODES = {0: "reflect", 1: "symmetric"}   # schema MirrorPadMode: REFLECT, SYMMETRIC


@register("MIRROR_PAD")
class MirrorPad(Op):
    TYPES = Types.tflite_any(F32, I8)

    def prepare(self) -> None:
        (inp, pads), (out,) = self.io(2, 1)
        check_same_type(self, inp, out)
        check_type(self, inp, self.TYPES)
        rank = len(inp.shape)
        self.check(pads.shape == (rank, 2), f"paddings must have shape ({rank}, 2), has "
                                            f"{pads.shape}")
        self.check(len(out.shape) == rank, f"output rank {len(out.shape)} differs from {rank}")
        mode = int(self.options.get("mode", 0) or 0) if self.options is not None else 0
        self.check(mode in _MODES, f"unknown mode {mode}")
        self.mode = _MODES[mode]
        values = constant_ints(self, 1, "paddings", required=False)
        self.pad_width = None if values is None else self._pad_width(values)

    def _pad_width(self, values) -> list[tuple[int, int]]:
        inp, out = self.input(0), self.outputs[0]
        v = [int(x) for x in np.ravel(values)]
        width = list(zip(v[0::2], v[1::2]))
        limit = 1 if self.mode == "reflect" else 0
        for axis, ((b, a), d) in enumerate(zip(width, inp.shape)):
            if min(b, a) < 0 or max(b, a) > d - limit:
                raise self.error(f"paddings {(b, a)} on axis {axis} do not fit {self.mode} "
                                 f"padding of size {d}")
        expected = tuple(d + b + a for d, (b, a) in zip(inp.shape, width))
        if expected != tuple(out.shape):
            raise self.error(f"padded shape {expected} differs from output shape {out.shape}")
        return width

    def eval(self, inputs, outputs, scratch) -> None:
        width = self.pad_width if self.pad_width is not None else self._pad_width(inputs[1])
        outputs[0][...] = np.pad(inputs[0], width, mode=self.mode)
