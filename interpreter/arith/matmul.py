"""Matrix products in the arithmetic of the reference kernels.

Integer products are exact sums (through float64 BLAS where exactness is
proven); float32 products add one product at a time in the kernels' order,
so that they round as the C loops do.
"""
from __future__ import annotations

import numpy as np

from .float_math import add_into
from .float_math import first_nan_product


def exact_int_matmul(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Integer matrix product through float64 BLAS, returned as int64.

    Exact: int8 x (int8 - zp) products are below 2^15 in magnitude, so any sum
    of fewer than 2^38 of them is an integer float64 represents exactly; int16 x
    int8 products are below 2^22, exact in sums of fewer than 2^31.
    """
    return (lhs @ rhs).astype(np.int64)


def accumulate_float32(lhs: np.ndarray, rhs: np.ndarray, keep_nan: bool) -> np.ndarray:
    """``sum_k lhs[..., k] * rhs[k, :]`` rounded like the reference C loop.

    The reference kernels add one float32 product at a time in k order
    (``total += x * w``); a BLAS dot product would reassociate and round
    differently. Vectorized over every other axis, sequential over k.
    lhs: (P, K) float32, rhs: (K, F) float32 -> (P, F) float32.

    ``keep_nan`` (inputs hold NaN): a product of two NaNs is the input's (lhs's)
    NaN, quieted, as the compiled ``input * weight`` returns on x86 (measured for
    FULLY_CONNECTED and CONV_2D); NumPy's vector loops return either operand's.
    """
    total = np.zeros((lhs.shape[0], rhs.shape[1]), np.float32)
    with np.errstate(over="ignore", invalid="ignore"):   # inf and NaN are results here
        for k in range(lhs.shape[1]):
            add_into(total, first_nan_product(lhs[:, k:k + 1], rhs[k], keep_nan), keep_nan)
    return total



def kernel_sums(weights: np.ndarray, bias, input_offset: int, filter_offset: int) -> np.ndarray:
    """The constant part of ``sum_k (x_k + input_offset)(w_k + filter_offset) + bias``.

    Per weight row: ``bias + input_offset * sum_k (w_k + filter_offset)``, in int64
    (wrapping as int64 arithmetic does); the part that depends on x is
    ``sum_k x_k w_k + filter_offset * sum_k x_k`` (``folded_matmul``). Precomputed
    once for constant weights, as CMSIS-NN's kernel sums are. ``bias`` may be None.
    """
    w = np.asarray(weights, np.int64)
    sums = input_offset * (w.sum(axis=1) + filter_offset * w.shape[1])
    if bias is not None:
        sums = sums + np.asarray(bias, np.int64).reshape(-1)
    return sums


def folded_matmul(rows: np.ndarray, weights_t: np.ndarray, filter_offset: int,
                  kernel_sum: np.ndarray) -> np.ndarray:
    """``sum_k (x_k + input_offset)(w_k + filter_offset) + bias`` from the raw values.

    rows: (P, K) float64 holding integers, weights_t: (K, F) float64 (the raw weights,
    transposed), kernel_sum: ``kernel_sums(...)`` (F,). Returns (P, F) int64, equal to
    the unfolded sum modulo 2^64 (exactly, where that does not wrap), and so modulo
    2^32 for the int32 accumulators once wrapped.
    """
    acc = exact_int_matmul(rows, weights_t)
    if filter_offset:
        acc += filter_offset * rows.sum(axis=1, keepdims=True).astype(np.int64)
    acc += np.asarray(kernel_sum, np.int64)
    return acc
