"""A safe value format between the sandbox and the judge: JSON descriptors + numpy arrays (.npz).

Nothing is ever unpickled: arrays are loaded with ``allow_pickle=False`` and every other value
is a plain JSON scalar, list or string-keyed dict. Anything else is recorded as opaque.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

MAX_DEPTH = 6
MAX_ITEMS = 100_000  # a vocabulary or a list of texts; the JSON byte limit in load() bounds the size
MAX_ELEMENTS = 20_000_000
MAX_STR = 2000


@dataclass(frozen=True)
class TensorValue:
    """A tensor as observed: values (numpy) plus the metadata a judge checks."""

    array: np.ndarray
    dtype: str  # torch dtype name without the 'torch.' prefix
    shape: tuple[int, ...]
    device: str
    requires_grad: bool

    def to_torch(self, dtype: torch.dtype | None = torch.float64) -> torch.Tensor:
        t = torch.from_numpy(np.array(self.array, copy=True))
        return t.to(dtype) if dtype is not None else t


@dataclass(frozen=True)
class Opaque:
    """A value that is not data we can judge (a function, a custom object ...)."""

    type_name: str


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


# -- encoding (inside the sandbox, or in-process for plain otter) ---------------------------
def encode(value: Any, arrays: dict[str, np.ndarray], depth: int = 0) -> Any:
    """Describe ``value`` as JSON; tensor data goes into ``arrays`` under fresh keys.

    Only what the value holds is read, through the base classes' own methods: a subclass of a
    tensor, an ndarray, a number, a string or a container cannot compute its value when the grader
    reads it (its ``__torch_function__``, ``__array_function__``, ``__int__``, ``__iter__``,
    ``__getitem__`` … run outside the forbidden-call detector's watch)."""
    with torch._C.DisableTorchFunctionSubclass():
        return _encode(value, arrays, depth)


def _encode(value: Any, arrays: dict[str, np.ndarray], depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        return {"kind": "opaque", "type": "nesting too deep"}
    if isinstance(value, torch.Tensor):
        return _encode_tensor(value, arrays)
    if isinstance(value, np.ndarray):
        base = np.ndarray.view(value, np.ndarray)  # the buffer itself, never the subclass's methods
        if base.dtype.kind not in "biuf":
            return {"kind": "opaque", "type": f"array of {base.dtype.kind}"}
        return _encode_tensor(torch.from_numpy(np.ascontiguousarray(base)), arrays)
    if value is None or type(value) is bool:
        return {"kind": "scalar", "value": value}
    if isinstance(value, np.generic) and type(value).__module__ != "numpy":
        return {"kind": "opaque", "type": type(value).__qualname__[:200]}  # a numpy scalar subclass
    if isinstance(value, np.integer):
        return {"kind": "scalar", "value": int(value)}
    if isinstance(value, int):
        return {"kind": "scalar", "value": int.__int__(value)}
    if isinstance(value, (float, np.floating)):
        f = float(value) if isinstance(value, np.floating) else float.__float__(value)
        return {"kind": "float", "value": repr(f)} if not math.isfinite(f) else {"kind": "scalar", "value": f}
    if isinstance(value, str):
        return {"kind": "scalar", "value": str.__str__(value)[:MAX_STR]}
    if isinstance(value, (tuple, list)):
        kind, iterate = ("tuple", tuple.__iter__) if isinstance(value, tuple) else ("list", list.__iter__)
        items = [_encode(v, arrays, depth + 1) for _, v in zip(range(MAX_ITEMS), iterate(value))]
        return {"kind": kind, "items": items}
    if isinstance(value, dict):
        pairs = [(k, v) for k, v in dict.items(value) if type(k) is str][:MAX_ITEMS]
        return {"kind": "dict", "items": {k: _encode(v, arrays, depth + 1) for k, v in pairs}}
    return {"kind": "opaque", "type": type(value).__qualname__[:200]}


def _encode_tensor(t: torch.Tensor, arrays: dict[str, np.ndarray]) -> dict:
    meta = {
        "kind": "tensor",
        "dtype": _dtype_name(t.dtype),
        "shape": list(t.shape),
        "device": str(t.device),
        "requires_grad": bool(t.requires_grad),
    }
    if t.numel() > MAX_ELEMENTS:
        return {**meta, "kind": "opaque", "type": f"tensor too large ({t.numel()} elements)"}
    data = t.detach().to("cpu")
    if data.dtype in (torch.float16, torch.bfloat16):
        data = data.to(torch.float32)
    if data.is_complex() or data.dtype not in _NUMPY_OK:
        return {**meta, "kind": "opaque", "type": f"tensor of {meta['dtype']}"}
    key = f"a{len(arrays)}"
    arrays[key] = data.contiguous().numpy().copy()
    return {**meta, "array": key}


_NUMPY_OK = {torch.float32, torch.float64, torch.int8, torch.int16, torch.int32, torch.int64,
             torch.uint8, torch.bool}


# -- decoding (the judge's side) ------------------------------------------------------------
def decode(desc: Any, arrays: dict[str, np.ndarray], depth: int = 0) -> Any:
    if depth > MAX_DEPTH + 1 or not isinstance(desc, dict):
        return Opaque("malformed")
    kind = desc.get("kind")
    if kind == "scalar":
        v = desc.get("value")
        return v if isinstance(v, (int, float, str, bool)) or v is None else Opaque("malformed")
    if kind == "float":
        return float(desc.get("value", "nan")) if desc.get("value") in ("nan", "inf", "-inf") else Opaque("malformed")
    if kind in ("tuple", "list"):
        items = [decode(d, arrays, depth + 1) for d in desc.get("items", [])[:MAX_ITEMS]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        items = desc.get("items", {})
        return {str(k): decode(v, arrays, depth + 1) for k, v in list(items.items())[:MAX_ITEMS]}
    if kind == "tensor":
        arr = arrays.get(str(desc.get("array")))
        shape = tuple(int(s) for s in desc.get("shape", []))
        if arr is None or tuple(arr.shape) != shape:
            return Opaque("malformed tensor")
        return TensorValue(arr, str(desc.get("dtype")), shape, str(desc.get("device")),
                           bool(desc.get("requires_grad")))
    return Opaque(str(desc.get("type", "unknown"))[:200])


# -- files ----------------------------------------------------------------------------------
# On disk: ``NAME.json`` = {"data": payload, "arrays": {key: [member, offset, shape]}} and
# ``NAME.npz`` with one flat array per dtype. A case returns dozens of small arrays; parsing a
# .npy header costs ~85 µs each, so they travel concatenated and are sliced back out.
def arrays_path(path: Path) -> Path:
    return path.with_suffix(".npz")


def _pack(arrays: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, list]]:
    parts: dict[str, list[np.ndarray]] = {}  # member name → arrays of one dtype
    names: dict[str, str] = {}  # dtype → member name
    sizes: dict[str, int] = {}
    index: dict[str, list] = {}
    for key, arr in arrays.items():
        name = names.setdefault(arr.dtype.str, f"m{len(names)}")
        index[key] = [name, sizes.get(name, 0), list(arr.shape)]
        parts.setdefault(name, []).append(np.ascontiguousarray(arr).reshape(-1))
        sizes[name] = sizes.get(name, 0) + arr.size
    return {name: np.concatenate(group) for name, group in parts.items()}, index


def _unpack(members: dict[str, np.ndarray], index: Any) -> dict[str, np.ndarray]:
    if not isinstance(index, dict):
        raise ValueError("malformed array index")
    arrays: dict[str, np.ndarray] = {}
    for key, entry in index.items():
        try:
            member, offset, shape = members[entry[0]], int(entry[1]), tuple(int(n) for n in entry[2])
        except (KeyError, IndexError, TypeError, ValueError):
            raise ValueError(f"malformed array index entry {str(key)[:40]!r}") from None
        size = math.prod(shape)
        if member.ndim != 1 or offset < 0 or min(shape, default=0) < 0 or offset + size > member.size:
            raise ValueError(f"array {str(key)[:40]!r} lies outside its data")
        arrays[str(key)] = member[offset:offset + size].reshape(shape)
    return arrays


def save(path: Path, payload: Any, arrays: dict[str, np.ndarray]) -> None:
    """Write ``payload`` and its arrays as ``path`` (JSON) and an uncompressed ``.npz`` beside it.
    Both are created, never overwritten: a file already there (planted) makes this fail."""
    members, index = _pack(arrays)
    if members:
        with open(arrays_path(path), "xb") as f:
            np.savez(f, **members)
    with open(path, "x", encoding="utf-8") as f:
        f.write(json.dumps({"data": payload, "arrays": index}))


def load(path: Path, max_json_bytes: int = 8 << 20) -> tuple[Any, dict[str, np.ndarray]]:
    """Read what ``save`` wrote (the plan, inside the sandbox; the judge reads with ``loads``)."""
    if path.stat().st_size > max_json_bytes:
        raise ValueError(f"{path.name} is larger than {max_json_bytes} bytes")
    npz = arrays_path(path)
    return loads(path.read_bytes(), npz.read_bytes() if npz.is_file() else None)


def loads(document: bytes, archive: bytes | None) -> tuple[Any, dict[str, np.ndarray]]:
    """Decode a document and its array archive, refusing anything pickled and compressed
    members (an array's size in memory must be bounded by its size on disk)."""
    parsed = json.loads(document.decode("utf-8"))
    if not isinstance(parsed, dict) or "data" not in parsed:
        raise ValueError("not a result document")
    members: dict[str, np.ndarray] = {}
    if archive is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
                if any(m.compress_type != zipfile.ZIP_STORED for m in zipped.infolist()):
                    raise ValueError("the array archive holds compressed arrays")
            with np.load(io.BytesIO(archive), allow_pickle=False) as stored:
                members = {key: stored[key] for key in stored.files}
        except (zipfile.BadZipFile, EOFError) as exc:
            raise ValueError(f"not an array archive: {exc}") from None
    return parsed["data"], _unpack(members, parsed.get("arrays", {}))
