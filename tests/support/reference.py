"""Run model bytes through the real reference runtimes (TFLM and LiteRT).

Tests compare this interpreter with these, byte for byte. Each helper skips
the calling test with a clear reason when its runtime is not installed. Also
the shared model corpus: where it is (``corpus_model``), TFLM's arena head
for its models (``TFLM_HEAD``) and seeded random inputs for them (``random_inputs``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO.parent / "shared" / "models"

# model -> TFLM's planned arena "head" in bytes (MANIFEST.md, RecordingMicroAllocator)
TFLM_HEAD = {
    "mlperf_tiny/ad01_int8.tflite": 768,
    "mlperf_tiny/kws_ref_model.tflite": 16000,
    "mlperf_tiny/pretrainedResnet_quant.tflite": 49152,
    "mlperf_tiny/vww_96_int8.tflite": 73728,
    "tflm/hello_world_int8.tflite": 32,
    "tflm/hello_world_float.tflite": None,  # not listed in the manifest
    "tflm/micro_speech_quantized.tflite": 5968,
    "tflm/person_detect.tflite": 55296,
    "tflm/simple_add_model.tflite": 49152,
    "arm_ml_examples/ds_cnn_s_quantized.tflite": 16000,
}
LSTM_MODEL = "tflm/trained_lstm_int8.tflite"


def corpus_model(relpath: str) -> Path:
    """Path of a model in the shared corpus, or skip the test if the corpus is absent."""
    p = MODELS / relpath
    if not p.exists():
        pytest.skip(f"shared model corpus not found ({p}); it lives beside the repository")
    return p


def random_inputs(input_details, seed: int) -> list[np.ndarray]:
    """Seeded random inputs for a model's inputs (``get_input_details()``): float32
    uniform in [-1, 1), integers over their type's whole range."""
    rng = np.random.default_rng(seed)
    out = []
    for d in input_details:
        shape = tuple(int(v) for v in d["shape"])
        if np.dtype(d["dtype"]) == np.float32:
            out.append(rng.uniform(-1, 1, shape).astype(np.float32))
        else:
            info = np.iinfo(d["dtype"])
            out.append(rng.integers(info.min, info.max, shape, endpoint=True).astype(d["dtype"]))
    return out


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
