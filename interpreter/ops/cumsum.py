"""CUMSUM (``micro/kernels/cumsum.cc``, ``reference/cumsum.h``).

float32 or int8 (``semantics="tflite"``: also int32 and int64, as LiteRT's; LiteRT
refuses int8, which both flavors run as TFLM), input and output of the same shape, a one-value int32
``axis`` (read at eval; it may be computed at run time), ``exclusive`` and
``reverse`` options.

float32: a running float32 sum starting at 0.0, in scan order; int32 and int64: a
running sum of the type, which wraps.

int8 (the ADD-like rescaling of ``reference/cumsum.h``): each input becomes
``MBQM((q - zp_in) << 20, M_in, s_in)`` with ``M_in, s_in`` the quantized
0.5 (= s_in / (2 s_in)); these are summed in a wrapping int32 accumulator
that starts, not at 0, but at the same rescaling of ``-zp_in`` (a quirk of
the reference kernel, which every output carries), and
each (inclusive or exclusive) running sum is rescaled once by
``2 s_in / (2^20 s_out)`` plus ``zp_out``, clamped to int8.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import wrap_int32
from .base import Op
from .base import Types
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .layout_common import F32
from .layout_common import I8
from .layout_common import I32
from .layout_common import I64
from .layout_common import check_output_shape
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .layout_common import normalize_axis
from .registry import register

LEFT_SHIFT = 20


@register("CUMSUM")
class CumSum(Op):
    TYPES = Types((F32, I8), tflite=(I32, I64))

    def prepare(self) -> None:
        (inp, axis), (out,) = self.io(2, 1)
        check_type(self, inp, self.TYPES)
        check_same_type(self, inp, out)
        check_type(self, axis, (I32,), "axis")
        self.check(axis.num_elements == 1, f"axis must hold one value, has {axis.num_elements}")
        self.check(len(inp.shape) >= 1, "input must have at least one dimension")
        check_output_shape(self, out, inp.shape)
        opts = self.options
        self.exclusive = bool(opts.get("exclusive", False)) if opts is not None else False
        self.reverse = bool(opts.get("reverse", False)) if opts is not None else False
        values = constant_ints(self, 1, "axis", (I32,), required=False)
        self.axis = None if values is None else self._axis(values)
        if inp.dtype == I8:
            require_per_tensor_quantization(self, inp, "input")
            require_per_tensor_quantization(self, out, "output")
            twice_max_input_scale = 2 * scale_of(inp)
            real_out = twice_max_input_scale / ((1 << LEFT_SHIFT) * scale_of(out))
            if real_out >= 1.0:
                raise self.error(f"input/output scale ratio {scale_of(inp) / scale_of(out)!r} "
                                 "is too large: TFLM aborts (QuantizeMultiplierSmallerThanOneExp "
                                 "needs 2 * s_in / (2^20 * s_out) < 1)")
            rounding = self.config.rounding
            self.in_multiplier, self.in_shift = quantize_multiplier(
                scale_of(inp) / twice_max_input_scale, rounding)
            self.out_multiplier, self.out_shift = quantize_multiplier(
                twice_max_input_scale / ((1 << LEFT_SHIFT) * scale_of(out)), rounding)
            self.zp_in, self.zp_out = zero_point_of(inp), zero_point_of(out)
            # reference/cumsum.h starts the accumulator at the rescaled input offset
            # (-zp_in), not at 0 (its comment says 0): every output carries it.
            self.start = int(multiply_by_quantized_multiplier(
                -self.zp_in << LEFT_SHIFT, self.in_multiplier, self.in_shift, rounding))
        else:
            self.start = 0

    def _axis(self, values) -> int:
        return normalize_axis(self, int(np.ravel(values)[0]), len(self.input(0).shape))

    def eval(self, inputs, outputs, scratch) -> None:
        axis = self.axis if self.axis is not None else self._axis(inputs[1])
        x = np.moveaxis(inputs[0], axis, -1)
        if self.reverse:
            x = x[..., ::-1]
        if x.dtype != I8:
            terms = x
        else:
            rounding = self.config.rounding
            shifted = (x.astype(np.int64) - self.zp_in) << LEFT_SHIFT
            terms = multiply_by_quantized_multiplier(shifted, self.in_multiplier, self.in_shift,
                                                     rounding)
        # running sums from the accumulator's start value, in the accumulator's type
        start = np.full(terms.shape[:-1] + (1,), self.start, terms.dtype)
        running = np.concatenate([start, terms], axis=-1)
        with np.errstate(over="ignore", invalid="ignore"):
            running = np.cumsum(running, axis=-1, dtype=running.dtype)
        running = running[..., :-1] if self.exclusive else running[..., 1:]
        if x.dtype != I8:
            y = running
        else:
            y = multiply_by_quantized_multiplier(wrap_int32(running), self.out_multiplier,
                                                 self.out_shift, self.config.rounding)
            y = np.clip(y + self.zp_out, -128, 127).astype(np.int8)
        if self.reverse:
            y = y[..., ::-1]
        outputs[0][...] = np.moveaxis(y, -1, axis)
