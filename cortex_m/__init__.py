"""Cortex-M cross-compilation, bare-metal test harness and QEMU runs of the C kernels.

``toolchain``: the cores and boards, the arm-none-eabi compile and size helpers.
``vectors``: test vectors recorded from the Interpreter's C backend (every kernel
call with its arguments and output bytes), emitted as C.
``qemu``: builds one test image per board and runs it under qemu-system-arm.
"""
