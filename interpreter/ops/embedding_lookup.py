"""EMBEDDING_LOOKUP (``micro/kernels/embedding_lookup.cc``).

Rows of the value tensor (float32 or int8, at least 2-D; ``semantics="tflite"``:
also bool, uint8, int16, int32 and int64, as LiteRT's) picked by a 1-D int32
lookup vector. A value tensor and an output of the same type copy the rows'
bytes; int8 -> float32 (the "hybrid" case) dequantizes them as
``float(q) * scale`` and requires zero point 0. An out-of-range row makes
TFLM's invoke fail; here it raises a ModelError before anything is copied.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .gather import check_index_range
from .gather import check_index_type
from .layout_common import F32
from .layout_common import I8
from .layout_common import I32
from .layout_common import check_output_shape
from .layout_common import check_type
from .layout_common import quant_params
from .registry import register


@register("EMBEDDING_LOOKUP")
class EmbeddingLookup(Op):
    TYPES = Types.tflite_any(F32, I8)

    def prepare(self) -> None:
        (lookup, value), (out,) = self.io(2, 1)
        self.check(len(lookup.shape) == 1, f"lookup must be 1-D, has shape {lookup.shape}")
        check_index_type(self, lookup, "lookup indices", (I32,))
        self.check(len(value.shape) >= 2, f"value must be at least 2-D, has shape {value.shape}")
        check_type(self, value, self.TYPES, "value")
        check_type(self, out, (value.dtype,) if value.dtype != I8 else (F32, I8), "output")
        check_output_shape(self, out, lookup.shape[:1] + value.shape[1:])
        self.hybrid = value.dtype == I8 and out.dtype == F32
        if self.hybrid:
            scale, zero_point = quant_params(value)
            self.check(zero_point == 0, f"int8 value tensor must have zero point 0 to be "
                                        f"dequantized, has {zero_point}")
            self.scale = np.float32(scale)
        self.rows = value.shape[0]
        if lookup.data is not None and self.rows:
            check_index_range(self, lookup.data, self.rows, "lookup index")

    def eval(self, inputs, outputs, scratch) -> None:
        if self.rows == 0:           # TFLM returns without writing
            return
        ids = inputs[0]
        check_index_range(self, ids, self.rows, "lookup index")
        rows = inputs[1][ids]
        outputs[0][...] = rows.astype(np.float32) * self.scale if self.hybrid else rows
