"""RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR (``micro/kernels/resize_*.cc``,
``reference/resize_bilinear.h``, ``reference/resize_nearest_neighbor.h``).

NHWC inputs; the int32 ``size`` input must be constant (TFLM refuses a
computed one at allocation) and equal the output's height and width. Both
ops support ``align_corners`` and ``half_pixel_centers`` (not both at once
for the bilinear one, which TFLM rejects).

RESIZE_BILINEAR, float32: source coordinates and weights in float32, exactly
as ``ResizeBilinear``: ``y = (out + 0.5) * scale - 0.5`` (half pixel) or
``out * scale``, corners ``floor(y)`` and ``ceil(y)`` clamped into the
image, and ``a*(1-dy)*(1-dx) + b*dy*(1-dx) + c*(1-dy)*dx + d*dy*dx + 0.0`` (the
kernel's float "rounding offset", which turns a -0.0 result into +0.0)
evaluated left to right in float32.

RESIZE_BILINEAR, int8 (``ResizeBilinearInteger``): 10-bit fixed-point
coordinates, ``scale_10 = (1024 * in + out / 2) / out`` (``in - 1`` and
``out - 1`` with align_corners), 20-bit weighted sums of the raw int8 values
in int64, rounded half away from zero (double rounding, TFLM's default) or
half up (single rounding) and truncated to int8. No zero point enters: the
weights sum to 1.

``semantics="tflite"``, RESIZE_BILINEAR on the types LiteRT's reference kernel runs
and TFLM's refuses: int16 is the int8 arithmetic (``ResizeBilinearInteger<int16_t>``);
uint8 is the float32 formula above on the raw values (``ResizeBilinear<uint8_t>``), plus
0.5 instead of 0.0, truncated to uint8.

RESIZE_NEAREST_NEIGHBOR (float32, int8, int16; ``semantics="tflite"`` also bool,
uint8 and int32, as LiteRT's): ``GetNearestNeighbor``'s
float32 index arithmetic, ``floor`` (``round`` half away with align_corners).

Values pass through unscaled; quantization parameters are not checked, as in TFLM.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .layout_common import BOOL
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import I32
from .layout_common import U8
from .layout_common import check_output_shape
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .params import NearestNeighborParams
from .registry import register

_ONE = np.float32(1.0)


class _Resize(Op):
    supported: Types | tuple = ()

    def prepare(self) -> None:
        self.check_io_count(2)
        inp, out = self.input(0), self.outputs[0]
        check_same_type(self, inp, out)
        check_type(self, inp, self.supported)
        self.check(len(inp.shape) == 4, f"input must be 4-D, has shape {inp.shape}")
        size = self.input(1)
        self.check(len(size.shape) == 1 and size.shape[0] == 2,
                   f"size must be a vector of 2 values, has shape {size.shape}")
        out_h, out_w = (int(v) for v in constant_ints(self, 1, "size", (I32,)))
        n, in_h, in_w, c = inp.shape
        check_output_shape(self, out, (n, out_h, out_w, c))
        self.check(out_h > 0 and out_w > 0, f"size ({out_h}, {out_w}) must be positive")
        # an empty input axis leaves an output pixel no input pixel to read (the kernels
        # would read outside the input)
        self.check((in_h > 0 and in_w > 0) or n * c == 0,
                   f"input height and width ({in_h}, {in_w}) must be positive for a "
                   f"non-empty output")
        opts = self.options
        self.align_corners = bool(opts.get("align_corners", False)) if opts is not None else False
        self.half_pixel = bool(opts.get("half_pixel_centers", False)) if opts is not None \
            else False
        self.prepare_axes(in_h, out_h, in_w, out_w)

    def prepare_axes(self, in_h, out_h, in_w, out_w) -> None:
        raise NotImplementedError


def _float_coordinates(in_size: int, out_size: int, align_corners: bool, half_pixel: bool):
    """ComputeInterpolationValues per output index: (float32 y, lower, upper)."""
    if align_corners and out_size > 1:
        scale = np.float32(in_size - 1) / np.float32(out_size - 1)
    else:
        scale = np.float32(in_size) / np.float32(out_size)
    idx = np.arange(out_size, dtype=np.float32)
    y = (idx + np.float32(0.5)) * scale - np.float32(0.5) if half_pixel else idx * scale
    lower = np.maximum(np.floor(y).astype(np.int64), 0)
    upper = np.minimum(np.ceil(y).astype(np.int64), in_size - 1)
    return y.astype(np.float32), lower, upper


def _integer_coordinates(in_size: int, out_size: int, align_corners: bool, half_pixel: bool):
    """ComputeInterpolationValuesInteger per output index: (10-bit y, lower, upper)."""
    if align_corners and out_size > 1:
        scale_10 = ((1 << 10) * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    else:
        scale_10 = ((1 << 10) * in_size + out_size // 2) // out_size
    idx = np.arange(out_size, dtype=np.int64)
    y = idx * scale_10 + scale_10 // 2 - (1 << 9) if half_pixel else idx * scale_10
    lower = np.maximum(np.trunc(y / (1 << 10)).astype(np.int64), 0)   # C division truncates
    upper = np.minimum((y + (1 << 10) - 1) // (1 << 10), in_size - 1)
    return y, lower, upper


@register("RESIZE_BILINEAR")
class ResizeBilinear(_Resize):
    supported = Types((F32, I8), tflite=(I16, U8))

    def prepare_axes(self, in_h, out_h, in_w, out_w) -> None:
        self.check(not (self.align_corners and self.half_pixel),
                   "align_corners and half_pixel_centers cannot both be set")
        self.in_float = self.input(0).dtype in (F32, U8)
        coords = _float_coordinates if self.in_float else _integer_coordinates
        self.rows = coords(in_h, out_h, self.align_corners, self.half_pixel)
        self.cols = coords(in_w, out_w, self.align_corners, self.half_pixel)

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        y, y0, y1 = self.rows
        xc, x0, x1 = self.cols
        top_left, bottom_left = x[:, y0][:, :, x0], x[:, y1][:, :, x0]
        top_right, bottom_right = x[:, y0][:, :, x1], x[:, y1][:, :, x1]
        if self.in_float:
            f32 = np.float32
            dy = (y - y0.astype(f32))[None, :, None, None]
            dx = (xc - x0.astype(f32))[None, None, :, None]
            # the kernel's rounding_offset: 0 for floats, 0.5 for an integer type (uint8)
            offset = f32(0.0) if x.dtype == F32 else f32(0.5)
            with np.errstate(over="ignore", invalid="ignore"):
                out = (top_left.astype(f32) * (_ONE - dy) * (_ONE - dx)
                       + bottom_left.astype(f32) * dy * (_ONE - dx)
                       + top_right.astype(f32) * (_ONE - dy) * dx
                       + bottom_right.astype(f32) * dy * dx + offset)
            outputs[0][...] = out if x.dtype == F32 else np.trunc(out).astype(x.dtype)
            return
        dy = (y - (1 << 10) * y0)[None, :, None, None]
        dx = (xc - (1 << 10) * x0)[None, None, :, None]
        one = 1 << 10
        total = (top_left.astype(np.int64) * (one - dy) * (one - dx)
                 + bottom_left.astype(np.int64) * dy * (one - dx)
                 + top_right.astype(np.int64) * (one - dy) * dx
                 + bottom_right.astype(np.int64) * dy * dx)
        if self.config.rounding == "single":
            value = (total + (1 << 19)) >> 20
        else:
            rounded = total + np.where(total > 0, 1 << 19, -(1 << 19))
            value = np.sign(rounded) * (np.abs(rounded) >> 20)      # C division truncates
        outputs[0][...] = value.astype(x.dtype)


def _nearest(in_size: int, out_size: int, align_corners: bool, half_pixel: bool) -> np.ndarray:
    """GetNearestNeighbor for every output index."""
    if align_corners and out_size > 1:
        scale = np.float32(in_size - 1) / np.float32(out_size - 1)
    else:
        scale = np.float32(in_size) / np.float32(out_size)
    offset = np.float32(0.5 if half_pixel else 0.0)
    pos = (np.arange(out_size, dtype=np.float32) + offset) * scale
    if align_corners:
        # std::round: half away from zero, on the exact float32 value (float64 adds exactly)
        wide = pos.astype(np.float64)
        index = np.sign(wide) * np.floor(np.abs(wide) + 0.5)
    else:
        index = np.floor(pos)
    index = np.minimum(index.astype(np.int64), in_size - 1)
    return np.maximum(index, 0) if half_pixel else index


@register("RESIZE_NEAREST_NEIGHBOR")
class ResizeNearestNeighbor(_Resize):
    supported = Types((F32, I8, I16), tflite=(BOOL, U8, I32))

    def prepare_axes(self, in_h, out_h, in_w, out_w) -> None:
        self.params = NearestNeighborParams(
            self.input(0).dtype.itemsize, _nearest(in_h, out_h, self.align_corners, self.half_pixel),
            _nearest(in_w, out_w, self.align_corners, self.half_pixel))

    def eval(self, inputs, outputs, scratch) -> None:
        p = self.params
        outputs[0][...] = inputs[0][:, p.rows][:, :, p.cols]
