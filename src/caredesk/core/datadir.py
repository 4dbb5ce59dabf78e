"""The data folder is CareDesk's alone: folders 0700, files 0600, whatever the umask.

It holds the embedded database (and SQLite's WAL and shared-memory files beside it), the job
queue's SQLite file, mail written to `outbox-mail/`, attachments, the key files and collected
static files. Every CareDesk process (`caredesk`, `manage`, uvicorn loading `caredesk.asgi`, a
worker) loads the settings first, and the settings call `keep_private()`: from then on what the
process creates is readable by its own user only, including files other libraries create (SQLite,
Huey, Django's mail and storage backends). Django's storage sets modes itself after writing, so
`FILE_UPLOAD_PERMISSIONS` and `FILE_UPLOAD_DIRECTORY_PERMISSIONS` say the same.

No Django here: the settings import it.
"""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077


def keep_private() -> None:
    """Make files and folders this process creates from now on private to its user."""
    os.umask(UMASK)


def private_folder(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700; an existing folder is left as it is."""
    if not path.is_dir():
        path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        path.chmod(FOLDER_MODE)  # mkdir's mode passes through the umask
    return path


def write_private(path: Path, text: str) -> None:
    """Write a new file that was never readable by anyone else (created 0600, not chmod after).
    FileExistsError when another process wrote it first."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
