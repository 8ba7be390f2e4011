"""GATHER and GATHER_ND (``micro/kernels/gather.cc``, ``gather_nd.cc``).

Both copy slices of a float32 or int8 tensor picked by int32 indices, the
only types the TFLM kernels accept (``semantics="tflite"``: also bool, uint8,
int16, int32 and int64 tensors, and int16 or int64 indices, as LiteRT's).
Indices are read at eval (they may be computed at run time); out-of-range ones
make TFLM's invoke fail, and here raise a ModelError naming the op, checked
before anything is copied:

- GATHER (``axis``, ``batch_dims``) rejects any index outside
  ``[0, input.shape[axis])``;
- GATHER_ND checks only the flat position, as TFLM does: the slice at
  ``sum(index[j] * stride[j])`` must lie inside the params tensor. So an
  index that is out of range in one dimension but lands inside the tensor
  (``[0, 5]`` in a 2x3 tensor, ``[-1, 4]``) reads that flat position, as in
  TFLM; one that leaves the tensor is an error. LiteRT checks every index
  against its dimension, and so does ``semantics="tflite"``.
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .base import Types
from .layout_common import F32
from .layout_common import I8
from .layout_common import I16
from .layout_common import I32
from .layout_common import I64
from .layout_common import check_output_shape
from .layout_common import check_same_type
from .layout_common import check_type
from .registry import register

MAX_INDICES_ND = 5
#: the tensors GATHER and GATHER_ND copy from, and their index types
PARAMS_TYPES = Types.tflite_any(F32, I8)
POSITION_TYPES = Types((I32,), tflite=(I16, I64))


def check_index_range(op: Op, indices: np.ndarray, size: int, what: str) -> None:
    """Every index in [0, size), or a ModelError saying that TFLM's invoke fails on it."""
    bad = (indices < 0) | (indices >= size)
    if bad.any():
        value = int(np.asarray(indices)[bad].ravel()[0])
        raise op.error(f"{what} {value} is out of range [0, {size}) (TFLM's invoke fails "
                       "with an error)")


def check_index_type(op: Op, tensor, what: str, types: Types = POSITION_TYPES) -> None:
    check_type(op, tensor, types, what)


@register("GATHER")
class Gather(Op):

    def prepare(self) -> None:
        (inp, coords), (out,) = self.io(2, 1)
        check_index_type(self, coords, "positions")
        check_type(self, inp, PARAMS_TYPES)
        check_same_type(self, inp, out)
        rank, coords_rank = len(inp.shape), len(coords.shape)
        opts = self.options
        axis = int(opts.get("axis", 0)) if opts is not None else 0
        batch_dims = int(opts.get("batch_dims", 0)) if opts is not None else 0
        axis = axis + rank if axis < 0 else axis
        self.check(0 <= axis < rank, f"axis {axis} is out of range for rank {rank}")
        batch_dims = batch_dims + coords_rank if batch_dims < 0 else batch_dims
        self.check(batch_dims <= axis, f"batch_dims {batch_dims} exceeds axis {axis}")
        self.check(0 <= batch_dims < rank and batch_dims <= coords_rank,
                   f"batch_dims {batch_dims} is out of range")
        self.check(inp.shape[:batch_dims] == coords.shape[:batch_dims],
                   f"the first {batch_dims} dimensions of input {inp.shape} and positions "
                   f"{coords.shape} differ")
        check_output_shape(self, out, inp.shape[:axis] + coords.shape[batch_dims:]
                           + inp.shape[axis + 1:])
        def size(dims):
            return int(np.prod(dims, dtype=np.int64))
        self.batch = size(inp.shape[:batch_dims])
        self.outer = size(inp.shape[batch_dims:axis])
        self.axis_size = inp.shape[axis]
        self.inner = size(inp.shape[axis + 1:])
        self.coord_size = size(coords.shape[batch_dims:])
        if coords.data is not None:
            check_index_range(self, coords.data, self.axis_size, "position")

    def eval(self, inputs, outputs, scratch) -> None:
        coords = inputs[1].reshape(self.batch, 1, self.coord_size)
        check_index_range(self, coords, self.axis_size, "position")
        x = inputs[0].reshape(self.batch, self.outer, self.axis_size, self.inner)
        b = np.arange(self.batch).reshape(-1, 1, 1)
        o = np.arange(self.outer).reshape(1, -1, 1)
        outputs[0][...] = x[b, o, coords].reshape(outputs[0].shape)


@register("GATHER_ND")
class GatherNd(Op):

    def prepare(self) -> None:
        (params, indices), (out,) = self.io(2, 1)
        check_type(self, params, PARAMS_TYPES, "params")
        check_index_type(self, indices, "indices")
        check_same_type(self, params, out, "params and output")
        self.check(len(params.shape) >= 1, "params must be at least a vector")
        self.check(len(indices.shape) >= 1, "indices must be at least a vector")
        nd = indices.shape[-1]
        self.check(nd <= len(params.shape),
                   f"index depth {nd} exceeds the params rank {len(params.shape)}")
        if nd > MAX_INDICES_ND:
            raise self.unsupported(f"index depth {nd} exceeds {MAX_INDICES_ND}")
        check_output_shape(self, out, indices.shape[:-1] + params.shape[nd:])
        self.nd = nd
        self.slice_size = int(np.prod(params.shape[nd:], dtype=np.int64))
        self.n_slices = int(np.prod(indices.shape[:-1], dtype=np.int64))
        self.n_rows = params.num_elements // self.slice_size if self.slice_size else 0
        # elements per step of each indexed dimension (TFLM's dims_to_count)
        self.strides = np.array([int(np.prod(params.shape[j + 1:nd], dtype=np.int64))
                                 for j in range(nd)], dtype=np.int64)
        self.index_dims = np.array(params.shape[:nd], np.int64)
        self.per_dimension = self.config.semantics == "tflite"
        if indices.data is not None:
            self._rows(np.asarray(indices.data))

    def _rows(self, indices: np.ndarray) -> np.ndarray:
        """The slice number each index row selects; TFLM's flat-position bounds check
        (``semantics="tflite"``: LiteRT's per-dimension one too)."""
        index = indices.reshape(self.n_slices, self.nd).astype(np.int64)
        rows = index @ self.strides
        bad = (rows < 0) | (rows >= self.n_rows)
        if self.per_dimension:          # LiteRT: each index within its dimension
            bad |= ((index < 0) | (index >= self.index_dims)).any(axis=1)
        if bad.any():
            i = int(np.nonzero(bad)[0][0])
            where = ("is out of range for the params shape (LiteRT's" if self.per_dimension
                     else "points outside the params tensor (TFLM's")
            raise self.error(f"index {index[i].tolist()} {where} invoke fails with an error)")
        return rows

    def eval(self, inputs, outputs, scratch) -> None:
        if self.slice_size == 0 or self.n_slices == 0:
            return
        rows = self._rows(inputs[1])
        params = inputs[0].reshape(self.n_rows, self.slice_size)
        outputs[0][...] = params[rows].reshape(outputs[0].shape)
