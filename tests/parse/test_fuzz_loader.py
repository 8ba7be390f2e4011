"""Fuzzing the loader: whatever the bytes, ``load_model`` returns a Model or
raises ModelError / NotImplementedError, and does so quickly.

Inputs are valid models (builder-made, and the corpus when it is present)
damaged in three ways: random byte edits (truncation, flips, insertions,
deletions, overwritten words), structural edits at the exact places where the
file stores offsets, vector lengths and vtable entries, and semantic edits of
the model tree before encoding (out-of-range indices, bad shapes, quantization
and options). About 2,900 cases per run; 2,200 when the corpus is absent.
"""
from __future__ import annotations

import copy
import struct
import time

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from reference import corpus_model

from interpreter.builder import ModelBuilder
from interpreter.builder import encode
from interpreter.errors import ModelError
from interpreter.parse import flatbuffer
from interpreter.parse.loader import load_model
from interpreter.parse.schema import UNIONS

TIME_LIMIT_S = 2.0
CORPUS = ["tflm/hello_world_int8.tflite", "tflm/simple_add_model.tflite",
          "tflm/micro_speech_quantized.tflite", "tflm/trained_lstm_int8.tflite",
          "mlperf_tiny/kws_ref_model.tflite", "arm_ml_examples/ds_cnn_s_quantized.tflite",
          "tflm/person_detect.tflite"]


def fuzz_settings(n: int):
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check_load(data: bytes) -> None:
    """The property: a Model or a typed error, within the time limit."""
    start = time.perf_counter()
    try:
        model = load_model(data)
    except (ModelError, NotImplementedError):
        pass
    else:
        for sg in model.subgraphs:   # what loads must be usable
            for t in sg.tensors:
                assert t.num_elements >= 0
                if t.data is not None:
                    assert not t.data.flags.writeable
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT_S, f"load_model took {elapsed:.2f} s"


# -- models to damage --------------------------------------------------------

def builder_trees() -> list[dict]:
    rng = np.random.default_rng(7)
    fc = ModelBuilder(description="fc")
    x = fc.add_tensor("x", np.int8, [1, 4], scale=0.5, zero_point=1)
    w = fc.add_tensor("w", np.int8, [3, 4], data=rng.integers(-9, 9, (3, 4)), scale=0.1,
                      zero_point=0)
    y = fc.add_tensor("y", np.int8, [1, 3], scale=0.2, zero_point=0)
    fc.add_operator("FULLY_CONNECTED", [x, w, -1], [y])
    fc.set_inputs([x])
    fc.set_outputs([y])

    rich = ModelBuilder(description="many features")
    x = rich.add_tensor("x", np.int8, [1, 4, 4, 2], shape_signature=[-1, 4, 4, 2], scale=0.1,
                        zero_point=-3)
    w = rich.add_tensor("w", np.int8, [3, 1, 1, 2], data=rng.integers(-9, 9, (3, 1, 1, 2)),
                        scale=[0.1, 0.2, 0.3], zero_point=[0, 0, 0])
    b = rich.add_tensor("b", np.int32, [3], data=[1, 2, 3], scale=[0.01, 0.02, 0.03],
                        zero_point=[0, 0, 0])
    h = rich.add_tensor("h", np.int8, [1, 4, 4, 3], scale=0.2, zero_point=4)
    state = rich.add_tensor("state", np.int16, [1, 3], is_variable=True)
    y = rich.add_tensor("y", np.float32, [1, 4, 4, 3])
    rich.add_operator("CONV_2D", [x, w, b], [h], options={"padding": "VALID", "stride_w": 1,
                                                          "stride_h": 1})
    rich.add_operator("DEQUANTIZE", [h], [y], intermediates=[state])
    z = rich.add_tensor("z", np.float32, [1, 4, 4, 3])
    rich.add_operator("CUMSUM", [y, rich.add_tensor("axis", np.int32, [], data=1)], [z])
    rich.add_operator("CUSTOM", [z], [rich.add_tensor("c", np.float32, [3])],
                      custom_code="Mine", custom_options=b"\x01\x02\x03")
    rich.set_inputs([x])
    rich.set_outputs([z])
    rich.add_subgraph("other").add_tensor("k", np.int8, [2], data=[1, 2])
    rich.add_metadata("min_runtime_version", b"1.0")
    rich.add_signature_def("serving_default", {"x": x}, {"z": z})
    return [fc.to_dict(), rich.to_dict()]


KNOWN_OPTIONS = {m.value for m in UNIONS["BuiltinOptions"]} - {0}
BUILDER_TREES = builder_trees()
BUILDER_MODELS = [encode(t) for t in BUILDER_TREES]


class RecordingReader(flatbuffer.Reader):
    """Notes where a clean decode finds offsets, lengths and vtable entries."""

    def __init__(self, data):
        super().__init__(data)
        self.seen = {"u16": set(), "u32": set(), "i32": set()}

    def u16(self, pos):
        self.seen["u16"].add(pos)
        return super().u16(pos)

    def u32(self, pos):
        self.seen["u32"].add(pos)
        return super().u32(pos)

    def i32(self, pos):
        self.seen["i32"].add(pos)
        return super().i32(pos)


def structure_positions(data: bytes) -> dict[str, list[int]]:
    reader = RecordingReader(data)
    flatbuffer.decode_table(reader.root(b"TFL3"), "Model")
    return {kind: sorted(p) for kind, p in reader.seen.items()}


BUILDER_POSITIONS = [structure_positions(m) for m in BUILDER_MODELS]


@pytest.fixture(scope="module")
def corpus():
    models = [corpus_model(p).read_bytes() for p in CORPUS]   # skips if the corpus is absent
    return [(m, structure_positions(m)) for m in models]


# -- damage ------------------------------------------------------------------

def interesting_u32(size: int):
    return st.sampled_from([0, 1, 2, 3, 4, 8, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFC,
                            size - 4, size, size + 4]).filter(lambda v: 0 <= v < 2 ** 32) | \
        st.integers(0, 2 ** 32 - 1)


def interesting_u16():
    return st.sampled_from([0, 1, 2, 4, 6, 0x7FFF, 0xFFFE, 0xFFFF]) | st.integers(0, 0xFFFF)


def byte_edits(draw, base: bytes) -> bytes:
    buf = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        n = len(buf)
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "word"]))
        if kind == "truncate":
            del buf[draw(st.integers(0, n)):]
        elif kind == "flip" and n:
            buf[draw(st.integers(0, n - 1))] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            pos = draw(st.integers(0, n))
            buf[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete" and n:
            pos = draw(st.integers(0, n - 1))
            del buf[pos:pos + draw(st.integers(1, 16))]
        elif kind == "word" and n >= 4:
            pos = 4 * draw(st.integers(0, n // 4 - 1))
            buf[pos:pos + 4] = struct.pack("<I", draw(interesting_u32(n)))
    return bytes(buf)


def structural_edits(draw, base: bytes, positions: dict[str, list[int]]) -> bytes:
    buf = bytearray(base)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from([k for k in ("u16", "u32", "i32") if positions[k]]))
        pos = draw(st.sampled_from(positions[kind]))
        if kind == "u16":
            struct.pack_into("<H", buf, pos, draw(interesting_u16()))
        else:
            struct.pack_into("<I", buf, pos, draw(interesting_u32(len(buf))))
    return bytes(buf)


def tree_edits(draw, tree: dict) -> dict:
    """Semantic damage: indices, shapes, types, quantization, options, codes."""
    sg = tree["subgraphs"][0]
    index = st.integers(-3, 12) | st.sampled_from([2 ** 31 - 1, -2 ** 31])
    for _ in range(draw(st.integers(1, 3))):
        t = draw(st.sampled_from(sg["tensors"]))
        op = draw(st.sampled_from(sg["operators"]))
        kind = draw(st.sampled_from([
            "shape", "signature", "buffer", "type", "quantization", "inputs", "outputs",
            "intermediates", "opcode", "options", "io", "data", "code", "version", "subgraphs"]))
        if kind == "shape":
            t["shape"] = draw(st.lists(st.integers(-2, 70000) | st.just(2 ** 31 - 1), max_size=5))
        elif kind == "signature":
            t["shape_signature"] = draw(st.lists(st.integers(-3, 10), max_size=5))
        elif kind == "buffer":
            t["buffer"] = draw(st.integers(0, 20) | st.just(2 ** 32 - 1))
        elif kind == "type":
            t["type"] = draw(st.integers(-128, 127))
        elif kind == "quantization":
            t["quantization"] = {
                "scale": draw(st.lists(st.floats(width=32), max_size=5)),
                "zero_point": draw(st.lists(st.integers(-2 ** 63, 2 ** 63 - 1), max_size=5)),
                "quantized_dimension": draw(st.integers(-2, 6))}
        elif kind in ("inputs", "outputs", "intermediates"):
            op[kind] = draw(st.lists(index, max_size=4))
        elif kind == "opcode":
            op["opcode_index"] = draw(st.integers(0, 6))
        elif kind == "options":
            op.pop("builtin_options", None)
            member = draw(st.integers(0, 255))
            op["builtin_options_type"] = member
            if member in KNOWN_OPTIONS:
                op["builtin_options"] = {}
        elif kind == "io":
            sg[draw(st.sampled_from(["inputs", "outputs"]))] = draw(st.lists(index, max_size=3))
        elif kind == "data":
            buffers = tree["buffers"]
            buffers[draw(st.integers(0, len(buffers) - 1))] = {"data": draw(st.binary(max_size=40))}
        elif kind == "code":
            tree["operator_codes"][0].update(builtin_code=draw(st.integers(-5, 300)),
                                             deprecated_builtin_code=draw(st.integers(-128, 127)))
        elif kind == "version":
            tree["version"] = draw(st.integers(0, 5))
        elif kind == "subgraphs":
            tree["subgraphs"] = tree["subgraphs"][:draw(st.integers(0, 1))]
            return tree
    return tree


# -- the tests -----------------------------------------------------------------

@fuzz_settings(900)
@given(st.data())
def test_byte_edits_of_builder_models(data):
    base = data.draw(st.sampled_from(BUILDER_MODELS))
    check_load(byte_edits(data.draw, base))


@fuzz_settings(700)
@given(st.data())
def test_structural_edits_of_builder_models(data):
    i = data.draw(st.integers(0, len(BUILDER_MODELS) - 1))
    check_load(structural_edits(data.draw, BUILDER_MODELS[i], BUILDER_POSITIONS[i]))


@fuzz_settings(500)
@given(st.data())
def test_semantic_edits_of_builder_models(data):
    tree = copy.deepcopy(data.draw(st.sampled_from(BUILDER_TREES)))
    check_load(encode(tree_edits(data.draw, tree)))


@fuzz_settings(100)
@given(st.binary(max_size=256))
def test_random_bytes_with_identifier(junk):
    check_load(junk[:4] + b"TFL3" + junk[4:])


@fuzz_settings(350)
@given(st.data())
def test_byte_edits_of_corpus_models(corpus, data):
    base, _ = data.draw(st.sampled_from(corpus))
    check_load(byte_edits(data.draw, base))


@fuzz_settings(350)
@given(st.data())
def test_structural_edits_of_corpus_models(corpus, data):
    base, positions = data.draw(st.sampled_from(corpus))
    check_load(structural_edits(data.draw, base, positions))


def test_shared_offsets_cannot_blow_up():
    """N subgraph entries all pointing at one subgraph whose M tensor entries all
    point at one tensor: N + M words of file, N * M tensors to decode."""
    data = bytearray(BUILDER_MODELS[0])
    root = flatbuffer.Reader(bytes(data)).root(b"TFL3")
    subgraphs = next(f for f in flatbuffer.TABLES["Model"] if f.name == "subgraphs")
    field_pos = root.field_pos(subgraphs, 4)
    n = m = 3000

    def append(raw: bytes) -> int:
        data.extend(raw)
        return len(data) - len(raw)
    # Offsets only point forward, so everything goes after the original model.
    sg_vector = append(struct.pack("<I", n) + bytes(4 * n))
    sg_vtable = append(struct.pack("<HHHH", 6, 8, 4, 0))      # one field: tensors
    sg_table = append(struct.pack("<iI", len(data) - sg_vtable, 0))
    t_vector = append(struct.pack("<I", m) + bytes(4 * m))
    t_vtable = append(struct.pack("<HH", 4, 4))                # an empty Tensor
    t_table = append(struct.pack("<i", len(data) - t_vtable))

    def point(at: int, target: int) -> None:
        struct.pack_into("<I", data, at, target - at)
    point(field_pos, sg_vector)
    for i in range(n):
        point(sg_vector + 4 + 4 * i, sg_table)
    point(sg_table + 4, t_vector)
    for i in range(m):
        point(t_vector + 4 + 4 * i, t_table)

    start_time = time.perf_counter()
    with pytest.raises(ModelError, match="too many objects"):
        load_model(bytes(data))
    assert time.perf_counter() - start_time < TIME_LIMIT_S
