"""Stored files encrypted at rest: a file-system storage that seals what it writes (AES-256-GCM,
key ID in the header) and opens what it reads, so every download and preview path stays as it
was. Files written before encryption are read as they are until `caredesk keys rotate` seals
them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from caredesk.core import phi_crypto
from caredesk.core.phi import keyring

AAD = "caredesk.stored-file"
PLAINTEXT = ""  # the "key id" of a file written before encryption


@deconstructible(path="caredesk.core.phi_files.EncryptedFileSystemStorage")
class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage under MEDIA_ROOT whose files are encrypted with the active PHI key."""

    def _save(self, name: str, content: File[Any]) -> str:
        content.seek(0)
        sealed = phi_crypto.encrypt_file(keyring(), content.read(), AAD)
        # the stubs leave out the private _save that Storage.save calls
        return super()._save(name, ContentFile(sealed))  # type: ignore[misc,no-any-return]

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        data = Path(self.path(name)).read_bytes()
        if phi_crypto.is_encrypted_file(data):
            data = phi_crypto.decrypt_file(keyring(), data, AAD)
        return ContentFile(data, name=name)

    def key_id(self, name: str) -> str:
        """The key a stored file is under ('' when it was written before encryption)."""
        with open(self.path(name), "rb") as fh:
            head = fh.read(len(phi_crypto.FILE_MAGIC) + 33)
        return phi_crypto.file_key_id(head) if phi_crypto.is_encrypted_file(head) else PLAINTEXT

    def reseal(self, name: str) -> None:
        """Rewrite a stored file under the active key (atomically: a crash leaves the old one)."""
        path = Path(self.path(name))
        data = path.read_bytes()
        if phi_crypto.is_encrypted_file(data):
            data = phi_crypto.decrypt_file(keyring(), data, AAD)
        tmp = path.with_name(path.name + ".rotating")
        tmp.write_bytes(phi_crypto.encrypt_file(keyring(), data, AAD))
        os.replace(tmp, path)


phi_storage = EncryptedFileSystemStorage()


def encrypted_storage() -> EncryptedFileSystemStorage:
    return phi_storage
