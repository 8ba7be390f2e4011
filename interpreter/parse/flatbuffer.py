"""Bounds-checked reading of a FlatBuffers file into plain Python values.

A model file is untrusted input. Every offset, vtable, vector length and
string is checked against the buffer size before it is used, so a corrupt
file raises ``ModelError`` naming what was being read (e.g. "subgraph 0
tensor 12: shape vector out of bounds") instead of crashing, reading
garbage, or hanging.

The walk is driven by the table layouts of ``schema.py``: the reader decodes
exactly the fields the schema declares, so its depth is the schema's depth
(which has no recursive types), whatever the file says. Because FlatBuffers
lets many offsets point at one object, a small file could still describe a
huge tree; a work budget proportional to the file size stops that.

Decoded values: scalars as Python numbers, enum fields as ``IntEnum`` members
when the value is a known member, strings as ``str``, tables as ``dict``s
with every live field present (absent fields hold the schema default, or
None for strings, tables, vectors and unions), vectors of scalars as
read-only NumPy views of the file bytes, vectors of strings or tables as
tuples. A union field ``x`` decodes to ``x_type`` (the member type id) and
``x`` (the member table's dict, or None).
"""
from __future__ import annotations

import struct
from typing import Any

import numpy as np

from ..errors import ModelError
from .field import Field
from .schema import ENUMS
from .schema import TABLES
from .schema import UNIONS

_SCALARS = {
    # name: (struct format, NumPy dtype of vector elements)
    "bool": ("<B", "<u1"),      # stored as one byte; decoded with != 0
    "int8": ("<b", "<i1"), "uint8": ("<B", "<u1"),
    "int16": ("<h", "<i2"), "uint16": ("<H", "<u2"),
    "int32": ("<i", "<i4"), "uint32": ("<I", "<u4"),
    "int64": ("<q", "<i8"), "uint64": ("<Q", "<u8"),
    "float32": ("<f", "<f4"), "float64": ("<d", "<f8"),
}
_STRUCTS = {name: struct.Struct(fmt) for name, (fmt, _) in _SCALARS.items()}
_U16 = struct.Struct("<H")
_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")
_OFFSET_SIZE = 4

# Work units one byte of input may pay for; see Reader.spend.
_BUDGET_PER_BYTE = 0.5
_BUDGET_MIN = 4096


def _join(what: str, name: str) -> str:
    return f"{what} {name}" if what else name


def _element_label(vector_name: str, index: int) -> str:
    """'subgraphs', 3 -> 'subgraph 3'; 'operator_codes', 0 -> 'operator code 0'."""
    words = vector_name.replace("_", " ")
    if words.endswith("s") and not words.endswith("ss"):
        words = words[:-1]
    return f"{words} {index}"


class Reader:
    """The whole file (immutable bytes), with range checks and the work budget."""

    def __init__(self, data: bytes):
        self.data = data
        self.size = len(data)
        self.budget = max(_BUDGET_MIN, int(self.size * _BUDGET_PER_BYTE))

    def fail(self, what: str, problem: str) -> ModelError:
        return ModelError(f"{what}: {problem}" if what else problem)

    def spend(self, units: int, what: str) -> None:
        """Charge decoding work; a file whose offsets share objects too often runs out."""
        self.budget -= units
        if self.budget < 0:
            raise self.fail(what, "too many objects for the file size "
                                  "(offsets shared many times over?)")

    def check(self, start: int, length: int, what: str, problem: str) -> None:
        if start < 0 or length < 0 or start + length > self.size:
            raise self.fail(what, f"{problem} (bytes {start}..{start + length}, "
                                  f"file size {self.size})")

    def u16(self, pos: int) -> int:
        return _U16.unpack_from(self.data, pos)[0]

    def u32(self, pos: int) -> int:
        return _U32.unpack_from(self.data, pos)[0]

    def i32(self, pos: int) -> int:
        return _I32.unpack_from(self.data, pos)[0]

    def root(self, file_identifier: bytes | None) -> "Table":
        if self.size < 8:
            raise self.fail("", f"file too short to be a FlatBuffer ({self.size} bytes)")
        if file_identifier is not None:
            found = bytes(self.data[4:8])
            if found != file_identifier:
                raise self.fail("", f"not a TFLite model: file identifier is {found!r}, "
                                    f"expected {file_identifier!r}")
        return Table(self, self.u32(0), "")


class Table:
    """One table in the file, with its vtable already checked."""

    __slots__ = ("reader", "pos", "what", "vtable", "vtable_size", "object_size")

    def __init__(self, reader: Reader, pos: int, what: str):
        self.reader, self.pos, self.what = reader, pos, what
        reader.spend(1, what)
        reader.check(pos, 4, what, "table out of bounds")
        vtable = pos - reader.i32(pos)
        reader.check(vtable, 4, what, "vtable out of bounds")
        vtable_size, object_size = reader.u16(vtable), reader.u16(vtable + 2)
        if vtable_size < 4 or vtable_size % 2:
            raise reader.fail(what, f"bad vtable size {vtable_size}")
        reader.check(vtable, vtable_size, what, "vtable out of bounds")
        if object_size < 4:
            raise reader.fail(what, f"bad table size {object_size}")
        reader.check(pos, object_size, what, "table data out of bounds")
        self.vtable, self.vtable_size, self.object_size = vtable, vtable_size, object_size

    def field_pos(self, f: Field, size: int) -> int | None:
        """Absolute position of a present field of `size` bytes, None if absent."""
        entry = 4 + 2 * f.slot
        if entry + 2 > self.vtable_size:
            return None
        offset = self.reader.u16(self.vtable + entry)
        if offset == 0:
            return None
        if offset + size > self.object_size:
            raise self.reader.fail(self.what, f"{f.name} field lies outside its table")
        return self.pos + offset

    def scalar(self, f: Field) -> Any:
        pos = self.field_pos(f, _STRUCTS[f.scalar].size)
        if pos is None:
            return f.default
        value = _STRUCTS[f.scalar].unpack_from(self.reader.data, pos)[0]
        return value != 0 if f.scalar == "bool" else value

    def target(self, f: Field, kind: str) -> int | None:
        """Position an offset field points at (checked to hold at least 4 bytes)."""
        pos = self.field_pos(f, _OFFSET_SIZE)
        if pos is None:
            return None
        target = pos + self.reader.u32(pos)
        self.reader.check(target, 4, self.what, f"{f.name} {kind} out of bounds")
        return target

    def vector(self, f: Field, element_size: int) -> tuple[int, int] | None:
        """(start of the elements, element count), both checked; None if absent."""
        target = self.target(f, "vector")
        if target is None:
            return None
        count = self.reader.u32(target)
        self.reader.check(target + 4, count * element_size, self.what,
                          f"{f.name} vector out of bounds ({count} elements)")
        self.reader.spend(1 + count * element_size // 64, self.what)
        return target + 4, count


def read_string(reader: Reader, target: int, what: str, name: str) -> str:
    count = reader.u32(target)
    # The byte after the characters must be the terminating NUL.
    reader.check(target + 4, count + 1, what, f"{name} string out of bounds")
    reader.spend(1 + count // 64, what)
    if reader.data[target + 4 + count] != 0:
        raise reader.fail(what, f"{name} string is not NUL-terminated")
    try:
        return reader.data[target + 4: target + 4 + count].decode("utf-8")
    except UnicodeDecodeError:
        raise reader.fail(what, f"{name} string is not valid UTF-8") from None


def as_enum(enum_name: str, value: int) -> Any:
    """The IntEnum member for a known value, else the plain int."""
    enum_class = ENUMS[enum_name][0] if enum_name in ENUMS else UNIONS[enum_name]
    try:
        return enum_class(value)
    except ValueError:
        return value


def default_values(table_name: str) -> dict[str, Any]:
    """The decoded form of an empty table: every field at its default."""
    values = {}
    for f in TABLES[table_name]:
        value = f.default
        if f.kind == "enum" or f.kind == "union_type":
            value = as_enum(f.ref, value)
        values[f.name] = value
    return values


def decode_table(table: Table, table_name: str) -> dict[str, Any]:
    """Every live field of `table` (laid out as `table_name`), decoded."""
    reader, what = table.reader, table.what
    values: dict[str, Any] = {}
    for f in TABLES[table_name]:
        kind = f.kind
        if kind in ("scalar", "enum", "union_type"):
            value = table.scalar(f)
            values[f.name] = value if kind == "scalar" else as_enum(f.ref, value)
        elif kind == "string":
            target = table.target(f, "string")
            values[f.name] = None if target is None else read_string(reader, target, what, f.name)
        elif kind == "table":
            target = table.target(f, "table")
            values[f.name] = (None if target is None else
                              decode_table(Table(reader, target, _join(what, f.name)), f.ref))
        elif kind == "union_value":
            values[f.name] = _decode_union(table, f, values[f.name + "_type"])
        elif kind == "vector":
            values[f.name] = _decode_vector(table, f)
        else:  # pragma: no cover - the generator only emits the kinds above
            raise AssertionError(kind)
    return values


def _decode_union(table: Table, f: Field, type_id: Any) -> dict[str, Any] | None:
    if type_id == 0:
        return None  # NONE: any stored offset is meaningless
    union = UNIONS[f.ref]
    if not isinstance(type_id, union):
        raise table.reader.fail(table.what, f"{f.name} has unknown {f.ref} type id {type_id}")
    target = table.target(f, "table")
    if target is None:
        return None  # the type says a table follows, but none is stored: read as absent
    return decode_table(Table(table.reader, target, _join(table.what, f.name)), type_id.name)


def _decode_vector(table: Table, f: Field) -> Any:
    reader, what = table.reader, table.what
    if f.element in ("scalar", "enum"):
        fmt = _SCALARS[f.scalar][1]
        located = table.vector(f, np.dtype(fmt).itemsize)
        if located is None:
            return None
        start, count = located
        array = np.frombuffer(reader.data, dtype=fmt, count=count, offset=start)
        if f.scalar == "bool":
            array = array != 0
            array.flags.writeable = False
        return array
    located = table.vector(f, _OFFSET_SIZE)
    if located is None:
        return None
    start, count = located
    items = []
    for i in range(count):
        pos = start + 4 * i
        target = pos + reader.u32(pos)
        label = _join(what, _element_label(f.name, i))
        reader.check(target, 4, label, f"{f.element} out of bounds")
        if f.element == "string":
            items.append(read_string(reader, target, what, f"{f.name}[{i}]"))
        else:
            items.append(decode_table(Table(reader, target, label), f.ref))
    return tuple(items)


def read_root(data: bytes, table_name: str, file_identifier: bytes | None) -> dict[str, Any]:
    """Decode a whole FlatBuffer whose root table is laid out as `table_name`."""
    reader = Reader(data)
    return decode_table(reader.root(file_identifier), table_name)
