"""Generated firmware on an emulated Cortex-M board: built, run, measured.

``run_firmware`` generates the model's C tree (``codegen``), compiles it with
``arm-none-eabi-gcc`` for the board's core together with the verification
harness (``runtime/verify_main.c``) and the inputs, runs it under
``qemu-system-arm`` and reads back what the harness reports over semihosting:

* every operator's outputs, written to a host file right after the operator
  ran, for each input set: compared with the golden model, op by op, by
  ``tinyml verify --against firmware``;
* the instructions each operator executed: QEMU runs with ``-icount`` (virtual
  time advances by 2^shift ns per executed instruction) and the harness reads
  SysTick, calibrated on a loop of known length, so ticks convert to executed
  instructions; QEMU does not model cycles, so these are instruction counts, a
  lower bound of a real core's cycles;
* the peak stack of one invoke (stack painting).

``model_size`` measures flash and RAM as the model costs them in a firmware
image: a minimal image that calls ``<prefix>_invoke()`` against the same image
without the model, both linked with ``--gc-sections``.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Sequence

import numpy as np

from .codegen import GeneratedModel
from .codegen import c_array_body
from .codegen import generate
from .qemu import run_qemu
from .toolchain import BOARDS
from .toolchain import BOARDS_DIR
from .toolchain import RUNTIME
from .toolchain import berkeley_size
from .toolchain import cflags
from .toolchain import run
from .toolchain import tool

#: QEMU -icount shift: 2^6 ns of virtual time per instruction (1.3 to 2 SysTick ticks per
#: instruction on the MPS2/MPS3 boards' 20-32 MHz clocks: sub-instruction resolution)
ICOUNT_SHIFT = 6

FIRMWARE_HOOKS = """/* tinyml_hooks.h - the verification harness's op-by-op hook (force-included). */
#include <stdint.h>
void tinyml_after_op(int32_t index);
#define TINYML_AFTER_OP(index) tinyml_after_op(index)
"""


class FirmwareError(RuntimeError):
    """The firmware could not be built or did not run to completion."""


class DoesNotFit(FirmwareError):
    """The image is larger than the board's flash or RAM."""


@dataclass
class ModelSize:
    """Bytes a generated model adds to a firmware image (kernels and libc helpers included)."""

    text: int          # code and constants (flash; weights included)
    data: int          # initialized RAM (its load image is in flash too)
    bss: int           # zeroed RAM (the arena)
    constants: int     # of text: the model's constant arrays (weights, multipliers, ...)

    @property
    def flash(self) -> int:
        return self.text + self.data

    @property
    def ram(self) -> int:
        return self.data + self.bss


@dataclass
class FirmwareRun:
    board: str
    opt: str
    status: int
    outputs: list[dict[int, bytes]]          # per input set: tensor index -> bytes written
    instructions: list[int]                  # per operator, one invoke
    stack_bytes: int
    gen: GeneratedModel
    log: str
    size: ModelSize | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total_instructions(self) -> int:
        return sum(self.instructions)


# -- building -----------------------------------------------------------------------------

def run_data_header(gen: GeneratedModel, input_sets: Sequence[Sequence[np.ndarray]]) -> str:
    """``tinyml_run_data.h``: the model's macros, the inputs and the op-output table."""
    p = gen.prefix
    lines = ["/* tinyml_run_data.h - generated per firmware run. */", "#include <stdint.h>",
             f'#include "{p}.h"', "",
             f"#define TINYML_ARENA {p}_arena", f"#define TINYML_INVOKE() {p}_invoke()",
             f"#define TINYML_RESET() {p}_reset()",
             f"#define TINYML_NUM_OPS {len(gen.ops)}",
             f"#define TINYML_NUM_INPUTS {len(gen.inputs)}",
             f"#define TINYML_NUM_SETS {len(input_sets)}", "",
             "typedef struct { const uint8_t *data; uint32_t offset; uint32_t bytes; } tinyml_input;",
             "typedef struct { uint32_t offset; uint32_t bytes; } tinyml_output;", ""]
    refs = []
    for s, inputs in enumerate(input_sets):
        if len(inputs) != len(gen.inputs):
            raise ValueError(f"the model has {len(gen.inputs)} inputs, input set {s} has "
                             f"{len(inputs)}")
        for i, (info, x) in enumerate(zip(gen.inputs, inputs)):
            raw = np.ascontiguousarray(x, info.dtype).reshape(-1).view(np.uint8)
            if raw.size != info.nbytes:
                raise ValueError(f"input {info.name!r} takes {info.nbytes} bytes, input set {s} "
                                 f"gives {raw.size}")
            lines.append(f"static const uint8_t tinyml_set{s}_input{i}[{max(raw.size, 1)}] = "
                         f"{{\n    {c_array_body(raw)}}};")
            refs.append(f"    {{tinyml_set{s}_input{i}, {info.offset}u, {info.nbytes}u}},")
    lines += ["static const tinyml_input tinyml_inputs[] = {", *refs, "};", ""]
    outputs, first = [], [0]
    for op in gen.ops:
        outputs += [f"    {{{offset}u, {nbytes}u}}," for _i, offset, nbytes in op.outputs]
        first.append(len(outputs))
    lines += ["static const tinyml_output tinyml_op_outputs[] = {", *(outputs or ["    {0, 0},"]),
              "};", f"static const uint32_t tinyml_op_first_output[{len(first)}] = {{"
              + ", ".join(map(str, first)) + "};", ""]
    return "\n".join(lines)


def _compile(core: str, opt: str, src: Path, obj: Path, includes, defines, force_include=None):
    flags = cflags(core, opt, tuple(defines)) + [f"-I{d}" for d in includes]
    if force_include is not None:
        flags += ["-include", str(force_include)]
    run([tool("gcc"), *flags, "-c", str(src), "-o", str(obj)])


def _link(core: str, opt: str, board: str, objs, elf: Path, extra=(), libs=()) -> None:
    b = BOARDS[board]
    try:
        run([tool("gcc"), *cflags(core, opt), *extra, f"-L{BOARDS_DIR}", "-T",
             str(BOARDS_DIR / b.linker_script), "-Wl,--gc-sections", *map(str, objs), *libs,
             "-o", str(elf)])
    except RuntimeError as e:
        if "overflowed" in str(e) or "will not fit" in str(e):
            raise DoesNotFit(f"the firmware does not fit {board}'s memory:\n{e}") from None
        raise


def _model_objects(gen: GeneratedModel, core: str, opt: str, build: Path, hooks: bool):
    objs = []
    force = None
    if hooks:
        force = build / "tinyml_hooks.h"
        force.write_text(FIRMWARE_HOOKS)
    for src in gen.sources:
        obj = build / (src.stem + ".o")
        _compile(core, opt, src, obj, gen.include_dirs, gen.defines,
                 force if src in gen.model_sources else None)
        objs.append(obj)
    return objs


def build_verify_image(gen: GeneratedModel, input_sets, board: str, opt: str,
                       build: Path) -> Path:
    """The verification image of ``gen`` for ``board`` (an ELF in ``build``)."""
    core = BOARDS[board].core
    build.mkdir(parents=True, exist_ok=True)
    objs = _model_objects(gen, core, opt, build, hooks=True)
    (build / "tinyml_run_data.h").write_text(run_data_header(gen, input_sets))
    for src in (RUNTIME / "startup.c", RUNTIME / "verify_main.c"):
        obj = build / (src.stem + ".o")
        _compile(core, opt, src, obj, [build, *gen.include_dirs], gen.defines)
        objs.append(obj)
    elf = build / f"{gen.prefix}-{board}.elf"
    _link(core, opt, board, objs, elf, ["--specs=rdimon.specs", "-nostartfiles"])
    return elf


SIZE_MAIN = """/* size_main.c - the smallest image that runs the model (or, without
 * TINYML_WITH_MODEL, the same image without it): measures what the model costs. */
#include <stdint.h>
extern uint32_t __stack_top__;
#ifdef TINYML_WITH_MODEL
int32_t TINYML_INVOKE_FN(void);
#endif
void tinyml_size_reset(void);
void tinyml_size_reset(void)
{
#ifdef TINYML_WITH_MODEL
    (void)TINYML_INVOKE_FN();
#endif
    for (;;) {
    }
}
__attribute__((section(".vectors"), used))
const uintptr_t tinyml_size_vectors[2] = {(uintptr_t)&__stack_top__,
                                          (uintptr_t)tinyml_size_reset};
"""


def model_size(gen: GeneratedModel, board: str, opt: str, build: Path) -> ModelSize:
    """Flash and RAM the model adds: an image calling ``<prefix>_invoke`` minus the same
    image without it (both with --gc-sections, libc's memcpy/memset included)."""
    core = BOARDS[board].core
    build.mkdir(parents=True, exist_ok=True)
    (build / "objs").mkdir(parents=True, exist_ok=True)
    objs = _model_objects(gen, core, opt, build / "objs", hooks=False)
    (build / "size_main.c").write_text(SIZE_MAIN)
    sizes = {}
    for with_model in (False, True):
        tag = "with" if with_model else "without"
        obj = build / f"size_main_{tag}.o"
        defines = [f"TINYML_INVOKE_FN={gen.prefix}_invoke"] + (["TINYML_WITH_MODEL"] if with_model
                                                                 else [])
        _compile(core, opt, build / "size_main.c", obj, [], defines)
        elf = build / f"size_{tag}.elf"
        _link(core, opt, board, [obj, *objs] if with_model else [obj], elf,
              ["-nostartfiles", "-nostdlib", "-Wl,-e,tinyml_size_reset"],
              ["-Wl,--start-group", "-lc", "-lgcc", "-Wl,--end-group"])
        sizes[tag] = berkeley_size([elf])[elf.name]
    text, data, bss = (a - b for a, b in zip(sizes["with"], sizes["without"]))
    return ModelSize(text, data, bss, gen.constant_bytes)


# -- running ------------------------------------------------------------------------------

def _parse(log: str, key: str) -> list[dict[str, int]]:
    out = []
    for line in log.splitlines():
        if line.startswith(f"TINYML-{key} ") or line == f"TINYML-{key}":
            out.append({k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", line)}
                       | ({"index": int(line.split()[1])} if key == "OP" else {}))
    return out


def run_firmware(model: bytes, input_sets: Sequence[Sequence[np.ndarray]], board: str,
                 opt: str = "O2", rounding: str = "double", build_dir=None,
                 timeout: float = 600.0, name: str = "model", measure_size: bool = True,
                 prefix: str = "model", edit=None) -> FirmwareRun:
    """Generate, build and run ``model`` on ``board`` for each input set.

    ``edit``: an optional callable given the generated tree (``GeneratedModel``)
    before it is compiled (tests use it to corrupt a constant).
    """
    if board not in BOARDS:
        raise ValueError(f"unknown board {board!r}; boards: {', '.join(BOARDS)}")
    with tempfile.TemporaryDirectory(prefix="tinyml-fw-") as tmp:
        build = Path(build_dir) if build_dir is not None else Path(tmp)
        gen = generate(model, build / "model", prefix=prefix, rounding=rounding, name=name)
        if edit is not None:
            edit(gen)
        elf = build_verify_image(gen, input_sets, board, opt, build / "verify")
        dump = build / "verify" / "tinyml_dump.bin"
        dump.unlink(missing_ok=True)
        res = run_qemu(board, elf, timeout, ["-icount", f"shift={ICOUNT_SHIFT}"],
                       cwd=build / "verify")
        log = res.output
        done = _parse(log, "DONE")
        if res.returncode is None or not done:
            raise FirmwareError(f"{board}: the firmware did not finish "
                                f"(exit {res.returncode}):\n{log[-2000:]}")
        status, sets = done[-1]["status"], done[-1]["sets"]
        outputs = _read_dump(gen, dump, sets if status == 0 else sets - 1)
        calib = _parse(log, "CALIBRATE")[0]
        per_tick = calib["instructions"] / calib["ticks"]
        hook = _parse(log, "HOOK")[0]["ticks"]
        instructions = [round((op["ticks"] - hook) * per_tick) for op in _parse(log, "OP")]
        stack = _parse(log, "STACK")
        stack_bytes = stack[0]["bytes"] if stack else -1
        size = model_size(gen, board, opt, build / "size") if measure_size else None
        notes = []
        if stack and stack_bytes >= stack[0]["limit"]:
            notes.append("the stack reached the end of the painted region: the peak is a "
                         "lower bound")
        return FirmwareRun(board, opt, status, outputs, instructions, stack_bytes, gen, log, size,
                           notes)


def _read_dump(gen: GeneratedModel, path: Path, sets: int) -> list[dict[int, bytes]]:
    raw = path.read_bytes() if path.exists() else b""
    pos, out = 0, []
    for _ in range(sets):
        captured = {}
        for op in gen.ops:
            for index, _offset, nbytes in op.outputs:
                if pos + nbytes > len(raw):
                    raise FirmwareError(f"the dump ends early ({len(raw)} bytes)")
                captured[index] = raw[pos:pos + nbytes]
                pos += nbytes
        out.append(captured)
    return out
