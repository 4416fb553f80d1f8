"""POST /oauth2.0/token (reference assinatura-govbr.md §2.3): the kernel's OAuth core checks the client and
the code; this module issues the opaque token and answers in the CAS's own formats.

Parameters from the query string and/or the body, whatever the Content-Type; client secret in the
parameters or HTTP Basic. Success: exactly ``{"access_token", "token_type": "bearer", "expires_in": 600}``.
Errors exactly as the manual: 401 Spring-style JSON for a wrong client_id, secret or redirect_uri; 400 with
the plain-text body ``error=invalid_request`` for a used, expired or unknown code. Codes are single-use.
"""

from __future__ import annotations

import time
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from sandbox_kernel.events.models.assinatura import TokenIssued, TokenRejected
from sandbox_kernel.oauth import store
from sandbox_kernel.oauth.domain import Refusal, TokenRequest, shown_client_id
from sandbox_kernel.oauth.http import token_request
from sandbox_kernel.registry_client import RegistryUnavailable

from ..context import Context, ctx_of, story_key
from ..domain import oauth
from ..storage import now
from ..storage import oauth as tables

router = APIRouter(tags=["CAS (OAuth)"])

PATH = "/oauth2.0/token"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post(PATH, summary="Troca o code por um access token (como cas.staging.iti.br)")
async def token(request: Request) -> Response:
    ctx = ctx_of(request)
    req = await token_request(request)
    try:
        client = await ctx.registry.client(req.client_id) if req.client_id else None
        return await _exchange(ctx, req, client)
    except RegistryUnavailable as exc:
        return PlainTextResponse(f"Serviço indisponível: {exc}", status_code=503)
    except Refusal as refusal:
        status = oauth.token_status(refusal.check)  # type: ignore[arg-type]
        shown = shown_client_id(req.client_id, client)
        async with ctx.runtime.transaction() as tx:
            tx.emit(
                TokenRejected(
                    client_id=shown, status=status, autorizacao_id=refusal.story, **refusal.fields()
                ),
                key=story_key(shown, refusal.story or "token"),
                subject=shown,
                ente=client.get("ente") if client else None,
            )
        if status == 401:
            body = oauth.spring_error(401, PATH, int(time.time() * 1000))
            return JSONResponse(body, status_code=401, headers=NO_STORE)
        return PlainTextResponse(oauth.INVALID_REQUEST_BODY, status_code=400, headers=NO_STORE)


async def _exchange(ctx: Context, req: TokenRequest, client: dict | None) -> Response:
    async with ctx.runtime.db.sessionmaker() as session:
        prepared = await store.prepare(session, tables, req, client, "assinatura")
    row = prepared.row
    scopes = oauth.parse_scope(" ".join(row.scopes))
    access_token = oauth.new_access_token()
    ttl = ctx.options.token_ttl
    max_uses = oauth.max_signatures(scopes.kind, ctx.options.session_limit)
    async with ctx.runtime.transaction() as tx:
        await store.redeem(
            tx.session,
            tables,
            row,
            id=oauth.digest(access_token),
            kind=scopes.kind,
            max_uses=max_uses,
            uses=0,
            expires_at=now() + timedelta(seconds=ttl),
        )
        tx.emit(
            TokenIssued(
                autorizacao_id=row.story,
                client_id=row.client_id,
                cpf=row.cpf,
                token_kind=scopes.kind,
                expires_in=ttl,
                assinaturas_permitidas=max_uses,
                client_auth=req.auth,
                parametros_em=list(req.sources),
            ),
            key=story_key(row.client_id, row.story),
            subject=row.client_id,
            ente=row.ente,
        )
    return JSONResponse(oauth.token_response(access_token, ttl), headers=NO_STORE)
