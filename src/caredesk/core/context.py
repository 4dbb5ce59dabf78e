from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def desk(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.CAREDESK_SITE_NAME,
        "support_phone": settings.CAREDESK_SUPPORT_PHONE,
    }
