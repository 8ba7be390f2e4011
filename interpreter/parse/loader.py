"""Load a .tflite file into the immutable ``Model`` of ``model.py``.

``load_model`` decodes the FlatBuffer with the bounds-checked reader, then
converts and validates it: every index points somewhere real, constant data
has exactly the size its shape needs, quantization parameters fit the tensor,
and operators only read tensors that exist by the time they run. Any problem
raises ``ModelError`` naming the tensor, operator or buffer. Whether the
interpreter implements the operators is not checked here (the interpreter
raises ``UnsupportedOpError`` later); unknown builtin codes load as
"BUILTIN_<code>".

Choices where the format leaves room:

* Tensor types with a NumPy equivalent get that dtype. The others (STRING,
  RESOURCE, VARIANT, INT4, INT2, UINT4, BFLOAT16, FLOAT8_*) still load, with
  dtype ``object``; their constant data, if any, is the raw bytes as a 1-D
  uint8 array (the loader does not unpack sub-byte or string layouts) and
  its size is not checked. Any operator given such a tensor must raise
  ``UnsupportedOpError``. A type code outside the enum is a ``ModelError``.
* INT4 is the exception among those: its constant data is unpacked here, as
  TFLM's ``UnpackDenseInt4IntoInt8`` (tensor_utils) does at each Eval: the
  values are packed densely over the whole tensor, two per byte, the low
  nibble first, each sign-extended (-8..7); for an odd count the last byte's
  high nibble is padding and ignored. ``data`` is then a read-only int8 array
  of the tensor's shape (what LiteRT's ``get_tensor`` returns for it), while
  ``dtype`` stays ``object``, so that only operators that know the type (the
  filters of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED) accept it;
  ``Tensor.nbytes`` is the packed size. The buffer must hold exactly
  ceil(n / 2) bytes, as the converter writes: neither runtime checks this
  (TFLM reads the first ceil(n / 2) bytes, LiteRT requires at least that
  many), but a shorter buffer makes TFLM read past it.
* Constant data must be exactly ``num_elements * itemsize`` bytes (TFLite's
  own check is exact too), and it is a read-only view of the file bytes.
* Variable tensors (``is_variable``) are state, not constants: their buffer,
  if any, is ignored (TFLM zero-fills them) and ``data`` is None.
* An operator whose builtin code names an options table but whose file
  stores none gets that table with every field at its schema default
  (TFLM would zero-fill its parameters instead; converters always store
  the table). Options stored in a different table than the one the code
  names are a ``ModelError``; operators with no options table, or an
  unknown code, keep whatever table is stored.
* An unknown union type id (options or quantization details) is a
  ``ModelError``: the loader cannot tell what the table holds.
* Quantization is None when the tensor has no scale. A single zero point
  with several scales is broadcast to every channel. A 1-D per-channel
  tensor (a bias) gets quantized_dimension 0 whatever the file says: the
  converter copies the filter's axis there (person_detect has 3), which
  TFLM ignores and LiteRT rejects.
"""
from __future__ import annotations

import dataclasses
import os
from types import MappingProxyType
from typing import Any
from typing import Iterable

import numpy as np

from ..errors import ModelError
from .flatbuffer import default_values
from .flatbuffer import read_root
from .model import Model
from .model import Operator
from .model import OperatorCode
from .model import Options
from .model import Quantization
from .model import SignatureDef
from .model import Subgraph
from .model import Tensor
from .schema import FILE_IDENTIFIER
from .schema import OPERATOR_OPTIONS
from .schema import ROOT_TABLE
from .schema import TABLES
from .schema import BuiltinOperator
from .schema import TensorType

SCHEMA_VERSION = 3           # the only version TFLM accepts
MAX_TENSOR_BYTES = 2 ** 31   # tensor sizes are int32 in TFLite: must stay below this

# TensorType -> NumPy dtype (little-endian, as the file stores them).
NUMPY_DTYPES: dict[TensorType, np.dtype] = {
    TensorType.FLOAT32: np.dtype("<f4"),
    TensorType.FLOAT16: np.dtype("<f2"),
    TensorType.FLOAT64: np.dtype("<f8"),
    TensorType.INT8: np.dtype("i1"),
    TensorType.UINT8: np.dtype("u1"),
    TensorType.INT16: np.dtype("<i2"),
    TensorType.UINT16: np.dtype("<u2"),
    TensorType.INT32: np.dtype("<i4"),
    TensorType.UINT32: np.dtype("<u4"),
    TensorType.INT64: np.dtype("<i8"),
    TensorType.UINT64: np.dtype("<u8"),
    TensorType.BOOL: np.dtype("?"),
    TensorType.COMPLEX64: np.dtype("<c8"),
    TensorType.COMPLEX128: np.dtype("<c16"),
}
UNSUPPORTED_DTYPE = np.dtype(object)


def load_model_file(path: str | os.PathLike) -> Model:
    """Read and load a .tflite file; errors name the file."""
    with open(path, "rb") as f:
        data = f.read()
    return load_model(data, name=os.path.basename(os.fspath(path)))


def load_model(data: bytes | bytearray | memoryview, *, name: str = "model") -> Model:
    """Decode and validate model bytes; ``name`` prefixes error messages."""
    # Constant tensors are views of these bytes: keep an immutable copy.
    data = data if isinstance(data, bytes) else bytes(data)
    try:
        return _ModelLoader(data).load()
    except ModelError as e:
        raise ModelError(f"{name}: {e}") from None


class _ModelLoader:
    """Converts and validates the model-level tables; subgraphs have their own loader."""

    def __init__(self, data: bytes):
        self.data = data
        self.buffers: list[np.ndarray] = []

    def load(self) -> Model:
        raw = read_root(self.data, ROOT_TABLE, FILE_IDENTIFIER)
        if raw["version"] != SCHEMA_VERSION:
            raise ModelError(f"schema version {raw['version']}, expected {SCHEMA_VERSION}")
        self.buffers = [self.buffer_bytes(i, b) for i, b in enumerate(raw["buffers"] or ())]
        opcodes = tuple(self.operator_code(i, oc)
                        for i, oc in enumerate(raw["operator_codes"] or ()))
        if not raw["subgraphs"]:
            raise ModelError("model has no subgraphs")
        subgraphs = tuple(_SubgraphLoader(self, i, sg, opcodes).load()
                          for i, sg in enumerate(raw["subgraphs"]))
        return Model(
            version=raw["version"],
            description=raw["description"] or "",
            operator_codes=opcodes,
            subgraphs=subgraphs,
            metadata=MappingProxyType(self.metadata(raw["metadata"] or ())),
            signature_defs=tuple(_signature_def(i, s, subgraphs)
                                 for i, s in enumerate(raw["signature_defs"] or ())),
            size_bytes=len(self.data),
        )

    def buffer_bytes(self, index: int, raw: dict) -> np.ndarray:
        """The bytes of a buffer as a read-only uint8 view (empty if none)."""
        offset, size = raw["offset"], raw["size"]
        if offset > 1:  # data stored after the FlatBuffer (models over 2 GB); 0 and 1 mean none
            if offset + size > len(self.data):
                raise ModelError(f"buffer {index}: external data at offset {offset}, size {size} "
                                 f"runs past the end of the file ({len(self.data)} bytes)")
            return np.frombuffer(self.data, dtype=np.uint8, count=size, offset=offset)
        if raw["data"] is None:
            return np.frombuffer(b"", dtype=np.uint8)
        return raw["data"]

    def buffer(self, index: int, what: str) -> np.ndarray:
        if index == 0 and not self.buffers:
            return np.frombuffer(b"", dtype=np.uint8)  # buffer 0 means "no data" anyway
        if index >= len(self.buffers):
            raise ModelError(f"{what}: buffer index {index} out of range "
                             f"({len(self.buffers)} buffers)")
        return self.buffers[index]

    @staticmethod
    def operator_code(index: int, raw: dict) -> OperatorCode:
        # Old files only have the one-byte field; new ones store 127 there
        # for codes above it: the larger of the two is the real code.
        code = max(int(raw["deprecated_builtin_code"]), int(raw["builtin_code"]))
        if code == BuiltinOperator.CUSTOM and raw["custom_code"] is None:
            raise ModelError(f"operator code {index}: CUSTOM without a custom_code")
        return OperatorCode(builtin_code=code, custom_code=raw["custom_code"],
                            version=raw["version"])

    def metadata(self, entries: Iterable[dict]) -> dict[str, bytes]:
        result = {}
        for i, m in enumerate(entries):
            result[m["name"] or ""] = bytes(self.buffer(m["buffer"], f"metadata {i}"))
        return result

    def custom_options(self, raw: dict, what: str) -> bytes | None:
        offset, size = raw["large_custom_options_offset"], raw["large_custom_options_size"]
        if offset > 1:
            if offset + size > len(self.data):
                raise ModelError(f"{what}: custom options at offset {offset}, size {size} run "
                                 f"past the end of the file ({len(self.data)} bytes)")
            return self.data[offset:offset + size]
        return None if raw["custom_options"] is None else raw["custom_options"].tobytes()


class _SubgraphLoader:
    """Converts and validates one subgraph."""

    def __init__(self, model: _ModelLoader, index: int, raw: dict,
                 opcodes: tuple[OperatorCode, ...]):
        self.model, self.index, self.raw, self.opcodes = model, index, raw, opcodes
        self.what = f"subgraph {index}"

    def load(self) -> Subgraph:
        raw = self.raw
        self.tensors = tuple(self.tensor(i, t) for i, t in enumerate(raw["tensors"] or ()))
        inputs = self.indices(raw["inputs"], f"{self.what} inputs")
        outputs = self.indices(raw["outputs"], f"{self.what} outputs")
        operators = tuple(self.operator(i, op) for i, op in enumerate(raw["operators"] or ()))
        self.tensors = self.empty_constants(inputs, operators)
        self.check_dataflow(inputs, operators)
        return Subgraph(index=self.index, name=raw["name"] or "", tensors=self.tensors,
                        inputs=inputs, outputs=outputs, operators=operators)

    # -- tensors ----------------------------------------------------------

    def tensor(self, index: int, raw: dict) -> Tensor:
        name = raw["name"] or ""
        what = f"{self.what} tensor {index} ({name!r})"
        type_code = raw["type"]
        if not isinstance(type_code, TensorType):
            raise ModelError(f"{what}: unknown tensor type {type_code}")
        dtype = NUMPY_DTYPES.get(type_code, UNSUPPORTED_DTYPE)

        shape = _int_tuple(raw["shape"])
        if any(d < 0 for d in shape):
            raise ModelError(f"{what}: negative dimension in shape {shape} "
                             "(-1 is only allowed in shape_signature)")
        signature = None if raw["shape_signature"] is None else _int_tuple(raw["shape_signature"])
        if signature is not None:
            if len(signature) != len(shape) or any(d < -1 for d in signature):
                raise ModelError(f"{what}: shape_signature {signature} does not match "
                                 f"shape {shape}")
        num_elements = 1
        for d in shape:
            num_elements *= d
        itemsize = 1 if dtype is UNSUPPORTED_DTYPE else dtype.itemsize
        if num_elements * itemsize >= MAX_TENSOR_BYTES:
            raise ModelError(f"{what}: shape {shape} needs {num_elements * itemsize} bytes; "
                             "tensor sizes must stay below 2**31")

        buffer_index = raw["buffer"]
        buffer = self.model.buffer(buffer_index, what)
        data = None
        if buffer.size and not raw["is_variable"]:
            if type_code == TensorType.INT4:
                expected = (num_elements + 1) // 2
                if buffer.size != expected:
                    raise ModelError(f"{what}: buffer {buffer_index} holds {buffer.size} bytes, "
                                     f"shape {shape} of INT4 (two values per byte) needs "
                                     f"exactly {expected}")
                data = unpack_int4(buffer, num_elements).reshape(shape)
                data.flags.writeable = False
            elif dtype is UNSUPPORTED_DTYPE:
                data = buffer
            else:
                expected = num_elements * dtype.itemsize
                if buffer.size != expected:
                    raise ModelError(f"{what}: buffer {buffer_index} holds {buffer.size} bytes, "
                                     f"shape {shape} of {type_code.name} needs exactly {expected}")
                data = buffer.view(dtype).reshape(shape)
                data.flags.writeable = False
        return Tensor(index=index, name=name, type_code=int(type_code), dtype=dtype, shape=shape,
                      shape_signature=signature, buffer=buffer_index,
                      quantization=_quantization(raw["quantization"], shape, what),
                      data=data, is_variable=bool(raw["is_variable"]))

    # -- operators --------------------------------------------------------

    def operator(self, index: int, raw: dict) -> Operator:
        what = f"{self.what} operator {index}"
        opcode_index = raw["opcode_index"]
        if opcode_index >= len(self.opcodes):
            raise ModelError(f"{what}: opcode index {opcode_index} out of range "
                             f"({len(self.opcodes)} operator codes)")
        opcode = self.opcodes[opcode_index]
        code = opcode.builtin_code
        op_name = _op_name(opcode)
        what = f"{what} ({op_name})"
        return Operator(
            index=index, opcode_index=opcode_index, builtin_code=code, op_name=op_name,
            inputs=self.indices(raw["inputs"], f"{what} inputs", optional=True),
            outputs=self.indices(raw["outputs"], f"{what} outputs", optional=True),
            intermediates=self.indices(raw["intermediates"], f"{what} intermediates"),
            options=_options(raw, code, what),
            custom_options=self.model.custom_options(raw, what),
        )

    def indices(self, raw: np.ndarray | None, what: str, optional: bool = False) -> tuple[int, ...]:
        """Tensor indices, each in range (-1 also allowed where inputs are optional)."""
        values = _int_tuple(raw)
        for i in values:
            if not (0 <= i < len(self.tensors) or (optional and i == -1)):
                raise ModelError(f"{what}: tensor index {i} out of range "
                                 f"({len(self.tensors)} tensors)")
        return values

    def empty_constants(self, inputs: tuple[int, ...],
                        operators: tuple[Operator, ...]) -> tuple[Tensor, ...]:
        """Zero-element tensors that nothing writes become empty constants.

        A buffer cannot tell an empty constant (e.g. MEAN's axis list ``[]``) from
        "no data": both are zero bytes. TFLM never reads such a tensor's memory, so
        the model is valid; here it becomes a constant with an empty, read-only array.
        """
        written = set(inputs) | {o for op in operators for o in op.outputs}
        tensors = list(self.tensors)
        for t in self.tensors:
            if t.num_elements == 0 and t.data is None and not t.is_variable \
                    and t.index not in written and t.dtype is not UNSUPPORTED_DTYPE:
                empty = np.zeros(t.shape, t.dtype)
                empty.flags.writeable = False
                tensors[t.index] = dataclasses.replace(t, data=empty)
        return tuple(tensors)

    def check_dataflow(self, inputs: tuple[int, ...], operators: tuple[Operator, ...]) -> None:
        """Every tensor an operator reads exists when it runs; no tensor has two writers;
        nothing writes a constant (a subgraph input is written by the caller)."""
        for i in inputs:
            t = self.tensors[i]
            if t.is_constant:
                raise ModelError(f"{self.what} input tensor {i} ({t.name!r}) holds constant "
                                 f"data (buffer {t.buffer}); an input must be writable")
        for op in operators:
            for o in op.outputs:
                if o != -1 and self.tensors[o].is_constant:
                    raise ModelError(f"{self.what} operator {op.index} ({op.op_name}) writes "
                                     f"tensor {o} ({self.tensors[o].name!r}), which holds "
                                     f"constant data (buffer {self.tensors[o].buffer})")
        available = set(inputs)
        available.update(t.index for t in self.tensors if t.is_constant or t.is_variable)
        writer: dict[int, int] = {}
        for op in operators:
            for i in op.inputs:
                if i != -1 and i not in available:
                    t = self.tensors[i]
                    raise ModelError(
                        f"{self.what} operator {op.index} ({op.op_name}) reads tensor {i} "
                        f"({t.name!r}) before any operator writes it, and it is neither a "
                        "subgraph input nor constant (use before definition, or a graph cycle)")
            for o in op.outputs:
                if o == -1:
                    continue
                if o in writer:
                    raise ModelError(f"{self.what} tensor {o} ({self.tensors[o].name!r}) is "
                                     f"written by operators {writer[o]} and {op.index}")
                writer[o] = op.index
                available.add(o)


# -- helpers ---------------------------------------------------------------

def unpack_int4(packed: np.ndarray, count: int) -> np.ndarray:
    """``count`` int4 values packed two per byte, low nibble first -> int8 (-8..7)."""
    nibbles = np.empty(2 * packed.size, np.int8)
    nibbles[0::2] = packed & 0x0F
    nibbles[1::2] = packed >> 4
    # sign extension of a 4-bit value: (v ^ 8) - 8 maps 8..15 to -8..-1
    nibbles ^= 8
    nibbles -= 8
    return nibbles[:count]


def _int_tuple(values: np.ndarray | None) -> tuple[int, ...]:
    return () if values is None else tuple(int(v) for v in values.tolist())


def _builtin(code: int) -> BuiltinOperator | None:
    try:
        return BuiltinOperator(code)
    except ValueError:
        return None


def _op_name(opcode: OperatorCode) -> str:
    code = opcode.builtin_code
    if code == BuiltinOperator.CUSTOM:
        return f"CUSTOM:{opcode.custom_code}"
    builtin = _builtin(code)
    return builtin.name if builtin is not None else f"BUILTIN_{code}"


#: TFLM keeps zero points as int32 (TfLiteAffineQuantization)
_INT32_RANGE = (-(1 << 31), (1 << 31) - 1)


def _quantization(raw: dict | None, shape: tuple[int, ...], what: str) -> Quantization | None:
    if raw is None or raw["scale"] is None or raw["scale"].size == 0:
        return None
    scale = raw["scale"].astype(np.float32)
    # A NaN or infinite scale makes every value derived from it NaN or infinite: refused
    # here. Zero, negative, denormal or huge scales and zero points outside the tensor
    # type's range are the ops' to judge: TFLM's DEQUANTIZE, say, computes with them as
    # written, while its requantizing ops cannot (a ModelError from the op's prepare).
    bad = ~np.isfinite(scale)
    if np.any(bad):
        k = int(np.flatnonzero(bad)[0])
        raise ModelError(f"{what}: quantization scale[{k}] = {float(scale[k])!r} is not finite")
    if raw["zero_point"] is None or raw["zero_point"].size == 0:
        raise ModelError(f"{what}: quantization has {scale.size} scales but no zero_point")
    zero_point = raw["zero_point"].astype(np.int64)
    lo, hi = _INT32_RANGE
    outside = (zero_point < lo) | (zero_point > hi)
    if np.any(outside):
        k = int(np.flatnonzero(outside)[0])
        raise ModelError(f"{what}: quantization zero_point[{k}] = {int(zero_point[k])} does "
                         "not fit int32")
    if zero_point.size == 1 and scale.size > 1:
        zero_point = np.full(scale.size, zero_point[0], dtype=np.int64)
    if zero_point.size != scale.size:
        raise ModelError(f"{what}: quantization has {scale.size} scales but "
                         f"{zero_point.size} zero points (must be 1 or equal)")
    axis = raw["quantized_dimension"]
    if len(shape) == 1 and scale.size > 1 and shape[0] == scale.size:
        # The converter copies a filter's axis onto its per-channel bias (e.g. 3 for
        # depthwise filters) and TFLM ignores it there; for a 1-D tensor the channels
        # can only be dimension 0, so read it as that.
        axis = 0
    if not (0 <= axis < max(len(shape), 1)):
        raise ModelError(f"{what}: quantized_dimension {axis} out of range for shape {shape}")
    if scale.size > 1 and (not shape or shape[axis] != scale.size):
        raise ModelError(f"{what}: {scale.size} per-channel scales, but dimension {axis} "
                         f"of shape {shape} is not of that size")
    scale.flags.writeable = False
    zero_point.flags.writeable = False
    return Quantization(scale=scale, zero_point=zero_point, quantized_dimension=axis)


def _options(raw: dict, code: int, what: str) -> Options | None:
    """The operator's options table (checked against the one its code expects)."""
    stored = [(raw[name], raw[name[:-5]]) for name in ("builtin_options_type",
                                                        "builtin_options_2_type")
              if raw[name] != 0]
    if len(stored) > 1:
        raise ModelError(f"{what}: both builtin_options and builtin_options_2 are set")
    expected = OPERATOR_OPTIONS.get(_builtin(code))
    if stored:
        type_id, values = stored[0]
        table = type_id.name
        if expected is not None and table != expected:
            raise ModelError(f"{what}: options are {table}, expected {expected}")
        return _to_options(table, values if values is not None else default_values(table))
    if expected is not None:
        return _to_options(expected, default_values(expected))
    return None


def _to_options(table: str, values: dict[str, Any]) -> Options:
    """Decoded table -> Options: vectors become tuples, byte blobs bytes."""
    fields = {}
    for f in TABLES[table]:
        value = values[f.name]
        if f.kind == "vector" and value is not None:
            if f.element == "table":
                value = tuple(_to_options(f.ref, v) for v in value)
            elif f.element == "string":
                value = tuple(value)
            elif f.scalar == "uint8":
                value = value.tobytes()
            else:
                value = tuple(value.tolist())
        elif f.kind in ("table", "union_value") and value is not None:
            value = _to_options(f.ref if f.kind == "table"
                                else values[f.name + "_type"].name, value)
        fields[f.name] = value
    return Options(table, fields)


def _signature_def(index: int, raw: dict, subgraphs: tuple[Subgraph, ...]) -> SignatureDef:
    what = f"signature def {index}"
    sg_index = raw["subgraph_index"]
    if sg_index >= len(subgraphs):
        raise ModelError(f"{what}: subgraph index {sg_index} out of range "
                         f"({len(subgraphs)} subgraphs)")
    n_tensors = len(subgraphs[sg_index].tensors)

    def tensor_map(entries, kind):
        result = {}
        for m in entries or ():
            if m["tensor_index"] >= n_tensors:
                raise ModelError(f"{what} {kind} {m['name']!r}: tensor index "
                                 f"{m['tensor_index']} out of range ({n_tensors} tensors)")
            result[m["name"] or ""] = m["tensor_index"]
        return MappingProxyType(result)

    return SignatureDef(signature_key=raw["signature_key"] or "", subgraph_index=sg_index,
                        inputs=tensor_map(raw["inputs"], "input"),
                        outputs=tensor_map(raw["outputs"], "output"))
