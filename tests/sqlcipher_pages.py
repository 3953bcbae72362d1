"""Test helper: decrypt every page of a SQLCipher 4 file (default settings, raw key) to scan freed content."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80  # IV 16 + HMAC-SHA512 64
SALT = 16


def decrypted_pages(db: Path, key: bytes) -> list[bytes]:
    """The plaintext of every page (free pages included: they hold whatever was last written there)."""
    data = db.read_bytes()
    out = []
    for n in range(len(data) // PAGE):
        page = data[n * PAGE : (n + 1) * PAGE]
        start = SALT if n == 0 else 0
        iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
        dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out.append(dec.update(page[start : PAGE - RESERVE]) + dec.finalize())
    return out
