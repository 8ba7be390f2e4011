"""Shared pieces of the extra element-wise ops (math, logic, comparison, ...).

- ``libm_unary``: a C library float function applied element by element
  (TFLM's float kernels call ``std::sin(float)`` etc., i.e. ``sinf``, whose
  last bit depends on the host libm; see ``arith/float_math.py``);
- ``BroadcastBinaryOp``: the prepare/eval skeleton of two-input ops whose
  inputs share a type and broadcast to the output shape (the output type
  may differ, e.g. bool for comparisons).

This module registers no op.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..arith import float_math
from .base import Op
from .base import Types
from .elementwise import broadcast_output_shape
from .elementwise import require_per_tensor_quantization

_D = np.dtype
FLOAT32, INT8, INT16, INT32, INT64, BOOL, UINT8 = (
    _D(np.float32), _D(np.int8), _D(np.int16), _D(np.int32), _D(np.int64), _D(np.bool_),
    _D(np.uint8))
QUANTIZED = (INT8, INT16, UINT8)


def libm_unary(name: str, x: np.ndarray, fallback) -> np.ndarray:
    """The C library's float function ``name`` on each element of a float32 array.

    ``fallback`` (a NumPy ufunc, evaluated in float64 and rounded) is used
    only where no C math library can be loaded.
    """
    x = np.asarray(x, dtype=np.float32)
    fn = float_math._libm_function(name)
    if fn is None:
        with np.errstate(all="ignore"):
            return fallback(x.astype(np.float64)).astype(np.float32)
    return float_math._call_elementwise(fn, x)


class BroadcastBinaryOp(Op):
    """Two inputs of one type that broadcast (NumPy rules) to the output shape.

    Subclasses set ``supported`` (input types: a tuple, or ``Types`` with the further
    types only ``semantics="tflite"`` accepts, which LiteRT's reference kernel runs and
    TFLM's refuses), ``max_rank`` (the largest broadcast rank
    TFLM's kernel handles) and ``bool_output`` (comparisons),
    and implement ``compute(x1, x2)`` on broadcast-ready arrays; quantized
    subclasses override ``prepare_typed``.
    """

    supported: Types | tuple = ()
    max_rank = 6
    bool_output = False
    quantized_needs_params = True

    def prepare(self) -> None:
        (in1, in2), (out,) = self.io(2, 1)
        if not self.input_types_match(in1, in2):
            raise self.error(f"input types must match, got {in1.dtype} and {in2.dtype}")
        expected = BOOL if self.bool_output else in1.dtype
        if out.dtype != expected:
            raise self.error(f"output type must be {expected}, got {out.dtype}")
        if in1.dtype not in self.allowed_types(self.supported):
            raise self.unsupported(f"type {in1.dtype} is not supported")
        self.same_shape = tuple(in1.shape) == tuple(in2.shape)
        if self.same_shape:
            if in1.num_elements != out.num_elements:
                raise self.error(f"output shape {out.shape} does not match input shape "
                                 f"{in1.shape}")
        else:
            broadcast_output_shape(self, in1.shape, in2.shape, out.shape, self.max_rank)
        self.dtype = in1.dtype
        if in1.dtype in QUANTIZED and self.quantized_needs_params:
            for role, t in (("input 1", in1), ("input 2", in2)) + (
                    () if self.bool_output else (("output", out),)):
                require_per_tensor_quantization(self, t, role)
        self.prepare_typed(in1, in2, out)

    def input_types_match(self, in1, in2) -> bool:
        """The two inputs' types go together (by default: they are the same). Override."""
        return in1.dtype == in2.dtype

    def prepare_typed(self, in1, in2, out) -> None:
        """Type-specific validation and precomputation. Override."""

    def eval(self, inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray],
             scratch) -> None:
        y = self.compute(inputs[0], inputs[1])
        outputs[0][...] = np.asarray(y).reshape(outputs[0].shape)

    def compute(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        raise NotImplementedError
