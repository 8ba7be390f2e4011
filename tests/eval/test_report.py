"""``interpreter/eval/report.py``: what a classifier is, the ranking, the printed and drawn
report."""
from __future__ import annotations

import numpy as np
import pytest

from interpreter.eval.report import EvalResult
from interpreter.eval.report import classes_of
from interpreter.eval.report import confusion_png
from interpreter.eval.report import format_confusion
from interpreter.eval.report import ranking


def _out(shape):
    return [{"shape": np.array(shape)}]


def test_what_a_classifier_is():
    assert classes_of(_out([1, 4])) == 4 and classes_of(_out([10])) == 10
    assert classes_of(_out([1, 1])) is None            # one score: a regressor
    assert classes_of(_out([1, 2, 3])) is None         # a map, not scores
    assert classes_of(_out([2, 3])) is None
    assert classes_of(_out([1, 4]) + _out([1, 4])) is None


def test_ranking_breaks_ties_by_class_and_handles_int8_minimum():
    scores = np.array([[-128, 127, 127, 0], [-128, -128, -128, -127]], np.int8)
    assert ranking(scores).tolist() == [[1, 2, 3, 0], [3, 0, 1, 2]]


def _result():
    c = np.array([[5, 1, 0], [0, 3, 2], [0, 0, 0]])
    return EvalResult(model="m.tflite", data="d.npz", count=11, backend="c", classes=3,
                      class_names=["cat", "dog", "a-very-long-class-name"], labelled=True,
                      top_k=2, top1_correct=8, topk_correct=10, confusion=c,
                      wall_seconds=0.5, interpreter_seconds=0.11, workers=2)


def test_text_and_dict():
    r = _result()
    text = r.text()
    assert "top-1 accuracy   0.7273 (8/11)" in text and "top-2 accuracy   0.9091 (10/11)" in text
    assert "22.0 inferences/s (2 worker(s); this interpreter alone: 10.000 ms per inference)" in text
    rows = r.per_class()
    assert rows[2] == {"class": 2, "name": "a-very-long-class-name", "support": 0, "predicted": 2,
                       "correct": 0, "recall": None, "precision": 0.0}
    assert "  a-very-lo...            0" in text and "  a-very-long-c...        0" in text
    d = r.to_dict()
    assert d["timing"] == {"workers": 2, "wall_seconds": 0.5, "inferences_per_second": 22.0,
                           "interpreter_seconds": 0.11}
    assert d["per_class"] == rows


def test_confusion_columns_line_up():
    lines = format_confusion(np.array([[100, 2], [3, 4]]), ["north", "e"])
    assert lines == ["        north     e",
                     "  north   100     2",
                     "  e         3     4"]


def test_confusion_png(tmp_path):
    pytest.importorskip("matplotlib")
    confusion_png(_result(), tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
