"""MEAN (``micro/kernels/reduce_common.cc``, ``reference/reduce.h``).

int8/int16 follow ``QuantizedMeanOrSum``: an int32 (wrapping) sum over the
reduced axes, the input zero point removed as ``zp_in * N``, and a single
requantization whose multiplier absorbs the 1/N::

    M, s  = QuantizeMultiplier(s_in / s_out)
    sh    = min(63 - clz64(N), 32, 31 + s)
    M'    = (M << sh) // N            (int64)
    y     = clamp(MBQM(sum - zp_in * N, M', s - sh) + zp_out)

The runtime has no special case for equal input and output quantization, nor
for 4-D means over axes 1 and 2 (older TFLM versions had both; the tests
cover these cases). LiteRT's reference MEAN gives the same bytes; its
default (optimized) MEAN does not.

float32: a left-to-right float32 sum over the reduced elements (in the
input's row-major order) divided by ``(float)N``.

``semantics="tflite"`` also takes the types LiteRT's reference MEAN takes: uint8
(``QuantizedMeanOrSum`` as above, uint8 range) and int32 / int64 (``reference_ops::Mean``:
an int64 sum, which wraps, divided by N with C's truncation toward zero).
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import sequential_sum
from .base import Op
from .base import Types
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .params import ReduceParams
from .registry import register

#: the types MEAN and SUM requantize (QuantizedMeanOrSum)
QUANTIZED = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.uint8))


def resolve_axes(op: Op, axes, rank: int) -> tuple[int, ...]:
    """ResolveAxis: negative axes wrap, duplicates drop; sorted (the order does not matter)."""
    resolved = set()
    for a in axes:
        a = int(a)
        current = a + rank if a < 0 else a
        if not 0 <= current < rank:
            raise op.error(f"axis {a} is out of range for rank {rank}")
        resolved.add(current)
    return tuple(sorted(resolved))


def mean_multiplier(multiplier: int, shift: int, n: int) -> tuple[int, int]:
    """Fold 1/n into (multiplier, shift) as QuantizedMeanOrSum does."""
    sh = min(n.bit_length() - 1, 32, 31 + shift)
    return int((multiplier << sh) // n), shift - sh


@register("MEAN")
class Mean(Op):
    TYPES = Types((np.float32, np.int8, np.int16), tflite=(np.uint8, np.int32, np.int64))
    #: whether the int8/int16 requantization folds in 1/n (MEAN) or not (SUM); None for
    #: the reductions that do not requantize (REDUCE_MAX / REDUCE_MIN)
    folds_count: bool | None = True

    def prepare(self) -> None:
        (inp, axis), (out,) = self.io(2, 1)
        if axis.dtype != np.int32:
            raise self.error(f"axis tensor must be int32, got {axis.dtype}")
        if inp.dtype != out.dtype:
            raise self.error(f"input and output types must match, got {inp.dtype} -> {out.dtype}")
        self.check_dtype(inp, self.TYPES)
        if axis.data is None:
            raise self.unsupported("a non-constant axis tensor is not supported")
        self.dtype = inp.dtype
        self.keep_dims = bool(self.options.keep_dims) if self.options is not None else False
        rank = len(inp.shape)
        self.axes = resolve_axes(self, np.asarray(axis.data).ravel(), rank) if rank else ()
        self.kept = tuple(i for i in range(rank) if i not in self.axes)
        self.n = int(np.prod([inp.shape[a] for a in self.axes], dtype=np.int64))
        expected = tuple(1 if i in self.axes else d for i, d in enumerate(inp.shape)) \
            if self.keep_dims else tuple(inp.shape[i] for i in self.kept)
        if int(np.prod(expected, dtype=np.int64)) != out.num_elements:
            raise self.error(f"reducing {inp.shape} over axes {self.axes} gives {expected}, "
                             f"but the output tensor has shape {out.shape}")
        if self.n == 0:
            raise self.unsupported("reducing over an empty dimension is not supported")
        if self.dtype in QUANTIZED:
            require_per_tensor_quantization(self, inp, "input")
            require_per_tensor_quantization(self, out, "output")
            if self.folds_count is not None:
                m, s = quantize_multiplier(scale_of(inp) / scale_of(out), self.config.rounding)
                if self.folds_count:
                    m, s = mean_multiplier(m, s, self.n)
                self.params = ReduceParams(inp.dtype, tuple(inp.shape), self.axes, self.n,
                                           zero_point_of(inp), zero_point_of(out), m, s,
                                           *INT_RANGES[out.dtype])

    def _reduced_last(self, x: np.ndarray) -> np.ndarray:
        """x with the kept axes first (in order) and the reduced ones flattened last."""
        x = np.transpose(x, self.kept + self.axes)
        return x.reshape(x.shape[:len(self.kept)] + (self.n,))

    def eval(self, inputs, outputs, scratch) -> None:
        x = self._reduced_last(inputs[0])
        out = outputs[0]
        if self.dtype == np.float32:
            out[...] = (sequential_sum(x) / np.float32(self.n)).reshape(out.shape)
            return
        if self.dtype not in QUANTIZED:                 # int32, int64: reference_ops::Mean
            total = x.sum(axis=-1, dtype=np.int64)       # wraps
            mean = total // self.n
            mean += (mean < 0) & (mean * self.n != total)   # C division truncates toward 0
            out[...] = mean.astype(out.dtype).reshape(out.shape)
            return
        p = self.params
        if p.bytes_as_uint8:
            x = x.view(np.uint8)
        total = wrap_int32(x.sum(axis=-1, dtype=np.int64))
        shifted = wrap_int32(total - p.input_zero_point * p.n)
        # the zero point is added in int32, which wraps (TFLM, and the C kernel)
        y = wrap_int32(multiply_by_quantized_multiplier(shifted, p.multiplier, p.shift,
                                                        self.config.rounding) + p.output_zero_point)
        out[...] = np.clip(y, p.act_min, p.act_max).astype(out.dtype).reshape(out.shape)
