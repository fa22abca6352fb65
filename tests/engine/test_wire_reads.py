"""The sandbox encodes what a student's function returned after the forbidden-call detector stopped
watching, so encoding must read what the value holds and never run the value's own code: a subclass
of a float, a list, a dict, a string, an ndarray or a tensor that computes its content when read
(with a forbidden library, outside the watch) is encoded as what it holds."""

from __future__ import annotations

import numpy as np
import torch

from autograder.protocol import wire

RAN: list[str] = []


class LazyFloat(float):
    def __float__(self):
        RAN.append("float")
        return 3.88


class LazyInt(int):
    def __int__(self):
        RAN.append("int")
        return 7

    __index__ = __int__


class LazyStr(str):
    def __getitem__(self, key):
        RAN.append("str")
        return "computed"

    def __str__(self):
        RAN.append("str")
        return "computed"


class LazyList(list):
    def __iter__(self):
        RAN.append("list")
        return iter([1.0, 2.0])


class LazyDict(dict):
    def __getitem__(self, key):
        RAN.append("dict")
        return 1.0

    def __iter__(self):
        RAN.append("dict")
        return iter(["a"])


class LazyArray(np.ndarray):
    def __array_function__(self, func, types, args, kwargs):
        RAN.append("ndarray")
        return np.ones(self.shape)

    def __array__(self, dtype=None, copy=None):
        RAN.append("ndarray")
        return np.ones(self.shape)


class LazyTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        RAN.append("tensor")
        return super().__torch_function__(func, types, args, kwargs or {})


def _decoded(value):
    arrays: dict = {}
    desc = wire.encode(value, arrays)
    return wire.decode(desc, arrays)


def test_subclasses_are_read_through_their_base_classes_only():
    RAN.clear()
    assert _decoded(LazyFloat(0.0)) == 0.0
    assert _decoded(LazyInt(0)) == 0
    assert _decoded(LazyStr("held")) == "held"
    assert _decoded(LazyList([5.0])) == [5.0]
    assert _decoded(LazyDict(b=2.0)) == {"b": 2.0}
    array = np.zeros((2, 3)).view(LazyArray)
    assert _decoded(array).to_torch(torch.float64).eq(0).all()
    tensor = torch.zeros(4).as_subclass(LazyTensor)
    RAN.clear()  # as_subclass itself went through the subclass
    assert _decoded(tensor).to_torch(torch.float32).eq(0).all()
    assert RAN == [], RAN


def test_plain_values_encode_as_before():
    assert _decoded([1, 2.5, "x", None, True, (3,)]) == [1, 2.5, "x", None, True, (3,)]
    assert _decoded({"k": float("nan")})["k"] != _decoded({"k": float("nan")})["k"]
    assert _decoded(np.int64(4)) == 4 and _decoded(np.float32(0.5)) == 0.5
