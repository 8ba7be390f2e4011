"""Cortex-M cross-compilation, bare-metal test harness and QEMU runs of the C kernels.

(The cores, boards, arm-none-eabi helpers and QEMU runner are
``interpreter.deploy.toolchain`` / ``interpreter.deploy.qemu``, shared with firmware
generation.)
``vectors``: test vectors recorded from the Interpreter's C backend (every kernel
call with its arguments and output bytes), emitted as C.
``qemu``: builds one kernel test image per board and runs it under qemu-system-arm.
"""
