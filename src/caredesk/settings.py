"""Settings: every value comes from the environment with a safe default (12-factor)."""

from __future__ import annotations

import contextlib
import ipaddress
from pathlib import Path

import environ

from caredesk.core.datadir import (
    FILE_MODE,
    FOLDER_MODE,
    keep_private,
    private_folder,
    write_private,
)

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

DEBUG = env.bool("CAREDESK_DEBUG", default=False)
DATA_DIR = Path(env.str("CAREDESK_DATA_DIR", default=str(Path.cwd() / "data"))).resolve()
TESTING = env.bool("CAREDESK_TESTING", default=False)
# The embedded database, job queue and attachments live here: make sure it exists, and that what
# this process creates (there and anywhere) is its user's alone (caredesk/core/datadir.py).
keep_private()
private_folder(DATA_DIR)


def _key_file(name: str, nbytes: int) -> str:
    """A random key kept in the data folder (made on first use), so restarts keep it."""
    path = DATA_DIR / name
    if not path.exists():
        import secrets

        with contextlib.suppress(FileExistsError):  # another process wrote it first
            write_private(path, secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def _secret_key() -> str:
    """Use SECRET_KEY, else a random key kept in the data folder so restarts keep sessions."""
    key: str = env.str("SECRET_KEY", default="")
    if key:
        return key
    if TESTING:
        return "caredesk-test-only-key-not-for-production-use-0123456789"
    return _key_file("secret_key", 50)


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
    "caredesk.core",
    "caredesk.accounts",
    "caredesk.tickets",
    "caredesk.sla",
    "caredesk.rules",
    "caredesk.integrations",
    "caredesk.intake",
    "caredesk.phone",
    "caredesk.chat",
    "caredesk.compliance",
    "caredesk.governance",
    "caredesk.complaints",
    "caredesk.oncall",
    "caredesk.qa",
    "caredesk.workspace",
    "caredesk.devices",
    "caredesk.knowledge",
    "caredesk.training",
    "caredesk.feedback",
    "caredesk.incidents",
    "caredesk.reports",
    "caredesk.desk",
    "caredesk.portal",
    "caredesk.selfserve",
]

MIDDLEWARE = [
    "caredesk.core.forwarded.UntrustedForwardedHeadersMiddleware",
    "caredesk.core.metrics.RequestMetricsMiddleware",
    "caredesk.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "caredesk.core.middleware.SecurityHeadersMiddleware",
    "caredesk.core.middleware.StorableTextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "caredesk.accounts.sessions.SessionPolicyMiddleware",
    "caredesk.core.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "caredesk.urls"
WSGI_APPLICATION = "caredesk.wsgi.application"
ASGI_APPLICATION = "caredesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caredesk.core.context.desk",
                "caredesk.accounts.sessions.banner",
            ],
        },
    }
]

# Database: embedded SQLite (WAL) unless DATABASE_URL names another.
_sqlite_path = DATA_DIR / "caredesk.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{_sqlite_path}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    # HTTP runs on a fixed pool of threads per process (asgi.py), so each thread keeps one
    # connection open; the health check replaces a connection the server has closed.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side cursors cost extra round trips for small iterations (form choices); large
    # reads page by keyset instead.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# Threads per web process that run requests (each holds at most one database connection).
CAREDESK_HTTP_THREADS = env.int("CAREDESK_HTTP_THREADS", default=8)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Fast hashing keeps the suite quick; production always uses Argon2 first.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "attachments"
# Stored files (attachments, collected static files) and their folders: the owner's alone.
FILE_UPLOAD_PERMISSIONS = FILE_MODE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = FOLDER_MODE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Security: secure by default; CAREDESK_INSECURE_HTTP=1 for the local embedded demo.
_https = not env.bool("CAREDESK_INSECURE_HTTP", default=False)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The browser may keep the cookie this long; the session itself ends earlier by the rules in
# caredesk.accounts.sessions (CAREDESK_SESSION_MAX_HOURS and the idle limits).
SESSION_COOKIE_AGE = env.int("CAREDESK_SESSION_AGE", default=12 * 3600)
SECURE_SSL_REDIRECT = _https and env.bool("CAREDESK_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("CAREDESK_HSTS_SECONDS", default=31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("CAREDESK_BEHIND_PROXY", default=False)
    else None
)
X_FRAME_OPTIONS = "DENY"

# Health information at rest (AES-256-GCM): keys as id=base64 entries, the first one writes;
# or a file of such lines. The blind-index secret is CAREDESK_PHI_INDEX_KEY or an `index=` entry.
# Keys never go in the database. Without any, the embedded mode (local HTTP or the SQLite
# database in the data folder) writes a key file (0600) into the data folder; elsewhere CareDesk
# refuses to start (system check caredesk.E001), and `check --deploy` refuses keys kept in the
# data folder beside the database (caredesk.E002). The checks never write the key file.
CAREDESK_PHI_KEYS = env.str("CAREDESK_PHI_KEYS", default="")
CAREDESK_PHI_KEY_FILE = env.str("CAREDESK_PHI_KEY_FILE", default="")
CAREDESK_PHI_INDEX_KEY = env.str("CAREDESK_PHI_INDEX_KEY", default="")
CAREDESK_PHI_AUTO_KEYS = not _https or TESTING or not env.str("DATABASE_URL", default="")
# Minutes a "break the glass" grant shows a ticket's health information to someone without
# the view_phi permission.
CAREDESK_BREAK_GLASS_MINUTES = env.int("CAREDESK_BREAK_GLASS_MINUTES", default=30)

# Request limits: bodies over these sizes are refused with 413, never half-read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("CAREDESK_MAX_BODY_BYTES", default=2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
CAREDESK_MAX_MAIL_BYTES = env.int("CAREDESK_MAX_MAIL_BYTES", default=25 * 1024 * 1024)
CAREDESK_MAX_ATTACHMENT_BYTES = env.int("CAREDESK_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
CAREDESK_ATTACHMENT_TYPES = env.list(
    "CAREDESK_ATTACHMENT_TYPES",
    default=[
        "image/png",
        "image/jpeg",
        "image/gif",
        "application/pdf",
        "text/plain",
        "text/csv",
        "application/json",
        "application/zip",
        "application/octet-stream",
    ],
)

# Seconds an agent's sidebar counts are reused between page loads (0: count on every page).
CAREDESK_SIDEBAR_COUNTS_SECONDS = env.float("CAREDESK_SIDEBAR_COUNTS_SECONDS", default=10.0)

# Minutes without a page or an action on the desk after which a person is "away": a mention
# then also reaches them by mail (as does closing every desk page for a minute).
CAREDESK_AWAY_MINUTES = env.float("CAREDESK_AWAY_MINUTES", default=10.0)

# Product settings.
CAREDESK_TICKET_PREFIX = env.str("CAREDESK_TICKET_PREFIX", default="CD")
CAREDESK_SUPPORT_PHONE = env.str("CAREDESK_SUPPORT_PHONE", default="+1-800-555-0142")
CAREDESK_SITE_NAME = env.str("CAREDESK_SITE_NAME", default="CareDesk")
# The public address; unset, it follows the port `caredesk serve` listens on (PORT).
CAREDESK_BASE_URL: str = env.str(
    "CAREDESK_BASE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")

# Knowledge base: the highest reading grade (Flesch-Kincaid) each audience's articles aim for,
# and whether an article must be published by someone other than the person who submitted it.
CAREDESK_KB_GRADE_TARGETS: dict[str, float] = {
    "patient": env.float("CAREDESK_KB_GRADE_PATIENT", default=8.0),
    "clinician": env.float("CAREDESK_KB_GRADE_CLINICIAN", default=14.0),
    "administrator": env.float("CAREDESK_KB_GRADE_ADMINISTRATOR", default=12.0),
    "internal": env.float("CAREDESK_KB_GRADE_INTERNAL", default=14.0),
}
CAREDESK_KB_SECOND_REVIEWER = env.bool("CAREDESK_KB_SECOND_REVIEWER", default=True)

# Mailboxes polled for new mail every minute: imaps://user:password@host:993/INBOX, comma
# separated. Handled mail is flagged, or moved to CAREDESK_IMAP_MOVE_TO when it is set.
CAREDESK_IMAP_MAILBOXES = env.list("CAREDESK_IMAP_MAILBOXES", default=[])
CAREDESK_IMAP_MOVE_TO = env.str("CAREDESK_IMAP_MOVE_TO", default="")
# Seconds between looks at the mailboxes (5 to 60): a safety report by mail pages the on-call
# liaison within this plus a second or so.
CAREDESK_IMAP_POLL_SECONDS = min(60, max(5, env.int("CAREDESK_IMAP_POLL_SECONDS", default=15)))

# Video-session failure reports (partner API) open tickets on this team and category (slugs).
CAREDESK_VIDEO_FAILURE_TEAM = env.str("CAREDESK_VIDEO_FAILURE_TEAM", default="tier-2")
CAREDESK_VIDEO_FAILURE_CATEGORY = env.str("CAREDESK_VIDEO_FAILURE_CATEGORY", default="video-visit")

# Engineering tracker (Jira Cloud or Server): rules open issues there and follow their status.
CAREDESK_JIRA_URL = env.str("CAREDESK_JIRA_URL", default="")
CAREDESK_JIRA_USER = env.str("CAREDESK_JIRA_USER", default="")  # Cloud: the account's e-mail
CAREDESK_JIRA_TOKEN = env.str("CAREDESK_JIRA_TOKEN", default="")
CAREDESK_JIRA_ISSUE_TYPE = env.str("CAREDESK_JIRA_ISSUE_TYPE", default="Task")
CAREDESK_JIRA_WEBHOOK_SECRET = env.str("CAREDESK_JIRA_WEBHOOK_SECRET", default="")
# Issue summaries carry the reference and category, not the subject (it may hold health data).
CAREDESK_JIRA_INCLUDE_SUBJECT = env.bool("CAREDESK_JIRA_INCLUDE_SUBJECT", default=False)

# Telephony (Twilio): the auth token checks each webhook's signature; empty turns the webhook
# off. Calls to the urgent numbers (the 24/7 clinical line) are flagged and open level 1 tickets.
CAREDESK_TWILIO_AUTH_TOKEN = env.str("CAREDESK_TWILIO_AUTH_TOKEN", default="")
CAREDESK_PHONE_URGENT_NUMBERS = env.list("CAREDESK_PHONE_URGENT_NUMBERS", default=[])
CAREDESK_PHONE_ANSWER_TARGET_SECONDS = env.int("CAREDESK_PHONE_ANSWER_TARGET_SECONDS", default=30)
# Numbers written without a country code (in contacts, in settings) are read in this country.
CAREDESK_PHONE_COUNTRY_CODE = env.str("CAREDESK_PHONE_COUNTRY_CODE", default="1").lstrip("+")
# Paging by SMS and voice call goes through Twilio's REST API with the account SID and the auth
# token above, from this number; without a SID or a number, pages go in-app and by mail only.
CAREDESK_TWILIO_ACCOUNT_SID = env.str("CAREDESK_TWILIO_ACCOUNT_SID", default="")
CAREDESK_TWILIO_FROM_NUMBER = env.str("CAREDESK_TWILIO_FROM_NUMBER", default="")
CAREDESK_TWILIO_API_BASE = env.str("CAREDESK_TWILIO_API_BASE", default="https://api.twilio.com")
# How long a page's acknowledgement link works.
CAREDESK_PAGE_LINK_HOURS = env.int("CAREDESK_PAGE_LINK_HOURS", default=24)

# Access audit: signed checkpoints of the hash chain are appended to a file outside the database
# every CAREDESK_AUDIT_CHECKPOINT_EVERY entries and every 15 minutes. Keep the folder on another
# disk or a write-once mount. The signing key comes from CAREDESK_AUDIT_KEY or the file named by
# CAREDESK_AUDIT_KEY_FILE; the embedded mode makes one in the data folder.
CAREDESK_AUDIT_CHECKPOINT_DIR = Path(
    env.str("CAREDESK_AUDIT_CHECKPOINT_DIR", default=str(DATA_DIR / "audit-checkpoints"))
)
CAREDESK_AUDIT_CHECKPOINT_EVERY = env.int("CAREDESK_AUDIT_CHECKPOINT_EVERY", default=10_000)
CAREDESK_AUDIT_KEY_FILE = env.str("CAREDESK_AUDIT_KEY_FILE", default="")
CAREDESK_AUDIT_EMBEDDED = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def _audit_key() -> str:
    """The checkpoint signing key: the environment, a key file, or (embedded) a generated file."""
    key: str = env.str("CAREDESK_AUDIT_KEY", default="")
    if key:
        return key
    if CAREDESK_AUDIT_KEY_FILE:
        return Path(CAREDESK_AUDIT_KEY_FILE).read_text().strip()
    if TESTING:
        return "caredesk-test-only-audit-key-0123456789abcdef"
    if not CAREDESK_AUDIT_EMBEDDED:
        return ""  # the system check refuses to start without one
    return _key_file("audit_key", 48)


CAREDESK_AUDIT_KEY = _audit_key()
# Entries older than this are purged from the start of the chain (never below 6 years).
CAREDESK_AUDIT_RETENTION_YEARS = env.int("CAREDESK_AUDIT_RETENTION_YEARS", default=7)

# Complaint files (21 CFR 820.198): kept this many days after closure (7 years with leap days)
# unless a retention rule says otherwise; legal holds keep them longer. The 5-day MDR report
# counts work days on the SLA calendar named here (empty: the first with business hours).
CAREDESK_COMPLAINT_RETENTION_DAYS = env.int("CAREDESK_COMPLAINT_RETENTION_DAYS", default=2557)
CAREDESK_COMPLAINT_CALENDAR = env.str("CAREDESK_COMPLAINT_CALENDAR", default="")
CAREDESK_COMPLAINT_DUE_SOON_DAYS = env.int("CAREDESK_COMPLAINT_DUE_SOON_DAYS", default=5)

# Mail (outbound notifications go through the outbox and Django's mail backends).
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if env.str("EMAIL_HOST", default="")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "outbox-mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# Seconds one SMTP conversation may take; it must end well inside the outbox lease below.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Outbox (mail, webhooks, tracker issues): the waits between attempts after each failure, and
# how long a worker's claim on an item lasts before another worker may take it (a crashed
# worker's item comes back after this). The default schedule retries for 27 h 35 min 5 s.
CAREDESK_OUTBOX_RETRY_SCHEDULE = env.str(
    "CAREDESK_OUTBOX_RETRY_SCHEDULE", default="5s,5m,30m,2h,5h,10h,10h"
)
CAREDESK_OUTBOX_LEASE_SECONDS = env.float("CAREDESK_OUTBOX_LEASE_SECONDS", default=300)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="support@caredesk.example")
# Replies go to support+t<ticket>-<signature>@…, so they find their ticket even if the subject
# changes; empty: no Reply-To.
CAREDESK_REPLY_ADDRESS = env.str("CAREDESK_REPLY_ADDRESS", default=DEFAULT_FROM_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Other addresses that deliver into the desk (aliases, the mailboxes polled by IMAP): mail sent
# to them is never put in copy (CC) of a ticket. The two above and the organizations' own
# sender and reply addresses are known already.
CAREDESK_OWN_ADDRESSES = [
    a.strip().lower() for a in env.list("CAREDESK_OWN_ADDRESSES", default=[]) if a.strip()
]
# A mail provider's HTTP API instead of SMTP (django-anymail): set EMAIL_BACKEND to e.g.
# anymail.backends.postmark.EmailBackend and ANYMAIL to its settings as JSON.
ANYMAIL = env.json("ANYMAIL", default={})
# A new ticket by mail is acknowledged with its reference, the expected first response time and,
# for a device problem, the questions triage needs answered.
CAREDESK_ACKNOWLEDGE = env.bool("CAREDESK_ACKNOWLEDGE", default=True)

# Incidents opened by a rule: this many tickets whose subjects share a symptom, within this many
# minutes, open a Sev 2 incident (the worker checks every minute).
CAREDESK_INCIDENT_RULE_TICKETS = env.int("CAREDESK_INCIDENT_RULE_TICKETS", default=10)
CAREDESK_INCIDENT_RULE_MINUTES = env.int("CAREDESK_INCIDENT_RULE_MINUTES", default=15)

# Background jobs: Huey behind caredesk.core.tasks. Embedded: SQLite file; scale-out: Redis.
REDIS_URL = env.str("REDIS_URL", default="")
# Every key CareDesk writes to Redis starts with this, so several installations (or test runs)
# can share one Redis server.
CAREDESK_REDIS_PREFIX = env.str("CAREDESK_REDIS_PREFIX", default="caredesk")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": CAREDESK_REDIS_PREFIX,
        "url": REDIS_URL,
        "immediate": TESTING,
        "results": False,  # nothing reads a job's return value: none is kept
        "consumer": {"workers": env.int("CAREDESK_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "caredesk",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": TESTING,
        "results": False,  # nothing reads a job's return value: none is kept
        "consumer": {"workers": env.int("CAREDESK_WORKERS", default=2), "worker_type": "thread"},
    }

# Shared counters (rate limits): in-process when embedded, Redis in the scale-out mode.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CAREDESK_REDIS_PREFIX,
    }
    if REDIS_URL and not TESTING
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "caredesk"}
}
CAREDESK_BEHIND_PROXY = env.bool("CAREDESK_BEHIND_PROXY", default=False)
# The reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma
# separated); empty: the connecting address is the client's, whatever a header says
# (caredesk/core/forwarded.py). CAREDESK_BEHIND_PROXY without them fails the system check.
CAREDESK_TRUSTED_PROXIES_TEXT = env.list("CAREDESK_TRUSTED_PROXIES", default=[])


def _trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    from caredesk.core.forwarded import parse_networks

    try:
        return parse_networks(CAREDESK_TRUSTED_PROXIES_TEXT)
    except ValueError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"CAREDESK_TRUSTED_PROXIES: {exc}") from None


CAREDESK_TRUSTED_PROXIES = _trusted_proxies()
# Attempts per minute and client address at each public door; 0 turns a limit off.
CAREDESK_RATE_PUBLIC_FORM = env.int("CAREDESK_RATE_PUBLIC_FORM", default=10)
CAREDESK_RATE_CHAT = env.int("CAREDESK_RATE_CHAT", default=60)
# Failed sign-ins: an account (by the address typed) and a client address are refused for
# CAREDESK_SIGNIN_LOCK_MINUTES after this many failures within that time.
CAREDESK_SIGNIN_ATTEMPTS = env.int("CAREDESK_SIGNIN_ATTEMPTS", default=5)
CAREDESK_SIGNIN_ATTEMPTS_PER_ADDRESS = env.int("CAREDESK_SIGNIN_ATTEMPTS_PER_ADDRESS", default=20)
CAREDESK_SIGNIN_LOCK_MINUTES = env.int("CAREDESK_SIGNIN_LOCK_MINUTES", default=15)
# Wrong second-step codes (authenticator or recovery code) per account within the same window.
CAREDESK_MFA_ATTEMPTS = env.int("CAREDESK_MFA_ATTEMPTS", default=5)
# Sessions end after this long without activity (staff / everyone else) and, whatever the
# activity, this long after signing in.
CAREDESK_STAFF_IDLE_MINUTES = env.float("CAREDESK_STAFF_IDLE_MINUTES", default=15)
CAREDESK_IDLE_MINUTES = env.float("CAREDESK_IDLE_MINUTES", default=60)
CAREDESK_SESSION_MAX_HOURS = env.float("CAREDESK_SESSION_MAX_HOURS", default=12)
# Single sign-on for staff by OpenID Connect; off while CAREDESK_OIDC_ISSUER is empty. Only
# existing, active staff accounts whose address the provider has verified may sign in this way.
CAREDESK_OIDC_ISSUER = env.str("CAREDESK_OIDC_ISSUER", default="")
CAREDESK_OIDC_CLIENT_ID = env.str("CAREDESK_OIDC_CLIENT_ID", default="")
CAREDESK_OIDC_CLIENT_SECRET = env.str("CAREDESK_OIDC_CLIENT_SECRET", default="")
CAREDESK_OIDC_LABEL = env.str("CAREDESK_OIDC_LABEL", default="Sign in with single sign-on")
# After single sign-on, still ask for the CareDesk authenticator code; turn off only when the
# provider itself enforces a second factor.
CAREDESK_OIDC_SECOND_STEP = env.bool("CAREDESK_OIDC_SECOND_STEP", default=True)
# Single sign-on for staff by SAML 2.0; off while both the provider's metadata file and its
# sign-in URL are unset. Explicit settings win over the metadata. The signing certificate(s) come
# from the metadata, inline (PEM) or from a PEM file; several may be given while the provider
# rolls its key over. The desk's entity ID defaults to its metadata URL.
CAREDESK_SAML_IDP_METADATA_FILE = env.str("CAREDESK_SAML_IDP_METADATA_FILE", default="")
CAREDESK_SAML_IDP_SSO_URL = env.str("CAREDESK_SAML_IDP_SSO_URL", default="")
CAREDESK_SAML_IDP_ENTITY_ID = env.str("CAREDESK_SAML_IDP_ENTITY_ID", default="")
CAREDESK_SAML_IDP_CERT = env.str("CAREDESK_SAML_IDP_CERT", default="", multiline=True)
CAREDESK_SAML_IDP_CERT_FILE = env.str("CAREDESK_SAML_IDP_CERT_FILE", default="")
CAREDESK_SAML_SP_ENTITY_ID = env.str("CAREDESK_SAML_SP_ENTITY_ID", default="")
# the attribute holding the address; empty: an e-mail NameID, else email / mail / the usual claims
CAREDESK_SAML_EMAIL_ATTRIBUTE = env.str("CAREDESK_SAML_EMAIL_ATTRIBUTE", default="")
CAREDESK_SAML_LABEL = env.str(
    "CAREDESK_SAML_LABEL", default="Sign in with your organization (SAML)"
)
CAREDESK_SAML_SECOND_STEP = env.bool("CAREDESK_SAML_SECOND_STEP", default=True)
# The most tickets one CSV export of the queue may hold (narrower filters beyond that).
CAREDESK_EXPORT_MAX_ROWS = env.int("CAREDESK_EXPORT_MAX_ROWS", default=10_000)
# what an hour of bench time costs, copied onto each new RMA (its repair cost per unit)
CAREDESK_RMA_LABOUR_RATE = env.str("CAREDESK_RMA_LABOUR_RATE", default="90.00")
CAREDESK_RATE_WEBHOOK = env.int("CAREDESK_RATE_WEBHOOK", default=600)
# Requests to the device check's network tests (one run makes about ten).
CAREDESK_RATE_DIAGNOSTICS = env.int("CAREDESK_RATE_DIAGNOSTICS", default=30)

# Live chat: sites allowed to embed the widget (scheme://host[:port], comma separated), the
# calendar of chat hours (by name), chats an agent takes at once, the first-reply target.
CAREDESK_CHAT_ORIGINS = env.list("CAREDESK_CHAT_ORIGINS", default=[])
CAREDESK_CHAT_CALENDAR = env.str("CAREDESK_CHAT_CALENDAR", default="Live chat")
CAREDESK_CHAT_MAX_CONCURRENT = env.int("CAREDESK_CHAT_MAX_CONCURRENT", default=3)
CAREDESK_CHAT_FIRST_REPLY_SECONDS = env.int("CAREDESK_CHAT_FIRST_REPLY_SECONDS", default=60)
# A waiting chat ends on its own when its visitor has been gone this long, or nobody took it.
CAREDESK_CHAT_VISITOR_GONE_MINUTES = env.int("CAREDESK_CHAT_VISITOR_GONE_MINUTES", default=5)
CAREDESK_CHAT_WAIT_MINUTES = env.int("CAREDESK_CHAT_WAIT_MINUTES", default=10)
# An available agent whose chat page has been closed this long is set away.
CAREDESK_CHAT_AGENT_AWAY_MINUTES = env.int("CAREDESK_CHAT_AGENT_AWAY_MINUTES", default=5)

# Governance: staff access is signed off every CAREDESK_ACCESS_REVIEW_DAYS; accounts without a
# sign-in for CAREDESK_UNUSED_ACCOUNT_DAYS are flagged; the retention purge deletes this many
# records per batch; breach notification tasks due within this many hours are shown as near.
CAREDESK_ACCESS_REVIEW_DAYS = env.int("CAREDESK_ACCESS_REVIEW_DAYS", default=90)
CAREDESK_UNUSED_ACCOUNT_DAYS = env.int("CAREDESK_UNUSED_ACCOUNT_DAYS", default=90)
CAREDESK_RETENTION_BATCH = env.int("CAREDESK_RETENTION_BATCH", default=500)
CAREDESK_BREACH_NEAR_HOURS = env.int("CAREDESK_BREACH_NEAR_HOURS", default=24)
# the share of each agent's interactions drawn for QA review every week (never below 0.05)
CAREDESK_QA_SAMPLE_SHARE = env.str("CAREDESK_QA_SAMPLE_SHARE", default="0.05")
# Websocket messages between processes: in-process when embedded, Redis in the scale-out mode.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{CAREDESK_REDIS_PREFIX}:chat"},
    }
    if REDIS_URL
    else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
}

NINJA_PAGINATION_PER_PAGE = 25

# --- Observability: logs and Prometheus metrics -------------------------------------------------
# Logs go to standard error as text (the default) or one JSON object per line; either way they
# carry no request bodies, query strings, client addresses or exception messages
# (caredesk/core/logs.py).
CAREDESK_LOG_FORMAT = env.str("CAREDESK_LOG_FORMAT", default="text").strip().lower()
CAREDESK_LOG_LEVEL = env.str("CAREDESK_LOG_LEVEL", default="INFO").strip().upper()


def _logging() -> dict[str, object]:
    from caredesk.core.logs import logging_config

    if CAREDESK_LOG_FORMAT == "json":
        import logging

        logging.captureWarnings(True)  # Python's warnings become JSON lines too, not raw text
    return logging_config(fmt=CAREDESK_LOG_FORMAT, level=CAREDESK_LOG_LEVEL)


LOGGING = _logging()
# GET /metrics stays 404 until one of these is set: a bearer token the scraper must send, and/or
# the networks it may connect from (the connecting address, never a forwarded header).
CAREDESK_METRICS_TOKEN = env.str("CAREDESK_METRICS_TOKEN", default="")
CAREDESK_METRICS_ADDRESSES = [
    ipaddress.ip_network(n.strip(), strict=False)
    for n in env.list("CAREDESK_METRICS_ADDRESSES", default=[])
    if n.strip()
]
# prometheus_client's own variable: the folder where this machine's web processes keep their
# request figures. A missing folder would fail every request, so it stops the start instead.
_metrics_folder = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
if _metrics_folder and not Path(_metrics_folder).is_dir():
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"PROMETHEUS_MULTIPROC_DIR {_metrics_folder} is not a folder")

# training and certification (docs/admin-guide.md, "Training and certification")
CAREDESK_TRAINING_SHADOWING_REQUIRED = env.int("CAREDESK_TRAINING_SHADOWING_REQUIRED", default=20)
CAREDESK_TRAINING_VALID_MONTHS = env.int("CAREDESK_TRAINING_VALID_MONTHS", default=12)
CAREDESK_TRAINING_WARN_DAYS = env.int("CAREDESK_TRAINING_WARN_DAYS", default=30)
CAREDESK_TRAINING_FIRMWARE_GRACE_DAYS = env.int("CAREDESK_TRAINING_FIRMWARE_GRACE_DAYS", default=30)
