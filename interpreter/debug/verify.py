"""Compare every intermediate tensor of this interpreter with a reference, op by op.

Both sides run with every tensor preserved (no arena reuse), so after one
inference each op's outputs still hold what that op wrote. Walking the ops in
execution order, the first output that differs is where the two
implementations part: everything after it may just inherit the difference.

References: ``"tflm"`` (the ``tflite-micro`` Python runtime with
``kPreserveAllTensors``), ``"tflite"`` (LiteRT's reference kernels with
``experimental_preserve_all_tensors``), or a ``.npz`` dump (see ``dump.py``).
This interpreter runs with the reference's semantics unless told otherwise
(``default_semantics``): ``semantics="tflite"`` against LiteRT.
"""
from __future__ import annotations

import os
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Sequence

import numpy as np

from ..parse.model import Quantization
from ..parse.model import Subgraph
from ..parse.model import Tensor
from .dump import read_dump
from .inputs import random_input

REFERENCES = ("tflm", "tflite")
#: ``verify(..., against=FIRMWARE, board=...)``: the generated firmware (interpreter.deploy)
FIRMWARE = "firmware"


# -- running each side --------------------------------------------------------

def run_ours(model: bytes, inputs: Sequence[np.ndarray], backend: str = "numpy",
             rounding: str = "double", semantics: str = "tflm"):
    """(interpreter, {tensor index: value}) after one invoke with every tensor preserved."""
    from ..interpreter import Interpreter

    interp = Interpreter(model_content=model, backend=backend, preserve_all_tensors=True,
                         rounding=rounding, semantics=semantics)
    interp.allocate_tensors()
    set_inputs(interp, inputs)
    interp.invoke()
    return interp, {t.index: interp.get_tensor(t.index) for t in interp.model.main.tensors}


def set_inputs(interp, inputs: Sequence[np.ndarray]) -> None:
    details = interp.get_input_details()
    if len(inputs) != len(details):
        raise ValueError(f"the model has {len(details)} inputs, got {len(inputs)}")
    for d, x in zip(details, inputs):
        interp.set_tensor(d["index"], np.asarray(x))


def run_tflm(model: bytes, inputs: Sequence[np.ndarray], subgraph: Subgraph,
             arena_size: int) -> dict[int, np.ndarray]:
    """Every tensor of subgraph 0 from the tflite-micro runtime, all tensors preserved."""
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError as e:
        raise RuntimeError("--against tflm needs the tflite-micro runtime "
                           "(pip install tflite-micro)") from e
    # Upstream spells the keyword "intrepreter_config".
    interp = runtime.Interpreter.from_bytes(
        bytes(model), arena_size=arena_size,
        intrepreter_config=runtime.InterpreterConfig.kPreserveAllTensors)
    for i, x in enumerate(inputs):
        interp.set_input(np.asarray(x), i)
    interp.invoke()
    out = {}
    # GetTensor(index, subgraph) returns {"dtype", "shape", "tensor_data"}; it does not
    # check the index (an out-of-range one crashes the process), so stay in range.
    for t in subgraph.tensors:
        out[t.index] = np.array(interp.GetTensor(t.index, 0)["tensor_data"])
    return out


def run_litert(model: bytes, inputs: Sequence[np.ndarray], subgraph: Subgraph) -> dict[int, np.ndarray]:
    """Every tensor of subgraph 0 from LiteRT's reference kernels, all tensors preserved."""
    try:
        from ai_edge_litert import interpreter as lite
    except ImportError as e:
        raise RuntimeError("--against tflite needs LiteRT (pip install ai-edge-litert)") from e
    interp = lite.Interpreter(model_content=bytes(model),
                              experimental_op_resolver_type=lite.OpResolverType.BUILTIN_REF,
                              experimental_preserve_all_tensors=True, num_threads=1)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], np.asarray(x))
    interp.invoke()
    out = {}
    for t in subgraph.tensors:
        try:
            out[t.index] = interp.get_tensor(t.index).copy()
        except ValueError:   # LiteRT has no data for this tensor
            pass
    return out


# -- comparing -----------------------------------------------------------------

@dataclass
class QuantParams:
    role: str            # "input 0", "output 0", ...
    tensor_index: int
    name: str
    dtype: str
    scale: list[float]
    zero_point: list[int]
    quantized_dimension: int = 0

    def text(self) -> str:
        if not self.scale:
            q = "not quantized"
        elif len(self.scale) == 1:
            q = f"scale {self.scale[0]:.6g} zero_point {self.zero_point[0]}"
        else:
            zps = sorted(set(self.zero_point))
            q = (f"per-channel[{len(self.scale)}] dim {self.quantized_dimension} scale "
                 f"{min(self.scale):.4g}..{max(self.scale):.4g} zero_point "
                 f"{zps[0] if len(zps) == 1 else f'{zps[0]}..{zps[-1]}'}")
        return f"{self.role:<9} {self.tensor_index:>4} {self.name!r} {self.dtype}: {q}"


@dataclass
class Divergence:
    op_index: int
    op_name: str
    tensor_index: int
    tensor_name: str
    dtype: str
    shape: list[int]
    elements_differing: int
    elements: int
    max_diff: float           # in LSB (units of the stored integer) for integer tensors
    unit: str                 # "LSB" or "abs" (float tensors)
    first_flat_index: int
    ours: float
    reference: float
    quantization: list[QuantParams] = field(default_factory=list)

    def text(self) -> str:
        md = f"{self.max_diff:g} {self.unit}" if self.unit == "LSB" else f"{self.max_diff:.6g}"
        lines = [
            f"op {self.op_index} {self.op_name}, tensor {self.tensor_index} "
            f"{self.tensor_name!r} {self.dtype}{self.shape}",
            f"  {self.elements_differing} of {self.elements} elements differ, max difference {md} "
            f"(first at flat index {self.first_flat_index}: ours {self.ours:g}, "
            f"reference {self.reference:g})",
            "  quantization of the op:"]
        lines += [f"    {q.text()}" for q in self.quantization]
        return "\n".join(lines)


@dataclass
class CaseResult:
    label: str                 # "seed 0", "x.npy", the dump's name
    ops: int
    compared: int              # op-output tensors compared
    not_in_reference: list[int]
    divergences: list[Divergence]

    @property
    def ok(self) -> bool:
        return not self.divergences

    @property
    def first(self) -> Divergence | None:
        return self.divergences[0] if self.divergences else None


def _qparams(role: str, t: Tensor) -> QuantParams:
    q: Quantization | None = t.quantization
    return QuantParams(role, t.index, t.name, str(t.dtype),
                       [] if q is None else [float(s) for s in q.scale],
                       [] if q is None else [int(z) for z in q.zero_point],
                       0 if q is None else int(q.quantized_dimension))


def op_quantization(subgraph: Subgraph, op_index: int) -> list[QuantParams]:
    node = subgraph.operators[op_index]
    out = [_qparams(f"input {k}", subgraph.tensors[i]) for k, i in enumerate(node.inputs) if i >= 0]
    out += [_qparams(f"output {k}", subgraph.tensors[i]) for k, i in enumerate(node.outputs)]
    return out


def diff_tensor(t: Tensor, ours: np.ndarray, ref: np.ndarray) -> tuple[int, float, int] | None:
    """(elements differing, max difference, first flat index), or None if equal."""
    a = np.asarray(ours).reshape(-1)
    b = np.asarray(ref).reshape(-1)
    if a.size != b.size:
        raise ValueError(f"tensor {t.index} {t.name!r}: {a.size} elements here, "
                         f"{b.size} in the reference")
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        bad = ~((a64 == b64) | (np.isnan(a64) & np.isnan(b64)))
    else:
        a64, b64 = a.astype(np.int64), b.astype(np.int64)
        bad = a64 != b64
    idx = np.flatnonzero(bad)
    if idx.size == 0:
        return None
    return int(idx.size), float(np.nanmax(np.abs(a64[idx] - b64[idx]), initial=0.0)), int(idx[0])


def compare(subgraph: Subgraph, ours: dict[int, np.ndarray], ref: dict[int, np.ndarray],
            label: str) -> CaseResult:
    """Walk the ops in execution order and list every output tensor that differs."""
    divergences, missing, compared, seen = [], [], 0, set()
    for node in subgraph.operators:
        for i in node.outputs:
            if i < 0 or i in seen:
                continue
            seen.add(i)
            if i not in ref:
                missing.append(i)
                continue
            compared += 1
            t = subgraph.tensors[i]
            d = diff_tensor(t, ours[i], ref[i])
            if d is None:
                continue
            n, mx, first = d
            a, b = np.asarray(ours[i]).reshape(-1), np.asarray(ref[i]).reshape(-1)
            divergences.append(Divergence(
                node.index, node.op_name, i, t.name, str(t.dtype), list(t.shape), n, t.num_elements,
                mx, "abs" if t.dtype.kind == "f" else "LSB", first, float(a[first]), float(b[first]),
                op_quantization(subgraph, node.index)))
    return CaseResult(label, len(subgraph.operators), compared, missing, divergences)


# -- the whole check -----------------------------------------------------------

@dataclass
class VerifyReport:
    model: str
    against: str
    backend: str
    cases: list[CaseResult]
    semantics: str = "tflm"    # the flavor this interpreter ran with

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cases)

    def to_dict(self) -> dict:
        return {
            "model": self.model, "against": self.against, "backend": self.backend,
            "semantics": self.semantics, "ok": self.ok,
            "cases": [{
                "input": c.label, "ok": c.ok, "ops": c.ops, "tensors_compared": c.compared,
                "not_in_reference": c.not_in_reference,
                "first_divergence": asdict(c.first) if c.first else None,
                "divergent_tensors": [
                    {"op_index": d.op_index, "op_name": d.op_name, "tensor_index": d.tensor_index,
                     "tensor_name": d.tensor_name, "elements_differing": d.elements_differing,
                     "max_diff": d.max_diff, "unit": d.unit} for d in c.divergences],
            } for c in self.cases],
        }

    def text(self) -> str:
        lines = [f"verify {self.model} against {self.against} (backend {self.backend}, "
                 f"semantics {self.semantics}): "
                 f"{len(self.cases)} input set(s)"]
        for c in self.cases:
            head = f"{c.label}: {c.ops} ops, {c.compared} tensors compared"
            if c.not_in_reference:
                head += f" ({len(c.not_in_reference)} not in the reference)"
            if c.ok:
                lines.append(head + ": all equal")
                continue
            lines.append(head + ": FIRST DIVERGENCE at " + c.first.text())
            rest = c.divergences[1:]
            if rest:
                lines.append(f"  then {len(rest)} more tensor(s) differ downstream "
                             f"(ops {rest[0].op_index}..{rest[-1].op_index})")
        bad = sum(not c.ok for c in self.cases)
        lines.append("result: OK, no divergence" if self.ok
                     else f"result: MISMATCH in {bad} of {len(self.cases)} input set(s)")
        return "\n".join(lines)


def _tflm_arena_size(interp, model: bytes) -> int:
    # Every tensor kept: at least the linear plan, plus TFLM's persistent tail.
    return max(1 << 20, 2 * interp.memory_plan().arena_bytes + 16 * len(model) + (256 << 10))


def verify(model: bytes, against: str, input_sets: Sequence[tuple[str, Sequence[np.ndarray]]] = (),
           backend: str = "numpy", rounding: str = "double", name: str = "model",
           semantics: str | None = None, board: str | None = None,
           opt: str = "O2") -> VerifyReport:
    """Run each input set on this interpreter and on ``against`` and compare every op output.

    ``against`` is ``"tflm"``, ``"tflite"``, ``"firmware"`` (the model's generated
    firmware, run on ``board``: a QEMU board name, or ``"host"`` for the host's C
    compiler; built with ``-<opt>``) or the path of a ``.npz`` dump. With a dump
    and no input sets, the model inputs are taken from the dump. ``semantics`` is
    the flavor this interpreter runs with; ``None`` picks the one of the
    reference (``default_semantics``).
    """
    if semantics is None:
        semantics = default_semantics(against)
    if against == FIRMWARE:
        return _verify_firmware(model, input_sets, backend, rounding, name, semantics,
                                board, opt)
    is_dump = against not in REFERENCES
    cases = []
    if is_dump:
        from ..parse.loader import load_model

        sg = load_model(bytes(model), name=name).main
        ref = read_dump(against, sg)
        if not input_sets:
            missing = [i for i in sg.inputs if i not in ref]
            if missing:
                raise ValueError(f"{os.fspath(against)} lacks model input tensor(s) {missing}; "
                                 "pass --input")
            input_sets = [(os.path.basename(os.fspath(against)), [ref[i] for i in sg.inputs])]
        for label, inputs in input_sets:
            interp, ours = run_ours(model, inputs, backend, rounding, semantics)
            cases.append(compare(interp.model.main, ours, ref, label))
        return VerifyReport(name, os.fspath(against), backend, cases, semantics)
    for label, inputs in input_sets:
        interp, ours = run_ours(model, inputs, backend, rounding, semantics)
        sg = interp.model.main
        if against == "tflm":
            ref = run_tflm(model, inputs, sg, _tflm_arena_size(interp, model))
        else:
            ref = run_litert(model, inputs, sg)
        cases.append(compare(sg, ours, ref, label))
    return VerifyReport(name, against, backend, cases, semantics)


def run_generated(model: bytes, input_sets, board: str, opt: str = "O2",
                  rounding: str = "double", name: str = "model"):
    """Every op output of the model's generated firmware, per input set, and the run
    (a ``FirmwareRun`` on a QEMU board; None on ``"host"``)."""
    from ..deploy.host import run_on_host
    from ..parse.loader import load_model

    sg = load_model(bytes(model), name=name).main
    inputs = [list(x) for _label, x in input_sets]
    if board == "host":
        captured, run = run_on_host(model, inputs, rounding, name, opt), None
    else:
        from ..deploy.firmware import run_firmware

        run = run_firmware(model, inputs, board, opt, rounding, name=name, measure_size=False)
        captured = run.outputs
    return [{i: np.frombuffer(raw, sg.tensors[i].dtype).reshape(sg.tensors[i].shape)
             for i, raw in c.items()} for c in captured], run


def _verify_firmware(model, input_sets, backend, rounding, name, semantics, board, opt):
    if board is None:
        raise ValueError("--against firmware needs --board (a QEMU board or host)")
    if not input_sets:
        raise ValueError("--against firmware needs input sets (--inputs N or --input)")
    refs, _run = run_generated(model, input_sets, board, opt, rounding, name)
    cases = []
    for (label, inputs), ref in zip(input_sets, refs):
        interp, ours = run_ours(model, inputs, backend, rounding, semantics)
        cases.append(compare(interp.model.main, ours, ref, label))
    where = "the host" if board == "host" else board
    return VerifyReport(name, f"firmware on {where} (-{opt})", backend, cases, semantics)


def default_semantics(against) -> str:
    """The interpreter flavor ``verify`` uses unless told: the reference's own.

    Against LiteRT (``"tflite"``) that is ``semantics="tflite"``, so a
    mismatch is something this interpreter does not reproduce, not one of
    the documented TFLM/LiteRT differences (docs/TFLM_VS_TFLITE.md); pass
    ``semantics="tflm"`` to see where TFLM-exact firmware parts from LiteRT.
    Against TFLM or a dump (from TFLM firmware): ``"tflm"``.
    """
    return "tflite" if isinstance(against, str) and against == "tflite" else "tflm"


def random_input_sets(model: bytes, n: int, seed: int = 0) -> list[tuple[str, list[np.ndarray]]]:
    """``n`` seeded random input sets (seeds ``seed``..``seed+n-1``), whole type range."""
    from ..interpreter import Interpreter

    interp = Interpreter(model_content=model)
    details = interp.get_input_details()
    out = []
    for s in range(seed, seed + n):
        rng = np.random.default_rng(s)
        out.append((f"seed {s}", [random_input(d, rng) for d in details]))
    return out
