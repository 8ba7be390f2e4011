"""TFLM's default arena planner: largest buffers first, each in the first gap.

Reproduces GreedyMemoryPlanner
(tensorflow/lite/micro/memory_planner/greedy_memory_planner.cc), including
its order of placement, which decides the offsets whenever sizes tie.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Sequence

from .buffers import BufferRequest
from .types import MemoryPlan
from .types import PlannedBuffer
from .types import align_up


def placement_order(requests: Sequence[BufferRequest], sizes: Sequence[int]) -> list[int]:
    """Indices of ``requests`` in the order the greedy planner places them.

    ``sizes`` are the aligned sizes: TFLM sorts what it was given, which is
    already rounded up, so a 1-byte and a 16-byte buffer tie.

    Offline-planned buffers come first, in the order they were added. The
    online ones are written into TFLM's sort array from its far end, which
    reverses their order, and then sorted by size, largest first, with a
    stable bubble sort (ReverseSortInPlace). So equal sizes go in reverse
    order of addition: the last buffer added is placed first.
    """
    offline = [i for i, r in enumerate(requests) if r.offline_offset is not None]
    online = [i for i, r in enumerate(requests) if r.offline_offset is None]
    # Python's sort is stable, like the bubble sort: ties keep the reversed order.
    online_sorted = sorted(reversed(online), key=lambda i: -sizes[i])
    return offline + online_sorted


def _first_fit(req: BufferRequest, size: int, placed: list[tuple[int, int]],
               requests: Sequence[BufferRequest], sizes: Sequence[int]) -> int:
    """Lowest offset at or after which ``size`` bytes fit between the live buffers.

    ``placed`` is (offset, request index), sorted by offset as TFLM's linked
    list. Walking it in that order, only buffers live at the same time count;
    the candidate starts at 0 and moves past each one that leaves too small a
    gap (GreedyMemoryPlanner::CalculateOffsetsIfNeeded).
    """
    candidate = 0
    for offset, j in placed:
        if not req.overlaps_in_time(requests[j]):
            continue
        if offset - candidate >= size:
            break
        candidate = max(candidate, offset + sizes[j])
    return candidate


def plan_greedy(requests: Sequence[BufferRequest], alignment: int = 16) -> MemoryPlan:
    """Place ``requests`` as TFLM's GreedyMemoryPlanner does.

    Sizes are first rounded up to ``alignment`` (CreatePlan in
    tensorflow/lite/micro/micro_allocator.cc); offline offsets are used as
    given. The arena size is the highest end of any buffer
    (GetMaximumMemorySize), which TFLM reserves as the arena's head.
    """
    sizes = [align_up(r.size, alignment) for r in requests]
    offsets: list[int | None] = [None] * len(requests)
    placed: list[tuple[int, int]] = []    # (offset, request index), by offset
    for i in placement_order(requests, sizes):
        req = requests[i]
        if req.offline_offset is not None:
            offset = req.offline_offset
        else:
            offset = _first_fit(req, sizes[i], placed, requests, sizes)
        offsets[i] = offset
        # TFLM inserts a new entry after any entries at the same offset.
        pos = bisect_right([o for o, _ in placed], offset)
        placed.insert(pos, (offset, i))
    buffers = tuple(PlannedBuffer(r, o, s) for r, o, s in zip(requests, offsets, sizes))
    arena = max((b.end for b in buffers), default=0)
    return MemoryPlan(buffers=buffers, arena_bytes=arena, alignment=alignment, planner="greedy")
