"""Pseudonyms for sharing: every student id becomes ``S-xxxxxx``, the same in every table and every
run (a keyed hash; the key stays in the private storage folder, so a pseudonym cannot be reversed
by hashing the roster's ids). Reports and the similarity archive both use them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

KEY_FILE = "pseudonym.key"


def _key(folder: Path) -> bytes:
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return bytes.fromhex(path.read_text().strip())


def pseudonyms(student_ids: list[str], key_folder: Path) -> dict[str, str]:
    key = _key(key_folder)
    return {sid: "S-" + hmac.new(key, sid.encode(), hashlib.sha256).hexdigest()[:6] for sid in student_ids}
