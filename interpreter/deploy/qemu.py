"""Running bare-metal images under qemu-system-arm.

The image talks through Arm semihosting (``-semihosting-config
enable=on,target=native``): its console is QEMU's stdout, its files are the
host's (relative to QEMU's working directory), and its exit status is QEMU's.
A run that does not finish in time is killed.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .toolchain import BOARDS
from .toolchain import qemu


@dataclass
class QemuRun:
    returncode: int | None      # None: killed by the timeout
    output: str                 # stdout and stderr


def qemu_command(board: str, elf: Path, extra=()) -> list[str]:
    return [qemu(), "-M", BOARDS[board].machine, "-nographic", "-monitor", "none",
            "-serial", "null", "-semihosting-config", "enable=on,target=native",
            "-kernel", str(elf), *extra]


def run_qemu(board: str, elf: Path, timeout: float = 60.0, extra=(), cwd: Path | None = None
             ) -> QemuRun:
    try:
        p = subprocess.run(qemu_command(board, elf, list(extra)), capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL, cwd=cwd)
        return QemuRun(p.returncode, p.stdout + p.stderr)
    except subprocess.TimeoutExpired as e:   # subprocess.run kills the child
        out = e.stdout or b""
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        return QemuRun(None, out + f"\n[killed after {timeout} s]")
