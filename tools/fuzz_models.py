"""Structure-aware fuzzing: hostile models must give typed errors, never anything else.

Seeds are the type probe's models (tests/support/type_probe.py: one small valid model
per TFLM operator and type). Each case takes a seed, decodes it with the
flatc-generated object API that the ``tflite-micro`` package ships, applies a
few random mutations of the fields a kernel reads (quantization scales and zero
points, per-channel arrays and their dimension, tensor shapes, types and
buffers, buffer bytes, builtin option fields, operator inputs/outputs, opcode
indices and codes, operator order, subgraph inputs/outputs), re-encodes it,
and sometimes flips or truncates bytes of the result. A worker process then
loads it, allocates it and invokes it on random inputs with the NumPy and the
C backend, and with the NumPy backend under ``semantics="tflite"`` (which takes
more types than TFLM's), under a memory limit, while the parent enforces a time
limit.

Outcomes, per configuration: ``ran``, ``typed`` (ModelError / UnsupportedOpError),
``untyped`` (any other exception), ``crash`` (the worker died), ``hang`` (over
the time limit), ``oom`` (MemoryError or the address-space limit), and
``mismatch`` (both backends ran but their outputs differ). The target is no
case outside ran/typed. Every case is reproducible from (seed, case number):

    python tools/fuzz_models.py --cases 5000                 # the CI run's size
    python tools/fuzz_models.py --cases 100000 --jobs 2      # the long campaign
    python tools/fuzz_models.py --replay conv_2d/int8:1234   # one case, traceback shown
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import select
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

OUTCOMES = ("ran", "typed", "untyped", "crash", "hang", "oom", "mismatch")
BAD = ("untyped", "crash", "hang", "oom", "mismatch")
#: the interpreter configurations every case runs on (Interpreter keyword arguments)
CONFIGS = {"numpy": {"backend": "numpy"}, "c": {"backend": "c"},
           "tflite": {"backend": "numpy", "semantics": "tflite"}}
BACKENDS = tuple(CONFIGS)
#: the worker's address-space limit (bytes) and the per-case time limit (seconds)
MEMORY_LIMIT = 4 << 30
TIME_LIMIT = 20.0

# -- mutations --------------------------------------------------------------------------------

INTS = [-(1 << 31), -65536, -129, -128, -2, -1, 0, 1, 2, 3, 7, 127, 128, 255, 256, 32767, 32768,
        65535, 1 << 20, (1 << 31) - 1]
FLOATS = [0.0, -0.0, -1.0, 1e-45, 1e-38, 1e-10, 1e-6, 0.5, 1.0, 3.0, 1e6, 1e30, 3.4e38,
          float("inf"), float("-inf"), float("nan")]


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _int(rng) -> int:
    return int(_pick(rng, INTS)) if rng.random() < 0.7 else int(rng.integers(-300, 300))


class NothingToMutate(Exception):
    """The model lacks what a mutation changes; the message says what (the case's log)."""


def _pick_some(rng, seq, lacking: str):
    if not seq:
        raise NothingToMutate(lacking)
    return _pick(rng, seq)


def _pick_tensor(rng, model):
    return _pick_some(rng, [t for sg in (model.subgraphs or []) for t in (sg.tensors or [])],
                      "no tensor")


def mutate_quantization(rng, model) -> str:
    t = _pick_tensor(rng, model)
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as s
    if t.quantization is None:
        t.quantization = s.QuantizationParametersT()
    q = t.quantization
    what = int(rng.integers(5))
    n = len(q.scale) if q.scale is not None else 1
    hostile = rng.random() < 0.3   # else values a loader accepts, to reach the kernels
    if what == 0:
        q.scale = [float(_pick(rng, FLOATS)) if hostile else float(10 ** rng.uniform(-12, 12))
                   for _ in range(max(n, 1))]
    elif what == 1:
        lo, hi = {9: (-128, 127), 3: (0, 255), 7: (-32768, 32767)}.get(t.type, (-9, 9))
        q.zeroPoint = [_int(rng) if hostile else int(_pick(rng, [lo, hi, 0, 1, -1]))
                       for _ in range(max(n, 1))]
    elif what == 2:   # per-channel arrays of another length
        m = int(rng.integers(0, 9))
        q.scale = [float(10 ** rng.uniform(-4, 1)) for _ in range(m)]
        q.zeroPoint = [0] * (m if rng.random() < 0.7 else int(rng.integers(0, 9)))
    elif what == 3:
        q.quantizedDimension = _int(rng)
    else:
        t.quantization = None
    return f"quantization of tensor {t.name!r} ({what})"


def mutate_shape(rng, model) -> str:
    t = _pick_tensor(rng, model)
    shape = list(t.shape) if t.shape is not None else []
    what = int(rng.integers(4))
    if what == 0 and shape:
        shape[int(rng.integers(len(shape)))] = _pick(rng, [0, -1, -2, 1, 2, 3, 65536, 1 << 30])
    elif what == 1 and shape:
        shape.pop(int(rng.integers(len(shape))))
    elif what == 2:
        shape.insert(int(rng.integers(len(shape) + 1)), int(_pick(rng, [1, 2, 3])))
    else:
        shape = [int(d) for d in rng.integers(1, 5, int(rng.integers(0, 7)))]
    t.shape = shape
    return f"shape of tensor {t.name!r} -> {shape}"


def mutate_type(rng, model) -> str:
    t = _pick_tensor(rng, model)
    t.type = int(rng.integers(0, 20))
    return f"type of tensor {t.name!r} -> {t.type}"


def mutate_buffer(rng, model) -> str:
    what = int(rng.integers(3))
    if what == 0:
        t = _pick_tensor(rng, model)
        t.buffer = int(_pick(rng, [0, 1, len(model.buffers or []), 1 << 20, -1 & 0xFFFFFFFF]))
        return f"buffer of tensor {t.name!r} -> {t.buffer}"
    buffers = [b for b in (model.buffers or []) if b.data is not None and len(b.data)]
    b = _pick_some(rng, buffers, "no buffer data")
    data = np.asarray(b.data, np.uint8)
    if what == 1:
        b.data = data[:int(rng.integers(len(data)))]
        return "buffer truncated"
    data = data.copy()
    idx = rng.integers(0, len(data), max(1, len(data) // 8))
    data[idx] = rng.integers(0, 256, len(idx))
    b.data = data
    return "buffer bytes changed"


def mutate_options(rng, model) -> str:
    ops = [op for sg in (model.subgraphs or []) for op in (sg.operators or [])
           if op.builtinOptions is not None]
    op = _pick_some(rng, ops, "no options")
    fields = [k for k, v in vars(op.builtinOptions).items() if isinstance(v, (int, float, bool))]
    k = _pick_some(rng, fields, "no option fields")
    v = getattr(op.builtinOptions, k)
    if isinstance(v, bool):
        new = not v
    elif isinstance(v, float):
        new = float(_pick(rng, FLOATS))
    elif rng.random() < 0.5:       # small values: other valid enums, strides, sizes, axes
        new = int(rng.integers(-2, 6))
    else:
        new = _int(rng)
    setattr(op.builtinOptions, k, new)
    return f"option {k} -> {new}"


def mutate_operator(rng, model) -> str:
    sgs = [sg for sg in (model.subgraphs or []) if sg.operators]
    sg = _pick_some(rng, sgs, "no operator")
    op = _pick(rng, sg.operators)
    n = len(sg.tensors or [])
    what = int(rng.integers(6))
    if what == 0 and op.inputs is not None and len(op.inputs):
        i = int(rng.integers(len(op.inputs)))
        op.inputs = list(op.inputs)
        op.inputs[i] = int(_pick(rng, [-1, -2, 0, n - 1, n, n + 5, 1 << 20]))
        return f"operator input {i} -> {op.inputs[i]}"
    if what == 1 and op.outputs is not None and len(op.outputs):
        i = int(rng.integers(len(op.outputs)))
        op.outputs = list(op.outputs)
        op.outputs[i] = int(_pick(rng, [-1, 0, n - 1, n, 1 << 20]))
        return f"operator output {i} -> {op.outputs[i]}"
    if what == 2:
        op.inputs = list(op.inputs or [])
        if op.inputs and rng.random() < 0.5:
            op.inputs.pop()
        else:
            op.inputs.append(int(rng.integers(-1, max(n, 1))))
        return f"operator inputs -> {op.inputs}"
    if what == 3:
        op.opcodeIndex = int(_pick(rng, [0, 1, len(model.operatorCodes or []), 1 << 20]))
        return f"opcode index -> {op.opcodeIndex}"
    if what == 4 and len(sg.operators) > 1:
        i, j = rng.choice(len(sg.operators), 2, replace=False)
        sg.operators[i], sg.operators[j] = sg.operators[j], sg.operators[i]
        return "operators swapped"
    sg.operators.append(op)
    return "operator duplicated"


def mutate_opcode(rng, model) -> str:
    code = _pick_some(rng, model.operatorCodes or [], "no opcode")
    b = int(rng.integers(0, 210))
    code.builtinCode = b
    code.deprecatedBuiltinCode = min(b, 127)
    return f"opcode -> {b}"


def mutate_subgraph_io(rng, model) -> str:
    sg = _pick(rng, model.subgraphs or [None])
    if sg is None:
        return "no subgraph"
    n = len(sg.tensors or [])
    field_ = "inputs" if rng.random() < 0.5 else "outputs"
    values = list(getattr(sg, field_) or [])
    if values and rng.random() < 0.6:
        values[int(rng.integers(len(values)))] = int(_pick(rng, [-1, 0, n - 1, n, 1 << 20]))
    elif values and rng.random() < 0.5:
        values.pop()
    else:
        values.append(int(rng.integers(-1, n + 1)))
    setattr(sg, field_, values)
    return f"subgraph {field_} -> {values}"


MUTATORS = [mutate_quantization, mutate_quantization, mutate_shape, mutate_type, mutate_buffer,
            mutate_options, mutate_options, mutate_operator, mutate_opcode, mutate_subgraph_io]


def _mutate(rng, model) -> str:
    """One random mutation of ``model`` in place; what it did."""
    mutator = MUTATORS[int(rng.integers(len(MUTATORS)))]
    try:
        return mutator(rng, model)
    except NothingToMutate as e:
        return str(e)


def byte_damage(rng, data: bytes) -> tuple[bytes, str]:
    if rng.random() < 0.5:
        cut = int(rng.integers(0, len(data)))
        return data[:cut], f"truncated to {cut} bytes"
    a = bytearray(data)
    for _ in range(int(rng.integers(1, 9))):
        a[int(rng.integers(len(a)))] = int(rng.integers(256))
    return bytes(a), "bytes flipped"


# -- cases ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seed:
    name: str
    model: bytes


CORPUS = ROOT.parent / "shared" / "models"


def seeds() -> list[Seed]:
    """The type probe's models, one per (operator, type): ``op/type`` names; and the
    corpus models beside the repository when they are there (``corpus/<name>``)."""
    import warnings

    import type_probe
    out = [Seed(f"corpus/{p.stem}", p.read_bytes()) for p in sorted(CORPUS.glob("*/*.tflite"))
           if p.stat().st_size < 1 << 20]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for op, label in type_probe.all_cases():
            try:
                case = type_probe.build_case(op, label)
            except Exception:   # noqa: BLE001 - a recipe the probe marks as not buildable
                continue
            out.append(Seed(f"{op.lower()}/{label}", bytes(case.model)))
    return out


def make_case(seed: Seed, number: int) -> tuple[bytes, list[str]]:
    """The mutated model of case ``number`` of ``seed``, and what was done to it."""
    from flatbuffers import Builder
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as s

    rng = np.random.default_rng([number, sum(seed.name.encode())])
    model = s.ModelT.InitFromPackedBuf(bytearray(seed.model), 0)
    # mostly one mutation, so that many cases get past loading into the kernels
    count = 1 + (rng.random() < 0.4) + (rng.random() < 0.2)
    done = [_mutate(rng, model) for _ in range(count)]
    b = Builder(1024)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    data = bytes(b.Output())
    if rng.random() < 0.15:
        data, what = byte_damage(rng, data)
        done.append(what)
    return data, done


# -- running a case (in the worker) ------------------------------------------------------------

def invoke(model: bytes, config: str, rng) -> list[np.ndarray]:
    """Load, allocate and invoke ``model`` in one configuration (CONFIGS) on random
    inputs; its outputs."""
    import warnings

    from interpreter import Interpreter
    from interpreter.debug.inputs import random_input
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interp = Interpreter(model_content=model, **CONFIGS[config])
        interp.allocate_tensors()
        for d in interp.get_input_details():
            interp.set_tensor(d["index"], random_input(d, rng))
        interp.invoke()
        return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def run_backend(model: bytes, backend: str, rng) -> tuple[str, str, list[np.ndarray] | None]:
    """(outcome, message, outputs) of one configuration."""
    from interpreter.errors import ModelError
    from interpreter.errors import UnsupportedOpError
    try:
        return "ran", "", invoke(model, backend, rng)
    except (ModelError, UnsupportedOpError) as e:
        return "typed", f"{type(e).__name__}: {e}"[:300], None
    except MemoryError as e:
        return "oom", f"MemoryError: {e}"[:300], None
    except Exception as e:  # noqa: BLE001 - exactly what this fuzzer is looking for
        tb = traceback.extract_tb(e.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(tb)
                      if "/interpreter/" in f.filename), "?")
        return "untyped", f"{type(e).__name__} at {where}: {e}"[:400], None


def run_case(seed: Seed, number: int) -> dict:
    try:
        model, done = make_case(seed, number)
    except Exception as e:  # noqa: BLE001 - the object API could not re-encode the mutation
        return {"skipped": f"{type(e).__name__}: {e}"[:200]}
    result = {"mutations": done}
    outs = {}
    for backend in BACKENDS:
        outcome, message, outputs = run_backend(model, backend, np.random.default_rng(number))
        result[backend] = [outcome, message]
        outs[backend] = outputs
    if outs["numpy"] is not None and outs["c"] is not None:
        same = all(a.tobytes() == b.tobytes() for a, b in zip(outs["numpy"], outs["c"]))
        if not same:
            result["c"] = ["mismatch", "C backend outputs differ from NumPy's"]
    return result


def worker() -> int:
    """Serve cases: one JSON request per line on stdin, one JSON result per line."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    import numpy  # noqa: F401 - imported before the limit matters
    by_name = {s.name: s for s in seeds()}
    print(json.dumps({"ready": len(by_name)}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        result = run_case(by_name[req["seed"]], req["number"])
        print(json.dumps(result), flush=True)
    return 0


# -- the campaign (parent) ------------------------------------------------------------------------

class Worker:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     bufsize=1)
        ready = self._read(600.0)
        if ready is None or "ready" not in ready:
            raise RuntimeError(f"fuzz worker did not start: {self.proc.stderr.read()[-2000:]}")

    def _read(self, timeout: float) -> dict | None:
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else {"died": True}

    def send(self, seed: str, number: int) -> None:
        self.proc.stdin.write(json.dumps({"seed": seed, "number": number}) + "\n")
        self.proc.stdin.flush()

    def result(self, timeout: float) -> dict:
        res = self._read(timeout)
        if res is None:
            self.proc.kill()
            self.proc.wait()
            return {"hang": True}
        if res.get("died"):
            self.proc.wait()
            err = self.proc.stderr.read()[-500:]
            if self.proc.returncode in (-9,) or "MemoryError" in err or "std::bad_alloc" in err:
                return {"oom": f"worker died ({self.proc.returncode}): {err}"}
            return {"crash": f"worker died ({self.proc.returncode}): {err}"}
        return res

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


@dataclass
class Report:
    cases: int = 0
    skipped: int = 0
    counts: dict = field(default_factory=lambda: {b: Counter() for b in BACKENDS})
    problems: dict = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0

    @property
    def bad(self) -> int:
        return sum(self.counts[b][o] for b in BACKENDS for o in BAD)

    def text(self) -> str:
        lines = [f"{self.cases} cases ({self.skipped} not encodable, skipped) in "
                 f"{self.seconds:.0f} s"]
        for b in BACKENDS:
            lines.append(f"  {b:<6} " + ", ".join(f"{o} {self.counts[b][o]}" for o in OUTCOMES))
        for key, repros in sorted(self.problems.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"{len(repros):>6} x {key}")
            lines.append(f"         e.g. --replay {repros[0]}")
        lines.append("result: " + ("OK, no untyped error, crash, hang, OOM or mismatch"
                                   if not self.bad else f"{self.bad} bad outcome(s)"))
        return "\n".join(lines)


def campaign(cases: int, jobs: int = 2, start: int = 0, progress: bool = False) -> Report:
    all_seeds = seeds()
    plan = [(all_seeds[i % len(all_seeds)].name, start + i // len(all_seeds) * 7919 + i)
            for i in range(cases)]
    report, t0 = Report(), time.perf_counter()
    workers = [Worker() for _ in range(max(1, jobs))]
    busy: dict[int, tuple[str, int]] = {}
    todo = list(reversed(plan))

    def record(spec, res):
        repro = f"{spec[0]}:{spec[1]}"
        report.cases += 1
        if "skipped" in res:
            report.skipped += 1
            return
        for kind in ("hang", "crash", "oom"):
            if kind in res:
                for b in BACKENDS:
                    report.counts[b][kind] += 1
                report.problems[f"{kind}: {str(res[kind])[:120]}"].append(repro)
                return
        for b in BACKENDS:
            outcome, message = res[b]
            report.counts[b][outcome] += 1
            if outcome in BAD:
                report.problems[f"{b} {outcome}: {message.split(': ', 1)[0]}"].append(repro)

    try:
        while todo or busy:
            for k, w in enumerate(workers):
                if k not in busy and todo:
                    busy[k] = spec = todo.pop()
                    w.send(*spec)
            ready, _, _ = select.select([w.proc.stdout for k, w in enumerate(workers)
                                         if k in busy], [], [], TIME_LIMIT)
            if not ready:   # every busy worker is over its time: all of them hang
                for k in list(busy):
                    record(busy.pop(k), workers[k].result(0))
                    workers[k] = Worker()
                continue
            for k, w in enumerate(workers):
                if k in busy and w.proc.stdout in ready:
                    res = w.result(TIME_LIMIT)
                    record(busy.pop(k), res)
                    if any(key in res for key in ("hang", "crash", "oom")):
                        workers[k] = Worker()
            if progress and report.cases % 500 == 0:
                print(f"  {report.cases}/{cases}", file=sys.stderr, flush=True)
    finally:
        for w in workers:
            w.close()
    report.seconds = time.perf_counter() - t0
    return report


def replay(spec: str) -> int:
    name, number = spec.rsplit(":", 1)
    by_name = {s.name: s for s in seeds()}
    model, done = make_case(by_name[name], int(number))
    print(f"mutations: {done}")
    for backend in BACKENDS:
        try:
            invoke(model, backend, np.random.default_rng(int(number)))
            print(f"{backend}: ran")
        except Exception:  # noqa: BLE001 - shown in full
            print(f"{backend}:")
            traceback.print_exc()
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=5000)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--start", type=int, default=0, help="first case number (another campaign)")
    p.add_argument("--replay", metavar="SEED:N", help="run one case in this process, verbosely")
    p.add_argument("--json", metavar="OUT.json", help="also write the report as JSON")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return worker()
    if args.replay:
        return replay(args.replay)
    report = campaign(args.cases, args.jobs, args.start, progress=True)
    print(report.text())
    if args.json:
        Path(args.json).write_text(json.dumps({
            "cases": report.cases, "skipped": report.skipped, "seconds": report.seconds,
            "counts": {b: dict(c) for b, c in report.counts.items()},
            "problems": {k: v for k, v in report.problems.items()}}, indent=1))
    return 0 if not report.bad else 1


if __name__ == "__main__":
    sys.exit(main())
