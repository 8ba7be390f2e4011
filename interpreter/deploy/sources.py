"""The C kernel sources, and which of them a set of kernel functions needs.

The kernels live in ``kernels_c/`` (``include/tinyml_nn.h``, the public
header; ``src/``, one kernel per file plus internal headers). An installed
(non-editable) package carries a copy in ``interpreter/deploy/kernels_c``,
made at build time (setup.py); a source checkout uses the repository's.

``needed_sources`` follows calls: a file is needed when it defines a function
that is called, and the functions its own code calls are then needed too, so
a generated firmware tree carries only the kernels its model runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


class KernelSourcesMissing(RuntimeError):
    """Neither the checkout's kernels_c/ nor the package's copy could be found."""


def kernel_tree() -> Path:
    """The directory holding ``include/`` and ``src/`` of the C kernels."""
    for candidate in (_HERE.parents[1] / "kernels_c", _HERE / "kernels_c"):
        if (candidate / "include" / "tinyml_nn.h").is_file():
            return candidate
    raise KernelSourcesMissing(
        "the C kernel sources (kernels_c/) are not installed with this package; reinstall it "
        "from a source checkout (pip install -e .) or from its sdist")


def _strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


@lru_cache(maxsize=None)
def _index(root: str) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """(function -> defining .c file name, .c file name -> tnn_ functions it mentions)."""
    src = Path(root) / "src"
    defined: dict[str, str] = {}
    mentions: dict[str, frozenset[str]] = {}
    for path in sorted(src.glob("*.c")):
        text = _strip_comments(path.read_text())
        # a definition: a return type at the start of a line, the name, a parameter list
        # and an opening brace (static helpers are private to their file)
        for name in re.findall(r"^(?:int32_t|void)\s+(tnn_\w+)\s*\([^;{]*\)\s*\{", text,
                               flags=re.M):
            defined[name] = path.name
        mentions[path.name] = frozenset(re.findall(r"\b(tnn_\w+)\s*\(", text))
    return defined, mentions


def needed_sources(functions) -> list[str]:
    """The ``src/*.c`` file names that define ``functions`` and what they call."""
    defined, mentions = _index(str(kernel_tree()))
    files: set[str] = set()
    todo = list(functions)
    while todo:
        name = todo.pop()
        path = defined.get(name)
        if path is None or path in files:
            continue
        files.add(path)
        todo.extend(mentions[path])
    missing = [f for f in functions if f not in defined]
    if missing:
        raise KeyError(f"no kernel source defines {missing}")
    return sorted(files)


def headers() -> tuple[list[Path], list[Path]]:
    """(public headers, internal headers) of the kernel tree."""
    root = kernel_tree()
    return sorted((root / "include").glob("*.h")), sorted((root / "src").glob("*.h"))


@dataclass(frozen=True)
class Proto:
    """A kernel function of the public header."""

    name: str
    returns: str
    params: tuple[str, ...]          # as declared, e.g. "const tnn_dims *input_dims"
    outputs: tuple[int, ...]         # indices of non-const pointer params

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(re.split(r"[\s*]+", p)[-1] for p in self.params)


@lru_cache(maxsize=None)
def prototypes() -> dict[str, Proto]:
    """Every ``tnn_`` function declared in ``tinyml_nn.h``, by name."""
    text = _strip_comments((kernel_tree() / "include" / "tinyml_nn.h").read_text())
    protos = {}
    for ret, name, params in re.findall(r"\b(void|int32_t)\s+(tnn_\w+)\s*\(([^)]*)\)\s*;", text):
        ps = (tuple(" ".join(p.split()) for p in params.split(","))
              if params.strip() != "void" else ())
        outs = tuple(i for i, p in enumerate(ps) if "*" in p and "const" not in p)
        protos[name] = Proto(name, ret, ps, outs)
    return protos
