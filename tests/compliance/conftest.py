from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """Each test signs its checkpoints into a folder of its own."""
    folder = tmp_path / "audit-checkpoints"
    settings.CAREDESK_AUDIT_CHECKPOINT_DIR = folder
    return folder
