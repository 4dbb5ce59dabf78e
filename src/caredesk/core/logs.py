"""Log lines as text or as one JSON object per line, carrying nothing but safe context.

What a line may hold: the time, level, logger, the message CareDesk's code wrote (which names
records by id, never by content), the request ID, the job being run, and a short list of named
fields (method, route name, status, duration). Never request bodies, query strings, client
addresses or arbitrary `extra` values. An exception is shown by its type and where it was raised,
never by its message: a database error quotes the row it refused, and rows hold health
information and addresses.
"""

from __future__ import annotations

import json
import logging
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The job being run on this thread (set by the worker's signal handlers in caredesk.core.tasks).
_job: ContextVar[tuple[str, str] | None] = ContextVar("caredesk_job", default=None)

# Named fields a log call may pass in `extra`; everything else in a record is left out.
SAFE_FIELDS = ("method", "route", "status", "duration_ms", "status_code", "outbox_item")
FORMATS = ("text", "json")


def job_started(name: str, job_id: str) -> None:
    _job.set((name, job_id))


def job_ended() -> None:
    _job.set(None)


def _request_id(record: logging.LogRecord) -> str | None:
    # Django's request logger hands over the request after the middleware's context has ended
    request = getattr(record, "request", None)
    found = getattr(request, "request_id", None) or getattr(record, "request_id", None)
    if found:
        return str(found)
    from caredesk.core.middleware import current_request

    current = current_request()
    return getattr(current, "request_id", None) if current is not None else None


def exception_summary(exc_info: Any) -> str:
    """`Type` and the frames it passed through (file, line, function), without its message."""
    kind, _value, tb = exc_info
    frames = traceback.extract_tb(tb)
    where = " <- ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in reversed(frames))
    name = getattr(kind, "__qualname__", str(kind))
    module = getattr(kind, "__module__", "")
    full = name if module in ("builtins", "") else f"{module}.{name}"
    return f"{full} at {where}" if where else full


class TextFormatter(logging.Formatter):
    """The plain format, with exceptions summarised as in the JSON format."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's hook name
        return "  exception: " + exception_summary(ei)

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's hook name
        return ""  # stack_info may quote local source lines with values pasted in


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, job, safe fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id(record)
        if request_id:
            line["request_id"] = request_id
        job = _job.get()
        if job is not None:
            line["task"], line["task_id"] = job
        for name in SAFE_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = exception_summary(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """Django's LOGGING: everything to standard error in `fmt` ("text" or "json")."""
    if fmt not in FORMATS:
        raise ValueError(f"CAREDESK_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    formatter = f"caredesk.core.logs.{'JsonFormatter' if fmt == 'json' else 'TextFormatter'}"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"()": formatter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Request lines can carry query strings; keep them out of the default log.
            "django.server": {"level": "WARNING"},
            # uvicorn's access lines carry the query string and the client's address: CareDesk
            # writes its own request line instead (caredesk.request). uvicorn's other messages
            # go out in the same format as everything else.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "uvicorn": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # At DEBUG these write what goes over the wire: imapclient the whole IMAP
            # conversation (every fetched mail), urllib3 each URL with its query string.
            "imapclient": {"level": "INFO"},
            "urllib3": {"level": "INFO"},
        },
    }
