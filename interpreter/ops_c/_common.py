"""Helpers shared by the C-backed ops: the cffi module, structs, pointers, checks."""
from __future__ import annotations

from functools import partial
from typing import Callable, Sequence

import numpy as np

from . import _tnn, _tnn_single

def lib_for(rounding: str):
    """The compiled kernels built for this rounding mode."""
    return (_tnn_single if rounding == "single" else _tnn).lib


def ffi_for(rounding: str):
    """The cffi instance of those kernels (structs must come from the matching one)."""
    return (_tnn_single if rounding == "single" else _tnn).ffi


def dims(ffi, shape: Sequence[int]):
    """A tnn_dims from an NHWC shape (shorter shapes fill n, then c)."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 4:
        n, h, w, c = shape
    elif len(shape) == 2:
        (n, c), h, w = shape, 1, 1
    else:
        raise ValueError(f"no tnn_dims for shape {shape}")
    return ffi.new("tnn_dims *", {"n": n, "h": h, "w": w, "c": c})


def i32(values) -> np.ndarray:
    """A contiguous int32 copy, checked to hold int32 values."""
    a = np.asarray(values, dtype=np.int64)
    if a.size and (a.min() < -(1 << 31) or a.max() > (1 << 31) - 1):
        raise ValueError("value outside int32")
    return np.ascontiguousarray(a, dtype=np.int32)


def wrap_i32(values) -> np.ndarray:
    """int32 two's-complement wrap of integer values."""
    a = np.asarray(values, dtype=np.int64)
    return np.ascontiguousarray(((a + (1 << 31)) & 0xFFFFFFFF) - (1 << 31), dtype=np.int32)


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

    def per_channel(self, multiplier, shift):
        m, s = self(i32(multiplier)), self(i32(shift))
        return self(self.ffi.new("tnn_per_channel_quant_params *",
                            {"multiplier": self.ptr("int32_t *", m),
                             "shift": self.ptr("int32_t *", s)}))


def requantizer_constants(req) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """(multiplier, shift, output zero point, act_min, act_max) of a NumPy Requantizer."""
    channels = req.channels
    return (req.multiply.multiplier[:channels], req.multiply.shift[:channels],
            int(req.zero_point), int(req.act_min), int(req.act_max))


def check_array(op, array: np.ndarray | None, dtype, size: int, what: str) -> None:
    """What a bound call will hand to C: a C-contiguous buffer of ``size`` ``dtype`` values."""
    op.check(array is not None, f"{what} buffer is missing")
    op.check(array.dtype == np.dtype(dtype), f"{what} buffer has type {array.dtype}, "
                                             f"expected {np.dtype(dtype)}")
    op.check(array.flags.c_contiguous, f"{what} buffer is not contiguous")
    op.check(array.size == size, f"{what} buffer holds {array.size} values, expected {size}")


def scratch_ptr(op, keep: Keep, scratch: Sequence[np.ndarray], index: int | None, size: int):
    """The planned scratch buffer ``index`` (NULL when the kernel needs none)."""
    if index is None:
        return keep.ffi.NULL
    op.check(index < len(scratch) and scratch[index].nbytes >= size,
             f"scratch buffer {index} of {size} bytes was not planned")
    return keep.ptr("void *", scratch[index])


def call(keep: Keep, fn, *args) -> Callable[[], None]:
    """A zero-argument call of ``fn(*args)``: a functools.partial (no Python frame per
    call) that also owns ``keep``, so every buffer the pointers reach stays alive."""
    bound = partial(fn, *args)
    bound.keep = keep
    return bound


class SameShapeInt8BinaryC:
    """Mixin for ADD / MUL: int8 operands of the output's own shape (no broadcast) run
    one C kernel over the flat buffers; everything else runs the NumPy class.

    A subclass names its kernel (``kernel_name``, e.g. "add" for ``tnn_add_s8``) and builds
    the kernel's parameter struct in ``c_params_struct()`` from what the NumPy class's
    prepare computed.
    """

    kernel_name: str

    def c_params_struct(self):
        raise NotImplementedError

    def prepare(self) -> None:
        super().prepare()
        self.kernel = None
        in1, in2, out = self.input(0), self.input(1), self.outputs[0]
        if out.dtype != np.int8 or not (in1.shape == in2.shape == out.shape):
            return
        self.lib = lib_for(self.config.rounding)
        self.ffi = ffi_for(self.config.rounding)
        self.kernel = self.kernel_name
        self.c_params = self.c_params_struct()

    def bind(self, inputs, outputs, scratch):
        if self.kernel is None:
            return super().bind(inputs, outputs, scratch)
        n = self.outputs[0].num_elements
        for a, what in ((inputs[0], "input 1"), (inputs[1], "input 2"), (outputs[0], "output")):
            check_array(self, a, np.int8, n, what)
        keep = Keep(self.ffi)
        return call(keep, getattr(self.lib, f"tnn_{self.kernel}_s8"), keep(self.c_params),
                    keep.ptr("int8_t *", inputs[0]), keep.ptr("int8_t *", inputs[1]),
                    keep.ptr("int8_t *", outputs[0]), n)
