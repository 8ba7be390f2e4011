"""The Cortex-M cores and QEMU boards, and the arm-none-eabi build steps.

Nothing here is tied to a machine: the tools are found on PATH
(``arm-none-eabi-gcc``, ``arm-none-eabi-size``, ``qemu-system-arm``), or named by
the environment variables ``TINYML_ARM_PREFIX`` (e.g. ``/opt/arm/bin/arm-none-eabi-``)
and ``TINYML_QEMU_ARM``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .sources import kernel_tree

#: the kernel tree to build (TINYML_KERNELS_C: another checkout's kernels_c/, e.g. a snapshot)
KERNELS = Path(os.environ.get("TINYML_KERNELS_C") or kernel_tree()).resolve()
INCLUDE = KERNELS / "include"
SOURCES = KERNELS / "src"
#: the bare-metal start-up code and the boards' linker scripts
RUNTIME = Path(__file__).resolve().parent / "runtime"
BOARDS_DIR = RUNTIME / "boards"

#: -mcpu / FPU flags per core name (the names ``tinyml analyze --cpu`` takes)
CORES: dict[str, list[str]] = {
    "cortex-m0plus": ["-mcpu=cortex-m0plus", "-mfloat-abi=soft"],
    "cortex-m3": ["-mcpu=cortex-m3", "-mfloat-abi=soft"],
    "cortex-m4": ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"],
    "cortex-m4-nofpu": ["-mcpu=cortex-m4+nofp", "-mfloat-abi=soft"],
    "cortex-m7": ["-mcpu=cortex-m7", "-mfpu=fpv5-d16", "-mfloat-abi=hard"],
    "cortex-m33": ["-mcpu=cortex-m33", "-mfpu=fpv5-sp-d16", "-mfloat-abi=hard"],
    "cortex-m55": ["-mcpu=cortex-m55", "-mfpu=auto", "-mfloat-abi=hard"],
}
WARNINGS = ["-Wall", "-Wextra", "-Werror", "-std=c99", "-pedantic"]
COMMON = ["-mthumb", "-ffunction-sections", "-fdata-sections"]


@dataclass(frozen=True)
class Board:
    machine: str      # qemu-system-arm -M
    core: str         # a key of CORES
    linker_script: str


#: QEMU boards, one per core that QEMU emulates (no Cortex-M0+ board in QEMU)
BOARDS: dict[str, Board] = {
    "mps2-an385": Board("mps2-an385", "cortex-m3", "mps2.ld"),
    "mps2-an386": Board("mps2-an386", "cortex-m4", "mps2.ld"),
    "mps2-an500": Board("mps2-an500", "cortex-m7", "mps2.ld"),
    "mps2-an505": Board("mps2-an505", "cortex-m33", "mps2_an505.ld"),
    "mps3-an547": Board("mps3-an547", "cortex-m55", "mps3_an547.ld"),
}


class ToolMissing(RuntimeError):
    pass


def tool(name: str) -> str:
    """Path of an arm-none-eabi tool (``gcc``, ``size``, ...), or ToolMissing."""
    prefix = os.environ.get("TINYML_ARM_PREFIX", "arm-none-eabi-")
    found = shutil.which(prefix + name)
    if not found:
        raise ToolMissing(f"{prefix}{name} not found (Debian: apt-get install gcc-arm-none-eabi "
                          f"libnewlib-arm-none-eabi)")
    return found


def qemu() -> str:
    found = shutil.which(os.environ.get("TINYML_QEMU_ARM", "qemu-system-arm"))
    if not found:
        raise ToolMissing("qemu-system-arm not found (Debian: apt-get install qemu-system-arm)")
    return found


def missing_tools() -> str | None:
    """None when the cross toolchain, newlib's rdimon and QEMU are all there, else why not."""
    try:
        gcc = tool("gcc")
        tool("size")
        qemu()
    except ToolMissing as e:
        return str(e)
    lib = subprocess.run([gcc, "-mthumb", "-mcpu=cortex-m3", "-print-file-name=librdimon.a"],
                         capture_output=True, text=True).stdout.strip()
    if not lib or not Path(lib).is_file():
        return "newlib's librdimon.a not found (Debian: apt-get install libnewlib-arm-none-eabi)"
    return None


def kernel_sources() -> list[Path]:
    return sorted(SOURCES.glob("*.c"))


def cflags(core: str, opt: str = "Os", defines: tuple[str, ...] = ()) -> list[str]:
    return (COMMON + CORES[core] + [f"-{opt}"] + WARNINGS + [f"-I{INCLUDE}"]
            + [f"-D{d}" for d in defines])


def run(cmd: list[str], cwd: Path | None = None) -> str:
    """Run a build command; a failure raises with the command and its full output."""
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0 or p.stderr.strip():
        # -Werror makes warnings errors; anything on stderr (notes, linker warnings) counts too
        if p.returncode != 0:
            raise RuntimeError(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n"
                               f"{p.stdout}{p.stderr}")
        raise RuntimeError(f"command printed diagnostics: {' '.join(map(str, cmd))}\n{p.stderr}")
    return p.stdout


def compile_objects(core: str, opt: str, out_dir: Path, defines: tuple[str, ...] = (),
                    jobs: int | None = None) -> list[Path]:
    """Compile every kernel source for ``core``; returns the object files."""
    from concurrent.futures import ThreadPoolExecutor
    out_dir.mkdir(parents=True, exist_ok=True)
    gcc = tool("gcc")
    flags = cflags(core, opt, defines)

    def one(src: Path) -> Path:
        obj = out_dir / (src.stem + ".o")
        run([gcc, *flags, "-c", src, "-o", obj])
        return obj

    with ThreadPoolExecutor(jobs or os.cpu_count() or 1) as pool:
        return list(pool.map(one, kernel_sources()))


def berkeley_size(paths: list[Path]) -> dict[str, tuple[int, int, int]]:
    """{file name: (text incl. rodata, data, bss)} from ``arm-none-eabi-size`` (Berkeley format)."""
    out = run([tool("size"), "-B", *paths])
    sizes = {}
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 6:
            sizes[Path(parts[5]).name] = (int(parts[0]), int(parts[1]), int(parts[2]))
    return sizes
