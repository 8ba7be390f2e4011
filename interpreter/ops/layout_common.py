"""Validation helpers shared by the data-movement ops (TRANSPOSE, GATHER, SLICE, ...).

These ops move elements without arithmetic; what they share is checking:
the input and output types agree and are among the types the kernel handles
(TFLM's; under ``semantics="tflite"`` also the further types LiteRT's reference
kernel takes, declared with ``base.Types``), quantized tensors carry the same
parameters when values are copied through unscaled, and index-like inputs (axes,
shapes, permutations) are constant integer vectors. This module registers no op.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .base import Op
from .base import Types

F32, I8, U8, I16, I32, I64, BOOL = (np.dtype(t) for t in (np.float32, np.int8, np.uint8, np.int16,
                                                           np.int32, np.int64, np.bool_))
INDEX_TYPES = (I32, I64)


def type_names(types: Iterable[np.dtype]) -> str:
    return ", ".join(str(t) for t in types)


def check_type(op: Op, tensor, supported: Types | tuple, role: str = "input") -> np.dtype:
    """``tensor``'s type, or ``op.unsupported`` when the kernel of the op's semantics has
    no case for it (``Op.check_dtype``)."""
    return op.check_dtype(tensor, supported, role)


def check_same_type(op: Op, a, b, what: str = "input and output") -> None:
    if a.dtype != b.dtype:
        raise op.error(f"{what} types must match, got {a.dtype} and {b.dtype}")


def quant_params(tensor) -> tuple[float, int]:
    """(scale, zero point) as TFLM's ``params`` see them: (0, 0) without quantization."""
    q = tensor.quantization
    if q is None or q.scale.size == 0:
        return 0.0, 0
    return float(np.float32(q.scale[0])), int(q.zero_point[0])


def check_same_quantization(op: Op, a, b, what: str) -> None:
    """For kernels that copy int8/int16/uint8 values unscaled: the parameters must agree."""
    if a.dtype in (I8, U8, I16) and quant_params(a) != quant_params(b):
        raise op.error(f"{what} must share scale and zero point (TFLM copies quantized values "
                       f"without requantizing), got {quant_params(a)} and {quant_params(b)}")


def constant_ints(op: Op, index: int, what: str, types: Types | tuple = INDEX_TYPES,
                  required: bool = True) -> np.ndarray | None:
    """The values of a constant integer input as int64, flattened.

    A non-constant tensor gives ``op.unsupported`` (or None when not ``required``).
    """
    t = op.input(index)
    allowed = op.allowed_types(types)
    if t.dtype not in allowed:
        raise op.error(f"{what} tensor must be {type_names(allowed)}, got {t.dtype}")
    if t.data is None:
        if required:
            raise op.unsupported(f"a non-constant {what} tensor is not supported "
                                 "(its values decide the output shape)")
        return None
    return np.asarray(t.data, dtype=np.int64).ravel()


def normalize_axis(op: Op, axis: int, rank: int, what: str = "axis") -> int:
    a = int(axis) + rank if int(axis) < 0 else int(axis)
    if not 0 <= a < rank:
        raise op.error(f"{what} {int(axis)} is out of range for rank {rank}")
    return a


def check_output_shape(op: Op, out, expected, index: int = 0) -> None:
    if tuple(out.shape) != tuple(int(d) for d in expected):
        raise op.error(f"output {index} has shape {tuple(out.shape)}, expected "
                       f"{tuple(int(d) for d in expected)}")


def check_max_rank(op: Op, tensor, max_rank: int, role: str = "input") -> None:
    if len(tensor.shape) > max_rank:
        raise op.unsupported(f"{role} has {len(tensor.shape)} dimensions (at most {max_rank})")


def walk_view(x: np.ndarray, params) -> np.ndarray:
    """The elements an ``params.AxisWalkParams`` walk visits, as a view of ``x`` with one
    axis per walk axis (copy it into the output in row-major order)."""
    x = np.transpose(x.reshape(params.in_shape), [a.axis for a in params.walk])
    index = []
    for a in params.walk:
        stop = a.start + a.step * a.count
        # a walk down to position 0 has stop -1, which a slice would read as "the end"
        index.append(slice(a.start, None if a.count and stop < 0 else stop, a.step))
    return x[tuple(index)]
