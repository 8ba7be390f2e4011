"""Median invoke() latency of this interpreter against the reference runtimes.

Runtimes are measured alternately, round by round, in one process, so that
machine noise hits them alike; each figure is a median over rounds. Only
invoke() is timed (inputs are set before the clock starts).

    python tools/bench.py                      # table + JSON (bench.json)
    python tools/bench.py --rounds 30 --models vww_96_int8 --json out.json
    python tools/bench.py --runtimes c tflm litert   # a subset
    python tools/bench.py --layers --runtimes c litert --rounds 200   # single layers

Runtimes:

* ``numpy``, ``c``: this interpreter with ``backend="numpy"`` / ``backend="c"``.
* ``tflm``: the tflite-micro Python runtime (TFLM's reference kernels).
* ``litert``: LiteRT as its users run it, ``Interpreter(model_content=...,
  num_threads=1)``: the default op resolver, which applies the XNNPACK delegate
  (its AVX-512 / AVX2 kernels) to the ops XNNPACK supports.
* ``litert_nodelegate``: LiteRT's builtin optimized kernels without the default
  delegate (``OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES``: no XNNPACK).
* ``litert_ref``: LiteRT's reference kernels (``OpResolverType.BUILTIN_REF``).

Models: the MLPerf Tiny models and person_detect from ../shared/models, and
``mobilenet_v1_0.5_224``, a MobileNetV1-like int8 model with random weights
made by tools/make_mobilenet.py (alpha 0.5, 224x224x3, seed 0).

The first table is milliseconds per invoke() and the ratios c / litert (time of
the c backend over LiteRT's default interpreter: below 1 is faster) and
tflm / c; the second is achieved GMAC/s (conv, depthwise and fully connected
MACs of the model).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

# single-threaded numerics everywhere: OpenBLAS worker threads (numpy) would otherwise
# keep spinning after the numpy backend's matrix products and steal a core from the
# runtime measured next
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
MODELS = REPO.parent / "shared" / "models"

DEFAULT_MODELS = {
    "ad01_int8": "mlperf_tiny/ad01_int8.tflite",
    "kws_ref_model": "mlperf_tiny/kws_ref_model.tflite",
    "pretrainedResnet_quant": "mlperf_tiny/pretrainedResnet_quant.tflite",
    "vww_96_int8": "mlperf_tiny/vww_96_int8.tflite",
    "person_detect": "tflm/person_detect.tflite",
    "mobilenet_v1_0.5_224": None,   # generated: tools/make_mobilenet.py
}
RUNTIMES = ["numpy", "c", "tflm", "litert", "litert_nodelegate", "litert_ref"]


def model_bytes(name: str) -> bytes | None:
    """The model's .tflite bytes (None if its file is absent)."""
    if DEFAULT_MODELS[name] is None:
        sys.path.insert(0, str(REPO / "tools"))
        from make_mobilenet import mobilenet_v1

        return mobilenet_v1(alpha=0.5, size=224, seed=0)
    path = MODELS / DEFAULT_MODELS[name]
    if not path.exists():
        print(f"skip {name}: {path} not found", file=sys.stderr)
        return None
    return path.read_bytes()


def make_runner(kind: str, data: bytes, inputs: list[np.ndarray]):
    """A zero-argument callable that runs one invoke(), inputs already set; None if unavailable."""
    if kind.startswith("numpy") or kind.startswith("c"):
        from interpreter import Interpreter

        interp = Interpreter(model_content=data, backend=kind)
        interp.allocate_tensors()
        for d, x in zip(interp.get_input_details(), inputs):
            interp.set_tensor(d["index"], x)
        return interp.invoke
    if kind == "tflm":
        from tflite_micro.python.tflite_micro import runtime

        interp = runtime.Interpreter.from_bytes(data, arena_size=16 << 20)
        for i, x in enumerate(inputs):
            interp.set_input(x, i)
        return interp.invoke
    if kind in ("litert", "litert_nodelegate", "litert_ref"):
        from ai_edge_litert import interpreter as lite

        # litert: the default resolver (XNNPACK delegate applied), as users run it
        options = {
            "litert": {},
            "litert_nodelegate": {"experimental_op_resolver_type":
                                  lite.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES},
            "litert_ref": {"experimental_op_resolver_type": lite.OpResolverType.BUILTIN_REF},
        }[kind]
        try:
            interp = lite.Interpreter(model_content=data, num_threads=1, **options)
            interp.allocate_tensors()
        except (RuntimeError, ValueError):
            return None  # e.g. LiteRT refuses person_detect
        for d, x in zip(interp.get_input_details(), inputs):
            interp.set_tensor(d["index"], x)
        return interp.invoke
    raise ValueError(kind)


def model_inputs(data: bytes, seed: int) -> list[np.ndarray]:
    from interpreter import Interpreter

    interp = Interpreter(model_content=data)
    rng = np.random.default_rng(seed)
    out = []
    for d in interp.get_input_details():
        info = np.iinfo(d["dtype"])
        out.append(rng.integers(info.min, info.max, tuple(d["shape"]), endpoint=True)
                   .astype(d["dtype"]))
    return out


def count_macs(data: bytes) -> int:
    """Multiply-accumulates of the model's CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED ops."""
    from interpreter import Interpreter

    sg = Interpreter(model_content=data).model.main
    macs = 0
    for node in sg.operators:
        if node.op_name not in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
            continue
        out = sg.tensors[node.outputs[0]]
        f = sg.tensors[node.inputs[1]].shape
        if node.op_name == "CONV_2D":
            per_output = int(np.prod(f[1:]))
        elif node.op_name == "DEPTHWISE_CONV_2D":
            per_output = f[1] * f[2]
        else:
            per_output = f[-1]
        macs += out.num_elements * per_output
    return macs


def bench_model(data: bytes, runtimes: list[str], rounds: int, seed: int) -> dict[str, float | None]:
    inputs = model_inputs(data, seed)
    runners = {k: make_runner(k, data, inputs) for k in runtimes}
    samples: dict[str, list[float]] = {k: [] for k, r in runners.items() if r is not None}
    for r in runners.values():
        if r is not None:
            r()  # warm-up
    for _ in range(rounds):
        for k in samples:
            t0 = time.perf_counter()
            runners[k]()
            samples[k].append(time.perf_counter() - t0)
    return {k: (statistics.median(samples[k]) if k in samples else None) for k in runtimes}


def chain_of_adds(n: int) -> bytes:
    """A model of n chained int8 ADDs of shape [1, 4]: almost all dispatch, no math."""
    from interpreter.builder import ModelBuilder

    b = ModelBuilder(description=f"{n} chained tiny ADDs")
    x = b.add_tensor("x", np.int8, [1, 4], scale=0.1, zero_point=1)
    t = x
    for i in range(n):
        y = b.add_tensor(f"y{i}", np.int8, [1, 4], scale=0.1, zero_point=1)
        b.add_operator("ADD", [t, x], [y])
        t = y
    b.set_inputs([x])
    b.set_outputs([t])
    return b.build()


def bench_dispatch(runtimes: list[str], rounds: int, n_ops: int = 200) -> dict[str, float]:
    """Median per-op invoke() time on chain_of_adds(n_ops), per backend."""
    data = chain_of_adds(n_ops)
    result = bench_model(data, runtimes, rounds, seed=0)
    return {k: v / n_ops for k, v in result.items() if v is not None}


def layer_model(op: str, h: int, w: int, cin: int, cout: int = 0, k: int = 1, stride: int = 1,
                seed: int = 0) -> bytes:
    """One int8 layer as real models quantize it (per-channel filters, int32 bias, RELU):
    CONV_2D (cout filters k x k, SAME), DEPTHWISE_CONV_2D (k x k, multiplier 1) or ADD of
    two [1, h, w, cin] tensors."""
    from interpreter.builder import ModelBuilder

    rng = np.random.default_rng(seed)
    b = ModelBuilder(description=f"{op} {h}x{w}x{cin}")
    x = b.add_tensor("x", np.int8, [1, h, w, cin], scale=0.05, zero_point=-3)
    if op == "ADD":
        z = b.add_tensor("z", np.int8, [1, h, w, cin], scale=0.07, zero_point=2)
        y = b.add_tensor("y", np.int8, [1, h, w, cin], scale=0.1, zero_point=-1)
        b.add_operator("ADD", [x, z], [y], options={"fused_activation_function": "RELU"})
        b.set_inputs([x, z])
        b.set_outputs([y])
        return b.build()
    depthwise = op == "DEPTHWISE_CONV_2D"
    nch = cin if depthwise else cout
    shape = [1, k, k, cin] if depthwise else [cout, k, k, cin]
    scales = list(rng.uniform(0.002, 0.01, nch))
    wt = b.add_tensor("w", np.int8, shape, data=rng.integers(-127, 128, shape), scale=scales,
                      zero_point=[0] * nch, quantized_dimension=3 if depthwise else 0)
    bt = b.add_tensor("b", np.int32, [nch], data=rng.integers(-1000, 1000, nch),
                      scale=[0.05 * s for s in scales], zero_point=[0] * nch)
    depth = k * k * (1 if depthwise else cin)
    y = b.add_tensor("y", np.int8, [1, -(-h // stride), -(-w // stride), nch],
                     scale=0.05 * 0.006 * float(np.sqrt(depth)) * 60, zero_point=5)
    options = {"padding": "SAME", "stride_h": stride, "stride_w": stride,
               "fused_activation_function": "RELU"}
    if depthwise:
        options["depth_multiplier"] = 1
    b.add_operator(op, [x, wt, bt], [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


#: single layers of the benchmark models' kinds: (label, op, h, w, cin, cout, k, stride)
LAYERS = [
    ("conv 3x3 3->16, 32x32 (resnet first)", "CONV_2D", 32, 32, 3, 16, 3, 1),
    ("conv 3x3 16->16, 32x32 (resnet)", "CONV_2D", 32, 32, 16, 16, 3, 1),
    ("conv 3x3 64->64, 8x8 (resnet)", "CONV_2D", 8, 8, 64, 64, 3, 1),
    ("conv 1x1 8->16, 48x48 (vww)", "CONV_2D", 48, 48, 8, 16, 1, 1),
    ("conv 1x1 64->64, 56x56 (mobilenet)", "CONV_2D", 56, 56, 64, 64, 1, 1),
    ("conv 1x1 256->256, 14x14 (mobilenet)", "CONV_2D", 14, 14, 256, 256, 1, 1),
    ("depthwise 3x3 x16, 112x112 (mobilenet)", "DEPTHWISE_CONV_2D", 112, 112, 16, 0, 3, 1),
    ("depthwise 3x3 x64, 56x56 (mobilenet)", "DEPTHWISE_CONV_2D", 56, 56, 64, 0, 3, 1),
    ("depthwise 3x3 x256, 14x14 (mobilenet)", "DEPTHWISE_CONV_2D", 14, 14, 256, 0, 3, 1),
    ("add 32x32x16 (resnet)", "ADD", 32, 32, 16, 0, 1, 1),
]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="*", default=list(DEFAULT_MODELS), choices=list(DEFAULT_MODELS))
    p.add_argument("--runtimes", nargs="*", default=RUNTIMES, choices=RUNTIMES)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default="bench.json", help="where to write the results")
    p.add_argument("--dispatch", action="store_true",
                   help="measure per-op dispatch overhead on 200 chained tiny ADDs instead")
    p.add_argument("--layers", action="store_true",
                   help="time single layers (LAYERS) instead of whole models")
    args = p.parse_args(argv)

    if args.dispatch:
        per_op = bench_dispatch(args.runtimes, args.rounds)
        for k, v in per_op.items():
            print(f"{k:<12} {v * 1e6:10.2f} us per op (median of {args.rounds} invokes of 200 ADDs)")
        Path(args.json).write_text(json.dumps({"dispatch_seconds_per_op": per_op}, indent=2))
        print(f"wrote {args.json}")
        return 0

    if args.layers:
        load_before = os.getloadavg()
        rows = {}
        for label, op, h, w, cin, cout, k, stride in LAYERS:
            rows[label] = bench_model(layer_model(op, h, w, cin, cout, k, stride),
                                      args.runtimes, args.rounds, args.seed)
        load_after = os.getloadavg()
        print(f"{'layer':<42}" + "".join(f"{k + ' us':>22}" for k in args.runtimes)
              + (f"{'c/litert':>10}" if {"c", "litert"} <= set(args.runtimes) else ""))
        for label, row in rows.items():
            line = f"{label:<42}" + "".join(
                f"{row[k] * 1e6:22.2f}" if row[k] else f"{'n/a':>22}" for k in args.runtimes)
            if {"c", "litert"} <= set(args.runtimes) and row["c"] and row["litert"]:
                line += f"{row['c'] / row['litert']:10.2f}"
            print(line)
        print(f"\nload average (1, 5, 15 min): before {load_before[0]:.2f} {load_before[1]:.2f} "
              f"{load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} "
              f"{load_after[2]:.2f}")
        Path(args.json).write_text(json.dumps({"rounds": args.rounds, "median_seconds": rows,
                                               "load_average_before": load_before,
                                               "load_average_after": load_after}, indent=2))
        print(f"wrote {args.json}")
        return 0

    results = {}
    macs: dict[str, int] = {}
    load_before = os.getloadavg()
    for name in args.models:
        data = model_bytes(name)
        if data is None:
            continue
        results[name] = bench_model(data, args.runtimes, args.rounds, args.seed)
        macs[name] = count_macs(data)
    load_after = os.getloadavg()

    ratios = [(a, b) for a, b in (("c", "litert"), ("tflm", "c"))
              if a in args.runtimes and b in args.runtimes]
    head = f"{'model':<24}" + "".join(f"{k + ' ms':>22}" for k in args.runtimes)
    head += "".join(f"{a + '/' + b:>12}" for a, b in ratios)
    print(head)
    for name, row in results.items():
        line = f"{name:<24}" + "".join(
            f"{row[k] * 1e3:22.3f}" if row[k] is not None else f"{'n/a':>22}" for k in args.runtimes)
        for a, b in ratios:
            line += f"{row[a] / row[b]:12.2f}" if row[a] and row[b] else f"{'n/a':>12}"
        print(line)
    gmacs = {name: {k: (macs[name] / row[k] / 1e9 if row[k] else None) for k in args.runtimes}
             for name, row in results.items()}
    print(f"\n{'model':<24}{'MMAC':>8}" + "".join(f"{k + ' GMAC/s':>22}" for k in args.runtimes))
    for name, row in gmacs.items():
        print(f"{name:<24}{macs[name] / 1e6:8.2f}" + "".join(
            f"{row[k]:22.2f}" if row[k] is not None else f"{'n/a':>22}" for k in args.runtimes))
    print(f"\nload average (1, 5, 15 min): before {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    Path(args.json).write_text(json.dumps({
        "rounds": args.rounds, "python": platform.python_version(),
        "load_average_before": load_before, "load_average_after": load_after,
        "machine": platform.machine(), "processor": platform.processor(),
        "median_seconds": results, "macs": macs, "gmac_per_s": gmacs}, indent=2))
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
