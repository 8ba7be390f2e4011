"""``interpreter/eval/data.py``: reading datasets and labels, and refusing broken ones."""
from __future__ import annotations

import numpy as np
import pytest

from interpreter.errors import EvalError
from interpreter.eval import load_dataset
from interpreter.eval import read_labels


def test_npz_with_labels(tmp_path):
    x, y = np.arange(12, dtype=np.int8).reshape(3, 4), np.array([2, 0, 1], np.int32)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    ds = load_dataset(tmp_path / "d.npz")
    assert len(ds) == 3 and np.array_equal(ds.x, x)
    assert ds.y.dtype == np.int64 and ds.y.tolist() == [2, 0, 1]
    assert ds.class_names is None and ds.files is None


def test_npy_and_npz_without_labels(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((5, 2), np.float32))
    np.savez(tmp_path / "x.npz", x=np.zeros((2, 2), np.float32))
    assert len(load_dataset(tmp_path / "x.npy")) == 5
    assert load_dataset(tmp_path / "x.npz").y is None


def test_directory_with_class_folders(tmp_path):
    for name, k in [("cat/b.npy", 1), ("cat/a.npy", 0), ("dog/sub/c.npy", 2), ("ant/z.npy", 3)]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        np.save(tmp_path / name, np.full(2, k, np.int8))
    (tmp_path / "cat" / "notes.txt").write_text("ignored")
    (tmp_path / "cat" / ".hidden.npy").write_bytes(b"ignored")
    (tmp_path / "empty").mkdir()
    ds = load_dataset(tmp_path)
    # class folders sorted (an empty one is a class too), files sorted by path
    assert ds.class_names == ["ant", "cat", "dog", "empty"]
    assert [f.relative_to(tmp_path).as_posix() for f in ds.files] == \
        ["ant/z.npy", "cat/a.npy", "cat/b.npy", "dog/sub/c.npy"]
    assert ds.y.tolist() == [0, 1, 1, 2]
    # with a labels file, a folder's class is its name's line
    (tmp_path / "labels.txt").write_text("dog\n\ncat\nempty\nant\n")
    ds = load_dataset(tmp_path, tmp_path / "labels.txt")
    assert ds.class_names == ["dog", "cat", "empty", "ant"]
    assert ds.y.tolist() == [3, 1, 1, 0]


def test_flat_directory_has_no_labels(tmp_path):
    for k in (2, 0, 1):
        np.save(tmp_path / f"{k}.npy", np.zeros(2, np.int8))
    ds = load_dataset(tmp_path, ["a", "b"])
    assert [f.name for f in ds.files] == ["0.npy", "1.npy", "2.npy"]
    assert ds.y is None and ds.class_names == ["a", "b"]
    assert ds.where(1) == f"{tmp_path / '1.npy'} (example 1)"


@pytest.mark.parametrize("make,match", [
    (lambda p: p / "nothing.npz", "no such file or directory"),
    (lambda p: (p / "x.txt").write_text("1 2") and p / "x.txt", "not a dataset"),
    (lambda p: (p / "junk.npy").write_bytes(b"junk") and p / "junk.npy", "not a readable .npy"),
    (lambda p: (p / "junk.npz").write_bytes(b"junk") and p / "junk.npz", "not a readable .npz"),
    (lambda p: np.savez(p / "d.npz", inputs=np.zeros(3)) or p / "d.npz",
     r"no array 'x' \(the examples\); it has \['inputs'\]"),
    (lambda p: np.savez(p / "d.npz", x=np.zeros((3, 2)), y=np.zeros(2, int)) or p / "d.npz",
     r"2 labels \(y\) for 3 examples \(x\)"),
    (lambda p: np.savez(p / "d.npz", x=np.zeros((3, 2)), y=np.zeros(3)) or p / "d.npz",
     "y must be one integer label per example, is float64"),
    (lambda p: np.save(p / "s.npy", np.float32(1)) or p / "s.npy", "a scalar"),
    (lambda p: np.save(p / "e.npy", np.zeros((0, 3))) or p / "e.npy", "no examples"),
])
def test_broken_data_is_refused_naming_the_file(tmp_path, make, match):
    path = make(tmp_path)
    with pytest.raises(EvalError, match=match) as e:
        load_dataset(path)
    assert str(path) in str(e.value)


def test_directory_errors(tmp_path):
    with pytest.raises(EvalError, match="no example files"):
        load_dataset(tmp_path)
    (tmp_path / "cat").mkdir()
    np.save(tmp_path / "cat" / "a.npy", np.zeros(2))
    np.save(tmp_path / "loose.npy", np.zeros(2))
    with pytest.raises(EvalError, match=r"has example files \(loose.npy, ...\) and class folders"):
        load_dataset(tmp_path)
    (tmp_path / "loose.npy").unlink()
    with pytest.raises(EvalError, match=r"class folder\(s\) \['cat'\] are not among the 2"):
        load_dataset(tmp_path, ["dog", "bird"])


def test_labels_file_errors(tmp_path):
    assert read_labels(["a", "b"]) == ["a", "b"]
    (tmp_path / "l.txt").write_text("  yes \nno\n\n")
    assert read_labels(tmp_path / "l.txt") == ["yes", "no"]
    with pytest.raises(EvalError, match="cannot read it"):
        read_labels(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(EvalError, match="no class names"):
        read_labels(tmp_path / "empty.txt")
    with pytest.raises(EvalError, match=r"class names repeat: \['a'\]"):
        read_labels(["a", "b", "a"])
