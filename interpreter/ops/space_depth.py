"""SPACE_TO_DEPTH and DEPTH_TO_SPACE (``micro/kernels/space_to_depth.cc``,
``depth_to_space.cc``).

4-D NHWC float32 or int8 tensors (``semantics="tflite"``: also uint8, int32
and int64, as LiteRT's); ``block_size`` x ``block_size`` spatial
blocks move into (out of) the channel dimension, channels fastest, then
block column, then block row, as in TensorFlow. Pure copies: quantization
parameters pass through unchecked, as in TFLM.
"""
from __future__ import annotations

from .base import Op
from .base import Types
from .layout_common import F32
from .layout_common import I8
from .layout_common import I32
from .layout_common import I64
from .layout_common import U8
from .layout_common import check_output_shape
from .layout_common import check_same_type
from .layout_common import check_type
from .registry import register


class _BlockRearrange(Op):
    TYPES = Types((F32, I8), tflite=(U8, I32, I64))

    def prepare(self) -> None:
        (inp,), (out,) = self.io(1, 1)
        check_same_type(self, inp, out)
        check_type(self, inp, self.TYPES)
        self.check(len(inp.shape) == 4, f"input must be 4-D, has shape {inp.shape}")
        bs = int(self.options.get("block_size", 0) or 0) if self.options is not None else 0
        self.check(bs >= 1, f"block_size {bs} must be at least 1")
        self.bs = bs
        check_output_shape(self, out, self.output_shape(*inp.shape))

    def output_shape(self, n: int, h: int, w: int, c: int) -> tuple[int, ...]:
        raise NotImplementedError


@register("SPACE_TO_DEPTH")
class SpaceToDepth(_BlockRearrange):

    def output_shape(self, n, h, w, c):
        bs = self.bs
        self.check(h % bs == 0 and w % bs == 0,
                   f"height {h} and width {w} must be multiples of block_size {bs}")
        return n, h // bs, w // bs, c * bs * bs

    def eval(self, inputs, outputs, scratch) -> None:
        n, h, w, c = inputs[0].shape
        bs = self.bs
        x = inputs[0].reshape(n, h // bs, bs, w // bs, bs, c).transpose(0, 1, 3, 2, 4, 5)
        outputs[0][...] = x.reshape(outputs[0].shape)


@register("DEPTH_TO_SPACE")
class DepthToSpace(_BlockRearrange):

    def output_shape(self, n, h, w, c):
        bs = self.bs
        self.check(c % (bs * bs) == 0, f"depth {c} must be a multiple of block_size^2 "
                                       f"({bs * bs})")
        return n, h * bs, w * bs, c // (bs * bs)

    def eval(self, inputs, outputs, scratch) -> None:
        n, h, w, c = inputs[0].shape
        bs = self.bs
        x = inputs[0].reshape(n, h, w, bs, bs, c // (bs * bs)).transpose(0, 1, 3, 2, 4, 5)
        outputs[0][...] = x.reshape(outputs[0].shape)
