"""MAXIMUM and MINIMUM (``micro/kernels/maximum_minimum.cc``).

``a > b ? a : b`` and ``a < b ? a : b`` on the raw values, broadcast, for
float32, int8, int16, int32 and int64. No requantization: TFLM ignores the
tensors' quantization. (For floats the first operand loses ties and NaN
comparisons: max(NaN, 1) is 1, max(1, NaN) is NaN, max(-0.0, 0.0) is 0.0.)
``semantics="tflite"`` also runs uint8, as LiteRT's reference kernel does (raw values).
"""
from __future__ import annotations

import numpy as np

from .base import Types
from .elementwise_common import BroadcastBinaryOp
from .registry import register

_TYPES = (np.float32, np.int8, np.int16, np.int32, np.int64)


@register("MAXIMUM")
class Maximum(BroadcastBinaryOp):
    supported = Types(_TYPES, tflite=(np.uint8,))
    quantized_needs_params = False

    def compute(self, x1, x2):
        return np.where(x1 > x2, x1, x2)


@register("MINIMUM")
class Minimum(BroadcastBinaryOp):
    supported = Types(_TYPES, tflite=(np.uint8,))
    quantized_needs_params = False

    def compute(self, x1, x2):
        return np.where(x1 < x2, x1, x2)
