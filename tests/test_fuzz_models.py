"""Hostile models: the structure-aware fuzzer (tools/fuzz_models.py) finds no untyped
error, crash, hang, out-of-memory or backend mismatch in 5,000 mutated models.

Each case is a type-probe model (one per operator and type) with a few of its fields
a kernel reads mutated through the flatc object API (and sometimes bytes damaged),
loaded, allocated and invoked on both backends and under ``semantics="tflite"`` in a
worker process with a memory and a time limit. ``-m slow`` runs 100,000 cases. A failure names the case, which
``python tools/fuzz_models.py --replay SEED:N`` reproduces with its traceback.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from interpreter import ops_c

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

pytestmark = [
    pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built on the host"),
]


def _campaign(cases: int, start: int = 0):
    pytest.importorskip("tflite_micro", reason="the fuzzer mutates through tflite-micro's "
                                               "object API")
    import fuzz_models
    return fuzz_models.campaign(cases, jobs=2, start=start)


def test_5000_mutated_models_fail_only_with_typed_errors():
    report = _campaign(5000)
    assert report.cases == 5000
    ran = sum(report.counts[b]["ran"] for b in ("numpy", "c"))
    assert ran > 500, report.text()        # the mutations leave many models runnable
    assert report.bad == 0, report.text()


@pytest.mark.slow
def test_100000_mutated_models_fail_only_with_typed_errors():
    report = _campaign(100_000, start=1_000_000)
    assert report.bad == 0, report.text()
