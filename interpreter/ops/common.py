"""Helpers shared by several ops: activation ranges, quantization lookups."""
from __future__ import annotations

import numpy as np

from ..parse.model import Tensor

# schema ActivationFunctionType values
ACT_NONE, ACT_RELU, ACT_RELU_N1_TO_1, ACT_RELU6, ACT_TANH, ACT_SIGN_BIT = range(6)

INT_RANGES = {
    np.dtype(np.int8): (-128, 127),
    np.dtype(np.uint8): (0, 255),
    np.dtype(np.int16): (-32768, 32767),
    np.dtype(np.int32): (-(1 << 31), (1 << 31) - 1),
}


def quantize_scalar(scale: float, zero_point: int, value: float) -> int:
    """TFLM's kernel_util Quantize(): float32 division, std::round, then add zp."""
    tmp = np.float32(value) / np.float32(scale)
    tmp = np.sign(tmp) * np.floor(np.abs(tmp) + np.float32(0.5))
    return int(zero_point) + int(tmp)


def activation_range_quantized(activation: int, tensor: Tensor) -> tuple[int, int]:
    """CalculateActivationRangeQuantized: the clamp range of a fused activation."""
    qmin, qmax = INT_RANGES[tensor.dtype]
    q = tensor.quantization
    scale, zp = float(q.scale[0]), int(q.zero_point[0])
    if activation == ACT_RELU:
        return max(qmin, quantize_scalar(scale, zp, 0.0)), qmax
    if activation == ACT_RELU6:
        return (max(qmin, quantize_scalar(scale, zp, 0.0)),
                min(qmax, quantize_scalar(scale, zp, 6.0)))
    if activation == ACT_RELU_N1_TO_1:
        return (max(qmin, quantize_scalar(scale, zp, -1.0)),
                min(qmax, quantize_scalar(scale, zp, 1.0)))
    return qmin, qmax


def activation_range_float(activation: int) -> tuple[float, float]:
    """CalculateActivationRange for float kernels."""
    if activation == ACT_RELU:
        return 0.0, float("inf")
    if activation == ACT_RELU6:
        return 0.0, 6.0
    if activation == ACT_RELU_N1_TO_1:
        return -1.0, 1.0
    return float("-inf"), float("inf")


def scale_of(tensor: Tensor) -> float:
    return float(tensor.quantization.scale[0])


def zero_point_of(tensor: Tensor) -> int:
    return int(tensor.quantization.zero_point[0])
