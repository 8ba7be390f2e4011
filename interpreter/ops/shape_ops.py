"""SHAPE, FILL, BROADCAST_TO and BROADCAST_ARGS (``micro/kernels/shape.cc``,
``fill.cc``, ``broadcast_to.cc``, ``broadcast_args.cc``).

- SHAPE: the input's dimensions as an int32 vector (any input type; TFLM's
  invoke fails for an int64 output, which ``semantics="tflite"`` writes, as LiteRT;
  LiteRT gives the output the type of the ``out_type`` option, so under
  ``"tflite"`` the two must agree).
- FILL: a constant int32/int64 ``dims`` input equal to the output shape (TFLM
  refuses a computed one at allocation) and a 0-D ``value`` of the output's
  type: float32, int8 or int32 (TFLM refuses int16, int64 and bool; LiteRT runs
  them and uint8, and so does ``semantics="tflite"``). The value is copied as is,
  whatever the quantization.
- BROADCAST_TO: NumPy broadcasting of any element type (TFLM copies by
  element size) to a constant int32/int64 shape of at most 5 dimensions.
- BROADCAST_ARGS: the broadcast of two int32 or int64 shape vectors (same
  type as the output); incompatible shapes abort TFLM (``TFLITE_CHECK``), and
  raise a ModelError here.
"""
from __future__ import annotations

import numpy as np

from ..parse.loader import NUMPY_DTYPES
from .base import Op
from .base import Types
from .layout_common import F32
from .layout_common import I8
from .layout_common import I32
from .layout_common import I64
from .layout_common import INDEX_TYPES
from .layout_common import check_output_shape
from .layout_common import check_same_type
from .layout_common import check_type
from .layout_common import constant_ints
from .registry import register

MAX_BROADCAST_RANK = 5


@register("SHAPE")
class Shape(Op):
    OUTPUT_TYPES = Types((I32,), tflite=(I64,))

    def prepare(self) -> None:
        (inp,), (out,) = self.io(1, 1)
        check_type(self, out, self.OUTPUT_TYPES, "output")
        if self.config.semantics == "tflite":
            out_type = self.options.get("out_type") if self.options is not None else None
            self.check(NUMPY_DTYPES.get(out_type) == out.dtype,
                       f"out_type {out_type} differs from the output type {out.dtype} (LiteRT "
                       "writes out_type, and fails unless it is INT32 or INT64)")
        check_output_shape(self, out, (len(inp.shape),))
        self.value = np.array(inp.shape, dtype=out.dtype)

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = self.value


@register("FILL")
class Fill(Op):
    TYPES = Types.tflite_any(F32, I8, I32)

    def prepare(self) -> None:
        self.check_io_count(2)
        value, out = self.input(1), self.outputs[0]
        dims = constant_ints(self, 0, "dims")
        check_output_shape(self, out, dims.tolist())
        self.check(len(value.shape) == 0, f"value must be a scalar, has shape {value.shape}")
        check_same_type(self, value, out, "value and output")
        check_type(self, out, self.TYPES, "output")

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = inputs[1]


@register("BROADCAST_TO")
class BroadcastTo(Op):

    def prepare(self) -> None:
        self.check_io_count(2)
        inp, out = self.input(0), self.outputs[0]
        check_same_type(self, inp, out)
        shape = tuple(constant_ints(self, 1, "shape").tolist())
        if len(shape) > MAX_BROADCAST_RANK:
            raise self.unsupported(f"output rank {len(shape)} exceeds {MAX_BROADCAST_RANK}")
        check_output_shape(self, out, shape)
        self.check(len(inp.shape) <= len(shape) and all(
            a in (1, b) for a, b in zip(inp.shape[::-1], shape[::-1])),
            f"input shape {inp.shape} does not broadcast to {shape}")

    def eval(self, inputs, outputs, scratch) -> None:
        outputs[0][...] = np.broadcast_to(inputs[0], outputs[0].shape)


@register("BROADCAST_ARGS")
class BroadcastArgs(Op):

    def prepare(self) -> None:
        (s1, s2), (out,) = self.io(2, 1)
        check_type(self, out, INDEX_TYPES, "output")
        check_same_type(self, s1, out, "input 0 and output")
        check_same_type(self, s2, out, "input 1 and output")
        for i, t in enumerate((s1, s2)):
            self.check(len(t.shape) == 1, f"input {i} must be a vector, has shape {t.shape}")
        check_output_shape(self, out, (max(s1.shape[0], s2.shape[0]),))

    def eval(self, inputs, outputs, scratch) -> None:
        a, b = (np.asarray(x).astype(np.int64) for x in inputs[:2])
        n = outputs[0].shape[0]
        a = np.concatenate([np.ones(n - a.size, np.int64), a])
        b = np.concatenate([np.ones(n - b.size, np.int64), b])
        bad = (a != b) & (a != 1) & (b != 1)
        if bad.any():
            raise self.error(f"shapes {inputs[0].tolist()} and {inputs[1].tolist()} do not "
                             "broadcast (TFLM aborts)")
        outputs[0][...] = np.where(a == 1, b, a)
