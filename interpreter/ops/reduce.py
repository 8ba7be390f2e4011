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
rest uninitialized (measured: heap bytes that change from run to run): not
reproducible, so ``semantics="tflite"`` refuses SUM int16 (UnsupportedOpError
saying why).

``semantics="tflite"`` also takes the types LiteRT's reference kernels take:
SUM uint8 (``QuantizedMeanOrSum``, uint8 range), SUM int32 / int64 (a sum of the
type, which wraps) and bool (OR: ``bool + bool`` stored as bool); REDUCE_MAX /
REDUCE_MIN bool, uint8, int16, int32 and int64 (the same fold, from the type's
lowest / highest value; uint8 and int16 need equal input and output
quantization, as int8 does). And when the axes cover every input dimension,
LiteRT's ``ReduceAllDims`` (one thread, as LiteRT's interpreter with
``num_threads=1``) starts the fold from the first element instead of the start
value, in every type: a SUM of float32 -0.0s stays -0.0 (TFLM: +0.0), a
REDUCE_MAX of all -inf gives -inf (TFLM: -FLT_MAX) and a leading NaN stays
(TFLM: it never wins). Under ``"tflite"`` these ops do the same.

TFLM also accepts a non-constant axis tensor for these ops; this
implementation, like MEAN's, requires it constant.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import Types
from .layout_common import BOOL
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import check_same_quantization
from .mean import QUANTIZED
from .mean import Mean
from .registry import register


@register("SUM")
class Sum(Mean):
    TYPES = Types.tflite_any(F32, I8, I16)
    folds_count = False

    def prepare(self) -> None:
        super().prepare()
        if self.config.semantics == "tflite" and self.dtype == I16:
            raise self.unsupported(
                "int16 under semantics='tflite': LiteRT's reference SUM runs its uint8 code "
                "on the first bytes of the int16 input and leaves the rest of the output "
                "unwritten, so its result depends on uninitialized memory (not reproducible)")
        if self.config.semantics == "tflite" and self.dtype == I8:
            self.params = replace(self.params, bytes_as_uint8=True, act_min=0, act_max=255)
        self.from_first = _folds_from_first(self)

    def eval(self, inputs, outputs, scratch) -> None:
        if self.dtype in QUANTIZED:
            super().eval(inputs, outputs, scratch)     # QuantizedMeanOrSum, unfolded multiplier
            return
        x = self._reduced_last(inputs[0])
        if self.dtype != F32:          # int32, int64 wrap; bool: + is OR
            outputs[0][...] = x.sum(axis=-1, dtype=self.dtype).reshape(outputs[0].shape)
            return
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.cumsum(x, axis=-1, dtype=np.float32)[..., -1]
            if not self.from_first:       # the accumulator starts at +0.0
                total = total + np.float32(0.0)
        outputs[0][...] = total.reshape(outputs[0].shape)


class _ReduceExtremum(Mean):
    TYPES = Types.tflite_any(F32, I8)
    folds_count = None
    #: numpy comparison deciding whether the incoming value replaces the accumulator
    better = None

    def prepare(self) -> None:
        super().prepare()
        check_same_quantization(self, self.input(0), self.outputs[0], "input and output")
        self.from_first = _folds_from_first(self)

    def start_value(self):
        raise NotImplementedError

    def eval(self, inputs, outputs, scratch) -> None:
        x = self._reduced_last(inputs[0])
        if self.from_first:
            acc, first = np.array(x[..., 0]), 1
        else:
            acc, first = np.full(x.shape[:-1], self.start_value(), dtype=self.dtype), 0
        for i in range(first, self.n):
            value = x[..., i]
            np.copyto(acc, value, where=self.better(value, acc))
        outputs[0][...] = acc.reshape(outputs[0].shape)


def _folds_from_first(op: Mean) -> bool:
    """LiteRT's ReduceAllDims: under semantics="tflite", a reduction over every input
    dimension folds from the first element."""
    rank = len(op.input(0).shape)
    return op.config.semantics == "tflite" and rank > 0 and len(op.axes) == rank


def _limits(dtype) -> tuple:
    """The lowest and the highest value of ``dtype``."""
    if dtype == BOOL:
        return False, True
    info = np.finfo(dtype) if dtype == F32 else np.iinfo(dtype)
    return info.min, info.max


@register("REDUCE_MAX")
class ReduceMax(_ReduceExtremum):
    better = staticmethod(np.greater)

    def start_value(self):   # std::numeric_limits<T>::lowest()
        return _limits(self.dtype)[0]


@register("REDUCE_MIN")
class ReduceMin(_ReduceExtremum):
    better = staticmethod(np.less)

    def start_value(self):
        return _limits(self.dtype)[1]
