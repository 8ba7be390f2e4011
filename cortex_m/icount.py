"""Executed instructions per kernel call under QEMU, and instructions per MAC.

The bench image brackets each kernel call with ``tnn_mark_begin()`` /
``tnn_mark_end()`` (empty, never inlined). QEMU logs every translated block
with its instructions (``-d in_asm``) and every block it executes
(``-d exec,nochain``: no chaining, so every execution is logged); the count for
a call is the sum of the executed blocks' instruction counts from the entry of
``tnn_mark_begin`` to the entry of ``tnn_mark_end`` (a dozen of those are the
argument set-up and the two calls, negligible at these sizes).

QEMU is not cycle-accurate: these are instruction counts, not cycles.
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interpreter.builder import ModelBuilder

#: (label, op, kernel, builder kwargs) of the benchmark layers: typical small-CNN shapes
BENCH = [
    ("conv 3x3 16->16, 16x16", "CONV_2D", "general",
     dict(in_shape=(1, 16, 16, 16), f_hw=(3, 3), out_c=16, padding="SAME")),
    ("conv 1x1 32->32, 16x16", "CONV_2D", "1x1",
     dict(in_shape=(1, 16, 16, 32), f_hw=(1, 1), out_c=32, padding="VALID")),
    ("conv 1x5 16->32, 1x64", "CONV_2D", "1xn",
     dict(in_shape=(1, 1, 64, 16), f_hw=(1, 5), out_c=32, padding="SAME")),
    ("depthwise 3x3 x64, 16x16", "DEPTHWISE_CONV_2D", "3x3",
     dict(in_shape=(1, 16, 16, 64), f_hw=(3, 3), mult=1, padding="SAME")),
    ("depthwise 5x5 x64, 16x16", "DEPTHWISE_CONV_2D", "mult1",
     dict(in_shape=(1, 16, 16, 64), f_hw=(5, 5), mult=1, padding="SAME")),
    ("depthwise 3x3 x32 mult 2, 16x16", "DEPTHWISE_CONV_2D", "general",
     dict(in_shape=(1, 16, 16, 32), f_hw=(3, 3), mult=2, padding="SAME")),
    ("fully connected 1024->64 (per-channel)", "FULLY_CONNECTED", "fc",
     dict(depth=1024, units=64, per_channel=True)),
    ("fully connected 1024->64 (per-tensor, weight zp 3)", "FULLY_CONNECTED", "fc",
     dict(depth=1024, units=64, per_channel=False)),
]


def bench_model(op: str, seed: int = 0, **kw):
    """(model, feeds, MACs) of one benchmark layer, per-channel int8 like the TFLite converter."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    if op == "FULLY_CONNECTED":
        depth, units = kw["depth"], kw["units"]
        x = b.add_tensor("x", np.int8, (1, depth), scale=0.05, zero_point=-3)
        if kw["per_channel"]:
            ws = list(0.002 * rng.uniform(0.5, 1.5, units))
            w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-127, 128, (units, depth)),
                             scale=ws, zero_point=[0] * units, quantized_dimension=0)
        else:
            ws = [0.002]
            w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-127, 128, (units, depth)),
                             scale=0.002, zero_point=3)
        bias = b.add_tensor("b", np.int32, [units], data=rng.integers(-5000, 5000, units),
                            scale=[0.05 * s for s in ws], zero_point=[0] * len(ws))
        y = b.add_tensor("y", np.int8, (1, units), scale=0.1, zero_point=5)
        b.add_operator(op, [x, w, bias], [y], options={"fused_activation_function": "RELU"})
        b.set_inputs([x])
        b.set_outputs([y])
        return b.build(), [rng.integers(-128, 128, (1, depth)).astype(np.int8)], depth * units
    n, h, wd, c = kw["in_shape"]
    fh, fw = kw["f_hw"]
    out_c = kw.get("out_c") or c * kw["mult"]
    if op == "CONV_2D":
        f_shape, qdim, macs_per_out = (out_c, fh, fw, c), 0, fh * fw * c
    else:
        f_shape, qdim, macs_per_out = (1, fh, fw, out_c), 3, fh * fw
    oh, ow = (h, wd) if kw["padding"] == "SAME" else (h - fh + 1, wd - fw + 1)
    ws = list(0.01 * rng.uniform(0.5, 1.5, out_c))
    x = b.add_tensor("x", np.int8, (n, h, wd, c), scale=0.05, zero_point=-128)
    w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape), scale=ws,
                     zero_point=[0] * out_c, quantized_dimension=qdim)
    bias = b.add_tensor("b", np.int32, [out_c], data=rng.integers(-5000, 5000, out_c),
                        scale=[0.05 * s for s in ws], zero_point=[0] * out_c)
    y = b.add_tensor("y", np.int8, (n, oh, ow, out_c), scale=0.2, zero_point=-128)
    opts = {"padding": kw["padding"], "stride_h": 1, "stride_w": 1,
            "fused_activation_function": "RELU6"}
    if op == "DEPTHWISE_CONV_2D":
        opts["depth_multiplier"] = kw["mult"]
    b.add_operator(op, [x, w, bias], [y], options=opts)
    b.set_inputs([x])
    b.set_outputs([y])
    feeds = [rng.integers(-128, 128, (n, h, wd, c)).astype(np.int8)]
    return b.build(), feeds, n * oh * ow * out_c * macs_per_out


@dataclass
class Count:
    label: str
    function: str
    macs: int
    instructions: int

    @property
    def per_mac(self) -> float:
        return self.instructions / self.macs


def bench_calls():
    """The benchmark layers' main kernel calls (prepare-time calls dropped), with labels and MACs."""
    from .vectors import record_model
    out = []
    for label, op, kernel, kw in BENCH:
        model, feeds, macs = bench_model(op, **kw)
        calls, chosen = record_model(model, feeds, "double", op)
        assert chosen == kernel, (label, chosen)
        main = [c for c in calls if not c.name.endswith(("_kernel_sum", "_select"))]
        assert len(main) == 1
        main[0].macs = macs
        out.append((label, main[0]))
    return out


def symbol_address(elf: Path, name: str) -> int:
    from interpreter.deploy.toolchain import run
    from interpreter.deploy.toolchain import tool
    for line in run([tool("nm"), elf]).splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16) & ~1
    raise LookupError(name)


def count_instructions(log: Path, begin: int, end: int) -> list[int]:
    """Instructions executed between each entry of ``begin`` and the next entry of ``end``."""
    tb_len: dict[int, int] = {}
    counts, current, pending_pc, n_insn = [], None, None, 0
    insn = re.compile(r"^0x([0-9a-f]+):\s")
    trace = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                pending_pc, n_insn = None, 0
                continue
            m = insn.match(line)
            if m:
                if pending_pc is None:
                    pending_pc = int(m.group(1), 16)
                n_insn += 1
                continue
            if pending_pc is not None and not line.strip():
                tb_len[pending_pc] = n_insn
                pending_pc, n_insn = None, 0
                continue
            m = trace.match(line)
            if m:
                pc = int(m.group(1), 16)
                if pc == begin:
                    current = 0
                elif pc == end and current is not None:
                    counts.append(current)
                    current = None
                if current is not None:
                    current += tb_len[pc]
    return counts


def measure(board: str, opt: str = "O2", workdir: Path | None = None, timeout: float = 300,
            defines: tuple[str, ...] = ()) -> list[Count]:
    """Instruction counts of the BENCH layers on ``board``; ``defines``: extra -D macros
    for the kernels (``TNN_NO_DSP=1`` measures the portable C on a DSP core)."""
    from interpreter.deploy.qemu import qemu_command

    from .qemu import build_image
    from .vectors import emit_c
    labelled = bench_calls()
    calls = [c for _, c in labelled]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(workdir or tmp)
        elf = build_image(board, emit_c(calls, bench=True), work / f"bench-{board}-{opt}", opt,
                          defines=defines)
        log = work / f"bench-{board}-{opt}.log"
        p = subprocess.run(qemu_command(board, elf, ["-d", "in_asm,exec,nochain", "-D", str(log)]),
                           capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if p.returncode != 0 or "failed=0" not in p.stdout:
            raise RuntimeError(f"bench image failed on {board}:\n{p.stdout}{p.stderr}")
        counts = count_instructions(log, symbol_address(elf, "tnn_mark_begin"),
                                    symbol_address(elf, "tnn_mark_end"))
        if not workdir:
            log.unlink()
    if len(counts) != len(calls):
        raise RuntimeError(f"{len(counts)} marked calls in the log, expected {len(calls)}")
    return [Count(label, c.name, c.macs, n) for (label, c), n in zip(labelled, counts)]
