"""Per-op cost: host latency, MACs, bytes moved, and arena bytes live at each op."""
from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..parse.model import Operator
from ..parse.model import Subgraph
from ..plan import MemoryPlan
from .progress import Progress


def op_macs(node: Operator, subgraph: Subgraph) -> int:
    """Multiply-accumulates of one op (0 for ops without a multiply-accumulate core).

    CONV_2D: output elements x filter height x width x filter input channels;
    DEPTHWISE_CONV_2D: output elements x filter height x width; FULLY_CONNECTED:
    output elements x input features; BATCH_MATMUL: output elements x the shared
    dimension; TRANSPOSE_CONV: input elements x filter height x width x output
    channels; MUL: output elements.
    """
    t = subgraph.tensors
    name = node.op_name
    ins = [t[i] if i >= 0 else None for i in node.inputs]
    outs = [t[i] for i in node.outputs]
    if not outs:
        return 0
    out_n = outs[0].num_elements
    try:
        if name == "CONV_2D":
            _, kh, kw, kc = ins[1].shape
            return out_n * kh * kw * kc
        if name == "DEPTHWISE_CONV_2D":
            return out_n * ins[1].shape[1] * ins[1].shape[2]
        if name == "FULLY_CONNECTED":
            return out_n * ins[1].shape[-1]
        if name == "BATCH_MATMUL":
            adj_x = bool(getattr(node.options, "adj_x", False)) if node.options else False
            k = ins[0].shape[-2] if adj_x else ins[0].shape[-1]
            return out_n * k
        if name == "TRANSPOSE_CONV":
            oc, kh, kw, _ = ins[1].shape
            return ins[2].num_elements * kh * kw * oc
        if name == "MUL":
            return out_n
    except (AttributeError, IndexError, ValueError, TypeError):
        return 0
    return 0


def live_arena_bytes(plan: MemoryPlan, op_index: int) -> int:
    """Planned bytes (tensors and scratch) live while op ``op_index`` runs."""
    return sum(b.size for b in plan.buffers if b.first_op <= op_index <= b.last_op)


@dataclass
class OpProfile:
    index: int
    op_name: str
    seconds: float         # median host latency over the runs
    macs: int
    bytes_read: int        # all inputs, weights included
    bytes_written: int
    arena_live: int
    share: float           # of the total latency


def op_costs(subgraph: Subgraph, plan: MemoryPlan) -> list[OpProfile]:
    """The static columns (no timing yet)."""
    rows = []
    for node in subgraph.operators:
        rows.append(OpProfile(
            node.index, node.op_name, 0.0, op_macs(node, subgraph),
            sum(subgraph.tensors[i].nbytes for i in node.inputs if i >= 0),
            sum(subgraph.tensors[i].nbytes for i in node.outputs),
            live_arena_bytes(plan, node.index), 0.0))
    return rows


def profile(interp, runs: int = 10, inputs: Sequence[np.ndarray] | None = None,
            progress: Progress | None = None) -> list[OpProfile]:
    """Time every op over ``runs`` invocations (after one warm-up) and add the static costs."""
    if inputs is not None:
        for d, x in zip(interp.get_input_details(), inputs):
            interp.set_tensor(d["index"], x)
    interp.invoke()   # warm-up
    times = []
    for _ in range(max(1, runs)):
        times.append(interp.invoke_timed())
        if progress is not None:
            progress.update()
    med = np.median(np.array(times), axis=0)
    rows = op_costs(interp.model.main, interp.memory_plan())
    total = float(med.sum()) or 1.0
    for r, s in zip(rows, med):
        r.seconds = float(s)
        r.share = float(s) / total
    return rows


def totals(rows: Sequence[OpProfile]) -> dict:
    return {"seconds": sum(r.seconds for r in rows), "macs": sum(r.macs for r in rows),
            "bytes_read": sum(r.bytes_read for r in rows),
            "bytes_written": sum(r.bytes_written for r in rows),
            "arena_peak_live": max((r.arena_live for r in rows), default=0)}


def format_table(rows: Sequence[OpProfile], arena_bytes: int | None = None) -> str:
    lines = [f"{'#':>4}  {'op':<22} {'latency ms':>10} {'share':>6} {'MACs':>11} "
             f"{'read B':>9} {'written B':>9} {'arena live B':>12}"]
    for r in rows:
        lines.append(f"{r.index:>4}  {r.op_name[:22]:<22} {r.seconds * 1e3:>10.3f} "
                     f"{r.share * 100:>5.1f}% {r.macs:>11,} {r.bytes_read:>9,} "
                     f"{r.bytes_written:>9,} {r.arena_live:>12,}")
    t = totals(rows)
    lines.append(f"{'':>4}  {'total':<22} {t['seconds'] * 1e3:>10.3f} {'100.0%':>6} "
                 f"{t['macs']:>11,} {t['bytes_read']:>9,} {t['bytes_written']:>9,} "
                 f"{t['arena_peak_live']:>12,}  (peak live"
                 + (f"; arena {arena_bytes:,} B)" if arena_bytes is not None else ")"))
    return "\n".join(lines)


def to_dict(rows: Sequence[OpProfile]) -> dict:
    return {"ops": [asdict(r) for r in rows], "totals": totals(rows)}
