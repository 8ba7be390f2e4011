"""Pictures of a memory plan and of a profile: PNG (matplotlib, optional) and ASCII."""
from __future__ import annotations

import os
from typing import Sequence

from ..parse.model import Subgraph
from ..plan import MemoryPlan

SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class MissingMatplotlib(RuntimeError):
    """PNG output was asked for but matplotlib is not installed."""


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise MissingMatplotlib(
            "PNG output needs matplotlib, an optional extra: "
            "pip install 'tinyml-interpreter[plot]' (or: pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _short(name: str, n: int) -> str:
    return name if len(name) <= n else "..." + name[-(n - 3):]


def ascii_plan(plan: MemoryPlan, width: int = 72, height: int = 16) -> str:
    """The plan as a character grid: ops left to right, arena offset bottom (0) to top.

    Each buffer is drawn with the symbol of its row number in ``format_table``
    (0-9, a-z, A-Z, repeating); ``.`` is free arena.
    """
    if not plan.buffers or plan.arena_bytes == 0:
        return "(empty plan)"
    t0 = min(b.first_op for b in plan.buffers)
    t1 = max(b.last_op for b in plan.buffers)
    span = t1 - t0 + 1
    per_op = max(1, min(4, width // span))
    cols = min(width, span * per_op)
    row_bytes = plan.arena_bytes / height
    grid = [["."] * cols for _ in range(height)]
    for c in range(cols):
        op = t0 + c * span // cols
        for r in range(height):
            lo, hi = r * row_bytes, (r + 1) * row_bytes
            best, best_overlap = None, 0.0
            for n, b in enumerate(plan.buffers):
                if b.first_op <= op <= b.last_op and b.request.size > 0:
                    overlap = min(hi, b.offset + b.size) - max(lo, b.offset)
                    if overlap > best_overlap:
                        best, best_overlap = n, overlap
            if best is not None:
                grid[r][c] = SYMBOLS[best % len(SYMBOLS)]
    label_w = len(f"{plan.arena_bytes:,}")
    lines = [f"arena offset (bytes) vs operator ({t0}..{t1}); symbol = buffer # in the table"]
    for r in range(height - 1, -1, -1):
        label = f"{int((r + 1) * row_bytes):,}" if r in (height - 1, height // 2) else ""
        lines.append(f"{label:>{label_w}} |" + "".join(grid[r]))
    lines.append(f"{0:>{label_w}} +" + "-" * cols)
    axis = [" "] * cols
    for op in sorted({t0, t1, (t0 + t1) // 2}):
        c = (op - t0) * cols // span
        text = str(op)
        c = min(c, cols - len(text))
        axis[c:c + len(text)] = list(text)
    lines.append(" " * (label_w + 2) + "".join(axis) + "  (operator)")
    return "\n".join(lines)


def plan_png(plan: MemoryPlan, subgraph: Subgraph, path: str | os.PathLike,
             title: str = "") -> None:
    """One rectangle per buffer: x = operators it is live in, y = its bytes in the arena."""
    plt = _pyplot()
    from matplotlib.patches import Rectangle

    t0 = min((b.first_op for b in plan.buffers), default=0)
    t1 = max((b.last_op for b in plan.buffers), default=0)
    n_ops = len(subgraph.operators)
    fig_w = min(20.0, max(8.0, 0.35 * (t1 - t0 + 1) + 3))
    fig, ax = plt.subplots(figsize=(fig_w, 6.5), dpi=110)
    cmap = plt.get_cmap("tab20")
    for n, b in enumerate(plan.buffers):
        x, w = b.first_op - 0.45, b.last_op - b.first_op + 0.9
        color = "0.75" if b.kind == "scratch" else cmap(n % 20)
        ax.add_patch(Rectangle((x, b.offset), w, max(b.size, 1), facecolor=color,
                               edgecolor="black", linewidth=0.6,
                               hatch="//" if b.kind == "scratch" else None))
        label = f"#{b.tensor_index}" if b.kind == "tensor" else f"scratch {b.first_op}"
        # Label inside when the box is tall enough (>= 3.5% of the arena).
        if plan.arena_bytes and b.size / plan.arena_bytes >= 0.035:
            ax.text(x + w / 2, b.offset + b.size / 2, f"{label}\n{b.size:,} B",
                    ha="center", va="center", fontsize=7, clip_on=True)
    ax.set_xlim(t0 - 0.6, t1 + 0.6)
    ax.set_ylim(0, max(plan.arena_bytes, 1))
    ax.set_xlabel("operator")
    ax.set_ylabel("arena offset (bytes)")
    ticks = [i for i in range(max(t0, 0), t1 + 1)]
    if 0 < len(ticks) <= 40:
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{i} {subgraph.operators[i].op_name}" if i < n_ops else str(i)
                            for i in ticks], rotation=60, ha="right", fontsize=7)
    ax.grid(axis="y", linestyle=":", linewidth=0.5)
    ax.set_title(title or f"{plan.planner} plan: {len(plan.buffers)} buffers, "
                 f"arena {plan.arena_bytes:,} bytes (labels: tensor index)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def profile_png(rows: Sequence, path: str | os.PathLike, title: str = "") -> None:
    """Horizontal bars per op: host latency (ms) and MACs side by side."""
    plt = _pyplot()
    labels = [f"{r.index} {r.op_name}" for r in rows]
    y = list(range(len(rows)))
    fig, (a1, a2) = plt.subplots(1, 2, sharey=True, dpi=110,
                                 figsize=(11, max(3.0, 0.28 * len(rows) + 1.5)))
    a1.barh(y, [r.seconds * 1e3 for r in rows], color="tab:blue")
    a1.set_xlabel("host latency, median (ms)")
    a1.set_yticks(y)
    a1.set_yticklabels(labels, fontsize=7)
    a1.invert_yaxis()
    for yi, r in zip(y, rows):
        if r.share >= 0.05:
            a1.text(r.seconds * 1e3, yi, f" {r.share * 100:.0f}%", va="center", fontsize=7)
    a2.barh(y, [r.macs for r in rows], color="tab:orange")
    a2.set_xlabel("MACs")
    fig.suptitle(title or "per-op profile")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
