"""Key slots: Argon2id known answer, floor, wrap/unwrap, checksum, NFC."""

from __future__ import annotations

import json
import unicodedata

import pytest

from caseload.store import keys
from caseload.store.errors import BadPassphrase, KeysFileDamaged, WrongPassphrase

KAT = "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"


def test_argon2id_known_answer() -> None:
    params = keys.KdfParams(memory_kib=65536, iterations=2, lanes=1)
    assert keys.derive_kek(b"password", b"somesalt", params).hex() == KAT


@pytest.mark.parametrize(
    "params",
    [
        keys.KdfParams(memory_kib=32 * 1024),
        keys.KdfParams(iterations=2),
        keys.KdfParams(lanes=1),
        keys.KdfParams(memory_kib=8 * 1024 * 1024),
        keys.KdfParams(iterations=1000),
    ],
)
def test_params_outside_floor_and_ceiling_refused(params: keys.KdfParams) -> None:
    with pytest.raises(KeysFileDamaged):
        params.check()
    with pytest.raises(KeysFileDamaged):
        keys.make_slot(bytes(32), "u", "idva", "long enough passphrase", params, "s1")


def _slot(passphrase: str = "long enough passphrase") -> tuple[bytearray, keys.KeySlot]:
    dk = keys.new_data_key()
    return dk, keys.make_slot(dk, "A. Worker", "idva", passphrase, keys.KdfParams(), "s1")


def test_wrap_unwrap_and_wrong_passphrase() -> None:
    dk, slot = _slot()
    assert keys.unwrap(slot, "long enough passphrase") == dk
    with pytest.raises(WrongPassphrase):
        keys.unwrap(slot, "long enough passphrasE")


def test_passphrase_is_nfc_normalised_not_trimmed() -> None:
    composed = unicodedata.normalize("NFC", "café passphrase ")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    dk, slot = _slot(composed)
    assert keys.unwrap(slot, decomposed) == dk
    with pytest.raises(WrongPassphrase):
        keys.unwrap(slot, composed.strip())


def test_slot_bound_to_role() -> None:
    _, slot = _slot()
    from dataclasses import replace

    tampered = replace(slot, role="supervisor")
    with pytest.raises(WrongPassphrase):
        keys.unwrap(tampered, "long enough passphrase")


def test_keys_file_roundtrip_and_checksum() -> None:
    _, slot = _slot()
    kf = keys.KeysFile(store_id="s", slots=(slot,))
    raw = keys.dumps(kf)
    assert keys.loads(raw) == kf
    doc = json.loads(raw)
    doc["body"]["slots"][0]["user"] = "Someone Else"
    with pytest.raises(KeysFileDamaged, match="checksum"):
        keys.loads(json.dumps(doc).encode())
    with pytest.raises(KeysFileDamaged):
        keys.loads(b"{not json")
    with pytest.raises(KeysFileDamaged):
        keys.loads(b"\xff\xfe")


def test_downgraded_params_in_file_refused_even_with_valid_checksum() -> None:
    _, slot = _slot()
    raw = json.loads(keys.dumps(keys.KeysFile(store_id="s", slots=(slot,))))
    raw["body"]["slots"][0]["kdf"]["memory_kib"] = 1024
    import hashlib

    raw["checksum"] = hashlib.sha256(keys._canonical(raw["body"])).hexdigest()
    with pytest.raises(KeysFileDamaged, match="memory"):
        keys.loads(json.dumps(raw).encode())


@pytest.mark.parametrize(
    ("passphrase", "new", "message"),
    [
        ("", False, "empty"),
        ("x" * 1000, False, "longer than"),
        ("short", True, "at least"),
    ],
)
def test_bad_passphrases(passphrase: str, new: bool, message: str) -> None:
    with pytest.raises(BadPassphrase, match=message):
        keys.normalise_passphrase(passphrase, new=new)
