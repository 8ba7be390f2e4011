"""The example of README.md and docs/EVAL.md runs as written: tools/make_eval_example.py
writes the models and data, and the documented ``tinyml eval`` command succeeds with the
TFLM check at 0 and the float reference agreeing on nearly every prediction."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from interpreter.cli import main

REPO = Path(__file__).resolve().parents[2]


def documented_command() -> list[str]:
    """The ``tinyml eval`` command of docs/EVAL.md's example, as arguments."""
    text = (REPO / "docs" / "EVAL.md").read_text()
    block = re.search(r"```sh\n(python tools/make_eval_example.py .*?)```", text, re.S).group(1)
    command = block.replace("\\\n", " ").splitlines()[1].split()
    assert command[:2] == ["tinyml", "eval"]
    return command[1:]


def test_documented_example_runs(tmp_path, capsys):
    pytest.importorskip("matplotlib")   # the command draws --png
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "make_eval_example.py"),
                           "eval_example/"], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": ""}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    args = documented_command()
    args = [str(tmp_path / a) if a.startswith("eval_example/") else a for a in args]
    assert main(args + ["--workers", "1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "tflm check: 0/1000 example(s)" in out
    report = json.loads((tmp_path / "eval_example" / "report.json").read_text())
    assert report["count"] == 1000 and report["class_names"] == ["north", "east", "south", "west"]
    assert report["accuracy"]["top1"] > 0.8 and report["reference"]["top1_agreement"] > 0.97
    assert (tmp_path / "eval_example" / "confusion.png").exists()
