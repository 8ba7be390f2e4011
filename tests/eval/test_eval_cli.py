"""``tinyml eval`` end to end: in-process through ``main(argv)`` and as a subprocess."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from eval_cases import CLASSES
from eval_cases import classifier
from eval_cases import quantized_blobs
from eval_cases import regressor
from eval_cases import run_each

from interpreter.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def example(tmp_path):
    """The classifier pair, labelled float data and a labels file, written to tmp_path."""
    int8, float32 = classifier()
    (tmp_path / "q.tflite").write_bytes(int8)
    (tmp_path / "f.tflite").write_bytes(float32)
    x, y = quantized_blobs(120)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    (tmp_path / "labels.txt").write_text("north\neast\nsouth\nwest\n")
    return tmp_path


def test_cli_report_json_and_png(example, capsys):
    pytest.importorskip("matplotlib")
    t = example
    rc = main(["eval", str(t / "q.tflite"), "--data", str(t / "d.npz"), "--labels",
               str(t / "labels.txt"), "--reference", str(t / "f.tflite"), "--check", "tflm",
               "--top-k", "2", "--workers", "1", "--json", str(t / "out.json"), "--png",
               str(t / "c.png"), "--quiet"])
    out = capsys.readouterr()
    assert rc == 0 and out.err == ""
    x, y = np.load(t / "d.npz")["x"], np.load(t / "d.npz")["y"]
    pred = run_each(classifier()[0], x).reshape(-1, CLASSES).argmax(axis=1)
    correct = int((pred == y).sum())
    assert f"top-1 accuracy   {correct / 120:.4f} ({correct}/120)" in out.out
    assert "tflm check: 0/120 example(s)" in out.out and "north" in out.out
    d = json.loads((t / "out.json").read_text())
    assert d["accuracy"]["top1_correct"] == correct and d["count"] == 120
    assert d["class_names"] == ["north", "east", "south", "west"]
    assert [r["name"] for r in d["per_class"]] == d["class_names"]
    assert d["tflm_check"]["differing"] == 0 and 0.9 < d["reference"]["top1_agreement"] <= 1
    assert d["timing"]["workers"] == 1
    assert (t / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args,match", [
    (["--data", "{t}/missing.npz"], r"EvalError: .*missing\.npz: no such file or directory"),
    (["--data", "{t}/d.npz", "--labels", "{t}/three.txt"],
     r"EvalError: .*3 class names \(labels\) for a model with 4 classes"),
    (["--data", "{t}/d.npz", "--png", "{t}/c.png", "--model", "regressor"],
     "--png draws the confusion matrix: it needs labelled data and a classifier"),
])
def test_cli_errors_exit_2(example, capsys, args, match):
    t = example
    (t / "three.txt").write_text("a\nb\nc\n")
    (t / "r.tflite").write_bytes(regressor())
    x = np.zeros((5, 8), np.int8)
    np.savez(t / "d.npz", x=x, y=np.zeros(5, int))
    model = t / ("r.tflite" if "--model" in args else "q.tflite")
    args = [a.format(t=t) for a in args if a not in ("--model", "regressor")]
    assert main(["eval", str(model), *args, "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tinyml: error: ")
    assert re.search(match, err), err


def test_cli_as_a_subprocess_with_two_workers(example):
    """The installed entry point's path: python -m interpreter, worker processes spawned."""
    t = example
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "interpreter", "eval", str(t / "q.tflite"), "--data",
         str(t / "d.npz"), "--workers", "2", "--json", str(t / "two.json")],
        capture_output=True, text=True, env=env, cwd=t, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""       # not a terminal: no progress bar
    assert "2 worker(s)" in proc.stdout
    two = json.loads((t / "two.json").read_text())
    assert main(["eval", str(t / "q.tflite"), "--data", str(t / "d.npz"), "--workers", "1",
                 "--json", str(t / "one.json")]) == 0
    one = json.loads((t / "one.json").read_text())
    assert one.pop("timing")["workers"] == 1 and two.pop("timing")["workers"] == 2
    assert one == two


def test_progress_bar_on_request(example, capsys):
    from interpreter.eval import evaluate

    evaluate(example / "q.tflite", example / "d.npz", workers=1, progress=True)
    err = capsys.readouterr().err
    assert err.endswith("] 120/120 inferences\n") and "[" + "#" * 30 + "]" in err
