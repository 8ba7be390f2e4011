"""REDUCE_ALL: logical AND of a bool tensor over constant int32 axes.

The installed tflite-micro runtime registers it (``micro/kernels/reduce*.cc``);
the axes follow MEAN's handling (negative axes wrap, duplicates drop,
``keep_dims`` only shapes the output), and an empty reduction is true.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .elementwise_common import BOOL
from .mean import resolve_axes
from .registry import register


@register("REDUCE_ALL")
class ReduceAll(Op):

    def prepare(self) -> None:
        (inp, axis), (out,) = self.io(2, 1)
        self.check(axis.dtype == np.int32, f"axis tensor must be int32, got {axis.dtype}")
        if inp.dtype != BOOL or out.dtype != BOOL:
            raise self.unsupported(f"types {inp.dtype} -> {out.dtype} are not supported "
                                   "(TFLM supports bool)")
        if axis.data is None:
            raise self.unsupported("a non-constant axis tensor is not supported")
        keep_dims = bool(self.options.keep_dims) if self.options is not None else False
        rank = len(inp.shape)
        self.axes = resolve_axes(self, np.asarray(axis.data).ravel(), rank) if rank else ()
        expected = tuple(1 if i in self.axes else d for i, d in enumerate(inp.shape)) \
            if keep_dims else tuple(d for i, d in enumerate(inp.shape) if i not in self.axes)
        self.check(int(np.prod(expected, dtype=np.int64)) == out.num_elements,
                   f"reducing {inp.shape} over axes {self.axes} gives {expected}, but the "
                   f"output tensor has shape {out.shape}")

    def eval(self, inputs, outputs, scratch) -> None:
        y = np.all(inputs[0], axis=self.axes) if self.axes else inputs[0].astype(bool)
        outputs[0][...] = np.asarray(y).reshape(outputs[0].shape)
