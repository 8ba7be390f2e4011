"""The model loader: the corpus loads as LiteRT sees it, and every validation
rule rejects a model broken in just that way with a ModelError naming it."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from reference import corpus_model

from interpreter.builder import ModelBuilder
from interpreter.builder import encode
from interpreter.errors import ModelError
from interpreter.parse.loader import load_model
from interpreter.parse.loader import load_model_file
from interpreter.parse.schema import BuiltinOperator
from interpreter.parse.schema import TensorType

# Operator counts and input/output signatures from the corpus MANIFEST.
CORPUS = {
    "mlperf_tiny/ad01_int8.tflite": (
        {"FULLY_CONNECTED": 10}, [("int8", (1, 640))], [("int8", (1, 640))]),
    "mlperf_tiny/kws_ref_model.tflite": (
        {"CONV_2D": 5, "DEPTHWISE_CONV_2D": 4, "AVERAGE_POOL_2D": 1, "RESHAPE": 1,
         "FULLY_CONNECTED": 1, "SOFTMAX": 1}, [("int8", (1, 49, 10, 1))], [("int8", (1, 12))]),
    "mlperf_tiny/pretrainedResnet_quant.tflite": (
        {"CONV_2D": 9, "ADD": 3, "AVERAGE_POOL_2D": 1, "RESHAPE": 1, "FULLY_CONNECTED": 1,
         "SOFTMAX": 1}, [("int8", (1, 32, 32, 3))], [("int8", (1, 10))]),
    "mlperf_tiny/vww_96_int8.tflite": (
        {"CONV_2D": 14, "DEPTHWISE_CONV_2D": 13, "AVERAGE_POOL_2D": 1, "RESHAPE": 1,
         "FULLY_CONNECTED": 1, "SOFTMAX": 1}, [("int8", (1, 96, 96, 3))], [("int8", (1, 2))]),
    "tflm/hello_world_int8.tflite": (
        {"FULLY_CONNECTED": 3}, [("int8", (1, 1))], [("int8", (1, 1))]),
    "tflm/hello_world_float.tflite": (
        {"FULLY_CONNECTED": 3}, [("float32", (1, 1))], [("float32", (1, 1))]),
    "tflm/micro_speech_quantized.tflite": (
        {"RESHAPE": 1, "DEPTHWISE_CONV_2D": 1, "FULLY_CONNECTED": 1, "SOFTMAX": 1},
        [("int8", (1, 1960))], [("int8", (1, 4))]),
    "tflm/person_detect.tflite": (
        {"CONV_2D": 14, "DEPTHWISE_CONV_2D": 14, "AVERAGE_POOL_2D": 1, "RESHAPE": 1,
         "SOFTMAX": 1}, [("int8", (1, 96, 96, 1))], [("int8", (1, 2))]),
    "tflm/simple_add_model.tflite": (
        {"ADD": 1}, [("int8", (1, 128, 128, 1))] * 2, [("int8", (1, 128, 128, 1))]),
    "tflm/trained_lstm_int8.tflite": (
        {"UNIDIRECTIONAL_SEQUENCE_LSTM": 1, "RESHAPE": 1, "FULLY_CONNECTED": 1, "SOFTMAX": 1},
        [("int8", (1, 28, 28))], [("int8", (1, 10))]),
    "arm_ml_examples/ds_cnn_s_quantized.tflite": (
        {"QUANTIZE": 1, "RESHAPE": 2, "CONV_2D": 5, "DEPTHWISE_CONV_2D": 4, "AVERAGE_POOL_2D": 1,
         "FULLY_CONNECTED": 1, "SOFTMAX": 1, "DEQUANTIZE": 1},
        [("float32", (1, 490))], [("float32", (1, 12))]),
}


# -- the corpus ------------------------------------------------------------

@pytest.mark.parametrize("relpath", sorted(CORPUS))
def test_corpus_model_loads(relpath):
    ops, inputs, outputs = CORPUS[relpath]
    model = load_model_file(corpus_model(relpath))
    sg = model.main
    assert model.version == 3 and len(model.subgraphs) == 1
    assert Counter(op.op_name for op in sg.operators) == ops
    assert [(sg.tensors[i].dtype.name, sg.tensors[i].shape) for i in sg.inputs] == inputs
    assert [(sg.tensors[i].dtype.name, sg.tensors[i].shape) for i in sg.outputs] == outputs
    if relpath != "tflm/person_detect.tflite":   # an old TOCO file, without metadata
        assert "min_runtime_version" in model.metadata
    for op in sg.operators:
        assert op.builtin_code == BuiltinOperator[op.op_name]
        if op.op_name in ("CONV_2D", "FULLY_CONNECTED", "SOFTMAX"):
            assert op.options is not None
    for t in sg.tensors:
        if t.data is not None:
            assert not t.data.flags.writeable
            assert t.data.shape == t.shape and t.data.dtype == t.dtype


@pytest.mark.parametrize("relpath", sorted(CORPUS))
def test_corpus_model_matches_litert(relpath):
    lite = pytest.importorskip("ai_edge_litert.interpreter")
    path = corpus_model(relpath)
    try:
        interp = lite.Interpreter(model_path=str(path))
    except (ValueError, RuntimeError) as e:   # person_detect: see the MANIFEST
        pytest.skip(f"LiteRT does not load this model: {e}")
    details = interp.get_tensor_details()    # before allocation adds scratch tensors
    interp.allocate_tensors()
    model = load_model_file(path)
    tensors = model.main.tensors
    assert len(details) == len(tensors)
    for d in details:
        t = tensors[d["index"]]
        assert d["name"] == t.name
        assert tuple(d["shape"]) == t.shape
        assert tuple(d["shape_signature"]) == (t.shape_signature or t.shape)
        assert np.dtype(d["dtype"]) == t.dtype
        q = d["quantization_parameters"]
        if t.quantization is None:
            assert q["scales"].size == 0
        else:
            np.testing.assert_array_equal(q["scales"], t.quantization.scale)
            np.testing.assert_array_equal(q["zero_points"], t.quantization.zero_point)
            assert q["quantized_dimension"] == t.quantization.quantized_dimension
        if t.is_constant:
            np.testing.assert_array_equal(interp.get_tensor(d["index"]), t.data)


def test_person_detect_bias_axis_is_read_as_zero():
    model = load_model_file(corpus_model("tflm/person_detect.tflite"))
    bias = model.main.tensors[33]
    assert bias.shape == (8,) and bias.quantization.per_channel
    assert bias.quantization.quantized_dimension == 0


def test_corpus_signature_and_options():
    model = load_model_file(corpus_model("tflm/hello_world_int8.tflite"))
    (sig,) = model.signature_defs
    assert sig.signature_key == "serving_default" and sig.subgraph_index == 0
    assert dict(sig.inputs) == {"dense_input": 0}
    fc = model.main.operators[0].options
    assert fc.table == "FullyConnectedOptions"
    assert fc.fused_activation_function.name == "RELU"
    assert fc.keep_num_dims is False and fc.quant_spec is None


# -- a small valid model to break ------------------------------------------

def small_model() -> ModelBuilder:
    """x[1,4] -FC-> h[1,3] -FC-> y[1,2], all int8."""
    b = ModelBuilder(description="small")
    x = b.add_tensor("x", np.int8, [1, 4], scale=0.5, zero_point=1)
    w1 = b.add_tensor("w1", np.int8, [3, 4], data=np.arange(12) - 6, scale=0.1, zero_point=0)
    b1 = b.add_tensor("b1", np.int32, [3], data=[1, 2, 3], scale=0.05, zero_point=0)
    h = b.add_tensor("h", np.int8, [1, 3], scale=0.25, zero_point=-2)
    w2 = b.add_tensor("w2", np.int8, [2, 3], data=np.arange(6), scale=[0.1, 0.2],
                      zero_point=[0, 0], quantized_dimension=0)
    y = b.add_tensor("y", np.int8, [1, 2], scale=0.3, zero_point=0)
    b.add_operator("FULLY_CONNECTED", [x, w1, b1], [h], options={"fused_activation_function": 1})
    b.add_operator("FULLY_CONNECTED", [h, w2, -1], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    b.add_metadata("min_runtime_version", b"1.14.0")
    b.add_signature_def("serving_default", {"x": x}, {"y": y})
    return b


def edited(edit) -> bytes:
    tree = small_model().to_dict()
    edit(tree)
    return encode(tree)


def tensor(tree, index):
    return tree["subgraphs"][0]["tensors"][index]


def op(tree, index):
    return tree["subgraphs"][0]["operators"][index]


def test_small_model_is_valid():
    model = load_model(small_model().build())
    assert [t.name for t in model.main.tensors] == ["x", "w1", "b1", "h", "w2", "y"]
    assert model.main.operators[1].inputs == (3, 4, -1)


# -- validation rules: each edit breaks one rule ---------------------------

def replace_tensor_type(tree):
    tensor(tree, 1)["type"] = 99


BROKEN = {
    "no subgraphs": (lambda t: t.update(subgraphs=[]), "no subgraphs"),
    "schema version": (lambda t: t.update(version=2), "schema version 2"),
    "buffer index": (lambda t: tensor(t, 1).update(buffer=99),
                     r"tensor 1 \('w1'\): buffer index 99 out of range"),
    "opcode index": (lambda t: op(t, 0).update(opcode_index=5),
                     "operator 0: opcode index 5 out of range"),
    "op input index": (lambda t: op(t, 1)["inputs"].__setitem__(0, 17),
                       r"operator 1 \(FULLY_CONNECTED\) inputs: tensor index 17 out of range"),
    "op input below -1": (lambda t: op(t, 1)["inputs"].__setitem__(2, -2),
                          "tensor index -2 out of range"),
    "op output index": (lambda t: op(t, 1)["outputs"].__setitem__(0, 6),
                        "outputs: tensor index 6 out of range"),
    "intermediate index": (lambda t: op(t, 1).update(intermediates=[-1]),
                           "intermediates: tensor index -1 out of range"),
    "subgraph input": (lambda t: t["subgraphs"][0].update(inputs=[6]),
                       "subgraph 0 inputs: tensor index 6 out of range"),
    "subgraph output": (lambda t: t["subgraphs"][0].update(outputs=[-1]),
                        "subgraph 0 outputs: tensor index -1 out of range"),
    "negative dim": (lambda t: tensor(t, 3).update(shape=[1, -1]),
                     r"tensor 3 \('h'\): negative dimension"),
    "bad shape_signature": (lambda t: tensor(t, 3).update(shape_signature=[-2, 3]),
                            "shape_signature"),
    "size overflow": (lambda t: tensor(t, 3).update(shape=[65536, 32768]),
                      "must stay below 2\\*\\*31"),
    "const data short": (lambda t: t["buffers"][1].update(data=b"\0" * 11),
                         r"tensor 1 \('w1'\): buffer 1 holds 11 bytes.*needs exactly 12"),
    "const data long": (lambda t: t["buffers"][1].update(data=b"\0" * 13),
                        "holds 13 bytes"),
    "zero_point count": (lambda t: tensor(t, 4)["quantization"].update(zero_point=[0, 0, 0]),
                         r"tensor 4 \('w2'\): quantization has 2 scales but 3 zero points"),
    "no zero_point": (lambda t: tensor(t, 0)["quantization"].pop("zero_point"),
                      "but no zero_point"),
    "channel count": (lambda t: tensor(t, 4)["quantization"].update(quantized_dimension=1),
                      r"2 per-channel scales, but dimension 1 of shape \(2, 3\)"),
    "quantized_dimension range": (
        lambda t: tensor(t, 0)["quantization"].update(quantized_dimension=2),
        "quantized_dimension 2 out of range"),
    "use before definition": (lambda t: t["subgraphs"][0].update(inputs=[]),
                              r"operator 0 \(FULLY_CONNECTED\) reads tensor 0 \('x'\) before"),
    "graph cycle": (lambda t: op(t, 0)["inputs"].__setitem__(0, 5),
                    r"reads tensor 5 \('y'\) before any operator writes it"),
    "two writers": (lambda t: op(t, 1)["outputs"].__setitem__(0, 3),
                    r"tensor 3 \('h'\) is written by operators 0 and 1"),
    "unknown tensor type": (replace_tensor_type, "unknown tensor type 99"),
    "custom without code": (
        lambda t: t["operator_codes"][0].update(builtin_code=32, deprecated_builtin_code=32),
        "operator code 0: CUSTOM without a custom_code"),
    "options of another op": (
        lambda t: op(t, 0).update(builtin_options_type="AddOptions"),
        "options are AddOptions, expected FullyConnectedOptions"),
    "both options unions": (
        lambda t: op(t, 0).update(builtin_options_2_type="DilateOptions", builtin_options_2={}),
        "both builtin_options and builtin_options_2"),
    "metadata buffer": (lambda t: t["metadata"][0].update(buffer=42),
                        "metadata 0: buffer index 42 out of range"),
    "signature tensor": (lambda t: t["signature_defs"][0]["inputs"][0].update(tensor_index=9),
                         "signature def 0 input 'x': tensor index 9 out of range"),
    "signature subgraph": (lambda t: t["signature_defs"][0].update(subgraph_index=1),
                           "signature def 0: subgraph index 1 out of range"),
    "external buffer past end": (lambda t: t["buffers"][1].update(data=None, offset=10**6, size=12),
                                 "buffer 1: external data at offset 1000000"),
    "large custom options past end": (
        lambda t: op(t, 0).update(large_custom_options_offset=10**6,
                                  large_custom_options_size=4),
        "custom options at offset 1000000"),
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_validation_rule(rule):
    edit, message = BROKEN[rule]
    with pytest.raises(ModelError, match=message):
        load_model(edited(edit))


@pytest.mark.parametrize("data, message", [
    (b"", "too short"),
    (b"TFL3", "too short"),
    (b"\x08\0\0\0TFL3", "table out of bounds"),
])
def test_not_a_flatbuffer(data, message):
    with pytest.raises(ModelError, match=message):
        load_model(data)


def test_wrong_file_identifier():
    data = bytearray(small_model().build())
    data[4:8] = b"TFL2"
    with pytest.raises(ModelError, match=r"file identifier is b'TFL2', expected b'TFL3'"):
        load_model(data)


def test_non_utf8_name():
    data = small_model().build().replace(b"w1\0", b"\xff1\0")
    with pytest.raises(ModelError, match=r"tensor 1: name string is not valid UTF-8"):
        load_model(data)


def test_truncated_vector_is_named():
    data = small_model().build()
    with pytest.raises(ModelError) as info:
        load_model(data[:len(data) // 2])
    assert "out of bounds" in str(info.value)


def test_error_names_the_file(tmp_path):
    path = tmp_path / "broken.tflite"
    path.write_bytes(edited(lambda t: t.update(subgraphs=[])))
    with pytest.raises(ModelError, match=r"^broken\.tflite: model has no subgraphs"):
        load_model_file(path)
    with pytest.raises(ModelError, match=r"^mine: model has no subgraphs"):
        load_model(path.read_bytes(), name="mine")


# -- what does load ----------------------------------------------------------

def test_shape_signature_may_hold_minus_one():
    model = load_model(edited(lambda t: tensor(t, 0).update(shape_signature=[-1, 4])))
    assert model.main.tensors[0].shape_signature == (-1, 4)
    assert model.main.tensors[3].shape_signature is None


def test_unknown_builtin_code_loads():
    model = load_model(edited(lambda t: t["operator_codes"][0].update(
        builtin_code=255, deprecated_builtin_code=127)))
    fc = model.main.operators[0]
    assert fc.op_name == "BUILTIN_255" and fc.builtin_code == 255
    # The options stored are kept as they are: there is nothing to check them against.
    assert fc.options.table == "FullyConnectedOptions"


def test_builtin_code_is_the_larger_field():
    # Old files only set the one-byte field.
    model = load_model(edited(lambda t: t["operator_codes"][0].update(builtin_code=0)))
    assert model.main.operators[0].op_name == "FULLY_CONNECTED"


def test_custom_operator():
    b = small_model()
    b.add_operator("CUSTOM", [5], [b.add_tensor("z", np.int8, [1, 2])], custom_code="MyOp",
                   custom_options=b"\x01\x02")
    op = load_model(b.build()).main.operators[2]
    assert op.op_name == "CUSTOM:MyOp" and op.custom_options == b"\x01\x02"
    assert op.options is None


def test_missing_options_read_as_defaults():
    model = load_model(edited(lambda t: [op(t, 0).pop(k) for k in
                                         ("builtin_options_type", "builtin_options")]))
    options = model.main.operators[0].options
    assert options.table == "FullyConnectedOptions"
    assert options.fused_activation_function == 0 and options.weights_format.name == "DEFAULT"


def test_per_tensor_zero_point_is_broadcast():
    model = load_model(edited(lambda t: tensor(t, 4)["quantization"].update(zero_point=[3])))
    q = model.main.tensors[4].quantization
    assert q.per_channel and q.zero_point.tolist() == [3, 3]
    assert q.scale.dtype == np.float32 and q.zero_point.dtype == np.int64


def test_unsupported_type_loads_as_object():
    b = small_model()
    s = b.add_tensor("s", "STRING", [2], data=b"\x02\0\0\0abcd")
    model = load_model(b.build())
    t = model.main.tensors[s]
    assert t.dtype == np.dtype(object) and t.type_code == TensorType.STRING
    assert t.data.dtype == np.uint8 and t.data.tobytes() == b"\x02\0\0\0abcd"


def test_variable_tensor_is_not_constant():
    b = small_model()
    v = b.add_tensor("state", np.int8, [1, 2], data=[1, 2], is_variable=True)
    t = load_model(b.build()).main.tensors[v]
    assert t.is_variable and t.data is None


def test_external_buffer():
    """Buffer.offset/size (files over 2 GB) locate data after the FlatBuffer."""
    weights = bytes(range(12))

    def external(offset):
        tree = small_model().to_dict()
        tree["buffers"][1] = {"offset": offset, "size": len(weights)}
        return encode(tree)
    # The offset's value does not change the encoding's length: measure, then place.
    length = len(external(2 ** 40))
    offset = length + (-length) % 16
    data = external(offset)
    data += b"\0" * (offset - len(data)) + weights
    assert load_model(data).main.tensors[1].data.tobytes() == weights


def _tree_with(edit):
    tree = small_model().to_dict()
    edit(tree)
    return tree


def test_large_custom_options():
    data = encode(_tree_with(lambda t: op(t, 0).update(large_custom_options_offset=2,
                                                       large_custom_options_size=4)))
    assert load_model(data).main.operators[0].custom_options == data[2:6]


def test_model_is_immutable_copy_of_input():
    data = bytearray(small_model().build())
    model = load_model(data)
    w1 = model.main.tensors[1].data
    before = w1.copy()
    data[:] = b"\0" * len(data)
    np.testing.assert_array_equal(w1, before)
    with pytest.raises(ValueError):
        w1[0, 0] = 1
    with pytest.raises(ValueError):
        model.main.tensors[0].quantization.scale[0] = 1.0


def test_metadata_and_signature():
    model = load_model(small_model().build())
    assert model.metadata == {"min_runtime_version": b"1.14.0"}
    assert model.description == "small"
    (sig,) = model.signature_defs
    assert dict(sig.inputs) == {"x": 0} and dict(sig.outputs) == {"y": 5}
    assert model.size_bytes > 0
