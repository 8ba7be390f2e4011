"""Hypothesis profiles for the whole suite.

Default runs (the README's test command, and CI) draw a fixed set of examples
per test (``derandomize``): a failure reproduces on the next run, and a
reference runtime that aborts the process on some model (LiteRT and TFLM both
can) cannot turn CI red at random. To explore new examples, e.g. with the long
runs, set ``HYPOTHESIS_PROFILE=explore``:

    HYPOTHESIS_PROFILE=explore python -m pytest -m slow
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import settings

# The shared test helpers in tests/support/ (reference.py, single_op.py, ...) import as
# top-level modules from any test folder; the repository root too, for cortex_m/ and tools/.
TESTS = Path(__file__).resolve().parent
for _path in (TESTS / "support", TESTS.parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))
