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


@dataclass(frozen=True)
class _Reach:
    """Along one axis: the taps ``first..last`` that reach the image for some output
    index (none when first > last), and the padded coordinates ``start..end - 1`` the
    buffer holds (the image and those taps' positions)."""

    first: int
    last: int
    start: int
    end: int


def _reach(out: int, stride: int, taps: int, dilation: int, pad: int, size: int) -> _Reach:
    # tap k reads padded positions k * dilation + [0, span]; the image is [pad, pad + size)
    span = (out - 1) * stride
    first = max(0, -((span - pad) // dilation))            # ceil((pad - span) / dilation)
    last = min(taps - 1, (pad + size - 1) // dilation)
    if first > last:
        return _Reach(first, last, pad, pad + size)
    return _Reach(first, last, min(pad, first * dilation),
                  max(pad + size, last * dilation + span + 1))


class PaddedImage:
    """A persistent NHWC buffer holding the input inside its padding border.

    Filling the border once with a neutral value (0 for centered inputs, the
    type's lowest value for max pooling) makes a padded tap equivalent to the
    reference kernels' "skip taps outside the image", and makes every tap of
    every output pixel a strided view: no index arithmetic in the hot path.
    """

    def __init__(self, window: Window, batches: int, channels: int, dtype, fill=0):
        w = window
        # Only the taps that reach the image for some output pixel need buffer rows and
        # columns; the others read the border everywhere (a constant view). This keeps a
        # huge dilation or a window far larger than the image (TFLM skips those taps)
        # from asking for gigabytes.
        self.rows = _reach(w.out_h, w.stride_h, w.filter_h, w.dilation_h, w.pad_h, w.in_h)
        self.cols = _reach(w.out_w, w.stride_w, w.filter_w, w.dilation_w, w.pad_w, w.in_w)
        #: whether every tap reaches the image (then windows() can view them all)
        self.complete = (self.rows.first, self.rows.last, self.cols.first, self.cols.last) == \
            (0, w.filter_h - 1, 0, w.filter_w - 1)
        shape = (batches, self.rows.end - self.rows.start, self.cols.end - self.cols.start,
                 channels)
        self.window = window
        self.buffer = np.full(shape, fill, dtype=dtype)
        y, x = w.pad_h - self.rows.start, w.pad_w - self.cols.start
        self.interior = self.buffer[:, y:y + w.in_h, x:x + w.in_w, :]
        self.blank = np.broadcast_to(np.asarray(fill, dtype=dtype),
                                     (batches, w.out_h, w.out_w, channels))
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
        if not (self.rows.first <= ky <= self.rows.last and self.cols.first <= kx <= self.cols.last):
            return self.blank
        y0, x0 = ky * w.dilation_h - self.rows.start, kx * w.dilation_w - self.cols.start
        return self.buffer[:, y0:y0 + (w.out_h - 1) * w.stride_h + 1:w.stride_h,
                           x0:x0 + (w.out_w - 1) * w.stride_w + 1:w.stride_w, :]

    def windows(self) -> np.ndarray:
        """Every output pixel's whole window at once: a (N, out_h, out_w, C, filter_h,
        filter_w) view; only when every tap reaches the image (``complete``)."""
        assert self.complete, "windows() needs every tap inside the buffer"
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
