"""Fixtures of the debugging-tool tests (analyze, plot, profile, verify)."""
from __future__ import annotations

import pytest
from tools_models import build_mlp


@pytest.fixture
def mlp(tmp_path):
    """Path of the small int8 MLP (tools_models.build_mlp) written as a .tflite file."""
    path = tmp_path / "mlp.tflite"
    path.write_bytes(build_mlp())
    return path
