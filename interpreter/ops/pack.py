"""PACK and UNPACK (``micro/kernels/pack.cc``, ``unpack.cc``).

PACK stacks ``values_count`` equally shaped inputs along a new ``axis``
(float32, int8, int16, int32, int64; ``semantics="tflite"`` also uint8); UNPACK
splits its input along ``axis`` into ``num`` outputs with that axis removed
(float32, int8, int16, int32; ``semantics="tflite"`` also bool and uint8): the
types of TFLM's kernels and, under ``"tflite"``, LiteRT's.
Values are copied, never rescaled, as in TFLM.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .layout_common import BOOL
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import I32
from .layout_common import I64
from .layout_common import U8
from .layout_common import check_output_shape
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import normalize_axis
from .registry import register


def _option(op: Op, name: str) -> int:
    return int(op.options.get(name, 0) or 0) if op.options is not None else 0


@register("PACK")
class Pack(Op):
    TYPES = Types((F32, I8, I16, I32, I64), tflite=(U8,))

    def prepare(self) -> None:
        n = _option(self, "values_count")
        self.check(n >= 1 and n == len(self.inputs),
                   f"values_count {n} differs from the {len(self.inputs)} inputs")
        self.check_io_count(n)
        first, out = self.input(0), self.outputs[0]
        check_type(self, out, self.TYPES, "output")
        for i in range(n):
            t = self.input(i)
            check_same_type(self, t, out, f"input {i} and output")
            self.check(t.shape == first.shape, f"input {i} shape {t.shape} differs from input "
                                               f"0 shape {first.shape}")
        self.axis = normalize_axis(self, _option(self, "axis"), len(first.shape) + 1)
        check_output_shape(self, out, first.shape[:self.axis] + (n,) + first.shape[self.axis:])

    def eval(self, inputs, outputs, scratch) -> None:
        np.stack(inputs, axis=self.axis, out=outputs[0])


@register("UNPACK")
class Unpack(Op):
    TYPES = Types((F32, I8, I16, I32), tflite=(BOOL, U8))

    def prepare(self) -> None:
        inp = self.input(0)
        self.check_io_count(1, len(self.outputs))
        check_type(self, inp, self.TYPES)
        self.check(len(inp.shape) >= 1, "input must have at least one dimension")
        self.axis = normalize_axis(self, _option(self, "axis"), len(inp.shape))
        num = _option(self, "num")
        self.check(num == inp.shape[self.axis] == len(self.outputs),
                   f"num {num}, input size {inp.shape[self.axis]} along axis {self.axis} and "
                   f"{len(self.outputs)} outputs must agree")
        expected = inp.shape[:self.axis] + inp.shape[self.axis + 1:]
        for i, out in enumerate(self.outputs):
            check_same_type(self, inp, out, f"input and output {i}")
            check_output_shape(self, out, expected, i)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        for i, out in enumerate(outputs):
            out[...] = np.take(x, i, axis=self.axis)
