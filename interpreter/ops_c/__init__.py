"""The C kernel backend: ``Interpreter(..., backend="c")``.

Each op module here registers a ``kernel.CKernel`` class for an op with
``@register_kernel(..., backend="c")``. After the op's ``prepare`` has
validated the node and built its prepared form (``ops.params``), the first
kernel class that accepts that form requests its working memory from the
arena and describes its C call (``call.KernelCall``); ``binding`` turns the
description into a ready cffi call on the arena, and the firmware generator
writes the same call as C. Ops (or prepared forms) no C kernel accepts run the
NumPy eval.

The compiled modules ``_tnn`` (TFLM's default double rounding) and
``_tnn_single`` (``TNN_SINGLE_ROUNDING``, for ``rounding="single"``) are built
from ``kernels_c/`` at install time; when they are missing (no C compiler at
install), importing this package still works, ``AVAILABLE`` is False and
``require()`` raises a clear error.
"""
from __future__ import annotations

import importlib
import pkgutil

try:
    from . import _tnn  # type: ignore[attr-defined]
    from . import _tnn_single  # type: ignore[attr-defined]
except ImportError as exc:  # not built: no C compiler at install time
    _tnn = _tnn_single = None
    IMPORT_ERROR: ImportError | None = exc
else:
    IMPORT_ERROR = None

AVAILABLE = _tnn is not None


class CBackendUnavailableError(RuntimeError):
    """backend='c' was asked for but the compiled kernels are not installed."""


def require() -> None:
    """Raise CBackendUnavailableError unless the compiled C kernels can be used."""
    if not AVAILABLE:
        raise CBackendUnavailableError(
            "backend='c' needs the compiled C kernels (module interpreter.ops_c._tnn), which "
            f"are not installed ({IMPORT_ERROR}). Install a C compiler (e.g. gcc or clang) "
            "and reinstall the package (pip install . or pip install -e .); backend='numpy' "
            "works without it.")


if AVAILABLE:
    for _module in pkgutil.iter_modules(__path__):
        if not _module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{_module.name}")
