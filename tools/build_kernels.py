"""Cross-compile the C kernels (kernels_c/) for Cortex-M cores and report their sizes.

    python tools/build_kernels.py                         # all cores, -Os and -O2
    python tools/build_kernels.py --cpu cortex-m4 --opt Os --json out.json
    python tools/build_kernels.py --write-docs            # docs/kernel_sizes.json + docs/CORTEX_M.md table

Each kernel file is compiled with ``arm-none-eabi-gcc -mthumb -mcpu=... -Wall
-Wextra -Werror -std=c99 -pedantic -ffunction-sections -fdata-sections``;
any diagnostic fails the build. Sizes come from ``arm-none-eabi-size``:
flash = text + rodata, RAM = data + bss, per object file. Per operator (the
names ``tinyml analyze --cpu`` looks up), the kernels the C backend calls for
that op are linked alone with ``--gc-sections`` (plus the libc/libgcc helpers
they pull in, e.g. ``memset`` or ``__aeabi_lmul`` on v6-M), so shared code
(``tnn_nn_mat_mult_s8``) is counted once per op.

JSON: ``{"Os": {core: {file or op: flash bytes}}, "O2": {...}, "ram": {...}}``
with ``--json``; ``docs/kernel_sizes.json`` holds the -Os table only, as
``{core: {file or op: bytes}}``.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interpreter.deploy.toolchain import CORES  # noqa: E402
from interpreter.deploy.toolchain import ToolMissing  # noqa: E402
from interpreter.deploy.toolchain import berkeley_size  # noqa: E402
from interpreter.deploy.toolchain import compile_objects  # noqa: E402
from interpreter.deploy.toolchain import run  # noqa: E402
from interpreter.deploy.toolchain import tool  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

#: entry points the C backend calls per TFLite operator (interpreter/ops_c/*.py)
OP_FUNCTIONS = {
    # (the wrappers reach every specialized kernel)
    "CONV_2D": ["tnn_convolve_wrapper_s8", "tnn_convolve_wrapper_s8_get_buffer_size",
                "tnn_convolve_s8_kernel_sum"],
    "DEPTHWISE_CONV_2D": ["tnn_depthwise_conv_wrapper_s8",
                          "tnn_depthwise_conv_wrapper_s8_get_buffer_size"],
    "FULLY_CONNECTED": ["tnn_fully_connected_s8", "tnn_fully_connected_s8_get_buffer_size",
                        "tnn_fully_connected_s8_kernel_sum"],
    "AVERAGE_POOL_2D": ["tnn_avgpool_s8", "tnn_avgpool_s8_get_buffer_size"],
    "MAX_POOL_2D": ["tnn_maxpool_s8"],
    "ADD": ["tnn_add_s8"],
    "SUB": ["tnn_add_s8"],
    "MUL": ["tnn_mul_s8"],
    "SOFTMAX": ["tnn_softmax_s8"],
    **{op: ["tnn_reshape"] for op in ("RESHAPE", "SQUEEZE", "EXPAND_DIMS")},
    "TRANSPOSE_CONV": ["tnn_transpose_conv_s8", "tnn_transpose_conv_s8_get_buffer_size"],
    "CONV_2D/16x8": ["tnn_convolve_s16"],
    "DEPTHWISE_CONV_2D/16x8": ["tnn_depthwise_conv_s16"],
    "FULLY_CONNECTED/16x8": ["tnn_fully_connected_s16"],
    "FULLY_CONNECTED/float32": ["tnn_fully_connected_f32"],
    "TRANSPOSE_CONV/16x8": ["tnn_transpose_conv_s16", "tnn_transpose_conv_s16_get_buffer_size"],
    # data movement (any element type) and reduction
    "PAD": ["tnn_pad"],
    "PADV2": ["tnn_pad"],
    "CONCATENATION": ["tnn_concatenation"],
    "SLICE": ["tnn_strided_copy"],
    "STRIDED_SLICE": ["tnn_strided_copy"],
    "TRANSPOSE": ["tnn_strided_copy"],
    "RESIZE_NEAREST_NEIGHBOR": ["tnn_resize_nearest_neighbor"],
    "MEAN": ["tnn_mean_s8"],
    "SUM": ["tnn_mean_s8"],
    # the int8 ops whose prepared form is a table (interpreter/ops_c/lut.py)
    **{op: ["tnn_lut_s8"] for op in ("LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU", "ELU",
                                      "ABS", "RELU", "RELU6")},
    "QUANTIZE": ["tnn_quantize_f32_s8"],
    "QUANTIZE/int8": ["tnn_lut_s8"],
    "DEQUANTIZE": ["tnn_lut_s8_f32"],
    "UNIDIRECTIONAL_SEQUENCE_LSTM": ["tnn_lstm_s8", "tnn_lstm_s8_get_buffer_size",
                                     "tnn_lstm_s16", "tnn_lstm_s16_get_buffer_size"],
}
DOC = ROOT / "docs" / "CORTEX_M.md"
SIZES_JSON = ROOT / "docs" / "kernel_sizes.json"
TABLE_BEGIN = "<!-- build_kernels table begin -->"
TABLE_END = "<!-- build_kernels table end -->"


def op_sizes(core: str, objects: list[Path], tmp: Path) -> dict[str, int]:
    """Flash bytes of each operator's kernels linked alone (gc-sections)."""
    from interpreter.deploy.toolchain import COMMON
    from interpreter.deploy.toolchain import CORES as _C
    gcc, out = tool("gcc"), {}
    for op, funcs in OP_FUNCTIONS.items():
        elf = tmp / f"{core}-{op.replace('/', '_')}.elf"
        run([gcc, *COMMON, *_C[core], "-nostartfiles", "-nostdlib", "-Wl,--gc-sections",
             f"-Wl,-e,{funcs[0]}", *[f"-Wl,-u,{f}" for f in funcs], *objects,
             "-Wl,--start-group", "-lc", "-lgcc", "-Wl,--end-group", "-o", elf])
        text, data, _bss = berkeley_size([elf])[elf.name]
        out[op] = text  # text + rodata (the linker folds rodata into text's segment count)
    return out


def build(cores: list[str], opts: list[str]) -> dict:
    """{"Os"/"O2": {core: {"files": {file: [flash, ram]}, "ops": {op: flash}}}}"""
    result: dict = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for opt in opts:
            for core in cores:
                objs = compile_objects(core, opt, tmp / opt / core)
                sizes = berkeley_size(objs)
                files = {Path(name).stem + ".c": [t, d + b] for name, (t, d, b) in sizes.items()}
                result.setdefault(opt, {})[core] = {
                    "files": dict(sorted(files.items())),
                    "ops": op_sizes(core, objs, tmp / opt / core)}
    return result


def flat_json(result: dict) -> dict:
    """{"Os": {core: {file or op: flash}}, ..., "ram": {core: {file: ram bytes at -Os}}}"""
    out: dict = {}
    for opt, cores in result.items():
        out[opt] = {core: {**{f: fr[0] for f, fr in v["files"].items()}, **v["ops"]}
                    for core, v in cores.items()}
    first = "Os" if "Os" in result else next(iter(result))
    out["ram"] = {core: {f: fr[1] for f, fr in v["files"].items()}
                  for core, v in result[first].items()}
    return out


def table(result: dict) -> str:
    lines = []
    for opt, cores in result.items():
        names = list(cores)
        files = sorted({f for v in cores.values() for f in v["files"]})
        lines.append(f"**-{opt}**, flash bytes (text + rodata) per kernel file; RAM (data + bss) "
                     "is 0 for every file unless shown as `flash / ram`:\n")
        lines.append("| kernel | " + " | ".join(names) + " |")
        lines.append("|---|" + "---:|" * len(names))
        for f in files:
            cells = []
            for c in names:
                flash, ram = cores[c]["files"].get(f, [0, 0])
                cells.append(f"{flash}" if ram == 0 else f"{flash} / {ram}")
            lines.append(f"| `{f}` | " + " | ".join(cells) + " |")
        total = [sum(v[0] for v in cores[c]["files"].values()) for c in names]
        lines.append("| **all files** | " + " | ".join(f"**{t}**" for t in total) + " |")
        lines.append("")
        lines.append(f"**-{opt}**, flash bytes per operator (its kernels linked alone with "
                     "`--gc-sections`, libc/libgcc helpers included):\n")
        lines.append("| operator | " + " | ".join(names) + " |")
        lines.append("|---|" + "---:|" * len(names))
        for op in OP_FUNCTIONS:
            lines.append(f"| {op} | " + " | ".join(str(cores[c]["ops"][op]) for c in names) + " |")
        lines.append("")
    return "\n".join(lines)


def write_docs(result: dict) -> None:
    first = "Os" if "Os" in result else next(iter(result))
    SIZES_JSON.write_text(json.dumps(flat_json(result)[first], indent=1, sort_keys=False) + "\n")
    if DOC.is_file():
        text = DOC.read_text()
        if TABLE_BEGIN in text and TABLE_END in text:
            head, rest = text.split(TABLE_BEGIN, 1)
            _, tail = rest.split(TABLE_END, 1)
            DOC.write_text(head + TABLE_BEGIN + "\n" + table(result) + "\n" + TABLE_END + tail)
            return
    print(f"{DOC} has no table markers; table not written", file=sys.stderr)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cpu", action="append", choices=sorted(CORES),
                   help="core to build for (repeatable; default: all)")
    p.add_argument("--opt", action="append", choices=["Os", "O2"],
                   help="optimization level (repeatable; default: Os and O2)")
    p.add_argument("--json", help="write the sizes as JSON to this file")
    p.add_argument("--write-docs", action="store_true",
                   help="write docs/kernel_sizes.json and the table in docs/CORTEX_M.md")
    a = p.parse_args(argv)
    cores = a.cpu or list(CORES)
    opts = a.opt or ["Os", "O2"]
    try:
        result = build(cores, opts)
    except ToolMissing as e:
        print(f"build_kernels: {e}", file=sys.stderr)
        return 2
    except RuntimeError as e:
        print(f"build_kernels: {e}", file=sys.stderr)
        return 1
    print(table(result))
    if a.json:
        Path(a.json).write_text(json.dumps(flat_json(result), indent=1) + "\n")
    if a.write_docs:
        write_docs(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
