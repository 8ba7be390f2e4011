"""Arena memory planning, reproducing TFLM's planners offset for offset."""
from .buffers import SUBGRAPH_ENTRY, UNTOUCHED, BufferRequest, buffer_requests, tensor_byte_length
from .greedy import placement_order, plan_greedy
from .linear import plan_linear
from .offline import (METADATA_NAME, OfflinePlan, offline_offsets, parse_offline_allocation,
                      parse_offline_plan)
from .plan import (ARENA_ALIGNMENT, MemoryPlan, PlannedBuffer, align_up, check_offline_requests,
                   plan_memory, plan_model)

__all__ = [
    "ARENA_ALIGNMENT", "BufferRequest", "METADATA_NAME", "MemoryPlan", "OfflinePlan",
    "PlannedBuffer", "SUBGRAPH_ENTRY", "UNTOUCHED", "align_up", "buffer_requests",
    "check_offline_requests", "offline_offsets", "parse_offline_allocation",
    "parse_offline_plan", "placement_order", "plan_greedy", "plan_linear", "plan_memory",
    "plan_model", "tensor_byte_length",
]
