"""Test settings: the product's settings with a throwaway data folder and fast hashing."""

import os
import tempfile

os.environ["CAREDESK_TESTING"] = "1"
os.environ.setdefault("CAREDESK_DATA_DIR", tempfile.mkdtemp(prefix="caredesk-test-"))
os.environ.setdefault("CAREDESK_INSECURE_HTTP", "1")

from caredesk.settings import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# No test reaches Twilio: pages go to a recording peer on 127.0.0.1 (tests/oncall/conftest.py),
# and without it to a loopback port where nothing listens (the discard port), never outward.
CAREDESK_TWILIO_API_BASE = "http://127.0.0.1:9"

# Whitenoise looks for the collected-static folder at start-up; tests serve through the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Counts reflect every change at once in tests (a test moves faster than any cache expires).
CAREDESK_SIDEBAR_COUNTS_SECONDS = 0

# On SQLite the test database is a file rather than memory, so servers the tests start in other
# threads (uvicorn for the chat's websockets) open their own connections to the same data.
# It lives in shared memory where the system has it, so it costs what a memory database costs.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _folder = "/dev/shm" if os.path.isdir("/dev/shm") else str(DATA_DIR)  # noqa: F405, S108
    _name = os.path.join(_folder, f"{DATA_DIR.name}-test.sqlite3")  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": _name}  # noqa: F405
