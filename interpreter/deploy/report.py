"""What a firmware run costs on its board: the per-operator table of ``tinyml profile
--board`` and the totals of the cost table (docs/DEPLOY.md)."""
from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass

from ..debug.profile import op_macs
from .firmware import FirmwareRun


@dataclass
class OpCost:
    index: int
    op_name: str
    function: str
    variant: str
    macs: int
    instructions: int

    @property
    def per_mac(self) -> float | None:
        return self.instructions / self.macs if self.macs else None


def op_costs(run: FirmwareRun, subgraph) -> list[OpCost]:
    return [OpCost(op.index, op.op_name, op.function, op.variant,
                   op_macs(subgraph.operators[op.index], subgraph), n)
            for op, n in zip(run.gen.ops, run.instructions)]


def totals(run: FirmwareRun, subgraph) -> dict:
    rows = op_costs(run, subgraph)
    size = run.size
    out = {"board": run.board, "opt": run.opt, "ops": len(rows),
           "macs": sum(r.macs for r in rows), "instructions": run.total_instructions,
           "arena_bytes": run.gen.arena_bytes, "stack_bytes": run.stack_bytes}
    if size is not None:
        out.update({"flash_bytes": size.flash, "constant_bytes": size.constants,
                    "code_bytes": size.flash - size.constants, "ram_bytes": size.ram,
                    "ram_with_stack_bytes": size.ram + run.stack_bytes})
    return out


def format_table(run: FirmwareRun, subgraph, title: str) -> str:
    rows = op_costs(run, subgraph)
    t = totals(run, subgraph)
    lines = [title,
             f"{'#':>4}  {'op':<22} {'kernel':<32} {'variant':<8} {'MACs':>11} "
             f"{'instructions':>13} {'instr/MAC':>9}"]
    for r in rows:
        per = f"{r.per_mac:9.2f}" if r.per_mac is not None else f"{'':>9}"
        lines.append(f"{r.index:>4}  {r.op_name:<22} {r.function:<32} {r.variant:<8} "
                     f"{r.macs:>11,} {r.instructions:>13,} {per}")
    per = f"{t['instructions'] / t['macs']:9.2f}" if t["macs"] else ""
    lines.append(f"{'':>4}  {'total':<22} {'':<32} {'':<8} {t['macs']:>11,} "
                 f"{t['instructions']:>13,} {per}".rstrip())
    lines.append("instructions executed under QEMU -icount (not cycles: a lower bound of a "
                 "real core's cycles)")
    if "flash_bytes" in t:
        lines.append(f"flash {t['flash_bytes']:,} B (constants {t['constant_bytes']:,} B, code "
                     f"{t['code_bytes']:,} B); RAM {t['ram_bytes']:,} B (arena "
                     f"{t['arena_bytes']:,} B) + peak stack {t['stack_bytes']:,} B = "
                     f"{t['ram_with_stack_bytes']:,} B")
    lines.extend(f"note: {n}" for n in run.notes)
    return "\n".join(lines)


def to_dict(run: FirmwareRun, subgraph) -> dict:
    return {"totals": totals(run, subgraph),
            "ops": [asdict(r) | {"instructions_per_mac": r.per_mac}
                    for r in op_costs(run, subgraph)]}
