"""float32 ``tensor_utils`` sums as LiteRT's x86-64 wheel runs them (its float SVDF's).

The ``ai-edge-litert`` 2.3.0 wheel builds ``tensorflow/lite/kernels/internal/
optimized/neon_tensor_utils.cc`` through NEON_2_SSE (see ``eigen_float``: clang 18,
SSE up to SSE4.1, no FMA), and its ``tensor_utils::`` entry points are two-instruction
stubs that jump to the ``Neon*`` versions, whichever op resolver is used. In
``libpywrap_litert_common.so`` (symbols kept; ``objdump -d -C``):

* ``tensor_utils::MatrixBatchVectorMultiplyAccumulate(const float*, int, int, const
  float*, int, float*)`` -> ``NeonMatrixBatchVectorMultiplyAccumulate``,
* ``tensor_utils::VectorVectorDotProduct(const float*, const float*, int)`` ->
  ``NeonVectorVectorDotProduct``,
* ``tensor_utils::ReductionSumVector(const float*, float*, int, int)`` ->
  ``NeonReductionSumVector``.

The three share one shape of sum, read off their disassembly: four accumulator lanes
(one ``xmm`` register, zeroed by ``xorps``, so they start at +0.0) take the terms of
the full 4-element packets (``addps acc, term``: lane l sums the terms l, l + 4, l + 8,
... left to right), the lanes are added horizontally as ``a3 + (a2 + (a1 + a0))``
(``movshdup`` / ``unpckhpd`` / ``shufps`` and three ``addss``: NEON_2_SSE's
``vaddvq_f32``-style lane sum), and the terms after the last full packet are then
added one by one (``addss acc, term``). With fewer than 4 terms there is no packet:
the lane sum is +0.0 and the terms follow it. The multiplies are ``mulps`` /
``mulss`` and the adds ``addps`` / ``addss``, each rounded once (no FMA), which NumPy
float32 array arithmetic reproduces up to NaN payloads: when both operands are NaN, an
SSE ``addps`` / ``mulps`` returns its first source's (the destination register's,
quieted), while NumPy's loops return either depending on the loop they pick. ``add``
and ``mul`` below take the compiled operand order and put that NaN back; the order
only shows in the bits of a NaN met by another NaN (a NaN born of ``inf - inf`` or
``0 * inf`` is the x86 default NaN, 0xFFC00000, both ways).

Per function:

* ``matrix_batch_vector_multiply_accumulate``: per batch and row, terms
  ``matrix[r, c] * vector[b, c]``; the lane sum is added to the result element
  (``lane_sum + result``), then the tail terms to that. Below 4 columns the result
  element gets ``+ 0.0`` and the terms (the same value).
* ``vector_vector_dot_product``: terms ``v2 * v1`` in the packets (``mulps`` keeps
  ``v2`` as its destination) and ``v1 * v2`` in the tail; returns ``lane_sum + tail``.
* ``reduction_sum_vector``: per output, its ``reduction_size`` consecutive inputs.
"""
from __future__ import annotations

import numpy as np

from .float_math import quiet

F32 = np.float32
PACKET = 4


def _first_nan(result: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``result`` of an SSE operation on (a, b), with a NaN operand's bits where NumPy may
    have taken the other one's: ``a``'s when it is NaN, else ``b``'s, quieted."""
    nan = np.isnan(result)
    if not nan.any():
        return result
    a, b = np.broadcast_to(a, result.shape), np.broadcast_to(b, result.shape)
    result = np.where(np.isnan(b), quiet(b), result)
    return np.where(np.isnan(a), quiet(a), result).astype(F32, copy=False)


def add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``addps a, b`` / ``addss a, b`` (a the destination, the first source)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _first_nan(np.add(a, b, dtype=F32), a, b)


def mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``mulps a, b`` / ``mulss a, b`` (a the destination, the first source)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _first_nan(np.multiply(a, b, dtype=F32), a, b)


def lane_sum(packets: np.ndarray) -> np.ndarray:
    """The 4-lane accumulator sum over the last axis (a multiple of 4 long, possibly
    empty): lane l from +0.0 over terms l, l + 4, ..., then ``a3 + (a2 + (a1 + a0))``."""
    n = packets.shape[-1]
    assert n % PACKET == 0
    acc = np.zeros(packets.shape[:-1] + (PACKET,), F32)
    for j in range(0, n, PACKET):
        acc = add(acc, packets[..., j:j + PACKET])
    return add(acc[..., 3], add(acc[..., 2], add(acc[..., 1], acc[..., 0])))


def add_tail(total: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """``total`` plus the terms of ``tail`` (last axis) one by one, left to right."""
    for j in range(tail.shape[-1]):
        total = add(total, tail[..., j])
    return total


def neon_sum(terms: np.ndarray) -> np.ndarray:
    """The Neon tensor_utils sum of ``terms`` over the last axis: the lanes over the
    full packets, then the remaining terms (fewer than 4) one by one."""
    full = terms.shape[-1] // PACKET * PACKET
    return add_tail(lane_sum(terms[..., :full]), terms[..., full:])


def matrix_batch_vector_multiply_accumulate(matrix: np.ndarray, vectors: np.ndarray,
                                            result: np.ndarray) -> np.ndarray:
    """``result[b, r] += sum_c matrix[r, c] * vectors[b, c]`` in Neon's order.

    matrix (M, K), vectors (B, K), result (B, M) float32; returns the new (B, M)."""
    k = matrix.shape[1]
    full = k // PACKET * PACKET
    terms = mul(matrix[None, :, :], vectors[:, None, :])
    total = add(lane_sum(terms[..., :full]), np.asarray(result, F32))
    return add_tail(total, terms[..., full:])


def vector_vector_dot_product(v1: np.ndarray, v2: np.ndarray) -> np.ndarray:
    """``sum_i v1[..., i] * v2[..., i]`` in Neon's order (v1, v2 broadcast together)."""
    n = np.shape(v1)[-1]
    full = n // PACKET * PACKET
    v1, v2 = np.broadcast_arrays(np.asarray(v1, F32), np.asarray(v2, F32))
    packets = mul(v2[..., :full], v1[..., :full])
    tail = mul(v1[..., full:], v2[..., full:])
    return add_tail(lane_sum(packets), tail)


def reduction_sum_vector(x: np.ndarray, reduction_size: int) -> np.ndarray:
    """``out[..., i] = sum_r x[..., i * reduction_size + r]`` in Neon's order."""
    x = np.asarray(x, F32)
    grouped = x.reshape(x.shape[:-1] + (x.shape[-1] // reduction_size, reduction_size))
    return neon_sum(grouped)
