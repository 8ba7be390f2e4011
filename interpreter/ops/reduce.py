"""REDUCE_MAX, REDUCE_MIN and SUM (``micro/kernels/reduce*.cc``, ``reference/reduce.h``).

These share MEAN's axis handling (constant int32 axes, negative ones wrapped,
duplicates dropped, ``keep_dims``) by extending ``mean.Mean``:

- SUM runs ``QuantizedMeanOrSum`` with ``compute_sum``: MEAN's int8/int16
  arithmetic without folding 1/N into the multiplier, i.e. one
  ``MultiplyByQuantizedMultiplier(sum - zp_in * N, QuantizeMultiplier(s_in /
  s_out))`` plus ``zp_out``. float32 adds left to right in the input's
  row-major order into an accumulator that starts at 0.0 (so an all -0.0 sum
  is +0.0).
- REDUCE_MAX / REDUCE_MIN (float32, int8: TFLM refuses int16 at invoke) fold
  ``in > acc ? in : acc`` (``<`` for MIN) from the type's lowest (highest)
  value, so NaN never wins, an all-NaN reduction gives the start value, and so
  does an all -inf maximum (-FLT_MAX, not -inf). int8 requires the input and
  output to share scale and zero point (checked at TFLM's invoke).

``semantics="tflite"``, SUM int8: LiteRT's reference kernel (``ai-edge-litert``
2.3.0, ``BUILTIN_REF``; its default resolver does not) runs the uint8 instantiation of
``QuantizedMeanOrSum`` on the int8 buffer: each byte is read as uint8
(``x & 0xFF``, so -1 counts as 255), the same integer arithmetic follows
(``MBQM(sum - zp_in * N, QM(s_in / s_out)) + zp_out``, zero points as
stored) and the result is clamped to [0, 255] and stored as a byte (200
reads back as -56). This op does the same under that semantics. SUM int16
in LiteRT goes through the same uint8 code on the first N bytes of the
int16 buffer and writes only the first bytes of the output, leaving the
rest uninitialized: not reproducible, so int16 keeps TFLM's arithmetic.

TFLM also accepts a non-constant axis tensor for these ops; this
implementation, like MEAN's, requires it constant.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .layout_common import F32, I8, check_same_quantization
from .mean import Mean
from .registry import register


@register("SUM")
class Sum(Mean):
    folds_count = False

    def prepare(self) -> None:
        super().prepare()
        if self.config.semantics == "tflite" and self.dtype == I8:
            self.params = replace(self.params, bytes_as_uint8=True, act_min=0, act_max=255)

    def eval(self, inputs, outputs, scratch) -> None:
        if self.dtype != F32:
            super().eval(inputs, outputs, scratch)     # QuantizedMeanOrSum, unfolded multiplier
            return
        x = self._reduced_last(inputs[0])
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.cumsum(x, axis=-1, dtype=np.float32)[..., -1] + np.float32(0.0)
        outputs[0][...] = total.reshape(outputs[0].shape)


class _ReduceExtremum(Mean):
    folds_count = None
    #: numpy comparison deciding whether the incoming value replaces the accumulator
    better = None

    def prepare(self) -> None:
        super().prepare()
        if self.dtype not in (F32, I8):
            raise self.unsupported(f"type {self.dtype} is not supported (TFLM supports "
                                   "float32, int8)")
        check_same_quantization(self, self.input(0), self.outputs[0], "input and output")

    def start_value(self):
        raise NotImplementedError

    def eval(self, inputs, outputs, scratch) -> None:
        x = self._reduced_last(inputs[0])
        acc = np.full(x.shape[:-1], self.start_value(), dtype=self.dtype)
        for i in range(self.n):
            value = x[..., i]
            np.copyto(acc, value, where=self.better(value, acc))
        outputs[0][...] = acc.reshape(outputs[0].shape)


@register("REDUCE_MAX")
class ReduceMax(_ReduceExtremum):
    better = staticmethod(np.greater)

    def start_value(self):
        return np.finfo(self.dtype).min if self.dtype == F32 else np.iinfo(self.dtype).min


@register("REDUCE_MIN")
class ReduceMin(_ReduceExtremum):
    better = staticmethod(np.less)

    def start_value(self):
        return np.finfo(self.dtype).max if self.dtype == F32 else np.iinfo(self.dtype).max
