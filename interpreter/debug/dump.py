"""The tensor-dump format: one .npz file holding a model's tensors after one inference.

Dump layout ("tinyml-dump-1"; written by `tinyml dump`, read by `tinyml verify --against`):

- one array per tensor, keyed by the tensor's name exactly as in the model
  (get_tensor_details()[i]["name"]); a tensor whose name is empty, starts
  with "#" or is shared with another tensor is keyed "#<index>" (its index
  in subgraph 0). Readers accept "#<index>" for any tensor.
- values are the raw stored values (int8 stays int8, no dequantization), in
  the tensor's dtype and shape; a reader also accepts any dtype holding the
  same values and any shape with the same number of elements (e.g. a flat
  buffer copied from a device).
- which tensors: the subgraph's inputs and every operator output. Constants
  are not dumped; a dump may omit any tensor, which is then not compared.
  Without --input, verify feeds the model the inputs found in the dump.
- an optional "__format__" entry holding the string "tinyml-dump-1".

From Python: np.savez("dump.npz", **{name: array, ...}).
"""
from __future__ import annotations

import os
from collections import Counter
from typing import Mapping

import numpy as np

from ..parse.model import Subgraph

DUMP_FORMAT = "tinyml-dump-1"
FORMAT_KEY = "__format__"


def tensor_keys(subgraph: Subgraph) -> dict[int, str]:
    """The dump key of every tensor: its name, or ``#<index>`` if empty or not unique."""
    counts = Counter(t.name for t in subgraph.tensors)
    return {t.index: t.name if t.name and counts[t.name] == 1 and not t.name.startswith("#")
            else f"#{t.index}" for t in subgraph.tensors}


def dumped_tensors(subgraph: Subgraph) -> list[int]:
    """Indices of the tensors a dump holds: subgraph inputs, then op outputs in op order."""
    out: list[int] = []
    for i in list(subgraph.inputs) + [o for op in subgraph.operators for o in op.outputs]:
        if i >= 0 and i not in out:
            out.append(i)
    return out


def write_dump(path: str | os.PathLike, subgraph: Subgraph, values: Mapping[int, np.ndarray]) -> int:
    """Write ``values`` (tensor index -> array) in the dump layout; returns the number of tensors."""
    keys = tensor_keys(subgraph)
    arrays = {keys[i]: np.asarray(values[i]) for i in dumped_tensors(subgraph) if i in values}
    arrays[FORMAT_KEY] = np.array(DUMP_FORMAT)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return len(arrays) - 1


def read_dump(path: str | os.PathLike, subgraph: Subgraph) -> dict[int, np.ndarray]:
    """Tensor index -> array from a dump; raise ValueError on keys or sizes that do not fit."""
    keys = tensor_keys(subgraph)
    by_key = {k: i for i, k in keys.items()}
    by_key.update({f"#{i}": i for i in keys})
    out: dict[int, np.ndarray] = {}
    with np.load(path, allow_pickle=False) as z:
        for key in z.files:
            if key == FORMAT_KEY:
                continue
            if key not in by_key:
                raise ValueError(f"{os.fspath(path)}: entry {key!r} names no tensor of the model")
            i = by_key[key]
            t = subgraph.tensors[i]
            a = z[key]
            if a.size != t.num_elements:
                raise ValueError(f"{os.fspath(path)}: {key!r} has {a.size} elements, "
                                 f"tensor {i} has {t.num_elements} {list(t.shape)}")
            if a.dtype != t.dtype:
                converted = a.astype(t.dtype)
                if not np.array_equal(converted, a):
                    raise ValueError(f"{os.fspath(path)}: {key!r} is {a.dtype} with values "
                                     f"that {t.dtype} cannot hold")
                a = converted
            out[i] = a.reshape(t.shape)
    return out
