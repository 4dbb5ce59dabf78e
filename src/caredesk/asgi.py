"""ASGI entry point (uvicorn).

HTTP requests run Django's WSGI handler on a fixed pool of threads per process (a2wsgi). Django's
own ASGI handler gives every request a fresh thread, and with it a fresh database connection;
a fixed pool keeps one long-lived connection per thread, which is what makes page times flat.
Websockets (live chat) go to Channels consumers beside it; each consumer checks the page's
origin itself (visitors: CAREDESK_CHAT_ORIGINS; agents: the desk's own pages with their
session cookie). The public status page and its feed are answered before Django while
their cached version stands (caredesk/incidents/status_asgi.py).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

# a Django response is the iterable of bytes WSGI asks for; the stubs type it as a response
http = WSGIMiddleware(get_wsgi_application(), workers=settings.CAREDESK_HTTP_THREADS)  # type: ignore[arg-type]

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from caredesk.chat.routing import websocket_urlpatterns  # noqa: E402
from caredesk.core.middleware import StorableCookiesASGI  # noqa: E402
from caredesk.incidents.status_asgi import StatusPageFront  # noqa: E402

application = ProtocolTypeRouter(
    {
        # the public status page's hot paths are answered from memory while current
        "http": StatusPageFront(http),  # type: ignore[arg-type]
        "lifespan": http,
        # Channels reads each pattern's callback as an ASGI consumer (see chat/routing.py)
        "websocket": StorableCookiesASGI(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),  # type: ignore[arg-type]
    }
)
