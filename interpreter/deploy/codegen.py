"""``tinyml codegen``: a model as a self-contained C99 source tree, no interpreter on the device.

The model is prepared exactly as ``Interpreter(backend="c")`` prepares it:
every op's prepared form, its C kernel and that kernel's call
(``ops_c.call.KernelCall``), and one arena planned as TFLM plans it (with the
kernels' working memory). The generator writes those calls as C:

* constants (weights, kernel sums (bias and offset terms folded), per-channel multipliers and shifts,
  parameter structs) as ``static const`` data, which a linker puts in flash;
* ONE statically allocated arena of ``memory_plan().arena_bytes``, every
  tensor and every kernel's working memory at its planned offset;
* ``<prefix>_invoke()``, a straight line of kernel calls with parameters fixed
  at generation time (no flatbuffer, no allocation, no op dispatch), and
  ``<prefix>_reset()`` for variable state;
* a header (arena size, input/output tensors: where they are, shape, type,
  scale and zero point), the kernel sources the calls need, a Makefile, a
  CMake fragment and a README.

Since the host C backend binds the very same ``KernelCall`` objects, the
generated firmware computes what ``Interpreter(backend="c")`` computes, which
the tests hold equal to the NumPy reference and to TFLM. (Where the host has
them, the backend binds a host-only kernel's ``host_call()`` instead; the
generator writes ``call()``, whose bytes the tests hold equal.)

After each op the generated code expands ``TINYML_AFTER_OP(index)`` (nothing
unless defined), a hook for harnesses that inspect the arena op by op.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..errors import UnsupportedOpError
from ..ops_c.call import CTYPES
from ..ops_c.call import ConstArg
from ..ops_c.call import ContextArg
from ..ops_c.call import KernelCall
from ..ops_c.call import StructArg
from ..ops_c.call import TensorArg
from ..ops_c.call import TensorListArg
from ..parse.model import Tensor
from ..parse.schema import TensorType
from .sources import headers
from .sources import kernel_tree
from .sources import needed_sources
from .sources import prototypes

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: the arena's alignment (TFLM's MicroArenaBufferAlignment): every planned offset is a
#: multiple of it, so every tensor is aligned for its element type
ARENA_ALIGNMENT = 16
VALUES_PER_LINE = 16


class NoCKernelError(UnsupportedOpError):
    """Some operators of the model have no C kernel (``ops`` lists them all)."""

    def __init__(self, message: str, ops: list[tuple[int, str, str]]):
        super().__init__(message)
        self.ops = ops


@dataclass(frozen=True)
class TensorInfo:
    """A model input or output as the generated code exposes it."""

    name: str
    index: int
    offset: int
    nbytes: int
    dtype: np.dtype
    shape: tuple[int, ...]
    scale: float
    zero_point: int


@dataclass(frozen=True)
class OpInfo:
    index: int
    op_name: str
    function: str
    variant: str
    #: (tensor index, arena offset, bytes) of every output, for op-by-op harnesses
    outputs: tuple[tuple[int, int, int], ...]


@dataclass
class GeneratedModel:
    """What ``generate`` wrote, and what a harness needs to know about it."""

    prefix: str
    directory: Path
    arena_bytes: int
    rounding: str
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    ops: list[OpInfo]
    constant_bytes: int = 0                                     # weights, multipliers, params
    model_sources: list[Path] = field(default_factory=list)    # the generated .c
    kernel_sources: list[Path] = field(default_factory=list)   # copied kernel .c files
    include_dirs: list[Path] = field(default_factory=list)

    @property
    def sources(self) -> list[Path]:
        return self.model_sources + self.kernel_sources

    @property
    def defines(self) -> list[str]:
        return ["TNN_SINGLE_ROUNDING=1"] if self.rounding == "single" else []


# -- preparing the model ----------------------------------------------------------------

def prepare(model: bytes, rounding: str = "double", name: str = "model"):
    """The model prepared for the C backend (an allocated ``Interpreter``), after
    checking that firmware can be generated for it: one subgraph, a C kernel for every
    operator (else a ``NoCKernelError`` naming each operator that has none)."""
    from .. import ops_c
    from ..interpreter import Interpreter

    ops_c.require()
    interp = Interpreter(model_content=bytes(model), backend="c", rounding=rounding)
    if len(interp.model.subgraphs) != 1:
        raise UnsupportedOpError(
            f"{name}: {len(interp.model.subgraphs)} subgraphs (control flow); firmware "
            "generation supports single-subgraph models")
    interp.allocate_tensors()
    missing = [(op.node.index, op.node.op_name, _types(op)) for op in interp._ops
               if op.kernel is None]
    if missing:
        lines = "\n".join(f"  operator {i} {n} ({t})" for i, n, t in missing)
        raise NoCKernelError(
            f"{name}: {len(missing)} operator(s) have no C kernel, so no firmware can be "
            f"generated (the interpreter runs them in NumPy):\n{lines}", missing)
    return interp


def _types(op) -> str:
    ins = ", ".join(str(t.dtype) if not t.is_constant else f"const {t.dtype}"
                    for t in op.inputs if t is not None)
    outs = ", ".join(str(t.dtype) for t in op.outputs)
    return f"{ins} -> {outs}"


# -- C text -------------------------------------------------------------------------------

def c_int(v) -> str:
    v = int(v)
    if v == -(1 << 31):
        return "(-2147483647 - 1)"
    if v < -(1 << 31) or v > (1 << 32) - 1:
        raise ValueError(f"{v} does not fit a 32-bit C integer")
    return str(v)


def c_float(v) -> str:
    """A float32 value as an exact C float literal (9 significant digits round-trip)."""
    f = np.float32(v)
    if not np.isfinite(f):
        raise ValueError(f"{v} has no C literal")
    text = f"{float(f):.9g}"
    # "6f" would be an integer constant with a bad suffix: a floating constant needs a
    # point or an exponent
    return text + ("f" if "." in text or "e" in text else ".0f")


def c_int64(v) -> str:
    """An int64_t value as a C constant expression."""
    v = int(v)
    if v == -(1 << 63):
        return "(-INT64_C(9223372036854775807) - 1)"
    return f"INT64_C({v})"


def c_array_body(values: np.ndarray) -> str:
    if values.dtype == np.float32:
        items = [f"0x{int(u):08x}u" for u in values.view(np.uint32)]
    elif values.dtype == np.int64:
        items = [c_int64(v) for v in values.tolist()]
    else:
        items = [c_int(v) for v in values.tolist()]
    if not items:
        items = ["0"]
    return ",\n    ".join(", ".join(items[i:i + VALUES_PER_LINE])
                          for i in range(0, len(items), VALUES_PER_LINE))


class _CallWriter:
    """Declarations and the argument expressions of one op's kernel call."""

    def __init__(self, gen: "_Generator", k: int, call: KernelCall):
        self.gen, self.k, self.call = gen, k, call
        self.decls: list[str] = []
        self.used: set[str] = set()

    def name(self, what: str) -> str:
        base = f"op{self.k}_{what}"
        name, n = base, 2
        while name in self.used:
            name, n = f"{base}{n}", n + 1
        self.used.add(name)
        return name

    def const_array(self, what: str, ctype: str, values: np.ndarray) -> str:
        values = np.ascontiguousarray(values, CTYPES[ctype]).reshape(-1)
        name = self.name(what)
        self.gen.flash_bytes += values.nbytes
        if ctype == "float":
            # exact bits (NaN payloads included) through a union with uint32_t
            self.decls.append(
                f"static const union {{\n    uint32_t bits[{max(values.size, 1)}];\n"
                f"    float values[{max(values.size, 1)}];\n}} {name} TINYML_ALIGNED = "
                f"{{{{\n    {c_array_body(values)}}}}};\n")
            return f"{name}.values"
        self.decls.append(f"static const {ctype} {name}[{max(values.size, 1)}] TINYML_ALIGNED = "
                          f"{{\n    {c_array_body(values)}}};\n")
        return name

    def field(self, what: str, value) -> str:
        if isinstance(value, StructArg):
            inner = ", ".join(f".{n} = {self.field(n, v)}" for n, v in value.fields)
            return "{" + inner + "}"
        if isinstance(value, ConstArg):
            return self.const_array(value.name, value.ctype, value.values)
        if isinstance(value, np.floating):
            return c_float(value)
        return c_int(value)

    def arg(self, what: str, value) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, StructArg):
            name = self.name(what)
            init = self.field(what, value)   # declares the arrays its fields point to first
            self.decls.append(f"static const {value.ctype} {name} = {init};\n")
            return f"&{name}"
        if isinstance(value, ConstArg):
            return self.const_array(value.name, value.ctype, value.values)
        if isinstance(value, TensorArg):
            return self.gen.tensor_pointer(self, value)
        if isinstance(value, TensorListArg):
            pointers = [self.gen.tensor_pointer(self, t) for t in value.tensors()]
            name = self.name(what)
            self.decls.append(f"static const {value.ctype} *const {name}[{len(pointers)}] = {{\n"
                              + ",\n".join(f"    {p}" for p in pointers) + "};\n")
            return name
        if isinstance(value, ContextArg):
            name = self.name("ctx")
            if value.index is None:
                init = "{NULL, 0}"
            else:
                offset = self.gen.scratch_offsets[self.k][value.index]
                init = f"{{{self.gen.prefix}_arena + {offset}, {c_int(value.size)}}}"
            self.decls.append(f"static const tnn_context {name} = {init};\n")
            return f"&{name}"
        return c_int(value)

    def expression(self) -> str:
        proto = prototypes()[self.call.function]
        names = proto.param_names
        if len(names) != len(self.call.args):
            raise ValueError(f"{self.call.function}: {len(self.call.args)} arguments for "
                             f"{len(names)} parameters")
        args = [self.arg(n, a) for n, a in zip(names, self.call.args)]
        return f"{self.call.function}({', '.join(args)})"


class _Generator:
    def __init__(self, interp, prefix: str):
        self.interp, self.prefix = interp, prefix
        self.subgraph = interp.model.main
        plan = interp.memory_plan()
        self.plan = plan
        self.tensor_offsets = plan.tensor_offsets(0)
        self.scratch_offsets = {op: offsets for op, offsets in plan.scratch_offsets(0).items()}
        self.flash_bytes = 0
        self.variables: dict[int, str] = {}   # tensor index -> static array name

    def tensor_pointer(self, writer: _CallWriter, arg: TensorArg) -> str:
        op = self.interp._ops[writer.k]
        t: Tensor = (op.inputs if arg.role == "input" else op.outputs)[arg.position]
        if t.is_constant:
            data = np.ascontiguousarray(t.data).reshape(-1)
            if arg.ctype == "void":   # any type, as its bytes
                return writer.const_array(f"{arg.role}{arg.position}", "uint8_t",
                                          data.view(np.uint8))
            return writer.const_array(f"{arg.role}{arg.position}", arg.ctype, data)
        if t.is_variable:
            return self.variable(t, arg.ctype)
        offset = self.tensor_offsets.get(t.index)
        if offset is None:
            raise ModelError(f"{op.where}: tensor {t.index} ({t.name!r}) has no arena offset")
        return f"({arg.ctype} *)({self.prefix}_arena + {offset})"

    def variable(self, t: Tensor, ctype: str) -> str:
        if t.index not in self.variables:
            self.variables[t.index] = f"{self.prefix}_variable{t.index}"
        return self.variables[t.index]

    def tensor_info(self, index: int) -> TensorInfo:
        t = self.subgraph.tensors[index]
        q = t.quantization
        scale = float(q.scale[0]) if q is not None and q.scale.size else 0.0
        zp = int(q.zero_point[0]) if q is not None and q.zero_point.size else 0
        return TensorInfo(t.name, t.index, self.tensor_offsets[t.index], t.nbytes, t.dtype,
                          tuple(t.shape), scale, zp)


def generate(model: bytes, out_dir, prefix: str = "model", rounding: str = "double",
             name: str = "model") -> GeneratedModel:
    """Write the C tree of ``model`` into ``out_dir`` (created; files it owns are
    overwritten). ``prefix`` names the C symbols (``<prefix>_invoke``, ...)."""
    if not IDENTIFIER.match(prefix) or prefix.startswith("tnn_"):
        raise ValueError(f"prefix {prefix!r} is not a C identifier (or clashes with tnn_)")
    interp = prepare(model, rounding, name)
    gen = _Generator(interp, prefix)
    out = Path(out_dir)
    (out / "kernels" / "src").mkdir(parents=True, exist_ok=True)
    (out / "kernels" / "include").mkdir(parents=True, exist_ok=True)

    op_blocks, ops, functions = [], [], set()
    for k, op in enumerate(interp._ops):
        call = op.kernel.call()
        writer = _CallWriter(gen, k, call)
        expression = writer.expression()
        functions.add(call.function)
        outputs = tuple((t.index, gen.tensor_offsets[t.index], t.nbytes) for t in op.outputs
                        if t.index in gen.tensor_offsets)
        ops.append(OpInfo(k, op.node.op_name, call.function, op.kernel.variant, outputs))
        op_blocks.append((op, writer, expression))

    sg = gen.subgraph
    inputs = [gen.tensor_info(i) for i in sg.inputs]
    outputs = [gen.tensor_info(i) for i in sg.outputs]
    digest = hashlib.sha256(bytes(model)).hexdigest()[:16]
    result = GeneratedModel(prefix, out, gen.plan.arena_bytes, rounding, inputs, outputs, ops,
                            gen.flash_bytes)

    (out / f"{prefix}.h").write_text(_header(gen, result, name, digest))
    (out / f"{prefix}.c").write_text(_source(gen, result, op_blocks, name, digest))
    result.model_sources = [out / f"{prefix}.c"]

    tree = kernel_tree()
    public, internal = headers()
    for h in public:
        shutil.copyfile(h, out / "kernels" / "include" / h.name)
    for h in internal:
        shutil.copyfile(h, out / "kernels" / "src" / h.name)
    for src in needed_sources(sorted(functions)):
        shutil.copyfile(tree / "src" / src, out / "kernels" / "src" / src)
        result.kernel_sources.append(out / "kernels" / "src" / src)
    result.include_dirs = [out, out / "kernels" / "include"]
    (out / "Makefile").write_text(_makefile(result))
    (out / f"{prefix}.cmake").write_text(_cmake(result))
    (out / "README.md").write_text(_readme(result, name))
    return result


# -- the files ---------------------------------------------------------------------------

def _type_name(dtype: np.dtype) -> str:
    return {np.dtype(np.float32): "FLOAT32", np.dtype(np.int8): "INT8",
            np.dtype(np.int16): "INT16", np.dtype(np.int32): "INT32",
            np.dtype(np.uint8): "UINT8", np.dtype(np.int64): "INT64",
            np.dtype(np.bool_): "BOOL"}.get(np.dtype(dtype), str(dtype).upper())


def _c_type(dtype: np.dtype) -> str:
    return {np.dtype(np.float32): "float", np.dtype(np.int8): "int8_t",
            np.dtype(np.int16): "int16_t", np.dtype(np.int32): "int32_t",
            np.dtype(np.uint8): "uint8_t", np.dtype(np.int64): "int64_t",
            np.dtype(np.bool_): "uint8_t"}[np.dtype(dtype)]


def _header(gen: _Generator, r: GeneratedModel, name: str, digest: str) -> str:
    p, P = r.prefix, r.prefix.upper()
    lines = [
        f"/* {p}.h - generated by `tinyml codegen` from {name} (sha256 {digest}...).",
        " *",
        f" * Write the inputs ({P}_INPUT<i>), call {p}_invoke(), read the outputs",
        f" * ({P}_OUTPUT<i>). Everything lives in one static arena of {P}_ARENA_BYTES",
        " * bytes: an input or output pointer is valid until the next invoke.",
        " */",
        f"#ifndef {P}_H", f"#define {P}_H", "",
        "#include <stdint.h>", "",
        "#ifdef __cplusplus", 'extern "C" {', "#endif", "",
        "/* Element types (TFLite TensorType codes). */",
        f"#define {P}_TYPE_FLOAT32 {int(TensorType.FLOAT32)}",
        f"#define {P}_TYPE_INT32 {int(TensorType.INT32)}",
        f"#define {P}_TYPE_INT16 {int(TensorType.INT16)}",
        f"#define {P}_TYPE_INT8 {int(TensorType.INT8)}",
        "",
        f"#define {P}_ARENA_BYTES {r.arena_bytes}",
        f"#define {P}_NUM_INPUTS {len(r.inputs)}",
        f"#define {P}_NUM_OUTPUTS {len(r.outputs)}",
        f"#define {P}_NUM_OPS {len(r.ops)}",
        "",
        f"/* The arena: tensors and kernel working memory at their planned offsets "
        f"(aligned to {ARENA_ALIGNMENT}). */",
        f"extern uint8_t {p}_arena[{P}_ARENA_BYTES];",
        "",
    ]
    for role, infos in (("INPUT", r.inputs), ("OUTPUT", r.outputs)):
        for i, t in enumerate(infos):
            shape = " x ".join(str(d) for d in t.shape) or "scalar"
            q = (f"scale {t.scale!r}, zero point {t.zero_point}" if t.scale
                 else "not quantized")
            lines += [
                f"/* {role.lower()} {i}: {t.name!r}, {_type_name(t.dtype).lower()} [{shape}], {q} */",
                f"#define {P}_{role}{i} (({_c_type(t.dtype)} *)({p}_arena + {t.offset}))",
                f"#define {P}_{role}{i}_BYTES {t.nbytes}",
                f"#define {P}_{role}{i}_ELEMENTS {int(np.prod(t.shape, dtype=np.int64))}",
                f"#define {P}_{role}{i}_TYPE {P}_TYPE_{_type_name(t.dtype)}",
                f"#define {P}_{role}{i}_SCALE {c_float(t.scale)}",
                f"#define {P}_{role}{i}_ZERO_POINT {t.zero_point}",
                f"#define {P}_{role}{i}_RANK {len(t.shape)}",
            ]
            lines += [f"#define {P}_{role}{i}_DIM{d} {n}" for d, n in enumerate(t.shape)]
            lines.append("")
    lines += [
        "/* Runs the model on the inputs in the arena: 0 on success, else 1 + the index of",
        " * the operator whose kernel refused its arguments (it then stops). */",
        f"int32_t {p}_invoke(void);",
        "",
        "/* Resets variable state (recurrent state) to its initial values, as TFLM's",
        " * ResetVariableTensors; the first invoke starts from it. */",
        f"void {p}_reset(void);",
        "",
        "#ifdef __cplusplus", "}", "#endif", "", f"#endif /* {P}_H */", ""]
    return "\n".join(lines)


def _source(gen: _Generator, r: GeneratedModel, op_blocks, name: str, digest: str) -> str:
    p = r.prefix
    parts = [
        f"/* {p}.c - generated by `tinyml codegen` from {name} (sha256 {digest}...).",
        " *",
        f" * {len(r.ops)} operators, arena {r.arena_bytes} bytes, "
        f"{'single' if r.rounding == 'single' else 'double (TFLM default)'} rounding"
        f"{' (compile the kernels with TNN_SINGLE_ROUNDING defined)' if r.rounding == 'single' else ''}.",
        " * Do not edit: regenerate instead.",
        " */",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "#include <string.h>",
        "",
        '#include "tinyml_nn.h"',
        f'#include "{p}.h"',
        "",
        "/* A harness may define this to look at the arena after each operator. */",
        "#ifndef TINYML_AFTER_OP",
        "#define TINYML_AFTER_OP(index) ((void)0)",
        "#endif",
        "",
        "#if defined(__GNUC__) || defined(__clang__)",
        "#define TINYML_ALIGNED __attribute__((aligned(4)))",
        f"#define TINYML_ARENA_ALIGNED __attribute__((aligned({ARENA_ALIGNMENT})))",
        "#else",
        "#define TINYML_ALIGNED",
        "#define TINYML_ARENA_ALIGNED",
        "#endif",
        "",
        f"uint8_t {p}_arena[{r.arena_bytes}] TINYML_ARENA_ALIGNED;",
        "",
    ]
    for op, writer, _expr in op_blocks:
        parts.append(f"/* operator {op.node.index}: {op.node.op_name} "
                     f"({writer.call.function}, {op.kernel.variant}) */")
        parts.extend(writer.decls)
    variables = gen.variables
    for index, var in sorted(variables.items()):
        t = gen.subgraph.tensors[index]
        parts.append(f"static {_c_type(t.dtype)} {var}[{t.num_elements}] TINYML_ALIGNED;")
    parts += ["", f"void {p}_reset(void)", "{"]
    for index, var in sorted(variables.items()):
        t = gen.subgraph.tensors[index]
        zp = (int(t.quantization.zero_point[0]) if t.quantization is not None
              and t.dtype == np.int8 and t.quantization.zero_point.size else 0)
        parts.append(f"    memset({var}, {zp & 0xFF}, sizeof {var});")
    if not variables:
        parts.append("    /* the model keeps no state */")
    parts += ["}", ""]
    if variables:
        parts += [f"static int32_t {p}_state_ready;", ""]
    parts += [f"int32_t {p}_invoke(void)", "{"]
    if variables:
        parts += [f"    if (!{p}_state_ready) {{", f"        {p}_reset();",
                  f"        {p}_state_ready = 1;", "    }"]
    for op, _writer, expr in op_blocks:
        k = op.node.index
        parts += [f"    /* {k}: {op.node.op_name} */",
                  f"    if ({expr} != TNN_OK) {{", f"        return {k + 1};", "    }",
                  f"    TINYML_AFTER_OP({k});"]
    parts += ["    return 0;", "}", ""]
    return "\n".join(parts)


def _makefile(r: GeneratedModel) -> str:
    srcs = [s.relative_to(r.directory).as_posix() for s in r.sources]
    defines = " ".join(f"-D{d}" for d in r.defines)
    return f"""# Generated by `tinyml codegen`: builds lib{r.prefix}.a with any C99 compiler.
#   make                                   # host compiler, -O2
#   make CC=arm-none-eabi-gcc CFLAGS="-mcpu=cortex-m4 -mthumb -O2"
CC ?= cc
AR ?= ar
CFLAGS ?= -O2
TINYML_CFLAGS = -std=c99 -I. -Ikernels/include {defines}

SRCS = {' '.join(srcs)}
OBJS = $(SRCS:.c=.o)

lib{r.prefix}.a: $(OBJS)
\t$(AR) rcs $@ $(OBJS)

%.o: %.c
\t$(CC) $(TINYML_CFLAGS) $(CFLAGS) -c $< -o $@

clean:
\trm -f $(OBJS) lib{r.prefix}.a

.PHONY: clean
"""


def _cmake(r: GeneratedModel) -> str:
    srcs = "\n".join(f"    ${{CMAKE_CURRENT_LIST_DIR}}/{s.relative_to(r.directory).as_posix()}"
                     for s in r.sources)
    defines = "".join(f"\ntarget_compile_definitions({r.prefix} PRIVATE {d})" for d in r.defines)
    return f"""# Generated by `tinyml codegen`: include(<this file>) defines the library target
# `{r.prefix}`; link it and include "{r.prefix}.h".
add_library({r.prefix} STATIC
{srcs}
)
target_include_directories({r.prefix} PUBLIC ${{CMAKE_CURRENT_LIST_DIR}}
                           ${{CMAKE_CURRENT_LIST_DIR}}/kernels/include)
set_target_properties({r.prefix} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON){defines}
"""


def _readme(r: GeneratedModel, name: str) -> str:
    p, P = r.prefix, r.prefix.upper()
    io = "\n".join(f"- {role} {i}: `{t.name}` {str(t.dtype)} {list(t.shape)}, scale {t.scale!r}, "
                   f"zero point {t.zero_point} (`{P}_{role.upper()}{i}`)"
                   for role, infos in (("input", r.inputs), ("output", r.outputs))
                   for i, t in enumerate(infos))
    ops = "\n".join(f"| {o.index} | {o.op_name} | `{o.function}` | {o.variant} |" for o in r.ops)
    single = (" The kernels must be compiled with TNN_SINGLE_ROUNDING defined (the Makefile "
              "and CMake fragment do)." if r.rounding == "single" else "")
    return f"""# {p}: {name} as C99 firmware

Generated by `tinyml codegen` (tinyml-interpreter). No interpreter runs on the
device: `{p}_invoke()` calls the kernels directly, with every parameter fixed at
generation time, on one static arena of {r.arena_bytes} bytes (`{P}_ARENA_BYTES`) whose
layout is TFLM's memory plan. The outputs equal, byte for byte, what the
`tinyml` interpreter computes for this model (and so what TFLM computes).

```c
#include "{p}.h"
memcpy({P}_INPUT0, my_input, {P}_INPUT0_BYTES);
if ({p}_invoke() != 0) {{ /* an operator refused its arguments */ }}
use({P}_OUTPUT0);
```

{io}

Build: `make` (library `lib{p}.a`; set `CC`, `CFLAGS` for a target), or
`include({p}.cmake)` from CMake. Files: `{p}.c` / `{p}.h` (the model: constants,
arena, invoke), `kernels/` (the C kernels it calls; `include/tinyml_nn.h` documents
them).{single}

| op | operator | kernel | variant |
|---:|---|---|---|
{ops}
"""
