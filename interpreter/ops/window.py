"""Sliding-window geometry of the windowed ops (convolutions, pooling).

Output size and padding exactly as TFLM computes them
(``tensorflow/lite/kernels/padding.h``: ``ComputeOutSize``,
``ComputePaddingHeightWidth``), and a padded copy of the input image in which
every filter tap of every output pixel is one strided view.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parse.model import Tensor
from .base import Op

# schema Padding values
PADDING_SAME, PADDING_VALID = 0, 1


def compute_out_size(padding: int, image_size: int, filter_size: int, stride: int,
                     dilation: int = 1) -> int:
    """ComputeOutSize (kernels/padding.h); C division truncates toward zero."""
    effective_filter = (filter_size - 1) * dilation + 1
    if stride == 0:
        return 0
    if padding == PADDING_SAME:
        numerator = image_size + stride - 1
    elif padding == PADDING_VALID:
        numerator = image_size + stride - effective_filter
    else:
        return 0
    return int(numerator / stride) if numerator < 0 else numerator // stride


def compute_padding(stride: int, dilation: int, in_size: int, filter_size: int,
                    out_size: int) -> int:
    """ComputePaddingWithOffset (kernels/padding.h): the padding before the image.

    An odd total padding puts the extra row/column after the image; the
    kernels never need it explicitly (taps past the end are simply absent).
    """
    effective_filter = (filter_size - 1) * dilation + 1
    total = max((out_size - 1) * stride + effective_filter - in_size, 0)
    return total // 2


@dataclass(frozen=True)
class Window:
    """Geometry of a 2-D sliding window over an NHWC image."""

    in_h: int
    in_w: int
    filter_h: int
    filter_w: int
    stride_h: int
    stride_w: int
    dilation_h: int
    dilation_w: int
    pad_h: int      # TFLM padding_values.height: rows of padding above the image
    pad_w: int      # columns of padding left of the image
    out_h: int
    out_w: int

    @property
    def taps(self) -> list[tuple[int, int]]:
        """Filter taps (ky, kx) in the order the reference kernels visit them."""
        return [(ky, kx) for ky in range(self.filter_h) for kx in range(self.filter_w)]


def compute_window(op: Op, padding: int, in_h: int, in_w: int, filter_h: int, filter_w: int,
                   stride_h: int, stride_w: int, dilation_h: int = 1,
                   dilation_w: int = 1) -> Window:
    """ComputePaddingHeightWidth plus the sanity checks TFLM leaves to DCHECKs."""
    op.check(padding in (PADDING_SAME, PADDING_VALID), f"unknown padding {padding}")
    op.check(stride_h >= 1 and stride_w >= 1, f"strides must be >= 1, got {stride_h}x{stride_w}")
    op.check(dilation_h >= 1 and dilation_w >= 1,
             f"dilation factors must be >= 1, got {dilation_h}x{dilation_w}")
    op.check(filter_h >= 1 and filter_w >= 1,
             f"filter size must be >= 1, got {filter_h}x{filter_w}")
    out_h = compute_out_size(padding, in_h, filter_h, stride_h, dilation_h)
    out_w = compute_out_size(padding, in_w, filter_w, stride_w, dilation_w)
    op.check(out_h >= 1 and out_w >= 1,
             f"a {filter_h}x{filter_w} window (dilation {dilation_h}x{dilation_w}) with VALID "
             f"padding does not fit a {in_h}x{in_w} input")
    return Window(in_h, in_w, filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w,
                  compute_padding(stride_h, dilation_h, in_h, filter_h, out_h),
                  compute_padding(stride_w, dilation_w, in_w, filter_w, out_w),
                  out_h, out_w)


def check_output_shape(op: Op, output: Tensor, expected: tuple[int, ...]) -> None:
    """TFLM loops over the output tensor's dims; they must be what the window produces."""
    op.check(tuple(output.shape) == tuple(expected),
             f"output shape {list(output.shape)} does not match the computed {list(expected)}")


class PaddedImage:
    """A persistent NHWC buffer holding the input inside its padding border.

    Filling the border once with a neutral value (0 for centered inputs, the
    type's lowest value for max pooling) makes a padded tap equivalent to the
    reference kernels' "skip taps outside the image", and makes every tap of
    every output pixel a strided view: no index arithmetic in the hot path.
    """

    def __init__(self, window: Window, batches: int, channels: int, dtype, fill=0):
        w = window
        needed_h = (w.out_h - 1) * w.stride_h + (w.filter_h - 1) * w.dilation_h + 1
        needed_w = (w.out_w - 1) * w.stride_w + (w.filter_w - 1) * w.dilation_w + 1
        shape = (batches, max(needed_h, w.pad_h + w.in_h), max(needed_w, w.pad_w + w.in_w),
                 channels)
        self.window = window
        self.buffer = np.full(shape, fill, dtype=dtype)
        self.interior = self.buffer[:, w.pad_h:w.pad_h + w.in_h, w.pad_w:w.pad_w + w.in_w, :]
        self._cols: np.ndarray | None = None

    def load(self, image: np.ndarray, offset: int = 0) -> None:
        """Copy ``image + offset`` (computed in the buffer's type) into the interior."""
        if offset:
            np.add(image, offset, out=self.interior, dtype=self.buffer.dtype)
        else:
            self.interior[...] = image

    def tap(self, ky: int, kx: int) -> np.ndarray:
        """Input values under filter tap (ky, kx) for every output pixel: (N, out_h, out_w, C)."""
        w = self.window
        y0, x0 = ky * w.dilation_h, kx * w.dilation_w
        return self.buffer[:, y0:y0 + (w.out_h - 1) * w.stride_h + 1:w.stride_h,
                           x0:x0 + (w.out_w - 1) * w.stride_w + 1:w.stride_w, :]

    def windows(self) -> np.ndarray:
        """Every output pixel's whole window at once: a (N, out_h, out_w, C, filter_h,
        filter_w) view."""
        w = self.window
        span_h = (w.filter_h - 1) * w.dilation_h + 1
        span_w = (w.filter_w - 1) * w.dilation_w + 1
        view = np.lib.stride_tricks.sliding_window_view(self.buffer, (span_h, span_w),
                                                        axis=(1, 2))
        return view[:, :(w.out_h - 1) * w.stride_h + 1:w.stride_h,
                    :(w.out_w - 1) * w.stride_w + 1:w.stride_w, :,
                    ::w.dilation_h, ::w.dilation_w]

    def im2col(self) -> np.ndarray:
        """The (N*out_h*out_w, filter_h*filter_w*C) patch matrix, columns ordered (ky, kx, c)
        like a flattened OHWI filter row."""
        w = self.window
        n, c = self.buffer.shape[0], self.buffer.shape[3]
        if (w.filter_h, w.filter_w, w.stride_h, w.stride_w) == (1, 1, 1, 1) \
                and self.interior.shape[1:3] == (w.out_h, w.out_w):
            return self.interior.reshape(n * w.out_h * w.out_w, c)
        if self._cols is None:
            self._cols = np.empty((n, w.out_h, w.out_w, w.filter_h, w.filter_w, c),
                                  self.buffer.dtype)
        for ky, kx in w.taps:
            self._cols[:, :, :, ky, kx, :] = self.tap(ky, kx)
        return self._cols.reshape(n * w.out_h * w.out_w, w.filter_h * w.filter_w * c)
