"""Arena memory planning, reproducing TFLM's planners offset for offset."""
from .buffers import (
                      SUBGRAPH_ENTRY,
                      UNTOUCHED,
                      BufferRequest,
                      buffer_requests,
                      callees,
                      model_buffer_requests,
                      tensor_byte_length,
)
from .greedy import placement_order, plan_greedy
from .linear import plan_linear
from .offline import (
                      METADATA_NAME,
                      OfflinePlan,
                      offline_offsets,
                      parse_offline_allocation,
                      parse_offline_plan,
)
from .plan import check_offline_requests, plan_memory, plan_model, plan_requests, plan_subgraphs
from .types import ARENA_ALIGNMENT, MemoryPlan, PlannedBuffer, align_up

__all__ = [
    "ARENA_ALIGNMENT", "BufferRequest", "METADATA_NAME", "MemoryPlan", "OfflinePlan",
    "PlannedBuffer", "SUBGRAPH_ENTRY", "UNTOUCHED", "align_up", "buffer_requests",
    "callees", "check_offline_requests", "model_buffer_requests", "offline_offsets",
    "parse_offline_allocation",
    "parse_offline_plan", "placement_order", "plan_greedy", "plan_linear", "plan_memory",
    "plan_model", "plan_requests", "plan_subgraphs", "tensor_byte_length",
]
