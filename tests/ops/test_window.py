"""The sliding-window geometry of the windowed ops (interpreter/ops/window.py): output size
and padding as TFLM computes them."""
from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from interpreter.ops.window import PADDING_SAME
from interpreter.ops.window import PADDING_VALID
from interpreter.ops.window import PaddedImage
from interpreter.ops.window import Window
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


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_padded_image_taps_read_the_image_or_the_border(data):
    """Every tap view of PaddedImage equals the same tap read from the image padded in
    full (np.pad): the image where the tap lands inside it, the border value elsewhere;
    also for the taps that never reach the image, which take no buffer."""
    d = data.draw
    in_h, in_w = d(st.integers(1, 6)), d(st.integers(1, 6))
    f_h, f_w = d(st.integers(1, 7)), d(st.integers(1, 7))
    s_h, s_w = d(st.integers(1, 4)), d(st.integers(1, 4))
    dil_h, dil_w = d(st.integers(1, 9)), d(st.integers(1, 9))
    padding = d(st.sampled_from([PADDING_SAME, PADDING_VALID]))
    out_h = compute_out_size(padding, in_h, f_h, s_h, dil_h)
    out_w = compute_out_size(padding, in_w, f_w, s_w, dil_w)
    assume(out_h >= 1 and out_w >= 1)
    w = Window(in_h, in_w, f_h, f_w, s_h, s_w, dil_h, dil_w,
               compute_padding(s_h, dil_h, in_h, f_h, out_h),
               compute_padding(s_w, dil_w, in_w, f_w, out_w), out_h, out_w)
    image = np.arange(2 * in_h * in_w * 3, dtype=np.int32).reshape(2, in_h, in_w, 3) + 1
    padded = PaddedImage(w, 2, 3, np.int32, fill=-7)
    padded.load(image)
    full = np.pad(image, ((0, 0), (w.pad_h, f_h * dil_h + out_h * s_h),
                          (w.pad_w, f_w * dil_w + out_w * s_w), (0, 0)), constant_values=-7)
    for ky, kx in w.taps:
        y0, x0 = ky * dil_h, kx * dil_w
        expected = full[:, y0:y0 + (out_h - 1) * s_h + 1:s_h, x0:x0 + (out_w - 1) * s_w + 1:s_w]
        np.testing.assert_array_equal(padded.tap(ky, kx), expected, f"tap {(ky, kx)} of {w}")
    if padded.complete:
        windows = padded.windows()
        for ky, kx in w.taps:
            np.testing.assert_array_equal(windows[..., ky, kx], padded.tap(ky, kx))
