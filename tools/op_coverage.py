"""Operator x type coverage: run the type probe, write docs/op_coverage.json and
docs/OP_COVERAGE.md.

The operator list is TFLM's: the builtins its op resolver registers
(``micro_mutable_op_resolver.h``; the ``tflite-micro`` Python runtime registers
them all, DYNAMIC_UPDATE_SLICE included) plus the custom DETECTION_POSTPROCESS
and the custom Signal ops of TFLM's audio front end (listed by their custom
code, e.g. ``SignalRfft``). For every operator and type the type probe
(``tests/support/type_probe.py``) builds one small single-op model and runs it on the
TFLM runtime, LiteRT's reference kernels (BUILTIN_REF), this interpreter
(``semantics="tflm"`` and ``"tflite"``) and its C backend, each run in a worker
process so that a runtime aborting on a type it does not support is recorded,
not fatal. The JSON keeps every result; the Markdown table has one row per
operator and type that TFLM or this interpreter runs, with the conformance
test files that exercise the operator (a test file counts when it names the op
and calls the TFLM comparison helpers ``run_tflm`` / ``assert_matches_tflm``)
and a note for every gap and every difference by design (``NOTES`` below).

    python tools/op_coverage.py                # probe everything, write JSON + Markdown
    python tools/op_coverage.py --ops ADD MUL  # re-probe some ops, merge into the JSON
    python tools/op_coverage.py --render       # rewrite the Markdown from the JSON only
    python tools/op_coverage.py --check        # exit 1 if the Markdown or JSON is stale
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "support"))

TFLM_OPS = """ABS ADD ADD_N ARG_MAX ARG_MIN ASSIGN_VARIABLE AVERAGE_POOL_2D BATCH_MATMUL
BATCH_TO_SPACE_ND BROADCAST_ARGS BROADCAST_TO CALL_ONCE CAST CEIL CONCATENATION CONV_2D COS
CUMSUM DEPTH_TO_SPACE DEPTHWISE_CONV_2D DEQUANTIZE DETECTION_POSTPROCESS DIV
DYNAMIC_UPDATE_SLICE ELU EMBEDDING_LOOKUP EQUAL EXP
EXPAND_DIMS FILL FLOOR FLOOR_DIV FLOOR_MOD FULLY_CONNECTED GATHER GATHER_ND GREATER
GREATER_EQUAL HARD_SWISH IF L2_NORMALIZATION L2_POOL_2D LEAKY_RELU LESS LESS_EQUAL LOG
LOG_SOFTMAX LOGICAL_AND LOGICAL_NOT LOGICAL_OR LOGISTIC MAX_POOL_2D MAXIMUM MEAN MINIMUM
MIRROR_PAD MUL NEG NOT_EQUAL PACK PAD PADV2 PRELU QUANTIZE READ_VARIABLE REDUCE_MAX REDUCE_MIN
REDUCE_ALL RELU RELU6 RESHAPE RESIZE_BILINEAR RESIZE_NEAREST_NEIGHBOR REVERSE_V2 ROUND RSQRT
SELECT_V2 SHAPE SIN SLICE SOFTMAX SPACE_TO_BATCH_ND SPACE_TO_DEPTH SPLIT SPLIT_V SQRT SQUARE
SQUARED_DIFFERENCE SQUEEZE STRIDED_SLICE SUB SUM SVDF TANH TRANSPOSE TRANSPOSE_CONV
UNIDIRECTIONAL_SEQUENCE_LSTM UNPACK VAR_HANDLE WHILE ZEROS_LIKE""".split()
#: TFLM's signal library (``signal/micro/kernels``), custom ops named by their custom code
SIGNAL_OPS = """SignalWindow SignalFftAutoScale SignalRfft SignalIrfft SignalEnergy SignalFilterBank
SignalFilterBankSquareRoot SignalFilterBankSpectralSubtraction SignalPCAN SignalFilterBankLog
SignalFramer SignalOverlapAdd SignalStacker SignalDelay""".split()
TFLM_OPS += SIGNAL_OPS

#: the name a custom operator has in a model
CUSTOM_CODES = {"DETECTION_POSTPROCESS": "TFLite_Detection_PostProcess",
                **{op: op for op in SIGNAL_OPS}}

OUT_MD = REPO / "docs" / "OP_COVERAGE.md"
OUT_JSON = REPO / "docs" / "op_coverage.json"

#: Where a reference runtime's output for a case is not reproducible (it depends on
#: memory the kernel never initialized): the comparison with that engine is not
#: recorded (shown as "-"), and the note says why.
UNREPRODUCIBLE: dict[tuple[str, str], tuple[str, str]] = {
    ("GREATER", "int16"): (
        "tflm",
        "TFLM's Prepare sets the rescaling parameters for int8 only, so its int16 results "
        "depend on uninitialized memory (they changed between probe runs); this interpreter "
        "rescales as for int8, as the kernel source intends (docs/TFLM_VS_TFLITE.md, "
        "tests/ops/test_comparison.py::test_int16_greater_rescales_divergence_litert_compares_raw)"),
    ("SUM", "int16"): (
        "litert",
        "LiteRT's reference SUM int16 runs its uint8 code on the first bytes of the int16 "
        "buffer and leaves the rest of the output uninitialized (interpreter/ops/reduce.py); "
        "semantics=\"tflite\" refuses it, saying why (docs/TFLM_VS_TFLITE.md)"),
    ("SVDF", "int8 (int8 state)"): (
        "litert",
        "LiteRT's integer SVDF reads the state and the time weights as int16 "
        "(reference_ops::EvalIntegerSVDF), past the end of int8 buffers: its outputs changed "
        "between probe runs; semantics=\"tflite\" refuses it, naming the reason "
        "(tests/ops/test_svdf.py::test_tflite_refuses_int8_state_tflm_flavor_runs_it)"),
}

#: Rows where TFLM runs the type and this interpreter refuses it (or computes other
#: bytes) on purpose: not gaps. Keys: (op, type label), or (op, "*") for every such row.
BY_DESIGN: dict[tuple[str, str], str] = {
    ("LOGICAL_AND", "*"): (
        "not a gap: TFLM does not check the input type and ANDs the first N bytes of the "
        "two buffers bitwise, giving bool bytes other than 0 and 1 (measured); LiteRT "
        "refuses the model (\"Logical ops only support bool type\") and so does this "
        "interpreter"),
    ("LOGICAL_OR", "*"): (
        "not a gap: TFLM does not check the input type and ORs the first N bytes of the "
        "two buffers bitwise, giving bool bytes other than 0 and 1 (measured); LiteRT "
        "refuses the model (\"Logical ops only support bool type\") and so does this "
        "interpreter"),
    ("DEPTHWISE_CONV_2D", "int16 (int32 bias)"): (
        "not a gap: TFLM's 16x8 kernel reads the int32 bias as int64 (measured: bias "
        "[100000, -100000] saturates every output; channel 1 reads the bytes after the "
        "buffer), so its result depends on what follows the bias in the file; LiteRT refuses "
        "an int32 bias here, and so does this interpreter"),
    ("TRANSPOSE_CONV", "int16 (int32 bias)"): (
        "not a gap: TFLM's 16x8 kernel (and LiteRT's, unless the options say "
        "quantized_bias_type INT32) reads the int32 bias as int64 (measured: channel 0 gets "
        "the two int32 values as one int64, channel 1 the bytes after the buffer), so its "
        "result depends on what follows the bias in the file; this interpreter refuses an "
        "int32 bias here (semantics=\"tflite\" runs it with quantized_bias_type INT32, as "
        "LiteRT does: tests/ops/test_convolutions.py)"),
}

#: More about a row: differences from LiteRT and where they come from.
NOTES: dict[tuple[str, str], str] = {
    ("RELU6", "int8"): (
        "TFLM's RELU6 clamps the raw input and ignores the output quantization "
        "(interpreter/ops/relu.py); LiteRT's requantizes to the output scale (measured: input "
        "zero point -3 gives -3 here, LiteRT the output zero point 5); semantics=\"tflite\" "
        "does not implement LiteRT's RELU6"),
    ("RELU6", "int16"): (
        "TFLM's RELU6 clamps the raw input and ignores the output quantization; LiteRT's "
        "requantizes to the output scale; semantics=\"tflite\" does not implement LiteRT's "
        "RELU6"),
    ("CONV_2D", "int16 (int32 bias)"): (
        "LiteRT's reference 16x8 CONV_2D reads an int32 bias as int64 unless the options say "
        "quantized_bias_type INT32 (measured: outputs saturate; with the same values in an "
        "int64 bias it agrees with TFLM): past the end of the buffer, so semantics=\"tflite\" "
        "refuses it; with quantized_bias_type INT32 LiteRT computes TFLM's bytes, and so "
        "does semantics=\"tflite\" (tests/ops/test_convolutions.py)"),
    ("FULLY_CONNECTED", "int16 (int32 bias)"): (
        "LiteRT's reference 16x8 FULLY_CONNECTED reads an int32 bias as int64 unless the "
        "options say quantized_bias_type INT32 (measured: outputs saturate), so "
        "semantics=\"tflite\" refuses it; with quantized_bias_type INT32 it runs it as LiteRT "
        "does (tests/ops/test_fully_connected.py)"),
}

#: the table's note for a row where TFLM runs the type and this interpreter does not
#: (or computes different bytes) starts with this word
GAP = "**gap**"


# ---------------------------------------------------------------------------
# Inputs: registry, test files
# ---------------------------------------------------------------------------

def registered_ops() -> set[str]:
    """TFLM names of the operators the NumPy registry has (custom ops by their TFLM name)."""
    from interpreter import ops

    custom = {f"CUSTOM:{code}": op for op, code in CUSTOM_CODES.items()}
    return {custom.get(n, n) for n in ops.supported_ops()}


def _names_op(line: str, name: str) -> bool:
    """The line names the operator ``name`` in quotes, not as a fused activation
    (RELU, RELU6, TANH are also activation names)."""
    if not re.search(rf'["\']{name}["\']', line):
        return False
    return not re.search(r"activation|RELU_N1_TO_1|[\"']NONE[\"']", line, re.IGNORECASE)


def tests_mentioning(op: str) -> list[str]:
    """Test files that name the operator and compare with the TFLM runtime, as paths
    relative to tests/ (e.g. ``ops/test_conv_2d.py``)."""
    names = [op] + ([CUSTOM_CODES[op]] if op in CUSTOM_CODES else [])
    tests = REPO / "tests"
    hits = []
    for path in sorted(tests.rglob("test_*.py")):
        if path.name == "test_op_coverage.py":
            continue
        text = path.read_text()
        if not re.search(r"run_tflm|matches_tflm|run_both", text):
            continue
        if any(_names_op(line, n) for line in text.splitlines() for n in names):
            hits.append(path.relative_to(tests).as_posix())
    return hits


# ---------------------------------------------------------------------------
# Probe -> JSON
# ---------------------------------------------------------------------------

def runtime_versions() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for dist in ("tflite-micro", "ai-edge-litert"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def run_probe(ops: list[str], jobs: int, timeout: float) -> list[dict]:
    import type_probe as tp

    cases = tp.all_cases(ops)
    t0 = time.time()
    results = tp.probe(cases, jobs=jobs, timeout=timeout,
                       progress=lambda s: print(f"  {s} ({time.time() - t0:.0f} s)",
                                                file=sys.stderr))
    records = []
    for op, label in cases:
        row = tp.compare(op, label, results[(op, label)])
        engine = UNREPRODUCIBLE.get((op, label), (None,))[0]
        for attr, diff, engines in (("ours_eq_tflm", "ours_vs_tflm", ("tflm",)),
                                    ("c_eq_tflm", "c_vs_tflm", ("tflm",)),
                                    ("tflite_eq_litert", "ours_tflite_vs_litert", ("litert",))):
            if engine in engines:
                setattr(row, attr, None)
                row.diff.pop(diff, None)
        records.append({
            "op": op, "dtype": label,
            **{e: row.status.get(e) for e in tp.ENGINES},
            "ours_eq_tflm": row.ours_eq_tflm,
            "ours_tflite_eq_litert": row.tflite_eq_litert,
            "c_eq_tflm": row.c_eq_tflm,
            "c_kernel": row.c_kernel,
            # ours(tflite) and the C backend mostly fail as ours does: keep what differs
            "messages": {e: m for e, m in sorted(row.message.items())
                         if e not in ("ours_tflite", "c") or m != row.message.get("ours")},
            "diffs": dict(sorted(row.diff.items())),
        })
    return records


def write_json(records: list[dict]) -> None:
    records = sorted(records, key=lambda r: (r["op"], r["dtype"]))
    doc = {
        "about": "Type probe results, written by python tools/op_coverage.py; "
                 "see tests/support/type_probe.py. Statuses: ok, error, abort, timeout, unavailable.",
        "runtimes": runtime_versions(),
        "cases": records,
    }
    # one case per line: small diffs when a case changes
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, indent=1)[:-2]
    cases = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in records)
    OUT_JSON.write_text(f'{head},\n "cases": [\n{cases}\n ]\n}}\n')


def load_json() -> dict:
    return json.loads(OUT_JSON.read_text())


# ---------------------------------------------------------------------------
# JSON -> Markdown
# ---------------------------------------------------------------------------

def _cell(text: str, limit: int = 220) -> str:
    text = text if len(text) <= limit else text[:limit - 3] + "..."
    return text.replace("|", "\\|")


def _ran(status: str | None) -> str:
    return {"ok": "yes", None: "-", "unavailable": "n/a"}.get(status, status)


def _eq(value: bool | None) -> str:
    return "-" if value is None else "yes" if value else "**no**"


def _lookup(table: dict, r: dict):
    return table.get((r["op"], r["dtype"])) or table.get((r["op"], "*"))


def is_gap(r: dict) -> bool:
    """TFLM runs the type and this interpreter (NumPy or C backend) fails or differs,
    and no BY_DESIGN entry says why."""
    if r["tflm"] != "ok" or _lookup(BY_DESIGN, r):
        return False
    return (r["ours"] != "ok" or r["ours_eq_tflm"] is False or r.get("c_eq_tflm") is False
            or r.get("c") not in ("ok", "unavailable", None))


def needs_reason(r: dict) -> bool:
    """This interpreter runs a type TFLM refuses: the table must say why."""
    return r["ours"] == "ok" and r["tflm"] != "ok" and not (
        _lookup(BY_DESIGN, r) or _lookup(NOTES, r) or (r["op"], r["dtype"]) in UNREPRODUCIBLE)


def note(r: dict, registered: bool) -> str:
    """The note of a row: gap, difference by design, LiteRT difference, reason."""
    parts = []
    msg, diffs = r.get("messages", {}), r.get("diffs", {})
    tflm_ok, ours_ok = r["tflm"] == "ok", r["ours"] == "ok"
    by_design = _lookup(BY_DESIGN, r)
    tag = by_design if by_design else GAP
    if tflm_ok and not ours_ok:
        why = "not registered" if not registered else msg.get("ours", r["ours"])
        parts.append(f"{GAP}: TFLM runs it, ours fails: {why}" if not by_design else by_design)
    elif tflm_ok and r["ours_eq_tflm"] is False:
        parts.append(f"{tag}: ours differs from TFLM: {diffs.get('ours_vs_tflm', '')}")
    elif ours_ok and not tflm_ok:
        parts.append(f"TFLM {r['tflm']}: {msg.get('tflm', '')}")
    if r.get("c_eq_tflm") is False and r["ours_eq_tflm"]:
        parts.append(f"{GAP}: C backend differs from TFLM: {diffs.get('c_vs_tflm', '')}")
    elif ours_ok and r.get("c") not in ("ok", "unavailable", None):
        parts.append(f"{GAP}: C backend fails: {msg.get('c') or msg.get('ours') or r['c']}")
    if (r["op"], r["dtype"]) in UNREPRODUCIBLE:
        engine, why = UNREPRODUCIBLE[(r["op"], r["dtype"])]
        parts.append(f"{'TFLM' if engine == 'tflm' else 'LiteRT'} not reproducible: {why}")
    if r["ours_tflite_eq_litert"] is False:
        parts.append(f"ours(tflite) differs from LiteRT: {diffs.get('ours_tflite_vs_litert', '')}")
    if tflm_ok and r["litert"] not in ("ok", "unavailable"):
        parts.append(f"LiteRT-REF {r['litert']}: {_short(msg.get('litert', ''))}")
    elif r["litert"] == "ok" and ours_ok and r["ours_tflite"] != "ok":
        parts.append(f"ours(tflite) fails: {msg.get('ours_tflite') or msg.get('ours', '')}")
    extra = _lookup(NOTES, r)
    if extra:
        parts.append(extra)
    return "; ".join(_cell(p) for p in parts)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def render(doc: dict | None = None) -> str:
    doc = load_json() if doc is None else doc
    numpy_ops = registered_ops()
    rows = [r for r in doc["cases"] if r["tflm"] == "ok" or r["ours"] == "ok"]
    by_op = {op: [r for r in rows if r["op"] == op] for op in TFLM_OPS}
    n_exact = sum(r["ours_eq_tflm"] is True for r in rows)
    n_tflm = sum(r["tflm"] == "ok" for r in rows)
    gaps = [r for r in rows if is_gap(r)]
    versions = ", ".join(f"{k} {v}" for k, v in doc.get("runtimes", {}).items())
    lines = [
        "# Operator coverage",
        "",
        "Generated by `python tools/op_coverage.py` from the type probe (`tests/support/type_probe.py`),",
        "the op registry and the test files; do not edit by hand. The probe's raw results, with",
        "every runtime's message, are in [op_coverage.json](op_coverage.json).",
        "`tests/test_op_coverage.py` fails when this file is stale, and re-runs the probe to",
        "check that every \"yes\" in the comparison columns still holds.",
        "",
        f"Reference runtimes of this run: {versions}.",
        "",
        f"{sum(op in numpy_ops for op in TFLM_OPS)} of {len(TFLM_OPS)} TFLM operators are "
        f"registered. The probe ran {len(doc['cases'])} operator/type cases; TFLM runs {n_tflm} "
        f"of them, and this interpreter matches TFLM byte for byte on {n_exact}. "
        f"{len(gaps)} rows are gaps.",
        "",
        "## How to read the table",
        "",
        "For each TFLM operator and type the probe builds ONE small single-op model (recipes in",
        "`tests/support/type_probe.py`: int8, int16 and uint8 tensors quantized, int16 with zero point 0;",
        "for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV and the LSTM, `int16`",
        "means int16 activations with int8 weights and an int64 bias; `a->b` names input and",
        "output types) and runs it once, on:",
        "",
        "- **TFLM**: the `tflite-micro` runtime; `error` = it refused the model (prepare or",
        "  invoke failed), `abort` = it killed the process;",
        "- **ours**: this interpreter, `semantics=\"tflm\"`, NumPy backend; **== TFLM**: same",
        "  dtype, shape and bytes for every output;",
        "- **LiteRT-REF**: `ai-edge-litert` with its reference kernels (BUILTIN_REF);",
        "  **ours(tflite) == LiteRT**: this interpreter with `semantics=\"tflite\"` against it;",
        "- **C kernel**: the C backend ran a C kernel for this model (the kernel's name), not",
        "  the NumPy fallback; its output is compared with TFLM's too.",
        "",
        "A row is listed when TFLM or this interpreter runs the type. The probe is a smoke test",
        "of each type; the conformance tests (randomized shapes, quantization and options,",
        "compared with the TFLM runtime) are the test files named per operator (paths under",
        f"`tests/`). Notes marked {GAP} are rows where TFLM runs a type and this interpreter",
        "fails or differs; other notes give the reason for a difference by design, or where",
        "LiteRT differs.",
        "",
    ]
    if gaps:
        lines += ["## Gaps", ""]
        for r in gaps:
            ours = r.get("messages", {}).get("ours") or r.get("diffs", {}).get("ours_vs_tflm") \
                or r.get("messages", {}).get("c") or r.get("diffs", {}).get("c_vs_tflm", "")
            if r["op"] not in numpy_ops:
                ours = "operator not registered"
            lines.append(f"- {r['op']} {r['dtype']}: TFLM runs it; ours: {_short(ours, 160)}")
        lines.append("")
    lines += [
        "## Table",
        "",
        "| op | dtype | TFLM | ours | == TFLM | LiteRT-REF | ours(tflite) == LiteRT | C kernel "
        "| conformance tests | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for op in TFLM_OPS:
        tests = ", ".join(f"`{t}`" for t in tests_mentioning(op)) or "-"
        for r in sorted(by_op[op], key=lambda r: r["dtype"]):
            c = "-"
            if r.get("c_kernel"):
                c = f"yes ({r['c_kernel']})"
                if r.get("c_eq_tflm") is False:
                    c += " **differs**"
            ours = _ran(r["ours"]) if op in numpy_ops or r["ours"] == "ok" else \
                "no (not registered)"
            lines.append(
                f"| {op} | {r['dtype']} | {_ran(r['tflm'])} | {ours} | {_eq(r['ours_eq_tflm'])} "
                f"| {_ran(r['litert'])} | {_eq(r['ours_tflite_eq_litert'])} | {c} | {tests} "
                f"| {note(r, op in numpy_ops)} |")
    missing = [op for op in TFLM_OPS if not by_op[op]]
    if missing:
        lines += ["", "Operators with no row (neither TFLM nor this interpreter ran any probed "
                  "type; the JSON has what each runtime said): " + ", ".join(missing) + "."]
    unprobed = [op for op in TFLM_OPS if not any(r["op"] == op for r in doc["cases"])]
    if unprobed:
        lines += ["", "Not probed: " + ", ".join(unprobed) + "."]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

def stale_reasons() -> list[str]:
    """Why the committed files are stale (empty when current)."""
    import type_probe as tp

    if not OUT_JSON.exists():
        return [f"{OUT_JSON.relative_to(REPO)} is missing: run python tools/op_coverage.py"]
    doc = load_json()
    reasons = []
    have = {(r["op"], r["dtype"]) for r in doc["cases"]}
    want = set(tp.all_cases([op for op in TFLM_OPS if op in tp.RECIPES]))
    if have != want:
        diff = sorted(want ^ have)[:6]
        reasons.append(f"{OUT_JSON.relative_to(REPO)} does not have the probe's cases "
                       f"(e.g. {diff}): run python tools/op_coverage.py")
    if not OUT_MD.exists() or OUT_MD.read_text() != render(doc):
        reasons.append(f"{OUT_MD.relative_to(REPO)} is stale: run python tools/op_coverage.py "
                       "--render (or the full probe)")
    return reasons


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true",
                   help="exit 1 if the JSON lacks probe cases or the Markdown is stale")
    p.add_argument("--render", action="store_true",
                   help="rewrite the Markdown from the committed JSON, without probing")
    p.add_argument("--ops", nargs="+", metavar="OP",
                   help="probe only these operators and merge them into the JSON")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="worker processes (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds one engine may take on one model")
    args = p.parse_args(argv)
    if args.check:
        reasons = stale_reasons()
        for r in reasons:
            print(r, file=sys.stderr)
        return 1 if reasons else 0
    if not args.render:
        import type_probe as tp

        ops = args.ops or [op for op in TFLM_OPS if op in tp.RECIPES]
        unknown = [op for op in ops if op not in tp.RECIPES]
        if unknown:
            p.error(f"no probe recipe for {unknown}")
        t0 = time.time()
        records = run_probe(ops, args.jobs, args.timeout)
        if args.ops and OUT_JSON.exists():
            keep = [r for r in load_json()["cases"] if r["op"] not in set(ops)]
            records = keep + records
        write_json(records)
        print(f"probe: {len(records)} cases in {time.time() - t0:.0f} s; "
              f"wrote {OUT_JSON.relative_to(REPO)}")
    OUT_MD.write_text(render())
    print(f"wrote {OUT_MD.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
