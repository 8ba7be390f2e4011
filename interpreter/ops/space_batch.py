"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (``micro/kernels/space_to_batch_nd.cc``,
``batch_to_space_nd.cc``, ``reference/space_to_batch_nd.h``, ``batch_to_space_nd.h``).

float32 or int8 inputs (``semantics="tflite"``: also bool, uint8, int16, int32
and int64, as LiteRT's) of rank 3 (``[N, H, C]``, handled as ``[N, H, 1, C]``)
or 4; int32 ``block_shape`` (one value per spatial dimension) and
``paddings``/``crops`` (``[spatial, 2]``). TFLM reads these at eval, so they
may be computed at run time; they are then checked on every eval against
the (static) output shape. Values are copied unscaled.

Padding: TFLM ``memset``s padded positions with the low byte of
``SpaceToBatchParams.output_offset``, a field of a persistent buffer its
kernel never initializes, so those bytes are whatever the arena held (zero
in a fresh, zeroed arena; the tests have seen 0xE0). This op writes 0, what
TFLM writes in the zeroed case. LiteRT pads the 8- and 16-bit types with the
output zero point (an int8/uint8/int16 zero point, 0 for bool and unquantized
tensors) and the others with 0, and so does this op under ``semantics="tflite"``.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .layout_common import F32
from .layout_common import I8
from .layout_common import I32
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .layout_common import quant_params
from .registry import register


class _SpaceBatch(Op):
    TYPES = Types.tflite_any(F32, I8)

    def prepare(self) -> None:
        self.check_io_count(3)
        inp, out = self.input(0), self.outputs[0]
        check_same_type(self, inp, out)
        check_type(self, inp, self.TYPES)
        self.check(len(inp.shape) in (3, 4) and len(out.shape) == len(inp.shape),
                   f"input and output must be 3-D or 4-D, have shapes {inp.shape} and "
                   f"{out.shape}")
        spatial = len(inp.shape) - 2
        block, pads = self.input(1), self.input(2)
        self.check(block.shape == (spatial,), f"block_shape must have shape ({spatial},), has "
                                              f"{block.shape}")
        self.check(pads.shape == (spatial, 2), f"{self.pad_name} must have shape ({spatial}, 2), "
                                               f"has {pads.shape}")
        b = constant_ints(self, 1, "block_shape", (I32,), required=False)
        p = constant_ints(self, 2, self.pad_name, (I32,), required=False)
        self.plan = self._plan(b, p) if b is not None and p is not None else None

    def _plan(self, block, pads):
        """Block sizes (bh, bw) and the spatial (before, after) amounts as 4-D values."""
        block = [int(v) for v in np.ravel(block)]
        pads = [int(v) for v in np.ravel(pads)]
        if len(block) == 1:                    # 3-D input: a width of 1, never blocked
            block, pads = block + [1], pads + [0, 0]
        if any(v < 1 for v in block) or any(v < 0 for v in pads):
            raise self.error(f"block_shape {block} must be positive and {self.pad_name} "
                             f"{pads} non-negative")
        self.check_geometry(block, pads)
        return block, pads

    def shape4(self, t_shape) -> tuple[int, int, int, int]:
        return tuple(t_shape) if len(t_shape) == 4 else (t_shape[0], t_shape[1], 1, t_shape[2])

    def eval(self, inputs, outputs, scratch) -> None:
        block, pads = self.plan if self.plan is not None else self._plan(inputs[1], inputs[2])
        x = inputs[0].reshape(self.shape4(inputs[0].shape))
        outputs[0][...] = self.rearrange(x, block, pads).reshape(outputs[0].shape)


@register("SPACE_TO_BATCH_ND")
class SpaceToBatchNd(_SpaceBatch):
    pad_name = "paddings"

    def check_geometry(self, block, pads):
        n, h, w, c = self.shape4(self.input(0).shape)
        hp, wp = h + pads[0] + pads[1], w + pads[2] + pads[3]
        if hp % block[0] or wp % block[1]:
            raise self.error(f"padded spatial size ({hp}, {wp}) is not a multiple of the block "
                             f"{block}")
        expected = (n * block[0] * block[1], hp // block[0], wp // block[1], c)
        if expected != self.shape4(self.outputs[0].shape):
            raise self.error(f"expected output shape {expected} (as 4-D), the output tensor has "
                             f"{self.outputs[0].shape}")

    def prepare(self) -> None:
        super().prepare()
        out = self.outputs[0]
        zero_point = (quant_params(out)[1] if self.config.semantics == "tflite"
                      and out.dtype.itemsize <= 2 else 0)
        # the padding's bits: the zero point's low bytes, as LiteRT stores it (a
        # quantized bool tensor gets that byte too)
        self.pad_bits = np.array(zero_point).astype(f"u{out.dtype.itemsize}")

    def rearrange(self, x, block, pads):
        (bh, bw), (t, b, l, r) = block, pads
        n, h, w, c = x.shape
        padded = np.full((n, h + t + b, w + l + r, c), self.pad_bits).view(x.dtype)
        padded[:, t:t + h, l:l + w] = x
        hp, wp = padded.shape[1:3]
        y = padded.reshape(n, hp // bh, bh, wp // bw, bw, c).transpose(2, 4, 0, 1, 3, 5)
        return y.reshape(bh * bw * n, hp // bh, wp // bw, c)


@register("BATCH_TO_SPACE_ND")
class BatchToSpaceNd(_SpaceBatch):
    pad_name = "crops"

    def check_geometry(self, block, crops):
        n, h, w, c = self.shape4(self.input(0).shape)
        if n % (block[0] * block[1]):
            raise self.error(f"batch {n} is not a multiple of the block {block}")
        hc, wc = h * block[0] - crops[0] - crops[1], w * block[1] - crops[2] - crops[3]
        expected = (n // (block[0] * block[1]), hc, wc, c)
        if hc < 0 or wc < 0 or expected != self.shape4(self.outputs[0].shape):
            raise self.error(f"expected output shape {expected} (as 4-D), the output tensor has "
                             f"{self.outputs[0].shape}")

    def rearrange(self, x, block, crops):
        (bh, bw), (t, b, l, r) = block, crops
        n, h, w, c = x.shape
        y = x.reshape(bh, bw, n // (bh * bw), h, w, c).transpose(2, 3, 0, 4, 1, 5)
        y = y.reshape(n // (bh * bw), h * bh, w * bw, c)
        return y[:, t:h * bh - b, l:w * bw - r]
