"""The op registry: builtin operator -> Op class, and the backend kernels per op.

Op modules register themselves with ``@register("CONV_2D", ...)``; importing
``interpreter.ops`` imports every op module, which fills the registry. An Op
class validates its node and builds its prepared form (``ops.params``); its
NumPy ``eval`` is the reference every backend is tested against.

Backend kernels (``interpreter.ops_c``) register with
``@register_kernel("CONV_2D", backend="c")``. Each declares the semantics
and rounding modes it implements and, through ``accepts(op)``, which prepared
forms it runs; ``kernel_for`` picks the first that fits, and an op none fits
runs its NumPy ``eval``: a model never fails only because a backend lacks a
kernel.
"""
from __future__ import annotations

from typing import Callable

from ..errors import UnsupportedOpError
from .base import Op

_BY_NAME: dict[str, type[Op]] = {}
#: backend -> op name -> kernel classes, in registration order
_KERNELS: dict[str, dict[str, list[type]]] = {}

SEMANTICS = ("tflm", "tflite")


def register(*names: str) -> Callable[[type[Op]], type[Op]]:
    def deco(cls: type[Op]) -> type[Op]:
        for name in names:
            if name in _BY_NAME:
                raise RuntimeError(f"op {name} registered twice")
            _BY_NAME[name] = cls
        cls.op_names = tuple(names)
        return cls
    return deco


def register_kernel(*names: str, backend: str) -> Callable[[type], type]:
    """Register a backend kernel class for the ops ``names``."""
    def deco(cls: type) -> type:
        for name in names:
            _KERNELS.setdefault(backend, {}).setdefault(name, []).append(cls)
        return cls
    return deco


def supported_ops() -> list[str]:
    return sorted(_BY_NAME)


def kernels(backend: str, op_name: str) -> list[type]:
    """The kernel classes a backend registered for an op."""
    return list(_KERNELS.get(backend, {}).get(op_name, ()))


def lookup(op_name: str, op_index: int | None = None) -> type[Op]:
    """The Op class for a builtin operator name, or UnsupportedOpError naming it."""
    try:
        return _BY_NAME[op_name]
    except KeyError:
        where = f" (operator {op_index})" if op_index is not None else ""
        raise UnsupportedOpError(
            f"operator {op_name}{where} is not supported; supported operators: "
            + ", ".join(supported_ops())) from None


def kernel_for(op: Op, backend: str):
    """A prepared op's backend kernel (an instance), or None: the op runs its NumPy eval.

    A kernel class is used only where it implements the interpreter's semantics
    and rounding and accepts the op's prepared form.
    """
    for cls in kernels(backend, op.node.op_name):
        if (op.config.semantics in cls.semantics and op.config.rounding in cls.roundings
                and cls.accepts(op)):
            return cls(op)
    return None
