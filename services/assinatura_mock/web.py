"""Small HTTP helpers for the routers."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of an ``application/x-www-form-urlencoded`` body, parsed without python-multipart
    (which the page forms do not need). Last value wins for repeated names."""
    body = await request.body()
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
