"""Write the ``tinyml eval`` example: a classifier in int8 and float, and a test set.

    python tools/make_eval_example.py eval_example/
    tinyml eval eval_example/classifier_int8.tflite --data eval_example/test.npz \\
        --labels eval_example/labels.txt --reference eval_example/classifier_float.tflite \\
        --check tflm

The models are ``interpreter/examples/classifier.py``'s (trained here, in a
second, on Gaussian blobs); the test set is 1,000 fresh float examples of the
same blobs with their labels (``x`` float32 [1000, 8], ``y`` int64), which
eval quantizes with the int8 model's input scale and zero point.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from interpreter.examples.classifier import build_classifier
from interpreter.examples.classifier import make_blobs

NAMES = ("north", "east", "south", "west")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path, help="directory to write into")
    p.add_argument("--examples", type=int, default=1000, help="test examples (default 1000)")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    int8, float32 = build_classifier(classes=len(NAMES))
    x, y = make_blobs(args.examples, classes=len(NAMES), seed=1)
    (args.out / "classifier_int8.tflite").write_bytes(int8)
    (args.out / "classifier_float.tflite").write_bytes(float32)
    np.savez(args.out / "test.npz", x=x, y=y)
    (args.out / "labels.txt").write_text("\n".join(NAMES) + "\n")
    print(f"wrote {args.out}/: classifier_int8.tflite ({len(int8)} bytes), "
          f"classifier_float.tflite ({len(float32)} bytes), test.npz ({len(x)} examples), "
          "labels.txt")


if __name__ == "__main__":
    main()
