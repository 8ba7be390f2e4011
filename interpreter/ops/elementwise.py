"""Shared machinery of the element-wise ops (ADD, SUB, MUL, activations).

- TFLM's int32 fused-activation range (``CalculateActivationRange<int32_t>``
  in ``micro/kernels/kernel_util.h``; the float one is in ``common.py``);
- broadcast-shape validation and the prepare/eval skeleton of the binary
  ops, which dispatch on the output type as TFLM's ``*Eval`` functions do.

This module registers no op.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import cpp_clamp
from .base import Op
from .base import Types
from .common import ACT_NONE
from .common import ACT_RELU
from .common import ACT_RELU6
from .common import ACT_RELU_N1_TO_1
from .common import INT_RANGES
from .common import activation_range_float
from .common import activation_range_quantized
from .common import fused_activation

QUANTIZED_TYPES = (np.dtype(np.int8), np.dtype(np.int16))
UINT8, INT64 = np.dtype(np.uint8), np.dtype(np.int64)


def fused_activation_field(options) -> int:
    """The raw fused_activation_function of an options table (NONE when absent)."""
    if options is None:
        return ACT_NONE
    return int(options.get("fused_activation_function", ACT_NONE))


def activation_range_int32(activation: int, dtype=np.int32) -> tuple[int, int]:
    """CalculateActivationRange<int32_t> (``dtype`` int64: <int64_t>); TANH and SIGN_BIT
    get the full range, as in TFLM."""
    lowest, highest = INT_RANGES[np.dtype(dtype)]
    if activation == ACT_RELU:
        return 0, highest
    if activation == ACT_RELU6:
        return 0, 6
    if activation == ACT_RELU_N1_TO_1:
        return -1, 1
    return lowest, highest


def clamp_to(y: np.ndarray, lo: int, hi: int, dtype: np.dtype) -> np.ndarray:
    """Clamp integer results to [lo, hi] and narrow them to the output type."""
    return np.clip(y, lo, hi).astype(dtype)


def _without_leading_ones(shape) -> tuple:
    shape = tuple(shape)
    while shape and shape[0] == 1:
        shape = shape[1:]
    return shape


def broadcast_output_shape(op: Op, shape1: tuple, shape2: tuple, out_shape: tuple,
                           max_rank: int = 6) -> None:
    """Check that the inputs broadcast (NumPy rules) to the output shape, up to leading 1s:
    TFLM's broadcast kernels walk the output shape extended to their rank with leading 1s,
    and LiteRT resizes the output to the broadcast shape, so [1, 4, 3] + [3] into a [4, 3]
    output runs in both."""
    try:
        shape = np.broadcast_shapes(shape1, shape2)
    except ValueError:
        raise op.error(f"input shapes {shape1} and {shape2} are not broadcast-compatible") from None
    if _without_leading_ones(shape) != _without_leading_ones(out_shape):
        raise op.error(f"inputs broadcast to {tuple(shape)} but the output tensor has shape "
                       f"{tuple(out_shape)}")
    rank = max(len(shape), len(out_shape))
    if rank > max_rank:
        raise op.unsupported(f"broadcasting supports at most {max_rank} dimensions, got {rank}")


def require_per_tensor_quantization(op: Op, tensor, role: str) -> None:
    q = tensor.quantization
    if q is None or q.scale.size == 0:
        raise op.error(f"{role} tensor {tensor.name!r} ({tensor.dtype}) has no quantization")
    if q.scale.size != 1:
        raise op.unsupported(f"{role} tensor {tensor.name!r} is per-channel quantized")


class BinaryElementwiseOp(Op):
    """Prepare/eval skeleton of ADD, SUB and MUL.

    Subclasses provide ``prepare_quantized`` / ``eval_quantized`` (int8,
    int16) and ``apply_float`` / ``apply_int32`` (the raw arithmetic before
    the activation clamp).

    ``semantics="tflite"`` also runs what LiteRT's reference kernels run and TFLM
    refuses: uint8, quantized as int8 is (the same arithmetic, clamped to
    [0, 255]), and int64, which wraps as int32 does and is then clamped to the
    activation's range (``CalculateActivationRange<int64_t>``).
    """

    #: TFLM's int32 ADD ignores the fused activation (add.cc sets the full int32 range)
    int32_applies_activation = True

    def prepare(self) -> None:
        (in1, in2), (out,) = self.io(2, 1)
        if not (in1.dtype == in2.dtype == out.dtype):
            raise self.error(f"input and output types must match, got {in1.dtype}, "
                             f"{in2.dtype} -> {out.dtype}")
        broadcast_output_shape(self, in1.shape, in2.shape, out.shape)
        self.activation = fused_activation(self)
        self.dtype = out.dtype
        if out.dtype in self.allowed_types(Types(QUANTIZED_TYPES, tflite=(UINT8,))):
            for role, t in (("input 1", in1), ("input 2", in2), ("output", out)):
                require_per_tensor_quantization(self, t, role)
            self.act_min, self.act_max = activation_range_quantized(self.activation, out, self)
            self.prepare_quantized(in1, in2, out)
        elif out.dtype == np.float32:
            self.act_min, self.act_max = activation_range_float(self.activation)
        elif out.dtype == np.int32:
            self.act_min, self.act_max = activation_range_int32(
                self.activation if self.int32_applies_activation else ACT_NONE)
        elif out.dtype == INT64 and self.tflite:
            self.act_min, self.act_max = activation_range_int32(self.activation, INT64)
        else:
            raise self.unsupported(f"type {out.dtype} is not supported")

    def eval(self, inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray],
             scratch) -> None:
        x1, x2 = inputs[0], inputs[1]
        if self.dtype == np.float32:
            with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN are results too
                y = cpp_clamp(self.apply_float(x1, x2), self.act_min, self.act_max)
        elif self.dtype == np.int32:
            raw = wrap_int32(self.apply_int32(x1.astype(np.int64), x2.astype(np.int64)))
            y = np.clip(raw, self.act_min, self.act_max)
        elif self.dtype == INT64:   # NumPy's int64 arithmetic wraps, as LiteRT's does
            y = np.clip(self.apply_int32(x1, x2), self.act_min, self.act_max)
        else:
            y = clamp_to(self.eval_quantized(x1.astype(np.int64), x2.astype(np.int64)),
                         self.act_min, self.act_max, self.dtype)
        outputs[0][...] = y

    # -- provided by subclasses -------------------------------------------
    def prepare_quantized(self, in1, in2, out) -> None:
        raise NotImplementedError

    def eval_quantized(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        """The unclamped int32 result (output zero point included)."""
        raise NotImplementedError

    def apply_float(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def apply_int32(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        """The integer arithmetic on int64 arrays (int32 values, or int64 ones that wrap)."""
        raise NotImplementedError
