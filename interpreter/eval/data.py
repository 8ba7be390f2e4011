"""Reading a dataset for ``tinyml eval``: what the examples are, and their labels.

A dataset is one of:

- an ``.npz`` with ``x`` (one example per row of the first axis) and
  optionally ``y`` (one integer label per example);
- an ``.npy`` of examples (no labels);
- a directory of example files: ``.npy`` arrays, ``.wav`` audio, ``.png`` /
  ``.jpg`` / ``.jpeg`` / ``.bmp`` images (other files, and hidden ones, are
  ignored). Either the examples lie directly in it (no labels), or it has one
  subfolder per class, named after the class (anything below a class folder
  belongs to that class; a class may have no files); both at once is an
  error. Files are taken in the order of their paths, sorted.

Class names come from ``labels`` (a text file, one name per line, or a list),
else from the class folders' names, sorted. With both, every folder must be
one of the names, and its class is that name's position.

Nothing here knows the model: ``inputs.py`` turns the examples into what the
model takes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import EvalError

ARRAY_EXTS = (".npy",)
AUDIO_EXTS = (".wav",)
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".bmp")
EXTS = ARRAY_EXTS + AUDIO_EXTS + IMAGE_EXTS


@dataclass
class Dataset:
    """Examples and their labels, as read; ``x`` (arrays) or ``files`` (a directory)."""

    path: str
    x: np.ndarray | None = None            # .npz / .npy: every example, one per row
    files: list[Path] | None = None        # a directory: one example per file
    y: np.ndarray | None = None            # int64 labels, or None
    class_names: list[str] | None = None   # from labels or the class folders

    def __len__(self) -> int:
        return len(self.files) if self.files is not None else len(self.x)

    def where(self, i: int) -> str:
        """The file and index of example ``i``, for messages."""
        if self.files is not None:
            return f"{self.files[i]} (example {i})"
        return f"{self.path}: example {i}"


def read_labels(labels: str | os.PathLike | Sequence[str]) -> list[str]:
    """Class names from a text file (one per line, blank lines skipped) or a list."""
    if isinstance(labels, (str, os.PathLike)):
        try:
            text = Path(labels).read_text()
        except (OSError, UnicodeDecodeError) as e:
            raise EvalError(f"labels file {os.fspath(labels)}: cannot read it ({e})") from None
        names = [line.strip() for line in text.splitlines() if line.strip()]
        where = os.fspath(labels)
    else:
        names, where = [str(n) for n in labels], "labels"
    if not names:
        raise EvalError(f"{where}: no class names")
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise EvalError(f"{where}: class names repeat: {dup}")
    return names


def load_dataset(path: str | os.PathLike,
                 labels: str | os.PathLike | Sequence[str] | None = None) -> Dataset:
    """Read the dataset at ``path`` (see the module doc); ``labels`` names the classes."""
    p = Path(path)
    names = read_labels(labels) if labels is not None else None
    if p.is_dir():
        return _load_directory(p, names)
    if not p.exists():
        raise EvalError(f"{p}: no such file or directory")
    if p.suffix == ".npz":
        ds = _load_npz(p)
    elif p.suffix == ".npy":
        ds = Dataset(str(p), x=load_npy(p))
    else:
        raise EvalError(f"{p}: not a dataset (give an .npz with x and y, an .npy of inputs, "
                        f"or a directory of {', '.join(EXTS)} files)")
    if len(ds) == 0:
        raise EvalError(f"{p}: no examples")
    ds.class_names = names
    return ds


def load_npy(p: Path) -> np.ndarray:
    try:
        x = np.load(p, allow_pickle=False)
    except (OSError, ValueError, EOFError) as e:
        raise EvalError(f"{p}: not a readable .npy array ({e})") from None
    if x.ndim == 0:
        raise EvalError(f"{p}: a scalar, not examples (one per row of the first axis)")
    return x


def _load_npz(p: Path) -> Dataset:
    try:
        with np.load(p, allow_pickle=False) as z:
            keys = list(z.keys())
            if "x" not in keys:
                raise EvalError(f"{p}: no array 'x' (the examples); it has {keys}")
            x = z["x"]
            y = z["y"] if "y" in keys else None
    except (OSError, ValueError, EOFError) as e:
        if isinstance(e, EvalError):
            raise
        raise EvalError(f"{p}: not a readable .npz archive ({e})") from None
    if x.ndim == 0:
        raise EvalError(f"{p}: x is a scalar, not examples (one per row of the first axis)")
    if y is not None:
        if y.ndim != 1 or y.dtype.kind not in "iu":
            raise EvalError(f"{p}: y must be one integer label per example, is "
                            f"{y.dtype}{list(y.shape)}")
        if len(y) != len(x):
            raise EvalError(f"{p}: {len(y)} labels (y) for {len(x)} examples (x)")
        y = y.astype(np.int64)
    return Dataset(str(p), x=x, y=y)


def _example_files(folder: Path) -> list[Path]:
    return sorted(f for f in folder.rglob("*")
                  if f.is_file() and f.suffix.lower() in EXTS
                  and not any(part.startswith(".") for part in f.relative_to(folder).parts))


def _load_directory(p: Path, names: list[str] | None) -> Dataset:
    top = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in EXTS
                 and not f.name.startswith("."))
    folders = sorted(d for d in p.iterdir() if d.is_dir() and not d.name.startswith("."))
    if top and any(_example_files(d) for d in folders):
        raise EvalError(f"{p}: has example files ({top[0].name}, ...) and class folders "
                        f"({folders[0].name}, ...); put the examples either directly in it "
                        "(no labels) or in one folder per class")
    if top:
        return Dataset(str(p), files=top, class_names=names)
    if names is None:
        names = [d.name for d in folders]
    else:
        unknown = [d.name for d in folders if d.name not in names]
        if unknown:
            raise EvalError(f"{p}: class folder(s) {unknown} are not among the {len(names)} "
                            f"class names of the labels")
    files, y = [], []
    for d in folders:
        found = _example_files(d)
        files += found
        y += [names.index(d.name)] * len(found)
    if not files:
        raise EvalError(f"{p}: no example files ({', '.join(EXTS)})")
    return Dataset(str(p), files=files, y=np.array(y, np.int64), class_names=names)
