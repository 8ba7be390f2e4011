"""The base of the C backend's kernels: a prepared op's form, turned into a C call.

A kernel class registers for an op name (``@register_kernel(..., backend="c")``)
and says what it runs: the semantics and rounding modes it implements, and
``accepts(op)``, a test of the op's prepared form (types, constant weights,
geometry). The interpreter instantiates the first class that accepts a
prepared op; ``prepare`` then asks the planner for the kernel's working memory
and computes its constants once, and ``call`` describes the C call
(``call.KernelCall``) that both the host binding and the code generator read.
"""
from __future__ import annotations

from typing import Callable
from typing import Sequence

import numpy as np

from ..arith.fixedpoint import ROUNDING_MODES
from ..ops.registry import SEMANTICS
from . import host
from .binding import Keep
from .binding import bind_call
from .binding import module_for
from .binding import new_struct
from .call import C_NAMES
from .call import ContextArg
from .call import KernelCall
from .call import StructArg


class CKernel:
    #: the semantics whose arithmetic this kernel computes. Most read everything
    #: flavor-specific from the prepared form (and refuse, in ``accepts``, forms they
    #: do not implement), so they serve both.
    semantics: tuple[str, ...] = SEMANTICS
    #: the rounding modes it is built for (the library is compiled for each)
    roundings: tuple[str, ...] = ROUNDING_MODES

    def __init__(self, op):
        self.op = op
        self.params = op.params
        module = module_for(op.config.rounding)
        self.lib, self.ffi = module.lib, module.ffi
        #: the specialized C kernel the call runs (for tests and reports)
        self.variant = ""
        self.scratch_index: int | None = None
        self.scratch_size = 0
        self.host = False

    @classmethod
    def accepts(cls, op) -> bool:
        raise NotImplementedError

    def prepare(self) -> None:
        """Request working memory and compute constants. Override."""

    def call(self) -> KernelCall:
        """The C call this op makes on every invoke."""
        raise NotImplementedError

    def host_call(self) -> KernelCall | None:
        """A host-only kernel's call computing what ``call()`` computes (``host.py``),
        or None. Only the interpreter's binding runs it, when the host kernels are
        enabled; firmware runs ``call()``. Override."""
        return None

    # -- helpers ------------------------------------------------------------------
    def request_scratch(self, size: int) -> None:
        """Ask the planner for ``size`` bytes of working memory (none for 0)."""
        self.op.check(size >= 0, f"C kernel buffer size {size}")
        self.scratch_size = int(size)
        self.scratch_index = self.op.request_scratch(size) if size > 0 else None

    def context(self) -> ContextArg:
        return ContextArg(self.scratch_index, self.scratch_size)

    def prepare_call(self, function: str, *args):
        """Call a prepare-time C function (a buffer size, a kernel choice, folded
        constants) on struct descriptions, NumPy arrays (as pointers; outputs must be
        contiguous) and ints."""
        keep = Keep(self.ffi)
        converted = []
        try:
            for a in args:
                if isinstance(a, StructArg):
                    converted.append(new_struct(keep, a))
                elif isinstance(a, np.ndarray):
                    converted.append(keep.ptr(f"{C_NAMES[a.dtype]} *", a))
                else:
                    converted.append(self.ffi.NULL if a is None else a)
            return getattr(self.lib, function)(*converted)
        except OverflowError as e:   # a derived constant the prepared form let through
            raise self.op.error(f"an argument of the C function {function} does not fit its "
                                f"C type: {e}") from e

    # -- binding ------------------------------------------------------------------
    def bind(self, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray],
             scratch: Sequence[np.ndarray]) -> Callable[[], int]:
        """The call on the arena views; it returns the kernel's status (0: success)."""
        self.bound_arrays = (inputs, outputs, scratch)
        call = self.host_call() if host.enabled(self.lib) else None
        #: whether the bound call runs a host-only kernel (host.py)
        self.host = call is not None
        return bind_call(self.op, call or self.call(), inputs, outputs, scratch)

    def failure(self, status: int) -> Exception:
        """The error to raise for a non-zero status. The Python side validates every
        argument, so a status error is a bug, unless a kernel overrides this for a
        condition that depends on the data."""
        return RuntimeError(f"{self.op.where}: C kernel {self.call().function} returned "
                            f"status {status} on arguments the interpreter validated")
