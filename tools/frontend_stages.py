"""Draw one window's way through TFLM's audio front end, stage by stage (for docs/AUDIO_FRONTEND.md).

Runs the front end on every window of a WAV up to the chosen one (so the noise
estimates have adapted as in a real stream), then traces the chosen window op
by op with ``Interpreter.trace`` and plots what each Signal op produced.

    python tools/frontend_stages.py ../shared/models/tflm/audio_preprocessor_int8.tflite \\
        ../shared/models/tflm/testdata/yes_1000ms.wav docs/img/frontend_stages.png --window 12
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from interpreter import Interpreter  # noqa: E402
from interpreter.audio import read_wav  # noqa: E402
from interpreter.audio.pipeline import STRIDE  # noqa: E402
from interpreter.audio.pipeline import WINDOW  # noqa: E402
from interpreter.debug.plot import _pyplot  # noqa: E402


def trace_window(frontend: str, wav: str, window: int) -> dict[str, list[np.ndarray]]:
    """The chosen window's samples ("input") and each op's outputs, by op name (for a
    name that repeats, the last op's)."""
    interp = Interpreter(model_path=frontend)
    interp.allocate_tensors()
    samples = read_wav(wav)
    index = interp.get_input_details()[0]["index"]
    for k in range(window):
        interp.set_tensor(index, samples[k * STRIDE:k * STRIDE + WINDOW].reshape(1, WINDOW))
        interp.invoke()
    x = samples[window * STRIDE:window * STRIDE + WINDOW].reshape(1, WINDOW)
    interp.set_tensor(index, x)
    out = {"input": [x.reshape(-1)]}
    for _, name, _, outputs in interp.trace():
        out[name.removeprefix("CUSTOM:")] = list(outputs.values())
    return out


def draw(values: dict[str, list[np.ndarray]], path: str, title: str) -> None:
    plt = _pyplot()
    get = {op: outputs[0] for op, outputs in values.items()}
    noise = values["SignalFilterBankSpectralSubtraction"][1]
    fig, axes = plt.subplots(3, 2, figsize=(11, 9))
    ax = axes[0, 0]
    ax.plot(get["input"], lw=0.7, label="input samples")
    ax.plot(get["SignalWindow"].reshape(-1), lw=0.7, label="x Hann window (Q12)")
    ax.set_title("1. window: 480 samples times a Hann window")
    ax.set_xlabel("sample")
    ax.legend(fontsize="small")
    ax = axes[0, 1]
    ax.plot(get["SignalFftAutoScale"], lw=0.7)
    ax.set_title("2. FFT auto-scale: shifted left to fill 15 bits")
    ax.set_xlabel("sample")
    ax = axes[1, 0]
    energy = get["SignalEnergy"].astype(np.float64)
    ax.semilogy(np.arange(energy.size) * 16000 / 512, np.maximum(energy, 1), lw=0.7)
    ax.set_title("3-4. FFT (512, int16) and energy re^2 + im^2 per bin")
    ax.set_xlabel("frequency (Hz)")
    ax = axes[1, 1]
    ch = np.arange(40)
    ax.semilogy(ch, get["SignalFilterBankSquareRoot"], "o-", ms=3, lw=0.8,
                label="5-6. mel filter bank, square root")
    ax.semilogy(ch, get["SignalFilterBankSpectralSubtraction"], "s-", ms=3, lw=0.8,
                label="7. after spectral subtraction")
    ax.semilogy(ch, noise.astype(np.float64) / 2 ** 10, ":", lw=0.8,
                label="noise estimate (/ 2^10)")
    ax.set_title("5-7. 40 mel channels")
    ax.set_xlabel("channel")
    ax.legend(fontsize="small")
    ax = axes[2, 0]
    ax.plot(ch, get["SignalPCAN"], "o-", ms=3, lw=0.8)
    ax.set_title("8. PCAN: per-channel gain control (Q6)")
    ax.set_xlabel("channel")
    ax = axes[2, 1]
    ax.plot(ch, get["SignalFilterBankLog"], "o-", ms=3, lw=0.8, label="9. log (x 64)")
    ax.plot(ch, get["CAST"], "s-", ms=3, lw=0.8, label="int8 feature")
    ax.set_title("9. log, then scaled to int8")
    ax.set_xlabel("channel")
    ax.legend(fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("frontend")
    p.add_argument("wav")
    p.add_argument("png")
    p.add_argument("--window", type=int, default=12, help="window number (20 ms steps)")
    args = p.parse_args(argv)
    values = trace_window(args.frontend, args.wav, args.window)
    draw(values, args.png, f"{Path(args.wav).name}, window {args.window} "
                           f"({args.window * STRIDE / 16000:.2f} s): TFLM's front end stage by stage")
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
