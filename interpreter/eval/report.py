"""What ``tinyml eval`` reports: the metrics, as a dataclass, as text and as a picture.

A model is a *classifier* when it has one output holding two or more scores
(shape ``[C]`` or ``[1, C]``); its prediction is the first highest score
(of the integer scores: a positive scale keeps their order) and top-k counts
an example right when its label is among the k highest scores (ties: the
lower class first; reported only for k below the number of classes).
Accuracy needs labels and a classifier; the TFLM check and the reference
agreement do not.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from dataclasses import field

import numpy as np


def classes_of(output_details: list[dict]) -> int | None:
    """The number of classes of a classifier's output, or None if not a classifier."""
    if len(output_details) != 1:
        return None
    shape = [int(d) for d in output_details[0]["shape"]]
    n = int(np.prod(shape))
    if n < 2 or sum(d != 1 for d in shape) != 1 or len(shape) > 2:
        return None
    return n


def ranking(scores: np.ndarray) -> np.ndarray:
    """Class indices of each row, highest score first, ties in class order."""
    return np.argsort(-scores.astype(np.float64), axis=1, kind="stable")


@dataclass
class EvalResult:
    """Everything ``evaluate`` measured; ``to_dict()`` is what ``--json`` writes."""

    model: str
    data: str
    count: int
    backend: str
    classes: int | None                  # None: not a classifier
    class_names: list[str] | None
    labelled: bool                       # the data have labels
    top_k: int | None = None             # None when it is not below the classes
    top1_correct: int | None = None
    topk_correct: int | None = None
    confusion: np.ndarray | None = None  # [true class, predicted class]
    tflm_checked: bool = False
    tflm_mismatches: list[int] | None = None   # every example whose outputs differ
    reference: str | None = None
    reference_agreeing: int | None = None      # examples with the same top-1
    reference_correct: int | None = None       # the float model's top-1 hits
    reference_mean_abs_diff: float | None = None
    reference_max_abs_diff: float | None = None
    notes: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    interpreter_seconds: float = 0.0
    workers: int = 1
    predictions: np.ndarray | None = field(default=None, repr=False)   # top-1 per example
    outputs: list[np.ndarray] = field(default_factory=list, repr=False)

    @property
    def top1_accuracy(self) -> float | None:
        return None if self.top1_correct is None else self.top1_correct / self.count

    @property
    def topk_accuracy(self) -> float | None:
        return None if self.topk_correct is None else self.topk_correct / self.count

    @property
    def inferences_per_second(self) -> float:
        return self.count / self.wall_seconds if self.wall_seconds > 0 else float("inf")

    def name(self, k: int) -> str:
        return self.class_names[k] if self.class_names else str(k)

    def per_class(self) -> list[dict] | None:
        if self.confusion is None:
            return None
        rows = []
        for k in range(self.classes):
            support, predicted = int(self.confusion[k].sum()), int(self.confusion[:, k].sum())
            correct = int(self.confusion[k, k])
            rows.append({"class": k, "name": self.name(k), "support": support,
                         "predicted": predicted, "correct": correct,
                         "recall": correct / support if support else None,
                         "precision": correct / predicted if predicted else None})
        return rows

    def to_dict(self) -> dict:
        d = {"model": self.model, "data": self.data, "count": self.count,
             "backend": self.backend, "classes": self.classes,
             "class_names": self.class_names, "labelled": self.labelled}
        if self.predictions is not None:   # a classifier: how often each class is predicted
            d["predicted_counts"] = np.bincount(self.predictions,
                                                minlength=self.classes).tolist()
        if self.top1_correct is not None:
            d["accuracy"] = {"top1": self.top1_accuracy, "top1_correct": self.top1_correct,
                             "top_k": self.top_k, "topk": self.topk_accuracy,
                             "topk_correct": self.topk_correct}
            d["confusion_matrix"] = self.confusion.tolist()
            d["per_class"] = self.per_class()
        if self.tflm_checked:
            m = self.tflm_mismatches
            d["tflm_check"] = {"differing": len(m), "share": len(m) / self.count,
                               "first_differing": m[:10]}
        if self.reference is not None:
            r = {"model": self.reference, "mean_abs_diff": self.reference_mean_abs_diff,
                 "max_abs_diff": self.reference_max_abs_diff}
            if self.reference_agreeing is not None:
                r["top1_agreeing"] = self.reference_agreeing
                r["top1_agreement"] = self.reference_agreeing / self.count
            if self.reference_correct is not None:
                r["top1_correct"] = self.reference_correct
                r["top1_accuracy"] = self.reference_correct / self.count
            d["reference"] = r
        d["notes"] = list(self.notes)
        d["timing"] = {"workers": self.workers, "wall_seconds": self.wall_seconds,
                       "inferences_per_second": self.inferences_per_second,
                       "interpreter_seconds": self.interpreter_seconds}
        return d

    def text(self) -> str:
        lines = [f"{self.model} on {self.data}: {self.count} example(s), backend "
                 f"{self.backend}, {self.workers} worker(s)"]
        if self.predictions is not None and self.top1_correct is None:
            counts = np.bincount(self.predictions, minlength=self.classes)
            lines.append("predicted (no labels): " + ", ".join(
                f"{self.name(k)} {int(c)}" for k, c in enumerate(counts)))
        if self.top1_correct is not None:
            lines.append(f"top-1 accuracy   {self.top1_accuracy:.4f} "
                         f"({self.top1_correct}/{self.count})")
            if self.topk_correct is not None:
                lines.append(f"top-{self.top_k} accuracy   {self.topk_accuracy:.4f} "
                             f"({self.topk_correct}/{self.count})")
            lines += ["", "confusion matrix (rows: true class, columns: predicted):"]
            lines += format_confusion(self.confusion, [self.name(k) for k in range(self.classes)])
            lines += ["", f"  {'class':<16} {'support':>8} {'recall':>8} {'precision':>9}"]
            for r in self.per_class():
                rec = "-" if r["recall"] is None else f"{r['recall']:.4f}"
                pre = "-" if r["precision"] is None else f"{r['precision']:.4f}"
                lines.append(f"  {_cut(r['name'], 16):<16} {r['support']:>8} {rec:>8} {pre:>9}")
        if self.reference is not None:
            lines.append("")
            lines.append(f"float reference {self.reference} (LiteRT):")
            if self.reference_agreeing is not None:
                lines.append(f"  top-1 agreement  {self.reference_agreeing / self.count:.4f} "
                             f"({self.reference_agreeing}/{self.count})")
            if self.reference_correct is not None:
                lines.append(f"  top-1 accuracy   {self.reference_correct / self.count:.4f} "
                             f"({self.reference_correct}/{self.count}) (quantized: "
                             f"{self.top1_accuracy:.4f})")
            lines.append(f"  |output - float output|: mean {self.reference_mean_abs_diff:.6g}, "
                         f"max {self.reference_max_abs_diff:.6g}")
        if self.tflm_checked:
            m = self.tflm_mismatches
            lines.append("")
            lines.append(f"tflm check: {len(m)}/{self.count} example(s) whose outputs differ "
                         f"byte-wise from the tflite-micro runtime"
                         + (f"; first: {m[:10]}" if m else ""))
        lines += [f"note: {n}" for n in self.notes]
        lines.append("")
        lines.append(f"throughput: {self.count} inferences in {self.wall_seconds:.2f} s, "
                     f"{self.inferences_per_second:.1f} inferences/s ({self.workers} "
                     f"worker(s); this interpreter alone: "
                     f"{1000 * self.interpreter_seconds / self.count:.3f} ms per inference)")
        return "\n".join(lines)


def _cut(name: str, n: int) -> str:
    return name if len(name) <= n else name[:n - 3] + "..."


def format_confusion(confusion: np.ndarray, names: list[str]) -> list[str]:
    names = [_cut(n, 12) for n in names]
    width = max(max(len(n) for n in names), len(str(int(confusion.max(initial=0)))), 4)
    head = " " * (width + 3) + " ".join(f"{n:>{width}}" for n in names)
    return [head] + [f"  {n:<{width}} " + " ".join(f"{int(v):>{width}}" for v in row)
                     for n, row in zip(names, confusion)]


def confusion_png(result: EvalResult, path: str | os.PathLike) -> None:
    """The confusion matrix as a picture (needs matplotlib)."""
    from ..debug.plot import _pyplot

    plt = _pyplot()
    c = result.confusion
    names = [result.name(k) for k in range(result.classes)]
    side = min(12.0, 2.5 + 0.5 * len(names))
    fig, ax = plt.subplots(figsize=(side + 1.5, side))
    support = c.sum(axis=1, keepdims=True)
    share = np.divide(c, support, out=np.zeros(c.shape), where=support > 0)
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    if len(names) <= 30:
        for (i, j), v in np.ndenumerate(c):
            ax.text(j, i, str(int(v)), ha="center", va="center", fontsize="small",
                    color="white" if share[i, j] > 0.5 else "black")
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.colorbar(image, ax=ax, label="share of the true class")
    ax.set_title(f"{os.path.basename(result.model)}: top-1 accuracy "
                 f"{result.top1_accuracy:.4f} on {result.count} examples", fontsize="medium")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
