"""Eigen's float32 arithmetic as LiteRT's x86 wheel runs it (interpreter/arith/eigen_float.py).

These pin the formulas on their own: the activations' shapes and cut-offs, which elements
of a vector take the logistic's packet code, and each matrix product's order of
summation, on products chosen so that every other order gives another float32 sum. The
module is checked against LiteRT itself through its one user, the float LSTM
(tests/ops/test_lstm.py: test_float_tflite_*).
"""
from __future__ import annotations

import numpy as np
import pytest

from interpreter.arith import eigen_float as ef

F32 = np.float32


def grid(lo: float, hi: float, n: int = 20001) -> np.ndarray:
    return np.linspace(lo, hi, n, dtype=F32)


def ulps(a: np.ndarray, exact: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(np.float64) - exact) / np.spacing(np.abs(a)).astype(np.float64)


def test_tanh_is_odd_close_and_saturates_at_the_clamp():
    x = grid(-12, 12)
    t = ef.tanh_float(x)
    np.testing.assert_array_equal(ef.tanh_float(-x), -t)
    inside = np.abs(x) < 7
    assert ulps(t[inside], np.tanh(x[inside].astype(np.float64))).max() < 8
    clamp = np.array([0x40FD0956], np.uint32).view(F32)[0]
    assert ef.tanh_float(np.array([clamp, 9, 1e30, np.inf], F32)).tolist() == [
        ef.tanh_float(np.array([clamp], F32))[0]] * 4
    assert np.isnan(ef.tanh_float(np.array([np.nan], F32)))[0]
    assert ef.tanh_float(np.array([-0.0], F32)).view(np.uint32)[0] == 0x80000000


def test_logistic_packet_and_scalar_codes_differ():
    """Both are within a few ULP of the exact sigmoid, yet give other bits on about half
    of the inputs: which elements take which code matters."""
    x = grid(-20, 20)
    exact = 1 / (1 + np.exp(-x.astype(np.float64)))
    packet, scalar = ef.logistic_packet(x), ef.logistic_scalar(x)
    big = exact > 1e-6
    assert ulps(packet[big], exact[big]).max() < 6
    assert ulps(scalar[big], exact[big]).max() < 3
    assert 0.3 < np.mean(packet != scalar) < 0.7
    # the packet code's cut-offs: 0 below -104, 1 from 16.6355324 on
    edge = np.array([-104.5, -103.5, 16.6355324, 1e30, np.inf], F32)
    p = ef.logistic_packet(edge)
    assert p[0] == 0 and p[1] > 0 and p[2] == p[3] == p[4] == 1


@pytest.mark.parametrize("offset", range(4))
@pytest.mark.parametrize("n", range(12))
def test_logistic_packet_code_on_the_aligned_blocks(n, offset):
    x = grid(-6, 6, n) if n else np.zeros(0, F32)
    y = ef.logistic_float(x, offset)
    start = min((4 - offset) % 4, n)
    end = start + (n - start) // 4 * 4
    where = np.zeros(n, bool)
    where[start:end] = True
    np.testing.assert_array_equal(y[where], ef.logistic_packet(x[where]))
    np.testing.assert_array_equal(y[~where], ef.logistic_scalar(x[~where]))


# The products are the weights (the inputs are 1): random mantissas over four decades, so
# that other orders of summation round differently (the tests check that some do). The
# expected sums are written out below in each path's order, one float32 rounding per add.

def order_sensitive(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * 10.0 ** rng.uniform(-2, 2, n)).astype(F32)


def fold(values, start=None) -> F32:
    """Left to right, from ``start`` (or from the first value)."""
    values = [F32(v) for v in values]
    total = values.pop(0) if start is None else F32(start)
    for v in values:
        total = F32(total + v)
    return total


def lanes(p: np.ndarray, stop: int, start=None) -> list:
    """Four packet lanes: lane j folds p[j], p[j + 4], ... below ``stop``."""
    return [fold(p[j:stop:4], start) for j in range(4)]


def predux(lane) -> F32:
    return F32(F32(lane[0] + lane[2]) + F32(lane[1] + lane[3]))


def gemv_order(p: np.ndarray) -> F32:
    full = len(p) // 4 * 4
    return F32(0) + fold(p[full:], predux(lanes(p, full, 0.0)))


def inner_product_order(p: np.ndarray) -> F32:
    k = len(p)
    if k < 4:
        return F32(0) + fold(p)
    packets = [p[4 * q:4 * q + 4] for q in range(k // 4)]
    acc = [packets[q].copy() for q in range(min(4, len(packets)))]
    for q in range(4, len(packets)):
        acc[q % 4] = (acc[q % 4] + packets[q]).astype(F32)
    while len(acc) > 1:                     # a0 + (a1 + (a2 + a3))
        last = acc.pop()
        acc[-1] = (acc[-1] + last).astype(F32)
    return F32(0) + fold(p[k // 4 * 4:], predux(acc[0]))


def redux_order(p: np.ndarray) -> F32:
    k = len(p)
    if k < 4:
        return fold(p)
    end, end2 = k // 4 * 4, k // 8 * 8
    acc0 = p[0:4].copy()
    if end > 4:
        acc1 = p[4:8].copy()
        for j in range(8, end2, 8):
            acc0 = (acc0 + p[j:j + 4]).astype(F32)
            acc1 = (acc1 + p[j + 4:j + 8]).astype(F32)
        acc0 = (acc0 + acc1).astype(F32)
        if end > end2:
            acc0 = (acc0 + p[end2:end2 + 4]).astype(F32)
    return fold(p[end:], predux(acc0))


def check_order(products: np.ndarray, n: int, expected) -> np.ndarray:
    """``product`` of the rows ``products`` (M, K) with ``n`` columns of ones against the
    per-row ``expected`` order. Returns the expected sums."""
    y = ef.product(products, np.ones((n, products.shape[1]), F32))
    want = np.array([expected(row) for row in products], F32)
    np.testing.assert_array_equal(y, np.broadcast_to(want, y.shape))
    return want


def differs_from_left_to_right(products: np.ndarray, sums: np.ndarray) -> bool:
    return any(fold(row, 0.0) != w for row, w in zip(products, sums))


@pytest.mark.parametrize("k", [5, 9, 16, 23, 37, 64])
def test_gemv_order(k):
    """N == 1, M >= 2 (and M == 1, N >= 2): per row one packet accumulator over the full
    packets, summed (l0 + l2) + (l1 + l3), then the other columns left to right."""
    w = np.array([order_sensitive(k, s) for s in range(12)])
    assert differs_from_left_to_right(w, check_order(w, 1, gemv_order))
    for row in w[:3]:
        check_order(row[None], 6, gemv_order)


@pytest.mark.parametrize("k", [3, 5, 9, 13, 16, 23, 37, 64])
def test_dot_product_order(k):
    """N == M == 1: InnerProduct.h, packets 0..3 in four accumulators (later packets
    added to accumulator q mod 4), combined a0 + (a1 + (a2 + a3)), then the tail."""
    rows = [order_sensitive(k, s)[None] for s in range(12)]
    got = [ef.product(w, np.ones_like(w))[0, 0] for w in rows]
    want = [inner_product_order(w[0]) for w in rows]
    assert got == want
    if k >= 12:     # below 3 packets the two orders coincide
        assert any(inner_product_order(w[0]) != gemv_order(w[0]) for w in rows)


@pytest.mark.parametrize("m,k,n", [(2, 3, 2), (3, 5, 2), (2, 13, 3), (4, 9, 5), (2, 15, 2)])
def test_lazy_product_order(m, k, n):
    """M, N >= 2, M + K + N < 20: Redux.h, two accumulators over blocks of 8, summed,
    plus one more packet, then the tail; the result is not added to +0.0."""
    w = np.array([order_sensitive(k, s) for s in range(m)])
    check_order(w, n, redux_order)
    neg_zero = ef.product(np.full((2, 1), -0.0, F32), np.ones((2, 1), F32))
    assert (neg_zero.view(np.uint32) == 0x80000000).all()
    gemv_zero = ef.product(np.full((3, 1), -0.0, F32), np.ones((1, 1), F32))
    assert (gemv_zero.view(np.uint32) == 0).all()        # GEMV: +0.0 + (-0.0)


def parity_order(p: np.ndarray) -> F32:
    peeled = len(p) // 8 * 8
    c = F32(fold(p[0:peeled:2], 0.0) + fold(p[1:peeled:2], 0.0))
    return F32(0) + fold(p[peeled:], c)


def mod4_order(p: np.ndarray) -> F32:
    k4 = len(p) // 4 * 4
    c = lanes(p, k4, 0.0)
    c0 = F32(F32(c[0] + c[1]) + F32(c[2] + c[3]))
    return F32(0) + fold(p[k4:], c0)


@pytest.mark.parametrize("k", [7, 12, 19, 32])
def test_gemm_block_orders(k):
    """GEMM (M + K + N >= 20), gebp mr = 8, nr = 4: against a block of 4 columns, rows
    0..7 sum left to right, rows 8..11 split k by parity within blocks of 8, the rows
    after them split k mod 4; the columns past the last block of 4, left to right."""
    w = np.array([order_sensitive(k, s) for s in range(15)])
    y = ef.product(w, np.ones((5, k), F32))
    seq = np.array([F32(0) + fold(r, 0.0) for r in w], F32)
    np.testing.assert_array_equal(y[:4, :8], np.broadcast_to(seq[:8], (4, 8)))
    np.testing.assert_array_equal(y[:4, 8:12], np.broadcast_to(
        np.array([parity_order(r) for r in w[8:12]], F32), (4, 4)))
    np.testing.assert_array_equal(y[:4, 12:], np.broadcast_to(
        np.array([mod4_order(r) for r in w[12:]], F32), (4, 3)))
    np.testing.assert_array_equal(y[4], seq)
    if k >= 8:
        assert (y[0, 8:12] != seq[8:12]).any() or (y[0, 12:] != seq[12:]).any()


def test_gemm_depth_blocks():
    assert ef.depth_block(8, 4, 47) == 47
    assert ef.depth_block(8, 4, 680, l1=32768) == 680
    assert ef.depth_block(8, 4, 700, l1=32768) == 352
    assert ef.depth_block(8, 4, 1360, l1=32768) == 680
    assert ef.l1_data_cache_bytes() >= 1024
