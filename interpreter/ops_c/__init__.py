"""The C kernel backend: ``Interpreter(..., backend="c")``.

Each module here subclasses a NumPy reference op and registers it with
``@register(..., backend="c")``: ``prepare`` runs the NumPy validation, then
checks everything the C call will receive and requests the kernel's scratch
from the arena; ``bind`` builds the cffi call once (pointers into the arena,
parameter structs, multiplier arrays kept alive) and returns it ready to run.
Ops (or op configurations) without a C kernel run the NumPy class.

The compiled modules ``_tnn`` (TFLM's default double rounding) and
``_tnn_single`` (``TNN_SINGLE_ROUNDING``, for ``rounding="single"``) are built from ``kernels_c/`` at install time; when
it is missing (no C compiler at install), importing this package still works,
``AVAILABLE`` is False and ``require()`` raises a clear error.
"""
from __future__ import annotations

import importlib
import pkgutil

try:
    from . import _tnn, _tnn_single  # type: ignore[attr-defined]
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
