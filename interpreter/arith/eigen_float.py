"""float32 arithmetic of Eigen as LiteRT's x86-64 wheel runs it (the float LSTM's).

LiteRT's float UNIDIRECTIONAL_SEQUENCE_LSTM (``lstm_eval.cc``) takes its gates'
matrix products from ``optimized_ops::FullyConnected`` -> ``cpu_backend_gemm``,
which on x86 (no ``TFLITE_WITH_RUY``) is Eigen (``cpu_backend_gemm_eigen.cc``), and
its sigmoid and tanh from ``tensor_utils::ApplySigmoidToVector`` /
``ApplyTanhToVector``: Eigen array expressions ``.logistic()`` / ``.tanh()``. This
module reproduces them bit for bit, as the ``ai-edge-litert`` 2.3.0 wheel compiled
them: clang 18, SSE up to SSE4.1 (``roundps``), no AVX, no FMA, so every ``pmadd``
is a rounded multiply then a rounded add and the packets hold 4 floats. The Eigen
sources are those of the commit the LiteRT build pins for CMake (``dcbaf2d6``,
November 2025); each formula below was checked against the wheel's disassembly
(``libpywrap_litert_common.so`` keeps its symbols) and then against LiteRT itself
(``tests/ops/test_lstm.py``).

NumPy float32 operations round to nearest once each, exactly as ``mulps`` /
``addps`` / ``divps`` do, so a sequence of them written in the compiled order gives
the same bits; additions are written in Eigen's association order (operand order
does not change an IEEE sum).

Activations (``Eigen/src/Core/arch/Default/GenericPacketMathFunctions.h``
``ptanh_float``, formerly ``generic_fast_tanh_float``;
``Eigen/src/Core/functors/UnaryFunctors.h`` ``scalar_logistic_op<float>``):

* ``tanh_float``: x clamped to +-7.90738964 (the non-FMA build's clamp), then
  ``(x^3 * P(x^2) + x) / Q(x^2)`` with Horner polynomials (degree 3 and 4 in x^2).
  The scalar ``numext::tanh(float)`` calls the same template, so the packet and the
  scalar code give every element the same bits.
* the logistic has two different codes: the packet one (``logistic_packet``)
  computes ``e = exp(min(x, 16.6355324) / 2)^2`` with Eigen's own range reduction
  and degree-5 polynomial, then ``e / (1 + e)``, and 0 below -104; the scalar one
  (``logistic_scalar``) is ``e = expf(min(x, 16.6355324))`` from the C library, then
  ``e / (1 + e)``. Eigen's assignment loop (``logistic_float``) runs the packet code
  on the 4-element blocks aligned to 16 bytes *in the destination* and the scalar
  code on the elements before the first aligned address and after the last full
  block, so which elements go which way depends on where the destination starts.

Matrix products (``cpu_backend_gemm_eigen.cc``: ``dst = lhs * rhs`` with a row-major
lhs, the weights ``W`` (M x K), and a column-major rhs, the K x N input columns;
``product`` below), dispatched by Eigen on the sizes (``GeneralProduct.h``,
``ProductEvaluators.h``):

* N == 1, M == 1: ``InnerProduct.h``'s dot product, 4 packet accumulators;
* N == 1, M >= 2, or M == 1, N >= 2 (as ``rhs^T * lhs^T``): the row-major GEMV
  (``products/GeneralMatrixVector.h``), per row one packet accumulator over the
  full packets, its horizontal sum, then the remaining columns one by one;
* M, N >= 2 and M + K + N < 20: the lazy coefficient-wise product, each element a
  ``cwiseProduct(...).sum()`` (``Redux.h``: 2 packet accumulators);
* otherwise the blocked GEMM (``products/GeneralBlockPanelKernel.h``, ``gebp_kernel``
  with mr = 8 rows, nr = 4 columns): each element a sequential sum over k, except
  in the rows after the last block of 8 (the next 4 split k by parity within blocks
  of 8) and in the last M mod 4 rows (k split mod 4), where they meet a block of 4
  columns; the depth is cut into blocks (each added to the result in turn) when it
  exceeds what Eigen fits in the L1 data cache (``l1_data_cache_bytes``).

Every product except the lazy one is added to a zeroed destination (``+0.0 + sum``,
a -0.0 sum becomes +0.0).
"""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from .float_math import expf
from .float_math import sequential_sum

F32 = np.float32
PACKET = 4                    # SSE: 4 floats per packet


def _bits(u: int) -> np.float32:
    return np.array([u], np.uint32).view(np.float32)[0]


# -- tanh: ptanh_float ---------------------------------------------------------------
_TANH_CLAMP = _bits(0x40FD0956)                       # 7.90738964
# the numerator's odd coefficients (x^9 .. x^3; the x term is 1), the denominator's even
# ones (x^8 .. x^0), highest first as ppolevl evaluates them
_TANH_P = (_bits(0x326F951E), _bits(0x37B063DC), _bits(0x3B66BC7F), _bits(0x3E093CF6))
_TANH_Q = (_bits(0x35572C00), _bits(0x39AE6D96), _bits(0x3CD4C460),
           _bits(0x3EEF4922), F32(1.0))


def tanh_float(x) -> np.ndarray:
    """Eigen's float tanh (packet and scalar code alike)."""
    x = np.asarray(x, F32)
    with np.errstate(over="ignore", invalid="ignore"):
        # pmin(x, c) / pmax(x, -c) as compiled: a NaN passes through
        t = np.where(_TANH_CLAMP < x, _TANH_CLAMP, x)
        t = np.where(-_TANH_CLAMP > t, -_TANH_CLAMP, t).astype(F32, copy=False)
        x2 = t * t
        x3 = t * x2
        p = x2 * _TANH_P[0] + _TANH_P[1]
        p = p * x2 + _TANH_P[2]
        p = p * x2 + _TANH_P[3]
        p = p * x3 + t
        q = x2 * _TANH_Q[0] + _TANH_Q[1]
        for c in _TANH_Q[2:]:
            q = q * x2 + c
        return (p / q).astype(F32, copy=False)


# -- logistic: scalar_logistic_op<float> ----------------------------------------------
_EXP_HI = _bits(0x41851592)                            # 16.6355324: S(x) rounds to 1 beyond
_EXP_LO = F32(-104.0)                                  # S(x) rounds to 0 below
_LOG2EF = _bits(0x3FB8AA3B)                            # 1.44269504
_LN2_HI, _LN2_LO = _bits(0xBF318000), _bits(0x395E8083)   # -0.693359375, 2.12194440e-4
_EXP_P2, _EXP_P3 = _bits(0x3EFFFEE0), _bits(0x3E2AAB38)
_EXP_P4, _EXP_P5 = _bits(0x3D2B9DF0), _bits(0x3C088E52)
_HALF, _ONE = F32(0.5), F32(1.0)


def logistic_packet(x) -> np.ndarray:
    """Eigen's packet logistic: ``e = exp(x/2)^2`` (Eigen's exp), ``e / (1 + e)``."""
    x = np.asarray(x, F32)
    with np.errstate(over="ignore", invalid="ignore"):
        xc = np.where(_EXP_HI < x, _EXP_HI, x).astype(F32, copy=False)
        h = xc * _HALF
        m = np.floor(h * _LOG2EF + _HALF)
        r = m * _LN2_HI + h
        r = m * _LN2_LO + r
        r2 = r * r
        p_even = r2 * _EXP_P4 + _EXP_P2
        p_odd = r2 * _EXP_P5 + _EXP_P3
        p = p_odd * r + p_even
        p = p * r2 + (r + _ONE)
        # pldexp_fast: 2^m from the biased exponent clamped to [0, 255]; cvttps2dq
        # gives 0x80000000 for NaN, which the shift turns into 0.0
        biased = m + F32(127.0)
        biased = np.where(F32(0.0) > biased, F32(0.0), biased)
        biased = np.where(F32(255.0) < biased, F32(255.0), biased)
        exponent = np.where(np.isnan(biased), 0, biased).astype(np.int64)
        two_m = (exponent << 23).astype(np.uint32).view(F32)
        e = two_m * p
        e = e * e
        s = e / (e + _ONE)
        return np.where(x < _EXP_LO, F32(0.0), s).astype(F32, copy=False)


def logistic_scalar(x) -> np.ndarray:
    """Eigen's scalar logistic: ``e = expf(min(x, 16.6355324))``, ``e / (1 + e)``."""
    x = np.asarray(x, F32)
    e = expf(np.where(_EXP_HI < x, _EXP_HI, x).astype(F32, copy=False))
    with np.errstate(over="ignore", invalid="ignore"):
        return (e / (e + _ONE)).astype(F32, copy=False)


def logistic_float(x: np.ndarray, offset: int) -> np.ndarray:
    """``dst = x.logistic()`` on a 1-D float32 vector whose destination starts
    ``offset`` floats past a 16-byte boundary: the packet code on the aligned
    4-element blocks, the scalar code before them and after the last full one."""
    n = x.shape[0]
    start = min((-offset) % PACKET, n)
    end = start + (n - start) // PACKET * PACKET
    out = logistic_scalar(x)
    if end > start:
        out[start:end] = logistic_packet(x[start:end])
    return out


# -- matrix products ------------------------------------------------------------------
def _predux(acc: np.ndarray) -> np.ndarray:
    """The horizontal sum of 4-lane packets (last axis), as SSE's predux adds them."""
    return (acc[..., 0] + acc[..., 2]) + (acc[..., 1] + acc[..., 3])


def _gemv_rows(prod: np.ndarray) -> np.ndarray:
    """Row-major GEMV, per row: one packet accumulator, its sum, the tail columns."""
    k = prod.shape[-1]
    full = k // PACKET * PACKET
    lanes = prod[..., :full].reshape(prod.shape[:-1] + (full // PACKET, PACKET))
    acc = sequential_sum(lanes, axis=-2) if full else np.zeros(prod.shape[:-1] + (PACKET,), F32)
    total = _predux(acc)
    for j in range(full, k):
        total = total + prod[..., j]
    return F32(0.0) + total


def _add_in_order(total: np.ndarray, prod: np.ndarray, start: int) -> np.ndarray:
    """``total`` plus prod[..., start:], one element after another (Eigen's scalar tail,
    and its whole sum below one packet): float32 rounding after every addition."""
    for j in range(start, prod.shape[-1]):
        total = total + prod[..., j]
    return total


def _inner_product(prod: np.ndarray) -> np.ndarray:
    """InnerProduct.h: 4 packet accumulators over blocks of 16, the rest into the
    first ones, their sum, the tail; below one packet, left to right."""
    k = prod.shape[-1]
    if k < PACKET:
        return _add_in_order(prod[..., 0], prod, 1)
    packets = k // PACKET
    quad_end = k // (4 * PACKET) * (4 * PACKET)
    acc = [prod[..., PACKET * q:PACKET * (q + 1)] for q in range(min(packets, 4))]
    if packets >= 4:
        for j in range(4 * PACKET, quad_end, 4 * PACKET):
            for q in range(4):
                acc[q] = acc[q] + prod[..., j + PACKET * q:j + PACKET * (q + 1)]
        for q in range((packets * PACKET - quad_end) // PACKET):
            acc[q] = acc[q] + prod[..., quad_end + PACKET * q:quad_end + PACKET * (q + 1)]
        acc[2] = acc[2] + acc[3]
    if packets >= 3:
        acc[1] = acc[1] + acc[2]
    if packets >= 2:
        acc[0] = acc[0] + acc[1]
    return _add_in_order(_predux(acc[0]), prod, packets * PACKET)


def _redux_sum(prod: np.ndarray) -> np.ndarray:
    """Redux.h (linear vectorized, no unrolling): 2 packet accumulators over blocks of
    8, one more packet, their sum, the tail; below one packet, left to right."""
    k = prod.shape[-1]
    if k < PACKET:
        return _add_in_order(prod[..., 0], prod, 1)
    end = k // PACKET * PACKET
    end2 = k // (2 * PACKET) * (2 * PACKET)
    acc0 = prod[..., :PACKET]
    if end > PACKET:
        acc1 = prod[..., PACKET:2 * PACKET]
        for j in range(2 * PACKET, end2, 2 * PACKET):
            acc0 = acc0 + prod[..., j:j + PACKET]
            acc1 = acc1 + prod[..., j + PACKET:j + 2 * PACKET]
        acc0 = acc0 + acc1
        if end > end2:
            acc0 = acc0 + prod[..., end2:end2 + PACKET]
    return _add_in_order(_predux(acc0), prod, end)


def _sequential(prod: np.ndarray) -> np.ndarray:
    """A left-to-right sum over the last axis from +0.0 (an empty one gives +0.0)."""
    if prod.shape[-1] == 0:
        return np.zeros(prod.shape[:-1], F32)
    return sequential_sum(prod)


def _gebp(prod: np.ndarray) -> np.ndarray:
    """gebp_kernel<float, mr=8, nr=4> on one depth block: prod (N, M, K) -> (N, M)."""
    n, m, k = prod.shape
    out = _sequential(prod)
    rows8 = m // 8 * 8                        # peeled_mc2: 2 packets of rows at once
    rows4 = rows8 + (m - rows8) // 4 * 4      # peeled_mc1: 1 packet
    cols4 = n // 4 * 4                        # the 4-column panels
    if cols4 and rows4 > rows8:
        # lhs_process_one_packet: within blocks of 8 k, even k in C, odd k in D
        sub = prod[:cols4, rows8:rows4]
        peeled = k // 8 * 8
        c = _sequential(sub[..., 0:peeled:2]) + _sequential(sub[..., 1:peeled:2])
        out[:cols4, rows8:rows4] = _sequential(
            np.concatenate([c[..., None], sub[..., peeled:]], axis=-1))
    if cols4 and m > rows4:
        # the remaining rows, one at a time against 4 columns: k split mod 4
        sub = prod[:cols4, rows4:]
        k4 = k // 4 * 4
        c = [_sequential(sub[..., q:k4:4]) for q in range(4)]
        c0 = (c[0] + c[1]) + (c[2] + c[3])
        out[:cols4, rows4:] = _sequential(
            np.concatenate([c0[..., None], sub[..., k4:]], axis=-1))
    return out


@lru_cache(maxsize=None)
def l1_data_cache_bytes() -> int:
    """The L1 data cache size Eigen sizes its depth blocks by (it asks CPUID; Linux
    reports the same size in sysfs). Eigen's x86 default, 32 KiB, when unknown."""
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        for entry in sorted(os.listdir(base)):
            path = os.path.join(base, entry)
            if not entry.startswith("index"):
                continue
            with open(os.path.join(path, "level")) as f:
                level = f.read().strip()
            with open(os.path.join(path, "type")) as f:
                kind = f.read().strip()
            if level == "1" and kind == "Data":
                with open(os.path.join(path, "size")) as f:
                    size = f.read().strip()
                return int(size[:-1]) * 1024 if size.endswith("K") else int(size)
    except (OSError, ValueError):
        pass
    return 32 * 1024


def depth_block(m: int, n: int, k: int, l1: int | None = None) -> int:
    """kc of Eigen's single-threaded blocking heuristic
    (``evaluateProductBlockingSizesHeuristic``, mr = 8, nr = 4, float): the whole
    depth unless it exceeds what an 8 x kc lhs panel and a kc x 4 rhs panel fit in L1.
    (Its row and column blocks are multiples of 8 and 4 and change no sum.)"""
    if max(k, m, n) < 48:
        return k
    l1 = l1_data_cache_bytes() if l1 is None else l1
    max_kc = max(((l1 - 8 * 4 * 4) // (8 * 4 + 4 * 4)) & ~7, 1)
    if k <= max_kc:
        return k
    if k % max_kc == 0:
        return max_kc
    return max_kc - 8 * ((max_kc - 1 - (k % max_kc)) // (8 * (k // max_kc + 1)))


def product(weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``rows @ weights.T`` as LiteRT's ``GemmImplUsingEigen`` computes it.

    weights: (M, K) float32, the row-major lhs; rows: (N, K) float32, the rhs's
    columns (one per batch). Returns (N, M) float32 (the column-major destination).
    """
    m, k = weights.shape
    n = rows.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        prod = (rows[:, None, :] * weights[None, :, :]).astype(F32, copy=False)
        if n == 1 and m == 1:
            return F32(0.0) + _inner_product(prod)
        if n == 1 or m == 1:
            return _gemv_rows(prod)
        if m + k + n < 20:
            return _redux_sum(prod)
        kc = depth_block(m, n, k)
        out = np.zeros((n, m), F32)
        for k0 in range(0, k, kc):
            out = out + _gebp(prod[..., k0:k0 + kc])
        return out
