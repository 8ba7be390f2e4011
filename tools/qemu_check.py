"""Bit-exact check of the cross-compiled C kernels under QEMU, against the NumPy reference.

    python tools/qemu_check.py                          # every board, 3 models per kernel
    python tools/qemu_check.py --board mps2-an386 --per-kernel 10 --seed 7 --rounding single

For each board (mps2-an385 Cortex-M3, mps2-an386 M4, mps2-an500 M7,
mps2-an505 M33, mps3-an547 M55): random single-op models for every kernel are
run through the Interpreter (C backend, recorded call by call, and NumPy
reference, which must agree), the calls are emitted as C test vectors, linked
with the kernels into a bare-metal image, run under qemu-system-arm, and every
output byte and status compared on the target; fixed edge models of the
DSP-extension paths (cortex_m.models.edge_models) come first unless --no-edge.
Exit status 0 when all match.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interpreter.deploy.toolchain import BOARDS  # noqa: E402
from interpreter.deploy.toolchain import missing_tools  # noqa: E402


def check(boards, seed: int, per_kernel: int, rounding: str, opt: str, timeout: float,
          workdir: Path, verbose: bool = False, edge: bool = True):
    from cortex_m.models import record_cases
    from cortex_m.qemu import build_image
    from cortex_m.qemu import run_image
    from cortex_m.vectors import emit_c
    calls = record_cases(seed, per_kernel, rounding, edge=edge)
    source = emit_c(calls)
    results = []
    for board in boards:
        t0 = time.perf_counter()
        elf = build_image(board, source, workdir / f"{board}-{rounding}-{opt}", opt, rounding)
        res = run_image(board, elf, timeout)
        results.append(res)
        status = "ok" if res.ok else "FAIL"
        print(f"{board:12s} {BOARDS[board].core:11s} -{opt} {rounding:6s} "
              f"{res.total} cases, {res.failed} failed: {status} ({time.perf_counter() - t0:.1f} s)")
        if verbose or not res.ok:
            print(res.stdout)
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--board", action="append", choices=sorted(BOARDS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--per-kernel", type=int, default=3)
    p.add_argument("--rounding", choices=["double", "single"], default="double")
    p.add_argument("--opt", choices=["Os", "O2"], default="Os")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--keep", help="build directory to keep (default: a temporary one)")
    p.add_argument("--no-edge", action="store_true",
                   help="leave out the fixed edge models of the DSP paths (cortex_m.models.edge_models)")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args(argv)
    why = missing_tools()
    if why:
        print(f"qemu_check: {why}", file=sys.stderr)
        return 2
    boards = a.board or list(BOARDS)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(a.keep) if a.keep else Path(tmp)
        results = check(boards, a.seed, a.per_kernel, a.rounding, a.opt, a.timeout, work, a.verbose,
                        edge=not a.no_edge)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
