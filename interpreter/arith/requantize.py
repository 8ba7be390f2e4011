"""Requantization: how the integer kernels turn accumulators into output integers.

Every conv-like op (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
TRANSPOSE_CONV, BATCH_MATMUL, ...) ends the same way::

    y = clamp(requantize(acc + bias, M[c], shift[c]) + zp_out, act_min, act_max)

with one of three ``requantize`` steps:

* ``"int32"``: int32 accumulators and the build's MultiplyByQuantizedMultiplier
  (double or single rounding, ``fixedpoint``); the int8 kernels and the 16x8
  kernels with an int32 bias;
* ``"int64"``: int64 accumulators and the int64-input MultiplyByQuantizedMultiplier
  (``fixedpoint.multiply_by_quantized_multiplier_int64``): the 16x8 kernels;
* ``"float"``: LiteRT's reference FULLY_CONNECTED (``semantics="tflite"``):
  ``round(double(acc) * real[c])``, halves away from zero.

``OutputStage`` is that step's prepared form: what a kernel needs, computed
once at prepare time and read by the NumPy requantizers here, by the C kernel
bindings and by the code generator alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from . import fixedpoint
from .fixedpoint import INT32_MAX
from .fixedpoint import INT32_MIN
from .fixedpoint import wrap_int32

#: the largest shift the int64 MultiplyByQuantizedMultiplier is defined for: it
#: rounds with ``1 << (14 - shift)``, undefined in C from shift 15 on
MAX_SHIFT_INT64 = 14


def real_multiplier(input_scale: float, filter_scale: float, output_scale: float) -> float:
    """``(double)s_in * (double)s_w / (double)s_out`` with float32 tensor scales, as
    PopulateConvolutionQuantizationParams and GetQuantizedConvolutionMultipler
    (kernels/kernel_util.cc) compute it."""
    return float(np.float32(input_scale)) * float(filter_scale) / float(np.float32(output_scale))


def channel_multipliers(input_scale: float, filter_scales, output_scale: float,
                        rounding: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel (multiplier, shift) arrays of ``real_multiplier`` over ``filter_scales``."""
    reals = [real_multiplier(input_scale, s, output_scale) for s in np.ravel(filter_scales)]
    return fixedpoint.quantize_multipliers(reals, rounding)


@dataclass(frozen=True, eq=False)
class OutputStage:
    """The prepared requantization of one op: accumulators -> clamped output integers.

    ``multiplier`` / ``shift`` hold one int32 pair per output channel (the
    last axis of the accumulators); ``reals`` the real multipliers of the
    ``"float"`` kind. ``acc_bound`` bounds |accumulator + bias| as known at
    prepare time: past int32, an ``"int32"`` accumulator wraps as the C int32
    sum does. ``int64_acc`` marks a ``"float"`` stage fed by int64
    accumulators (16x8), which never wrap.
    """

    kind: Literal["int32", "int64", "float"]
    multiplier: np.ndarray
    shift: np.ndarray
    zero_point: int
    act_min: int
    act_max: int
    rounding: str = fixedpoint.DOUBLE
    acc_bound: int = 0
    reals: np.ndarray | None = None
    int64_acc: bool = False

    @property
    def channels(self) -> int:
        return len(self.reals if self.kind == "float" else self.multiplier)

    @property
    def accumulator_may_wrap(self) -> bool:
        return self.acc_bound > INT32_MAX


def row_tile(rows: int, channels: int, limit: int = 4096) -> int:
    """How many accumulator rows to treat as one: the largest divisor k of ``rows`` with
    ``k * channels <= limit`` (at least 1)."""
    for k in range(max(1, min(rows, limit // max(channels, 1))), 0, -1):
        if rows % k == 0:
            return k
    return 1


class Requantizer:
    """The ``"int32"`` stage over int64 arrays holding int32 values.

    ``y = clamp(MBQM(acc + bias, M[c], shift[c]) + zp_out, act_min, act_max)``.
    The C kernels add in int32_t, so a sum that leaves int32 wraps, both in
    the accumulator and when the output zero point is added; the wraps are
    applied only when the bounds known at prepare time say they can happen.

    For speed, ``rows`` accumulator rows of ``channels`` values are processed
    as fewer, longer rows with the per-channel constants tiled to match: NumPy
    loops over a broadcast operand run an inner loop per channel row.
    """

    def __init__(self, stage: OutputStage, rows: int):
        self.channels = stage.channels
        self.tile = row_tile(rows, self.channels)
        self.multiply = fixedpoint.ChannelMultiplier(
            np.tile(stage.multiplier, self.tile), np.tile(stage.shift, self.tile), stage.rounding)
        self.zero_point = stage.zero_point
        self.act_min, self.act_max = stage.act_min, stage.act_max
        self.wrap_acc = stage.accumulator_may_wrap
        # MBQM results come near the int32 limits only when a shift is >= 0.
        self.wrap_output = self.zero_point != 0 and bool(np.any(np.asarray(stage.shift) >= 0))

    def __call__(self, acc: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
        """Requantize int64 accumulators (last axis = channel); ``acc`` may be overwritten."""
        shape = acc.shape
        acc = acc.reshape(-1, self.tile * self.channels)
        if bias is not None:
            acc += np.tile(bias, self.tile) if self.tile > 1 else bias
        if self.wrap_acc:
            acc = wrap_int32(acc)
        y = self.multiply(acc)
        y += self.zero_point
        if self.wrap_output:
            y = wrap_int32(y)
        # (np.maximum / np.minimum: the same clamp as np.clip with less per-call overhead)
        np.maximum(y, self.act_min, out=y)
        np.minimum(y, self.act_max, out=y)
        return y.reshape(shape)


class Requantizer64:
    """The ``"int64"`` stage: int64 accumulators -> clamped outputs (the 16x8 kernels).

    ``y = clamp(int32(MBQM64(acc + bias, M[c], shift[c])) + zp_out, act_min, act_max)``
    (``reference/integer_ops/{conv,depthwise_conv,transpose_conv,fully_connected}.h``,
    their int16 overloads): the int64-input MultiplyByQuantizedMultiplier, its
    result cast to int32, then the output zero point added in int32 (wrapping;
    the convolutions have none).
    """

    def __init__(self, stage: OutputStage):
        self.channels = stage.channels
        # The Q15 multiplier is reduced once here; the hot path is one multiply-add-shift.
        self.reduced = fixedpoint.reduce_multiplier_int64(stage.multiplier)
        self.total_shift = 15 - np.asarray(stage.shift, np.int64)
        self.round = np.int64(1) << (self.total_shift - 1)
        self.zero_point = stage.zero_point
        self.act_min, self.act_max = stage.act_min, stage.act_max

    def __call__(self, acc: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
        """Requantize int64 accumulators (last axis = channel); ``acc`` may be overwritten."""
        if bias is not None:
            acc += bias
        acc *= self.reduced   # (C wraps an overflowing int64 product too; NumPy arrays do)
        acc += self.round
        acc >>= self.total_shift
        y = wrap_int32(acc)
        if self.zero_point:
            y = wrap_int32(y + self.zero_point)
        np.maximum(y, self.act_min, out=y)
        np.minimum(y, self.act_max, out=y)
        return y


class FloatRequantizer:
    """The ``"float"`` stage (LiteRT's reference FULLY_CONNECTED):
    ``clamp(int32(round(double(acc) * real[c])) + zp)``.

    ``round`` is ``std::round`` (halves away from zero); the conversion of an
    out-of-range double to int32 gives x86's INT32_MIN; adding the zero point
    wraps as int32 arithmetic does.
    """

    def __init__(self, stage: OutputStage):
        self.reals = np.asarray(stage.reals, np.float64)
        self.zero_point = stage.zero_point
        self.act_min, self.act_max = stage.act_min, stage.act_max
        self.wrap_acc = not stage.int64_acc and stage.accumulator_may_wrap
        self.may_overflow = stage.acc_bound * float(self.reals.max(initial=0.0)) >= 2.0 ** 31 - 1

    def __call__(self, acc: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
        if bias is not None:
            acc = acc + bias
        if self.wrap_acc:
            acc = wrap_int32(acc)
        v = acc * self.reals
        r = np.trunc(v)
        # std::round, exactly: v - trunc(v) is exact, so a half is seen as a half
        r += np.where(np.abs(v - r) >= 0.5, np.sign(v), 0.0)
        if self.may_overflow:
            r[(r > INT32_MAX) | (r < INT32_MIN)] = INT32_MIN
        y = r.astype(np.int64) + self.zero_point
        if self.may_overflow:
            y = wrap_int32(y)
        return np.clip(y, self.act_min, self.act_max)


def requantizer(stage: OutputStage, rows: int = 1):
    """The NumPy requantizer of ``stage``, called as ``requantize(acc, bias)``;
    ``rows`` is the number of accumulator rows per call (a speed hint)."""
    if stage.kind == "int32":
        return Requantizer(stage, rows)
    if stage.kind == "int64":
        return Requantizer64(stage)
    return FloatRequantizer(stage)
