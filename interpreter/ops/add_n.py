"""ADD_N (``micro/kernels/add_n.cc``, ``reference/add_n.h``): float32 and int8.

All inputs (at least two) must share the output's type and shape; int8
inputs must share one scale and zero point.

float32: per element, a float32 sum from +0.0 over the inputs in order (where
two NaNs meet, the accumulated one is kept, as x86 does).

``semantics="tflite"``, float32: LiteRT's ADD_N (``optimized_ops::AddN``, the
only kernel it has) is a chain of float ADDs with the activation range
``[-FLT_MAX, FLT_MAX]``: ``acc = clamp(x0 + x1)``, then ``acc = clamp(acc + xj)``
for each further input, so an overflow saturates instead of giving +-inf
(``(f + f) - f`` is ``FLT_MAX - f``), an infinite input becomes +-FLT_MAX, and
there is no ``+0.0`` start (``-0.0 + -0.0`` stays ``-0.0``). Where two NaNs
meet, which one's bits are kept depends on the element's position in
LiteRT's compiled loop (see ``_saturating_sum``). LiteRT splits the inputs
among threads when it has more than one (then summing the partial sums), which
changes the results; this reproduces ``num_threads=1``.

int8: with ``v_j = (x_j - zp_in) * 2^20`` and the constant multipliers
``QuantizeMultiplierSmallerThanOneExp(1/2)`` (input) and
``... (2 s_in / (2^20 s_out))`` (output)::

    acc = MBQM((-zp_in) * 2^20, 1/2) + sum_j MBQM(v_j, 1/2)     (int32, wraps)
    y   = clamp(MBQM(acc, output multiplier) + zp_out)

The first term is the reference kernel's accumulator initialisation: it
starts from the *offset* (``-zp_in``) rescaled rather than from zero, so
every output carries one extra ``-zp_in`` input step. This is what TFLM
computes (the tests pin it with non-zero zero points). An output
multiplier of 1 or more makes TFLM abort; here it is a ModelError.

``semantics="tflite"``, int32 (TFLM refuses it): LiteRT's ``AddN`` adds the inputs
with int32 wrap-around (no activation clamp), in any grouping of its threads: a
wrapping sum does not depend on it.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import ChannelMultiplier
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import add_into
from ..arith.float_math import has_nan
from .base import Op
from .base import Types
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .elementwise_common import FLOAT32
from .elementwise_common import INT8
from .elementwise_common import INT32
from .registry import register

LEFT_SHIFT = 20


@register("ADD_N")
class AddN(Op):

    def prepare(self) -> None:
        self.check(len(self.inputs) >= 2, f"expects at least 2 inputs, has {len(self.inputs)}")
        self.check(len(self.outputs) == 1, f"expects 1 output, has {len(self.outputs)}")
        first, out = self.input(0), self.outputs[0]
        self.check(first.dtype == out.dtype,
                   f"input and output types must match, got {first.dtype} -> {out.dtype}")
        for i in range(1, len(self.inputs)):
            t = self.input(i)
            self.check(tuple(t.shape) == tuple(first.shape),
                       f"input {i} has shape {t.shape}, input 0 has {first.shape}")
            self.check(t.dtype == first.dtype,
                       f"input {i} has type {t.dtype}, input 0 has {first.dtype}")
        self.check(first.num_elements == out.num_elements,
                   f"output shape {out.shape} does not match input shape {first.shape}")
        self.dtype = first.dtype
        self.saturating_chain = self.dtype == FLOAT32 and self.config.semantics == "tflite"
        if self.dtype in self.allowed_types(Types((FLOAT32,), tflite=(INT32,))):
            return
        if self.dtype != INT8:
            raise self.unsupported(f"type {self.dtype} is not supported (TFLM supports "
                                   "float32, int8)")
        for i, t in enumerate(self.inputs):
            require_per_tensor_quantization(self, t, f"input {i}")
            self.check(zero_point_of(t) == zero_point_of(first)
                       and np.float32(scale_of(t)) == np.float32(scale_of(first)),
                       f"input {i} must have input 0's scale and zero point")
        require_per_tensor_quantization(self, out, "output")
        s_in, s_out = scale_of(first), scale_of(out)
        twice_max_input_scale = 2 * s_in
        rounding = self.config.rounding
        m_in, sh_in = self.multiplier_below_one(s_in / twice_max_input_scale, "input")
        m_out, sh_out = self.multiplier_below_one(
            twice_max_input_scale / ((1 << LEFT_SHIFT) * s_out), "output")
        self.scale_input = ChannelMultiplier(m_in, sh_in, rounding)
        self.scale_output = ChannelMultiplier(m_out, sh_out, rounding)
        self.zp_in, self.zp_out = zero_point_of(first), zero_point_of(out)
        self.initial = int(self.scale_input(np.int64(-self.zp_in << LEFT_SHIFT)))
        self.lo, self.hi = INT_RANGES[INT8]

    def eval(self, inputs, outputs, scratch) -> None:
        out = outputs[0]
        if self.saturating_chain:
            out[...] = _saturating_sum(inputs, out.shape)
            return
        if self.dtype == FLOAT32:
            total = np.zeros(out.shape, np.float32)
            keep_nan = any(has_nan(x) for x in inputs)
            with np.errstate(over="ignore", invalid="ignore"):
                for x in inputs:
                    add_into(total, x.reshape(out.shape), keep_nan)
            out[...] = total
            return
        if self.dtype == INT32:
            out[...] = wrap_int32(sum(x.reshape(out.shape).astype(np.int64) for x in inputs))
            return
        acc = np.full(out.size, self.initial, dtype=np.int64)
        for x in inputs:
            shifted = (x.reshape(-1).astype(np.int64) - self.zp_in) << LEFT_SHIFT
            acc = wrap_int32(acc + self.scale_input(shifted))
        y = self.scale_output(acc) + self.zp_out
        out[...] = np.clip(y, self.lo, self.hi).reshape(out.shape)


_FLT_MAX = np.float32(np.finfo(np.float32).max)
_QUIET = np.uint32(0x00400000)
_VECTOR = 4     # the float lanes of the SSE loop LiteRT's x86-64 build runs the adds in


def _saturating_sum(inputs, shape) -> np.ndarray:
    """LiteRT's float ADD_N, one thread: ``clamp(... clamp(x1 + x0) + x2 ...)`` to +-FLT_MAX.

    NaN passes the clamp. Where both operands of an add are NaN, x86 returns
    the first one, quieted; LiteRT's compiled loop has the new input first in
    its 4-wide vector body and the running sum first in its scalar tail (the
    last ``N mod 4`` elements).
    """
    keep_nan = any(has_nan(x) for x in inputs)
    total = inputs[0].reshape(-1).astype(np.float32, copy=True)
    body = total.size - total.size % _VECTOR
    with np.errstate(over="ignore", invalid="ignore"):
        for x in inputs[1:]:
            x = x.reshape(-1)
            both = np.isnan(total) & np.isnan(x) if keep_nan else None
            if both is not None and both.any():
                first = np.concatenate([x[:body], total[body:]])
                winner = (first.view(np.uint32) | _QUIET).view(np.float32)
                total += x
                total[both] = winner[both]
            else:
                total += x
            np.clip(total, -_FLT_MAX, _FLT_MAX, out=total)
    return total.reshape(shape)
