"""SELECT_V2 (``micro/kernels/select.cc``): ``condition ? x : y`` element-wise,
the bool condition, x and y broadcasting (NumPy rules) to the output.

x and y share a type (float32, int8, int16; ``semantics="tflite"`` also bool,
uint8, int32 and int64, as LiteRT's); values are copied raw,
the tensors' quantization is not looked at.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .elementwise_common import BOOL
from .registry import register

_TYPES = Types((np.float32, np.int8, np.int16), tflite=(np.bool_, np.uint8, np.int32, np.int64))


@register("SELECT_V2")
class SelectV2(Op):

    def prepare(self) -> None:
        (cond, x, y), (out,) = self.io(3, 1)
        if cond.dtype != BOOL:
            raise self.error(f"condition must be bool, got {cond.dtype}")
        if x.dtype != y.dtype or out.dtype != x.dtype:
            raise self.error(f"x, y and output types must match, got {x.dtype}, {y.dtype} -> "
                             f"{out.dtype}")
        self.check_dtype(x, _TYPES)
        try:
            shape = np.broadcast_shapes(cond.shape, x.shape, y.shape)
        except ValueError:
            raise self.error(f"shapes {cond.shape}, {x.shape}, {y.shape} do not "
                             "broadcast") from None
        if tuple(shape) != tuple(out.shape) and np.prod(shape) != out.num_elements:
            raise self.error(f"inputs broadcast to {tuple(shape)} but the output has shape "
                             f"{tuple(out.shape)}")
        if len(shape) > 6:
            raise self.unsupported(f"broadcasting supports at most 6 dimensions, got {len(shape)}")

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = np.where(inputs[0], inputs[1], inputs[2]).reshape(outputs[0].shape)
