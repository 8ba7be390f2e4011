"""Arena memory planning, reproducing TFLM's planners offset for offset."""
from .buffers import SUBGRAPH_ENTRY
from .buffers import UNTOUCHED
from .buffers import BufferRequest
from .buffers import buffer_requests
from .buffers import callees
from .buffers import model_buffer_requests
from .buffers import tensor_byte_length
from .greedy import placement_order
from .greedy import plan_greedy
from .linear import plan_linear
from .offline import METADATA_NAME
from .offline import OfflinePlan
from .offline import offline_offsets
from .offline import parse_offline_allocation
from .offline import parse_offline_plan
from .plan import check_offline_requests
from .plan import plan_memory
from .plan import plan_model
from .plan import plan_requests
from .plan import plan_subgraphs
from .types import ARENA_ALIGNMENT
from .types import MemoryPlan
from .types import PlannedBuffer
from .types import align_up

__all__ = [
    "ARENA_ALIGNMENT", "BufferRequest", "METADATA_NAME", "MemoryPlan", "OfflinePlan",
    "PlannedBuffer", "SUBGRAPH_ENTRY", "UNTOUCHED", "align_up", "buffer_requests",
    "callees", "check_offline_requests", "model_buffer_requests", "offline_offsets",
    "parse_offline_allocation",
    "parse_offline_plan", "placement_order", "plan_greedy", "plan_linear", "plan_memory",
    "plan_model", "plan_requests", "plan_subgraphs", "tensor_byte_length",
]
