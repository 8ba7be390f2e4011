"""EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL
(``micro/kernels/comparisons.cc``, ``reference/comparisons.h``).

Inputs of one type, broadcast, bool output. float32, int32 and int64 (and
bool for EQUAL/NOT_EQUAL) compare raw values. int8 (and int16 for GREATER,
the only comparison TFLM's runtime accepts int16 for) compare the inputs
rescaled to a common unit::

    v = MBQM((x - zp) << 8, QuantizeMultiplierSmallerThanOneExp(s))

so the comparison sees each input's real value with 8 extra bits. TFLM
aborts unless each input scale is in (0, 1).

int16 GREATER: the runtime's Prepare fills these parameters for int8 only,
so its int16 kernel reads uninitialized memory and its answers vary from
run to run. Here int16 is rescaled like int8 (what the kernel source
intends).

``semantics="tflite"`` (LiteRT's ``comparisons.cc``) also runs uint8 and int16
(TFLM refuses them, GREATER int16 aside). uint8 is rescaled as int8 is. int16:
GREATER, GREATER_EQUAL, LESS and LESS_EQUAL compare the raw values; EQUAL and
NOT_EQUAL rescale inputs that carry quantization, and EQUAL compares
unquantized ones raw (NOT_EQUAL then writes no output at all: refused here).
As in TFLM, the scales must be in (0, 1): LiteRT aborts on a scale of 0 or 1
and shifts by a negative count (undefined) above 1.
"""
from __future__ import annotations

import operator

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from .base import Types
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .elementwise_common import INT16
from .elementwise_common import QUANTIZED
from .elementwise_common import BroadcastBinaryOp
from .registry import register

LEFT_SHIFT = 8
_BASE_TYPES = (np.float32, np.int32, np.int64, np.int8)


def _quantized(tensor) -> bool:
    q = tensor.quantization
    return q is not None and q.scale.size > 0


class _Comparison(BroadcastBinaryOp):
    bool_output = True
    supported = Types(_BASE_TYPES, tflite=(np.uint8, np.int16))
    quantized_needs_params = False     # checked in prepare_typed, where they are used
    compare = staticmethod(operator.eq)
    #: LiteRT's int16 kernel: "raw" compares raw values; "quantized" rescales quantized
    #: inputs and compares unquantized ones raw; "quantized only" writes nothing for
    #: unquantized ones
    litert_int16 = "raw"

    def prepare_typed(self, in1, in2, out) -> None:
        self.rescaled = in1.dtype in QUANTIZED
        if self.tflite and in1.dtype == INT16:
            self.rescaled = self.litert_int16 != "raw" and _quantized(in1)
            if self.litert_int16 == "quantized only" and not _quantized(in1):
                raise self.unsupported("int16 inputs without quantization: LiteRT's kernel "
                                       "writes no output for them")
        if not self.rescaled:
            return
        self.rescale = []
        for i, t in enumerate((in1, in2)):
            require_per_tensor_quantization(self, t, f"input {i + 1}")
            m, shift = self.multiplier_below_one(scale_of(t), f"input {i + 1} scale")
            self.rescale.append((zero_point_of(t), m, shift))

    def _scaled(self, x: np.ndarray, i: int) -> np.ndarray:
        zp, m, shift = self.rescale[i]
        return multiply_by_quantized_multiplier((x.astype(np.int64) - zp) << LEFT_SHIFT, m, shift,
                                                self.config.rounding)

    def compute(self, x1, x2):
        if self.rescaled:
            x1, x2 = self._scaled(x1, 0), self._scaled(x2, 1)
        return self.compare(x1, x2)


@register("EQUAL")
class Equal(_Comparison):
    supported = Types(_BASE_TYPES + (np.bool_,), tflite=(np.uint8, np.int16))
    compare = staticmethod(operator.eq)
    litert_int16 = "quantized"


@register("NOT_EQUAL")
class NotEqual(_Comparison):
    supported = Types(_BASE_TYPES + (np.bool_,), tflite=(np.uint8, np.int16))
    compare = staticmethod(operator.ne)
    litert_int16 = "quantized only"


@register("GREATER")
class Greater(_Comparison):
    supported = Types(_BASE_TYPES + (np.int16,), tflite=(np.uint8,))
    compare = staticmethod(operator.gt)


@register("GREATER_EQUAL")
class GreaterEqual(_Comparison):
    compare = staticmethod(operator.ge)


@register("LESS")
class Less(_Comparison):
    compare = staticmethod(operator.lt)


@register("LESS_EQUAL")
class LessEqual(_Comparison):
    compare = staticmethod(operator.le)
