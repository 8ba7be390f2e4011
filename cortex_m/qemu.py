"""Build bare-metal test images of the C kernels and run them under qemu-system-arm.

One image per board: the start-up code of interpreter/deploy/runtime/
(vector table, reset handler), cortex_m/harness.c (the runner), the generated
cases (cortex_m/vectors.py) and every kernel in kernels_c/src, linked with the
board's script in interpreter/deploy/runtime/boards/ against newlib with
semihosting (``--specs=rdimon.specs``).
QEMU runs it with ``-semihosting-config enable=on,target=native -nographic``
and is killed after a timeout; the runner prints one line per case and a
``TNN-RESULT cases=N failed=M`` line, and exits non-zero on a mismatch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from interpreter.deploy.qemu import run_qemu
from interpreter.deploy.toolchain import BOARDS
from interpreter.deploy.toolchain import BOARDS_DIR
from interpreter.deploy.toolchain import INCLUDE
from interpreter.deploy.toolchain import RUNTIME
from interpreter.deploy.toolchain import cflags
from interpreter.deploy.toolchain import compile_objects
from interpreter.deploy.toolchain import run
from interpreter.deploy.toolchain import tool

HARNESS = Path(__file__).resolve().parent


@dataclass
class RunResult:
    board: str
    returncode: int | None      # None: killed by the timeout
    stdout: str
    cases: list[tuple[int, str, int]]   # (index, name, mismatching bytes)
    total: int | None
    failed: int | None

    @property
    def ok(self) -> bool:
        return (self.returncode == 0 and self.total is not None and self.failed == 0
                and len(self.cases) == self.total)


def build_image(board: str, cases_c: str, out_dir: Path, opt: str = "Os",
                rounding: str = "double", defines: tuple[str, ...] = ()) -> Path:
    """Compile and link the test image for ``board``; returns the ELF. ``defines``:
    extra -D macros for the kernels (e.g. ``TNN_NO_DSP=1``: the portable C on a DSP core)."""
    b = BOARDS[board]
    out_dir.mkdir(parents=True, exist_ok=True)
    defines = (("TNN_SINGLE_ROUNDING=1",) if rounding == "single" else ()) + tuple(defines)
    objs = compile_objects(b.core, opt, out_dir / "kernels", defines)
    gcc = tool("gcc")
    (out_dir / "cases.c").write_text(cases_c)
    flags = cflags(b.core, opt, defines) + [f"-I{HARNESS}", f"-I{INCLUDE}"]
    for src in (RUNTIME / "startup.c", HARNESS / "harness.c", out_dir / "cases.c"):
        obj = out_dir / (src.stem + ".o")
        run([gcc, *flags, "-c", src, "-o", obj])
        objs.append(obj)
    elf = out_dir / f"{board}.elf"
    run([gcc, *cflags(b.core, opt), "--specs=rdimon.specs", "-nostartfiles",
         f"-L{BOARDS_DIR}", "-T", BOARDS_DIR / b.linker_script, "-Wl,--gc-sections",
         *objs, "-o", elf])
    return elf


def run_image(board: str, elf: Path, timeout: float = 60.0, extra: list[str] = ()) -> RunResult:
    res = run_qemu(board, elf, timeout, extra)
    rc, out = res.returncode, res.output
    cases = [(int(i), name, int(bad))
             for i, name, bad in re.findall(r"^case (\d+) (\S+) (-?\d+)$", out, flags=re.M)]
    m = re.search(r"^TNN-RESULT cases=(\d+) failed=(\d+)$", out, flags=re.M)
    return RunResult(board, rc, out, cases, int(m.group(1)) if m else None,
                     int(m.group(2)) if m else None)
