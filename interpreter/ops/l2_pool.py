"""L2_POOL_2D (``micro/kernels/l2_pool_2d.cc``, ``reference/pooling.h`` L2Pool).

float32 only (TFLM has no quantized L2 pool). The window geometry, padding
and tap order are those of the other pooling ops (``pooling.py``): per
output pixel, ``sqrt(sum of squares of the in-image taps / their count)``
in float32, taps row by row, then the fused activation.
"""
from __future__ import annotations

import numpy as np

from ..arith.float_math import add_into
from ..arith.float_math import cpp_clamp
from ..arith.float_math import has_nan
from .pooling import _Pool2D
from .pooling import valid_tap_counts
from .registry import register


@register("L2_POOL_2D")
class L2Pool2D(_Pool2D):

    def border_value(self, dtype):
        return 0                     # a padded tap adds 0 * 0 to the sum

    def prepare(self) -> None:
        if self.input(0).dtype != np.float32:
            raise self.unsupported(f"type {self.input(0).dtype} is not supported (TFLM's "
                                   "L2_POOL_2D is float32 only)")
        super().prepare()
        counts = valid_tap_counts(self.params.window)
        self.check(bool(np.all(counts > 0)), "a pooling window lies entirely in the padding")
        self.counts = counts.astype(np.float32)

    def _eval_float(self, inputs, outputs, scratch) -> None:
        self.image.load(inputs[0])
        total = np.zeros(outputs[0].shape, np.float32)
        keep_nan = has_nan(inputs[0])
        with np.errstate(over="ignore", invalid="ignore"):
            for ky, kx in self.window.taps:
                tap = self.image.tap(ky, kx)
                add_into(total, tap * tap, keep_nan)
            result = np.sqrt(total / self.counts)
        outputs[0][...] = cpp_clamp(result, *self.params.float_range)
