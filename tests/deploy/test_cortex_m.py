"""The C kernels cross-compiled for Cortex-M and run under QEMU equal the NumPy reference.

Per board (mps2-an385 M3, mps2-an386 M4, mps2-an500 M7, mps2-an505 M33,
mps3-an547 M55): random single-op models for every kernel variant are run
through the Interpreter (NumPy reference, and the host C backend recorded call
by call; the two must agree), emitted as C test vectors, linked with the
kernels into one bare-metal image, run under qemu-system-arm and checked on
the target byte for byte (cortex_m/, tools/qemu_check.py). Skipped, saying
which, when arm-none-eabi-gcc, newlib or qemu-system-arm is missing.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from interpreter import ops_c  # noqa: E402
from interpreter.deploy.toolchain import BOARDS  # noqa: E402
from interpreter.deploy.toolchain import CORES  # noqa: E402
from interpreter.deploy.toolchain import SOURCES  # noqa: E402
from interpreter.deploy.toolchain import missing_tools  # noqa: E402

WHY = missing_tools()
pytestmark = [pytest.mark.skipif(WHY is not None, reason=f"Cortex-M toolchain: {WHY}"),
              pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built on the host")]


def _run(board, tmp_path, seed, per_kernel, rounding, opt):
    from cortex_m.models import record_cases
    from cortex_m.qemu import build_image
    from cortex_m.qemu import run_image
    from cortex_m.vectors import emit_c
    calls = record_cases(seed, per_kernel, rounding, edge=True)
    elf = build_image(board, emit_c(calls), tmp_path / board, opt, rounding)
    return calls, run_image(board, elf, timeout=60)


@pytest.mark.parametrize("rounding,opt,seed", [("double", "Os", 11), ("single", "O2", 12)])
@pytest.mark.parametrize("board", list(BOARDS))
def test_kernels_bit_exact_on_board(board, rounding, opt, seed, tmp_path):
    calls, res = _run(board, tmp_path, seed, 4, rounding, opt)
    assert res.returncode is not None, f"QEMU timed out:\n{res.stdout}"
    assert res.ok, f"{board}: target != NumPy reference\n{res.stdout}"
    assert res.total == len(calls)
    ran = {name.split("/", 1)[1] for _, name, _ in res.cases}
    # the specialized convolutions run behind their wrappers: each must have been chosen
    behind = {"tnn_convolve_wrapper_s8_select": ("tnn_convolve_1x1_s8", "tnn_convolve_1xn_s8",
                                                 "tnn_convolve_s8"),
              "tnn_depthwise_conv_wrapper_s8_select": ("tnn_depthwise_conv_3x3_s8",
                                                       "tnn_depthwise_conv_mult1_s8",
                                                       "tnn_depthwise_conv_s8")}
    chosen = {kernels[c.status] for c in calls for select, kernels in behind.items()
              if c.name == select}
    hidden = {k for kernels in behind.values() for k in kernels}
    assert chosen == hidden, f"kernels never chosen on the target: {hidden - chosen}"
    entry = {p.stem for p in SOURCES.glob("tnn_*.c")} - {"tnn_nn_mat_mult_s8"} - hidden
    assert entry <= ran, f"kernels never called on the target: {entry - ran}"


@pytest.mark.parametrize("core,dsp", [("cortex-m0plus", False), ("cortex-m3", False),
                                      ("cortex-m4", True), ("cortex-m7", True),
                                      ("cortex-m33", True), ("cortex-m55", True)])
def test_dsp_path_is_what_the_core_runs(core, dsp, tmp_path):
    """Cores with the DSP extension compile the SIMD inner loops (SMLAD, SXTB16,
    SXTAB16, SMLABB), the others only the portable C."""
    from interpreter.deploy.toolchain import cflags
    from interpreter.deploy.toolchain import run
    from interpreter.deploy.toolchain import tool
    for name, insn in [("tnn_nn_mat_mult_s8", "smlad"), ("tnn_depthwise_conv_s8", "sxtab16")]:
        obj = tmp_path / f"{name}.o"
        run([tool("gcc"), *cflags(core, "O2"), "-c", SOURCES / f"{name}.c", "-o", obj])
        text = run([tool("objdump"), "-d", obj])
        assert (f"\t{insn}\t" in text) == dsp, (core, name, insn)


def test_harness_reports_a_wrong_byte(tmp_path):
    """A corrupted expected byte makes the run fail: the comparison is real."""
    from cortex_m.models import record_cases
    from cortex_m.qemu import build_image
    from cortex_m.qemu import run_image
    from cortex_m.vectors import emit_c
    calls = record_cases(5, 1, kernels=[("CONV_2D", "general")])
    main = [c for c in calls if c.name == "tnn_convolve_wrapper_s8"][0]
    out = [a for a in main.args if getattr(a, "after", None)][0]
    out.after = bytes([out.after[0] ^ 0x40]) + out.after[1:]
    elf = build_image("mps2-an386", emit_c(calls), tmp_path, "Os")
    res = run_image("mps2-an386", elf, timeout=60)
    assert res.returncode not in (0, None) and res.failed == 1, res.stdout
    assert "mismatch" in res.stdout


def test_build_kernels_all_cores_without_warnings(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    import build_kernels
    result = build_kernels.build(list(CORES), ["Os", "O2"])   # raises on any diagnostic
    for opt in ("Os", "O2"):
        for core in CORES:
            files = result[opt][core]["files"]
            assert len(files) == len(list(SOURCES.glob("*.c")))
            assert all(flash > 0 for flash, _ram in files.values())
            assert set(result[opt][core]["ops"]) == set(build_kernels.OP_FUNCTIONS)


def test_kernel_sizes_json_is_what_analyze_reads():
    from interpreter.debug.analyze import kernel_code_size
    table = ROOT / "docs" / "kernel_sizes.json"
    data = json.loads(table.read_text())
    assert set(data) == set(CORES)
    sizes, note = kernel_code_size("cortex-m4", ["CONV_2D", "SOFTMAX"], table)
    assert set(sizes) == {"CONV_2D", "SOFTMAX"} and "not in the table" not in note
