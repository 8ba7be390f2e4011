"""Run the C kernel property tests under AddressSanitizer + UBSan.

Builds the kernels with ``-fsanitize=address,undefined`` into a temporary
directory, then re-runs itself in a subprocess with gcc's libasan preloaded
(Python itself is not instrumented) and the instrumented modules installed
in ``sys.modules`` in place of the regular ones, and runs
tests/ops_c/test_c_kernels.py there. Exit status 0 only if the tests pass and
the sanitizers report nothing.

    python tests/ops_c/sanitize_c.py          # from the repository root
    python tests/ops_c/sanitize_c.py --host   # the host build: AVX2 clones, host kernels

By default the kernels are built as firmware compiles them (portable C); with
``--host`` as the interpreter's own module is (TNN_HOST_MULTIVERSION: the AVX2
clones and the AVX-512 host kernels of kernels_c/src/host), and
tests/ops_c/test_host_kernels.py runs too.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAN = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=all", "-O1"]


def build(tmp: Path, host: bool = False) -> None:
    sys.path.insert(0, str(REPO / "kernels_c"))
    from build_cffi import make_builder
    for name, macros in (("_tnn", []), ("_tnn_single", [("TNN_SINGLE_ROUNDING", "1")])):
        # multiversion=False: the portable code, as a firmware build compiles it (the
        # regular test run checks the host's AVX2 clones against NumPy); --host: the
        # interpreter's build, host kernels included
        ffi = make_builder("interpreter.ops_c." + name, extra_compile_args=SAN,
                           extra_link_args=SAN[:1], define_macros=macros,
                           absolute_paths=True, multiversion=host)
        ffi.compile(tmpdir=str(tmp), verbose=False)


def child(tmp: Path, pytest_args: list[str], host: bool = False) -> int:
    sys.path.insert(0, str(REPO))
    for name in ("_tnn", "_tnn_single"):
        path = next((tmp / "interpreter" / "ops_c").glob(name + ".*so"))
        full = "interpreter.ops_c." + name
        spec = importlib.util.spec_from_file_location(full, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[full] = module
    import pytest

    from interpreter import ops_c
    assert ops_c._tnn is sys.modules["interpreter.ops_c._tnn"], "instrumented module not used"
    tests = [str(REPO / "tests" / "ops_c" / "test_c_kernels.py")]
    if host:
        tests.append(str(REPO / "tests" / "ops_c" / "test_host_kernels.py"))
    return pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:warnings", *tests,
                        *pytest_args])


def main() -> int:
    host = "--host" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--host"]
    if len(args) > 1 and args[0] == "--child":
        return child(Path(args[1]), args[2:], host)
    libasan = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True,
                             text=True).stdout.strip()
    if not libasan or not os.path.isabs(libasan):
        print("sanitize_c: gcc's libasan.so not found", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        cwd = os.getcwd()
        os.chdir(REPO)
        try:
            build(Path(tmp), host)
        finally:
            os.chdir(cwd)
        env = dict(os.environ, LD_PRELOAD=libasan, ASAN_OPTIONS="detect_leaks=0",
                   UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
        proc = subprocess.run([sys.executable, __file__, "--child", tmp, *sys.argv[1:]],
                              env=env, capture_output=True, text=True)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        if "runtime error" in proc.stderr or "AddressSanitizer" in proc.stderr:
            print("sanitize_c: sanitizer reports found", file=sys.stderr)
            return 1
        return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
