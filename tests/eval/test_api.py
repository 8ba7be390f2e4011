"""``interpreter.eval.evaluate``: the metrics, checked against the interpreter's own
outputs run one by one and NumPy, and against the reference runtimes run directly."""
from __future__ import annotations

import numpy as np
import pytest
from eval_cases import CLASSES
from eval_cases import blobs
from eval_cases import classifier
from eval_cases import input_detail
from eval_cases import quantized_blobs
from eval_cases import regressor
from eval_cases import run_each
from eval_cases import two_inputs
from reference import corpus_model
from reference import run_litert
from reference import run_tflm

from interpreter.errors import EvalError
from interpreter.eval import evaluate
from interpreter.eval.inputs import quantize


def test_accuracy_top_k_and_confusion_from_the_outputs(tmp_path):
    x, y = quantized_blobs(300)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    model = classifier()[0]
    r = evaluate(model, tmp_path / "d.npz", labels=["n", "e", "s", "w"], top_k=2, workers=1)
    scores = run_each(model, x).reshape(300, CLASSES).astype(np.int32)
    assert np.array_equal(np.concatenate(r.outputs).reshape(300, CLASSES), scores)
    pred = scores.argmax(axis=1)
    assert r.count == 300 and r.classes == CLASSES and r.labelled
    assert r.top1_correct == int((pred == y).sum())
    assert r.top1_accuracy == pytest.approx((pred == y).mean())
    # top-2: the label is the highest score, or the highest of the others
    others = scores.copy()
    others[np.arange(300), pred] = -1000
    second = others.argmax(axis=1)
    assert r.top_k == 2 and r.topk_correct == int(((pred == y) | (second == y)).sum())
    assert r.topk_correct > r.top1_correct
    confusion = np.zeros((CLASSES, CLASSES), int)
    for t, p in zip(y, pred):
        confusion[t, p] += 1
    assert np.array_equal(r.confusion, confusion)
    rows = r.per_class()
    assert [row["name"] for row in rows] == ["n", "e", "s", "w"]
    assert [row["support"] for row in rows] == np.bincount(y, minlength=4).tolist()
    assert rows[1]["recall"] == pytest.approx(confusion[1, 1] / confusion[1].sum())
    assert rows[1]["precision"] == pytest.approx(confusion[1, 1] / confusion[:, 1].sum())
    d = r.to_dict()
    assert d["accuracy"]["top1_correct"] == r.top1_correct
    assert d["confusion_matrix"] == confusion.tolist()
    assert "reference" not in d and "tflm_check" not in d


def test_ties_go_to_the_first_class(tmp_path):
    """int8 softmax saturates: equal top scores are common; the first one wins, as argmax."""
    x, y = quantized_blobs(300)
    r = evaluate(classifier()[0], _npz(tmp_path, x, y), workers=1)
    scores = np.concatenate(r.outputs).reshape(300, CLASSES)
    tied = (scores == scores.max(axis=1, keepdims=True)).sum(axis=1) > 1
    assert tied.any()
    assert np.array_equal(r.predictions, scores.argmax(axis=1))


def test_unlabelled_data_report_what_is_predicted(tmp_path):
    x, _ = quantized_blobs(50)
    np.save(tmp_path / "x.npy", x)
    r = evaluate(classifier()[0], tmp_path / "x.npy", labels=["n", "e", "s", "w"], workers=1)
    counts = np.bincount(run_each(classifier()[0], x).reshape(50, 4).argmax(1), minlength=4)
    assert r.top1_correct is None and not r.labelled
    d = r.to_dict()
    assert d["predicted_counts"] == counts.tolist() and "accuracy" not in d
    assert "predicted (no labels): n %d, e %d, s %d, w %d" % tuple(counts) in r.text()


def test_top_k_not_below_the_classes_is_not_reported(tmp_path):
    x, y = quantized_blobs(20)
    r = evaluate(classifier()[0], _npz(tmp_path, x, y), top_k=5, workers=1)
    assert r.top_k is None and r.topk_correct is None
    assert r.to_dict()["accuracy"]["topk"] is None and "top-5" not in r.text()


def test_same_results_for_any_number_of_workers(tmp_path):
    x, y = quantized_blobs(200)
    path = _npz(tmp_path, x, y)
    int8, float32 = classifier()
    results = [evaluate(int8, path, reference=float32, check_tflm=True, workers=w, top_k=2)
               for w in (1, 2)]
    one, two = (r.to_dict() for r in results)
    assert one.pop("timing")["workers"] == 1 and two.pop("timing")["workers"] == 2
    assert one == two
    for a, b in zip(results[0].outputs, results[1].outputs):
        assert np.array_equal(a, b)


def test_tflm_check_finds_no_difference(tmp_path):
    x, y = quantized_blobs(64)
    model = classifier()[0]
    r = evaluate(model, _npz(tmp_path, x, y), check_tflm=True, workers=1)
    assert r.tflm_mismatches == []
    assert r.to_dict()["tflm_check"] == {"differing": 0, "share": 0.0, "first_differing": []}
    # the check really runs TFLM: its outputs are the ones reported
    for k in (0, 31, 63):
        (ref,) = run_tflm(model, [x[k:k + 1]])
        assert np.array_equal(r.outputs[0][k].reshape(-1), ref.reshape(-1))


def test_reference_gets_the_float_data(tmp_path):
    """Float data: the int8 model gets them quantized, the float twin gets them as they are."""
    x, y = blobs(100)
    int8, float32 = classifier()
    r = evaluate(int8, _npz(tmp_path, x, y), reference=float32, workers=1)
    ours = run_each(int8, quantize(x, input_detail(int8))).reshape(100, CLASSES)
    assert np.array_equal(r.outputs[0].reshape(100, CLASSES), ours)
    theirs = np.concatenate([run_litert(float32, [x[k:k + 1]], reference=False)[0]
                             for k in range(100)])
    scale, zp = 1 / 256, -128
    diff = np.abs((ours.astype(np.float64) - zp) * scale - theirs)
    assert r.reference_max_abs_diff == pytest.approx(diff.max(), abs=1e-6)
    assert r.reference_mean_abs_diff == pytest.approx(diff.mean(), abs=1e-6)
    assert r.reference_agreeing == int((ours.argmax(1) == theirs.argmax(1)).sum())
    assert r.reference_correct == int((theirs.argmax(1) == y).sum())
    assert 0.9 < r.reference_agreeing / 100 <= 1.0    # the quantization loss is small
    assert r.to_dict()["reference"]["top1_agreement"] == r.reference_agreeing / 100


def test_reference_gets_quantized_data_dequantized(tmp_path):
    x, y = quantized_blobs(40)
    int8, float32 = classifier()
    r = evaluate(int8, _npz(tmp_path, x, y), reference=float32, workers=1)
    s, zp = input_detail(int8)["quantization"]
    real = ((x.astype(np.int32) - zp).astype(np.float32) * np.float32(s))
    theirs = np.concatenate([run_litert(float32, [real[k:k + 1]], reference=False)[0]
                             for k in range(40)])
    assert r.reference_correct == int((theirs.argmax(1) == y).sum())
    assert r.reference_agreeing == int((theirs.argmax(1) == r.predictions).sum())


def test_a_model_as_its_own_reference_agrees_fully(tmp_path):
    x, y = blobs(30)
    float32 = classifier()[1]
    r = evaluate(float32, _npz(tmp_path, x, y), reference=float32, workers=1, backend="numpy")
    assert r.reference_agreeing == 30 and r.reference_max_abs_diff < 1e-6


def test_not_a_classifier(tmp_path):
    """Accuracy is skipped, saying why; the TFLM check still compares the outputs."""
    x = np.random.default_rng(0).integers(-128, 128, (20, 8)).astype(np.int8)
    r = evaluate(regressor(), _npz(tmp_path, x, np.zeros(20, int)), check_tflm=True, workers=1)
    assert r.classes is None and r.top1_correct is None and r.tflm_mismatches == []
    assert r.notes == ["accuracy skipped: the model's output (int8[1, 1]) is not a classifier's "
                       "(one output of two or more scores)"]
    assert "accuracy" not in r.to_dict() and "note: accuracy skipped" in r.text()


@pytest.mark.parametrize("case,match", [
    ("labels", r"3 class names \(labels\) for a model with 4 classes \(output int8\[1, 4\]\)"),
    ("label_range", r"d\.npz: example 5: label 4 is not a class of a model with 4 classes"),
    ("inputs", r"the model has 2 inputs \(int8\[1, 4\], int8\[1, 4\]\); eval feeds models of "
               r"one input"),
    ("model", r"model .*missing\.tflite: cannot read it"),
    ("reference", r"reference model <reference model bytes>: outputs int8\[1, 1\] do not match "
                  r"the model's int8\[1, 4\]"),
    ("top_k", "top_k must be at least 1"),
    ("workers", "workers must be at least 1, got 0"),
])
def test_errors(tmp_path, case, match):
    x, y = quantized_blobs(10)
    if case == "label_range":
        y[5] = 4
    path = _npz(tmp_path, x, y)
    kw = {"labels": ["a", "b", "c"]} if case == "labels" else {}
    model = classifier()[0]
    if case == "inputs":
        model = two_inputs()
    elif case == "model":
        model = tmp_path / "missing.tflite"
    elif case == "reference":
        kw["reference"] = regressor()
    elif case == "top_k":
        kw["top_k"] = 0
    kw.setdefault("workers", 0 if case == "workers" else 1)
    with pytest.raises(EvalError, match=match):
        evaluate(model, path, **kw)


def test_micro_speech_wavs_from_class_folders(tmp_path):
    """The corpus's keyword spotter on TFLM's test WAVs, one class folder per label: the
    labels the example's test expects, and TFLM computes the same scores."""
    import shutil

    frontend = corpus_model("tflm/audio_preprocessor_int8.tflite")
    model = corpus_model("tflm/micro_speech_quantized.tflite")
    for name, label in [("yes_1000ms", "yes"), ("no_1000ms", "no"),
                        ("silence_1000ms", "silence"), ("noise_1000ms", "silence")]:
        (tmp_path / "data" / label).mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus_model(f"tflm/testdata/{name}.wav"), tmp_path / "data" / label)
    (tmp_path / "labels.txt").write_text("silence\nunknown\nyes\nno\n")
    r = evaluate(model, tmp_path / "data", labels=tmp_path / "labels.txt", frontend=frontend,
                 check_tflm=True, workers=1)
    assert r.count == 4 and r.top1_correct == 4 and r.tflm_mismatches == []


def _npz(tmp_path, x, y):
    path = tmp_path / "d.npz"
    np.savez(path, x=x, y=y)
    return path
