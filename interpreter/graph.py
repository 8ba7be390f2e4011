"""Subgraphs and model-wide state: TFLM's MicroInterpreterGraph and MicroResourceVariables.

A ``Graph`` holds one ``SubgraphRunner`` per subgraph of the model. Like
TFLM it prepares every subgraph (in index order, whether or not anything
runs it), plans one arena for all of them (see ``plan.model_buffer_requests``)
and lets control flow operators run a subgraph by index
(``invoke_subgraph``), reading and writing its input and output tensors.
Each op receives the graph as ``op.graph`` before its ``prepare``.

Resource variables (VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE) live in
``ResourceVariables``: persistent buffers keyed by (container, shared name),
kept across ``invoke`` calls and reset by ``reset_variables``.
"""
from __future__ import annotations

from typing import Callable
from typing import Iterator

import numpy as np

from . import ops as _ops
from .arith.fixedpoint import InvalidMultiplier
from .errors import ModelError
from .errors import UnsupportedOpError
from .ops.base import DEFAULT_CONFIG
from .ops.base import Op
from .ops.base import OpConfig
from .parse.model import Model
from .parse.model import Subgraph
from .parse.model import Tensor
from .parse.schema import TensorType
from .plan import MemoryPlan
from .plan import plan_model

#: schema TensorType RESOURCE: a resource id, held as one int32 (as in TFLM)
RESOURCE_TYPE = 13


def array_dtype(tensor: Tensor) -> np.dtype:
    """The NumPy dtype a tensor is held in (a resource tensor holds int32 ids)."""
    return np.dtype(np.int32) if tensor.type_code == RESOURCE_TYPE else tensor.dtype


class ResourceVariables:
    """TFLM's MicroResourceVariables: a table of persistent buffers by (container, shared name)."""

    def __init__(self):
        self._names: list[tuple[str | None, str | None]] = []
        self._buffers: list[np.ndarray | None] = []
        self._defaults: list[int] = []

    def __len__(self) -> int:
        return len(self._names)

    def find_id(self, container: str | None, shared_name: str | None) -> int:
        for i, (c, n) in enumerate(self._names):
            # A model may omit the container to save space: it then matches any.
            if (container is None or container == c) and shared_name == n:
                return i
        return -1

    def create_id(self, container: str | None, shared_name: str | None) -> int:
        """The id of a variable, created (without a buffer yet) if none matches."""
        i = self.find_id(container, shared_name)
        if i < 0:
            i = len(self._names)
            self._names.append((container, shared_name))
            self._buffers.append(None)
            self._defaults.append(0)
        return i

    def _check(self, rid: int) -> None:
        if not 0 <= rid < len(self._names):
            raise ModelError(f"resource variable {rid} does not exist "
                             f"({len(self._names)} were created)")

    def allocate(self, rid: int, nbytes: int, default_byte: int = 0) -> None:
        """Give a variable its buffer, filled with ``default_byte``, unless it has one."""
        self._check(rid)
        if self._buffers[rid] is None:
            self._defaults[rid] = default_byte & 0xFF
            self._buffers[rid] = np.full(nbytes, self._defaults[rid], np.uint8)

    def _buffer(self, rid: int, what: str, nbytes: int) -> np.ndarray:
        self._check(rid)
        buf = self._buffers[rid]
        if buf is None:
            raise ModelError(f"{what} resource variable {rid} before any ASSIGN_VARIABLE "
                             "allocated it")
        if buf.size != nbytes:
            raise ModelError(f"resource variable {rid} holds {buf.size} bytes, not {nbytes}")
        return buf

    def read(self, rid: int, out: np.ndarray) -> None:
        buf = self._buffer(rid, "reading", out.nbytes)
        out.reshape(-1).view(np.uint8)[...] = buf

    def assign(self, rid: int, value: np.ndarray) -> None:
        buf = self._buffer(rid, "assigning", value.nbytes)
        buf[...] = np.ascontiguousarray(value).reshape(-1).view(np.uint8)

    def value(self, rid: int) -> bytes | None:
        """A variable's current bytes (None before it has a buffer); for tests and tools."""
        self._check(rid)
        buf = self._buffers[rid]
        return None if buf is None else buf.tobytes()

    def reset_all(self) -> None:
        for buf, default in zip(self._buffers, self._defaults):
            if buf is not None:
                buf[...] = default


def type_name(type_code: int) -> str:
    try:
        return TensorType(type_code).name
    except ValueError:
        return f"type code {type_code}"


def _prepare_op(op: Op) -> None:
    """``op.prepare()``; a requantization the model's scales or options make impossible (a
    real multiplier TFLM cannot apply, a division by a zero scale) becomes a ModelError naming
    the operator and the tensors at fault. A division by zero with no zero scale around is
    a bug of the op's code and is left as it is."""
    try:
        op.prepare()
    except (ModelError, UnsupportedOpError) as e:
        if op.where in str(e):
            raise
        raise type(e)(f"{op.where}: {e}") from None   # e.g. a tensor without quantization
    except InvalidMultiplier as e:
        raise ModelError(f"{op.where}: {e}; its tensors' scales and its options give no "
                         f"requantization TFLM can apply ({_scales(op)})") from None
    except ZeroDivisionError:
        zero = [f"{role} {t.name!r}" for role, t in _tensors(op)
                if t.quantization is not None and np.any(t.quantization.scale == 0)]
        if not zero:
            raise
        raise ModelError(f"{op.where}: a quantization scale of 0 ({', '.join(zero)}) where the "
                         "op divides by the scale") from None


def _tensors(op: Op):
    return ([(f"input {k}", t) for k, t in enumerate(op.inputs) if t is not None]
            + [(f"output {k}", t) for k, t in enumerate(op.outputs)])


def _scales(op: Op) -> str:
    return "; ".join(f"{role} scale {[float(s) for s in t.quantization.scale[:4]]}"
                     for role, t in _tensors(op) if t.quantization is not None) or "no scales"


class SubgraphRunner:
    """One subgraph's ops: prepared once, bound to arena views, invoked in order."""

    def __init__(self, graph: "Graph", subgraph: Subgraph, backend: str, config: OpConfig):
        self.graph = graph
        self.subgraph = subgraph
        self.backend = backend
        self.ops: list[Op] = []
        for node in subgraph.operators:
            op = _ops.lookup(node.op_name, node.index)(node, subgraph, config)
            op.graph = graph
            op.subgraph_index = subgraph.index
            self.ops.append(op)
        self.arrays: dict[int, np.ndarray] = {}
        self.calls: list[Callable[[], None]] = []
        self.program: list[tuple] = []
        self.inputs: list[np.ndarray] = []
        self.outputs: list[np.ndarray] = []

    def prepare(self) -> None:
        for op in self.ops:
            _prepare_op(op)
            # a backend kernel that runs this prepared form, if any, asks for its scratch now
            op.kernel = _ops.kernel_for(op, self.backend)
            if op.kernel is not None:
                op.kernel.prepare()
            for role, indices in (("reads", op.node.inputs), ("writes", op.node.outputs)):
                for i in indices:
                    if i >= 0:
                        self._require_representable(i, f"{op.where} {role}")
        for i in self.subgraph.inputs + self.subgraph.outputs:
            self._require_representable(i, f"subgraph {self.subgraph.index} has as input/output")

    def _require_representable(self, index: int, who: str) -> None:
        """A tensor whose type has no NumPy form (INT4, STRING, ...) can only be constant
        data that an op unpacked itself; anywhere in the arena it is unsupported."""
        t = self.subgraph.tensors[index]
        if array_dtype(t) == np.dtype(object) and not t.is_constant:
            raise UnsupportedOpError(
                f"{who} tensor {index} ({t.name!r}) of type {type_name(t.type_code)}, which "
                "this interpreter supports only as constant weights (INT4 filters of CONV_2D, "
                "DEPTHWISE_CONV_2D and FULLY_CONNECTED)")

    def scratch_sizes(self) -> dict[int, list[int]]:
        return {op.node.index: op.scratch_sizes for op in self.ops if op.scratch_sizes}

    def owned_tensors(self) -> dict[int, np.ndarray]:
        """Tensors whose memory an op provided in prepare (not planned), with that memory."""
        return {op.node.outputs[k]: op.persistent_output(k)
                for op in self.ops for k in op.owned_outputs}

    def bind(self, arena: bytearray, plan: MemoryPlan) -> None:
        s = self.subgraph.index
        tensors = self.subgraph.tensors
        arrays: dict[int, np.ndarray] = {}
        scratch: dict[int, list[np.ndarray]] = {}
        for buf in plan.buffers:
            if buf.subgraph_index != s:
                continue
            if buf.kind == "scratch":
                scratch.setdefault(buf.op_index if buf.op_index is not None else buf.first_op,
                                   []).append(np.frombuffer(arena, np.uint8, buf.size, buf.offset))
            else:
                t = tensors[buf.tensor_index]
                arrays[t.index] = np.frombuffer(
                    arena, array_dtype(t), t.num_elements, buf.offset).reshape(t.shape)
        arrays.update(self.owned_tensors())
        for t in tensors:
            if t.index in arrays:
                continue
            if t.data is not None:
                arrays[t.index] = t.data
            else:
                # Variable tensors (persistent in TFLM) and tensors no op touches.
                arrays[t.index] = np.zeros(t.shape, array_dtype(t))
        self.arrays = arrays
        self.inputs = [arrays[i] for i in self.subgraph.inputs]
        self.outputs = [arrays[i] for i in self.subgraph.outputs]
        self.calls = []
        for op in self.ops:
            views = ([arrays[i] if i >= 0 else None for i in op.node.inputs],
                     [arrays[i] for i in op.node.outputs], scratch.get(op.node.index, []))
            self.calls.append(op.kernel.bind(*views) if op.kernel is not None
                              else op.bind(*views))
        self.program = _batch_program(self.calls)

    def invoke(self) -> None:
        """Run every op in order (a backend kernel's non-zero status raises its error).
        Consecutive C kernel calls run as one C call (ops_c.batch)."""
        if self.graph.observer is not None:
            for step in self.steps():
                self.graph.observer(self.subgraph.index, *step)
            return
        calls = self.calls
        for start, n, run, status in self.program:
            if n is None:           # one call, looked up so that calls[k] may be replaced
                done = calls[start]()
                if done:
                    self._failed(start, done)
            else:
                done = run()
                if done != n:
                    self._failed(start + done, status[0])

    def run_op(self, k: int) -> None:
        """Run op ``k`` alone."""
        status = self.calls[k]()
        if status:
            self._failed(k, status)

    def _failed(self, k: int, status: int) -> None:
        raise self.ops[k].kernel.failure(status)

    def steps(self) -> Iterator[tuple[int, str, dict, dict]]:
        """Invoke op by op, yielding ``(op_index, op_name, inputs, outputs)`` after each
        op: copies, by tensor name, of what it read and wrote."""
        tensors = self.subgraph.tensors
        for k, op in enumerate(self.ops):
            node = op.node
            inputs = {tensors[i].name: self.arrays[i].copy() for i in node.inputs if i >= 0}
            self.run_op(k)
            outputs = {tensors[i].name: self.arrays[i].copy() for i in node.outputs}
            yield node.index, node.op_name, inputs, outputs

    def reset_variables(self) -> None:
        """Each op's own state (ResetSubgraphs), then variable tensors to the zero point
        for int8, else to 0 (ResetVariableTensors)."""
        for op in self.ops:
            op.reset()
        for t in self.subgraph.tensors:
            if t.is_variable:
                zp = int(t.quantization.zero_point[0]) if (
                    t.quantization is not None and t.dtype == np.int8
                    and t.quantization.zero_point.size) else 0
                # TFLM memsets the buffer with the zero point: a zero point outside
                # int8 (a broken model) leaves its low byte in every byte.
                self.arrays[t.index].view(np.uint8)[...] = zp & 0xFF


def _batch_program(calls: list) -> list[tuple]:
    """``ops_c.batch.program`` of the bound calls (each call a step of its own without
    the compiled C kernels)."""
    from . import ops_c

    if not ops_c.AVAILABLE:
        return [(k, None, call, None) for k, call in enumerate(calls)]
    from .ops_c.batch import program

    return program(calls)


class Graph:
    """Every subgraph of a model, one arena, and the resource variables (MicroInterpreterGraph)."""

    def __init__(self, model: Model, backend: str = "numpy", config: OpConfig = DEFAULT_CONFIG):
        self.model = model
        self.resources = ResourceVariables()
        #: resource ids known at prepare time, by (subgraph, tensor): VAR_HANDLE's outputs
        self.prepared_resource_ids: dict[tuple[int, int], int] = {}
        self.runners = [SubgraphRunner(self, sg, backend, config) for sg in model.subgraphs]
        self.arena: bytearray | None = None
        self.plan: MemoryPlan | None = None
        #: called as ``observer(subgraph, op_index, op_name, inputs, outputs)`` after each
        #: op of a subgraph that IF / WHILE / CALL_ONCE run (Interpreter.trace); None: off
        self.observer: Callable[[int, int, str, dict, dict], None] | None = None

    @property
    def num_subgraphs(self) -> int:
        return len(self.runners)

    def subgraph(self, index: int) -> Subgraph:
        return self.runners[index].subgraph

    # -- allocation ------------------------------------------------------
    def prepare(self) -> None:
        """Prepare every subgraph's ops, subgraph by subgraph (PrepareSubgraphs)."""
        for runner in self.runners:
            runner.prepare()

    def make_plan(self, planner: str = "greedy") -> MemoryPlan:
        """Plan the arena for the prepared ops' scratch and owned tensors."""
        scratch = {r.subgraph.index: r.scratch_sizes() for r in self.runners}
        owned = {r.subgraph.index: set(r.owned_tensors()) for r in self.runners}
        return plan_model(self.model, scratch[0], planner, subgraph_scratch=scratch,
                          persistent=owned)

    def allocate(self, planner: str = "greedy") -> MemoryPlan:
        """Prepare, plan one arena for all subgraphs, and bind every op to its views."""
        self.prepare()
        plan = self.make_plan(planner)
        arena = bytearray(plan.arena_bytes)
        for runner in self.runners:
            runner.bind(arena, plan)
        self.arena, self.plan = arena, plan
        return plan

    # -- running -----------------------------------------------------------
    def invoke_subgraph(self, index: int) -> None:
        if not 0 <= index < len(self.runners):
            raise ModelError(f"subgraph {index} does not exist "
                             f"(the model has {len(self.runners)})")
        self.runners[index].invoke()

    def inputs(self, index: int) -> list[np.ndarray]:
        """The input tensors (arena views) of subgraph ``index``."""
        return self.runners[index].inputs

    def outputs(self, index: int) -> list[np.ndarray]:
        return self.runners[index].outputs

    def reset_variables(self) -> None:
        """Every op's state, every subgraph's variable tensors and every resource variable
        (MicroInterpreter::Reset: ResetSubgraphs, then ResetVariableTensors)."""
        for runner in self.runners:
            runner.reset_variables()
        self.resources.reset_all()

