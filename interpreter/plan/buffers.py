"""Which arena buffers a subgraph needs, how big, and when each is live.

This is TFLM's ``AllocationInfoBuilder``
(tensorflow/lite/micro/micro_allocation_info.cc) for a subgraph without
control flow, feeding ``CreatePlan`` (tensorflow/lite/micro/micro_allocator.cc).

Time is counted in operator indices. TFLM counts "allocation scopes": scope 0
is the subgraph's entry and operator ``i`` runs in scope ``i + 1``. Here a
lifetime is stored as ``scope - 1``, so operator ``i`` is time ``i`` and the
subgraph's entry is ``SUBGRAPH_ENTRY`` (-1). The shift is uniform, so which
buffers overlap in time, and therefore the plan, is unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping, Sequence

from ..errors import ModelError, UnsupportedOpError
from ..parse.model import Subgraph, Tensor

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

# Builtin operators that run other subgraphs. TFLM then interleaves the
# lifetimes of several subgraphs in one timeline, which is not reproduced here.
_CONTROL_FLOW_OPS = {118: "IF", 119: "WHILE", 129: "CALL_ONCE"}


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


def _mark_lifetimes(subgraph: Subgraph) -> _Lifetimes:
    """Walk the subgraph as AllocationInfoBuilder::MarkAllocationLifetimes does."""
    n = len(subgraph.tensors)

    def check_index(i: int, what: str) -> None:
        if not 0 <= i < n:
            raise ModelError(f"{what} refers to tensor {i}, but subgraph {subgraph.index} "
                             f"has {n} tensors")

    life = _Lifetimes(n)
    for i in subgraph.inputs:
        check_index(i, "a subgraph input")
        # An input exists from the entry, even if no operator reads it.
        life.created(i, SUBGRAPH_ENTRY)
        life.used(i, SUBGRAPH_ENTRY)
    for t, op in enumerate(subgraph.operators):
        if op.builtin_code in _CONTROL_FLOW_OPS:
            raise UnsupportedOpError(
                f"{_CONTROL_FLOW_OPS[op.builtin_code]} (operator {t}): memory planning "
                "across subgraphs (control flow) is not implemented")
        for i in op.outputs:
            check_index(i, f"operator {t}'s output")
            life.created(i, t)
        for i in op.inputs:
            if i < 0:           # an omitted optional input
                continue
            check_index(i, f"operator {t}'s input")
            life.used(i, t)
        for i in op.outputs:
            life.used(i, t)
    # Outputs stay live to the end of the subgraph; one that nothing produced
    # is created there.
    end = len(subgraph.operators) - 1
    for i in subgraph.outputs:
        check_index(i, "a subgraph output")
        life.created(i, end)
        life.used(i, end)
    return life


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


def buffer_requests(subgraph: Subgraph,
                    scratch_sizes: Mapping[int, Sequence[int]] = {},
                    offline_offsets: Sequence[int] | None = None) -> list[BufferRequest]:
    """The buffers TFLM plans for ``subgraph``, in the order it adds them.

    ``scratch_sizes`` maps an operator index to the byte sizes of the scratch
    buffers its kernel requested, in request order. ``offline_offsets`` has
    one entry per tensor of the subgraph: a fixed arena offset, or -1 to let
    the planner choose.

    Order (micro_allocator.cc, CreatePlan): the planned tensors by tensor
    index, then the scratch buffers by operator, each operator's in the order
    requested (kernels request them in Prepare, which runs operator by operator).
    """
    tensors = subgraph.tensors
    if offline_offsets is not None and len(offline_offsets) != len(tensors):
        raise ModelError(f"the offline memory plan has {len(offline_offsets)} offsets but "
                         f"subgraph {subgraph.index} has {len(tensors)} tensors")
    _check_intermediates(subgraph)
    life = _mark_lifetimes(subgraph)

    requests: list[BufferRequest] = []
    for tensor in tensors:
        if not _needs_arena(tensor):
            continue
        size = tensor_byte_length(tensor)
        if size == 0:
            continue
        offline = None
        if offline_offsets is not None and offline_offsets[tensor.index] != -1:
            offline = int(offline_offsets[tensor.index])
        requests.append(BufferRequest(
            name=tensor.name or f"tensor {tensor.index}", size=size,
            first_op=life.first[tensor.index], last_op=life.last[tensor.index],
            offline_offset=offline, tensor_index=tensor.index, kind="tensor"))

    n_ops = len(subgraph.operators)
    for op_index in sorted(scratch_sizes):
        if not 0 <= op_index < n_ops:
            raise ValueError(f"scratch buffers requested for operator {op_index}, but "
                             f"subgraph {subgraph.index} has {n_ops} operators")
        for k, size in enumerate(scratch_sizes[op_index]):
            if size < 0:
                raise ValueError(f"operator {op_index} requested a negative scratch size {size}")
            # A scratch buffer lives during its operator only, and TFLM plans
            # it even when empty (needs_allocating is always true for scratch).
            requests.append(BufferRequest(
                name=f"scratch op{op_index}.{k}", size=int(size),
                first_op=op_index, last_op=op_index, kind="scratch"))
    return requests
