"""Which arena buffers a subgraph needs, how big, and when each is live.

This is TFLM's ``AllocationInfoBuilder``
(tensorflow/lite/micro/micro_allocation_info.cc), feeding ``CreatePlan``
(tensorflow/lite/micro/micro_allocator.cc).

Time is counted in TFLM's "allocation scopes", shifted by one: scope 0 is the
main subgraph's entry and every operator opens a new scope. Here a lifetime is
stored as ``scope - 1``, so in a model without control flow operator ``i`` is
time ``i`` and the entry is ``SUBGRAPH_ENTRY`` (-1). The shift is uniform, so
which buffers overlap in time, and therefore the plan, is unchanged.

Control flow (``model_buffer_requests``): all subgraphs share ONE timeline,
walked from subgraph 0. When an IF, WHILE or CALL_ONCE operator is reached
(after its outputs are created), each subgraph it calls (then/else,
cond/body, init) opens one more scope and is walked right there, its entry
at that scope and its operators numbered on from it; only then are the
operator's inputs and outputs marked as used, so they stay live across the
whole call. A subgraph that nothing calls keeps untouched lifetimes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection
from typing import Literal
from typing import Mapping
from typing import Sequence

from ..errors import ModelError
from ..errors import UnsupportedOpError
from ..parse.model import Operator
from ..parse.model import Subgraph
from ..parse.model import Tensor

#: time of the subgraph's entry: inputs (and unproduced outputs) are created here
SUBGRAPH_ENTRY = -1
#: TFLM's "uninitialized lifetime" (-1 in its scope count), shifted like every
#: other time. A buffer that no operator and no subgraph input/output touches
#: keeps it, and TFLM still plans it with that lifetime.
UNTOUCHED = -2

# Bytes per element, by schema TensorType code, as TfLiteTypeSizeOf in
# tensorflow/lite/micro/memory_helpers.cc. INT4 counts one byte per element
# (TFLM plans unpacked int4). Types missing here make TFLM's allocation fail.
_TYPE_SIZES = {
    0: 4,    # FLOAT32
    1: 2,    # FLOAT16
    2: 4,    # INT32
    3: 1,    # UINT8
    4: 8,    # INT64
    6: 1,    # BOOL
    7: 2,    # INT16
    8: 8,    # COMPLEX64
    9: 1,    # INT8
    10: 8,   # FLOAT64
    11: 16,  # COMPLEX128
    12: 8,   # UINT64
    13: 4,   # RESOURCE
    15: 4,   # UINT32
    17: 1,   # INT4
}

# Builtin operators that run other subgraphs, and the options fields naming
# them in the order TFLM walks them (MarkSubgraphLifetimesIfNecessary).
_CONTROL_FLOW_OPS = {118: "IF", 119: "WHILE", 129: "CALL_ONCE"}
_CALLEE_FIELDS = {118: ("then_subgraph_index", "else_subgraph_index"),
                  119: ("cond_subgraph_index", "body_subgraph_index"),
                  129: ("init_subgraph_index",)}


@dataclass(frozen=True)
class BufferRequest:
    """One buffer for the planner: ``size`` bytes live from ``first_op`` to ``last_op``.

    ``size`` is the exact byte count; planners align it. Both ends of the
    lifetime are inclusive. ``offline_offset`` is a fixed offset from the
    model's offline plan, or None for the planner to choose.
    """

    name: str
    size: int
    first_op: int
    last_op: int
    offline_offset: int | None = None
    tensor_index: int | None = None
    kind: Literal["tensor", "scratch"] = "tensor"
    #: the subgraph owning the tensor (or the operator that asked for scratch)
    subgraph_index: int = 0
    #: for scratch: the operator (in its subgraph) that requested it
    op_index: int | None = None

    def overlaps_in_time(self, other: BufferRequest) -> bool:
        # Inclusive ends, as GreedyMemoryPlanner::DoesEntryOverlapInTime.
        return self.first_op <= other.last_op and other.first_op <= self.last_op


def tensor_byte_length(tensor: Tensor) -> int:
    """Bytes TFLM reserves for a tensor: element count times element size.

    As TfLiteEvalTensorByteLength (tensorflow/lite/micro/memory_helpers.cc);
    a scalar (empty shape) has one element.
    """
    if any(d < 0 for d in tensor.shape):
        raise ModelError(f"tensor {tensor.index} ({tensor.name!r}) has a dynamic shape "
                         f"{tensor.shape}; TFLM needs static shapes to plan memory")
    try:
        item = _TYPE_SIZES[tensor.type_code]
    except KeyError:
        raise ModelError(f"tensor {tensor.index} ({tensor.name!r}) has type code "
                         f"{tensor.type_code}, which TFLM cannot size") from None
    return tensor.num_elements * item


def _needs_arena(tensor: Tensor) -> bool:
    # TFLM plans a tensor that has no data in the model and is not a variable
    # (variables live in the persistent tail), provided it is not empty
    # (AllocationInfoBuilder::InitializeAllocationInfo; the size is checked
    # by the caller).
    return not tensor.is_constant and not tensor.is_variable


class _Lifetimes:
    """TFLM's first_created / last_used markers for each tensor of a subgraph."""

    def __init__(self, n: int):
        self.first = [UNTOUCHED] * n
        self.last = [UNTOUCHED] * n

    def created(self, i: int, t: int) -> None:
        # Only the first creation counts (AllocationInfoBuilder::UpdateFirstCreated).
        if self.first[i] == UNTOUCHED:
            self.first[i] = t

    def used(self, i: int, t: int) -> None:
        # Every use extends the lifetime (AllocationInfoBuilder::UpdateLastUsed).
        self.last[i] = t


def callees(op: Operator) -> tuple[int, ...]:
    """The subgraphs a control flow operator runs, in TFLM's order; () for other ops."""
    fields = _CALLEE_FIELDS.get(op.builtin_code)
    if not fields:
        return ()
    if op.options is None:
        raise ModelError(f"{_CONTROL_FLOW_OPS[op.builtin_code]} (operator {op.index}) has no "
                         "options naming the subgraphs it runs")
    return tuple(int(getattr(op.options, f)) for f in fields)


class _Timeline:
    """AllocationInfoBuilder::MarkAllocationLifetimes over one or more subgraphs."""

    def __init__(self, subgraphs: Sequence[Subgraph], follow_calls: bool):
        self.subgraphs = subgraphs
        self.follow_calls = follow_calls
        self.lives = [_Lifetimes(len(sg.tensors)) for sg in subgraphs]
        self.scratch: dict[tuple[int, int], list[int]] = {}   # (subgraph, op) -> [first, last]
        self.time = SUBGRAPH_ENTRY        # scope - 1
        self._stack: list[int] = []

    def mark(self, s: int) -> None:
        subgraph = self.subgraphs[s]
        life = self.lives[s]
        n = len(subgraph.tensors)

        def check_index(i: int, what: str) -> None:
            if not 0 <= i < n:
                raise ModelError(f"{what} refers to tensor {i}, but subgraph {subgraph.index} "
                                 f"has {n} tensors")

        self._stack.append(s)
        for i in subgraph.inputs:
            check_index(i, "a subgraph input")
            # An input exists from the entry, even if no operator reads it.
            life.created(i, self.time)
            life.used(i, self.time)
        for k, op in enumerate(subgraph.operators):
            self.time += 1
            for i in op.outputs:
                check_index(i, f"operator {k}'s output")
                life.created(i, self.time)
            start = self.time
            if op.builtin_code in _CONTROL_FLOW_OPS:
                if not self.follow_calls:
                    raise UnsupportedOpError(
                        f"{_CONTROL_FLOW_OPS[op.builtin_code]} (operator {k}): it runs other "
                        "subgraphs; plan the whole model (model_buffer_requests)")
                for callee in callees(op):
                    if not 0 <= callee < len(self.subgraphs):
                        raise ModelError(f"{op.op_name} (operator {k} of subgraph {s}) calls "
                                         f"subgraph {callee}, but the model has "
                                         f"{len(self.subgraphs)}")
                    if callee in self._stack:
                        raise ModelError(f"{op.op_name} (operator {k} of subgraph {s}) calls "
                                         f"subgraph {callee} recursively")
                    self.time += 1       # each called subgraph opens a scope
                    self.mark(callee)
            for i in op.inputs:
                if i < 0:           # an omitted optional input
                    continue
                check_index(i, f"operator {k}'s input")
                life.used(i, self.time)
            for i in op.outputs:
                life.used(i, self.time)
            # Scratch spans the operator and every subgraph it ran.
            span = self.scratch.setdefault((s, k), [start, start])
            span[1] = self.time
        # Outputs stay live to the end of the subgraph; one that nothing
        # produced is created there.
        for i in subgraph.outputs:
            check_index(i, "a subgraph output")
            life.created(i, self.time)
            life.used(i, self.time)
        self._stack.pop()


def _check_intermediates(subgraph: Subgraph) -> None:
    # TFLM refuses non-empty intermediate tensors
    # (AllocationInfoBuilder::ValidateSubgraph).
    for t, op in enumerate(subgraph.operators):
        for i in op.intermediates:
            if not 0 <= i < len(subgraph.tensors):
                raise ModelError(f"operator {t}'s intermediate refers to tensor {i}, but "
                                 f"subgraph {subgraph.index} has {len(subgraph.tensors)} tensors")
            tensor = subgraph.tensors[i]
            if tensor_byte_length(tensor) != 0:
                raise ModelError(f"operator {t} ({op.op_name}): intermediate tensor {i} "
                                 f"({tensor.name!r}) is not empty; TFLM does not support that")


def _tensor_requests(subgraph: Subgraph, s: int, life: _Lifetimes,
                     offline_offsets: Sequence[int] | None,
                     persistent: Collection[int]) -> list[BufferRequest]:
    requests = []
    prefix = "" if s == 0 else f"sg{s}/"
    for tensor in subgraph.tensors:
        if not _needs_arena(tensor) or tensor.index in persistent:
            continue
        size = tensor_byte_length(tensor)
        if size == 0:
            continue
        offline = None
        if offline_offsets is not None and offline_offsets[tensor.index] != -1:
            offline = int(offline_offsets[tensor.index])
        requests.append(BufferRequest(
            name=prefix + (tensor.name or f"tensor {tensor.index}"), size=size,
            first_op=life.first[tensor.index], last_op=life.last[tensor.index],
            offline_offset=offline, tensor_index=tensor.index, kind="tensor",
            subgraph_index=s))
    return requests


def _scratch_requests(subgraph: Subgraph, s: int, scratch_sizes: Mapping[int, Sequence[int]],
                      spans: Mapping[tuple[int, int], Sequence[int]]) -> list[BufferRequest]:
    requests = []
    n_ops = len(subgraph.operators)
    prefix = "" if s == 0 else f"sg{s} "
    for op_index in sorted(scratch_sizes):
        if not 0 <= op_index < n_ops:
            raise ValueError(f"scratch buffers requested for operator {op_index}, but "
                             f"subgraph {subgraph.index} has {n_ops} operators")
        # An operator of a subgraph that nothing runs has no lifetime in TFLM.
        first, last = spans.get((s, op_index), (UNTOUCHED, UNTOUCHED))
        for k, size in enumerate(scratch_sizes[op_index]):
            if size < 0:
                raise ValueError(f"operator {op_index} requested a negative scratch size {size}")
            # A scratch buffer lives during its operator only, and TFLM plans
            # it even when empty (needs_allocating is always true for scratch).
            requests.append(BufferRequest(
                name=f"scratch {prefix}op{op_index}.{k}", size=int(size),
                first_op=first, last_op=last, kind="scratch", subgraph_index=s,
                op_index=op_index))
    return requests


def buffer_requests(subgraph: Subgraph,
                    scratch_sizes: Mapping[int, Sequence[int]] = {},
                    offline_offsets: Sequence[int] | None = None,
                    persistent: Collection[int] = ()) -> list[BufferRequest]:
    """The buffers TFLM plans for ``subgraph`` (without control flow), in the order it adds them.

    ``scratch_sizes`` maps an operator index to the byte sizes of the scratch
    buffers its kernel requested, in request order. ``offline_offsets`` has
    one entry per tensor of the subgraph: a fixed arena offset, or -1 to let
    the planner choose. ``persistent`` lists tensors whose memory a kernel
    provided in Prepare (VAR_HANDLE's resource id): TFLM does not plan them.

    Order (micro_allocator.cc, CreatePlan): the planned tensors by tensor
    index, then the scratch buffers by operator, each operator's in the order
    requested (kernels request them in Prepare, which runs operator by operator).
    """
    tensors = subgraph.tensors
    if offline_offsets is not None and len(offline_offsets) != len(tensors):
        raise ModelError(f"the offline memory plan has {len(offline_offsets)} offsets but "
                         f"subgraph {subgraph.index} has {len(tensors)} tensors")
    _check_intermediates(subgraph)
    timeline = _Timeline([subgraph], follow_calls=False)
    timeline.mark(0)
    return (_tensor_requests(subgraph, 0, timeline.lives[0], offline_offsets, persistent)
            + _scratch_requests(subgraph, 0, scratch_sizes, timeline.scratch))


def model_buffer_requests(subgraphs: Sequence[Subgraph],
                          scratch_sizes: Mapping[int, Mapping[int, Sequence[int]]] = {},
                          offline_offsets: Sequence[int] | None = None,
                          persistent: Mapping[int, Collection[int]] = {}
                          ) -> list[BufferRequest]:
    """The buffers TFLM plans for a whole model (every subgraph, one timeline), in its order.

    ``scratch_sizes`` and ``persistent`` are keyed by subgraph index (then as
    in ``buffer_requests``). ``offline_offsets`` is the model's offline plan,
    one entry per tensor of the whole model; like TFLM
    (AllocationInfoBuilder::InitializeAllocationInfo) every subgraph reads it
    from its start, by its own tensor indices.

    Order: the tensors of subgraph 0, 1, ... (each by tensor index), then the
    scratch buffers by subgraph and operator: TFLM prepares the subgraphs in
    index order, and scratch requests are numbered as they are made.
    """
    total = sum(len(sg.tensors) for sg in subgraphs)
    if offline_offsets is not None and len(offline_offsets) != total:
        raise ModelError(f"the offline memory plan has {len(offline_offsets)} offsets but "
                         f"the model has {total} tensors")
    for sg in subgraphs:
        _check_intermediates(sg)
    timeline = _Timeline(subgraphs, follow_calls=True)
    if subgraphs:
        timeline.mark(0)
    requests: list[BufferRequest] = []
    for s, sg in enumerate(subgraphs):
        local = None if offline_offsets is None else offline_offsets[:len(sg.tensors)]
        requests += _tensor_requests(sg, s, timeline.lives[s], local, persistent.get(s, ()))
    for s, sg in enumerate(subgraphs):
        requests += _scratch_requests(sg, s, scratch_sizes.get(s, {}), timeline.scratch)
    return requests
