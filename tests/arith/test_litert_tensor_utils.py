"""LiteRT's Neon tensor_utils sums as its x86 wheel runs them
(interpreter/arith/litert_tensor_utils.py).

Each case is data on which the other plausible orders (left to right, NumPy's pairwise
sum, the lanes added pairwise, the tail before the lane sum) give other float32 sums,
with the expected value worked out by hand. The module is checked against LiteRT itself
through the float SVDF (tests/ops/test_svdf.py: test_float_tflite_*).
"""
from __future__ import annotations

import numpy as np

from interpreter.arith import litert_tensor_utils as tu

F32 = np.float32
BIG = F32(2.0 ** 24)             # BIG + 1 rounds back to BIG (ties to even)


def bits(x) -> list[int]:
    return np.asarray(x, F32).reshape(-1).view(np.uint32).tolist()


def nan(payload: int) -> F32:
    return np.array([payload], np.uint32).view(F32)[0]


def test_lanes_take_every_fourth_term():
    # lane 0: BIG - BIG = 0; lanes 1-3: 1 + 1 = 2 each; lane sum 6; then the tail 1
    terms = np.array([BIG, 1, 1, 1, -BIG, 1, 1, 1, 1], F32)
    assert tu.neon_sum(terms) == 7
    # left to right: BIG + 1 + 1 + 1 stays BIG, - BIG = 0, then 4 more ones
    assert np.cumsum(terms, dtype=F32)[-1] == 4


def test_lanes_are_added_a3_plus_a2_plus_a1_plus_a0():
    # a3 + (a2 + (a1 + a0)) = -BIG + (1 + (1 + BIG)) = -BIG + BIG = 0, where
    # (a0 + a1) + (a2 + a3) = BIG + (1 - BIG) = 1
    assert tu.lane_sum(np.array([BIG, 1, 1, -BIG], F32)) == 0
    assert tu.neon_sum(np.array([BIG, 1, 1, -BIG], F32)) == 0


def test_tail_terms_follow_the_lane_sum_one_by_one():
    # lane sum BIG, then + 1 + 1: each rounds back to BIG (the tail summed first gives BIG + 2)
    assert tu.neon_sum(np.array([BIG, 0, 0, 0, 1, 1], F32)) == BIG


def test_fewer_than_four_terms_run_left_to_right_from_plus_zero():
    assert tu.neon_sum(np.array([BIG, 1, 1], F32)) == BIG
    assert bits(tu.neon_sum(np.array([-0.0, -0.0], F32))) == [0]
    assert bits(tu.neon_sum(np.zeros(0, F32))) == [0]


def test_matrix_batch_vector_result_meets_the_lane_sum_before_the_tail():
    # (lane sum + result) + tail = (BIG - BIG) + 1 = 1; result + (lane sum + tail) = 0
    matrix = np.array([[BIG, 0, 0, 0, 1]], F32)
    vectors = np.array([[1, 1, 1, 1, 1]], F32)
    out = tu.matrix_batch_vector_multiply_accumulate(matrix, vectors, np.array([[-BIG]], F32))
    assert out.tolist() == [[1.0]]
    # per batch and row; below 4 columns, left to right after the result
    matrix = np.array([[1, 2, 3], [BIG, 1, 1]], F32)
    vectors = np.array([[1, 1, 1], [2, 0, 0]], F32)
    out = tu.matrix_batch_vector_multiply_accumulate(matrix, vectors, np.zeros((2, 2), F32))
    assert out.tolist() == [[6, BIG], [2, 2 * BIG]]


def test_dot_product_and_reduction_sum():
    v1 = np.array([[BIG, 1, 1, 1, -BIG, 1, 1, 1, 1]], F32)
    assert tu.vector_vector_dot_product(v1, np.ones(9, F32)).tolist() == [7]
    x = np.array([BIG, 1, 1, -BIG, 5, 6, BIG, 1, 1], F32)
    assert tu.reduction_sum_vector(x, 3).tolist() == [BIG, -BIG + 5 + 6, BIG]
    assert tu.reduction_sum_vector(x[:8], 4).tolist() == [0, BIG + 11]


def test_a_nan_met_by_a_nan_keeps_the_first_source():
    a, b = nan(0x7FC00001), nan(0xFFC00002)
    signaling = nan(0x7F800001)
    for n in (1, 3, 17):             # NumPy's scalar-ish and vector loops alike
        va, vb = np.full(n, a), np.full(n, b)
        assert set(bits(tu.add(va, vb))) == {0x7FC00001}
        assert set(bits(tu.add(vb, va))) == {0xFFC00002}
        assert set(bits(tu.mul(vb, va))) == {0xFFC00002}
        assert set(bits(tu.add(np.full(n, F32(1)), np.full(n, signaling)))) == {0x7FC00001}
    # inf - inf is the x86 default NaN
    assert bits(tu.add(np.array([np.inf], F32), np.array([-np.inf], F32))) == [0xFFC00000]


def test_dot_product_packets_multiply_v2_by_v1_and_the_tail_v1_by_v2():
    p, q = nan(0x7FC00011), nan(0x7FC00022)
    v1 = np.full(5, p)
    v2 = np.full(5, q)
    # the packet lanes carry v2's NaN into the lane sum, which then meets v1's in the tail
    assert bits(tu.vector_vector_dot_product(v1, v2)) == [0x7FC00022]
    assert bits(tu.vector_vector_dot_product(v1[:3], v2[:3])) == [0x7FC00011]
