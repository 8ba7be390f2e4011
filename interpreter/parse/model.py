"""The immutable model object that the loader produces.

Everything downstream (planner, ops, CLI) reads the model only through these
classes; none of them keeps a reference to the flatbuffer reader. Constant
tensor data are read-only NumPy views of the model file's bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Iterator
from typing import Mapping

import numpy as np


class Options(Mapping):
    """An operator's decoded options table (e.g. ``Conv2DOptions``).

    Fields are reachable as attributes (``opts.stride_w``) and as a mapping;
    absent fields hold the schema default, enum fields hold ``IntEnum`` members.
    """

    __slots__ = ("table", "_fields")

    def __init__(self, table: str, fields: Mapping[str, Any]):
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "_fields", dict(fields))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(f"{self.table} has no field {name!r}") from None

    def __setattr__(self, name, value):
        raise AttributeError("Options are immutable")

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._fields.items())
        return f"{self.table}({inner})"


@dataclass(frozen=True)
class Quantization:
    """Affine quantization: real = scale * (q - zero_point).

    ``scale`` is float32 and ``zero_point`` int64, both 1-D of equal length
    (1 for per-tensor, the channel count for per-channel quantization).
    """

    scale: np.ndarray
    zero_point: np.ndarray
    quantized_dimension: int = 0

    @property
    def per_channel(self) -> bool:
        return self.scale.size > 1


#: schema TensorType INT4: 4-bit values, stored two per byte
INT4_TYPE = 17


@dataclass(frozen=True)
class Tensor:
    """One tensor of a subgraph.

    An INT4 tensor has dtype ``object`` (NumPy has no int4: operators that do
    not know the type refuse it) and, when constant, ``data`` holding its
    values unpacked to int8 (see ``loader``); ``nbytes`` is its packed size.
    """

    index: int
    name: str
    type_code: int          # schema TensorType value
    dtype: np.dtype         # NumPy dtype for that type
    shape: tuple[int, ...]
    shape_signature: tuple[int, ...] | None
    buffer: int             # index into Model.buffers (0 = no data)
    quantization: Quantization | None
    data: np.ndarray | None  # constant data (read-only view), shaped; None if not constant
    is_variable: bool = False

    @property
    def is_constant(self) -> bool:
        return self.data is not None

    @property
    def num_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def is_int4(self) -> bool:
        return self.type_code == INT4_TYPE

    @property
    def nbytes(self) -> int:
        """Bytes of the tensor's data; INT4 counts as packed, two values per byte."""
        if self.is_int4:
            return (self.num_elements + 1) // 2
        return self.num_elements * self.dtype.itemsize


@dataclass(frozen=True)
class Operator:
    index: int                      # position in its subgraph's execution order
    opcode_index: int               # index into Model.operator_codes
    builtin_code: int               # resolved BuiltinOperator value
    op_name: str                    # e.g. "CONV_2D"; "CUSTOM:<custom code>"; "BUILTIN_<n>" if unknown
    inputs: tuple[int, ...]         # tensor indices; -1 marks an omitted optional input
    outputs: tuple[int, ...]
    intermediates: tuple[int, ...] = ()
    options: Options | None = None  # decoded builtin options (None if the op has none)
    custom_options: bytes | None = None


@dataclass(frozen=True)
class OperatorCode:
    builtin_code: int
    custom_code: str | None
    version: int


@dataclass(frozen=True)
class SignatureDef:
    signature_key: str
    subgraph_index: int
    inputs: Mapping[str, int]       # name -> tensor index
    outputs: Mapping[str, int]


@dataclass(frozen=True)
class Subgraph:
    index: int
    name: str
    tensors: tuple[Tensor, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    operators: tuple[Operator, ...]


@dataclass(frozen=True)
class Model:
    version: int
    description: str
    operator_codes: tuple[OperatorCode, ...]
    subgraphs: tuple[Subgraph, ...]
    metadata: Mapping[str, bytes] = field(default_factory=dict)  # name -> raw buffer bytes
    signature_defs: tuple[SignatureDef, ...] = ()
    size_bytes: int = 0

    @property
    def main(self) -> Subgraph:
        return self.subgraphs[0]
