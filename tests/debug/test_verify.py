"""tinyml verify / dump and Interpreter.trace: intermediate tensors against references."""
from __future__ import annotations

import json

import numpy as np
import pytest
from reference import LSTM_MODEL
from reference import TFLM_HEAD
from reference import corpus_model
from tools_models import build_mlp

from interpreter import Interpreter
from interpreter.cli import main
from interpreter.debug.dump import DUMP_FORMAT
from interpreter.debug.dump import read_dump
from interpreter.debug.dump import tensor_keys
from interpreter.debug.dump import write_dump
from interpreter.debug.verify import compare
from interpreter.debug.verify import verify


def _x(seed=0):
    return np.random.default_rng(seed).integers(-128, 128, (1, 32)).astype(np.int8)


# -- the corpus against TFLM -----------------------------------------------------

@pytest.mark.parametrize("model", sorted(TFLM_HEAD) + [LSTM_MODEL])
def test_corpus_model_has_no_divergence_from_tflm(model, capsys):
    pytest.importorskip("tflite_micro", reason="tflite-micro not installed")
    path = corpus_model(model)
    assert main(["verify", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["cases"][0]["tensors_compared"] > 0


def test_ad01_first_divergence_from_litert_is_the_second_fc_layer(capsys):
    # MANIFEST.md: LiteRT's reference FULLY_CONNECTED differs from TFLM "first at the
    # second FC layer"; verify must point there.
    pytest.importorskip("ai_edge_litert", reason="ai-edge-litert not installed")
    path = corpus_model("mlperf_tiny/ad01_int8.tflite")
    assert main(["verify", str(path), "--against", "tflite", "--semantics", "tflm", "--inputs", "2",
                 "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    first = next(c["first_divergence"] for c in report["cases"] if not c["ok"])
    assert first["op_index"] == 1 and first["op_name"] == "FULLY_CONNECTED"
    assert first["unit"] == "LSB" and 1 <= first["max_diff"] <= 2


# -- builder-made model ------------------------------------------------------------

def test_builder_model_matches_tflm_and_litert(mlp, capsys):
    pytest.importorskip("tflite_micro", reason="tflite-micro not installed")
    pytest.importorskip("ai_edge_litert", reason="ai-edge-litert not installed")
    assert main(["verify", str(mlp), "--inputs", "3"]) == 0
    out = capsys.readouterr().out
    assert "result: OK" in out and out.count("all equal") == 3
    assert main(["verify", str(mlp), "--against", "tflite"]) == 0


@pytest.mark.parametrize("perturbation", [{"scale_factor": {2: 1.5}}, {"bias_delta": {2: 5000}}])
def test_verify_pinpoints_a_perturbed_layer(mlp, tmp_path, perturbation, capsys):
    # A "device" ran the original model; we run one whose layer 2 differs.
    x = tmp_path / "x.npy"
    np.save(x, _x())
    dump = tmp_path / "device.npz"
    assert main(["dump", str(mlp), "--input", str(x), "-o", str(dump)]) == 0
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(build_mlp(**perturbation))
    capsys.readouterr()
    assert main(["verify", str(bad), "--against", str(dump), "--json"]) == 1
    first = json.loads(capsys.readouterr().out)["cases"][0]["first_divergence"]
    assert first["op_index"] == 2 and first["tensor_name"] == "layer2/out"
    assert first["elements_differing"] > 0 and first["max_diff"] >= 1
    roles = {q["role"]: q for q in first["quantization"]}
    assert set(roles) == {"input 0", "input 1", "input 2", "output 0"}
    assert roles["output 0"]["zero_point"] == [-128]
    assert main(["verify", str(bad), "--against", str(dump)]) == 1
    text = capsys.readouterr().out
    assert "FIRST DIVERGENCE at op 2 FULLY_CONNECTED" in text and "LSB" in text
    assert "scale" in text and "zero_point" in text


def test_verify_pinpoints_a_kernel_bug_against_tflm(monkeypatch):
    # Simulate an implementation bug in one op: the op's output is off by one.
    pytest.importorskip("tflite_micro", reason="tflite-micro not installed")
    data = build_mlp()
    orig = Interpreter.allocate_tensors

    def buggy_allocate(self):
        orig(self)
        calls = self._graph.runners[0].calls
        call = calls[1]

        def bad():
            call()
            out = self._arrays[self._subgraph.operators[1].outputs[0]]
            out[0, :3] = np.clip(out[0, :3].astype(np.int16) + 1, -128, 127)
        calls[1] = bad

    monkeypatch.setattr(Interpreter, "allocate_tensors", buggy_allocate)
    report = verify(data, "tflm", [("x", [_x()])])
    assert not report.ok
    first = report.cases[0].first
    assert (first.op_index, first.tensor_name) == (1, "layer1/out")
    assert first.max_diff == 1 and 1 <= first.elements_differing <= 3


def test_dump_layout_roundtrip_and_device_style_arrays(mlp, tmp_path):
    interp = Interpreter(model_path=mlp, preserve_all_tensors=True)
    interp.allocate_tensors()
    sg = interp.model.main
    interp.set_tensor(sg.inputs[0], _x())
    interp.invoke()
    values = {t.index: interp.get_tensor(t.index) for t in sg.tensors}
    path = tmp_path / "d.npz"
    n = write_dump(path, sg, values)
    assert n == 1 + len(sg.operators)
    with np.load(path) as z:
        assert str(z["__format__"]) == DUMP_FORMAT
        assert set(z.files) == {"__format__", "input", "layer0/out", "layer1/out", "layer2/out",
                                "output"}
    back = read_dump(path, sg)
    assert all(np.array_equal(back[i], values[i]) for i in back)
    # A device dump: flat int32 buffers, one keyed by index.
    out_index = sg.outputs[0]
    dev = tmp_path / "dev.npz"
    np.savez(dev, input=values[sg.inputs[0]].astype(np.int32).ravel(),
             **{f"#{out_index}": values[out_index].ravel()})
    got = read_dump(dev, sg)
    assert got[out_index].shape == values[out_index].shape
    report = compare(sg, values, got, "dev")
    assert report.ok and report.compared == 1 and len(report.not_in_reference) == 3
    np.savez(dev, nonsense=np.zeros(3))
    with pytest.raises(ValueError, match="names no tensor"):
        read_dump(dev, sg)
    np.savez(dev, input=np.zeros(5, np.int8))
    with pytest.raises(ValueError, match="elements"):
        read_dump(dev, sg)


def test_dump_keys_for_empty_and_duplicate_names(mlp):
    sg = Interpreter(model_path=mlp).model.main
    keys = tensor_keys(sg)
    assert keys[sg.inputs[0]] == "input" and len(set(keys.values())) == len(keys)


# -- trace -------------------------------------------------------------------------

def test_trace_yields_every_op_with_copies(mlp):
    x = _x(3)
    ref = Interpreter(model_path=mlp, preserve_all_tensors=True)
    ref.allocate_tensors()
    ref.set_tensor(ref.get_input_details()[0]["index"], x)
    ref.invoke()
    by_name = {d["name"]: ref.get_tensor(d["index"]) for d in ref.get_tensor_details()}

    interp = Interpreter(model_path=mlp)  # greedy planner: buffers are reused
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    steps = list(interp.trace())
    assert [s[0] for s in steps] == [0, 1, 2, 3]
    assert all(s[1] == "FULLY_CONNECTED" for s in steps)
    for _, _, inputs, outputs in steps:
        assert len(inputs) == 3 and len(outputs) == 1
        for name, value in {**inputs, **outputs}.items():
            assert np.array_equal(value, by_name[name]), name
    assert np.array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]),
                          by_name["output"])
    seen = []
    interp.invoke_with_hook(lambda i, name, ins, outs: seen.append((i, list(outs))))
    assert seen == [(0, ["layer0/out"]), (1, ["layer1/out"]), (2, ["layer2/out"]),
                    (3, ["output"])]
    assert len(interp.invoke_timed()) == 4


def test_verify_argument_errors(mlp, tmp_path, capsys):
    assert main(["verify", str(mlp), "--against", str(tmp_path / "missing.npz")]) == 2
    assert "--against" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["verify", str(mlp), "--inputs", "2", "--input", "x.npy"])


@pytest.mark.parametrize("command", ["verify", "dump", "profile", "plan", "analyze"])
def test_each_tool_has_help(command, capsys):
    with pytest.raises(SystemExit) as e:
        main([command, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "usage: tinyml " + command in out
    if command in ("verify", "dump"):
        assert "tinyml-dump-1" in out and "#<index>" in out
