"""TRANSPOSE (``micro/kernels/transpose.cc``, ``transpose_common.cc``, ``reference/transpose.h``).

A pure permutation of elements: float32, int8 and int16 (the TFLM kernel's
cases; ``semantics="tflite"`` also bool, uint8, int32 and int64, as LiteRT's),
inputs of 1 to 5 dimensions. The int32 ``perm`` input must be constant
(the tflite-micro runtime refuses a computed one when allocating) and must
permute the input shape into the output tensor's shape. Quantization parameters pass through unchecked, as
in TFLM (no requantization happens).
"""
from __future__ import annotations

from .base import Op
from .base import Types
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import I32
from .layout_common import check_max_rank
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .layout_common import walk_view
from .params import AxisWalkParams
from .params import WalkAxis
from .registry import register

MAX_RANK = 5


@register("TRANSPOSE")
class Transpose(Op):
    TYPES = Types.tflite_any(F32, I8, I16)

    def prepare(self) -> None:
        (inp, perm), (out,) = self.io(2, 1)
        check_same_type(self, inp, out)
        check_type(self, inp, self.TYPES)
        check_max_rank(self, inp, MAX_RANK)
        if len(perm.shape) != 1 or perm.shape[0] != len(inp.shape):
            raise self.error(f"perm must be a vector of {len(inp.shape)} values, has shape "
                             f"{perm.shape}")
        perm = tuple(int(p) for p in constant_ints(self, 1, "perm", (I32,)))
        if sorted(perm) != list(range(len(inp.shape))):
            raise self.error(f"perm {list(perm)} is not a permutation of the input's "
                             f"{len(inp.shape)} dimensions")
        expected = tuple(inp.shape[p] for p in perm)
        if expected != tuple(out.shape):
            raise self.error(f"perm {list(perm)} turns shape {inp.shape} into {expected}, but "
                             f"the output tensor has shape {out.shape}")
        self.params = AxisWalkParams(inp.dtype.itemsize, tuple(inp.shape), tuple(
            WalkAxis(p, 0, 1, inp.shape[p]) for p in perm))

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = walk_view(inputs[0], self.params)
