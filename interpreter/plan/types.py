"""What a memory plan is: where each buffer lives in the arena (the planners' output)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import PlanError
from .buffers import BufferRequest

#: TFLM's MicroArenaBufferAlignment() (tensorflow/lite/micro/micro_arena_constants.h)
ARENA_ALIGNMENT = 16


def align_up(n: int, alignment: int) -> int:
    """``n`` rounded up to a multiple of ``alignment`` (AlignSizeUp, memory_helpers.cc)."""
    return -(-n // alignment) * alignment


@dataclass(frozen=True)
class PlannedBuffer:
    """A request placed at ``offset``; ``size`` is its aligned size as planned."""

    request: BufferRequest
    offset: int
    size: int

    @property
    def name(self) -> str:
        return self.request.name

    @property
    def end(self) -> int:
        return self.offset + self.size

    # The request's fields, for callers that lay tensors out from the plan.
    @property
    def kind(self) -> str:
        return self.request.kind

    @property
    def tensor_index(self) -> int | None:
        return self.request.tensor_index

    @property
    def subgraph_index(self) -> int:
        return self.request.subgraph_index

    @property
    def op_index(self) -> int | None:
        return self.request.op_index

    @property
    def first_op(self) -> int:
        return self.request.first_op

    @property
    def last_op(self) -> int:
        return self.request.last_op

    def overlaps_in_memory(self, other: PlannedBuffer) -> bool:
        """Whether the bytes the two buffers really use intersect.

        Only the requested bytes count, not the alignment padding: an offline
        plan may put a buffer in another's padding, and TFLM accepts that.
        An empty buffer uses no bytes, whatever its offset.
        """
        a_end = self.offset + self.request.size
        b_end = other.offset + other.request.size
        return (self.request.size > 0 and other.request.size > 0
                and self.offset < b_end and other.offset < a_end)


@dataclass(frozen=True)
class MemoryPlan:
    """Offsets of every planned buffer, in the order the requests were added.

    ``arena_bytes`` is the planned size of the arena's non-persistent part:
    TFLM's "head", GetMaximumMemorySize() of its planner.
    """

    buffers: tuple[PlannedBuffer, ...]
    arena_bytes: int
    alignment: int = ARENA_ALIGNMENT
    planner: str = "greedy"

    # -- lookups -------------------------------------------------------------
    def tensor_offsets(self, subgraph: int = 0) -> dict[int, int]:
        """Arena offset of each planned tensor of ``subgraph``, by tensor index."""
        return {b.request.tensor_index: b.offset for b in self.buffers
                if b.request.kind == "tensor" and b.request.subgraph_index == subgraph}

    def scratch_offsets(self, subgraph: int = 0) -> dict[int, list[int]]:
        """Arena offsets of ``subgraph``'s scratch buffers, by operator index, in request order."""
        out: dict[int, list[int]] = {}
        for b in self.buffers:
            r = b.request
            if r.kind == "scratch" and r.subgraph_index == subgraph:
                op = r.op_index if r.op_index is not None else r.first_op
                out.setdefault(op, []).append(b.offset)
        return out

    # -- invariants ----------------------------------------------------------
    def check(self) -> None:
        """Raise PlanError unless every buffer fits, is aligned, and no two live buffers collide.

        Alignment is only required when the offline offsets are aligned: TFLM
        accepts any offline offset, and its greedy planner then starts online
        buffers at the ends of offline ones, aligned or not.
        """
        check_alignment = all(b.request.offline_offset % self.alignment == 0
                              for b in self.buffers if b.request.offline_offset is not None)
        for b in self.buffers:
            r = b.request
            if b.offset < 0 or b.end > self.arena_bytes:
                raise PlanError(f"{r.name!r} at [{b.offset}, {b.end}) lies outside the "
                                f"arena of {self.arena_bytes} bytes")
            if b.size < r.size:
                raise PlanError(f"{r.name!r} got {b.size} bytes but needs {r.size}")
            if r.offline_offset is not None:
                if b.offset != r.offline_offset:
                    raise PlanError(f"{r.name!r} is at {b.offset}, not at its offline "
                                    f"offset {r.offline_offset}")
            elif check_alignment and b.offset % self.alignment:
                raise PlanError(f"{r.name!r} at {b.offset} is not aligned to {self.alignment}")
        for i, a in enumerate(self.buffers):
            for b in self.buffers[i + 1:]:
                if a.request.overlaps_in_time(b.request) and a.overlaps_in_memory(b):
                    raise PlanError(
                        f"{a.name!r} [{a.offset}, {a.end}) and {b.name!r} [{b.offset}, {b.end}) "
                        f"share memory while both live (ops {a.request.first_op}..."
                        f"{a.request.last_op} and {b.request.first_op}...{b.request.last_op})")

    # -- output ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        multi = any(b.request.subgraph_index for b in self.buffers)
        return {
            "planner": self.planner,
            "alignment": self.alignment,
            "arena_bytes": self.arena_bytes,
            "buffers": [{
                "name": b.name,
                "kind": b.request.kind,
                "tensor_index": b.request.tensor_index,
                "offset": b.offset,
                "size": b.size,
                "requested_size": b.request.size,
                "first_op": b.request.first_op,
                "last_op": b.request.last_op,
                "offline_offset": b.request.offline_offset,
                # only for models with control flow, where several subgraphs are planned
                **({"subgraph": b.request.subgraph_index} if multi else {}),
            } for b in self.buffers],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def format_table(self, lifetimes: bool = True, name_width: int = 40,
                     bar_width: int = 64) -> str:
        """A text table of the plan; with ``lifetimes``, a bar shows when each buffer is live.

        Bar columns are operator indices from the earliest to the latest time
        in the plan (the first column is the subgraph entry when inputs are
        planned); when there are more than ``bar_width`` of them, each column
        covers several and is marked if the buffer is live in any of them.
        """
        header = (f"{'#':>3}  {'name':<{name_width}}  {'kind':<7}  {'offset':>8}  "
                  f"{'size':>8}  {'first':>5}  {'last':>5}")
        t0 = min((b.request.first_op for b in self.buffers), default=0)
        t1 = max((b.request.last_op for b in self.buffers), default=0)
        span = t1 - t0 + 1
        step = max(1, -(-span // bar_width))
        if lifetimes:
            header += f"  lifetime (ops {t0}..{t1}" + (f", {step} per column)" if step > 1 else ")")
        title = f"{self.planner} plan: {len(self.buffers)} buffers, arena {self.arena_bytes} bytes"
        lines = [title, header]
        for n, b in enumerate(self.buffers):
            r = b.request
            name = r.name if len(r.name) <= name_width else r.name[:name_width - 3] + "..."
            line = (f"{n:>3}  {name:<{name_width}}  {r.kind:<7}  {b.offset:>8}  {b.size:>8}  "
                    f"{r.first_op:>5}  {r.last_op:>5}")
            if lifetimes:
                cols = range(t0, t1 + 1, step)
                line += "  " + "".join(
                    "#" if r.first_op <= c + step - 1 and c <= r.last_op else "."
                    for c in cols)
            lines.append(line.rstrip())
        return "\n".join(lines)
