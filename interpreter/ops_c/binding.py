"""The cffi side of the C backend: a ``KernelCall`` made a ready call on the arena.

``bind_call`` resolves every argument once, at bind time: structs become cffi
structs, constants and arena views become pointers (checked: type, size,
contiguity), the op's scratch becomes a ``tnn_context``. The result is a
``functools.partial`` of the compiled function, so ``invoke`` pays one C
call per op and no Python frame.
"""
from __future__ import annotations

from functools import partial
from typing import Callable
from typing import Sequence

import numpy as np

from . import _tnn
from . import _tnn_single
from .call import CTYPES
from .call import ConstArg
from .call import ContextArg
from .call import HostContextArg
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import TensorListArg


def module_for(rounding: str):
    """The compiled kernels built for this rounding mode (``lib`` and ``ffi``)."""
    return _tnn_single if rounding == "single" else _tnn


class Keep:
    """Owns every object a bound C call points into (arrays, cdata), for its lifetime."""

    def __init__(self, ffi):
        self.ffi = ffi
        self.objects: list = []

    def __call__(self, obj):
        self.objects.append(obj)
        return obj

    def ptr(self, ctype: str, array: np.ndarray | None):
        """A C pointer into ``array`` (NULL for None); the array must be C-contiguous."""
        ffi = self.ffi
        if array is None:
            return ffi.NULL
        if not array.flags.c_contiguous:
            raise ValueError("C kernels need C-contiguous buffers")
        return ffi.cast(ctype, self(ffi.from_buffer(self(array))))


def check_array(op, array: np.ndarray | None, dtype, size: int, what: str) -> None:
    """What a bound call will hand to C: a C-contiguous buffer of ``size`` ``dtype`` values."""
    op.check(array is not None, f"{what} buffer is missing")
    op.check(array.dtype == np.dtype(dtype), f"{what} buffer has type {array.dtype}, "
                                             f"expected {np.dtype(dtype)}")
    op.check(array.flags.c_contiguous, f"{what} buffer is not contiguous")
    op.check(array.size == size, f"{what} buffer holds {array.size} values, expected {size}")


def _field(keep: Keep, value):
    """A struct field as cffi's initializer wants it."""
    if isinstance(value, StructArg):
        return {name: _field(keep, v) for name, v in value.fields}
    if isinstance(value, ConstArg):
        return keep.ptr(f"{value.ctype} *", value.values)
    if isinstance(value, np.floating):
        return float(value)          # a float32 widens to a Python float exactly
    return int(value)


def new_struct(keep: Keep, value: StructArg):
    """A cffi struct (pointer) of ``value``, kept alive by ``keep``."""
    return keep(keep.ffi.new(f"{value.ctype} *", _field(keep, value)))


def bind_call(op, call: KernelCall, inputs: Sequence[np.ndarray | None],
              outputs: Sequence[np.ndarray], scratch: Sequence[np.ndarray],
              module=None) -> Callable[[], int]:
    """``call`` as a zero-argument callable on these arena views, returning the status.

    ``module``: the compiled kernels (default: those of the op's rounding mode).
    """
    module = module or module_for(op.config.rounding)
    ffi, keep = module.ffi, Keep(module.ffi)

    def arg(value):
        if value is None:
            return ffi.NULL
        if isinstance(value, StructArg):
            return new_struct(keep, value)
        if isinstance(value, ConstArg):
            return keep.ptr(f"{value.ctype} *", value.values)
        if isinstance(value, TensorArg):
            arrays, tensors = ((inputs, op.inputs) if value.role == "input"
                               else (outputs, op.outputs))
            array = arrays[value.position]
            what = f"{value.role} {value.position}"
            if value.ctype == "void":   # any type, as its bytes
                op.check(array is not None and array.flags.c_contiguous,
                         f"{what} buffer is missing or not contiguous")
                return keep.ptr("void *", array.reshape(-1).view(np.uint8))
            check_array(op, array, CTYPES[value.ctype], tensors[value.position].num_elements,
                        what)
            return keep.ptr(f"{value.ctype} *", array.reshape(-1))
        if isinstance(value, TensorListArg):
            return keep(ffi.new(f"{value.ctype} *[]", [arg(t) for t in value.tensors()]))
        if isinstance(value, ContextArg):
            buf = ffi.NULL
            if value.index is not None:
                op.check(value.index < len(scratch) and scratch[value.index].nbytes >= value.size,
                         f"scratch buffer {value.index} of {value.size} bytes was not planned")
                buf = keep.ptr("void *", scratch[value.index])
            return keep(ffi.new("tnn_context *", {"buf": buf, "size": value.size}))
        if isinstance(value, HostContextArg):
            buf = keep.ptr("void *", np.zeros(max(value.size, 1), np.uint8))
            return keep(ffi.new("tnn_context *", {"buf": buf, "size": value.size}))
        return int(value)

    try:
        args = [arg(a) for a in call.args]
    except OverflowError as e:   # a derived constant the prepared form let through
        raise op.error(f"an argument of the C kernel {call.function} does not fit its C "
                       f"type: {e}") from e
    bound = partial(getattr(module.lib, call.function), *args)
    bound.keep = keep   # every buffer the pointers reach stays alive with the call
    # what batch.py needs to run this call among others in one C call
    bound.c_call = (module, call.function, args)
    return bound
