"""A C kernel call, described once: read by the cffi binding and by the code generator.

A backend kernel (``kernel.CKernel``) turns an op's prepared form into a
``KernelCall``: the C function and its arguments, where an argument is a
plain integer, NULL, a parameter struct (passed by const pointer), a constant
array (weights, multipliers: flash on a device), a tensor of the op (a
pointer into the arena), an array of such pointers, or the op's working
memory (a ``tnn_context``). The
host binding (``binding.bind_call``) makes it a ready cffi call on the
interpreter's arena; the firmware generator (``interpreter.deploy``) writes
the same call as C. So the host and the device run the same kernel with the
same constants.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import numpy as np

#: C element type -> NumPy dtype, for the arrays calls point into
CTYPES = {
    "int8_t": np.dtype(np.int8),
    "uint8_t": np.dtype(np.uint8),
    "int16_t": np.dtype(np.int16),
    "uint16_t": np.dtype(np.uint16),
    "int32_t": np.dtype(np.int32),
    "int64_t": np.dtype(np.int64),
    "float": np.dtype(np.float32),
    "void": np.dtype(np.uint8),     # a tensor of any type, as its bytes
}
#: and back
C_NAMES = {dtype: name for name, dtype in CTYPES.items()}


@dataclass(frozen=True)
class TensorArg:
    """A pointer to one of the op's tensors, in the arena."""

    role: str           # "input" or "output"
    position: int       # index into the op's inputs or outputs
    ctype: str


@dataclass(frozen=True)
class TensorListArg:
    """An array of pointers to several of the op's tensors, in the arena (a
    ``const <ctype> *const *`` parameter: CONCATENATION's inputs)."""

    role: str
    positions: tuple[int, ...]
    ctype: str

    def tensors(self) -> tuple[TensorArg, ...]:
        return tuple(TensorArg(self.role, p, self.ctype) for p in self.positions)


@dataclass(frozen=True, eq=False)
class ConstArg:
    """A pointer to constant data the call needs (a const array in firmware)."""

    name: str           # what it is ("filter", "bias", "multiplier", ...): unique in the call
    ctype: str
    values: np.ndarray

    def __post_init__(self):
        values = np.ascontiguousarray(self.values, dtype=CTYPES[self.ctype]).reshape(-1)
        values.flags.writeable = False
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class ContextArg:
    """A ``tnn_context *`` over the op's scratch buffer ``index`` (None: no buffer) of
    ``size`` bytes."""

    index: int | None
    size: int


@dataclass(frozen=True)
class HostContextArg:
    """A ``tnn_context *`` over ``size`` bytes of working memory outside the arena,
    owned by the bound call: for the host-only kernels (``kernel.CKernel.host_call``),
    which firmware never runs, so that the arena plan stays the firmware's."""

    size: int


@dataclass(frozen=True)
class StructArg:
    """A parameter struct, passed by const pointer; a field is an int, a float32
    (``np.float32``: a ``float`` field), a nested struct (by value) or a ConstArg (a
    pointer field)."""

    ctype: str
    fields: tuple[tuple[str, "Field"], ...]

    @classmethod
    def of(cls, ctype: str, **fields) -> "StructArg":
        """A struct from keyword fields (nested structs as StructArg values)."""
        return cls(ctype, tuple(fields.items()))


Field = Union[int, np.float32, StructArg, ConstArg]
Arg = Union[int, None, TensorArg, TensorListArg, ConstArg, ContextArg, HostContextArg, StructArg]


def tile(h: int, w: int) -> StructArg:
    return StructArg.of("tnn_tile", h=int(h), w=int(w))


def dims(shape) -> StructArg:
    """A ``tnn_dims`` from an NHWC shape (a 2-D shape is (n, c))."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 4:
        n, h, w, c = shape
    elif len(shape) == 2:
        (n, c), h, w = shape, 1, 1
    else:
        raise ValueError(f"no tnn_dims for shape {shape}")
    return StructArg.of("tnn_dims", n=n, h=h, w=w, c=c)


def activation(lo: int, hi: int) -> StructArg:
    return StructArg.of("tnn_activation", min=int(lo), max=int(hi))


def float_activation(lo, hi) -> StructArg:
    return StructArg.of("tnn_float_activation", min=np.float32(lo), max=np.float32(hi))


@dataclass(frozen=True)
class KernelCall:
    """``function(*args)``, returning an int32 status (TNN_OK = 0)."""

    function: str
    args: tuple[Arg, ...]

    def consts(self) -> list[ConstArg]:
        """Every constant array the call reaches, struct fields included, in order."""
        found: list[ConstArg] = []

        def walk(value):
            if isinstance(value, ConstArg):
                found.append(value)
            elif isinstance(value, StructArg):
                for _name, field in value.fields:
                    walk(field)
        for arg in self.args:
            walk(arg)
        return found
