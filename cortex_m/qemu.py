"""Build bare-metal test images of the C kernels and run them under qemu-system-arm.

One image per board: cortex_m/startup.c (vector table, reset handler),
cortex_m/harness.c (the runner), the generated cases (cortex_m/vectors.py) and
every kernel in kernels_c/src, linked with the board's script in
cortex_m/boards/ against newlib with semihosting (``--specs=rdimon.specs``).
QEMU runs it with ``-semihosting-config enable=on,target=native -nographic``
and is killed after a timeout; the runner prints one line per case and a
``TNN-RESULT cases=N failed=M`` line, and exits non-zero on a mismatch.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .toolchain import (
    BOARDS,
    BOARDS_DIR,
    HARNESS,
    INCLUDE,
    cflags,
    compile_objects,
    qemu,
    run,
    tool,
)


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
    for src in (HARNESS / "startup.c", HARNESS / "harness.c", out_dir / "cases.c"):
        obj = out_dir / (src.stem + ".o")
        run([gcc, *flags, "-c", src, "-o", obj])
        objs.append(obj)
    elf = out_dir / f"{board}.elf"
    run([gcc, *cflags(b.core, opt), "--specs=rdimon.specs", "-nostartfiles",
         f"-L{BOARDS_DIR}", "-T", BOARDS_DIR / b.linker_script, "-Wl,--gc-sections",
         *objs, "-o", elf])
    return elf


def qemu_command(board: str, elf: Path, extra: list[str] = ()) -> list[str]:
    return [qemu(), "-M", BOARDS[board].machine, "-nographic", "-monitor", "none",
            "-serial", "null", "-semihosting-config", "enable=on,target=native",
            "-kernel", str(elf), *extra]


def run_image(board: str, elf: Path, timeout: float = 60.0, extra: list[str] = ()) -> RunResult:
    try:
        p = subprocess.run(qemu_command(board, elf, list(extra)), capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        rc, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:   # subprocess.run kills the child
        rc = None
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        out += f"\n[killed after {timeout} s]"
    cases = [(int(i), name, int(bad))
             for i, name, bad in re.findall(r"^case (\d+) (\S+) (-?\d+)$", out, flags=re.M)]
    m = re.search(r"^TNN-RESULT cases=(\d+) failed=(\d+)$", out, flags=re.M)
    return RunResult(board, rc, out, cases, int(m.group(1)) if m else None,
                     int(m.group(2)) if m else None)
