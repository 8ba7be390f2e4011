"""Helpers shared by several ops: activation ranges, quantization lookups."""
from __future__ import annotations

import warnings

import numpy as np

from ..errors import ModelError
from ..errors import TflmQuirkWarning
from ..parse.model import Tensor

# schema ActivationFunctionType values
ACT_NONE, ACT_RELU, ACT_RELU_N1_TO_1, ACT_RELU6, ACT_TANH, ACT_SIGN_BIT = range(6)
_ACT_NAMES = {ACT_TANH: "TANH", ACT_SIGN_BIT: "SIGN_BIT"}


def fused_activation(op) -> int:
    """The op's fused activation, as TFLM's kernels apply it.

    TANH and SIGN_BIT parse, but ``CalculateActivationRange(Quantized)`` gives
    them the full range, so every TFLM kernel silently runs them as NONE. This
    returns NONE for them too (bit-exact with TFLM) and warns that the model's
    activation is not applied.
    """
    options = op.options
    act = ACT_NONE if options is None else int(options.get("fused_activation_function",
                                                            ACT_NONE))
    if act in _ACT_NAMES:
        warnings.warn(f"{op.where}: fused activation {_ACT_NAMES[act]} is not applied by TFLM's "
                      "kernels; computing without it, as TFLM does", TflmQuirkWarning,
                      stacklevel=2)
        return ACT_NONE
    return act


INT_RANGES = {
    np.dtype(np.int8): (-128, 127),
    np.dtype(np.uint8): (0, 255),
    np.dtype(np.int16): (-32768, 32767),
    np.dtype(np.int32): (-(1 << 31), (1 << 31) - 1),
    np.dtype(np.int64): (-(1 << 63), (1 << 63) - 1),
}


_INT32_MIN_F, _INT32_MAX_F = np.float32(-(1 << 31)), np.float32((1 << 31) - 1)


def quantize_scalar(scale: float, zero_point: int, value: float, op=None) -> int:
    """TFLM's kernel_util Quantize(): float32 division, std::round, then add zp.

    TFLM's Prepare fails when the rounded quotient is outside int32 (a tiny
    output scale under RELU6, say); with ``op`` given, so does this, naming it.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tmp = np.float32(value) / np.float32(scale)
        tmp = np.sign(tmp) * np.floor(np.abs(tmp) + np.float32(0.5))
    if op is not None:
        op.check(bool(_INT32_MIN_F <= tmp <= _INT32_MAX_F),
                 f"the fused activation's bound {value} does not fit int32 at output "
                 f"scale {float(np.float32(scale))!r}")
    return int(zero_point) + int(tmp)


def activation_range_quantized(activation: int, tensor: Tensor, op) -> tuple[int, int]:
    """CalculateActivationRangeQuantized: the clamp range of a fused activation
    (refused, naming ``op``, where TFLM's Prepare fails on it)."""
    qmin, qmax = INT_RANGES[tensor.dtype]
    q = tensor.quantization
    scale, zp = float(q.scale[0]), int(q.zero_point[0])
    if activation == ACT_RELU:
        lo, hi = max(qmin, quantize_scalar(scale, zp, 0.0, op)), qmax
    elif activation == ACT_RELU6:
        lo, hi = (max(qmin, quantize_scalar(scale, zp, 0.0, op)),
                  min(qmax, quantize_scalar(scale, zp, 6.0, op)))
    elif activation == ACT_RELU_N1_TO_1:
        lo, hi = (max(qmin, quantize_scalar(scale, zp, -1.0, op)),
                  min(qmax, quantize_scalar(scale, zp, 1.0, op)))
    else:
        return qmin, qmax
    # A negative output scale turns the bounds round: TFLM then clamps every value to
    # the upper bound and casts that to the type (wrapping it if it lies below the
    # range), one constant whatever the input. Garbage by the validation policy
    # (docs/VALIDATION.md), so refused.
    op.check(lo <= hi, f"the fused activation's clamp range [{lo}, {hi}] is empty at output "
                       f"scale {float(np.float32(scale))!r}, zero point {zp} (TFLM would write "
                       f"{hi} cast to {tensor.dtype} for every element)")
    return lo, hi


FLOAT32_LOWEST = np.float32(np.finfo(np.float32).min)
FLOAT32_MAX = np.float32(np.finfo(np.float32).max)


def activation_range_float(activation: int) -> tuple[np.float32, np.float32]:
    """CalculateActivationRange<float> (micro/kernels/kernel_util.h).

    The unbounded sides are float32's lowest and max, not +-inf: an
    overflowed +-inf result comes out of a fused activation as +-FLT_MAX.
    """
    if activation == ACT_RELU:
        return np.float32(0.0), FLOAT32_MAX
    if activation == ACT_RELU6:
        return np.float32(0.0), np.float32(6.0)
    if activation == ACT_RELU_N1_TO_1:
        return np.float32(-1.0), np.float32(1.0)
    return FLOAT32_LOWEST, FLOAT32_MAX


def _quantization_of(tensor: Tensor):
    q = tensor.quantization
    if q is None:
        raise ModelError(f"{tensor.dtype} tensor {tensor.index} ({tensor.name!r}) has no "
                         "quantization parameters")
    return q


def scale_of(tensor: Tensor) -> float:
    """The (first) quantization scale of a quantized tensor; a ModelError if it has none."""
    return float(_quantization_of(tensor).scale[0])


def zero_point_of(tensor: Tensor) -> int:
    """The (first) zero point of a quantized tensor; a ModelError if it has none."""
    return int(_quantization_of(tensor).zero_point[0])
