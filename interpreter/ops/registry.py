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
# Accelerated implementations per backend; an op without one runs the NumPy
# reference class, so a model never fails only because a backend lacks an op.
_BY_BACKEND: dict[str, dict[str, type[Op]]] = {}

SEMANTICS = ("tflm", "tflite")
#: ops whose arithmetic differs between TFLM and LiteRT's reference kernels
#: (docs/TFLM_VS_TFLITE.md); under ``semantics="tflite"`` they always run their
#: NumPy class, which implements both, never a backend kernel written to TFLM's.
SEMANTICS_DIVERGENT = frozenset({
    "FULLY_CONNECTED", "LOGISTIC", "TANH", "RSQRT", "CAST", "SPACE_TO_BATCH_ND", "GREATER",
    "ABS", "SUM", "RELU6", "RELU", "ADD", "ADD_N", "DIV", "PAD", "ARG_MAX", "ARG_MIN",
    "STRIDED_SLICE",
})


def register(*names: str, backend: str = "numpy") -> Callable[[type[Op]], type[Op]]:
    table = _BY_NAME if backend == "numpy" else _BY_BACKEND.setdefault(backend, {})

    def deco(cls: type[Op]) -> type[Op]:
        for name in names:
            if name in table:
                raise RuntimeError(f"op {name} registered twice for backend {backend}")
            table[name] = cls
        cls.op_names = tuple(names)
        return cls
    return deco


def supported_ops(backend: str = "numpy") -> list[str]:
    return sorted(_BY_NAME if backend == "numpy" else _BY_BACKEND.get(backend, {}))


def lookup(op_name: str, op_index: int | None = None, backend: str = "numpy",
           semantics: str = "tflm") -> type[Op]:
    """The Op class for a builtin operator name, or UnsupportedOpError naming it.

    A backend kernel is used only where its arithmetic is that of ``semantics``:
    backend kernels implement TFLM's, so for ``semantics="tflite"`` the ops in
    ``SEMANTICS_DIVERGENT`` fall back to the NumPy class (unless the backend
    class lists "tflite" in an optional ``semantics`` attribute).
    """
    accelerated = _BY_BACKEND.get(backend, {}).get(op_name)
    if accelerated is not None and (
            semantics == "tflm" or op_name not in SEMANTICS_DIVERGENT
            or semantics in getattr(accelerated, "semantics", ("tflm",))):
        return accelerated
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
