"""The sliding-window geometry of the windowed ops (interpreter/ops/window.py): output size
and padding as TFLM computes them."""
from __future__ import annotations

from interpreter.ops.window import compute_out_size
from interpreter.ops.window import compute_padding


def test_out_size_and_padding_follow_tflm():
    # SAME: ceil(in / stride); the odd padding row goes after the image.
    assert compute_out_size(0, 5, 3, 2) == 3 and compute_padding(2, 1, 5, 3, 3) == 1
    assert compute_out_size(0, 6, 3, 2) == 3 and compute_padding(2, 1, 6, 3, 3) == 0
    # A kernel larger than the input under SAME: one output, padding before = total // 2.
    assert compute_out_size(0, 1, 5, 1) == 1 and compute_padding(1, 1, 1, 5, 1) == 2
    # VALID with dilation: effective filter (3 - 1) * 2 + 1 = 5.
    assert compute_out_size(1, 7, 3, 1, 2) == 3 and compute_padding(1, 2, 7, 3, 3) == 0
    # A window that does not fit: C's truncating division gives 0 or less.
    assert compute_out_size(1, 2, 5, 1) <= 0
