"""RESHAPE, SQUEEZE and EXPAND_DIMS: ops that only relabel the shape.

TFLM copies the bytes unchanged (``memcpy`` in ``reshape.cc`` and
``squeeze.cc``, an element loop in ``expand_dims.cc``) and takes the output
shape from the output tensor, which the converter sized. Prepare checks that
the node's own shape information agrees with it:

- RESHAPE: the ``shape`` input (when constant) or ``new_shape`` option, with
  one ``-1`` resolved and the legacy ``[0]`` meaning a scalar;
- SQUEEZE: ``squeeze_dims`` (all size-1 dimensions when empty), each of
  which must have size 1 (``squeeze.cc``);
- EXPAND_DIMS: the constant int32 ``axis`` input (``expand_dims.cc``); float32,
  int8 and int16 (``semantics="tflite"``: also bool, uint8, int32 and int64, as
  LiteRT's).
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .params import CopyParams
from .registry import register


class _ShapeOnlyOp(Op):
    """Copies the input's elements into the output; subclasses say which shape to expect."""

    n_inputs: int | tuple[int, int] = 1
    #: input types the kernel's eval accepts (None: any)
    supported: Types | tuple | None = None

    def prepare(self) -> None:
        self.check_io_count(self.n_inputs)
        inp, out = self.input(0), self.outputs[0]
        if inp.dtype != out.dtype:
            raise self.error(f"input and output types must match, got {inp.dtype} -> {out.dtype}")
        if self.supported is not None and inp.dtype not in self.allowed_types(self.supported):
            raise self.unsupported(f"type {inp.dtype} is not supported")
        if any(d < 0 for d in out.shape):
            raise self.unsupported(f"output shape {out.shape} is not fully specified")
        expected = self.expected_output_shape(inp)
        if expected is not None and tuple(expected) != tuple(out.shape):
            raise self.error(f"expected output shape {tuple(expected)} from input shape "
                             f"{inp.shape}, but the output tensor has shape {out.shape}")
        if inp.num_elements != out.num_elements:
            raise self.error(f"cannot reshape {inp.num_elements} elements {inp.shape} into "
                             f"{out.num_elements} elements {out.shape}")
        self.params = CopyParams(out.nbytes)

    def expected_output_shape(self, inp) -> tuple[int, ...] | None:
        """The output shape the node asks for, or None if it cannot be known before eval."""
        raise NotImplementedError

    def eval(self, inputs, outputs, scratch) -> None:
        out = outputs[0]
        out[...] = inputs[0].reshape(out.shape)


def _constant_int_vector(op: Op, index: int, what: str) -> np.ndarray | None:
    """The values of a constant integer input tensor, or None if it is not constant."""
    t = op.input(index)
    if t.data is None:
        return None
    if t.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise op.error(f"{what} tensor must be int32 or int64, got {t.dtype}")
    return np.asarray(t.data, dtype=np.int64).ravel()


@register("RESHAPE")
class Reshape(_ShapeOnlyOp):
    n_inputs = (1, 2)

    def expected_output_shape(self, inp):
        new_shape = self.options.get("new_shape") if self.options is not None else None
        if len(self.inputs) == 2 and self.inputs[1] is not None:
            requested = _constant_int_vector(self, 1, "shape")
            if requested is None:
                return None
        elif new_shape is not None:
            requested = np.asarray(new_shape, dtype=np.int64).ravel()
            if requested.tolist() == [0]:  # legacy converters' way of saying "scalar"
                requested = requested[:0]
        else:
            return None
        return self._resolve_stretch(requested.tolist(), inp.num_elements)

    def _resolve_stretch(self, shape: list[int], n_elements: int) -> tuple[int, ...]:
        stretch = [i for i, d in enumerate(shape) if d == -1]
        if len(stretch) > 1:
            raise self.error(f"new shape {shape} has more than one -1")
        if any(d < -1 for d in shape):
            raise self.error(f"new shape {shape} has a negative dimension")
        if stretch:
            known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
            if known == 0 or n_elements % known:
                raise self.error(f"cannot infer the -1 in {shape} for {n_elements} elements")
            shape[stretch[0]] = n_elements // known
        return tuple(shape)


@register("SQUEEZE")
class Squeeze(_ShapeOnlyOp):

    def expected_output_shape(self, inp):
        rank = len(inp.shape)
        if rank > 8:
            raise self.unsupported(f"input rank {rank} exceeds 8")
        dims = list(self.options.get("squeeze_dims") or []) if self.options is not None else []
        if not dims:
            squeezed = {i for i, d in enumerate(inp.shape) if d == 1}
        else:
            squeezed = set()
            for d in dims:
                axis = d + rank if d < 0 else d
                if not (0 <= axis < rank and inp.shape[axis] == 1):
                    raise self.error(f"cannot squeeze dimension {d} of shape {inp.shape}")
                squeezed.add(axis)
        return tuple(d for i, d in enumerate(inp.shape) if i not in squeezed)


@register("EXPAND_DIMS")
class ExpandDims(_ShapeOnlyOp):
    n_inputs = 2
    supported = Types((np.float32, np.int8, np.int16),
                      tflite=(np.bool_, np.uint8, np.int32, np.int64))

    def expected_output_shape(self, inp):
        axis_tensor = self.input(1)
        if len(axis_tensor.shape) > 1:
            raise self.error(f"axis must be a scalar or 1-element vector, has shape "
                             f"{axis_tensor.shape}")
        axis = _constant_int_vector(self, 1, "axis")
        if axis is None:
            raise self.unsupported("a non-constant axis tensor is not supported")
        if axis.size < 1:
            raise self.error("axis tensor is empty")
        rank = len(inp.shape)
        a = int(axis[0])
        if a < 0:
            a += rank + 1
        if not 0 <= a <= rank:
            raise self.error(f"axis {int(axis[0])} is out of range for rank {rank}")
        return inp.shape[:a] + (1,) + inp.shape[a:]
