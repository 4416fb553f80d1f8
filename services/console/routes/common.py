"""What the page routes share: the signed-in principal, rendering, and the filter taken from the URL."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..auth import Principal, from_session
from ..context import TEMPLATES


class NotSignedIn(Exception):
    """A page was asked for without a session: the handler sends the browser to /entrar."""


async def page_principal(request: Request) -> Principal:
    principal = await from_session(request)
    if principal is None:
        raise NotSignedIn()
    return principal


def render(
    request: Request, template: str, principal: Principal | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(
        request, template, {"principal": principal, **context}, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
