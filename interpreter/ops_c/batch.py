"""Runs of bound kernel calls made one C call (``tnnx_run``), for ``invoke()``.

Each op's bound call (``binding.bind_call``) is a cffi call of its own: about
0.3 us of Python and cffi per op, which is most of the time of a model of
small layers. ``program`` groups consecutive C kernel calls of one compiled
module into a ``Batch``: their arguments, as ``intptr_t`` arrays, and the
index of each kernel in the module's table of thunks (build_cffi.py
``dispatch_source``), so that one ``tnnx_run`` call runs them all in order and
stops at the first non-zero status. Ops run by Python (NumPy evals, control
flow) stay single steps between batches. The calls, arguments and order are
those of the per-op calls, which the profilers and tracers still use.
"""
from __future__ import annotations

from functools import partial
from typing import Callable
from typing import Sequence


class Batch:
    """Calls ``start .. start + n - 1`` of a subgraph, run by one ``tnnx_run``."""

    def __init__(self, start: int, bound: Sequence):
        module = bound[0].c_call[0]
        ffi, lib = module.ffi, module.lib
        self.start, self.n = start, len(bound)
        fns, arrays = [], []
        for b in bound:
            _, function, args = b.c_call
            index = lib.tnnx_lookup(function.encode())
            if index < 0:
                raise KeyError(f"no thunk for {function}")
            fns.append(index)
            arrays.append(ffi.new("intptr_t[]", [
                int(ffi.cast("intptr_t", a)) if isinstance(a, ffi.CData) else int(a)
                for a in args] or [0]))
        self.fns = ffi.new("int32_t[]", fns)
        self.args = ffi.new("intptr_t *[]", arrays)
        self.status = ffi.new("int32_t *")
        #: runs the calls; returns n, or the index (from start) of the call that failed
        self.run = partial(lib.tnnx_run, self.fns, self.args, self.n, self.status)
        # the arrays `args` points to, and the bound calls that own what their values
        # point to, live as long as the run
        self.run.keep = (arrays, list(bound))


def batchable(call) -> bool:
    """A call bound by binding.bind_call on one of the compiled modules themselves (not
    on a wrapper of their functions, such as cortex_m's call recorder)."""
    from . import _tnn
    from . import _tnn_single

    c_call = getattr(call, "c_call", None)
    return (c_call is not None and any(c_call[0] is m for m in (_tnn, _tnn_single))
            and hasattr(c_call[0].lib, "tnnx_run"))


def program(calls: Sequence[Callable[[], int]]) -> list[tuple]:
    """``calls`` as steps ``(start, n, run, status)``: a Batch's run (n calls) or, with
    n None, the single call ``calls[start]`` of any kind (run and status unused)."""
    steps: list[tuple] = []
    k = 0
    while k < len(calls):
        if not batchable(calls[k]):
            steps.append((k, None, calls[k], None))
            k += 1
            continue
        module = calls[k].c_call[0]
        end = k + 1
        while end < len(calls) and batchable(calls[end]) and calls[end].c_call[0] is module:
            end += 1
        batch = Batch(k, calls[k:end])
        steps.append((k, batch.n, batch.run, batch.status))
        k = end
    return steps
