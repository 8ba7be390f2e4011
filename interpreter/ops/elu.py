"""ELU (``micro/kernels/elu.cc``, ``reference/elu.h``): float32 and int8.

float32: ``x < 0 ? expm1f(x) : x`` (the C library's ``expm1f``; NaN and
-0.0 pass through unchanged).

int8: a 256-entry table built in prepare exactly as TFLM's
``PopulateLookupTable`` builds it, all in float32::

    d = s_in * (float)(q - zp_in)
    t = d < 0 ? expf(d) - 1 : d
    y = clamp((int32)(roundf(t * (1 / s_out)) + (float)zp_out))

TFLM rejects int16 (and every other type) at invoke; here that is an
UnsupportedOpError in prepare.
"""
from __future__ import annotations

import numpy as np

from ..arith.float_math import expf
from ..arith.lut import lut_populate_8bit
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise_common import FLOAT32
from .elementwise_common import libm_unary
from .math_unary import ElementwiseUnaryOp
from .params import LookupTable
from .registry import register


def float_lookup_table(inp, out, transform, litert: bool = False) -> LookupTable:
    """TFLM's int8 ``PopulateLookupTable`` (``litert``: LiteRT's ``LUTPopulate<int8_t /
    uint8_t>``, uint8 too; its int8 entries saturate where they overflow int32):
    dequantize, ``transform`` in float32, requantize (``arith.lut.lut_populate_8bit``).
    ``transform`` maps a float32 array to a float32 array.
    """
    args = (scale_of(inp), zero_point_of(inp), scale_of(out), zero_point_of(out),
            *INT_RANGES[inp.dtype], litert and inp.dtype == np.int8)
    return LookupTable.tabulate(inp.dtype, lambda q: lut_populate_8bit(transform, q, *args))


def expm1f(x: np.ndarray) -> np.ndarray:
    """C ``expm1f`` on a float32 array."""
    return libm_unary("expm1f", x, np.expm1)


@register("ELU")
class Elu(ElementwiseUnaryOp):
    supported = (np.float32, np.int8)

    def prepare_typed(self, inp, out) -> None:
        if self.dtype == FLOAT32:
            return
        self.params = float_lookup_table(
            inp, out, lambda d: np.where(d < 0, expf(d) - np.float32(1), d))

    def compute(self, x: np.ndarray) -> np.ndarray:
        if self.dtype != FLOAT32:
            return self.params(x)
        y = x.copy()
        negative = x < 0
        if negative.any():
            y[negative] = expm1f(x[negative])
        return y
