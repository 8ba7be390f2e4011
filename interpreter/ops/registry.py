"""The op registry: builtin operator -> Op class.

Op modules register themselves with ``@register("CONV_2D", ...)``; the
interpreter looks classes up by builtin code or name. Importing
``interpreter.ops`` imports every op module, which fills the registry.
"""
from __future__ import annotations

from typing import Callable

from ..errors import UnsupportedOpError
from .base import Op

_BY_NAME: dict[str, type[Op]] = {}


def register(*names: str) -> Callable[[type[Op]], type[Op]]:
    def deco(cls: type[Op]) -> type[Op]:
        for name in names:
            if name in _BY_NAME:
                raise RuntimeError(f"op {name} registered twice")
            _BY_NAME[name] = cls
        cls.op_names = tuple(names)
        return cls
    return deco


def supported_ops() -> list[str]:
    return sorted(_BY_NAME)


def lookup(op_name: str, op_index: int | None = None) -> type[Op]:
    """The Op class for a builtin operator name, or UnsupportedOpError naming it."""
    try:
        return _BY_NAME[op_name]
    except KeyError:
        where = f" (operator {op_index})" if op_index is not None else ""
        raise UnsupportedOpError(
            f"operator {op_name}{where} is not supported; supported operators: "
            + ", ".join(supported_ops())) from None


def lookup_code(builtin_code: int, op_index: int | None = None) -> type[Op]:
    from ..parse.schema import BuiltinOperator  # generated enum
    try:
        name = BuiltinOperator(builtin_code).name
    except ValueError:
        name = f"builtin code {builtin_code}"
    return lookup(name, op_index)
