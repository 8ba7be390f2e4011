"""SPLIT and SPLIT_V (``micro/kernels/split.cc``, ``split_v.cc``).

The input (float32, int8, int16 or int32; ``semantics="tflite"`` also uint8 and
int64, as LiteRT's) is cut along one axis into the
output tensors, whose shapes say how big each piece is (TFLM copies
``output.shape[axis]`` slices into each; SPLIT_V's ``size_splits`` input is
not read by its kernel). The axis input must be constant, as TFLM requires.
The outputs must match the input outside the axis and add up to it along
the axis; SPLIT also needs ``num_splits`` outputs of equal size. Quantized
values are copied through unscaled, as in TFLM.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import I32
from .layout_common import I64
from .layout_common import U8
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .layout_common import normalize_axis
from .registry import register

_SUPPORTED = Types((F32, I8, I16, I32), tflite=(U8, I64))


class _SplitBase(Op):
    input_index = 0
    axis_index = 0

    def prepare(self) -> None:
        inp = self.input(self.input_index)
        check_type(self, inp, _SUPPORTED)
        axis = constant_ints(self, self.axis_index, "axis", (I32,))
        self.check(axis.size == 1, f"axis must hold one value, has {axis.size}")
        rank = len(inp.shape)
        self.axis = normalize_axis(self, int(axis[0]), rank)
        sizes = []
        for i, out in enumerate(self.outputs):
            check_same_type(self, inp, out, f"input and output {i}")
            others_in = inp.shape[:self.axis] + inp.shape[self.axis + 1:]
            if len(out.shape) != rank or out.shape[:self.axis] + out.shape[self.axis + 1:] \
                    != others_in:
                raise self.error(f"output {i} shape {out.shape} does not match input shape "
                                 f"{inp.shape} outside axis {self.axis}")
            sizes.append(out.shape[self.axis])
        if sum(sizes) != inp.shape[self.axis]:
            raise self.error(f"outputs add up to {sum(sizes)} along axis {self.axis}, the "
                             f"input has {inp.shape[self.axis]}")
        self.bounds = np.cumsum(sizes)[:-1].tolist()
        self.check_sizes(sizes)

    def check_sizes(self, sizes: list[int]) -> None:
        """Op-specific agreement between the options/inputs and the output sizes."""

    def eval(self, inputs, outputs, scratch) -> None:
        pieces = np.split(inputs[self.input_index], self.bounds, axis=self.axis)
        for out, piece in zip(outputs, pieces):
            out[...] = piece


@register("SPLIT")
class Split(_SplitBase):
    input_index, axis_index = 1, 0

    def prepare(self) -> None:
        n = int(self.options.get("num_splits", 0) or 0) if self.options is not None else 0
        self.check_io_count(2, len(self.outputs))
        self.check(n == len(self.outputs), f"num_splits {n} differs from the "
                                           f"{len(self.outputs)} outputs")
        super().prepare()

    def check_sizes(self, sizes):
        self.check(len(set(sizes)) == 1, f"outputs split the axis unevenly: {sizes}")


@register("SPLIT_V")
class SplitV(_SplitBase):
    input_index, axis_index = 0, 2

    def prepare(self) -> None:
        self.check_io_count(3, len(self.outputs))
        n = int(self.options.get("num_splits", 0) or 0) if self.options is not None else 0
        self.check(n == len(self.outputs), f"num_splits {n} differs from the "
                                           f"{len(self.outputs)} outputs")
        super().prepare()

    def check_sizes(self, sizes):
        requested = constant_ints(self, 1, "size_splits", required=False)
        if requested is None:
            return
        self.check(requested.size == len(sizes),
                   f"size_splits has {requested.size} values for {len(sizes)} outputs")
        unknown = [i for i, s in enumerate(requested) if s == -1]
        self.check(len(unknown) <= 1, "size_splits has more than one -1")
        self.check(all(int(r) in (-1, s) for r, s in zip(requested, sizes)),
                   f"size_splits {requested.tolist()} disagree with the output sizes {sizes}")
