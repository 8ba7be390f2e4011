"""ARG_MAX and ARG_MIN (``micro/kernels/arg_min_max.cc``, ``reference/arg_min_max.h``).

float32 or int8 input, an int32 ``axis`` input holding one value (read at
eval, so it may be computed at run time, then checked against the output
shape), an int32 output (TFLM's invoke fails for int64 outputs or axes).
The scan keeps the first extreme: a later value wins only when strictly
greater (less), so ties give the lowest index and NaN never wins after the
first element (a NaN first element is never replaced).

``semantics="tflite"``, float32, LiteRT's ``optimized_ops::ArgMinMax`` (its
only kernel):

* not the last axis (elements after the axis > 1): the reference scan with
  a NaN-aware comparison, ``take = !isnan(x[i]) && (isnan(best) || x[i] > best)``
  (``<`` for ARG_MIN): a NaN extreme gives way to the next non-NaN value, a
  NaN never wins, an all-NaN row gives 0;
* the last axis (``ArgMaxVector`` / ``ArgMinVector``): rows shorter than 4
  use that scan; longer rows run the NEON code (on x86 through its SSE
  translation): four lanes start as ``x[0..3]``, each further full block of
  four updates its lanes with the NaN-aware rule, the lanes are reduced
  pairwise with ``pmax(a, b) = a < b ? b : a`` (``pmin: a > b ? b : a``; a
  NaN first operand wins, a NaN second one loses) as ``pmax(pmax(l0, l1),
  pmax(l2, l3))``; the index is the lowest lane index holding that value (0
  when it is NaN), and the scan goes on from there over the last ``N mod 4``
  elements. So a NaN in lane 0 or 2 can hide later values: ``[NaN, 0, 1, 2]``
  gives 0, ``[0, 1, NaN, 2]`` gives 1.

int8 is the same in both runtimes. ``semantics="tflite"`` also takes the types
LiteRT's kernel takes: bool, uint8 and int32 inputs (the scan above: LiteRT's
vector code for uint8 finds the same first extreme), an int64 output and an
int64 axis.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .layout_common import BOOL
from .layout_common import F32
from .layout_common import I8
from .layout_common import I32
from .layout_common import I64
from .layout_common import U8
from .layout_common import check_output_shape
from .layout_common import check_type
from .layout_common import constant_ints
from .layout_common import normalize_axis
from .registry import register


class _ArgMinMax(Op):
    TYPES = Types((F32, I8), tflite=(BOOL, U8, I32))
    #: the output's and the axis' types
    INDEX_TYPES = Types((I32,), tflite=(I64,))
    #: numpy comparison deciding whether a later value replaces the current extreme
    better = None

    def prepare(self) -> None:
        (inp, axis), (out,) = self.io(2, 1)
        check_type(self, inp, self.TYPES)
        check_type(self, axis, self.INDEX_TYPES, "axis")
        check_type(self, out, self.INDEX_TYPES, "output")
        self.check(axis.num_elements == 1, f"axis must hold one value, has {axis.num_elements}")
        values = constant_ints(self, 1, "axis", self.INDEX_TYPES, required=False)
        self.axis = None if values is None else self._axis(values)
        self.litert_float = self.config.semantics == "tflite" and inp.dtype == F32

    def _axis(self, values) -> int:
        inp = self.input(0)
        axis = normalize_axis(self, int(np.ravel(values)[0]), len(inp.shape))
        check_output_shape(self, self.outputs[0], inp.shape[:axis] + inp.shape[axis + 1:])
        # TFLM starts from the axis' first value: an empty axis has none to read
        self.check(inp.shape[axis] >= 1, f"axis {axis} of input shape {list(inp.shape)} is "
                                         "empty: there is no extreme to find")
        return axis

    def eval(self, inputs, outputs, scratch) -> None:
        axis = self.axis if self.axis is not None else self._axis(inputs[1])
        if self.litert_float:
            outputs[0][...] = self._litert_float(inputs[0], axis).reshape(outputs[0].shape)
            return
        x = np.moveaxis(inputs[0], axis, 0)
        best = np.array(x[0])
        index = np.zeros(best.shape, np.int32)
        for i in range(1, x.shape[0]):
            take = self.better(x[i], best)
            np.copyto(best, x[i], where=take)
            index[take] = i
        outputs[0][...] = index

    # -- semantics="tflite", float32 --------------------------------------
    def _take(self, candidate, best):
        """LiteRT's NaN-aware comparison: a non-NaN candidate beats a NaN or worse best."""
        return ~np.isnan(candidate) & (np.isnan(best) | self.better(candidate, best))

    def _pairwise(self, a, b):
        """NEON2SSE's vpmax_f32 lane: ``a < b ? b : a`` (vpmin: ``a > b ? b : a``)."""
        return np.where(self.better(b, a), b, a)

    def _scan(self, columns, start: int, best, index):
        """The scalar loop over ``columns[start:]`` (axis first), updating best/index."""
        for i in range(start, columns.shape[0]):
            take = self._take(columns[i], best)
            np.copyto(best, columns[i], where=take)
            index[take] = i
        return index

    def _litert_float(self, x: np.ndarray, axis: int) -> np.ndarray:
        length = x.shape[axis]
        if int(np.prod(x.shape[axis + 1:], dtype=np.int64)) != 1 or length < 4:
            columns = np.moveaxis(x, axis, 0)
            return self._scan(columns, 1, np.array(columns[0]),
                              np.zeros(columns.shape[1:], np.int32))
        rows = x.reshape(-1, length)                     # the last-axis vector code
        lanes, lane_index = rows[:, :4].copy(), np.broadcast_to(np.arange(4), (len(rows), 4))
        lane_index = lane_index.astype(np.int32)
        body = length - length % 4
        with np.errstate(invalid="ignore"):
            for i in range(4, body, 4):
                block = rows[:, i:i + 4]
                take = self._take(block, lanes)
                np.copyto(lanes, block, where=take)
                lane_index = np.where(take, np.arange(i, i + 4, dtype=np.int32), lane_index)
            pair = self._pairwise
            best = pair(pair(lanes[:, 0], lanes[:, 1]), pair(lanes[:, 2], lanes[:, 3]))
            hits = np.where(lanes == best[:, None], lane_index, np.iinfo(np.int32).max)
            index = np.where(np.isnan(best), 0, hits.min(axis=1)).astype(np.int32)
            return self._scan(rows.T, body, best, index)


@register("ARG_MAX")
class ArgMax(_ArgMinMax):
    better = staticmethod(np.greater)


@register("ARG_MIN")
class ArgMin(_ArgMinMax):
    better = staticmethod(np.less)
