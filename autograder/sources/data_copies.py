"""Does a submission ship a copy of the public dataset its held-out data comes from?

A project that carries the public digits (as .npy/.npz, CSV, JSON, a Python literal, raw bytes, or
any of those gzipped) can label each held-out image by looking it up. The sandbox cannot read
scikit-learn's copy, so a cheat must bring its own: this reads every file of the submission as
numbers (never runs anything; ``allow_pickle=False``) and counts how many rows of the public
dataset appear in it, in order, as integers or scaled to [0, 1]. Enough rows found is a
needs-review line for a TA; it never changes a score.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from dataclasses import dataclass

import numpy as np

MIN_ROWS = 25  # distinct public rows found before a file is reported (a README example has one or two)
MAX_BYTES = 64 << 20  # read (after decompression) per file
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_BASE = np.uint64(1_000_003)


@dataclass(frozen=True)
class Copy:
    file: str
    rows: int  # distinct public rows found
    total: int  # rows in the public dataset

    def render(self) -> str:
        return (f"{self.file}: {self.rows} of the {self.total} rows of the public dataset the held-out data comes "
                "from — a project may not bring the data it is tested on")


class PublicRows:
    """The public dataset as hashes of its rows (integers, e.g. digits' 0–16 grey levels)."""

    def __init__(self, rows: np.ndarray):
        rows = np.asarray(rows)
        self.width, self.total = rows.shape[1], rows.shape[0]
        self.scale = float(rows.max()) or 1.0
        self.powers = _BASE ** np.arange(self.width - 1, -1, -1, dtype=np.uint64)
        self.hashes = set((np.rint(rows).astype(np.uint64) @ self.powers).tolist())

    def found(self, values: np.ndarray) -> set[int]:
        """Hashes of public rows that appear as ``width`` consecutive values (as given, or × the
        dataset's maximum when the values lie in [0, 1])."""
        values = np.asarray(values, dtype=np.float64).ravel()
        values = values[np.isfinite(values)]
        hits: set[int] = set()
        if values.size < self.width:
            return hits
        candidates = [values]
        if values.size and 0 <= values.min() and values.max() <= 1.0:
            candidates.append(values * self.scale)
        for v in candidates:
            whole = np.rint(v)
            ok = (np.abs(v - whole) < 1e-6) & (whole >= 0) & (whole <= self.scale)
            if ok.sum() < self.width:
                continue
            ints = np.where(ok, whole, -1).astype(np.int64)
            windows = np.lib.stride_tricks.sliding_window_view(ints, self.width)
            valid = np.lib.stride_tricks.sliding_window_view(ok, self.width).all(axis=1)
            if not valid.any():
                continue
            h = windows[valid].astype(np.uint64) @ self.powers
            hits |= self.hashes.intersection(h.tolist())
        return hits


def _arrays(name: str, data: bytes, depth: int = 0):
    """Every sequence of numbers a file can be read as."""
    lower = name.lower()
    if depth < 2 and (lower.endswith(".gz") or data[:2] == b"\x1f\x8b"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                inner = f.read(MAX_BYTES)
            yield from _arrays(lower.removesuffix(".gz"), inner, depth + 1)
        except (OSError, EOFError):
            pass
        return
    if data[:6] == b"\x93NUMPY" or data[:4] == b"PK\x03\x04":
        try:
            loaded = np.load(io.BytesIO(data), allow_pickle=False)
            items = [loaded] if isinstance(loaded, np.ndarray) else [loaded[k] for k in loaded.files]
            for a in items:
                if a.dtype.kind in "biuf":
                    yield a
            return
        except Exception:  # not a numpy file after all (an ordinary zip, a damaged array)
            if data[:4] == b"PK\x03\x04" and depth < 2:
                yield from _zip(data, depth + 1)
                return
    if b"\x00" not in data[:4096]:
        numbers = _NUMBER.findall(data[:MAX_BYTES])
        if numbers:
            yield np.array([float(n) for n in numbers])
        return
    for dtype in ("<u1", "<f8", "<i8", "<f4", "<i4"):  # raw arrays at any alignment
        size = np.dtype(dtype).itemsize
        for offset in range(size):
            usable = (len(data) - offset) // size * size
            if usable:
                yield np.frombuffer(data, dtype=dtype, count=usable // size, offset=offset)


def _zip(data: bytes, depth: int):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not info.is_dir() and info.file_size <= MAX_BYTES:
                yield from _arrays(info.filename, zf.read(info), depth)


def find_copies(files: dict[str, bytes], public: PublicRows) -> list[Copy]:
    """The files that hold at least ``MIN_ROWS`` distinct rows of ``public``."""
    found = []
    for name, data in sorted(files.items()):
        hits: set[int] = set()
        for values in _arrays(name, data[:MAX_BYTES]):
            with np.errstate(all="ignore"):
                hits |= public.found(values)
        if len(hits) >= MIN_ROWS:
            found.append(Copy(name, len(hits), public.total))
    return found


def project_files(zipped: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir() and i.file_size <= MAX_BYTES}


def notebook_files(notebook: bytes) -> dict[str, bytes]:
    """A notebook's code cells and outputs, one 'file' each (a literal pasted into a cell counts)."""
    try:
        cells = json.loads(notebook).get("cells", [])
    except (ValueError, AttributeError):
        return {}
    out = {}
    for i, cell in enumerate(c for c in cells if isinstance(c, dict)):
        source = cell.get("source", "")
        out[f"cell {i + 1}"] = ("".join(source) if isinstance(source, list) else str(source)).encode()
    return out
