"""Reading a token request off the wire: query string, form (urlencoded or multipart) or JSON, and Basic."""

from __future__ import annotations

from starlette.requests import Request

from .domain import TokenRequest, read_token_request


async def token_request(request: Request) -> TokenRequest:
    if "multipart/form-data" in request.headers.get("content-type", ""):
        form = await request.form()
        body: bytes | dict[str, str] = {k: v for k, v in form.items() if isinstance(v, str)}
    else:
        body = await request.body()
    return read_token_request(
        list(request.query_params.multi_items()), body, request.headers.get("authorization")
    )
