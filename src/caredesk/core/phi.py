"""Health information at rest: the key ring from the settings, encrypted model fields, blind
indexes, and the helpers services use for encrypted form answers and event values.

The crypto itself is in `phi_crypto` (no Django); this module only wires it to settings and the
ORM. Keys never touch the database.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

from caredesk.core import phi_crypto
from caredesk.core.datadir import write_private
from caredesk.core.phi_crypto import KeyRing, PhiDecryptError, PhiKeyError

log = logging.getLogger(__name__)

KEY_FILE_NAME = "phi_keys"
UNREADABLE_TEXT = "[unreadable]"


def _key_file_text(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise PhiKeyError(f"The PHI key file {path} cannot be read: {exc.strerror}.") from exc


def _create_key_file(path: Path) -> str:
    """Write a new key file (0600) for the embedded mode; say where, never what."""
    text = (
        "# CareDesk PHI keys: keep a copy apart from the database; losing it loses the data.\n"
        f"k1={phi_crypto.generate_key()}\nindex={phi_crypto.generate_key()}\n"
    )
    write_private(path, text)
    log.warning("PHI encryption keys were created in %s; keep a copy apart from backups", path)
    return text


def key_source_text(*, create: bool = True) -> str:
    """The configured key entries: CAREDESK_PHI_KEYS, else the key file, else (embedded) a new
    file in the data folder; with create=False (the system checks, which never write) "" where
    that file would be made."""
    if settings.CAREDESK_PHI_KEYS:
        return str(settings.CAREDESK_PHI_KEYS)
    if settings.CAREDESK_PHI_KEY_FILE:
        return _key_file_text(Path(settings.CAREDESK_PHI_KEY_FILE))
    path = Path(settings.DATA_DIR) / KEY_FILE_NAME
    if path.exists():
        return _key_file_text(path)
    if not settings.CAREDESK_PHI_AUTO_KEYS:
        raise PhiKeyError(
            "No PHI encryption key is configured: set CAREDESK_PHI_KEYS or CAREDESK_PHI_KEY_FILE."
        )
    if not create:
        return ""
    try:
        return _create_key_file(path)
    except FileExistsError:  # another process wrote it first
        return _key_file_text(path)


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    """The key ring of this process (read once)."""
    return phi_crypto.keyring_from(
        phi_crypto.parse_entries(key_source_text()), settings.CAREDESK_PHI_INDEX_KEY
    )


@receiver(setting_changed)
def _forget_keys(*, setting: str, **_: Any) -> None:
    if setting.startswith("CAREDESK_PHI") or setting == "DATA_DIR":
        keyring.cache_clear()


class Unreadable(str):
    """A stored value that did not decrypt; shows as "[unreadable]", saves back unchanged."""

    token: str

    def __new__(cls, token: str) -> Unreadable:
        obj = super().__new__(cls, UNREADABLE_TEXT)
        obj.token = token
        return obj


class PhiText(str):
    """A text that is stored encrypted (a PHI form answer, a PHI value in an event)."""


def encrypt_text(value: str, aad: str) -> str:
    if isinstance(value, Unreadable):
        return value.token
    return phi_crypto.encrypt(keyring(), str(value), aad)


def decrypt_text(token: str, aad: str) -> str:
    """The plaintext, or Unreadable when the value was changed or its key is gone."""
    try:
        return phi_crypto.decrypt(keyring(), token, aad)
    except PhiDecryptError as exc:
        log.warning("a PHI value (%s) does not decrypt: %s", aad, exc)
        return Unreadable(token)


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted with the active PHI key on save, decrypted on load. '' is stored as ''.

    Only `isnull` can be queried; search goes through the field's BlindIndexField."""

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.text_max_length = max_length  # checked by the services, not by the column
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.text_max_length is not None:
            kwargs["max_length"] = self.text_max_length
        return name, path, args, kwargs

    @property
    def aad(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or not phi_crypto.is_token(value):
            return value  # '' (or a value written before encryption, until it is migrated)
        return decrypt_text(value, self.aad)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or phi_crypto.is_token(value):
            return value
        return encrypt_text(value, self.aad)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(
                f"{self.name} is encrypted: search it through its blind index, not {lookup_name}."
            )
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """The keyed HMAC of another field's normalised value, kept current on every save."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = getattr(model_instance, self.source)
        if isinstance(value, Unreadable):  # keep the index of the value that cannot be read
            return str(getattr(model_instance, self.attname))
        digest = index_of(self.model, self.source, value)
        setattr(model_instance, self.attname, digest)
        return digest


def index_of(model: Any, field: str, value: Any) -> str:
    """The blind index of `value` for `model.field` ('' for an empty value)."""
    return phi_crypto.blind_index(keyring(), str(value or ""), f"{model._meta.label}.{field}")


def indexes_of(model: Any, field: str, value: Any) -> list[str]:
    """What a search for `value` in `model.field` matches: its index under the current key and
    under any key being replaced ([] for an empty value)."""
    return phi_crypto.blind_indexes(keyring(), str(value or ""), f"{model._meta.label}.{field}")


def index_fields(model: Any) -> dict[str, str]:
    """Encrypted field name -> its blind index field name, for a model."""
    return {f.source: f.name for f in model._meta.get_fields() if isinstance(f, BlindIndexField)}


def encrypted_fields(model: Any) -> list[str]:
    return [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedCharField)]


def with_indexes(model: Any, update_fields: Any) -> Any:
    """`update_fields` plus the blind index of every encrypted field in it."""
    if update_fields is None:
        return None
    names = list(update_fields)
    indexes = index_fields(model)
    return names + [indexes[n] for n in names if n in indexes and indexes[n] not in names]


# --- JSON values: PHI form answers and PHI values recorded in events ---------------------------


def seal_json(value: Any, aad: str) -> Any:
    """A JSON value with every PhiText inside encrypted (tokens stay tokens)."""
    if isinstance(value, PhiText):
        return encrypt_text(value, aad)
    if isinstance(value, Unreadable):
        return value.token
    if isinstance(value, dict):
        return {k: seal_json(v, f"{aad}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [seal_json(v, aad) for v in value]
    return value


def open_json(value: Any, aad: str) -> Any:
    """A JSON value with every encrypted text inside decrypted (as PhiText, so it is sealed
    again when saved)."""
    if phi_crypto.is_token(value):
        plain = decrypt_text(value, aad)
        return plain if isinstance(plain, Unreadable) else PhiText(plain)
    if isinstance(value, dict):
        return {k: open_json(v, f"{aad}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [open_json(v, aad) for v in value]
    return value


class SealedJSONField(models.JSONField):
    """JSON whose PhiText values are stored encrypted (bound to their key path)."""

    @property
    def aad(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return open_json(super().from_db_value(value, expression, connection), self.aad)

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(seal_json(value, self.aad))


def has_unreadable(value: Any) -> bool:
    if isinstance(value, Unreadable):
        return True
    if isinstance(value, dict):
        return any(has_unreadable(v) for v in value.values())
    return isinstance(value, list) and any(has_unreadable(v) for v in value)


def is_phi_json(value: Any) -> bool:
    """Whether a JSON value holds PHI (a PhiText or an unreadable value anywhere inside)."""
    if isinstance(value, PhiText | Unreadable):
        return True
    if isinstance(value, dict):
        return any(is_phi_json(v) for v in value.values())
    return isinstance(value, list) and any(is_phi_json(v) for v in value)


__all__ = [
    "BlindIndexField",
    "EncryptedCharField",
    "PhiDecryptError",
    "PhiKeyError",
    "PhiText",
    "SealedJSONField",
    "Unreadable",
    "keyring",
]
