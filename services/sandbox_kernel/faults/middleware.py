"""The generic faults every emulator answers the same way: an HTTP status, added latency, a dropped connection.

A pure ASGI middleware (streaming and contextvars intact). It costs nothing while the ente has no rule for
the endpoint; otherwise it works out who is calling (client_id from the query, form, HTTP Basic or the
bearer JWT; the Tramita system from the client certificate; the persona from the token's ``sub``), asks
the engine whether a rule hits, and applies it. Domain effects (id_token, bronze …) are left to the
service's own hooks, which call ``FaultEngine.take`` where they know the domain.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs

from ..registry_client import RegistryUnavailable
from .bodies import error_body
from .catalog import GENERIC_EFFECTS, endpoint_for

_CPF_IN_PATH = re.compile(r"/contas/(\d{11})/|/participantes/(\d{11})$")


@dataclass
class FaultContext:
    ente: str | None = None
    client_id: str | None = None
    system_id: str | None = None
    persona: str | None = None


def _jwt_claims(token: str) -> dict:
    """The payload of a JWT, unverified: only to know whose request this is, never to trust it."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


async def resolve_context(engine, scope, body: bytes) -> FaultContext:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    ctx = FaultContext(client_id=_first(query.get("client_id")))
    if body and headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        ctx.client_id = ctx.client_id or _first(parse_qs(body.decode("latin-1")).get("client_id"))
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and not ctx.client_id:
        try:
            ctx.client_id = base64.b64decode(credentials).decode().split(":", 1)[0] or None
        except ValueError:
            pass
    elif scheme.lower() == "bearer":
        claims = _jwt_claims(credentials.strip())
        aud = claims.get("aud")
        ctx.client_id = (
            ctx.client_id or claims.get("client_id") or (aud[0] if isinstance(aud, list) and aud else aud)
        )
        sub = "".join(c for c in str(claims.get("sub", "")) if c.isdigit())
        ctx.persona = sub if len(sub) == 11 else None
    found = _CPF_IN_PATH.search(scope.get("path", ""))
    if found and not ctx.persona:
        ctx.persona = found.group(1) or found.group(2)
    try:
        chain = ((scope.get("extensions") or {}).get("tls") or {}).get("client_cert_chain") or []
        if chain:
            der = ssl.PEM_cert_to_DER_cert(chain[0])
            owner = await engine.registry.certificate_owner(hashlib.sha256(der).hexdigest())
            if owner:
                ctx.system_id = owner["system"]["id"]
                ctx.ente = owner["system"]["ente"]
        if ctx.client_id and not ctx.ente:
            client = await engine.registry.client(ctx.client_id)
            ctx.ente = client.get("ente") if client else None
    except RegistryUnavailable:
        pass
    resolver = getattr(engine, "resolver", None)  # a service may know more (e.g. an opaque token's owner)
    if resolver is not None and not ctx.ente:
        await resolver(scope, headers, ctx)
    return ctx


class FaultMiddleware:
    def __init__(self, app, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send) -> None:
        engine = getattr(scope.get("app").state, "faults", None) if scope.get("app") else None
        if scope["type"] != "http" or engine is None or not engine.has_rules():
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        endpoint = endpoint_for(self.service, method, path)
        if not engine.candidates(endpoint, GENERIC_EFFECTS):
            await self.app(scope, receive, send)
            return
        body, receive = await _buffer(receive)
        ctx = await resolve_context(engine, scope, body)
        scope.setdefault("state", {})["fault_context"] = ctx
        rule = await engine.take(
            endpoint=endpoint,
            method=method,
            path=path,
            ente=ctx.ente,
            client_id=ctx.client_id,
            system_id=ctx.system_id,
            persona=ctx.persona,
            effects=GENERIC_EFFECTS,
        )
        if rule is None:
            await self.app(scope, receive, send)
        elif rule.effect == "latency":
            await asyncio.sleep(rule.latency_ms / 1000)
            await self.app(scope, receive, send)
        elif rule.effect == "drop":
            # Headers promise a body that never comes; the server then closes the connection.
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024")]}
            )
            await send({"type": "http.response.body", "body": b"", "more_body": True})
        else:
            payload = json.dumps(error_body(self.service, endpoint, rule.status, path, rule.codigo)).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": rule.status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(payload)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": payload})


async def _buffer(receive):
    """Read the whole request body, and a ``receive`` that hands it on unchanged."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
