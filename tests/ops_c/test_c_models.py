"""Whole models: the C backend equals the tflite-micro runtime on the corpus."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from reference import corpus_model
from reference import run_tflm

from interpreter import Interpreter
from interpreter import ops_c
from interpreter.debug.inputs import random_input

pytestmark = pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built")

MODELS = ["mlperf_tiny/ad01_int8.tflite", "mlperf_tiny/kws_ref_model.tflite",
          "mlperf_tiny/pretrainedResnet_quant.tflite", "mlperf_tiny/vww_96_int8.tflite",
          "tflm/person_detect.tflite", "tflm/hello_world_float.tflite",
          "arm_ml_examples/ds_cnn_s_quantized.tflite"]


@pytest.mark.parametrize("path", MODELS)
def test_c_backend_equals_tflm(path):
    data = corpus_model(path).read_bytes()
    interp = Interpreter(model_content=data, backend="c")
    interp.allocate_tensors()
    rng = np.random.default_rng(7)
    for _ in range(2):
        feeds = []
        for d in interp.get_input_details():
            if np.dtype(d["dtype"]).kind == "f":
                x = random_input(d, rng)
            else:
                info = np.iinfo(d["dtype"])
                x = rng.integers(info.min, info.max, tuple(d["shape"]),
                                 endpoint=True).astype(d["dtype"])
            interp.set_tensor(d["index"], x)
            feeds.append(x)
        interp.invoke()
        assert all(op.kernel is not None for op in interp._ops), "not every op ran in C"
        ours = [interp.get_tensor(d["index"]) for d in interp.get_output_details()]
        ref = run_tflm(data, feeds, n_outputs=len(ours))
        for a, b in zip(ours, ref):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


REPO_ROOT = Path(__file__).resolve().parents[2]


def test_long_chain_of_tiny_ops_equals_numpy():
    """200 chained tiny ADDs (the dispatch benchmark's model): C == NumPy, byte for byte.

    The per-op dispatch cost itself is measured by ``tools/bench.py --dispatch``.
    """
    import sys
    sys.path.insert(0, str(REPO_ROOT / "tools"))
    from bench import chain_of_adds

    model = chain_of_adds(200)
    x = np.arange(-2, 2, dtype=np.int8).reshape(1, 4)
    outs = []
    for backend in ("numpy", "c"):
        interp = Interpreter(model_content=model, backend=backend)
        interp.allocate_tensors()
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
        outs.append(interp.get_tensor(interp.get_output_details()[0]["index"]))
    assert outs[0].tobytes() == outs[1].tobytes()
