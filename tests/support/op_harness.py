"""Run a builder-made model through this project's ops, for op-level tests.

``run_model`` is the one entry point op tests use, so they exercise whatever
the interpreter does (loader, registry, prepare, eval) without each test
re-implementing the graph walk; ``prepare`` stops after the ops' prepare, for
the tests of what is refused; ``run_c_backend`` runs a one-input model on the C
backend.
"""
from __future__ import annotations

import numpy as np


def run_model(model: bytes, inputs: list[np.ndarray], rounding: str = "double",
              semantics: str = "tflm") -> list[np.ndarray]:
    from interpreter.interpreter import Interpreter

    interp = Interpreter(model_content=model, rounding=rounding, semantics=semantics)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], np.asarray(x, dtype=d["dtype"]).reshape(d["shape"]))
    interp.invoke()
    return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]


def prepare(model: bytes, backend: str = "numpy"):
    """Load the model and run every op's prepare (allocate_tensors); nothing is invoked.
    Returns the interpreter."""
    from interpreter.interpreter import Interpreter

    interp = Interpreter(model_content=model, backend=backend)
    interp.allocate_tensors()
    return interp


def run_c_backend(model: bytes, x: np.ndarray) -> np.ndarray:
    """The output of a one-input model run with ``backend="c"`` (whichever of its ops
    fall back to NumPy), or skip the test where the C kernels are not built."""
    import pytest

    try:
        interp = prepare(model, backend="c")
    except (ImportError, RuntimeError) as e:   # C kernels not built here
        pytest.skip(f"C backend unavailable: {e}")
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    assert interp.backend == "c"
    return interp.get_tensor(interp.get_output_details()[0]["index"])
