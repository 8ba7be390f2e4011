"""IF, WHILE and CALL_ONCE: operators that run other subgraphs.

As TFLM's kernels (tensorflow/lite/micro/kernels/if.cc, while.cc,
call_once.cc), every subgraph has tensors of its own: values travel by
copying bytes between the operator's tensors and the called subgraph's
inputs and outputs. The subgraph is run through ``self.graph``
(``interpreter.graph.Graph``), which the subgraph runner sets before
``prepare``. The planner keeps the operator's inputs and outputs live while
the called subgraphs run (``plan.model_buffer_requests``), but the called
subgraphs' tensors may share memory with each other (e.g. WHILE's cond and
body), so the copies happen at the same points as in TFLM.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .base import Op
from .registry import register

#: A WHILE whose condition never turns false loops forever in TFLM; here it stops with a
#: ModelError after this many iterations, far beyond any loop a microcontroller model runs.
MAX_WHILE_ITERATIONS = 1 << 16


def _copy(dst: np.ndarray, src: np.ndarray, what: str, op: Op) -> None:
    # memcpy between tensors of one type and byte length; the shapes may differ.
    if dst.dtype != src.dtype or dst.nbytes != src.nbytes:
        raise op.error(f"{what}: cannot copy {src.dtype}{list(src.shape)} into "
                       f"{dst.dtype}{list(dst.shape)}; type and byte size must match")
    dst.reshape(-1)[...] = src.reshape(-1)


class _ControlFlow(Op):
    def _require_graph(self) -> None:
        if self.graph is None:
            raise self.unsupported("runs other subgraphs and needs the interpreter's graph")

    def _check_subgraph(self, index: int, what: str) -> None:
        n = self.graph.num_subgraphs
        self.check(0 <= index < n, f"{what} subgraph {index} does not exist (the model has {n})")


@register("IF")
class If(_ControlFlow):
    """Run the then- or else-subgraph on inputs[1:], by the boolean inputs[0]."""

    def prepare(self) -> None:
        self._require_graph()
        o = self.options
        self.then_index, self.else_index = int(o.then_subgraph_index), int(o.else_subgraph_index)
        self.check(len(self.inputs) > 0, "needs a condition input")
        self.check(None not in self.inputs, "an input is missing")
        cond = self.input(0)
        self.check(cond.dtype == np.bool_, f"the condition must be bool, got {cond.dtype}")
        self.check(cond.num_elements == 1,
                   f"the condition must have one element, has {cond.num_elements}")
        self._check_subgraph(self.then_index, "the then")
        self._check_subgraph(self.else_index, "the else")
        then = self.graph.subgraph(self.then_index)
        self.check(len(self.inputs) - 1 == len(then.inputs),
                   f"passes {len(self.inputs) - 1} inputs to subgraph {self.then_index}, "
                   f"which has {len(then.inputs)}")
        self.check(len(self.outputs) == len(then.outputs),
                   f"has {len(self.outputs)} outputs but subgraph {self.then_index} has "
                   f"{len(then.outputs)}")

    def bind(self, inputs, outputs, scratch):
        graph = self.graph

        def run() -> None:
            branch = self.then_index if bool(inputs[0].reshape(-1)[0]) else self.else_index
            sub_in, sub_out = graph.inputs(branch), graph.outputs(branch)
            self.check(len(sub_in) <= len(inputs) - 1 and len(sub_out) <= len(outputs),
                       f"subgraph {branch} does not match the operator's inputs and outputs")
            # Through intermediate copies: the branch's tensors may overlap ours.
            saved = [x.copy() for x in inputs[1:1 + len(sub_in)]]
            for k, (dst, src) in enumerate(zip(sub_in, saved)):
                _copy(dst, src, f"input {k + 1} to subgraph {branch}", self)
            graph.invoke_subgraph(branch)
            results = [x.copy() for x in sub_out]
            for k, (dst, src) in enumerate(zip(outputs, results)):
                _copy(dst, src, f"output {k} of subgraph {branch}", self)
            # Restore inputs the branch may have overwritten (constants cannot be).
            for dst, src in zip(inputs[1:], saved):
                if dst.flags.writeable:
                    dst.reshape(-1)[...] = src.reshape(-1)
        return run


@register("WHILE")
class While(_ControlFlow):
    """Loop: run cond on the values, and while it is true run body on them."""

    def prepare(self) -> None:
        self._require_graph()
        o = self.options
        self.cond_index, self.body_index = int(o.cond_subgraph_index), int(o.body_subgraph_index)
        self._check_subgraph(self.cond_index, "the cond")
        self._check_subgraph(self.body_index, "the body")
        cond, body = self.graph.subgraph(self.cond_index), self.graph.subgraph(self.body_index)
        n = len(self.inputs)
        self.check(len(cond.inputs) == n, f"has {n} inputs but the cond subgraph "
                   f"{self.cond_index} has {len(cond.inputs)}")
        self.check(len(body.inputs) == n, f"has {n} inputs but the body subgraph "
                   f"{self.body_index} has {len(body.inputs)}")
        self.check(len(self.outputs) == n, f"has {n} inputs but {len(self.outputs)} outputs")
        self.check(len(body.outputs) == n, f"has {n} outputs but the body subgraph "
                   f"{self.body_index} has {len(body.outputs)}")
        self.check(len(cond.outputs) >= 1, f"the cond subgraph {self.cond_index} has no output")
        flag = cond.tensors[cond.outputs[0]]
        self.check(flag.num_elements >= 1, f"the cond subgraph {self.cond_index}'s output "
                   f"{flag.name!r} holds no value (shape {list(flag.shape)})")
        self.check(None not in self.inputs, "an input is missing")

    def bind(self, inputs, outputs, scratch):
        graph, c, b = self.graph, self.cond_index, self.body_index

        def copy_all(dsts: Sequence[np.ndarray], srcs: Sequence[np.ndarray], what: str) -> None:
            for k, (dst, src) in enumerate(zip(dsts, srcs)):
                _copy(dst, src, f"{what} {k}", self)

        def run() -> None:
            cond_in, cond_out = graph.inputs(c), graph.outputs(c)
            body_in, body_out = graph.inputs(b), graph.outputs(b)
            copy_all(cond_in, inputs, "input to the cond subgraph")
            # Keep the inputs in the outputs before a subgraph can overwrite them.
            copy_all(outputs, inputs, "input to output")
            graph.invoke_subgraph(c)
            iterations = 0
            while bool(cond_out[0].reshape(-1)[0]):
                iterations += 1
                if iterations > MAX_WHILE_ITERATIONS:
                    raise self.error(f"ran {MAX_WHILE_ITERATIONS:,} iterations without its "
                                     "condition turning false; stopped (TFLM would loop forever)")
                copy_all(body_in, outputs, "value to the body subgraph")
                graph.invoke_subgraph(b)
                copy_all(outputs, body_out, "output of the body subgraph")
                copy_all(cond_in, outputs, "value to the cond subgraph")
                graph.invoke_subgraph(c)
        return run


@register("CALL_ONCE")
class CallOnce(_ControlFlow):
    """Run the init subgraph at the first invoke only (e.g. to initialize variables)."""

    def prepare(self) -> None:
        self._require_graph()
        self.init_index = int(self.options.init_subgraph_index)
        self.check(len(self.inputs) == 0 and len(self.outputs) == 0,
                   "takes no inputs and no outputs")
        self._check_subgraph(self.init_index, "the init")
        self.has_run = False

    def bind(self, inputs, outputs, scratch):
        def run() -> None:
            if not self.has_run:
                self.graph.invoke_subgraph(self.init_index)
                self.has_run = True
        return run
