"""tinyml plan --png / profile --png (matplotlib, optional) and the ASCII plan chart."""
from __future__ import annotations

import sys

import pytest

from interpreter import Interpreter
from interpreter.cli import main
from interpreter.debug.plot import SYMBOLS
from interpreter.debug.plot import ascii_plan

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _check_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    # a readable chart at 110 dpi is tens of kilobytes; an empty figure is < 10 kB
    assert 10_000 < len(data) < 2_000_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 600 and height >= 300


def test_plan_png(mlp, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="matplotlib not installed (pip install '.[plot]')")
    out = tmp_path / "plan.png"
    assert main(["plan", str(mlp), "--png", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    _check_png(out)


def test_profile_png(mlp, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="matplotlib not installed (pip install '.[plot]')")
    out = tmp_path / "profile.png"
    assert main(["profile", str(mlp), "--runs", "3", "--png", str(out)]) == 0
    _check_png(out)


def test_png_without_matplotlib_is_a_clear_error(mlp, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)   # import matplotlib -> ImportError
    assert main(["plan", str(mlp), "--png", str(tmp_path / "p.png")]) == 2
    err = capsys.readouterr().err
    assert "needs matplotlib" in err and "pip install" in err
    assert main(["profile", str(mlp), "--runs", "1", "--png", str(tmp_path / "q.png")]) == 2
    assert not (tmp_path / "p.png").exists() and not (tmp_path / "q.png").exists()


def test_plan_prints_ascii_chart(mlp, capsys):
    assert main(["plan", str(mlp)]) == 0
    out = capsys.readouterr().out
    assert "arena offset (bytes) vs operator" in out and "(operator)" in out


def test_ascii_chart_draws_each_live_buffer(mlp):
    interp = Interpreter(model_path=mlp)
    interp.allocate_tensors()
    plan = interp.memory_plan()
    chart = ascii_plan(plan, width=40, height=8)
    grid = [line.split("|", 1)[1] for line in chart.splitlines() if "|" in line]
    assert len(grid) == 8
    drawn = set("".join(grid)) - {"."}
    assert drawn == {SYMBOLS[n] for n in range(len(plan.buffers))}
