"""What each corpus model's generated firmware costs on each emulated core.

For every corpus model every op of which has a C kernel, for each QEMU board and
optimization level: generate the firmware, run one seeded inference under QEMU
(its outputs are checked against the golden model on the way, op by op), and
record flash, RAM, peak stack and executed instructions. Writes the tables of
docs/DEPLOY.md (between its markers) and docs/firmware_costs.json.

Targets (issue 11; benchmarks, not tests): RAM (arena + static data + peak
stack) below TFLM's whole arena (the manifest's "total"), and instructions per
inference on Cortex-M4 -O2 below the published MLPerf Tiny cycle counts of TFLM
+ CMSIS-NN (v0.5) and, as the goal, of ST X-CUBE-AI 10.2 (v1.3) on the
NUCLEO-L4R5ZI (latency x 120 MHz). QEMU counts instructions, not cycles, so an
instruction count is a lower bound of a real core's cycles.

    python tools/firmware_costs.py                 # every board, -O2 and -Os
    python tools/firmware_costs.py --boards mps2-an386 --opts O2 --models kws_ref_model
    python tools/firmware_costs.py --write-docs
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interpreter import Interpreter  # noqa: E402
from interpreter.debug.inputs import random_input  # noqa: E402
from interpreter.debug.verify import compare  # noqa: E402
from interpreter.debug.verify import run_ours  # noqa: E402
from interpreter.deploy.codegen import NoCKernelError  # noqa: E402
from interpreter.deploy.codegen import prepare  # noqa: E402
from interpreter.deploy.firmware import DoesNotFit  # noqa: E402
from interpreter.deploy.firmware import run_firmware  # noqa: E402
from interpreter.deploy.host import tensors_from_bytes  # noqa: E402
from interpreter.deploy.report import totals  # noqa: E402
from interpreter.deploy.toolchain import BOARDS  # noqa: E402

CORPUS = ROOT.parent / "shared" / "models"
MODELS = ["mlperf_tiny/ad01_int8", "mlperf_tiny/kws_ref_model",
          "mlperf_tiny/pretrainedResnet_quant", "mlperf_tiny/vww_96_int8",
          "tflm/hello_world_int8", "tflm/hello_world_float", "tflm/micro_speech_quantized",
          "tflm/person_detect", "tflm/simple_add_model", "tflm/trained_lstm_int8",
          "arm_ml_examples/ds_cnn_s_quantized"]
#: TFLM's whole arena (RecordingMicroAllocator "total", ../shared/models/MANIFEST.md)
TFLM_TOTAL = {"ad01_int8": 3984, "kws_ref_model": 24272, "pretrainedResnet_quant": 55984,
              "vww_96_int8": 103680, "hello_world_int8": 1504, "micro_speech_quantized": 7584,
              "person_detect": 85264, "simple_add_model": 50176, "trained_lstm_int8": 4208,
              "ds_cnn_s_quantized": 24608}
#: MLPerf Tiny on the Cortex-M4 NUCLEO-L4R5ZI, latency x 120 MHz: (TFLM + CMSIS-NN v0.5,
#: ST X-CUBE-AI 10.2 v1.3), in cycles
MLPERF_M4 = {"kws_ref_model": (21.8e6, 5.21e6), "vww_96_int8": (72.1e6, 10.73e6),
             "pretrainedResnet_quant": (84.5e6, 19.88e6), "ad01_int8": (1.21e6, 0.575e6)}
DOC = ROOT / "docs" / "DEPLOY.md"
JSON = ROOT / "docs" / "firmware_costs.json"
BEGIN, END = "<!-- firmware_costs table begin -->", "<!-- firmware_costs table end -->"


def measure(name: str, data: bytes, board: str, opt: str) -> dict:
    details = Interpreter(model_content=data).get_input_details()
    inputs = [random_input(d, np.random.default_rng(0)) for d in details]
    run = run_firmware(data, [inputs], board, opt, name=name)
    interp, ours = run_ours(data, inputs)
    sg = interp.model.main
    check = compare(sg, ours, tensors_from_bytes(sg, run.outputs[0]), "seed 0")
    if not check.ok:
        raise AssertionError(f"{name} on {board} -{opt}: {check.first.text()}")
    return totals(run, sg) | {"model": name, "tensors_equal": check.compared}


def table(rows: list[dict], opt: str) -> str:
    boards = list(BOARDS)
    head = ("| model | flash B | RAM B (arena + data) | "
            + " | ".join(f"{BOARDS[b].core} instructions (stack B)" for b in boards) + " |")
    out = [f"**-{opt}**", "", head, "|---" * (3 + len(boards)) + "|"]
    for name in dict.fromkeys(r["model"] for r in rows):
        mine = {r["board"]: r for r in rows if r["model"] == name and r["opt"] == opt}
        ran = {b: r for b, r in mine.items() if r.get("fits", True)}
        if not ran:
            continue
        m4 = ran.get("mps2-an386") or next(iter(ran.values()))
        cells = [f"{ran[b]['instructions']:,} ({ran[b]['stack_bytes']:,})" if b in ran
                 else "does not fit" if b in mine else "-" for b in boards]
        out.append(f"| {name} | {m4['flash_bytes']:,} | {m4['ram_bytes']:,} | "
                   + " | ".join(cells) + " |")
    return "\n".join(out)


def targets(rows: list[dict]) -> str:
    out = ["| model | RAM + stack (M4 -O2) | TFLM total arena | RAM target | "
           "M4 -O2 instructions | TFLM+CMSIS-NN cycles | first bar | X-CUBE-AI cycles | goal |",
           "|---|---:|---:|---|---:|---:|---|---:|---|"]
    for r in rows:
        if r["board"] != "mps2-an386" or r["opt"] != "O2" or not r.get("fits", True):
            continue
        name = r["model"]
        ram = r["ram_with_stack_bytes"]
        tflm = TFLM_TOTAL.get(name)
        ram_ok = "n/a" if tflm is None else ("met" if ram < tflm else "missed")
        bar, goal = MLPERF_M4.get(name, (None, None))
        cells = ["n/a"] * 4 if bar is None else [
            f"{bar / 1e6:.2f} M", "met" if r["instructions"] < bar else "missed",
            f"{goal / 1e6:.3f} M", "met" if r["instructions"] < goal else "missed"]
        out.append(f"| {name} | {ram:,} | {tflm if tflm is None else f'{tflm:,}'} | {ram_ok} | "
                   f"{r['instructions'] / 1e6:.3f} M | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--boards", nargs="*", default=list(BOARDS), choices=list(BOARDS))
    p.add_argument("--opts", nargs="*", default=["O2", "Os"], choices=["O2", "Os", "O3"])
    p.add_argument("--models", nargs="*", help="model stems (default: every corpus model)")
    p.add_argument("--write-docs", action="store_true", help="rewrite docs/DEPLOY.md's tables "
                   "and docs/firmware_costs.json")
    args = p.parse_args()
    rows, skipped = [], []
    for rel in MODELS:
        name = rel.split("/")[1]
        if args.models and name not in args.models:
            continue
        path = CORPUS / f"{rel}.tflite"
        if not path.is_file():
            skipped.append(f"{name}: not in the corpus ({path.parent})")
            continue
        data = path.read_bytes()
        try:
            prepare(data, name=name)
        except NoCKernelError as e:
            skipped.append(f"{name}: {len(e.ops)} operator(s) without a C kernel "
                           f"({', '.join(sorted({n for _i, n, _t in e.ops}))})")
            continue
        for opt in args.opts:
            for board in args.boards:
                t0 = time.perf_counter()
                try:
                    row = measure(name, data, board, opt)
                except DoesNotFit:
                    print(f"{name:<24} {board:<11} -{opt}: does not fit")
                    rows.append({"model": name, "board": board, "opt": opt, "fits": False})
                    continue
                rows.append(row)
                print(f"{name:<24} {board:<11} -{opt}: {row['instructions']:>12,} instructions, "
                      f"flash {row['flash_bytes']:>8,}, RAM {row['ram_bytes']:>7,}, stack "
                      f"{row['stack_bytes']:>5,} ({time.perf_counter() - t0:.1f} s)")
    text = "\n\n".join([*(table(rows, opt) for opt in args.opts), "**Targets** (Cortex-M4, -O2)",
                        targets(rows)])
    if skipped:
        text += "\n\nNot in the table: " + "; ".join(skipped) + "."
    print()
    print(text)
    if args.write_docs:
        doc = DOC.read_text()
        start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
        DOC.write_text(doc[:start] + "\n" + text + "\n" + doc[end:])
        JSON.write_text(json.dumps(rows, indent=1) + "\n")
        print(f"wrote {DOC.relative_to(ROOT)} and {JSON.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
