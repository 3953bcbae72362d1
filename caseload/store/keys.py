"""Key slots: the random data key wrapped once per user under an Argon2id-derived key.

keys.json holds no secret in clear. Its body is checksummed (SHA-256 over canonical JSON) so damage is told
apart from a wrong passphrase: checksum mismatch → :class:`KeysFileDamaged`; AES-GCM tag failure on unwrap →
:class:`WrongPassphrase`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import time
import unicodedata
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from caseload.store.errors import BadPassphrase, KeysFileDamaged, WrongPassphrase
from caseload.store.fileio import atomic_write_bytes

KEYS_FORMAT = "caseload-keys"
KEYS_VERSION = 1
DATA_KEY_BYTES = 32

# Floor and ceiling for Argon2id parameters read from a keys file (downgrade and memory-DoS guard).
MIN_MEMORY_KIB = 64 * 1024
MAX_MEMORY_KIB = 1024 * 1024
MIN_ITERATIONS = 3
MAX_ITERATIONS = 32
LANES = 4
MAX_PASSPHRASE_CHARS = 512
MIN_NEW_PASSPHRASE_CHARS = 10
CALIBRATION_TARGET_S = 0.5


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id parameters for one slot."""

    memory_kib: int = MIN_MEMORY_KIB
    iterations: int = MIN_ITERATIONS
    lanes: int = LANES

    def check(self) -> None:
        """Refuse parameters below the floor or above the ceiling."""
        if not (MIN_MEMORY_KIB <= self.memory_kib <= MAX_MEMORY_KIB):
            raise KeysFileDamaged(f"key-derivation memory {self.memory_kib} KiB is outside the allowed range")
        if not (MIN_ITERATIONS <= self.iterations <= MAX_ITERATIONS):
            raise KeysFileDamaged(
                f"key-derivation iterations {self.iterations} are outside the allowed range"
            )
        if self.lanes != LANES:
            raise KeysFileDamaged(f"key-derivation lanes must be {LANES}, not {self.lanes}")


@dataclass(frozen=True, slots=True)
class KeySlot:
    """One user's wrapped copy of the data key."""

    id: str
    user: str
    role: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def associated_data(self) -> bytes:
        """Bind the wrap to the slot's id, user, role and KDF params."""
        doc = {"id": self.id, "user": self.user, "role": self.role, "kdf": asdict(self.kdf)}
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class KeysFile:
    """The parsed keys file: store id plus slots."""

    store_id: str
    slots: tuple[KeySlot, ...]

    def slot_for(self, user: str) -> KeySlot | None:
        """The slot of ``user`` (case-insensitive), or None."""
        want = normalise_user(user)
        return next((s for s in self.slots if normalise_user(s.user) == want), None)


def normalise_user(name: str) -> str:
    """User names compare NFC-normalised and case-folded."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def normalise_passphrase(passphrase: str, *, new: bool = False) -> bytes:
    """NFC-normalise (never trim) and encode a passphrase; refuse empty, over-long or (new) too short."""
    if passphrase == "":
        raise BadPassphrase("The passphrase is empty.")
    nfc = unicodedata.normalize("NFC", passphrase)
    if len(nfc) > MAX_PASSPHRASE_CHARS:
        raise BadPassphrase(f"The passphrase is longer than {MAX_PASSPHRASE_CHARS} characters.")
    if new and len(nfc) < MIN_NEW_PASSPHRASE_CHARS:
        raise BadPassphrase(f"A new passphrase needs at least {MIN_NEW_PASSPHRASE_CHARS} characters.")
    try:
        return nfc.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadPassphrase("The passphrase contains characters that cannot be encoded.") from exc


def derive_kek(secret: bytes, salt: bytes, params: KdfParams, *, length: int = 32) -> bytes:
    """Argon2id over ``secret``. Params are not checked here (the known-answer test uses weak ones)."""
    kdf = Argon2id(
        salt=salt,
        length=length,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(secret)


def calibrate(target_s: float = CALIBRATION_TARGET_S, memory_kib: int = MIN_MEMORY_KIB) -> KdfParams:
    """Raise the iteration count from the floor until one derivation takes about ``target_s``."""
    probe = KdfParams(memory_kib=memory_kib)
    started = time.perf_counter()
    derive_kek(b"calibration", b"\0" * 16, probe)
    per_iteration = max((time.perf_counter() - started) / probe.iterations, 1e-4)
    iterations = min(MAX_ITERATIONS, max(MIN_ITERATIONS, int(target_s / per_iteration)))
    return KdfParams(memory_kib=memory_kib, iterations=iterations)


def new_data_key() -> bytearray:
    """A fresh random 256-bit data key (mutable so it can be zeroed on lock)."""
    return bytearray(secrets.token_bytes(DATA_KEY_BYTES))


def make_slot(
    data_key: bytes | bytearray, user: str, role: str, passphrase: str, params: KdfParams, slot_id: str
) -> KeySlot:
    """Wrap ``data_key`` for ``user`` under a key derived from ``passphrase``."""
    params.check()
    if not user.strip():
        raise BadPassphrase("A user name is required.")
    secret = normalise_passphrase(passphrase, new=True)
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    slot = KeySlot(id=slot_id, user=user, role=role, kdf=params, salt=salt, nonce=nonce, wrapped=b"")
    kek = derive_kek(secret, salt, params)
    wrapped = AESGCM(kek).encrypt(nonce, bytes(data_key), slot.associated_data())
    return replace(slot, wrapped=wrapped)


def unwrap(slot: KeySlot, passphrase: str) -> bytearray:
    """Unwrap the data key from ``slot``; :class:`WrongPassphrase` if the GCM tag fails."""
    slot.kdf.check()
    secret = normalise_passphrase(passphrase)
    kek = derive_kek(secret, slot.salt, slot.kdf)
    try:
        key = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, slot.associated_data())
    except InvalidTag:
        raise WrongPassphrase() from None
    if len(key) != DATA_KEY_BYTES:
        raise KeysFileDamaged("a wrapped key has the wrong length")
    return bytearray(key)


def unlock(keys: KeysFile, passphrase: str, user: str | None = None) -> tuple[KeySlot, bytearray]:
    """Find the slot this passphrase opens (the named user's, or any slot when ``user`` is None)."""
    if user is not None:
        slot = keys.slot_for(user)
        if slot is None:
            raise WrongPassphrase("Unknown user or wrong passphrase.")
        return slot, unwrap(slot, passphrase)
    for slot in keys.slots:
        try:
            return slot, unwrap(slot, passphrase)
        except WrongPassphrase:
            continue
    raise WrongPassphrase()


# --- serialisation --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise KeysFileDamaged(f"{what} is not text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeysFileDamaged(f"{what} is not valid base64") from None


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _slot_doc(slot: KeySlot) -> dict[str, Any]:
    return {
        "id": slot.id,
        "user": slot.user,
        "role": slot.role,
        "kdf": {"algorithm": "argon2id", **asdict(slot.kdf)},
        "salt": _b64(slot.salt),
        "nonce": _b64(slot.nonce),
        "wrapped": _b64(slot.wrapped),
    }


def dumps(keys: KeysFile) -> bytes:
    """Serialise a keys file with its checksum."""
    body = {"store_id": keys.store_id, "slots": [_slot_doc(s) for s in keys.slots]}
    doc = {
        "format": KEYS_FORMAT,
        "version": KEYS_VERSION,
        "body": body,
        "checksum": hashlib.sha256(_canonical(body)).hexdigest(),
    }
    return json.dumps(doc, indent=2, sort_keys=True).encode() + b"\n"


def _parse_slot(doc: Any) -> KeySlot:
    if not isinstance(doc, dict):
        raise KeysFileDamaged("a slot is not an object")
    try:
        kdf_doc = doc["kdf"]
        if kdf_doc.get("algorithm") != "argon2id":
            raise KeysFileDamaged("a slot names an unknown key-derivation algorithm")
        params = KdfParams(
            memory_kib=int(kdf_doc["memory_kib"]),
            iterations=int(kdf_doc["iterations"]),
            lanes=int(kdf_doc["lanes"]),
        )
        slot = KeySlot(
            id=str(doc["id"]),
            user=str(doc["user"]),
            role=str(doc["role"]),
            kdf=params,
            salt=_unb64(doc["salt"], "a salt"),
            nonce=_unb64(doc["nonce"], "a nonce"),
            wrapped=_unb64(doc["wrapped"], "a wrapped key"),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise KeysFileDamaged("a slot is missing a field") from None
    params.check()
    if len(slot.salt) != 16 or len(slot.nonce) != 12:
        raise KeysFileDamaged("a slot has a salt or nonce of the wrong length")
    return slot


def loads(raw: bytes) -> KeysFile:
    """Parse and verify a keys file; any damage raises :class:`KeysFileDamaged`."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeysFileDamaged("it is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != KEYS_FORMAT:
        raise KeysFileDamaged("it is not a caseload keys file")
    if doc.get("version") != KEYS_VERSION:
        raise KeysFileDamaged(f"unknown keys-file version {doc.get('version')!r}")
    body = doc.get("body")
    if not isinstance(body, dict) or not isinstance(doc.get("checksum"), str):
        raise KeysFileDamaged("the body or checksum is missing")
    if not secrets.compare_digest(hashlib.sha256(_canonical(body)).hexdigest(), doc["checksum"]):
        raise KeysFileDamaged("the checksum does not match")
    slots = body.get("slots")
    if not isinstance(slots, list) or not slots:
        raise KeysFileDamaged("it has no key slots")
    return KeysFile(store_id=str(body.get("store_id", "")), slots=tuple(_parse_slot(s) for s in slots))


def read_keys(path: Path) -> KeysFile:
    """Read keys.json from disk."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeysFileDamaged("keys.json is missing") from None
    except OSError as exc:
        raise KeysFileDamaged(f"keys.json cannot be read ({exc.strerror})") from None
    return loads(raw)


def write_keys(path: Path, keys: KeysFile) -> None:
    """Write keys.json atomically, mode 0600."""
    atomic_write_bytes(path, dumps(keys))


def zero(buf: bytearray) -> None:
    """Overwrite a key buffer in place (best effort: Python may hold other copies)."""
    for i in range(len(buf)):
        buf[i] = 0


def slot_id() -> str:
    """A random slot id."""
    return secrets.token_hex(8)
