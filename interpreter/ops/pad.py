"""PAD and PADV2 (``micro/kernels/pad.cc``, ``pad_common.cc``, ``reference/pad.h``).

The paddings tensor must be constant (int32, shape [rank, 2]); the output
shape must equal input + paddings. The pad value is, in order: the
``constant_values`` input (PADV2, or PAD with a third input), else the output
zero point for int8, else 0 (int16 pads with 0 even when its zero point is
not 0, as TFLM does). For int8 a ``constant_values`` tensor must share the
output's scale and zero point. ``semantics="tflite"``: LiteRT pads int16 with
the output zero point too (and everything else as TFLM does), and takes bool,
uint8 and int64 as well: uint8 pads with the output zero point (a
``constant_values`` tensor must share the output's quantization, as for int8),
bool with false, int64 with 0.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .common import scale_of
from .common import zero_point_of
from .params import PadParams
from .registry import register

MAX_RANK = 5
_SUPPORTED = Types((np.float32, np.int8, np.int16, np.int32),
                   tflite=(np.bool_, np.uint8, np.int64))


def _scale_and_zero_point(t) -> tuple[float, int]:
    """The tensor's quantization as TFLM's params see it: (0, 0) when it has none."""
    return (scale_of(t), zero_point_of(t)) if t.quantization is not None else (0.0, 0)


@register("PAD", "PADV2")
class Pad(Op):

    def prepare(self) -> None:
        self.check_io_count((2, 3))
        inp, paddings, out = self.input(0), self.input(1), self.outputs[0]
        if inp.dtype != out.dtype:
            raise self.error(f"input and output types must match, got {inp.dtype} -> {out.dtype}")
        self.check_dtype(inp, _SUPPORTED)
        rank = len(inp.shape)
        if rank > MAX_RANK:
            raise self.unsupported(f"input has {rank} dimensions (at most {MAX_RANK})")
        if paddings.data is None:
            raise self.unsupported("a non-constant paddings tensor is not supported")
        if paddings.dtype != np.int32:
            raise self.error(f"paddings must be int32, got {paddings.dtype}")
        pads = np.asarray(paddings.data, dtype=np.int64).ravel()
        if pads.size != 2 * len(out.shape) or len(out.shape) != rank:
            raise self.error(f"paddings has {pads.size} values; need 2 per dimension of "
                             f"output shape {out.shape}")
        pad_width = [(int(pads[2 * i]), int(pads[2 * i + 1])) for i in range(rank)]
        if any(b < 0 or a < 0 for b, a in pad_width):
            raise self.unsupported(f"negative paddings {pad_width} are not supported")
        expected = tuple(d + b + a for d, (b, a) in zip(inp.shape, pad_width))
        if expected != out.shape:
            raise self.error(f"padded shape {expected} differs from output shape {out.shape}")
        has_constant = len(self.inputs) == 3 and self.inputs[2] is not None
        if has_constant:
            self._check_constant_values(self.input(2), inp, out)
        # TFLM pads with the zero point for int8 only; LiteRT for uint8 and int16 too
        by_zero_point = (np.int8, np.uint8, np.int16) if self.config.semantics == "tflite" \
            else (np.int8,)
        default_value = _scale_and_zero_point(out)[1] if inp.dtype in by_zero_point else 0
        lo, hi = (np.iinfo(inp.dtype).min, np.iinfo(inp.dtype).max) \
            if inp.dtype in by_zero_point else (0, 0)
        if not lo <= default_value <= hi:
            raise self.error(f"output zero point {default_value} is outside {inp.dtype}")
        self.params = PadParams(inp.dtype.itemsize, tuple(inp.shape), tuple(out.shape),
                                tuple(b for b, _ in pad_width),
                                None if has_constant else np.array(default_value, inp.dtype))

    def _check_constant_values(self, cv, inp, out) -> None:
        if cv.dtype != inp.dtype:
            raise self.error(f"constant_values type {cv.dtype} differs from input type {inp.dtype}")
        if cv.num_elements != 1:
            raise self.error(f"constant_values must have one element, has {cv.num_elements}")
        if inp.dtype in (np.int8, np.uint8) and \
                _scale_and_zero_point(cv) != _scale_and_zero_point(out):
            raise self.error(f"{inp.dtype} constant_values must share the output's scale and "
                             "zero point")

    def eval(self, inputs, outputs, scratch) -> None:
        out, value = outputs[0], self.params.value
        out[...] = inputs[2].ravel()[0] if value is None else value
        out[self.params.interior] = inputs[0]
