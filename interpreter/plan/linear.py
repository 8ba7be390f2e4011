"""TFLM's linear arena planner: every buffer after the previous one, no reuse.

Reproduces LinearMemoryPlanner
(tensorflow/lite/micro/memory_planner/linear_memory_planner.cc). TFLM uses
it when every tensor must survive the whole invocation (the Python
runtime's "preserve all tensors" mode).
"""
from __future__ import annotations

from typing import Sequence

from ..errors import PlanError
from .buffers import BufferRequest
from .types import MemoryPlan
from .types import PlannedBuffer
from .types import align_up


def plan_linear(requests: Sequence[BufferRequest], alignment: int = 16) -> MemoryPlan:
    """Lay ``requests`` end to end in the order given; lifetimes are ignored."""
    buffers = []
    offset = 0
    for req in requests:
        if req.offline_offset is not None:
            # The linear planner does not implement the offline AddBuffer, whose
            # default in micro_memory_planner.h fails, so TFLM cannot allocate.
            raise PlanError(f"{req.name!r} has an offline offset; TFLM's linear planner "
                            "does not accept offline-planned buffers")
        size = align_up(req.size, alignment)
        buffers.append(PlannedBuffer(req, offset, size))
        offset += size
    return MemoryPlan(buffers=tuple(buffers), arena_bytes=offset, alignment=alignment,
                      planner="linear")
