"""The tinyml command line, run in-process and as `python -m interpreter`."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from interpreter.cli import main
from interpreter.examples.sine import X_RANGE
from interpreter.examples.sine import build_sine_model
from interpreter.examples.sine import forward_float


def test_demo_runs_and_prints_plan(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "arena plan" in out and "FULLY_CONNECTED" in out


def test_sine_model_is_accurate_and_bit_exact_with_tflm():
    from reference import run_tflm

    from interpreter import Interpreter

    model, params = build_sine_model(seed=0)
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    d_in, d_out = interp.get_input_details()[0], interp.get_output_details()[0]
    (s_in, zp_in), (s_out, zp_out) = d_in["quantization"], d_out["quantization"]
    worst = 0.0
    for x in np.linspace(*X_RANGE, 50):
        xq = np.array([[np.clip(round(x / s_in) + zp_in, -128, 127)]], np.int8)
        interp.set_tensor(d_in["index"], xq)
        interp.invoke()
        y = interp.get_tensor(d_out["index"])
        assert np.array_equal(y, run_tflm(model, [xq])[0].reshape(y.shape))
        worst = max(worst, abs(s_out * (int(y[0, 0]) - zp_out) - np.sin(s_in * (int(xq[0, 0]) - zp_in))))
    # measured for seed 0: the float network fits sin within 0.036 and the int8
    # model within 0.102 (per-tensor int8 weights of a 1-16-16-1 net)
    assert worst < 0.12
    assert np.abs(forward_float(params, np.linspace(*X_RANGE, 50)[:, None])
                  - np.sin(np.linspace(*X_RANGE, 50)[:, None])).max() < 0.06


def test_run_inspect_plan_on_saved_model(tmp_path, capsys):
    model_path = tmp_path / "sine.tflite"
    assert main(["demo", "--save", str(model_path)]) == 0
    x = tmp_path / "x.npy"
    np.save(x, np.array([[3]], np.int8))
    y = tmp_path / "y.npy"
    assert main(["run", str(model_path), "--input", str(x), "--output", str(y)]) == 0
    assert np.load(y).shape == (1, 1)
    assert main(["run", str(model_path), "--seed", "3"]) == 0
    assert main(["inspect", str(model_path)]) == 0
    out = capsys.readouterr().out
    assert "Fully" in out or "FULLY_CONNECTED" in out
    assert main(["plan", str(model_path), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["arena_bytes"] > 0


def test_errors_are_reported_not_raised(tmp_path, capsys):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"\x00" * 64)
    assert main(["run", str(bad)]) == 2
    assert "ModelError" in capsys.readouterr().err


def test_module_entry_point():
    r = subprocess.run([sys.executable, "-m", "interpreter", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "demo" in r.stdout
