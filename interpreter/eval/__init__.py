"""``tinyml eval``: a whole dataset through the model, as the device computes it.

    from interpreter.eval import evaluate, load_dataset
    result = evaluate("model.tflite", "data.npz", reference="float.tflite", check_tflm=True)
    print(result.text()); json.dump(result.to_dict(), f)

``data.py`` reads datasets, ``inputs.py`` turns examples into model inputs,
``run.py`` runs them on a pool of workers, ``report.py`` holds the metrics
and prints them, ``api.py`` ties them together. docs/EVAL.md explains it all.
"""
from .api import evaluate
from .data import Dataset
from .data import load_dataset
from .data import read_labels
from .inputs import MissingPillow
from .report import EvalResult

__all__ = ["Dataset", "EvalResult", "MissingPillow", "evaluate", "load_dataset", "read_labels"]
