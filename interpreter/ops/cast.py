"""CAST and ZEROS_LIKE (``micro/kernels/cast.cc``, ``zeros_like.cc``).

CAST is ``static_cast<To>(from)`` per element, for float32, int8, int16,
int32, uint32 and bool on both sides (the pairs the runtime accepts; TFLM's
audio front end casts uint32 <-> int32); quantization
is ignored. float -> integer truncates toward zero and saturates to the
target type, NaN giving 0 (the runtime's cast is a saturating one);
integer -> narrower integer wraps (keeps the low bits); int32 -> float32
rounds to nearest even; anything -> bool is ``!= 0`` (NaN is true).

``semantics="tflite"``: LiteRT's CAST saturates too, but sends NaN (of
either sign) to the target type's maximum instead of 0.

ZEROS_LIKE writes zeros of the input's type (float32, int8, int32, int64).
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .common import INT_RANGES
from .elementwise_common import BOOL, FLOAT32
from .registry import register

_CAST_TYPES = tuple(np.dtype(t) for t in (np.float32, np.int8, np.int16, np.int32, np.uint32,
                                           np.bool_))
#: where a float saturates, per integer output type (measured: uint32 too, NaN to 0)
_RANGES = {**INT_RANGES, np.dtype(np.uint32): (0, (1 << 32) - 1)}


@register("CAST")
class Cast(Op):

    def prepare(self) -> None:
        inp, out = self.unary_io(same_dtype=False)
        for role, t in (("input", inp), ("output", out)):
            if t.dtype not in _CAST_TYPES:
                raise self.unsupported(f"{role} type {t.dtype} is not supported")
        self.in_dtype, self.out_dtype = inp.dtype, out.dtype
        # what NaN becomes in a float -> integer cast
        self.nan_value = (_RANGES[out.dtype][1] if self.config.semantics == "tflite"
                          and out.dtype in _RANGES else 0)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        if self.out_dtype == BOOL:
            y = x != 0
        elif self.in_dtype == FLOAT32 and self.out_dtype != FLOAT32:
            lo, hi = _RANGES[self.out_dtype]
            with np.errstate(invalid="ignore"):
                y = np.where(np.isnan(x), self.nan_value, np.clip(np.trunc(x.astype(np.float64)), lo, hi))
            y = y.astype(self.out_dtype)
        else:
            y = x.astype(self.out_dtype)
        outputs[0][...] = y.reshape(outputs[0].shape)


_ZEROS_TYPES = tuple(np.dtype(t) for t in (np.float32, np.int8, np.int32, np.int64))


@register("ZEROS_LIKE")
class ZerosLike(Op):

    def prepare(self) -> None:
        self.unary_io(_ZEROS_TYPES)

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = 0
