"""How the generated schema (interpreter/parse/schema.py) describes one field of a table."""
from __future__ import annotations

from typing import NamedTuple


class Field(NamedTuple):
    """One field of a table.

    kind is "scalar", "enum", "string", "table", "vector", "union_type" or
    "union_value". A union field `x` appears as two fields: `x_type`
    (kind "union_type", the member's type id) and `x` ("union_value").
    """

    name: str                 # snake_case, as in the .fbs
    slot: int                 # vtable slot: the field's entry is at vtable byte 4 + 2 * slot
    kind: str
    scalar: str | None = None  # fixed-size type of the value, or of a vector's elements
    ref: str | None = None     # enum, table or union named by the field (or by its elements)
    element: str | None = None  # for vectors: "scalar", "enum", "string" or "table"
    default: object = None     # value of an absent scalar or enum field
    align: int | None = None   # force_align of a vector's data, if any
