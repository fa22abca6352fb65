"""The sandbox side: wire format and forbidden-call detection."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.protocol import wire
from autograder.inside.forbidden import Detector, ForbiddenSpec

SOFTMAX = ForbiddenSpec(ops=frozenset({"softmax", "_softmax"}))


def test_wire_roundtrip_keeps_values_and_metadata(tmp_path):
    arrays = {}
    value = (torch.arange(6, dtype=torch.float32).reshape(2, 3), {"k": 3, "nan": float("nan")}, [None, "s"])
    desc = wire.encode(value, arrays)
    wire.save(tmp_path / "x.json", desc, arrays)
    payload, loaded = wire.load(tmp_path / "x.json")
    t, d, lst = wire.decode(payload, loaded)
    assert t.shape == (2, 3) and t.dtype == "float32" and t.device == "cpu"
    assert np.array_equal(t.array, np.arange(6, dtype=np.float32).reshape(2, 3))
    assert d["k"] == 3 and np.isnan(d["nan"]) and lst == [None, "s"]


def test_wire_never_loads_pickles(tmp_path):
    np.savez(tmp_path / "x.npz", m0=np.array([object()], dtype=object))
    (tmp_path / "x.json").write_text('{"data": {"kind": "tensor", "array": "a0", "shape": [1]}, '
                                     '"arrays": {"a0": ["m0", 0, [1]]}}')
    try:
        wire.load(tmp_path / "x.json")
    except ValueError as exc:
        assert "pickle" in str(exc).lower()
    else:
        raise AssertionError("an object array was loaded")


def test_wire_refuses_compressed_arrays(tmp_path):
    """A deflated member could expand far beyond its size on disk (the sandbox bounds only that)."""
    np.savez_compressed(tmp_path / "x.npz", m0=np.zeros(1000))
    (tmp_path / "x.json").write_text('{"data": {}, "arrays": {"a0": ["m0", 0, [1000]]}}')
    with pytest.raises(ValueError, match="compressed"):
        wire.load(tmp_path / "x.json")


def test_wire_refuses_a_forged_archive(tmp_path):
    (tmp_path / "x.npz").write_bytes(b"not a zip at all")
    (tmp_path / "x.json").write_text('{"data": {}}')
    with pytest.raises(ValueError, match="not an array archive"):
        wire.load(tmp_path / "x.json")


@pytest.mark.parametrize("entry", [["m0", 8, [3]], ["m0", -1, [2]], ["m0", 0, [-2, -2]], ["m9", 0, [1]], "m0"])
def test_wire_refuses_an_index_outside_the_data(tmp_path, entry):
    np.savez(tmp_path / "x.npz", m0=np.zeros(10))
    (tmp_path / "x.json").write_text(json.dumps({"data": {}, "arrays": {"a0": entry}}))
    with pytest.raises(ValueError, match="array"):
        wire.load(tmp_path / "x.json")


def test_wire_keeps_arrays_of_mixed_dtypes_and_shapes_apart(tmp_path):
    originals = {"a0": np.arange(6.0).reshape(2, 3), "a1": np.array(7, dtype=np.int64), "a2": np.ones((0, 4)),
                 "a3": np.array([True, False]), "a4": np.arange(4.0, dtype=np.float32), "a5": np.full((2, 2), -1.5)}
    wire.save(tmp_path / "x.json", [1], originals)
    payload, loaded = wire.load(tmp_path / "x.json")
    assert payload == [1] and set(loaded) == set(originals)
    for key, arr in originals.items():
        assert loaded[key].dtype == arr.dtype and loaded[key].shape == arr.shape and np.array_equal(loaded[key], arr)


def test_objects_are_opaque_not_trusted():
    class Liar:
        def __eq__(self, other):
            return True

    arrays = {}
    assert isinstance(wire.decode(wire.encode(Liar(), arrays), arrays), wire.Opaque)


def _hits(fn):
    with Detector(SOFTMAX) as d:
        fn(torch.randn(2, 3))
    return d.hits


def test_detects_every_alias_of_softmax():
    alias = getattr(torch, "soft" + "max")
    for call in (lambda x: torch.softmax(x, -1), lambda x: F.softmax(x, -1), lambda x: x.softmax(-1),
                 lambda x: torch.nn.Softmax(-1)(x), lambda x: torch.special.softmax(x, -1),
                 lambda x: alias(x, dim=-1)):
        assert _hits(call), call


def test_plain_math_and_unused_imports_are_not_flagged():
    assert _hits(lambda x: torch.exp(x) / torch.exp(x).sum(-1, keepdim=True)) == []


def test_cached_names_are_served_only_to_the_same_function_object():
    """The detector caches each torch function's names by identity: a function first seen as
    harmless stays harmless, a forbidden one is still named on every call, and an object whose
    __eq__ and __hash__ claim to be a cached function is resolved for what it is."""
    from autograder.inside.forbidden import _names_of

    assert _hits(lambda x: torch.exp(x)) == []
    for _ in range(3):
        assert _hits(lambda x: torch.softmax(x, -1)) == ["torch.softmax"]

    class Impostor:
        __name__ = "softmax"

        def __eq__(self, other):
            return True

        def __hash__(self):
            return hash(torch.exp)

    assert _names_of(torch.exp)[1] == "exp"
    assert _names_of(Impostor())[2] == "softmax"


def test_python_level_modules_are_detected():
    spec = ForbiddenSpec(modules=("torch.distributions",))
    with Detector(spec) as d:
        torch.distributions.Normal(0.0, 1.0).log_prob(torch.zeros(2))
    assert any(h.startswith("torch.distributions") for h in d.hits)
    with Detector(spec) as d:
        torch.log(torch.ones(2))
    assert d.hits == []
