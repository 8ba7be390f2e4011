"""Running every example: a pool of worker processes, each with its own interpreters.

Each worker builds, once (the pool's initializer), this interpreter on the
model and, when asked, the tflite-micro runtime on the same model and LiteRT
on the float reference model; then it runs chunks of consecutive examples.
Before each example every runtime is reset (``reset_all_variables``, TFLM's
``Reset``), so examples are independent and any split into chunks gives the
same numbers. Results are put back by example index: the outputs do not
depend on the number of workers. One worker runs in this process, no pool.

On Linux the workers are forked: they start at once and read the examples
from the parent's memory (chunks are index ranges). Elsewhere they are
spawned (so, as with any ``multiprocessing`` code there, a script calling
``evaluate`` with several workers needs ``if __name__ == "__main__":``) and
each chunk's examples travel to its worker through a pipe.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

#: how many differing examples the check lists
FIRST_MISMATCHES = 10


@dataclass
class RunOptions:
    model: bytes
    backend: str = "c"
    check_tflm: bool = False
    reference: bytes | None = None   # the float model, run on LiteRT


@dataclass
class RunOutputs:
    outputs: list[np.ndarray]                    # per model output: (N, *shape)
    tflm_differs: np.ndarray | None              # (N,) bool, with check_tflm
    reference_outputs: list[np.ndarray] | None   # per output: (N, *shape) float32 reals
    wall_seconds: float
    interpreter_seconds: float                   # summed over workers: this interpreter only
    workers: int


def tflm_arena_size(arena_bytes: int, model: bytes) -> int:
    """An arena the tflite-micro runtime surely fits in (its head plus its persistent tail)."""
    return max(1 << 20, 2 * arena_bytes + 16 * len(model) + (256 << 10))


def require_tflm() -> None:
    try:
        from tflite_micro.python.tflite_micro import runtime  # noqa: F401
    except ImportError as e:
        raise RuntimeError("--check tflm needs the tflite-micro runtime "
                           "(pip install tflite-micro)") from e


def require_litert() -> None:
    try:
        from ai_edge_litert import interpreter  # noqa: F401
    except ImportError as e:
        raise RuntimeError("--reference needs LiteRT (pip install ai-edge-litert)") from e


class Runner:
    """The runtimes of one worker, and how one chunk of examples goes through them."""

    def __init__(self, opts: RunOptions):
        from ..interpreter import Interpreter

        self.ours = Interpreter(model_content=opts.model, backend=opts.backend)
        self.ours.allocate_tensors()
        self.in_index = self.ours.get_input_details()[0]["index"]
        self.out_details = self.ours.get_output_details()
        self.tflm = None
        if opts.check_tflm:
            from tflite_micro.python.tflite_micro import runtime

            arena = tflm_arena_size(self.ours.memory_plan().arena_bytes, opts.model)
            self.tflm = runtime.Interpreter.from_bytes(bytes(opts.model), arena_size=arena)
        self.ref = None
        if opts.reference is not None:
            from ai_edge_litert import interpreter as lite

            from .inputs import dequantize

            self.dequantize = dequantize
            self.ref = lite.Interpreter(
                model_content=bytes(opts.reference), num_threads=1,
                experimental_op_resolver_type=lite.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
            self.ref.allocate_tensors()
            self.ref_in = self.ref.get_input_details()[0]["index"]
            self.ref_out = self.ref.get_output_details()

    def run(self, start: int, x: np.ndarray, ref_x: np.ndarray | None):
        n = len(x)
        outs = [np.empty((n,) + tuple(d["shape"]), d["dtype"]) for d in self.out_details]
        differs = np.zeros(n, bool) if self.tflm is not None else None
        ref_outs = None if self.ref is None else \
            [np.empty((n,) + tuple(d["shape"]), np.float32) for d in self.ref_out]
        seconds = 0.0
        for k in range(n):
            t0 = time.perf_counter()
            self.ours.reset_all_variables()
            self.ours.set_tensor(self.in_index, x[k])
            self.ours.invoke()
            for o, d in zip(outs, self.out_details):
                o[k] = self.ours.get_tensor(d["index"])
            seconds += time.perf_counter() - t0
            if self.tflm is not None:
                self.tflm.reset()
                self.tflm.set_input(x[k], 0)
                self.tflm.invoke()
                differs[k] = any(
                    not _same_bytes(o[k], np.asarray(self.tflm.get_output(j)))
                    for j, o in enumerate(outs))
            if self.ref is not None:
                self.ref.reset_all_variables()
                self.ref.set_tensor(self.ref_in, ref_x[k])
                self.ref.invoke()
                for o, d in zip(ref_outs, self.ref_out):
                    o[k] = self.dequantize(self.ref.get_tensor(d["index"]), d)
        return start, outs, differs, ref_outs, seconds


def _same_bytes(ours: np.ndarray, theirs: np.ndarray) -> bool:
    return ours.dtype == theirs.dtype and ours.size == theirs.size and \
        ours.tobytes() == theirs.tobytes()


_runner: Runner | None = None
_shared: tuple[np.ndarray, np.ndarray | None] | None = None   # the data forked workers inherit


def _init_worker(opts: RunOptions) -> None:
    global _runner
    _runner = Runner(opts)


def _run_chunk(task):
    start, stop, x, ref_x = task
    if x is None:   # a forked worker: the parent's arrays, inherited (no copy through a pipe)
        x, ref_x = _shared
        x, ref_x = x[start:stop], None if ref_x is None else ref_x[start:stop]
    return _runner.run(start, x, ref_x)


def start_method() -> str:
    """fork on Linux: workers start at once, inherit the data and do not re-run the
    caller's main module; elsewhere spawn (Python's default there)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def chunk_size(n: int, workers: int) -> int:
    """About ten chunks per worker (so the bar moves and the work balances), at most 256."""
    return max(1, min(256, -(-n // (10 * workers))))


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        return os.cpu_count() or 1


def run(opts: RunOptions, x: np.ndarray, ref_x: np.ndarray | None = None,
        workers: int | None = None, progress: Callable[[int], None] | None = None) -> RunOutputs:
    """Every example of ``x`` (and ``ref_x`` for the reference) through the runtimes."""
    if opts.check_tflm:
        require_tflm()
    if opts.reference is not None:
        require_litert()
    n = len(x)
    workers = max(1, min(workers or default_workers(), n))
    size = chunk_size(n, workers)
    results = []
    t0 = time.perf_counter()
    if workers == 1:
        runner = Runner(opts)
        for s in range(0, n, size):
            results.append(runner.run(s, x[s:s + size],
                                      None if ref_x is None else ref_x[s:s + size]))
            if progress:
                progress(len(x[s:s + size]))
    else:
        global _shared
        method = start_method()
        if method == "fork":
            _shared = (x, ref_x)
            tasks = [(s, min(s + size, n), None, None) for s in range(0, n, size)]
        else:
            tasks = [(s, min(s + size, n), x[s:s + size],
                      None if ref_x is None else ref_x[s:s + size]) for s in range(0, n, size)]
        try:
            ctx = multiprocessing.get_context(method)
            with ctx.Pool(workers, initializer=_init_worker, initargs=(opts,)) as pool:
                for r in pool.imap_unordered(_run_chunk, tasks):
                    results.append(r)
                    if progress:
                        progress(len(r[1][0]))
        finally:
            _shared = None
    wall = time.perf_counter() - t0
    results.sort(key=lambda r: r[0])
    outputs = [np.concatenate([r[1][j] for r in results]) for j in range(len(results[0][1]))]
    differs = None if not opts.check_tflm else np.concatenate([r[2] for r in results])
    ref = None if opts.reference is None else \
        [np.concatenate([r[3][j] for r in results]) for j in range(len(results[0][3]))]
    return RunOutputs(outputs, differs, ref, wall, sum(r[4] for r in results), workers)
