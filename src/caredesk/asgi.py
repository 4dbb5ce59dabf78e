"""ASGI entry point (uvicorn).

HTTP requests run Django's WSGI handler on a fixed pool of threads per process (a2wsgi). Django's
own ASGI handler gives every request a fresh thread, and with it a fresh database connection;
a fixed pool keeps one long-lived connection per thread, which is what makes page times flat.
Other ASGI protocols (websockets for live chat) are routed beside it.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = WSGIMiddleware(get_wsgi_application(), workers=settings.CAREDESK_HTTP_THREADS)
