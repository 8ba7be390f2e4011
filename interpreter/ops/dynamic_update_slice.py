"""DYNAMIC_UPDATE_SLICE (``micro/kernels/dynamic_update_slice.cc``).

``output = operand`` with the box ``start[i] : start[i] + update.shape[i]``
overwritten by ``update``. Inputs: operand, update (same type and rank, every
update dimension at most the operand's) and a vector of start indices, one
per operand dimension, int32 or int64, constant or computed at run time.

TFLM clamps each start index into range, ``min(max(0, start), operand_dim -
update_dim)`` in int64, so an out-of-range start moves the box back inside
the operand (never an error). Values are copied as bytes: quantized operands
and updates are not rescaled and their parameters are not compared (nor the
output's). An update as large as the operand replaces it whatever the start.

Types (measured on the TFLM runtime): float32, int8, int16 and int32; bool,
int64, uint8 and float16 operands pass TFLM's prepare and fail its invoke
(UnsupportedOpError here). LiteRT's reference kernel runs bool, int64 and uint8
too, and so does ``semantics="tflite"`` (the same clamped copy). Operand rank
must be 1 to 6. TFLM does not check the output tensor: it writes the operand's type and element count into it;
here the output must have the operand's type and element count (its shape
may differ, like TFLM's flat write), else a ModelError.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import I32
from .layout_common import INDEX_TYPES
from .layout_common import check_type
from .layout_common import type_names
from .registry import register

_SUPPORTED = Types.tflite_any(F32, I8, I16, I32)
MAX_RANK = 6     # RuntimeShape::kMaxSmallSize


@register("DYNAMIC_UPDATE_SLICE")
class DynamicUpdateSlice(Op):

    def prepare(self) -> None:
        self.check_io_count(3)
        operand, update, start, out = (self.input(0), self.input(1), self.input(2),
                                       self.outputs[0])
        self.check(operand.dtype == update.dtype,
                   f"operand and update types must match, got {operand.dtype} and "
                   f"{update.dtype}")
        self.check(start.dtype in INDEX_TYPES,
                   f"start indices must be {type_names(INDEX_TYPES)}, got {start.dtype}")
        rank = len(operand.shape)
        self.check(len(start.shape) == 1,
                   f"start indices must be a vector, has shape {tuple(start.shape)}")
        self.check(start.shape[0] == rank,
                   f"start indices hold {start.shape[0]} values for an operand of rank {rank}")
        self.check(len(update.shape) == rank,
                   f"update has rank {len(update.shape)}, the operand rank {rank}")
        for axis, (u, d) in enumerate(zip(update.shape, operand.shape)):
            self.check(u <= d, f"update dimension {axis} ({u}) exceeds the operand's ({d})")
        self.check(1 <= rank <= MAX_RANK, f"operand rank {rank} is not in [1, {MAX_RANK}]")
        self.check(out.dtype == operand.dtype,
                   f"output type {out.dtype} differs from the operand's {operand.dtype} "
                   "(TFLM writes the operand's bytes into it)")
        self.check(out.num_elements == operand.num_elements,
                   f"output shape {tuple(out.shape)} does not hold the operand's "
                   f"{tuple(operand.shape)} elements (TFLM writes past or short of it)")
        # TFLM accepts the other types in prepare and fails in invoke
        check_type(self, operand, _SUPPORTED, "operand")
        self.operand_shape = tuple(int(d) for d in operand.shape)
        self.update_shape = tuple(int(d) for d in update.shape)
        # the largest start each axis keeps (operand_dim - update_dim >= 0)
        self.max_start = np.array(self.operand_shape, np.int64) - np.array(self.update_shape,
                                                                            np.int64)
        self.whole = self.operand_shape == self.update_shape
        self.box = None
        if start.data is not None:
            self.box = self._box(start.data)

    def _box(self, start) -> tuple[slice, ...]:
        """CalculateClampedStartIndices: the update's box in the operand."""
        s = np.asarray(start).astype(np.int64).reshape(-1)
        clamped = np.minimum(np.maximum(s, 0), self.max_start)
        return tuple(slice(int(b), int(b) + u) for b, u in zip(clamped, self.update_shape))

    def eval(self, inputs, outputs, scratch) -> None:
        operand, update, out = inputs[0], inputs[1], outputs[0]
        if self.whole:
            out[...] = update.reshape(out.shape)
            return
        y = out if out.shape == self.operand_shape else operand.reshape(self.operand_shape).copy()
        if y is out:
            y[...] = operand
        if update.size:
            box = self.box if self.box is not None else self._box(inputs[2])
            y[box] = update.reshape(self.update_shape)
        if y is not out:
            out[...] = y.reshape(out.shape)
