"""The authorization story's state changes, shared by the authorize/consent routes and the login step:
load a pending authorization, record who the user is, issue the code, record a denial (with its event)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from sandbox_kernel.events.models.assinatura import (
    AuthorizationCheck,
    AuthorizationDenied,
    AuthorizationGranted,
)
from sandbox_kernel.oauth import store
from sandbox_kernel.oauth.domain import code_hash

from .context import Context, story_key
from .domain import oauth
from .storage import AuthorizationRow, CodeRow, now
from .storage import oauth as tables


async def deny(
    ctx: Context,
    *,
    client: dict | None,
    client_id: str | None,
    check: AuthorizationCheck,
    reason: str,
    expected: str | None = None,
    received: str | None = None,
    authorization_id: str | None = None,
    cpf: str | None = None,
) -> None:
    """A refusal before or outside a pending authorization (its story when there is one)."""
    async with ctx.runtime.transaction() as tx:
        tx.emit(
            AuthorizationDenied(
                autorizacao_id=authorization_id,
                client_id=client_id,
                check=check,
                reason=reason,
                expected=expected,
                reference="assinatura-govbr.md §2.2",
                recebido=received,
                cpf=cpf,
            ),
            key=story_key(client_id, authorization_id or "authorize"),
            subject=client_id,
            ente=client.get("ente") if client else None,
        )


async def load_pending(ctx: Context, authorization_id: str) -> AuthorizationRow | None:
    async with ctx.runtime.db.sessionmaker() as session:
        return await store.pending(session, tables, authorization_id)


async def user_identified(request: Request, ctx: Context, auth: AuthorizationRow, persona: dict) -> Response:
    """Called by the login step once it knows who the user is: consent, or the bronze/CPF refusal."""
    async with ctx.runtime.transaction() as tx:
        row = await tx.session.get(AuthorizationRow, auth.id)
        assert row is not None
        row.cpf = persona["cpf"]
    return RedirectResponse(f"/oauth2.0/consent?autorizacao={auth.id}", status_code=303)


async def grant(ctx: Context, auth: AuthorizationRow, persona: dict, *, via: str) -> str:
    """Issue the single-use code and answer with the client's redirect_uri + code + state."""
    code = oauth.new_code()
    async with ctx.runtime.transaction() as tx:
        row = await tx.session.get(AuthorizationRow, auth.id)
        assert row is not None
        row.status = "granted"
        row.cpf = persona["cpf"]
        tx.session.add(
            CodeRow(
                code_hash=code_hash(code),
                story=auth.id,
                client_id=auth.client_id,
                ente=auth.ente,
                cpf=persona["cpf"],
                scopes=auth.scopes,
                redirect_uri=auth.redirect_uri,
                expires_at=now() + timedelta(seconds=ctx.options.code_ttl),
            )
        )
        tx.emit(
            AuthorizationGranted(
                autorizacao_id=auth.id,
                client_id=auth.client_id,
                cpf=persona["cpf"],
                nivel=persona.get("nivel", ""),
                scopes=auth.scopes,
                via=via,
                code_expires_in=ctx.options.code_ttl,
            ),
            key=story_key(auth.client_id, auth.id),
            subject=auth.client_id,
            ente=auth.ente,
        )
    return oauth.redirect_with(auth.redirect_uri, {"code": code, "state": auth.state})
