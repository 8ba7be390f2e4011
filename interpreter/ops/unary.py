"""Shared pieces of the one-input, element-wise ops (activations).

``UnaryOp`` validates the node's types and sizes. ``Int8Table`` holds an
int8 -> int8 function evaluated once, in prepare, for all 256 inputs: an
element-wise kernel of an int8 input is exactly such a function, so eval
becomes a table lookup with the same bytes as TFLM's per-element arithmetic.
``Q4InputScaling`` is the int8 input stage shared by LOGISTIC and TANH
(``logistic_common.cc``, ``tanh.cc``): the input, minus its zero point, is
rescaled to gemmlowp's Q4.27 by a multiplier taken straight from
``frexp(s_in * 2^27)`` (no 2^31 fix-up, no single-rounding shift clamp), and
inputs at or beyond ``CalculateInputRadius(4, shift, 31)`` saturate.
This module registers no op.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier, wrap_int32
from ..arith.gemmlowp import calculate_input_radius
from .base import Op
from .common import scale_of, zero_point_of
from .elementwise import require_per_tensor_quantization

INPUT_INTEGER_BITS = 4


class UnaryOp(Op):
    """One input, one output with as many elements; ``supported`` lists the input types.

    TFLM only DCHECKs that the shapes match, so the output keeps its own shape.
    """

    supported: tuple = ()

    def prepare(self) -> None:
        inp, out = self.unary_io(self.supported)
        if inp.dtype != np.float32:
            require_per_tensor_quantization(self, inp, "input")
            require_per_tensor_quantization(self, out, "output")
        self.dtype = inp.dtype
        self.prepare_typed(inp, out)

    def prepare_typed(self, inp, out) -> None:
        """Type-specific validation and precomputation. Override."""

    @staticmethod
    def write(outputs, y: np.ndarray) -> None:
        outputs[0][...] = y.reshape(outputs[0].shape)


class Int8Table:
    """An int8 -> int8 function tabulated for every input value."""

    def __init__(self, fn):
        """``fn`` maps an int64 array of inputs to their outputs."""
        self.values = np.asarray(fn(np.arange(-128, 128, dtype=np.int64))).astype(np.int8)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.values[x.astype(np.intp) + 128]


@dataclass(frozen=True)
class Q4InputScaling:
    zero_point: int
    multiplier: int
    shift: int
    radius: int

    @classmethod
    def for_tensor(cls, tensor) -> "Q4InputScaling":
        real = scale_of(tensor) * float(1 << (31 - INPUT_INTEGER_BITS))
        q, shift = math.frexp(real)
        # static_cast<int32_t>(TfLiteRound(q * 2^31)): 2^31 itself would wrap
        multiplier = int(wrap_int32(int(math.floor(q * (1 << 31) + 0.5))))
        return cls(zero_point_of(tensor), multiplier, shift,
                   calculate_input_radius(INPUT_INTEGER_BITS, shift, 31))

    def apply(self, x: np.ndarray, rounding: str):
        """(input in Q4.27, mask of inputs <= -radius, mask of inputs >= radius)."""
        centered = x.astype(np.int64) - self.zero_point
        low = centered <= -self.radius
        high = centered >= self.radius
        if self.radius <= 0:  # every input saturates (and the shift would exceed 30)
            return np.zeros_like(centered), low, high
        inside = np.where(low | high, 0, centered)
        q4 = multiply_by_quantized_multiplier(inside, self.multiplier, self.shift, rounding)
        return q4, low, high
