"""tinyml analyze: MACs, flash, RAM, and the TFLM persistent-tail estimate."""
from __future__ import annotations

import json
import re

import pytest
from reference import MODELS
from reference import TFLM_HEAD
from reference import corpus_model

from interpreter.cli import main
from interpreter.debug import analyze as an

TAIL_TOLERANCE_BYTES = 64   # the estimate vs TFLM's measured "total - head"


def manifest_arena() -> dict[str, tuple[int, int]]:
    """model stem -> (head, total) from the corpus MANIFEST.md table."""
    text = (MODELS / "MANIFEST.md").read_text()
    return {m[0]: (int(m[1].replace(",", "")), int(m[2].replace(",", "")))
            for m in re.findall(r"^\| (\w+) \| ([\d,]+) \| ([\d,]+) \|$", text, re.M)}


@pytest.mark.parametrize("model", sorted(m for m in TFLM_HEAD if TFLM_HEAD[m] is not None))
def test_tail_estimate_matches_manifest(model):
    path = corpus_model(model)
    head, total = manifest_arena()[path.stem]
    a = an.analyze(path)
    assert a.arena_bytes <= head
    assert abs(a.tail["total"] - (total - head)) <= TAIL_TOLERANCE_BYTES, a.tail


def test_analyze_cli_text_and_json(mlp, capsys):
    assert main(["analyze", str(mlp)]) == 0
    out = capsys.readouterr().out
    assert "flash: weights" in out and "RAM:" in out and "tail" in out
    assert main(["analyze", str(mlp), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["macs"] == sum(l["macs"] for l in d["layers"]) == 32 * 24 + 24 * 24 + 24 * 16 + 16 * 10
    assert d["weight_bytes"] == sum(l["weight_bytes"] for l in d["layers"])
    assert d["ram_bytes_estimate"] == d["arena_bytes"] + d["tail"]["total"]


def test_cpu_without_and_with_kernel_table(mlp, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(an, "KERNEL_SIZES", tmp_path / "kernel_sizes.json")
    assert main(["analyze", str(mlp), "--cpu", "cortex-m4"]) == 0
    assert "not available yet" in capsys.readouterr().out
    (tmp_path / "kernel_sizes.json").write_text(json.dumps(
        {"cortex-m4": {"FULLY_CONNECTED": 1234, "CONV_2D": 5000}}))
    assert main(["analyze", str(mlp), "--cpu", "cortex-m4"]) == 0
    assert "1,234 B of kernel code for 1 op type" in capsys.readouterr().out
    assert main(["analyze", str(mlp), "--cpu", "cortex-m0"]) == 0
    assert "no entry for 'cortex-m0'" in capsys.readouterr().out
