"""The picture ``tinyml listen --png`` draws: the feature map over time and the scores."""
from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..debug.plot import _pyplot
from .pipeline import STRIDE_MS
from .pipeline import Clip


def listen_png(clips: Sequence[Clip], labels: Sequence[str], path: str | os.PathLike,
               title: str = "") -> None:
    """Top: the front end's features, window by window; bottom: each clip's scores."""
    plt = _pyplot()
    features = np.concatenate([c.features[:c.windows] for c in clips]).astype(np.int16)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(max(6.0, 3.0 + 2.5 * len(clips)), 6.5),
        gridspec_kw={"height_ratios": [3, 2]})
    seconds = len(features) * STRIDE_MS / 1000
    image = top.imshow(features.T, origin="lower", aspect="auto", cmap="magma",
                       extent=(0, seconds, -0.5, features.shape[1] - 0.5))
    top.set_ylabel("feature (mel channel)")
    top.set_xlabel("time (s), one column per 30 ms window, every 20 ms")
    fig.colorbar(image, ax=top, label="int8 feature")
    width = 0.8 / len(labels)
    x = np.arange(len(clips))
    for i, label in enumerate(labels):
        bottom.bar(x + (i - (len(labels) - 1) / 2) * width, [c.scores[i] for c in clips],
                   width, label=label)
    bottom.set_xticks(x, [f"{c.start:g} s: {c.label}" for c in clips])
    bottom.set_ylabel("score")
    bottom.set_ylim(0, max(1.0, max(float(c.scores.max()) for c in clips)) * 1.3)
    bottom.legend(ncols=len(labels), fontsize="small", loc="upper center")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
