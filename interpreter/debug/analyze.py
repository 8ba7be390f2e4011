"""Static cost of a model on a microcontroller: compute, flash, RAM.

Per layer: MACs, weight bytes (constant inputs, counted at their first use),
and arena bytes live during the layer (from the greedy planner). In total:
flash for the weights, RAM = TFLM's planned arena "head" (what this
interpreter plans, equal to TFLM's) + an estimate of TFLM's persistent "tail".

TFLM's tail, modelled from the ``print_allocations()`` categories of the
tflite-micro runtime (RecordingMicroAllocator) on the corpus models:

- TfLiteEvalTensor data: 24 bytes per tensor of the subgraph
- Persistent TfLiteTensor data: 64 bytes per subgraph input/output tensor
- Persistent TfLiteTensor quantization data: 32 bytes per quantized input/output tensor
- NodeAndRegistration structs: 64 bytes per operator
- TfLiteTensor variable buffer data: each variable tensor, rounded up to 16 bytes
- Persistent buffer data (kernel OpData): 8 + 8 per subgraph input, plus per op
  ``OP_DATA_BYTES`` (FULLY_CONNECTED 72, CONV_2D / DEPTHWISE_CONV_2D 80, ...),
  plus 8 bytes per output channel for per-channel multipliers and shifts of
  CONV_2D / DEPTHWISE_CONV_2D (and per-channel FULLY_CONNECTED); each
  allocation rounded up to 16 bytes
- the rest (interpreter, allocator and planner objects): a least-squares fit
  over the corpus, 488 + 6 per operator + 8 per tensor bytes

The estimate is within 64 bytes of the measured tail ("total -
head" in the corpus MANIFEST) on every corpus model but trained_lstm_int8
(tests/debug/test_analyze.py), where the fitted remainder overshoots: 2784
estimated against 2672 measured.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path

from ..parse.model import Subgraph
from ..plan import align_up
from .profile import live_arena_bytes
from .profile import op_macs

EVAL_TENSOR_BYTES = 24
PERSISTENT_TENSOR_BYTES = 64
QUANTIZATION_BYTES = 32
NODE_AND_REGISTRATION_BYTES = 64
#: kernel OpData bytes per operator (TFLM reference kernels), from the corpus measurements
OP_DATA_BYTES = {
    "FULLY_CONNECTED": 72, "CONV_2D": 80, "DEPTHWISE_CONV_2D": 80, "SOFTMAX": 80,
    "AVERAGE_POOL_2D": 32, "MAX_POOL_2D": 32, "ADD": 60, "SUB": 60, "MUL": 32,
    "QUANTIZE": 32, "DEQUANTIZE": 32, "RESHAPE": 0, "SQUEEZE": 0, "EXPAND_DIMS": 0,
    "UNIDIRECTIONAL_SEQUENCE_LSTM": 688,
}
DEFAULT_OP_DATA_BYTES = 32   # an op not measured: a guess, flagged in the report
OTHER_FIXED, OTHER_PER_OP, OTHER_PER_TENSOR = 488, 6, 8
KERNEL_SIZES = Path(__file__).resolve().parents[2] / "docs" / "kernel_sizes.json"


def _per_channel_bytes(node, sg: Subgraph) -> int:
    name = node.op_name
    if name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        out = sg.tensors[node.outputs[0]]
        return 2 * 4 * (out.shape[-1] if out.shape else 1) if out.dtype.kind == "i" else 0
    if name == "FULLY_CONNECTED" and len(node.inputs) > 1 and node.inputs[1] >= 0:
        q = sg.tensors[node.inputs[1]].quantization
        if q is not None and q.per_channel:
            return 2 * 4 * q.scale.size
    return 0


def tflm_tail_estimate(sg: Subgraph) -> dict[str, int]:
    """TFLM's persistent arena bytes ("tail") by category, and their ``total``."""
    io = [sg.tensors[i] for i in list(sg.inputs) + list(sg.outputs)]
    allocations = [8] + [8] * len(sg.inputs)
    for node in sg.operators:
        size = OP_DATA_BYTES.get(node.op_name, DEFAULT_OP_DATA_BYTES)
        if size:
            allocations.append(size)
        pc = _per_channel_bytes(node, sg)
        if pc:
            allocations += [pc // 2, pc // 2]
    est = {
        "eval_tensors": EVAL_TENSOR_BYTES * len(sg.tensors),
        "persistent_tensors": PERSISTENT_TENSOR_BYTES * len(io),
        "quantization": QUANTIZATION_BYTES * sum(t.quantization is not None for t in io),
        "node_and_registration": NODE_AND_REGISTRATION_BYTES * len(sg.operators),
        "op_data": sum(align_up(a, 16) for a in allocations),
        # variable tensors (LSTM/SVDF state) live in the tail, each buffer 16-byte aligned
        "variable_buffers": sum(align_up(t.nbytes, 16) for t in sg.tensors if t.is_variable),
        "other": OTHER_FIXED + OTHER_PER_OP * len(sg.operators) + OTHER_PER_TENSOR * len(sg.tensors),
    }
    est["total"] = sum(est.values())
    return est


@dataclass
class Layer:
    index: int
    op_name: str
    macs: int
    weight_bytes: int
    arena_live: int
    output_shape: list[int]


@dataclass
class Analysis:
    model: str
    file_bytes: int
    layers: list[Layer]
    weight_bytes: int
    arena_bytes: int
    tail: dict[str, int]
    unmeasured_ops: list[str]
    cpu: str | None = None
    kernel_sizes: dict | None = None
    kernel_note: str = ""

    @property
    def macs(self) -> int:
        return sum(l.macs for l in self.layers)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["macs"] = self.macs
        d["ram_bytes_estimate"] = self.arena_bytes + self.tail["total"]
        return d

    def text(self) -> str:
        lines = [f"{self.model}: {len(self.layers)} layers, file {self.file_bytes:,} bytes",
                 f"{'#':>4}  {'op':<22} {'MACs':>12} {'weights B':>10} {'arena live B':>12}  output"]
        for l in self.layers:
            lines.append(f"{l.index:>4}  {l.op_name[:22]:<22} {l.macs:>12,} {l.weight_bytes:>10,} "
                         f"{l.arena_live:>12,}  {l.output_shape}")
        lines.append(f"{'':>4}  {'total':<22} {self.macs:>12,} {self.weight_bytes:>10,} "
                     f"{self.arena_bytes:>12,}  (arena = planned head)")
        t = self.tail
        lines += [
            "",
            f"flash: weights {self.weight_bytes:,} B (model file {self.file_bytes:,} B)",
            f"RAM:   arena head {self.arena_bytes:,} B (planned, as TFLM) + persistent tail "
            f"~{t['total']:,} B (estimate) = ~{self.arena_bytes + t['total']:,} B arena_size",
            "       tail estimate: " + ", ".join(f"{k} {v}" for k, v in t.items() if k != "total"),
        ]
        if self.unmeasured_ops:
            lines.append(f"       (OpData of {', '.join(self.unmeasured_ops)} not measured: "
                         f"{DEFAULT_OP_DATA_BYTES} B assumed each)")
        if self.cpu:
            lines.append(f"kernels for {self.cpu}: {self.kernel_note}")
        return "\n".join(lines)


def kernel_code_size(cpu: str, op_names: list[str], table: Path | None = None):
    """(sizes per op or None, note). The table maps core -> {op name: bytes}; a top-level
    "cores" key or a per-core "kernels" key around those mappings is also accepted."""
    table = KERNEL_SIZES if table is None else table
    if not table.is_file():
        return None, ("kernel code sizes are not available yet (docs/kernel_sizes.json, "
                      "the cross-compile table, is produced by a later issue)")
    data = json.loads(table.read_text())
    cores = data.get("cores", data) if isinstance(data, dict) else {}
    core = cores.get(cpu) if isinstance(cores, dict) else None
    if not isinstance(core, dict):
        known = ", ".join(k for k in cores if isinstance(cores.get(k), dict)) or "none"
        return None, f"no entry for {cpu!r} in docs/kernel_sizes.json (cores: {known})"
    sizes = core.get("kernels", core)
    found = {op: sizes[op] for op in sorted(set(op_names)) if isinstance(sizes.get(op), (int, float))}
    missing = sorted(set(op_names) - set(found))
    note = f"{sum(found.values()):,} B of kernel code for {len(found)} op type(s)"
    if missing:
        note += f"; not in the table: {', '.join(missing)}"
    return found, note


def analyze(model_path: str | os.PathLike, cpu: str | None = None) -> Analysis:
    from ..interpreter import Interpreter

    interp = Interpreter(model_path=model_path)
    interp.allocate_tensors()
    sg = interp.model.main
    plan = interp.memory_plan()
    seen: set[int] = set()
    layers = []
    for node in sg.operators:
        wb = 0
        for i in node.inputs:
            if i >= 0 and sg.tensors[i].is_constant and i not in seen:
                seen.add(i)
                wb += sg.tensors[i].nbytes
        out = sg.tensors[node.outputs[0]] if node.outputs else None
        layers.append(Layer(node.index, node.op_name, op_macs(node, sg), wb,
                            live_arena_bytes(plan, node.index), list(out.shape) if out else []))
    unmeasured = sorted({n.op_name for n in sg.operators} - set(OP_DATA_BYTES))
    a = Analysis(os.fspath(model_path), interp.model.size_bytes, layers,
                 sum(t.nbytes for t in sg.tensors if t.is_constant), plan.arena_bytes,
                 tflm_tail_estimate(sg), unmeasured, cpu)
    if cpu:
        a.kernel_sizes, a.kernel_note = kernel_code_size(cpu, [n.op_name for n in sg.operators])
    return a
