"""CONCATENATION (``micro/kernels/concatenation.cc``, ``reference/concatenation.h``).

TFLM copies every input's bytes into place and never requantizes: int8 inputs
must therefore share the output's scale and zero point, and int16 tensors
must have zero point 0 (LiteRT's reference kernel refuses mismatched int8
inputs too).
Limits, as in TFLM: at most 10 inputs of at most 6 dimensions, no fused
activation, bool/float32/int8/int16/int32/int64.

``semantics="tflite"`` also takes uint8, as LiteRT's reference kernel
(``ConcatenationWithScaling``): an input whose scale or zero point differs from
the output's is requantized element by element in float32, ``q = clamp(round(x *
scale + bias) + zp_out, 0, 255)`` with ``scale = s_in * (1 / s_out)`` and ``bias =
-zp_in * scale`` (``round`` half away from zero); the others are copied.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .common import ACT_NONE
from .common import scale_of
from .common import zero_point_of
from .elementwise import fused_activation_field
from .elementwise import require_per_tensor_quantization
from .layout_common import quant_params
from .params import ConcatParams
from .registry import register

MAX_INPUTS = 10
MAX_RANK = 6  # RuntimeShape::kMaxSmallSize
_SUPPORTED = Types((np.bool_, np.float32, np.int8, np.int16, np.int32, np.int64),
                   tflite=(np.uint8,))


@register("CONCATENATION")
class Concatenation(Op):

    def prepare(self) -> None:
        self.check_io_count((1, MAX_INPUTS))
        out = self.outputs[0]
        ins = [self.input(i) for i in range(len(self.inputs))]
        if fused_activation_field(self.options) != ACT_NONE:
            raise self.unsupported("a fused activation is not supported")
        self.check_dtype(out, _SUPPORTED, "output")
        for t in ins:
            if t.dtype != out.dtype:
                raise self.error(f"input {t.name!r} has type {t.dtype}, output has {out.dtype}")
            if len(t.shape) > MAX_RANK:
                raise self.unsupported(f"input {t.name!r} has {len(t.shape)} dimensions "
                                       f"(at most {MAX_RANK})")
        self._check_quantization(ins, out)
        self.axis = self._check_shapes(ins, out)
        self.rescale = self._rescaling(ins, out) if out.dtype == np.uint8 else None
        if self.rescale is None:         # a copy of bytes: the prepared form
            axis = self.axis
            self.params = ConcatParams(out.dtype.itemsize, axis,
                                       int(np.prod(out.shape[:axis], dtype=np.int64)),
                                       int(np.prod(out.shape[axis + 1:], dtype=np.int64)),
                                       tuple(int(t.shape[axis]) for t in ins))

    @staticmethod
    def _rescaling(ins, out) -> list | None:
        """uint8 (LiteRT's ConcatenationWithScaling): per input, None (copied) or the
        float32 (scale, bias) it is requantized with; None when every input is copied."""
        s_out, zp_out = quant_params(out)
        inverse = np.float32(1) / np.float32(s_out)
        rescale = []
        for t in ins:
            s_in, zp_in = quant_params(t)
            if (s_in, zp_in) == (s_out, zp_out):
                rescale.append(None)
                continue
            scale = np.float32(s_in) * inverse
            rescale.append((scale, np.float32(-zp_in) * scale))
        return rescale if any(r is not None for r in rescale) else None

    def _check_quantization(self, ins, out) -> None:
        if out.dtype == np.int8:
            require_per_tensor_quantization(self, out, "output")
            for t in ins:
                require_per_tensor_quantization(self, t, "input")
                if (np.float32(scale_of(t)) != np.float32(scale_of(out))
                        or zero_point_of(t) != zero_point_of(out)):
                    raise self.error(f"int8 input {t.name!r} must share the output's scale and "
                                     "zero point (TFLM does not requantize)")
        elif out.dtype == np.int16:
            for t in ins + [out]:
                if t.quantization is not None and zero_point_of(t) != 0:
                    raise self.error(f"int16 tensor {t.name!r} must have zero point 0")

    def _check_shapes(self, ins, out) -> int:
        rank = len(out.shape)
        axis = int(self.options.axis) if self.options is not None else 0
        positive = axis + rank if axis < 0 else axis
        if not 0 <= positive < rank:
            raise self.error(f"axis {axis} is out of range for rank {rank}")
        outside = [d for i, d in enumerate(out.shape) if i != positive]
        for t in ins:
            others = [d for i, d in enumerate(t.shape) if i != positive]
            if len(t.shape) != rank or others != outside:
                raise self.error(f"input {t.name!r} shape {t.shape} does not match output shape "
                                 f"{out.shape} outside axis {positive}")
        total = sum(t.shape[positive] for t in ins)
        if total != out.shape[positive]:
            raise self.error(f"inputs add up to {total} along axis {positive}, output has "
                             f"{out.shape[positive]}")
        return positive

    def eval(self, inputs, outputs, scratch) -> None:
        if self.rescale is None:
            np.concatenate(inputs, axis=self.axis, out=outputs[0])
            return
        zp_out = quant_params(self.outputs[0])[1]
        pieces = []
        for x, r in zip(inputs, self.rescale):
            if r is not None:
                with np.errstate(over="ignore", invalid="ignore"):
                    y = (x.astype(np.float32) * r[0] + r[1]).astype(np.float64)
                    y = np.sign(y) * np.floor(np.abs(y) + 0.5)          # std::round, exact
                # static_cast<int32_t>: x86 gives INT32_MIN outside the range (and NaN)
                q = np.where(np.abs(y) < 2.0 ** 31, y, -2.0 ** 31).astype(np.int64)
                x = np.clip(q + zp_out, 0, 255).astype(np.uint8)
            pieces.append(x)
        np.concatenate(pieces, axis=self.axis, out=outputs[0])
