"""ARG_MAX and ARG_MIN (``micro/kernels/arg_min_max.cc``, ``reference/arg_min_max.h``).

float32 or int8 input, an int32 ``axis`` input holding one value (read at
eval, so it may be computed at run time, then checked against the output
shape), an int32 output (TFLM's invoke fails for int64 outputs or axes).
The scan keeps the first extreme: a later value wins only when strictly
greater (less), so ties give the lowest index and NaN never wins after the
first element (a NaN first element is never replaced).
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .layout_common import (
    F32,
    I8,
    I32,
    check_output_shape,
    check_type,
    constant_ints,
    normalize_axis,
)
from .registry import register


class _ArgMinMax(Op):
    #: numpy comparison deciding whether a later value replaces the current extreme
    better = None

    def prepare(self) -> None:
        self.check_io_count(2)
        inp, axis, out = self.input(0), self.input(1), self.outputs[0]
        check_type(self, inp, (F32, I8))
        check_type(self, axis, (I32,), "axis")
        check_type(self, out, (I32,), "output")
        self.check(axis.num_elements == 1, f"axis must hold one value, has {axis.num_elements}")
        values = constant_ints(self, 1, "axis", (I32,), required=False)
        self.axis = None if values is None else self._axis(values)

    def _axis(self, values) -> int:
        inp = self.input(0)
        axis = normalize_axis(self, int(np.ravel(values)[0]), len(inp.shape))
        check_output_shape(self, self.outputs[0], inp.shape[:axis] + inp.shape[axis + 1:])
        return axis

    def eval(self, inputs, outputs, scratch) -> None:
        axis = self.axis if self.axis is not None else self._axis(inputs[1])
        x = np.moveaxis(inputs[0], axis, 0)
        best = np.array(x[0])
        index = np.zeros(best.shape, np.int32)
        for i in range(1, x.shape[0]):
            take = self.better(x[i], best)
            np.copyto(best, x[i], where=take)
            index[take] = i
        outputs[0][...] = index


@register("ARG_MAX")
class ArgMax(_ArgMinMax):
    better = staticmethod(np.greater)


@register("ARG_MIN")
class ArgMin(_ArgMinMax):
    better = staticmethod(np.less)
