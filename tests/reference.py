"""Run model bytes through the real reference runtimes (TFLM and LiteRT).

Tests compare this interpreter with these, byte for byte. Each helper skips
the calling test with a clear reason when its runtime is not installed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO.parent / "shared" / "models"


def corpus_model(relpath: str) -> Path:
    """Path of a model in the shared corpus, or skip the test if the corpus is absent."""
    p = MODELS / relpath
    if not p.exists():
        pytest.skip(f"shared model corpus not found ({p}); it lives beside the repository")
    return p


def run_tflm(model: bytes, inputs: list[np.ndarray], n_outputs: int = 1,
             arena_size: int | None = None) -> list[np.ndarray]:
    """Invoke the tflite-micro runtime (TFLM reference kernels) once."""
    runtime = pytest.importorskip("tflite_micro.python.tflite_micro.runtime",
                                  reason="tflite-micro not installed (pip install '.[test]')")
    if arena_size is None:
        arena_size = max(len(model) * 10, 1 << 20)
    interp = runtime.Interpreter.from_bytes(bytes(model), arena_size=arena_size)
    for i, x in enumerate(inputs):
        interp.set_input(x, i)
    interp.invoke()
    return [np.array(interp.get_output(i)) for i in range(n_outputs)]


def run_litert(model: bytes, inputs: list[np.ndarray], reference: bool = True) -> list[np.ndarray]:
    """Invoke LiteRT, with its reference kernels by default (BUILTIN_REF)."""
    lite = pytest.importorskip("ai_edge_litert.interpreter",
                               reason="ai-edge-litert not installed (pip install '.[test]')")
    kind = lite.OpResolverType.BUILTIN_REF if reference else lite.OpResolverType.AUTO
    interp = lite.Interpreter(model_content=bytes(model), experimental_op_resolver_type=kind,
                              num_threads=1)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]
