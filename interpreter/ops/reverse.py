"""REVERSE_V2 (``micro/kernels/reverse.cc``, ``reference/reverse.h``).

Reverses the input along each axis listed in the int32 ``axis`` input
(negative axes wrap). The axis values are read at eval, so they may be
computed at run time. TFLM's kernel only reverses a run of consecutive axes:
the sorted axes must be contiguous (so no duplicates); anything else makes
its invoke fail, and raises a ModelError here. All of TFLM's element types:
float32, int8, uint8, int16, int32, int64 and bool; values are copied unscaled.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .layout_common import BOOL
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import I32
from .layout_common import I64
from .layout_common import check_output_shape
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .layout_common import normalize_axis
from .registry import register

U8 = np.dtype(np.uint8)


@register("REVERSE_V2")
class ReverseV2(Op):

    def prepare(self) -> None:
        (inp, axis), (out,) = self.io(2, 1)
        check_same_type(self, inp, out)
        check_type(self, inp, (F32, I8, U8, I16, I32, I64, BOOL))
        check_output_shape(self, out, inp.shape)
        self.check(len(axis.shape) == 1, f"axis must be a vector, has shape {axis.shape}")
        values = constant_ints(self, 1, "axis", (I32,), required=False)
        self.axes = None if values is None else self._axes(values)

    def _axes(self, values) -> tuple[int, ...]:
        rank = len(self.input(0).shape)
        axes = sorted(normalize_axis(self, int(a), rank) for a in np.ravel(values))
        if axes != list(range(axes[0], axes[0] + len(axes))) if axes else False:
            raise self.error(f"axes {axes} are not contiguous (TFLM's invoke fails)")
        return tuple(axes)

    def eval(self, inputs, outputs, scratch) -> None:
        axes = self.axes if self.axes is not None else self._axes(inputs[1])
        outputs[0][...] = np.flip(inputs[0], axis=axes) if axes else inputs[0]
