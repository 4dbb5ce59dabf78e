"""Encryption of health information at rest: AES-256-GCM values and files, keyed blind indexes.

Pure: no Django. A value is stored as ``phi1:<key id>:<base64url(nonce || ciphertext)>``; a file
as ``CDPHI1`` + key id length + key id + nonce + ciphertext. The associated data binds each value
to its place (``tickets.Ticket.patient_id``), so a value copied into another column does not
decrypt there. Keys come from the environment or a key file, never from the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "phi1:"
FILE_MAGIC = b"CDPHI1"
NONCE_BYTES = 12
KEY_BYTES = 32
INDEX_NAME = "index"
PREVIOUS_INDEX_NAME = "index_previous"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class PhiKeyError(Exception):
    """The keys are missing or malformed (a configuration problem)."""


class PhiDecryptError(Exception):
    """A stored value or file cannot be decrypted: unknown key, changed bytes or wrong place."""


@dataclass(frozen=True)
class KeyRing:
    """Data keys by id (the first is the one new values are written with) and the index key."""

    keys: tuple[tuple[str, bytes], ...]
    index_key: bytes
    # blind-index keys being replaced: searches also match them until `keys rotate` is done
    previous_index_keys: tuple[bytes, ...] = ()

    @property
    def active_id(self) -> str:
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise PhiDecryptError(f"PHI key {key_id!r} is not configured.")

    @property
    def ids(self) -> list[str]:
        return [kid for kid, _key in self.keys]


def generate_key() -> str:
    """A new random 256-bit key, base64."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def _decode_key(key_id: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PhiKeyError(f"PHI key {key_id!r} is not valid base64.") from exc
    if len(raw) != KEY_BYTES:
        raise PhiKeyError(f"PHI key {key_id!r} must be {KEY_BYTES} bytes (base64 of 32 bytes).")
    return raw


def parse_entries(text: str) -> list[tuple[str, str]]:
    """`id=base64` entries, separated by commas or lines; blank lines and # comments skipped."""
    entries = []
    for raw in re.split(r"[,\n]", text):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        key_id, sep, value = item.partition("=")
        key_id = key_id.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise PhiKeyError(
                "Write each PHI key as id=base64 (the id: letters, digits, - or _, 32 at most)."
            )
        entries.append((key_id, value.strip()))
    return entries


def derive_index_key(secret: bytes) -> bytes:
    """The blind-index key, derived from its dedicated secret (HKDF-SHA256)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"caredesk blind index v1"
    ).derive(secret)


def keyring_from(entries: Iterable[tuple[str, str]], index_secret: str = "") -> KeyRing:
    """Build a key ring; an `index` entry (or `index_secret`) gives the blind-index secret."""
    keys: list[tuple[str, bytes]] = []
    index_text = index_secret
    previous: list[bytes] = []
    for key_id, value in entries:
        if key_id == INDEX_NAME:
            index_text = index_text or value
            continue
        if key_id == PREVIOUS_INDEX_NAME:
            previous.append(derive_index_key(_decode_key(key_id, value)))
            continue
        if any(kid == key_id for kid, _k in keys):
            raise PhiKeyError(f"PHI key {key_id!r} is given twice.")
        keys.append((key_id, _decode_key(key_id, value)))
    if not keys:
        raise PhiKeyError("No PHI encryption key is configured.")
    if not index_text:
        raise PhiKeyError("No blind-index key is configured (an `index=` entry).")
    current = derive_index_key(_decode_key("index", index_text))
    return KeyRing(
        keys=tuple(keys),
        index_key=current,
        previous_index_keys=tuple(k for k in previous if k != current),
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_token(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(token: str) -> str:
    """The id of the key a stored value was written with."""
    if not is_token(token):
        raise PhiDecryptError("Not an encrypted value.")
    return token[len(PREFIX) :].split(":", 1)[0]


def encrypt(ring: KeyRing, plaintext: str, aad: str) -> str:
    """Encrypt a text with the active key and a fresh 96-bit nonce."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.key(ring.active_id)).encrypt(nonce, plaintext.encode(), aad.encode())
    return f"{PREFIX}{ring.active_id}:{_b64(nonce + sealed)}"


def decrypt(ring: KeyRing, token: str, aad: str) -> str:
    """Decrypt a stored value; PhiDecryptError if it was changed, moved or its key is gone."""
    key_id = key_id_of(token)
    body = token[len(PREFIX) + len(key_id) + 1 :]
    try:
        raw = _unb64(body)
    except (binascii.Error, ValueError) as exc:
        raise PhiDecryptError("The stored value is damaged.") from exc
    if len(raw) < NONCE_BYTES + 16:
        raise PhiDecryptError("The stored value is damaged.")
    try:
        plain = AESGCM(ring.key(key_id)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad.encode())
    except InvalidTag as exc:
        raise PhiDecryptError(
            "The stored value does not decrypt: it was changed or belongs elsewhere."
        ) from exc
    return plain.decode()


def is_encrypted_file(head: bytes) -> bool:
    return head.startswith(FILE_MAGIC)


def file_key_id(data: bytes) -> str:
    """The id of the key an encrypted file was written with."""
    if not is_encrypted_file(data) or len(data) < len(FILE_MAGIC) + 1:
        raise PhiDecryptError("Not an encrypted file.")
    size = data[len(FILE_MAGIC)]
    return data[len(FILE_MAGIC) + 1 : len(FILE_MAGIC) + 1 + size].decode()


def encrypt_file(ring: KeyRing, data: bytes, aad: str) -> bytes:
    """Encrypt a file's content: header with the key id, nonce, ciphertext and tag."""
    kid = ring.active_id.encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.key(ring.active_id)).encrypt(nonce, data, aad.encode())
    return FILE_MAGIC + bytes([len(kid)]) + kid + nonce + sealed


def decrypt_file(ring: KeyRing, data: bytes, aad: str) -> bytes:
    """Decrypt a file's content; PhiDecryptError if it was changed or its key is gone."""
    key_id = file_key_id(data)
    start = len(FILE_MAGIC) + 1 + len(key_id.encode())
    nonce, sealed = data[start : start + NONCE_BYTES], data[start + NONCE_BYTES :]
    if len(nonce) < NONCE_BYTES or len(sealed) < 16:
        raise PhiDecryptError("The stored file is damaged.")
    try:
        return AESGCM(ring.key(key_id)).decrypt(nonce, sealed, aad.encode())
    except InvalidTag as exc:
        raise PhiDecryptError("The stored file does not decrypt: it was changed.") from exc


def normalise(value: str) -> str:
    """What exact-match search compares: surrounding spaces and letter case do not count."""
    return value.strip().casefold()


def _index(key: bytes, text: str, scope: str) -> str:
    return hmac.new(key, f"{scope}\x00{text}".encode(), hashlib.sha256).hexdigest()


def blind_index(ring: KeyRing, value: str, scope: str) -> str:
    """A keyed HMAC of the normalised value, different per `scope` (the field); '' for ''."""
    text = normalise(value)
    return _index(ring.index_key, text, scope) if text else ""


def blind_indexes(ring: KeyRing, value: str, scope: str) -> list[str]:
    """Every index a stored `value` may have while the index key is being replaced (the
    current key's first); [] for an empty value."""
    text = normalise(value)
    if not text:
        return []
    return [_index(k, text, scope) for k in (ring.index_key, *ring.previous_index_keys)]
