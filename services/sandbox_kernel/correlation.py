"""The correlation id that ties one story together across services and events.

An incoming ``X-Correlation-ID`` header is kept; otherwise a new id is made. Every event emitted while
handling the request carries it as the ``correlationid`` CloudEvents extension, and the response echoes it.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar

HEADER = "X-Correlation-ID"
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current() -> str | None:
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


class CorrelationMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would break streaming and contextvars)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(HEADER.lower().encode())
        value = _clean(incoming.decode("latin-1")) if incoming else None
        cid = value or new_id()
        token = _current.set(cid)

        async def send_with_header(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER.lower().encode(), cid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            _current.reset(token)


def _clean(value: str) -> str | None:
    value = value.strip()
    if 0 < len(value) <= 128 and value.isprintable():
        return value
    return None
