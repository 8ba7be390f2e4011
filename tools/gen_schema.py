#!/usr/bin/env python3
"""Generate interpreter/parse/schema.py from schema/tflite.fbs.

    python tools/gen_schema.py           # rewrite interpreter/parse/schema.py
    python tools/gen_schema.py --check   # exit 1 if that file is out of date

The parser understands the part of the FlatBuffers schema language that
schema/tflite.fbs uses: `namespace`, `attribute`, `file_identifier`,
`file_extension`, `root_type`, `enum`, `union` and `table` declarations,
field defaults, and the attributes `id`, `deprecated`, `force_align` and the
project's own `options` (on BuiltinOperator values: the options table the
operator uses; the operator-to-options mapping is maintained there, in the
.fbs, next to the operator codes). Anything else (structs, includes, vectors
of unions...) is rejected with a message, so the schema cannot silently
drift outside what the reader and builder implement.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schema" / "tflite.fbs"
OUTPUT = REPO / "interpreter" / "parse" / "schema.py"

# FlatBuffers scalar type names (and aliases) -> the names used in schema.py.
SCALARS = {
    "bool": "bool",
    "byte": "int8", "int8": "int8", "ubyte": "uint8", "uint8": "uint8",
    "short": "int16", "int16": "int16", "ushort": "uint16", "uint16": "uint16",
    "int": "int32", "int32": "int32", "uint": "uint32", "uint32": "uint32",
    "long": "int64", "int64": "int64", "ulong": "uint64", "uint64": "uint64",
    "float": "float32", "float32": "float32", "double": "float64", "float64": "float64",
}
BUILTIN_ATTRIBUTES = {"id", "deprecated", "force_align"}
INTEGER_SCALARS = {"int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"}


class SchemaError(Exception):
    pass


# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------

TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>"[^"\n]*")
  | (?P<number>-?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<punct>[{}()\[\]:;,=])
""", re.VERBOSE | re.DOTALL)


@dataclass
class Token:
    kind: str
    text: str
    line: int


def tokenize(text: str) -> list[Token]:
    tokens, pos, line = [], 0, 1
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise SchemaError(f"line {line}: unexpected character {text[pos]!r}")
        if m.lastgroup != "space":
            tokens.append(Token(m.lastgroup, m.group(), line))
        line += m.group().count("\n")
        pos = m.end()
    tokens.append(Token("eof", "", line))
    return tokens


# --------------------------------------------------------------------------
# Declarations, as written in the .fbs
# --------------------------------------------------------------------------

@dataclass
class EnumDecl:
    name: str
    scalar: str
    members: list[tuple[str, int, dict]]    # (name, value, attributes)


@dataclass
class UnionDecl:
    name: str
    members: list[tuple[str, dict]]         # (table name, attributes); value = position + 1


@dataclass
class FieldDecl:
    name: str
    type: str            # a type name, or "[name]" for a vector
    default: str | None
    attrs: dict
    line: int


@dataclass
class TableDecl:
    name: str
    fields: list[FieldDecl]
    attrs: dict


@dataclass
class SchemaDecl:
    namespace: str = ""
    file_identifier: str = ""
    root_type: str = ""
    attributes: set[str] = field(default_factory=set)
    enums: dict[str, EnumDecl] = field(default_factory=dict)
    unions: dict[str, UnionDecl] = field(default_factory=dict)
    tables: dict[str, TableDecl] = field(default_factory=dict)


class Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        self.schema = SchemaDecl()

    # token helpers
    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str | None = None, kind: str | None = None) -> Token:
        tok = self.next()
        if (text is not None and tok.text != text) or (kind is not None and tok.kind != kind):
            want = repr(text) if text is not None else kind
            raise SchemaError(f"line {tok.line}: expected {want}, found {tok.text!r}")
        return tok

    def accept(self, text: str) -> bool:
        if self.peek().text == text and self.peek().kind in ("punct", "ident"):
            self.i += 1
            return True
        return False

    # grammar
    def parse(self) -> SchemaDecl:
        while self.peek().kind != "eof":
            tok = self.expect(kind="ident")
            keyword = tok.text
            if keyword == "namespace":
                self.schema.namespace = self.expect(kind="ident").text
                self.expect(";")
            elif keyword == "attribute":
                self.schema.attributes.add(self.expect(kind="string").text.strip('"'))
                self.expect(";")
            elif keyword == "file_identifier":
                self.schema.file_identifier = self.expect(kind="string").text.strip('"')
                self.expect(";")
            elif keyword == "file_extension":
                self.expect(kind="string")
                self.expect(";")
            elif keyword == "root_type":
                self.schema.root_type = self.expect(kind="ident").text
                self.expect(";")
            elif keyword == "enum":
                self.parse_enum()
            elif keyword == "union":
                self.parse_union()
            elif keyword == "table":
                self.parse_table()
            else:
                raise SchemaError(f"line {tok.line}: {keyword!r} declarations are not supported")
        return self.schema

    def parse_attributes(self) -> dict:
        attrs: dict = {}
        if not self.accept("("):
            return attrs
        while True:
            name_tok = self.expect(kind="ident")
            name = name_tok.text
            if name not in BUILTIN_ATTRIBUTES and name not in self.schema.attributes:
                raise SchemaError(f"line {name_tok.line}: undeclared attribute {name!r}")
            value = True
            if self.accept(":"):
                tok = self.next()
                value = tok.text.strip('"') if tok.kind == "string" else int(tok.text, 0)
            attrs[name] = value
            if self.accept(")"):
                return attrs
            self.expect(",")

    def declare(self, tok: Token) -> str:
        name = tok.text
        s = self.schema
        if name in s.enums or name in s.unions or name in s.tables:
            raise SchemaError(f"line {tok.line}: {name} declared twice")
        return name

    def parse_enum(self) -> None:
        name = self.declare(self.expect(kind="ident"))
        self.expect(":")
        base_tok = self.expect(kind="ident")
        scalar = SCALARS.get(base_tok.text)
        if scalar not in INTEGER_SCALARS:
            raise SchemaError(f"line {base_tok.line}: enum {name} needs an integer type")
        self.parse_attributes()
        self.expect("{")
        members, value = [], 0
        while not self.accept("}"):
            member = self.expect(kind="ident")
            if self.accept("="):
                new_value = int(self.expect(kind="number").text, 0)
                if members and new_value <= value - 1:
                    raise SchemaError(f"line {member.line}: enum {name} values must ascend")
                value = new_value
            members.append((member.text, value, self.parse_attributes()))
            value += 1
            if not self.accept(","):
                self.expect("}")
                break
        self.schema.enums[name] = EnumDecl(name, scalar, members)

    def parse_union(self) -> None:
        name = self.declare(self.expect(kind="ident"))
        self.parse_attributes()
        self.expect("{")
        members = []
        while not self.accept("}"):
            member = self.expect(kind="ident").text
            members.append((member, self.parse_attributes()))
            if not self.accept(","):
                self.expect("}")
                break
        self.schema.unions[name] = UnionDecl(name, members)

    def parse_table(self) -> None:
        name = self.declare(self.expect(kind="ident"))
        attrs = self.parse_attributes()
        self.expect("{")
        fields = []
        while not self.accept("}"):
            field_tok = self.expect(kind="ident")
            self.expect(":")
            if self.accept("["):
                ftype = "[" + self.expect(kind="ident").text + "]"
                self.expect("]")
            else:
                ftype = self.expect(kind="ident").text
            default = None
            if self.accept("="):
                default = self.next().text
            fields.append(FieldDecl(field_tok.text, ftype, default, self.parse_attributes(),
                                    field_tok.line))
            self.expect(";")
        self.schema.tables[name] = TableDecl(name, fields, attrs)


# --------------------------------------------------------------------------
# Resolution: slots, kinds and defaults, as schema.py describes them
# --------------------------------------------------------------------------

@dataclass
class Field:
    name: str
    slot: int
    kind: str
    scalar: str | None = None
    ref: str | None = None
    element: str | None = None
    default: object = None
    align: int | None = None

    def render(self) -> str:
        parts = [repr(self.name), str(self.slot), repr(self.kind)]
        for key in ("scalar", "ref", "element", "default", "align"):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{key}={value!r}")
        return f"Field({', '.join(parts)})"


def parse_default(schema: SchemaDecl, f: FieldDecl, kind: str, scalar: str, ref: str | None):
    text = f.default
    where = f"line {f.line}: field {f.name}"
    if kind == "enum":
        members = {n: v for n, v, _ in schema.enums[ref].members}
        if text is None:
            return 0
        if text in members:
            return members[text]
        try:
            return int(text, 0)
        except ValueError:
            raise SchemaError(f"{where}: {text!r} is not a member of {ref}") from None
    if text is None:
        return False if scalar == "bool" else 0.0 if scalar.startswith("float") else 0
    if scalar == "bool":
        if text not in ("true", "false", "0", "1"):
            raise SchemaError(f"{where}: bad bool default {text!r}")
        return text in ("true", "1")
    if scalar.startswith("float"):
        return float(text)
    return int(text, 0)


def classify(schema: SchemaDecl, type_name: str, line: int) -> tuple[str, str | None, str | None]:
    """(kind, scalar, ref) of a non-vector type name."""
    if type_name in SCALARS:
        return "scalar", SCALARS[type_name], None
    if type_name == "string":
        return "string", None, None
    if type_name in schema.enums:
        return "enum", schema.enums[type_name].scalar, type_name
    if type_name in schema.unions:
        return "union", None, type_name
    if type_name in schema.tables:
        return "table", None, type_name
    raise SchemaError(f"line {line}: unknown type {type_name!r}")


def resolve_table(schema: SchemaDecl, table: TableDecl) -> list[Field]:
    """The live fields of a table with their vtable slots (deprecated ones are left out)."""
    decls = table.fields
    with_id = [f for f in decls if "id" in f.attrs]
    if with_id and len(with_id) != len(decls):
        raise SchemaError(f"table {table.name}: either every field has an id or none does")
    fields: list[Field] = []
    used: dict[int, str] = {}
    next_slot = 0
    for f in decls:
        vector = f.type.startswith("[")
        kind, scalar, ref = classify(schema, f.type.strip("[]"), f.line)
        width = 2 if kind == "union" and not vector else 1
        # With explicit ids a union's id is its value slot; its type byte sits just before.
        first = (f.attrs["id"] - width + 1) if with_id else next_slot
        next_slot = first + width
        for slot in range(first, first + width):
            if slot < 0 or slot in used:
                raise SchemaError(f"line {f.line}: slot {slot} of {table.name}.{f.name} "
                                  f"is negative or already used by {used.get(slot)}")
            used[slot] = f.name
        if f.attrs.get("deprecated"):
            continue
        if vector:
            if kind == "union":
                raise SchemaError(f"line {f.line}: vectors of unions are not supported")
            if f.default is not None:
                raise SchemaError(f"line {f.line}: vectors cannot have defaults")
            fields.append(Field(f.name, first, "vector", scalar=scalar, ref=ref, element=kind,
                                align=f.attrs.get("force_align")))
        elif kind == "union":
            fields.append(Field(f.name + "_type", first, "union_type", scalar="uint8", ref=ref,
                                default=0))
            fields.append(Field(f.name, first + 1, "union_value", ref=ref))
        elif kind in ("scalar", "enum"):
            fields.append(Field(f.name, first, kind, scalar=scalar, ref=ref,
                                default=parse_default(schema, f, kind, scalar, ref)))
        else:
            if f.default is not None:
                raise SchemaError(f"line {f.line}: {kind} fields cannot have defaults")
            fields.append(Field(f.name, first, kind, ref=ref))
    return sorted(fields, key=lambda fld: fld.slot)


def operator_options(schema: SchemaDecl) -> list[tuple[str, str | None]]:
    """(operator, options table or None) for every BuiltinOperator, from `options` attributes."""
    option_tables = {m for u in ("BuiltinOptions", "BuiltinOptions2")
                     for m, _ in schema.unions[u].members}
    result = []
    for name, _, attrs in schema.enums["BuiltinOperator"].members:
        table = attrs.get("options")
        if table is not None and table not in option_tables:
            raise SchemaError(f"BuiltinOperator.{name}: options table {table!r} is not a member "
                              "of BuiltinOptions or BuiltinOptions2")
        result.append((name, table))
    return result


def check_references(schema: SchemaDecl) -> None:
    for union in schema.unions.values():
        for member, _ in union.members:
            if member not in schema.tables:
                raise SchemaError(f"union {union.name}: member {member} is not a table")
    if schema.root_type not in schema.tables:
        raise SchemaError(f"root_type {schema.root_type!r} is not a table")


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

HEADER = '''\
# Generated by tools/gen_schema.py from schema/tflite.fbs, do not edit.
# Regenerate with `python tools/gen_schema.py`.
"""The TFLite schema as data: enums, unions and table layouts.

`TABLES` maps each table name to its live fields ordered by vtable slot
(deprecated fields are left out; their slots stay unused). The flatbuffer
reader (interpreter/parse/flatbuffer.py) and the model builder
(interpreter/builder.py) are both driven by these descriptions.
`OPERATOR_OPTIONS` gives the options table each builtin operator uses.
"""
from __future__ import annotations

from enum import IntEnum

from .field import Field


'''


def render(schema: SchemaDecl) -> str:
    check_references(schema)
    out = [HEADER]
    out.append(f"NAMESPACE = {schema.namespace!r}\n")
    out.append(f"FILE_IDENTIFIER = {schema.file_identifier.encode()!r}\n")
    out.append(f"ROOT_TABLE = {schema.root_type!r}\n\n")

    for enum in schema.enums.values():
        out.append(f"\nclass {enum.name}(IntEnum):\n")
        out.append(f'    """enum {enum.name} : {enum.scalar}"""\n\n')
        for name, value, _ in enum.members:
            out.append(f"    {name} = {value}\n")
        out.append("\n")
    for union in schema.unions.values():
        out.append(f"\nclass {union.name}(IntEnum):\n")
        out.append(f'    """union {union.name}: type ids of its member tables"""\n\n')
        out.append("    NONE = 0\n")
        for i, (member, _) in enumerate(union.members, start=1):
            out.append(f"    {member} = {i}\n")
        out.append("\n")

    out.append("\n# Enum name -> (class, underlying scalar type).\n")
    out.append("ENUMS: dict[str, tuple[type[IntEnum], str]] = {\n")
    for enum in schema.enums.values():
        out.append(f"    {enum.name!r}: ({enum.name}, {enum.scalar!r}),\n")
    out.append("}\n\n")
    out.append("# Union name -> class of its type ids (members are table names).\n")
    out.append("UNIONS: dict[str, type[IntEnum]] = {\n")
    for union in schema.unions.values():
        out.append(f"    {union.name!r}: {union.name},\n")
    out.append("}\n\n")

    out.append("# Table name -> live fields in slot order.\n")
    out.append("TABLES: dict[str, tuple[Field, ...]] = {\n")
    for table in schema.tables.values():
        fields = resolve_table(schema, table)
        if not fields:
            out.append(f"    {table.name!r}: (),\n")
            continue
        out.append(f"    {table.name!r}: (\n")
        for f in fields:
            out.append(f"        {f.render()},\n")
        out.append("    ),\n")
    out.append("}\n\n")

    out.append("# Builtin operator -> name of its options table (None: takes no options).\n")
    out.append("OPERATOR_OPTIONS: dict[BuiltinOperator, str | None] = {\n")
    for op, table in operator_options(schema):
        out.append(f"    BuiltinOperator.{op}: {table!r},\n")
    out.append("}\n")
    return "".join(out)


def generate() -> str:
    return render(Parser(SCHEMA.read_text(encoding="utf-8")).parse())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if the generated file is out of date")
    args = ap.parse_args(argv)
    try:
        text = generate()
    except SchemaError as e:
        print(f"{SCHEMA.relative_to(REPO)}: {e}", file=sys.stderr)
        return 2
    rel = OUTPUT.relative_to(REPO)
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
    if args.check:
        if current != text:
            print(f"{rel} is stale: run python tools/gen_schema.py", file=sys.stderr)
            return 1
        print(f"{rel} is up to date")
        return 0
    if current != text:
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
