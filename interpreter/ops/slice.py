"""SLICE and STRIDED_SLICE (``micro/kernels/slice.cc``, ``strided_slice*.cc``,
``micro/kernels/internal/strided_slice_logic.h``, ``reference/strided_slice.h``).

Both copy a box of the input into the output in row-major order; neither
rescales, so quantization parameters pass through unchecked, as in TFLM.

SLICE (float32, int8, int16, int32, bool; ``semantics="tflite"`` also uint8 and
int64, as LiteRT's; rank <= 5): ``begin`` and ``size``
are int32 or int64 vectors, read at eval, so they may be computed at run
time; each begin must lie in ``[0, dim]`` and each size (``-1``: to the end)
in ``[0, dim - begin]``, and the box must hold exactly as many elements as
the output tensor: TFLM only compares element counts, so the box is written
into the output in row-major order whatever the output's shape. A violation
makes TFLM's invoke fail; here it raises a ModelError.

STRIDED_SLICE (the same types; rank <= 4): constant int32
``begin``/``end``/``strides`` of one value per input dimension, and the
``begin_mask``, ``end_mask`` and ``shrink_axis_mask`` options, with
TensorFlow's negative-index and clamping rules. TFLM ignores
``ellipsis_mask``, ``new_axis_mask`` and ``offset`` (its kernel never copies
them into its parameters), and so does this op: a model setting them gets
the TFLM result, not TensorFlow's (see the tests). Where TFLM's copy loop
would leave output elements unwritten (a shrunk axis whose begin is past the
end, or whose stride is negative: TFLM then copies nothing), this op raises
a ModelError instead of producing arena garbage.

``semantics="tflite"``: LiteRT's ``strided_slice.cc`` honours the three.
``BuildStridedSliceParams`` expands the ellipsis (full-range axes) and inserts
a size-1 axis per ``new_axis_mask`` bit (outside the ellipsis), giving an
effective input shape of ``rank + new axes`` dimensions; ``begin``/``end``/
``strides`` may then hold fewer (or more) values than the input has
dimensions (missing trailing axes are taken whole). ``offset`` makes each end
relative: ``end = end[i] + start`` (after the start's wrap, clamp and
``begin_mask``), before the end's own wrap and clamp; the output shape LiteRT
allocates is then ``ceil(end[i] / stride)`` per kept axis, and a model whose
output holds a different number of elements than the loop copies is refused
(LiteRT would leave some unwritten or write past the end).
"""
from __future__ import annotations

import math

import numpy as np

from .base import Op
from .base import Types
from .layout_common import BOOL
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import I32
from .layout_common import INDEX_TYPES
from .layout_common import check_max_rank
from .layout_common import check_output_shape
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .layout_common import walk_view
from .params import AxisWalkParams
from .params import WalkAxis
from .registry import register

_SUPPORTED = Types.tflite_any(F32, I8, I16, I32, BOOL)


def _vector_of_rank(op: Op, index: int, what: str, rank: int) -> None:
    t = op.input(index)
    if len(t.shape) != 1 or t.shape[0] != rank:
        raise op.error(f"{what} must be a vector of {rank} values (one per input dimension), "
                       f"has shape {t.shape}")


@register("SLICE")
class Slice(Op):
    MAX_RANK = 5

    def prepare(self) -> None:
        (inp, begin, size), (out,) = self.io(3, 1)
        check_same_type(self, inp, out)
        check_type(self, inp, _SUPPORTED)
        self.check(begin.dtype == size.dtype and begin.dtype in INDEX_TYPES,
                   f"begin and size must both be int32 or int64, got {begin.dtype} and "
                   f"{size.dtype}")
        check_max_rank(self, inp, self.MAX_RANK)
        rank = len(inp.shape)
        _vector_of_rank(self, 1, "begin", rank)
        _vector_of_rank(self, 2, "size", rank)
        # a box known now is the prepared form; one computed at run time is walked at eval
        b = constant_ints(self, 1, "begin", required=False)
        s = constant_ints(self, 2, "size", required=False)
        if b is not None and s is not None:
            self.params = self._box(b, s)

    def _box(self, begin, size) -> AxisWalkParams:
        """GetValidatedBeginAndSizeVectors: the box as a walk, or the error TFLM fails with."""
        inp = self.input(0)
        walk, count = [], 1
        for axis, (b, s, dim) in enumerate(zip(np.ravel(begin), np.ravel(size), inp.shape)):
            b, s = int(b), int(s)
            if not 0 <= b <= dim:
                raise self.error(f"begin {b} is out of range [0, {dim}] on axis {axis} "
                                 "(TFLM's invoke fails)")
            n = dim - b if s == -1 else s
            if not 0 <= n <= dim - b:
                raise self.error(f"size {s} does not fit axis {axis} of size {dim} from begin "
                                 f"{b} (TFLM's invoke fails)")
            walk.append(WalkAxis(axis, b, 1, n))
            count *= n
        out = self.outputs[0]
        if count != out.num_elements:
            raise self.error(f"the slice holds {count} elements but the output tensor "
                             f"{out.shape} holds {out.num_elements} (TFLM's invoke fails)")
        return AxisWalkParams(inp.dtype.itemsize, tuple(inp.shape), tuple(walk))

    def eval(self, inputs, outputs, scratch) -> None:
        p = self.params if self.params is not None else self._box(inputs[1], inputs[2])
        outputs[0][...] = walk_view(inputs[0], p).reshape(outputs[0].shape)


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


def _litert_axis_range(size: int, begin: int, end: int, stride: int, begin_masked: bool,
                       end_masked: bool, shrink: bool, offset: bool) -> range:
    """LiteRT's StridedSliceStartForAxis / StridedSliceEndForAxis on one axis (``offset``:
    the end is relative to the start)."""
    start = begin + size if begin < 0 else begin
    start = _clamp(start, 0, size) if stride > 0 else _clamp(start, -1, size - 1)
    if begin_masked:
        start = 0 if stride > 0 else size - 1
    if shrink:
        return range(start, start if start >= size else start + 1, stride)
    stop = end + start if offset else end
    stop = stop + size if stop < 0 else stop
    stop = _clamp(stop, 0, size) if stride > 0 else _clamp(stop, -1, size - 1)
    if end_masked:
        stop = size if stride > 0 else -1
    return range(start, stop, stride)


def litert_strided_slice(op: Op, shape, begin, end, strides, opts: dict):
    """LiteRT's BuildStridedSliceParams + ResizeOutputTensor (``strided_slice.cc``).

    Returns (effective input shape, visited range per effective axis, the
    output shape LiteRT allocates).
    """
    def bit(mask: int, i: int) -> bool:
        return bool(mask >> i & 1)

    ellipsis, new_axis = opts["ellipsis_mask"], opts["new_axis_mask"]
    input_dims, count = len(shape), len(begin)
    num_add_axis = sum(1 for i in range(count) if not bit(ellipsis, i) and bit(new_axis, i))
    dims = input_dims + num_add_axis
    if dims > 5:
        raise op.error(f"{dims} dimensions with the new axes (LiteRT handles at most 5)")
    eff_ellipsis = eff_new_axis = 0
    ellipsis_start, expanded = dims, 0
    i = 0
    while i < dims:
        if bit(ellipsis, i):
            ellipsis_start = i
            ellipsis_end = max(i + 1, min(i + 1 + num_add_axis + input_dims - count, dims))
            expanded = ellipsis_end - ellipsis_start - 1
            while i < ellipsis_end:
                eff_ellipsis |= 1 << i
                i += 1
            continue
        if bit(new_axis, i - expanded):
            eff_new_axis |= 1 << i
        i += 1
    eff_shape, ranges, out_shape = [], [], []
    added_ellipsis = added_axes = 0
    for i in range(dims):
        full = (0, 0, 1, True, True, False)      # begin, end, stride, masks, shrink
        if bit(eff_ellipsis, i):
            added_ellipsis = max(0, i - ellipsis_start)
            axis = full
        elif bit(eff_new_axis, i):
            axis = (0, 1, 1, False, False, False)
            added_axes += 1
        elif i >= count + expanded:
            axis = full
        else:
            o = i - added_ellipsis
            axis = (int(begin[o]), int(end[o]), int(strides[o]), bit(opts["begin_mask"], o),
                    bit(opts["end_mask"], o), bit(opts["shrink_axis_mask"], o))
        if bit(eff_new_axis, i):
            size = 1
        elif i - added_axes >= input_dims:
            raise op.error("the masks address more dimensions than the input has (LiteRT "
                           "reads past its shape)")
        else:
            size = int(shape[i - added_axes])
        b, e, stride, begin_masked, end_masked, shrink = axis
        if stride == 0:
            raise op.error(f"stride on axis {i} is 0")
        r = _litert_axis_range(size, b, e, stride, begin_masked, end_masked, shrink,
                               opts["offset"])
        eff_shape.append(size)
        ranges.append(r)
        if shrink:
            continue
        if opts["offset"]:                        # ceil(end_data[i] / stride), effective i
            if i >= len(end):
                raise op.error("offset with more dimensions than end values (LiteRT reads "
                               "past the end tensor)")
            n = math.ceil(int(end[i]) / stride)
        else:
            n = len(r)
        out_shape.append(max(n, 0))
    return eff_shape, ranges, out_shape


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
        opts = self.options
        get = (lambda k: int(opts.get(k, 0) or 0)) if opts is not None else (lambda k: 0)
        if self.config.semantics == "tflite":
            self._prepare_litert(get)
            return
        vectors = []
        for i, what in ((1, "begin"), (2, "end"), (3, "strides")):
            _vector_of_rank(self, i, what, rank)
            vectors.append(constant_ints(self, i, what, (I32,)))
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
        self.params = _walk(inp, inp.shape, ranges)

    def _prepare_litert(self, get) -> None:
        inp, out = self.input(0), self.outputs[0]
        vectors = []
        for i, what in ((1, "begin"), (2, "end"), (3, "strides")):
            t = self.input(i)
            self.check(len(t.shape) == 1, f"{what} must be a vector, has shape {t.shape}")
            vectors.append(constant_ints(self, i, what, (I32,)))
        self.check(len(vectors[0]) == len(vectors[1]) == len(vectors[2]) >= 1,
                   "begin, end and strides must hold the same number of values, have "
                   f"{[len(v) for v in vectors]}")
        opts = {k: get(k) for k in ("begin_mask", "end_mask", "shrink_axis_mask",
                                    "ellipsis_mask", "new_axis_mask")}
        opts["offset"] = bool(self.options.get("offset", False)) if self.options else False
        shape, ranges, litert_shape = litert_strided_slice(self, inp.shape, *vectors, opts)
        check_output_shape(self, out, litert_shape)
        visited = int(np.prod([len(r) for r in ranges], dtype=np.int64))
        if visited != out.num_elements:
            raise self.error(f"the slice visits {visited} elements but LiteRT allocates "
                             f"{out.num_elements} for the output {tuple(out.shape)}")
        self.params = _walk(inp, shape, ranges)

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = walk_view(inputs[0], self.params).reshape(outputs[0].shape)


def _walk(inp, shape, ranges) -> AxisWalkParams:
    """The prepared form of a strided slice visiting ``ranges`` of an input of ``shape``."""
    return AxisWalkParams(inp.dtype.itemsize, tuple(int(d) for d in shape),
                          tuple(WalkAxis(k, r.start, r.step, len(r)) for k, r in enumerate(ranges)))
