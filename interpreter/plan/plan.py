"""The planning entry points: buffer requests in, a checked ``MemoryPlan`` out."""
from __future__ import annotations

from typing import Collection
from typing import Literal
from typing import Mapping
from typing import Sequence

from ..errors import ModelError
from ..parse.model import Model
from ..parse.model import Subgraph
from .buffers import BufferRequest
from .buffers import buffer_requests
from .buffers import model_buffer_requests
from .greedy import plan_greedy
from .linear import plan_linear
from .offline import METADATA_NAME
from .offline import offline_offsets
from .offline import parse_offline_plan
from .types import ARENA_ALIGNMENT
from .types import MemoryPlan


def check_offline_requests(requests: Sequence[BufferRequest]) -> None:
    """Refuse an offline plan that puts two simultaneously live buffers in the same bytes.

    TFLM trusts the model here; a clash would corrupt tensors at run time, so
    it is reported as a model error before planning.
    """
    fixed = [r for r in requests if r.offline_offset is not None]
    for i, a in enumerate(fixed):
        for b in fixed[i + 1:]:
            if (a.overlaps_in_time(b) and a.size and b.size
                    and a.offline_offset < b.offline_offset + b.size
                    and b.offline_offset < a.offline_offset + a.size):
                raise ModelError(f"the offline memory plan puts {a.name!r} and {b.name!r} in "
                                 "overlapping memory while both are live")


def plan_requests(requests: Sequence[BufferRequest],
                  planner: Literal["greedy", "linear"] = "greedy") -> MemoryPlan:
    """Plan buffer requests with TFLM's greedy or linear planner, and verify the plan."""
    check_offline_requests(requests)
    if planner == "greedy":
        plan = plan_greedy(requests, ARENA_ALIGNMENT)
    elif planner == "linear":
        plan = plan_linear(requests, ARENA_ALIGNMENT)
    else:
        raise ValueError(f"unknown planner {planner!r}; expected 'greedy' or 'linear'")
    plan.check()
    return plan


def plan_memory(subgraph: Subgraph,
                scratch_sizes: Mapping[int, Sequence[int]] = {},
                offline_offsets: Sequence[int] | None = None,
                planner: Literal["greedy", "linear"] = "greedy",
                persistent: Collection[int] = ()) -> MemoryPlan:
    """Plan ``subgraph``'s arena as TFLM would, and verify the plan before returning it.

    ``scratch_sizes`` maps operator index to the byte sizes its kernel
    requested; ``offline_offsets`` (one per tensor, -1 = online) comes from
    the model's offline plan (see ``offline.offline_offsets``); ``persistent``
    lists tensors a kernel gave memory of its own in Prepare.
    """
    return plan_requests(buffer_requests(subgraph, scratch_sizes, offline_offsets, persistent),
                         planner)


def plan_subgraphs(subgraphs: Sequence[Subgraph],
                   scratch_sizes: Mapping[int, Mapping[int, Sequence[int]]] = {},
                   offline_offsets: Sequence[int] | None = None,
                   planner: Literal["greedy", "linear"] = "greedy",
                   persistent: Mapping[int, Collection[int]] = {}) -> MemoryPlan:
    """Plan every subgraph of a model in one arena and one timeline, as TFLM does.

    ``scratch_sizes`` and ``persistent`` are keyed by subgraph index;
    ``offline_offsets`` covers every tensor of the model (see
    ``buffers.model_buffer_requests``).
    """
    return plan_requests(model_buffer_requests(subgraphs, scratch_sizes, offline_offsets,
                                               persistent), planner)


def plan_model(model: Model, scratch_sizes: Mapping[int, Sequence[int]] = {},
               planner: Literal["greedy", "linear"] = "greedy", *,
               subgraph_scratch: Mapping[int, Mapping[int, Sequence[int]]] | None = None,
               persistent: Mapping[int, Collection[int]] = {}) -> MemoryPlan:
    """Plan a model (all its subgraphs), using its offline plan if it carries one.

    ``scratch_sizes`` is the main subgraph's scratch by operator;
    ``subgraph_scratch`` gives that of other subgraphs ({subgraph: {op: sizes}}).
    """
    if len(model.subgraphs) == 1:
        return plan_memory(model.main, scratch_sizes, offline_offsets(model, 0), planner,
                           persistent.get(0, ()))
    scratch = {0: scratch_sizes, **(subgraph_scratch or {})}
    offline = None
    if METADATA_NAME in model.metadata:
        offline = parse_offline_plan(bytes(model.metadata[METADATA_NAME])).offsets
    return plan_subgraphs(model.subgraphs, scratch, offline, planner, persistent)
