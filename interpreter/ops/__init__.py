"""NumPy reference operators, one op family per module.

Importing this package imports every op module in it, and each module
registers its classes in ``registry`` with ``@register``; so adding an op is
adding a module, with no list to keep in sync.
"""
import importlib
import pkgutil

from .base import Op
from .base import OpConfig
from .registry import kernel_for
from .registry import lookup
from .registry import register
from .registry import register_kernel
from .registry import supported_ops

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Op", "OpConfig", "kernel_for", "lookup", "register", "register_kernel",
           "supported_ops"]
