"""``evaluate``: a whole dataset through the model, as the device computes it."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import EvalError
from ..errors import ModelError
from .data import Dataset
from .data import load_dataset
from .data import read_labels
from .inputs import ModelInputs
from .inputs import dequantize
from .inputs import describe
from .inputs import input_params
from .inputs import prepare_inputs
from .inputs import quantize
from .report import EvalResult
from .report import classes_of
from .report import ranking
from .run import RunOptions
from .run import require_litert
from .run import require_tflm
from .run import run


def _model(model: str | os.PathLike | bytes, what: str) -> tuple[bytes, str]:
    if isinstance(model, (bytes, bytearray)):
        return bytes(model), f"<{what} bytes>"
    try:
        return Path(model).read_bytes(), os.fspath(model)
    except OSError as e:
        raise EvalError(f"{what} {os.fspath(model)}: cannot read it ({e.strerror})") from None


def evaluate(model: str | os.PathLike | bytes, data: str | os.PathLike | Dataset,
             labels: str | os.PathLike | Sequence[str] | None = None,
             reference: str | os.PathLike | bytes | None = None, check_tflm: bool = False,
             workers: int | None = None, top_k: int = 5, backend: str = "c",
             frontend: str | os.PathLike | bytes | None = None,
             progress: bool | None = False) -> EvalResult:
    """Run every example of ``data`` through ``model`` and measure.

    ``data``: a path (``load_dataset``) or a ``Dataset``. ``labels``: class
    names (a text file, one per line, or a list). ``reference``: the float
    model, run on LiteRT, to measure the quantization loss. ``check_tflm``:
    also run every example on the tflite-micro runtime and count outputs that
    differ byte-wise. ``workers``: processes (default: every core).
    ``frontend``: the audio front end, for WAV examples. ``progress``: draw a
    bar on stderr (None: when it is a terminal).
    """
    from ..interpreter import Interpreter

    blob, model_name = _model(model, "model")
    interp = Interpreter(model_content=blob, backend=backend)   # checks the backend, too
    if check_tflm:
        require_tflm()
    ins, outs = interp.get_input_details(), interp.get_output_details()
    if len(ins) != 1:
        raise EvalError(f"{model_name}: the model has {len(ins)} inputs "
                        f"({', '.join(describe(d) for d in ins)}); eval feeds models of one input")
    if top_k < 1:
        raise EvalError(f"top_k must be at least 1, got {top_k}")
    if workers is not None and workers < 1:
        raise EvalError(f"workers must be at least 1, got {workers}")
    if isinstance(data, Dataset):
        ds = data if labels is None else dataclasses.replace(data, class_names=read_labels(labels))
    else:
        ds = load_dataset(data, labels)
    classes = classes_of(outs)
    notes = _check_labels(ds, classes, outs)
    inputs = prepare_inputs(ds, ins[0], blob, frontend, backend)

    opts = RunOptions(blob, backend, check_tflm)
    ref_name, ref_x = None, None
    if reference is not None:
        opts.reference, ref_name = _model(reference, "reference model")
        ref_x = _reference_inputs(opts.reference, ref_name, inputs, ins[0], outs)

    from ..debug.progress import Progress

    with Progress(len(ds), "inferences", enabled=progress) as bar:
        ran = run(opts, inputs.x, ref_x, workers, bar.update)

    result = EvalResult(model=model_name, data=ds.path, count=len(ds), backend=backend,
                        classes=classes, class_names=ds.class_names, labelled=ds.y is not None,
                        notes=notes, wall_seconds=ran.wall_seconds,
                        interpreter_seconds=ran.interpreter_seconds, workers=ran.workers,
                        outputs=ran.outputs, tflm_checked=check_tflm, reference=ref_name)
    if classes is not None:
        scores = ran.outputs[0].reshape(len(ds), classes)
        order = ranking(scores)
        result.predictions = order[:, 0]
        if ds.y is not None:
            result.top1_correct = int((result.predictions == ds.y).sum())
            if top_k < classes:   # else every example is right
                result.top_k = top_k
                result.topk_correct = int((order[:, :top_k] == ds.y[:, None]).any(axis=1).sum())
            result.confusion = np.zeros((classes, classes), np.int64)
            np.add.at(result.confusion, (ds.y, result.predictions), 1)
    if check_tflm:
        result.tflm_mismatches = [int(i) for i in np.flatnonzero(ran.tflm_differs)]
    if reference is not None:
        ours = np.concatenate([dequantize(o, d).reshape(len(ds), -1)
                               for o, d in zip(ran.outputs, outs)], axis=1)
        theirs = np.concatenate([o.reshape(len(ds), -1) for o in ran.reference_outputs], axis=1)
        diff = np.abs(ours.astype(np.float64) - theirs.astype(np.float64))
        result.reference_mean_abs_diff = float(diff.mean())
        result.reference_max_abs_diff = float(diff.max())
        if classes is not None:
            ref_pred = ranking(theirs)[:, 0]
            result.reference_agreeing = int((ref_pred == result.predictions).sum())
            if ds.y is not None:
                result.reference_correct = int((ref_pred == ds.y).sum())
    return result


def _check_labels(ds: Dataset, classes: int | None, outs: list[dict]) -> list[str]:
    """Labels and class names against the model's classes; returns notes on what is skipped."""
    names = ds.class_names
    if classes is None:
        if ds.y is None and names is None:
            return []
        what = ", ".join(describe(d) for d in outs)
        return [f"accuracy skipped: the model's output ({what}) is not a classifier's "
                "(one output of two or more scores)"]
    if names is not None and len(names) != classes:
        source = "class folders" if ds.files is not None and ds.y is not None else "labels"
        raise EvalError(f"{ds.path}: {len(names)} class names ({source}) for a model with "
                        f"{classes} classes (output {describe(outs[0])})")
    if ds.y is not None:
        bad = np.flatnonzero((ds.y < 0) | (ds.y >= classes))
        if bad.size:
            i = int(bad[0])
            raise EvalError(f"{ds.where(i)}: label {int(ds.y[i])} is not a class of a model "
                            f"with {classes} classes (0..{classes - 1})")
    return []


def _reference_inputs(ref: bytes, ref_name: str, inputs: ModelInputs, detail: dict,
                      outs: list[dict]) -> np.ndarray:
    """What the float model is fed: the data's floats, or the quantized inputs' reals."""
    from ..interpreter import Interpreter

    require_litert()
    # Its details from this project's parser: LiteRT itself (and its threads) stays out of
    # this process, which forks the workers.
    try:
        li = Interpreter(model_content=ref)
    except ModelError as e:
        raise EvalError(f"reference model {ref_name}: {e}") from None
    r_ins, r_outs = li.get_input_details(), li.get_output_details()
    if len(r_ins) != 1:
        raise EvalError(f"reference model {ref_name}: {len(r_ins)} inputs; eval feeds one")
    sizes = [int(np.prod(d["shape"])) for d in outs]
    r_sizes = [int(np.prod(d["shape"])) for d in r_outs]
    if sizes != r_sizes:
        raise EvalError(f"reference model {ref_name}: outputs "
                        f"{', '.join(describe(d) for d in r_outs)} do not match the model's "
                        f"{', '.join(describe(d) for d in outs)}")
    r_in = r_ins[0]
    if int(np.prod(r_in["shape"])) != int(np.prod(detail["shape"])):
        raise EvalError(f"reference model {ref_name}: input {describe(r_in)} does not match "
                        f"the model's {describe(detail)}")
    n = len(inputs.x)
    shape = (n,) + tuple(int(d) for d in r_in["shape"])
    real = inputs.real if inputs.real is not None else dequantize(inputs.x, detail)
    r_dtype = np.dtype(r_in["dtype"])
    if r_dtype == np.float32:
        return real.reshape(shape)
    if r_dtype == np.dtype(detail["dtype"]) and input_params(r_in) == input_params(detail):
        return inputs.x.reshape(shape)
    if input_params(r_in) is not None:
        return quantize(real, r_in).reshape(shape)
    raise EvalError(f"reference model {ref_name}: cannot feed its input {describe(r_in)} "
                    f"from the model's {describe(detail)}")
