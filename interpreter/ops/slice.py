"""SLICE and STRIDED_SLICE (``micro/kernels/slice.cc``, ``strided_slice*.cc``,
``micro/kernels/internal/strided_slice_logic.h``, ``reference/strided_slice.h``).

Both copy a box of the input into the output in row-major order; neither
rescales, so quantization parameters pass through unchecked, as in TFLM.

SLICE (float32, int8, int16, int32, bool; rank <= 5): ``begin`` and ``size``
are int32 or int64 vectors, read at eval, so they may be computed at run
time; each begin must lie in ``[0, dim]`` and each size (``-1``: to the end)
in ``[0, dim - begin]``, and the box must hold exactly as many elements as
the output tensor: TFLM only compares element counts, so the box is written
into the output in row-major order whatever the output's shape. A violation
makes TFLM's invoke fail; here it raises a ModelError.

STRIDED_SLICE (float32, int8, int16, int32, bool; rank <= 4): constant int32
``begin``/``end``/``strides`` of one value per input dimension, and the
``begin_mask``, ``end_mask`` and ``shrink_axis_mask`` options, with
TensorFlow's negative-index and clamping rules. TFLM ignores
``ellipsis_mask``, ``new_axis_mask`` and ``offset`` (its kernel never copies
them into its parameters), and so does this op: a model setting them gets
the TFLM result, not TensorFlow's (see the tests). Where TFLM's copy loop
would leave output elements unwritten (a shrunk axis whose begin is past the
end, or whose stride is negative: TFLM then copies nothing), this op raises
a ModelError instead of producing arena garbage.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .layout_common import (
    BOOL,
    F32,
    I8,
    I16,
    I32,
    INDEX_TYPES,
    check_max_rank,
    check_output_shape,
    check_same_type,
    check_type,
    constant_ints,
)
from .registry import register

_SUPPORTED = (F32, I8, I16, I32, BOOL)


def _vector_of_rank(op: Op, index: int, what: str, rank: int) -> None:
    t = op.input(index)
    if len(t.shape) != 1 or t.shape[0] != rank:
        raise op.error(f"{what} must be a vector of {rank} values (one per input dimension), "
                       f"has shape {t.shape}")


@register("SLICE")
class Slice(Op):
    MAX_RANK = 5

    def prepare(self) -> None:
        self.check_io_count(3)
        inp, begin, size, out = self.input(0), self.input(1), self.input(2), self.outputs[0]
        check_same_type(self, inp, out)
        check_type(self, inp, _SUPPORTED)
        self.check(begin.dtype == size.dtype and begin.dtype in INDEX_TYPES,
                   f"begin and size must both be int32 or int64, got {begin.dtype} and "
                   f"{size.dtype}")
        check_max_rank(self, inp, self.MAX_RANK)
        rank = len(inp.shape)
        _vector_of_rank(self, 1, "begin", rank)
        _vector_of_rank(self, 2, "size", rank)
        self.box = None
        b = constant_ints(self, 1, "begin", required=False)
        s = constant_ints(self, 2, "size", required=False)
        if b is not None and s is not None:
            self.box = self._box(b, s)

    def _box(self, begin, size) -> tuple[slice, ...]:
        """GetValidatedBeginAndSizeVectors: the box as slices, or the error TFLM fails with."""
        shape = self.input(0).shape
        box, count = [], 1
        for axis, (b, s, dim) in enumerate(zip(np.ravel(begin), np.ravel(size), shape)):
            b, s = int(b), int(s)
            if not 0 <= b <= dim:
                raise self.error(f"begin {b} is out of range [0, {dim}] on axis {axis} "
                                 "(TFLM's invoke fails)")
            n = dim - b if s == -1 else s
            if not 0 <= n <= dim - b:
                raise self.error(f"size {s} does not fit axis {axis} of size {dim} from begin "
                                 f"{b} (TFLM's invoke fails)")
            box.append(slice(b, b + n))
            count *= n
        out = self.outputs[0]
        if count != out.num_elements:
            raise self.error(f"the slice holds {count} elements but the output tensor "
                             f"{out.shape} holds {out.num_elements} (TFLM's invoke fails)")
        return tuple(box)

    def eval(self, inputs, outputs, scratch) -> None:
        box = self.box if self.box is not None else self._box(inputs[1], inputs[2])
        outputs[0][...] = inputs[0][box].reshape(outputs[0].shape)


def _clamp(v: int, lo: int, hi: int) -> int:
    return hi if hi < v else max(v, lo)


def strided_slice_range(axis: int, size: int, begin: int, end: int, stride: int,
                        begin_mask: int, end_mask: int, shrink: bool) -> range:
    """The input positions TFLM's copy loop visits on one axis.

    StridedSliceStartForAxis / StridedSliceEndForAxis: negative indices wrap
    once, then clamp to [0, size] (stride > 0) or [-1, size - 1] (stride < 0);
    a mask bit replaces the bound by the axis' first/last position; a shrunk
    axis spans one element from the start (none when the start is past the end).
    """
    if size == 0:
        return range(0)
    lo, hi = (0, size) if stride > 0 else (-1, size - 1)
    start = _clamp(begin + size if begin < 0 else begin, lo, hi)
    if begin_mask >> axis & 1:
        start = 0 if stride > 0 else size - 1
    if shrink:
        return range(start, start if start >= size else start + 1, stride)
    stop = _clamp(end + size if end < 0 else end, lo, hi)
    if end_mask >> axis & 1:
        stop = size if stride > 0 else -1
    return range(start, stop, stride)


@register("STRIDED_SLICE")
class StridedSlice(Op):
    MAX_RANK = 4

    def prepare(self) -> None:
        self.check_io_count(4)
        inp, out = self.input(0), self.outputs[0]
        check_same_type(self, inp, out)
        check_type(self, inp, _SUPPORTED)
        check_max_rank(self, inp, self.MAX_RANK)
        rank = len(inp.shape)
        vectors = []
        for i, what in ((1, "begin"), (2, "end"), (3, "strides")):
            _vector_of_rank(self, i, what, rank)
            vectors.append(constant_ints(self, i, what, (I32,)))
        opts = self.options
        get = (lambda k: int(opts.get(k, 0) or 0)) if opts is not None else (lambda k: 0)
        begin_mask, end_mask, shrink_mask = get("begin_mask"), get("end_mask"), \
            get("shrink_axis_mask")
        ranges, kept = [], []
        for axis, (b, e, s) in enumerate(zip(*vectors)):
            self.check(int(s) != 0, f"stride on axis {axis} is 0")
            shrink = bool(shrink_mask >> axis & 1)
            r = strided_slice_range(axis, inp.shape[axis], int(b), int(e), int(s), begin_mask,
                                    end_mask, shrink)
            ranges.append(r)
            if not shrink:
                kept.append(len(r))
        check_output_shape(self, out, kept)
        visited = int(np.prod([len(r) for r in ranges], dtype=np.int64))
        if visited != out.num_elements:
            raise self.error(f"a shrunk axis selects no element (begin past the end, or a "
                             f"negative stride: TFLM then leaves the {out.num_elements} output "
                             "elements unwritten)")
        self.index = np.ix_(*[np.array(r, dtype=np.intp) for r in ranges])

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = inputs[0][self.index].reshape(outputs[0].shape)
