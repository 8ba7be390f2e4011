"""Write .tflite model files, for tests and tools.

``ModelBuilder`` assembles a model tensor by tensor and operator by operator::

    b = ModelBuilder(description="one conv")
    x = b.add_tensor("x", np.int8, [1, 8, 8, 3], scale=0.1, zero_point=-3)
    ...
    b.add_operator("CONV_2D", inputs=[x, w, bias], outputs=[y],
                   options={"padding": "SAME", "stride_w": 1, "stride_h": 1})
    b.set_inputs([x]); b.set_outputs([y])
    data = b.build()

``encode`` writes any table tree given as plain dicts (field names as in the
schema), using the table layouts of ``interpreter/parse/schema.py``: so any
options table can be written, and tests can build deliberately broken models
by editing ``ModelBuilder.to_dict()`` before encoding it. The builder
checks only what it needs to lay out the data; validation is the loader's job.
"""
from __future__ import annotations

import copy
from typing import Any
from typing import Iterable
from typing import Mapping
from typing import Sequence

import flatbuffers
import numpy as np

from .parse.field import Field
from .parse.loader import NUMPY_DTYPES
from .parse.schema import ENUMS
from .parse.schema import FILE_IDENTIFIER
from .parse.schema import OPERATOR_OPTIONS
from .parse.schema import ROOT_TABLE
from .parse.schema import TABLES
from .parse.schema import UNIONS
from .parse.schema import BuiltinOperator
from .parse.schema import TensorType

SCHEMA_VERSION = 3
_TENSOR_TYPES = {dtype: tensor_type for tensor_type, dtype in NUMPY_DTYPES.items()}

# Builder method writing a scalar field, per scalar type.
_PREPEND_SLOT = {
    "bool": "PrependBoolSlot",
    "int8": "PrependInt8Slot", "uint8": "PrependUint8Slot",
    "int16": "PrependInt16Slot", "uint16": "PrependUint16Slot",
    "int32": "PrependInt32Slot", "uint32": "PrependUint32Slot",
    "int64": "PrependInt64Slot", "uint64": "PrependUint64Slot",
    "float32": "PrependFloat32Slot", "float64": "PrependFloat64Slot",
}
_VECTOR_DTYPES = {
    "bool": "<u1", "int8": "<i1", "uint8": "<u1", "int16": "<i2", "uint16": "<u2",
    "int32": "<i4", "uint32": "<u4", "int64": "<i8", "uint64": "<u8",
    "float32": "<f4", "float64": "<f8",
}


# --------------------------------------------------------------------------
# Generic encoding of table trees
# --------------------------------------------------------------------------

def encode(values: Mapping[str, Any], table: str = ROOT_TABLE,
           file_identifier: bytes | None = FILE_IDENTIFIER) -> bytes:
    """Serialize a tree of dicts laid out as `table` into FlatBuffer bytes."""
    builder = flatbuffers.Builder(1024)
    root = _write_table(builder, table, values)
    builder.Finish(root, file_identifier=file_identifier)
    return bytes(builder.Output())


def _write_table(builder: flatbuffers.Builder, table: str, values: Mapping[str, Any]) -> int:
    fields = TABLES[table]
    unknown = set(values) - {f.name for f in fields}
    if unknown:
        raise ValueError(f"{table} has no field(s) {sorted(unknown)}")
    # Strings, vectors and sub-tables must be written before the table itself.
    offsets = {}
    for f in fields:
        value = values.get(f.name)
        if value is None or f.kind in ("scalar", "enum", "union_type"):
            continue
        if f.kind == "string":
            offsets[f.name] = builder.CreateString(value)
        elif f.kind == "table":
            offsets[f.name] = _write_table(builder, f.ref, value)
        elif f.kind == "union_value":
            member = _enum_value(f.ref, values.get(f.name + "_type", 0))
            if member == 0:
                raise ValueError(f"{table}.{f.name} is set but {f.name}_type is NONE")
            offsets[f.name] = _write_table(builder, UNIONS[f.ref](member).name, value)
        else:
            offsets[f.name] = _write_vector(builder, f, value)
    builder.StartObject(max((f.slot + 1 for f in fields), default=0))
    for f in fields:
        value = values.get(f.name)
        if f.name in offsets:
            builder.PrependUOffsetTRelativeSlot(f.slot, offsets[f.name], 0)
        elif value is not None and f.kind in ("scalar", "enum", "union_type"):
            if f.kind != "scalar":
                value = _enum_value(f.ref, value)
            value = _python_scalar(f.scalar, value)
            getattr(builder, _PREPEND_SLOT[f.scalar])(f.slot, value, f.default)
    return builder.EndObject()


def _write_vector(builder: flatbuffers.Builder, f: Field, items: Any) -> int:
    if f.element in ("scalar", "enum"):
        if isinstance(items, (bytes, bytearray, memoryview)):
            items = np.frombuffer(items, dtype=np.uint8)
        if f.element == "enum":
            items = [_enum_value(f.ref, v) for v in items]
        array = np.asarray(items).astype(_VECTOR_DTYPES[f.scalar]).reshape(-1)
        alignment = max(array.itemsize, f.align or 1)
        builder.StartVector(array.itemsize, array.size, alignment)
        builder.head -= array.nbytes          # reserve the room StartVector prepared
        builder.Bytes[builder.head:builder.head + array.nbytes] = array.tobytes()
        return builder.EndVector()
    if f.element == "string":
        offsets = [builder.CreateString(s) for s in items]
    else:
        offsets = [_write_table(builder, f.ref, item) for item in items]
    builder.StartVector(4, len(offsets), 4)
    for offset in reversed(offsets):
        builder.PrependUOffsetTRelative(offset)
    return builder.EndVector()


def _enum_value(enum_name: str, value: Any) -> int:
    """An enum or union value given as a member, a member name or an int."""
    if isinstance(value, str):
        enum_class = ENUMS[enum_name][0] if enum_name in ENUMS else UNIONS[enum_name]
        try:
            return int(enum_class[value])
        except KeyError:
            raise ValueError(f"{value!r} is not a member of {enum_name}") from None
    return int(value)


def _python_scalar(scalar: str, value: Any) -> Any:
    if scalar == "bool":
        return bool(value)
    if scalar.startswith("float"):
        return float(value)
    return int(value)


# --------------------------------------------------------------------------
# ModelBuilder
# --------------------------------------------------------------------------

def tensor_type(dtype: Any) -> TensorType:
    """TensorType for a NumPy dtype or type, a TensorType, or a TensorType name."""
    if isinstance(dtype, TensorType):
        return dtype
    if isinstance(dtype, str) and dtype.upper() in TensorType.__members__:
        return TensorType[dtype.upper()]
    try:
        return _TENSOR_TYPES[np.dtype(dtype).newbyteorder("<")]
    except (KeyError, TypeError):
        raise ValueError(f"no TFLite tensor type for {dtype!r}") from None


def _operator_code(op: str | int | BuiltinOperator) -> int:
    if isinstance(op, str):
        try:
            return int(BuiltinOperator[op])
        except KeyError:
            raise ValueError(f"unknown operator {op!r}") from None
    return int(op)


def _default_options_table(code: int) -> str | None:
    try:
        return OPERATOR_OPTIONS[BuiltinOperator(code)]
    except ValueError:
        return None  # unknown code: no table unless the caller names one


def _as_list(value: Any) -> list:
    return list(np.atleast_1d(np.asarray(value)).reshape(-1).tolist())


class SubgraphBuilder:
    """Tensors, operators, inputs and outputs of one subgraph."""

    def __init__(self, model: "ModelBuilder", name: str = ""):
        self.model = model
        self.name = name
        self.tensors: list[dict] = []
        self.operators: list[dict] = []
        self.inputs: list[int] = []
        self.outputs: list[int] = []

    def add_tensor(self, name: str, dtype: Any, shape: Sequence[int], *, data: Any = None,
                   scale: float | Sequence[float] | None = None,
                   zero_point: int | Sequence[int] | None = None, quantized_dimension: int = 0,
                   shape_signature: Sequence[int] | None = None,
                   is_variable: bool = False) -> int:
        """Add a tensor and return its index. `data` makes it constant."""
        ttype = tensor_type(dtype)
        shape = [int(d) for d in shape]
        tensor: dict[str, Any] = {"name": name, "type": ttype, "shape": shape,
                                  "is_variable": is_variable, "buffer": 0}
        if data is not None:
            if ttype not in NUMPY_DTYPES:
                raw = bytes(data)  # no NumPy form: the caller gives the packed bytes
            else:
                array = np.asarray(data, dtype=NUMPY_DTYPES[ttype])
                if array.size != int(np.prod(shape, dtype=np.int64)):
                    raise ValueError(f"tensor {name!r}: {array.size} values for shape {shape}")
                raw = array.tobytes()
            tensor["buffer"] = self.model.add_buffer(raw)
        if shape_signature is not None:
            tensor["shape_signature"] = [int(d) for d in shape_signature]
        if scale is not None:
            scales = _as_list(scale)
            zero_points = _as_list(0 if zero_point is None else zero_point)
            if len(zero_points) == 1 and len(scales) > 1:
                zero_points *= len(scales)   # LiteRT wants one zero point per scale
            tensor["quantization"] = {"scale": scales, "zero_point": zero_points,
                                      "quantized_dimension": quantized_dimension}
        self.tensors.append(tensor)
        return len(self.tensors) - 1

    def add_operator(self, op: str | int | BuiltinOperator, inputs: Iterable[int],
                     outputs: Iterable[int], *, options: Mapping[str, Any] | None = None,
                     options_table: str | None = None, custom_code: str | None = None,
                     custom_options: bytes | None = None, intermediates: Iterable[int] = (),
                     version: int = 1) -> int:
        """Add an operator (run after those added before it); returns its index."""
        code = _operator_code(op)
        operator: dict[str, Any] = {
            "opcode_index": self.model.add_operator_code(code, custom_code, version),
            "inputs": [int(i) for i in inputs],
            "outputs": [int(o) for o in outputs],
        }
        intermediates = [int(i) for i in intermediates]
        if intermediates:
            operator["intermediates"] = intermediates
        table = options_table or _default_options_table(code)
        if table is None and options:
            raise ValueError(f"operator {op!r} takes no options table; pass options_table=")
        if table is not None:
            # Like the converter, write the table even when every field is at its default.
            union = "BuiltinOptions" if table in UNIONS["BuiltinOptions"].__members__ \
                else "BuiltinOptions2"
            field = "builtin_options" if union == "BuiltinOptions" else "builtin_options_2"
            operator[field + "_type"] = UNIONS[union][table]
            operator[field] = dict(options or {})
        if custom_options is not None:
            operator["custom_options"] = bytes(custom_options)
        self.operators.append(operator)
        return len(self.operators) - 1

    def set_inputs(self, inputs: Iterable[int]) -> None:
        self.inputs = [int(i) for i in inputs]

    def set_outputs(self, outputs: Iterable[int]) -> None:
        self.outputs = [int(o) for o in outputs]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "tensors": self.tensors, "operators": self.operators,
                "inputs": self.inputs, "outputs": self.outputs}


class ModelBuilder:
    """A whole model: subgraph 0 is built through the methods of this object
    (add_tensor, add_operator, set_inputs, set_outputs); more subgraphs through
    `add_subgraph()`."""

    def __init__(self, description: str = ""):
        self.description = description
        self.buffers: list[bytes] = [b""]      # buffer 0: the empty sentinel
        self.operator_codes: list[dict] = []
        self._code_index: dict[tuple, int] = {}
        self.metadata: list[dict] = []
        self.signature_defs: list[dict] = []
        self.subgraphs: list[SubgraphBuilder] = [SubgraphBuilder(self)]

    # Subgraph 0 is the default target.
    def add_tensor(self, *args, **kwargs) -> int:
        return self.subgraphs[0].add_tensor(*args, **kwargs)

    def add_operator(self, *args, **kwargs) -> int:
        return self.subgraphs[0].add_operator(*args, **kwargs)

    def set_inputs(self, inputs: Iterable[int]) -> None:
        self.subgraphs[0].set_inputs(inputs)

    def set_outputs(self, outputs: Iterable[int]) -> None:
        self.subgraphs[0].set_outputs(outputs)

    def add_subgraph(self, name: str = "") -> SubgraphBuilder:
        self.subgraphs.append(SubgraphBuilder(self, name))
        return self.subgraphs[-1]

    def add_buffer(self, data: bytes) -> int:
        self.buffers.append(bytes(data))
        return len(self.buffers) - 1

    def add_operator_code(self, code: int, custom_code: str | None = None,
                          version: int = 1) -> int:
        key = (code, custom_code, version)
        if key not in self._code_index:
            # Codes above 127 do not fit the old one-byte field, which then holds
            # the placeholder 127; readers take the larger of the two fields.
            entry = {"deprecated_builtin_code": min(code, 127), "builtin_code": code,
                     "version": version}
            if custom_code is not None:
                entry["custom_code"] = custom_code
            self._code_index[key] = len(self.operator_codes)
            self.operator_codes.append(entry)
        return self._code_index[key]

    def add_metadata(self, name: str, data: bytes) -> None:
        self.metadata.append({"name": name, "buffer": self.add_buffer(data)})

    def add_signature_def(self, key: str, inputs: Mapping[str, int], outputs: Mapping[str, int],
                          subgraph_index: int = 0) -> None:
        def tensor_maps(mapping):
            return [{"name": n, "tensor_index": i} for n, i in mapping.items()]
        self.signature_defs.append({"signature_key": key, "subgraph_index": subgraph_index,
                                    "inputs": tensor_maps(inputs),
                                    "outputs": tensor_maps(outputs)})

    def to_dict(self) -> dict[str, Any]:
        """The model as a tree of dicts, ready for `encode` (a copy: edit it freely)."""
        return copy.deepcopy({
            "version": SCHEMA_VERSION,
            "description": self.description,
            "operator_codes": self.operator_codes,
            "subgraphs": [sg.to_dict() for sg in self.subgraphs],
            "buffers": [{"data": data} if data else {} for data in self.buffers],
            "metadata": self.metadata,
            "signature_defs": self.signature_defs,
        })

    def build(self) -> bytes:
        return encode(self.to_dict())
