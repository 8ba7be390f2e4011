"""CAST and ZEROS_LIKE (``micro/kernels/cast.cc``, ``zeros_like.cc``).

CAST is ``static_cast<To>(from)`` per element, for float32, int8, int16,
int32, uint32 and bool on both sides (the pairs the runtime accepts; TFLM's
audio front end casts uint32 <-> int32); quantization
is ignored. float -> integer truncates toward zero and saturates to the
target type, NaN giving 0 (the runtime's cast is a saturating one);
integer -> narrower integer wraps (keeps the low bits); int32 -> float32
rounds to nearest even; anything -> bool is ``!= 0`` (NaN is true).

``semantics="tflite"``: LiteRT's CAST saturates too, but sends NaN (of
either sign) to the target type's maximum instead of 0; it also casts from and
to uint8, int64, float16 and float64 (TFLM refuses them), by the same
rules (float -> int64 saturates at +-2^63; float16 -> integer goes through
float32, exactly). A cast to float16 goes through float32 too, as LiteRT's
``fp16_ieee_from_fp32_value(static_cast<float>(x))`` does: a float64 or an
integer is rounded to float32 first, then to float16 (both to nearest even).
(uint16, which LiteRT casts too, is refused earlier: TFLM's planner cannot size it.)

ZEROS_LIKE writes zeros of the input's type (float32, int8, int32, int64).
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .common import INT_RANGES
from .elementwise_common import BOOL
from .elementwise_common import FLOAT32
from .registry import register

_CAST_TYPES = Types((np.float32, np.int8, np.int16, np.int32, np.uint32, np.bool_),
                   tflite=(np.uint8, np.int64, np.float16, np.float64))
_FLOATS = tuple(np.dtype(t) for t in (np.float16, np.float32, np.float64))
FLOAT16 = np.dtype(np.float16)
#: where a float saturates, per integer output type (measured: uint32 too, NaN to 0)
_RANGES = {**INT_RANGES, np.dtype(np.uint32): (0, (1 << 32) - 1),
           np.dtype(np.int64): (-(1 << 63), (1 << 63) - 1)}


def _saturating_cast(x: np.ndarray, dtype: np.dtype, nan_value: int) -> np.ndarray:
    """float -> integer: truncation toward zero, saturated to ``dtype``'s range
    (compared in float64, where every float16 and float32 and both bounds are exact),
    NaN -> ``nan_value``."""
    lo, hi = _RANGES[dtype]
    wide = x.astype(np.float64)
    with np.errstate(invalid="ignore"):
        below, above = wide < lo, wide >= float(hi + 1)
        inside = ~(below | above | np.isnan(wide))
        y = np.trunc(np.where(inside, wide, 0)).astype(dtype)
    y[below], y[above], y[np.isnan(wide)] = lo, hi, nan_value
    return y


@register("CAST")
class Cast(Op):

    def prepare(self) -> None:
        inp, out = self.unary_io(same_dtype=False)
        for role, t in (("input", inp), ("output", out)):
            self.check_dtype(t, _CAST_TYPES, role)
        self.in_dtype, self.out_dtype = inp.dtype, out.dtype
        # what NaN becomes in a float -> integer cast
        self.nan_value = (_RANGES[out.dtype][1] if self.config.semantics == "tflite"
                          and out.dtype in _RANGES else 0)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        if self.out_dtype == BOOL:
            y = x != 0
        elif self.in_dtype in _FLOATS and self.out_dtype not in _FLOATS:
            y = _saturating_cast(x, self.out_dtype, self.nan_value)
        else:
            with np.errstate(over="ignore"):     # a float beyond the target's range: inf
                y = (x.astype(FLOAT32).astype(FLOAT16) if self.out_dtype == FLOAT16
                     else x.astype(self.out_dtype))
        outputs[0][...] = y.reshape(outputs[0].shape)


_ZEROS_TYPES = tuple(np.dtype(t) for t in (np.float32, np.int8, np.int32, np.int64))


@register("ZEROS_LIKE")
class ZerosLike(Op):

    def prepare(self) -> None:
        self.unary_io(_ZEROS_TYPES)

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = 0
