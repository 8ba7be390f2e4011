"""Executed instructions per MAC of the conv / depthwise / fully connected kernels under QEMU.

    python tools/qemu_icount.py                         # M4 (mps2-an386) and M7 (mps2-an500), -O2
    python tools/qemu_icount.py --board mps2-an386 --opt Os
    python tools/qemu_icount.py --opt O2 --opt Os --no-dsp   # the portable C on the same cores

See cortex_m/icount.py for the method (``-d in_asm,exec,nochain`` block counts).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interpreter.deploy.toolchain import BOARDS  # noqa: E402
from interpreter.deploy.toolchain import missing_tools  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--board", action="append", choices=sorted(BOARDS))
    p.add_argument("--opt", action="append", choices=["Os", "O2"])
    p.add_argument("--no-dsp", action="store_true",
                   help="build with TNN_NO_DSP: the portable C instead of the DSP-extension path")
    p.add_argument("--write-docs", action="store_true", help="put the table in docs/CORTEX_M.md")
    a = p.parse_args(argv)
    why = missing_tools()
    if why:
        print(f"qemu_icount: {why}", file=sys.stderr)
        return 2
    from cortex_m.icount import measure
    boards = a.board or ["mps2-an386", "mps2-an500"]
    opts = a.opt or ["O2"]
    if a.no_dsp and a.write_docs:
        p.error("--write-docs writes the table of the kernels as built (without --no-dsp)")
    defines = ("TNN_NO_DSP=1",) if a.no_dsp else ()
    results = {(b, o): measure(b, o, defines=defines) for b in boards for o in opts}
    cols = [f"{BOARDS[b].core} -{o}" for b, o in results]
    first = next(iter(results.values()))
    lines = ["| layer | kernel | MACs | " + " | ".join(f"{c} instr (instr/MAC)" for c in cols) + " |",
             "|---|---|---:|" + "---:|" * len(cols)]
    for i, row in enumerate(first):
        cells = [f"{r[i].instructions:,} (**{r[i].per_mac:.2f}**)" for r in results.values()]
        lines.append(f"| {row.label} | `{row.function}` | {row.macs:,} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if a.write_docs:
        doc = Path(__file__).resolve().parents[1] / "docs" / "CORTEX_M.md"
        begin, end = "<!-- icount table begin -->", "<!-- icount table end -->"
        text = doc.read_text()
        head, rest = text.split(begin, 1)
        doc.write_text(head + begin + "\n" + table + "\n" + end + rest.split(end, 1)[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
