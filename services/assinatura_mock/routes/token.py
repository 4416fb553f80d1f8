"""POST /oauth2.0/token (reference assinatura-govbr.md §2.3).

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
from sqlalchemy import update

from sandbox_kernel.events.models.assinatura import TokenIssued, TokenRejected
from sandbox_kernel.registry_client import RegistryUnavailable
from sandbox_kernel.secrets import verify_secret
from sandbox_kernel.storage import dml_result

from ..context import Context, ctx_of
from ..domain import oauth
from ..domain.oauth import TokenCheck, TokenParams, TokenRefusal
from ..storage import CodeRow, TokenRow, aware, now

router = APIRouter(tags=["CAS (OAuth)"])

PATH = "/oauth2.0/token"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post(PATH, summary="Troca o code por um access token (como cas.staging.iti.br)")
async def token(request: Request) -> Response:
    ctx = ctx_of(request)
    params = oauth.collect_token_params(
        list(request.query_params.multi_items()), await request.body(), request.headers.get("authorization")
    )
    try:
        outcome = await exchange(ctx, params)
    except RegistryUnavailable as exc:
        return PlainTextResponse(f"Serviço indisponível: {exc}", status_code=503)
    if isinstance(outcome, TokenRefusal):
        if outcome.status == 401:
            body = oauth.spring_error(401, PATH, int(time.time() * 1000))
            return JSONResponse(body, status_code=401, headers=NO_STORE)
        return PlainTextResponse(oauth.INVALID_REQUEST_BODY, status_code=400, headers=NO_STORE)
    return JSONResponse(outcome, headers=NO_STORE)


async def exchange(ctx: Context, params: TokenParams) -> dict | TokenRefusal:
    """Every check in order; the first failure is refused (with its event), else the token is issued."""
    client_id = params.client_id
    client = await ctx.registry.client(client_id) if client_id else None
    ente = client.get("ente") if client else None
    refusal: TokenRefusal | None = None
    code_row: CodeRow | None = None
    if params.get("grant_type") != "authorization_code":
        refusal = TokenRefusal(
            TokenCheck.GRANT_TYPE, f"grant_type {params.get('grant_type')!r}", "grant_type=authorization_code"
        )
    elif client is None or client.get("kind") != "assinatura":
        refusal = TokenRefusal(
            TokenCheck.CLIENT_ID,
            "client_id ausente"
            if not client_id
            else f"client_id {client_id!r} não é um cliente de assinatura cadastrado",
            "o client_id de assinatura cadastrado no registry (parâmetro client_id ou HTTP Basic)",
        )
    elif not verify_secret(params.client_secret or "", client.get("secret_hash")):
        refusal = TokenRefusal(
            TokenCheck.CLIENT_SECRET,
            "client_secret ausente" if not params.client_secret else "client_secret não confere",
            "o client_secret atual do cliente (parâmetro client_secret ou HTTP Basic)",
        )
    elif not params.get("code"):
        refusal = TokenRefusal(
            TokenCheck.CODE_MISSING, "parâmetro code ausente", "o code recebido no redirect_uri"
        )
    else:
        async with ctx.runtime.db.sessionmaker() as session:
            code_row = await session.get(CodeRow, oauth.digest(params.get("code") or ""))
        refusal = _check_code(code_row, client["client_id"], params.get("redirect_uri"))
    if refusal is not None:
        await _reject(ctx, refusal, client_id, ente, code_row.authorization_id if code_row else None)
        return refusal
    assert code_row is not None and client is not None
    scopes = oauth.parse_scope(" ".join(code_row.scopes))
    access_token = oauth.new_access_token()
    ttl = ctx.options.token_ttl
    max_uses = oauth.max_signatures(scopes.kind, ctx.options.session_limit)
    async with ctx.runtime.transaction() as tx:
        # Single use, even under concurrent redemption: only one UPDATE finds used_at still NULL.
        used = await tx.session.execute(
            update(CodeRow)
            .where(CodeRow.code_hash == code_row.code_hash, CodeRow.used_at.is_(None))
            .values(used_at=now())
        )
        if dml_result(used).rowcount != 1:
            refusal = TokenRefusal(
                TokenCheck.CODE_USED, "code já utilizado", "um code novo (cada code vale uma vez)"
            )
        else:
            tx.session.add(
                TokenRow(
                    token_hash=oauth.digest(access_token),
                    authorization_id=code_row.authorization_id,
                    client_id=code_row.client_id,
                    ente=code_row.ente,
                    cpf=code_row.cpf,
                    kind=scopes.kind,
                    max_uses=max_uses,
                    uses=0,
                    expires_at=now() + timedelta(seconds=ttl),
                )
            )
            tx.emit(
                TokenIssued(
                    autorizacao_id=code_row.authorization_id,
                    client_id=code_row.client_id,
                    cpf=code_row.cpf,
                    token_kind=scopes.kind,
                    expires_in=ttl,
                    assinaturas_permitidas=max_uses,
                    client_auth="client_secret_basic" if params.basic else "client_secret_post",
                    parametros_em=list(params.sources),
                ),
                key=code_row.client_id,
                subject=code_row.client_id,
                ente=code_row.ente,
            )
    if refusal is not None:
        await _reject(ctx, refusal, client_id, ente, code_row.authorization_id)
        return refusal
    return oauth.token_response(access_token, ttl)


def _check_code(row: CodeRow | None, client_id: str, redirect_uri: str | None) -> TokenRefusal | None:
    if row is None:
        return TokenRefusal(TokenCheck.CODE_UNKNOWN, "code desconhecido", "o code recebido no redirect_uri")
    if row.client_id != client_id:
        return TokenRefusal(
            TokenCheck.CODE_CLIENT,
            "o code foi emitido para outro cliente",
            f"um code emitido para {client_id}",
        )
    if row.used_at is not None:
        return TokenRefusal(
            TokenCheck.CODE_USED, "code já utilizado", "um code novo (cada code vale uma vez)"
        )
    if aware(row.expires_at) < now():
        return TokenRefusal(
            TokenCheck.CODE_EXPIRED, "code expirado", "usar o code logo após o redirecionamento"
        )
    if redirect_uri != row.redirect_uri:
        return TokenRefusal(
            TokenCheck.REDIRECT_URI,
            f"redirect_uri {redirect_uri!r} diferente da usada no authorize",
            f"exatamente a redirect_uri do authorize: {row.redirect_uri}",
        )
    return None


async def _reject(
    ctx: Context, refusal: TokenRefusal, client_id: str | None, ente: str | None, authorization_id: str | None
) -> None:
    async with ctx.runtime.transaction() as tx:
        tx.emit(
            TokenRejected(
                client_id=client_id,
                verificacao=refusal.check.value,
                motivo=refusal.reason,
                esperado=refusal.expected,
                status=refusal.status,
                autorizacao_id=authorization_id,
            ),
            key=client_id or "desconhecido",
            subject=client_id,
            ente=ente,
        )
