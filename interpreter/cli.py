"""The ``tinyml`` command line: demo, run, inspect, plan, the golden-model tools
(verify, dump, profile, analyze; their logic lives in ``interpreter/debug/``),
listen (keyword spotting from a WAV; ``interpreter/audio/``) and eval (a whole
dataset; ``interpreter/eval/``)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .debug.inputs import random_input
from .errors import ModelError
from .errors import UnsupportedOpError


def _interpreter(model: str, backend: str = "numpy", rounding: str = "double",
                 semantics: str = "tflm"):
    from .interpreter import Interpreter

    interp = Interpreter(model_path=model, backend=backend, rounding=rounding,
                         semantics=semantics)
    interp.allocate_tensors()
    return interp


def cmd_demo(args) -> int:
    from .examples.sine import build_sine_model
    from .examples.sine import forward_float
    from .examples.sine import quantize
    from .interpreter import Interpreter

    model, params = build_sine_model(seed=0)
    if args.save:
        Path(args.save).write_bytes(model)
        print(f"wrote {args.save} ({len(model)} bytes)")
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    s_in, zp_in = inp["quantization"]
    s_out, zp_out = out["quantization"]
    print(f"sine example: {len(model)}-byte int8 model, FULLY_CONNECTED x3, "
          "trained and quantized by this project\n")
    print(f"{'x':>7} {'x_q':>5} {'y_q':>5} {'y (int8 model)':>15} {'y (float)':>10} {'sin(x)':>8}")
    for x in np.linspace(0.0, 2 * np.pi, 9)[:-1] + 0.3:
        xq = quantize(x, s_in, zp_in)
        interp.set_tensor(inp["index"], np.array([[xq]], np.int8))
        interp.invoke()
        yq = int(interp.get_tensor(out["index"])[0, 0])
        yf = float(forward_float(params, np.array([[x]]))[0, 0])
        print(f"{x:7.3f} {int(xq):5d} {yq:5d} {s_out * (yq - zp_out):15.4f} {yf:10.4f} {np.sin(x):8.4f}")
    plan = interp.memory_plan()
    print(f"\narena plan ({plan.arena_bytes} bytes):")
    print(plan.format_table())
    return 0


def cmd_run(args) -> int:
    interp = _interpreter(args.model, args.backend, args.rounding, args.semantics)
    details = interp.get_input_details()
    arrays = _inputs(args, details, announce=True)
    for d, x in zip(details, arrays):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    outputs = [interp.get_tensor(d["index"]) for d in interp.get_output_details()]
    for d, y in zip(interp.get_output_details(), outputs):
        print(f"output {d['index']} {d['name']!r} {y.dtype}{list(y.shape)}:")
        print(np.array2string(y, threshold=64))
    if args.output:
        if len(outputs) == 1:
            np.save(args.output, outputs[0])
        else:
            np.savez(args.output, *outputs)
        print(f"wrote {args.output}")
    return 0


def _quant_text(q) -> str:
    if q is None:
        return "-"
    if q.scale.size == 1:
        return f"s={float(q.scale[0]):.6g} zp={int(q.zero_point[0])}"
    return (f"per-channel[{q.scale.size}] dim={q.quantized_dimension} "
            f"s={float(q.scale.min()):.3g}..{float(q.scale.max()):.3g}")


def cmd_inspect(args) -> int:
    from .parse.loader import load_model_file

    model = load_model_file(args.model)
    print(f"{args.model}: version {model.version}, {len(model.subgraphs)} subgraph(s), "
          f"{model.size_bytes} bytes" + (f", {model.description!r}" if model.description else ""))
    for name, blob in model.metadata.items():
        print(f"metadata {name!r}: {len(blob)} bytes")
    for sg in model.subgraphs:
        print(f"\nsubgraph {sg.index} {sg.name!r}: inputs {list(sg.inputs)} outputs {list(sg.outputs)}")
        print("operators:")
        for op in sg.operators:
            print(f"  {op.index:3d} {op.op_name:<22} in {list(op.inputs)} out {list(op.outputs)}")
            if op.options is not None:
                print(f"      {op.options!r}")
        print("tensors:")
        print(f"  {'idx':>4} {'name':<40} {'type':<8} {'shape':<18} {'bytes':>8} {'kind':<6} quantization")
        for t in sg.tensors:
            kind = "const" if t.is_constant else ("var" if t.is_variable else "")
            name = t.name if len(t.name) <= 40 else t.name[:37] + "..."
            print(f"  {t.index:4d} {name:<40} {str(t.dtype):<8} {str(list(t.shape)):<18} "
                  f"{t.nbytes:8d} {kind:<6} {_quant_text(t.quantization)}")
    return 0


def cmd_plan(args) -> int:
    from .interpreter import Interpreter

    interp = Interpreter(model_path=args.model, planner=args.planner)
    interp.allocate_tensors()
    plan = interp.memory_plan()
    if args.png:
        from .debug.plot import plan_png

        plan_png(plan, interp.model.main, args.png,
                 title=f"{Path(args.model).name}: {args.planner} plan, "
                       f"arena {plan.arena_bytes:,} bytes (labels: tensor index)")
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2))
    else:
        from .debug.plot import ascii_plan

        print(f"{args.model}: {args.planner} plan, arena {plan.arena_bytes} bytes")
        print(plan.format_table())
        print()
        print(ascii_plan(plan))
    if args.png:
        print(f"wrote {args.png}", file=sys.stderr if args.json else sys.stdout)
    return 0


# -- golden-model tools (logic in interpreter/debug/) -------------------------

def _load_arrays(paths: list[str], details: list[dict]) -> list[np.ndarray]:
    arrays = [np.load(p) for p in paths]
    if len(arrays) != len(details):
        raise ValueError(f"the model has {len(details)} inputs, got {len(arrays)} --input files")
    return arrays


def _inputs(args, details: list[dict], announce: bool = False) -> list[np.ndarray]:
    """The model's inputs: the --input arrays, or random ones drawn from --seed (saying so
    when ``announce``)."""
    if args.input:
        return _load_arrays(args.input, details)
    if announce:
        print(f"random input (seed {args.seed})")
    rng = np.random.default_rng(args.seed)
    return [random_input(d, rng) for d in details]


def cmd_verify(args) -> int:
    from .debug.verify import FIRMWARE
    from .debug.verify import REFERENCES
    from .debug.verify import random_input_sets
    from .debug.verify import verify
    from .interpreter import Interpreter

    data = Path(args.model).read_bytes()
    known = (*REFERENCES, FIRMWARE)
    if args.against not in known and not Path(args.against).is_file():
        raise ValueError(f"--against must be tflm, tflite, firmware or an existing .npz dump, "
                         f"got {args.against!r}")
    if (args.board is not None) != (args.against == FIRMWARE):
        raise ValueError("--board goes with --against firmware (and it needs one)")
    if args.input:
        details = Interpreter(model_content=data).get_input_details()
        input_sets = [(", ".join(Path(p).name for p in args.input),
                       _load_arrays(args.input, details))]
    elif args.against in known or args.inputs is not None:
        input_sets = random_input_sets(data, args.inputs or 1, args.seed)
    else:
        input_sets = []  # inputs come from the dump
    report = verify(data, args.against, input_sets, backend=args.backend,
                    rounding=args.rounding, name=args.model, semantics=args.semantics,
                    board=args.board, opt=args.opt)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.text())
    return 0 if report.ok else 1


def cmd_dump(args) -> int:
    from .debug.dump import write_dump
    from .debug.verify import run_ours
    from .interpreter import Interpreter

    data = Path(args.model).read_bytes()
    details = Interpreter(model_content=data).get_input_details()
    inputs = _inputs(args, details, announce=True)
    interp, values = run_ours(data, inputs, args.backend, args.rounding, args.semantics)
    n = write_dump(args.output, interp.model.main, values)
    print(f"wrote {args.output}: {n} tensors (inputs and every op output)")
    return 0


def cmd_profile(args) -> int:
    if args.board is not None:
        return _profile_board(args)
    from .debug import profile as prof
    from .debug.progress import Progress

    interp = _interpreter(args.model, args.backend)
    details = interp.get_input_details()
    inputs = _inputs(args, details)
    with Progress(args.runs, "runs", enabled=None if not args.no_progress else False) as bar:
        rows = prof.profile(interp, args.runs, inputs, progress=bar)
    if args.png:
        from .debug.plot import profile_png

        profile_png(rows, args.png, title=f"{Path(args.model).name}: median of {args.runs} "
                                          f"runs, backend {args.backend}")
    if args.json:
        print(json.dumps(prof.to_dict(rows), indent=2))
    else:
        print(f"{args.model}: backend {args.backend}, median of {args.runs} run(s)")
        print(prof.format_table(rows, interp.memory_plan().arena_bytes))
    if args.png:
        print(f"wrote {args.png}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _profile_board(args) -> int:
    """``tinyml profile --board``: the generated firmware's instructions per op on a board."""
    from .deploy import report
    from .deploy.firmware import run_firmware
    from .interpreter import Interpreter

    data = Path(args.model).read_bytes()
    interp = Interpreter(model_content=data)
    details = interp.get_input_details()
    inputs = _inputs(args, details)
    run = run_firmware(data, [inputs], args.board, args.opt, args.rounding, name=args.model)
    sg = interp.model.main
    if args.json:
        print(json.dumps(report.to_dict(run, sg), indent=2))
    else:
        print(report.format_table(run, sg, f"{args.model}: generated firmware on {args.board} "
                                           f"(-{args.opt}), one inference"))
    return 0


def cmd_codegen(args) -> int:
    from .deploy.codegen import generate

    data = Path(args.model).read_bytes()
    gen = generate(data, args.output, prefix=args.prefix, rounding=args.rounding,
                   name=Path(args.model).name)
    print(f"wrote {gen.directory}: {args.prefix}.c, {args.prefix}.h, {len(gen.kernel_sources)} "
          f"kernel sources, Makefile, {args.prefix}.cmake, README.md")
    print(f"{len(gen.ops)} operators, arena {gen.arena_bytes:,} bytes, constants "
          f"{gen.constant_bytes:,} bytes")
    for op in gen.ops:
        print(f"  {op.index:>3}  {op.op_name:<22} {op.function} ({op.variant})")
    return 0


def cmd_explain(args) -> int:
    from .debug.explain import explain
    from .interpreter import Interpreter

    data = Path(args.model).read_bytes()
    inputs = None
    if args.input:
        inputs = _load_arrays(args.input, Interpreter(model_content=data).get_input_details())
    element = None
    if args.element is not None:
        try:
            element = [int(v) for v in args.element.split(",")]
        except ValueError:
            raise ValueError(f"--element takes comma-separated integers, got "
                             f"{args.element!r}") from None
    e = explain(data, args.op, element, inputs, rounding=args.rounding, seed=args.seed)
    print(e.text())
    return 0 if e.matches else 1


def cmd_analyze(args) -> int:
    from .debug import analyze

    report = analyze.analyze(args.model, cpu=args.cpu)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.text())
    return 0


def cmd_listen(args) -> int:
    from .audio import KeywordSpotter
    from .audio import read_wav
    from .audio.pipeline import SAMPLE_RATE

    labels = [x.strip() for x in args.labels.split(",")]
    spotter = KeywordSpotter(args.frontend, args.model, labels, backend=args.backend)
    samples = read_wav(args.wav, SAMPLE_RATE)
    clips = spotter.listen(samples)
    print(f"{args.wav}: {len(samples)} samples ({len(samples) / SAMPLE_RATE:g} s at "
          f"{SAMPLE_RATE} Hz), {len(clips)} one-second clip(s)")
    width = max(len(x) for x in labels)
    for c in clips:
        print(f"clip at {c.start:g} s ({c.windows} windows): {c.label}")
        for label, q, score in zip(labels, c.raw_scores, c.scores):
            mark = "  <-" if label == c.label else ""
            print(f"  {label:<{width}} {score:.4f} (int8 {int(q):4d}){mark}")
    if args.png:
        from .audio.plot import listen_png

        listen_png(clips, labels, args.png, title=f"{Path(args.wav).name}: "
                   + ", ".join(c.label for c in clips))
        print(f"wrote {args.png}")
    return 0


def cmd_eval(args) -> int:
    from .eval import evaluate

    result = evaluate(args.model, args.data, labels=args.labels, reference=args.reference,
                      check_tflm=args.check == "tflm", workers=args.workers, top_k=args.top_k,
                      backend=args.backend, frontend=args.frontend,
                      progress=False if args.quiet else None)
    if args.png and result.confusion is None:
        raise ValueError("--png draws the confusion matrix: it needs labelled data and a "
                         "classifier")
    print(result.text())
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=2) + "\n")
        print(f"wrote {args.json}")
    if args.png:
        from .eval.report import confusion_png

        confusion_png(result, args.png)
        print(f"wrote {args.png}")
    return 1 if result.tflm_mismatches else 0


ROUNDING_HELP = ("requantization rounding: double (TFLM's default) or single "
                 "(builds with TFLITE_SINGLE_ROUNDING)")
SEMANTICS_HELP = ("whose arithmetic to follow where the runtimes differ: tflm (default: the "
                  "tflite-micro runtime, byte for byte) or tflite (LiteRT's reference kernels, "
                  "BUILTIN_REF); the differences are listed in docs/TFLM_VS_TFLITE.md")


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """--input (repeatable) and --seed: the model's inputs, given or seeded random."""
    parser.add_argument("--input", action="append", metavar="X.npy",
                        help="input array (.npy); repeat for several inputs (default: seeded "
                             "random input)")
    parser.add_argument("--seed", type=int, default=0, help="seed for random input (default 0)")


def add_rounding_option(parser: argparse.ArgumentParser, extra_help: str = "") -> None:
    parser.add_argument("--rounding", choices=("double", "single"), default="double",
                        help=ROUNDING_HELP + extra_help)


def add_arithmetic_options(parser: argparse.ArgumentParser, semantics_default: str | None = "tflm",
                           semantics_help: str = SEMANTICS_HELP) -> None:
    """--backend, --rounding, --semantics: the Interpreter's arithmetic choices."""
    parser.add_argument("--backend", choices=("numpy", "c"), default="numpy")
    add_rounding_option(parser)
    parser.add_argument("--semantics", choices=("tflm", "tflite"), default=semantics_default,
                        help=semantics_help)


BOARDS_HELP = ("QEMU board: mps2-an385 (Cortex-M3), mps2-an386 (M4), mps2-an500 (M7), "
               "mps2-an505 (M33), mps3-an547 (M55); 'host' compiles for this machine")


def add_board_options(parser: argparse.ArgumentParser, required: bool,
                      board_help: str = BOARDS_HELP) -> None:
    """--board and --opt: where and how the generated firmware runs."""
    from .deploy.toolchain import BOARDS

    parser.add_argument("--board", required=required, choices=(*BOARDS, "host"),
                        metavar="BOARD", help=board_help)
    parser.add_argument("--opt", choices=("O2", "Os", "O3", "O1", "O0"), default="O2",
                        help="optimization level of the firmware build (default O2)")


def add_command(sub, name: str, func, operand: str | None = "model",
                **texts) -> argparse.ArgumentParser:
    """The subcommand ``name`` run by ``func``, with its positional ``operand`` (the model
    file, by default); ``texts`` (help, description, epilog) keep their line breaks."""
    parser = sub.add_parser(name, formatter_class=argparse.RawDescriptionHelpFormatter, **texts)
    if operand is not None:
        parser.add_argument(operand)
    parser.set_defaults(func=func)
    return parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tinyml", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    d = add_command(sub, "demo", cmd_demo, operand=None,
                    help="build the sine example model, run it, show the arena plan")
    d.add_argument("--save", metavar="PATH", help="also write the example model to PATH")

    r = add_command(sub, "run", cmd_run, help="run a model on given or random inputs")
    add_input_options(r)
    r.add_argument("--output", metavar="Y.npy", help="write the output(s) here")
    add_arithmetic_options(r)

    add_command(sub, "inspect", cmd_inspect, help="list operators and tensors")

    pl = add_command(sub, "plan", cmd_plan, help="show the arena memory plan")
    pl.add_argument("--planner", choices=("greedy", "linear"), default="greedy")
    pl.add_argument("--json", action="store_true", help="machine-readable output")
    pl.add_argument("--png", metavar="PLAN.png",
                    help="also draw the plan (ops x arena offset, one rectangle per buffer); "
                         "needs matplotlib: pip install 'tinyml-interpreter[plot]'")

    from .debug.dump import __doc__ as dump_doc

    v = add_command(sub, "verify", cmd_verify,
                    help="compare every intermediate tensor with TFLM, LiteRT or a dump",
        description="Run this interpreter and a reference with every intermediate tensor "
                    "preserved, compare each op's outputs in execution order and report the "
                    "first divergence (op, tensor, elements differing, max difference in LSB, "
                    "the op's quantization). Exit status: 0 all equal, 1 mismatch, 2 error.",
        epilog="examples:\n"
               "  tinyml verify model.tflite                      # vs TFLM, 1 random input\n"
               "  tinyml verify model.tflite --against tflite --inputs 5   # as semantics tflite\n"
               "  tinyml verify model.tflite --against tflite --semantics tflm  # TFLM vs LiteRT\n"
               "  tinyml verify model.tflite --against device.npz --json\n"
               "  tinyml verify model.tflite --against firmware --board mps2-an386 --inputs 3\n\n"
               + dump_doc.split("\n\n", 1)[1])
    v.add_argument("--against", default="tflm", metavar="tflm|tflite|firmware|DUMP.npz",
                   help="the reference: the tflite-micro runtime (default), LiteRT's reference "
                        "kernels, the model's generated firmware run on --board, or a .npz "
                        "tensor dump (layout below)")
    g = v.add_mutually_exclusive_group()
    g.add_argument("--inputs", type=int, metavar="N",
                   help="N seeded random input sets (default 1; with a dump, its inputs)")
    g.add_argument("--input", action="append", metavar="X.npy",
                   help="input array (.npy); repeat for several model inputs")
    v.add_argument("--seed", type=int, default=0, help="first seed for random inputs (default 0)")
    add_arithmetic_options(
        v, semantics_default=None,
        semantics_help="arithmetic this interpreter follows (see run --help). Default: the "
                       "reference's own, i.e. tflite with --against tflite (a mismatch is then "
                       "something this interpreter fails to reproduce, not one of the known "
                       "TFLM/LiteRT differences) and tflm otherwise. Use --against tflite "
                       "--semantics tflm to see where TFLM-exact firmware parts from LiteRT")
    add_board_options(v, required=False)
    v.add_argument("--json", action="store_true", help="machine-readable report (for CI)")

    du = add_command(sub, "dump", cmd_dump,
                     help="write every tensor after one inference to a .npz (verify's layout)",
        epilog="example:\n  tinyml dump model.tflite --input x.npy -o dump.npz\n\n"
               + dump_doc.split("\n\n", 1)[1])
    add_input_options(du)
    du.add_argument("-o", "--output", required=True, metavar="DUMP.npz")
    add_arithmetic_options(du)

    pr = add_command(sub, "profile", cmd_profile,
                     help="per-op host latency, MACs, bytes moved, live arena bytes",
        description="Time each operator over several runs (median, after one warm-up) and "
                    "list its MACs, bytes read (inputs incl. weights) and written, and the "
                    "planned arena bytes live while it runs. A progress bar goes to stderr "
                    "when it is a terminal.",
        epilog="examples:\n  tinyml profile model.tflite --runs 50\n"
               "  tinyml profile model.tflite --png profile.png")
    pr.add_argument("--runs", type=int, default=10, help="timed runs (default 10)")
    pr.add_argument("--backend", choices=("numpy", "c"), default="numpy")
    add_input_options(pr)
    pr.add_argument("--png", metavar="OUT.png", help="bar chart (needs matplotlib)")
    pr.add_argument("--json", action="store_true", help="machine-readable output")
    pr.add_argument("--no-progress", action="store_true", help="never draw the progress bar")
    add_board_options(pr, required=False,
                      board_help="instead of host timing: run the generated firmware on this "
                                 "QEMU board and count each operator's executed instructions")
    add_rounding_option(pr, " (with --board)")

    cg = add_command(sub, "codegen", cmd_codegen,
                     help="write the model as a self-contained C99 firmware source tree",
        description="Generate C99 sources that run the model without an interpreter: its "
                    "weights and every precomputed constant as const arrays, one static arena "
                    "laid out as TFLM plans it, a straight-line <prefix>_invoke() calling the "
                    "C kernels, a header (inputs, outputs, arena size), the kernel sources, a "
                    "Makefile, a CMake fragment and a README. A model with an operator that "
                    "has no C kernel is refused, naming every such operator.",
        epilog="examples:\n  tinyml codegen model.tflite -o fw/ --prefix kws\n"
               "  make -C fw CC=arm-none-eabi-gcc CFLAGS='-mcpu=cortex-m4 -mthumb -O2'\n"
               "  tinyml verify model.tflite --against firmware --board mps2-an386")
    cg.add_argument("-o", "--output", required=True, metavar="DIR")
    cg.add_argument("--prefix", default="model",
                    help="C name prefix of the generated symbols (default model)")
    add_rounding_option(cg)

    ex = add_command(sub, "explain", cmd_explain,
                     help="one output element of one operator, computed step by step",
        description="Run the model up to operator --op and recompute one element of its output "
                    "in the operator's own integer terms: the values that meet, the zero-point "
                    "offsets, the accumulator, the bias, the multiplier and shift and the real "
                    "scale they encode, each rounding step, the output offset and the clamp. "
                    "The result is checked against the interpreter's output (exit 0 if equal).",
        epilog="examples:\n  tinyml explain model.tflite --op 0\n"
               "  tinyml explain model.tflite --op 3 --element 0,5,2,17 --input x.npy")
    ex.add_argument("--op", type=int, required=True, metavar="N", help="operator index")
    ex.add_argument("--element", metavar="I,J,...", help="output index (default: the first)")
    add_input_options(ex)
    add_rounding_option(ex)

    an = add_command(sub, "analyze", cmd_analyze,
                     help="per-layer MACs, flash (weights), RAM (arena) and TFLM overhead",
        epilog="examples:\n  tinyml analyze model.tflite\n"
               "  tinyml analyze model.tflite --cpu cortex-m4")
    an.add_argument("--cpu", metavar="CORE",
                    help="also the kernel code size for this core, from docs/kernel_sizes.json")
    an.add_argument("--json", action="store_true", help="machine-readable output")

    li = add_command(sub, "listen", cmd_listen, operand="wav",
                     help="keyword spotting from a WAV: TFLM's micro_speech pipeline",
        description="Cut 16 kHz mono 16-bit audio into one-second clips and, as TFLM's "
                    "micro_speech example does, run the audio front end on 30 ms windows "
                    "every 20 ms (49 windows of features per clip, its noise estimates "
                    "carried from window to window), then the classifier on the stacked "
                    "features; print each clip's scores and winning label. A WAV in another "
                    "format is refused, not converted.",
        epilog="example (the models and WAVs of TFLM's micro_speech example):\n"
               "  tinyml listen yes_1000ms.wav --frontend audio_preprocessor_int8.tflite "
               "\\\n      --model micro_speech_quantized.tflite --png yes.png")
    li.add_argument("--frontend", required=True, metavar="FRONTEND.tflite",
                    help="the audio front end (features of one 30 ms window)")
    li.add_argument("--model", required=True, metavar="MODEL.tflite",
                    help="the classifier (scores of 49 windows of features)")
    li.add_argument("--labels", default="silence,unknown,yes,no",
                    help="the classifier's labels, comma-separated (default: %(default)s)")
    li.add_argument("--backend", choices=("numpy", "c"), default="numpy")
    li.add_argument("--png", metavar="OUT.png",
                    help="also draw the feature map and the scores (needs matplotlib)")

    from .eval.data import __doc__ as data_doc

    ev = add_command(sub, "eval", cmd_eval,
                     help="run a whole dataset: accuracy, confusion, float reference, TFLM check",
        description="Run every example of a dataset through the model as the device computes "
                    "it (on a pool of worker processes; the results do not depend on their "
                    "number) and report the count, top-1 and top-k accuracy and the confusion "
                    "matrix (with labels), the agreement with the float model run on LiteRT "
                    "(--reference: the quantization loss), the examples whose outputs differ "
                    "from the tflite-micro runtime (--check tflm; exit status 1 if any), and "
                    "the throughput. docs/EVAL.md has the details.",
        epilog="examples:\n"
               "  tinyml eval model.tflite --data test.npz --reference float.tflite\n"
               "  tinyml eval model.tflite --data images/ --labels labels.txt --check tflm "
               "--json out.json --png confusion.png\n\ndatasets:\n"
               + data_doc.split("\n\n", 1)[1].split("\n\nNothing here")[0])
    ev.add_argument("--data", required=True, metavar="DATA",
                    help="an .npz (x, optional y), an .npy of inputs, or a directory of .npy, "
                         ".wav or image files (below)")
    ev.add_argument("--labels", metavar="LABELS.txt",
                    help="class names, one per line (with class folders: their names)")
    ev.add_argument("--reference", metavar="FLOAT.tflite",
                    help="the float model: run on LiteRT with the float inputs, to measure "
                         "the quantization loss (top-1 agreement, output differences)")
    ev.add_argument("--check", choices=("tflm",),
                    help="tflm: also run every example on the tflite-micro runtime and count "
                         "outputs that differ byte-wise")
    ev.add_argument("--frontend", metavar="FRONTEND.tflite",
                    help="the audio front end that makes the model's features from WAV files "
                         "(as tinyml listen)")
    ev.add_argument("--workers", type=int, metavar="N",
                    help="worker processes (default: every core)")
    ev.add_argument("--top-k", type=int, default=5, metavar="K",
                    help="also report top-K accuracy (default 5; only when K is below the number "
                         "of classes)")
    ev.add_argument("--backend", choices=("numpy", "c"), default="c",
                    help="this interpreter's kernels (default c)")
    ev.add_argument("--json", metavar="OUT.json",
                    help="write every metric and the per-class statistics")
    ev.add_argument("--png", metavar="CONFUSION.png",
                    help="draw the confusion matrix (needs matplotlib)")
    ev.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ModelError, UnsupportedOpError, ValueError, OSError, NotImplementedError,
            RuntimeError) as e:
        print(f"tinyml: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
