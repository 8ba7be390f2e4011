"""tinyml profile: per-op latency, MACs, bytes and live arena; the progress bar."""
from __future__ import annotations

import io
import json

from reference import corpus_model
from tools_models import WIDTHS

from interpreter import Interpreter
from interpreter.cli import main
from interpreter.debug.profile import live_arena_bytes
from interpreter.debug.profile import op_macs
from interpreter.debug.profile import profile
from interpreter.debug.progress import Progress


def test_profile_columns(mlp):
    interp = Interpreter(model_path=mlp)
    interp.allocate_tensors()
    rows = profile(interp, runs=3)
    assert [r.index for r in rows] == [0, 1, 2, 3]
    assert [r.macs for r in rows] == [a * b for a, b in zip(WIDTHS, WIDTHS[1:])]
    # inputs: activations (int8) + weights (int8) + bias (int32)
    assert rows[0].bytes_read == 32 + 24 * 32 + 4 * 24 and rows[0].bytes_written == 24
    assert abs(sum(r.share for r in rows) - 1) < 1e-9 and all(r.seconds > 0 for r in rows)
    plan = interp.memory_plan()
    assert all(r.arena_live == live_arena_bytes(plan, r.index) <= plan.arena_bytes for r in rows)


def test_profile_cli(mlp, capsys):
    assert main(["profile", str(mlp), "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert "FULLY_CONNECTED" in out and "total" in out and "100.0%" in out
    assert main(["profile", str(mlp), "--runs", "2", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["totals"]["macs"] == sum(a * b for a, b in zip(WIDTHS, WIDTHS[1:]))
    assert len(d["ops"]) == 4


def test_macs_of_conv_layers():
    interp = Interpreter(model_path=corpus_model("mlperf_tiny/kws_ref_model.tflite"))
    sg = interp.model.main
    # kws: conv 10x4 filter, 64 channels over a 25x5x64 output; depthwise 3x3
    assert op_macs(sg.operators[0], sg) == 25 * 5 * 64 * 10 * 4 * 1
    assert op_macs(sg.operators[1], sg) == 25 * 5 * 64 * 3 * 3
    assert op_macs(sg.operators[2], sg) == 25 * 5 * 64 * 64


def test_progress_bar():
    s = io.StringIO()
    with Progress(4, "runs", stream=s, enabled=True, min_interval=0) as bar:
        for _ in range(4):
            bar.update()
    text = s.getvalue()
    assert "\r[" in text and "4/4 runs" in text and text.endswith("\n")
    quiet = io.StringIO()   # not a terminal: nothing drawn by default
    with Progress(4, stream=quiet) as bar:
        bar.update(4)
    assert quiet.getvalue() == ""
