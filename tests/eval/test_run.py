"""``interpreter/eval/run.py``: the worker pool, its chunks, and the TFLM comparison."""
from __future__ import annotations

import numpy as np
import pytest
from eval_cases import classifier
from eval_cases import quantized_blobs
from eval_cases import run_each

from interpreter.eval import evaluate
from interpreter.eval import run as run_mod
from interpreter.eval.run import RunOptions
from interpreter.eval.run import chunk_size
from interpreter.eval.run import run


def test_chunks_cover_every_example_in_order():
    x, _ = quantized_blobs(37)
    ref = run_each(classifier()[0], x)
    for workers in (1, 3):
        got = run(RunOptions(classifier()[0], "c"), x.reshape(37, 1, 8), workers=workers)
        assert got.workers == workers
        assert np.array_equal(got.outputs[0], ref)
    assert chunk_size(37, 3) == 2 and chunk_size(10**6, 2) == 256 and chunk_size(1, 8) == 1


def test_no_more_workers_than_examples():
    x, _ = quantized_blobs(1)
    assert run(RunOptions(classifier()[0]), x.reshape(1, 1, 8), workers=4).workers == 1


def test_progress_counts_every_example():
    x, _ = quantized_blobs(25)
    seen = []
    run(RunOptions(classifier()[0]), x.reshape(25, 1, 8), workers=1, progress=seen.append)
    assert sum(seen) == 25 and len(seen) == -(-25 // chunk_size(25, 1))


def test_examples_are_independent_of_each_other():
    """Every runtime is reset before each example: a stateful model (an accumulator in a
    resource variable) gives each example the output it has alone, on TFLM too."""
    pytest.importorskip("tflite_micro")
    from subgraph_models import float_accumulator

    model = float_accumulator(init=False)
    xs = np.arange(12, dtype=np.float32).reshape(3, 1, 4)
    got = run(RunOptions(model, "numpy", check_tflm=True), xs, workers=1)
    assert np.array_equal(got.outputs[0], xs)   # not their running sums
    assert not got.tflm_differs.any()


class _FlakyTflm:
    """Wraps the tflite-micro runtime; flips one output byte of the chosen examples."""

    def __init__(self, tflm, bad):
        self.tflm, self.bad, self.n = tflm, bad, -1

    def reset(self):
        self.n += 1
        self.tflm.reset()

    def __getattr__(self, name):
        return getattr(self.tflm, name)

    def get_output(self, j):
        out = np.array(self.tflm.get_output(j))
        if self.n in self.bad:
            out.reshape(-1)[0] ^= 1
        return out


def test_differing_outputs_are_counted_and_listed(tmp_path, monkeypatch):
    pytest.importorskip("tflite_micro")
    bad = {3, 7, 8, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}

    class Runner(run_mod.Runner):
        def __init__(self, opts):
            super().__init__(opts)
            self.tflm = _FlakyTflm(self.tflm, bad)

    monkeypatch.setattr(run_mod, "Runner", Runner)
    x, y = quantized_blobs(30)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    r = evaluate(classifier()[0], tmp_path / "d.npz", check_tflm=True, workers=1)
    assert r.tflm_mismatches == sorted(bad)
    d = r.to_dict()["tflm_check"]
    assert d == {"differing": 13, "share": 13 / 30, "first_differing": sorted(bad)[:10]}
    assert "tflm check: 13/30 example(s)" in r.text() and "first: [3, 7, 8, 20," in r.text()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_both_start_methods(monkeypatch, method):
    """Forked workers read the parent's arrays; spawned ones (other systems) get each chunk
    through a pipe: the same outputs."""
    if method == "fork" and not hasattr(__import__("os"), "fork"):
        pytest.skip("no fork here")
    monkeypatch.setattr(run_mod, "start_method", lambda: method)
    x, _ = quantized_blobs(30)
    got = run(RunOptions(classifier()[0]), x.reshape(30, 1, 8), workers=2)
    assert got.workers == 2 and np.array_equal(got.outputs[0], run_each(classifier()[0], x))
    assert run_mod._shared is None
