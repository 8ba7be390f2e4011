"""The model builder: what it writes loads back unchanged, any options table can
be written, and its models run in the TFLM reference runtime."""
from __future__ import annotations

import numpy as np
import pytest
from reference import run_litert
from reference import run_tflm

from interpreter.builder import ModelBuilder
from interpreter.builder import encode
from interpreter.builder import tensor_type
from interpreter.parse.flatbuffer import read_root
from interpreter.parse.loader import load_model
from interpreter.parse.schema import ENUMS
from interpreter.parse.schema import TABLES
from interpreter.parse.schema import UNIONS
from interpreter.parse.schema import BuiltinOperator
from interpreter.parse.schema import TensorType

RNG = np.random.default_rng(20240501)


def fully_connected_model():
    b = ModelBuilder(description="one fully connected layer")
    x = b.add_tensor("x", np.int8, [1, 8], scale=0.05, zero_point=-4)
    w = b.add_tensor("w", np.int8, [3, 8], data=RNG.integers(-127, 128, (3, 8)),
                     scale=0.02, zero_point=0)
    bias = b.add_tensor("bias", np.int32, [3], data=RNG.integers(-500, 500, 3),
                        scale=0.001, zero_point=0)
    y = b.add_tensor("y", np.int8, [1, 3], scale=0.1, zero_point=2)
    b.add_operator("FULLY_CONNECTED", inputs=[x, w, bias], outputs=[y],
                   options={"fused_activation_function": "RELU"})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def conv_model():
    b = ModelBuilder(description="one convolution")
    x = b.add_tensor("x", np.int8, [1, 8, 8, 3], scale=0.1, zero_point=-3)
    w = b.add_tensor("w", np.int8, [4, 3, 3, 3], data=RNG.integers(-127, 128, (4, 3, 3, 3)),
                     scale=[.01, .02, .03, .04], zero_point=[0, 0, 0, 0], quantized_dimension=0)
    bias = b.add_tensor("b", np.int32, [4], data=RNG.integers(-1000, 1000, 4),
                        scale=[.001, .002, .003, .004], zero_point=[0] * 4)
    y = b.add_tensor("y", np.int8, [1, 8, 8, 4], scale=0.2, zero_point=5)
    b.add_operator("CONV_2D", inputs=[x, w, bias], outputs=[y],
                   options={"padding": "SAME", "stride_w": 1, "stride_h": 1,
                            "fused_activation_function": "RELU"})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


# -- reference runtime -----------------------------------------------------

@pytest.mark.parametrize("make, shape", [(fully_connected_model, (1, 8)),
                                         (conv_model, (1, 8, 8, 3))])
def test_builder_model_runs_in_tflm(make, shape):
    data = make()
    x = RNG.integers(-128, 128, shape).astype(np.int8)
    (y,) = run_tflm(data, [x], n_outputs=1)
    model = load_model(data)
    out = model.main.tensors[model.main.outputs[0]]
    assert y.shape == out.shape and y.dtype == np.int8
    assert len(np.unique(y)) > 1     # not a constant (e.g. all-zero) result
    np.testing.assert_array_equal(y, run_litert(data, [x])[0])


# -- round trips -----------------------------------------------------------

def test_round_trip_tensors_and_operators():
    b = ModelBuilder(description="round trip")
    types = [np.int8, np.uint8, np.int16, np.int32, np.int64, np.float32, np.float16,
             np.float64, bool, np.uint16, np.uint32, np.uint64, np.complex64]
    const = [b.add_tensor(f"c{i}", t, [2, 3], data=(np.arange(6) % 2).reshape(2, 3))
             for i, t in enumerate(types)]
    x = b.add_tensor("x", "INT8", [1, 2, 3], shape_signature=[-1, 2, 3], scale=0.5,
                     zero_point=-1)
    state = b.add_tensor("state", TensorType.INT16, [1, 3], is_variable=True)
    y = b.add_tensor("y", np.dtype("int8"), [1, 2, 3], scale=[0.25], zero_point=[3])
    b.add_operator("ADD", [x, const[0]], [y], options={"fused_activation_function": 3,
                                                       "pot_scale_int16": False},
                   intermediates=[state], version=2)
    b.set_inputs([x])
    b.set_outputs([y])
    model = load_model(b.build())
    sg = model.main
    assert model.description == "round trip"
    for i, t in zip(const, types):
        assert sg.tensors[i].dtype == np.dtype(t)
        np.testing.assert_array_equal(sg.tensors[i].data, (np.arange(6) % 2).reshape(2, 3))
    tx = sg.tensors[x]
    assert tx.shape == (1, 2, 3) and tx.shape_signature == (-1, 2, 3) and tx.data is None
    assert tx.quantization.scale.tolist() == [0.5] and tx.quantization.zero_point.tolist() == [-1]
    assert sg.tensors[state].is_variable and sg.tensors[state].quantization is None
    (add,) = sg.operators
    assert add.op_name == "ADD" and add.inputs == (x, const[0]) and add.outputs == (y,)
    assert add.intermediates == (state,)
    assert dict(add.options) == {"fused_activation_function": 3, "pot_scale_int16": False}
    assert model.operator_codes[0].version == 2


def test_operator_codes_above_127():
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, [4])
    axis = b.add_tensor("axis", np.int32, [], data=0)
    y = b.add_tensor("y", np.float32, [4])
    b.add_operator(BuiltinOperator.CUMSUM, [x, axis], [y], options={"reverse": True})
    b.add_operator("ADD", [y, y], [b.add_tensor("z", np.float32, [4])])
    b.set_inputs([x])
    data = b.build()
    codes = read_root(data, "Model", b"TFL3")["operator_codes"]
    assert [(c["deprecated_builtin_code"], c["builtin_code"]) for c in codes] == [
        (127, 128), (0, 0)]
    ops = load_model(data).main.operators
    assert [op.op_name for op in ops] == ["CUMSUM", "ADD"]
    assert ops[0].options.reverse is True and ops[0].options.exclusive is False


def test_operator_codes_are_shared():
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, [4])
    h = b.add_tensor("h", np.float32, [4])
    y = b.add_tensor("y", np.float32, [4])
    b.add_operator("RELU", [x], [h])
    b.add_operator("RELU", [h], [y])
    b.set_inputs([x])
    model = load_model(b.build())
    assert len(model.operator_codes) == 1
    assert [op.options for op in model.main.operators] == [None, None]


def test_options_table_override_and_builtin_options_2():
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, [4])
    y = b.add_tensor("y", np.float32, [4])
    b.add_operator("STABLEHLO_COMPOSITE", [x], [y],
                   options={"name": "odd.op", "composite_attributes": b"\x01\x02",
                            "version": 3})
    z = b.add_tensor("z", np.float32, [4])
    b.add_operator(250, [y], [z], options_table="GeluOptions", options={"approximate": True})
    b.set_inputs([x])
    model = load_model(b.build())
    composite, unknown = model.main.operators
    assert composite.options.table == "StableHLOCompositeOptions"
    assert composite.options.name == "odd.op"
    assert composite.options.composite_attributes == b"\x01\x02"
    assert composite.options.decomposition_subgraph_index == 0
    assert unknown.op_name == "BUILTIN_250"
    assert unknown.options.table == "GeluOptions" and unknown.options.approximate is True


def test_multiple_subgraphs_metadata_and_signatures():
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, [2])
    y = b.add_tensor("y", np.float32, [2])
    b.add_operator("CALL_ONCE", [], [], options={"init_subgraph_index": 1})
    b.add_operator("RELU", [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    init = b.add_subgraph("init")
    a = init.add_tensor("a", np.int32, [1], data=[7])
    init.set_outputs([a])
    b.add_metadata("note", b"\x00hello")
    b.add_signature_def("run", {"in": x}, {"out": y})
    model = load_model(b.build())
    assert [sg.name for sg in model.subgraphs] == ["", "init"]
    assert model.subgraphs[1].tensors[0].data.tolist() == [7]
    assert model.main.operators[0].options.init_subgraph_index == 1
    assert model.metadata == {"note": b"\x00hello"}
    assert model.signature_defs[0].signature_key == "run"
    assert dict(model.signature_defs[0].outputs) == {"out": y}


def test_buffers_are_aligned_to_16():
    b = ModelBuilder()
    for i in range(5):
        b.add_tensor(f"c{i}", np.int8, [i + 1], data=np.arange(i + 1))
    data = b.build()
    for buffer in read_root(data, "Model", b"TFL3")["buffers"][1:]:
        address = buffer["data"].__array_interface__["data"][0]
        base = np.frombuffer(data, np.uint8).__array_interface__["data"][0]
        assert (address - base) % 16 == 0


# -- any options table -----------------------------------------------------

def sample_value(f):
    """A non-default value for a field (all that a round trip needs)."""
    if f.kind == "string":
        return f"{f.name}-value"
    if f.kind == "enum":
        return max(ENUMS[f.ref][0])
    if f.kind == "vector":
        if f.element == "enum":
            return [max(ENUMS[f.ref][0])] * 2
        if f.scalar == "bool":
            return [True, False]
        return [1, 2, 3]
    if f.scalar == "bool":
        return not f.default
    if f.scalar.startswith("float"):
        return f.default + 0.5
    return f.default + 7


OPTION_TABLES = sorted((set(UNIONS["BuiltinOptions"].__members__) |
                        set(UNIONS["BuiltinOptions2"].__members__)) - {"NONE"})


@pytest.mark.parametrize("table", OPTION_TABLES)
def test_every_options_table_round_trips(table):
    values = {f.name: sample_value(f) for f in TABLES[table]}
    decoded = read_root(encode(values, table=table, file_identifier=None), table, None)
    assert set(decoded) == set(values)
    for f in TABLES[table]:
        got = decoded[f.name]
        if f.kind == "vector":
            got = got.tolist()
        assert got == values[f.name], f.name


# -- argument handling -------------------------------------------------------

@pytest.mark.parametrize("dtype, expected", [
    (np.int8, TensorType.INT8), ("int16", TensorType.INT16), ("UINT8", TensorType.UINT8),
    (np.dtype("float32"), TensorType.FLOAT32), (bool, TensorType.BOOL),
    (TensorType.INT4, TensorType.INT4), ("resource", TensorType.RESOURCE),
])
def test_tensor_type(dtype, expected):
    assert tensor_type(dtype) == expected


def test_builder_rejects_misuse():
    b = ModelBuilder()
    with pytest.raises(ValueError, match="no TFLite tensor type"):
        b.add_tensor("x", np.dtype("datetime64[s]"), [1])
    with pytest.raises(ValueError, match="5 values for shape"):
        b.add_tensor("x", np.int8, [2, 2], data=[1, 2, 3, 4, 5])
    x = b.add_tensor("x", np.float32, [1])
    with pytest.raises(ValueError, match="unknown operator"):
        b.add_operator("NOT_AN_OP", [x], [x])
    with pytest.raises(ValueError, match="takes no options"):
        b.add_operator("RELU", [x], [x], options={"alpha": 1.0})
    with pytest.raises(ValueError, match="has no field"):
        b.add_operator("SOFTMAX", [x], [x], options={"betta": 1.0})
        b.build()
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, [1])
    with pytest.raises(ValueError, match="not a member of Padding"):
        b.add_operator("CONV_2D", [x], [x], options={"padding": "SIDEWAYS"})
        b.build()


def test_to_dict_is_a_copy():
    b = ModelBuilder()
    b.add_tensor("x", np.int8, [1])
    tree = b.to_dict()
    tree["subgraphs"][0]["tensors"][0]["name"] = "changed"
    assert load_model(b.build()).main.tensors[0].name == "x"
