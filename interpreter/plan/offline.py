"""The offline memory plan a model may carry in its "OfflineMemoryAllocation" metadata.

Format (tensorflow/lite/micro/docs/memory_management.md, read by
AllocationInfoBuilder::GetOfflinePlannedOffsets in
tensorflow/lite/micro/micro_allocation_info.cc): little-endian int32 words

    version, number of subgraphs, n, offset of tensor 0, ..., offset of tensor n-1

where n counts the tensors of all subgraphs, concatenated in subgraph order,
and an offset of -1 leaves that tensor to the runtime planner. TFLM ignores
the first two words and only checks that n equals the model's tensor count.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from ..parse.model import Model

METADATA_NAME = "OfflineMemoryAllocation"
ONLINE = -1     # TFLM's kOnlinePlannedBuffer
_HEADER_WORDS = 3


@dataclass(frozen=True)
class OfflinePlan:
    version: int
    subgraph_count: int
    offsets: tuple[int, ...]    # one per tensor of the model, subgraph after subgraph


def parse_offline_plan(raw: bytes) -> OfflinePlan:
    """Decode the metadata buffer, raising ModelError if it is malformed.

    TFLM reads it without bounds checks; here a buffer that is not whole
    int32 words, too short for its own count, or longer than it, is refused,
    as is an offset below -1.
    """
    if len(raw) % 4 != 0 or len(raw) < 4 * _HEADER_WORDS:
        raise ModelError(f"{METADATA_NAME} metadata has {len(raw)} bytes; expected a "
                         f"header of {_HEADER_WORDS} int32 words and then whole int32 words")
    words = np.frombuffer(raw, dtype="<i4")
    version, subgraph_count, count = (int(w) for w in words[:_HEADER_WORDS])
    offsets = tuple(int(w) for w in words[_HEADER_WORDS:])
    if count != len(offsets):
        raise ModelError(f"{METADATA_NAME} metadata announces {count} offsets but holds "
                         f"{len(offsets)}")
    bad = [(i, o) for i, o in enumerate(offsets) if o < ONLINE]
    if bad:
        i, o = bad[0]
        raise ModelError(f"{METADATA_NAME} metadata gives tensor {i} the offset {o}; "
                         "offsets must be >= 0, or -1 for runtime planning")
    return OfflinePlan(version=version, subgraph_count=subgraph_count, offsets=offsets)


def parse_offline_allocation(raw: bytes, tensor_count: int) -> tuple[int, ...]:
    """The per-tensor offsets of a single-subgraph model's offline plan.

    ``tensor_count`` is the number of tensors in the model, which TFLM
    requires the plan to match.
    """
    plan = parse_offline_plan(bytes(raw))
    if len(plan.offsets) != tensor_count:
        raise ModelError(f"{METADATA_NAME} metadata has {len(plan.offsets)} offsets but the "
                         f"model has {tensor_count} tensors")
    return plan.offsets


def offline_offsets(model: Model, subgraph_index: int = 0) -> tuple[int, ...] | None:
    """The offline offsets of one subgraph's tensors, or None if the model has no plan.

    TFLM requires one offset per tensor of the whole model.
    """
    raw = model.metadata.get(METADATA_NAME)
    if raw is None:
        return None
    plan = parse_offline_plan(bytes(raw))
    counts = [len(sg.tensors) for sg in model.subgraphs]
    if len(plan.offsets) != sum(counts):
        raise ModelError(f"{METADATA_NAME} metadata has {len(plan.offsets)} offsets but the "
                         f"model has {sum(counts)} tensors")
    start = sum(counts[:subgraph_index])
    return plan.offsets[start:start + counts[subgraph_index]]
