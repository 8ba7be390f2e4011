"""What every Signal op shares: options, tensor checks, the tensor-type option ``T``."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...parse.model import Tensor
from ..base import Op
from .options import OptionError
from .options import read_options

INT16 = np.dtype(np.int16)
INT32 = np.dtype(np.int32)
UINT32 = np.dtype(np.uint32)
UINT64 = np.dtype(np.uint64)
FLOAT32 = np.dtype(np.float32)
BOOL = np.dtype(np.bool_)

#: the most persistent state an op may keep: TFLM would take it from the arena's tail,
#: and a model asking for more cannot be meant for a microcontroller
MAX_STATE_BYTES = 1 << 28

#: the schema TensorType values the FFT and overlap-add ops accept in their ``T`` option
TENSOR_TYPES = {0: FLOAT32, 2: INT32, 7: INT16}


class SignalOp(Op):
    """Base of the Signal ops: ``OPTIONS`` are the (key, kind) pairs the kernel reads,
    position by position (see ``options``)."""

    OPTIONS: Sequence[tuple[str, str]] = ()

    def read_options(self) -> dict:
        try:
            return read_options(self.node.custom_options, self.OPTIONS)
        except OptionError as e:
            raise self.error(str(e)) from None

    def tensor_type(self, code: int, allowed: Sequence[np.dtype]) -> np.dtype:
        """The dtype the ``T`` option names; TFLM's kernel has no variant for the others."""
        dtype = TENSOR_TYPES.get(code)
        if dtype is None or dtype not in allowed:
            names = ", ".join(f"{c} ({TENSOR_TYPES[c]})" for c in TENSOR_TYPES
                              if TENSOR_TYPES[c] in allowed)
            raise self.unsupported(f"option 'T' is tensor type {code}; TFLM's kernel is "
                                   f"registered for {names}")
        return dtype

    def expect(self, t: Tensor, what: str, dtype: np.dtype, rank: int | None = None,
               min_rank: int | None = None) -> Tensor:
        """Check a tensor's type (UnsupportedOpError) and rank (ModelError)."""
        if t.dtype != dtype:
            raise self.unsupported(f"{what} {t.name!r} has type {t.dtype}; TFLM's kernel takes "
                                   f"{dtype}")
        if rank is not None:
            self.check(len(t.shape) == rank, f"{what} {t.name!r} must have rank {rank}, has "
                       f"shape {list(t.shape)}")
        if min_rank is not None:
            self.check(len(t.shape) >= min_rank, f"{what} {t.name!r} must have rank >= "
                       f"{min_rank}, has shape {list(t.shape)}")
        self.check(0 not in t.shape, f"{what} {t.name!r} is empty (shape {list(t.shape)})")
        return t

    def check_range(self, value: int, lo: int, hi: int | None, what: str, why: str) -> None:
        ok = value >= lo and (hi is None or value <= hi)
        bound = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        self.check(ok, f"option {what!r} is {value}; it must be {bound} ({why})")

    def check_scalar_input(self, value, lo: int, hi: int, what: str) -> int:
        """A value read from an input tensor at eval: a ModelError if TFLM's C is undefined."""
        v = int(np.asarray(value).reshape(-1)[0])
        if not lo <= v <= hi:
            raise self.error(f"{what} is {v}; it must be in [{lo}, {hi}] (a C shift by it is "
                             "undefined)")
        return v
