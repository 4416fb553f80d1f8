"""Issuing authorization codes and the browser session, shared by the page flow and the headless flow."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sandbox_kernel.clock import clock
from sandbox_kernel.events.catalog import EventData
from sandbox_kernel.events.models.login import ConsentGranted
from sandbox_kernel.oauth.domain import code_hash, new_code
from sandbox_kernel.secrets import hash_secret

from .context import LoginContext, emit_in
from .domain.authorize import AuthorizeRequest
from .settings import LoginSettings
from .storage import CodeRow, ConsentRow, SessionRow, now


async def issue_code(
    lc: LoginContext,
    req: AuthorizeRequest,
    client: dict,
    persona: dict,
    story: str,
    *,
    auth_time: int,
    amr: list[str],
    how: str,
    before: list[EventData] = (),  # type: ignore[assignment]  # an immutable empty default; only iterated
) -> str:
    """Record consent and a single-use code in one transaction; returns the code (shown only in the redirect).

    ``before`` are events of the same story that belong in the same commit (the headless flow's).
    """
    code = new_code()
    async with lc.runtime.transaction() as tx:
        for event in before:
            emit_in(tx, event, client, story)
        tx.session.add(
            CodeRow(
                code_hash=code_hash(code),
                story=story,
                client_id=client["client_id"],
                ente=client.get("ente"),
                cpf=persona["cpf"],
                redirect_uri=req.redirect_uri,
                code_challenge=req.code_challenge,
                scopes=req.scopes,
                nonce=req.nonce,
                extra={"auth_time": auth_time, "amr": amr},
                expires_at=now(client.get("ente"))
                + timedelta(seconds=lc.runtime.settings.of(LoginSettings).code_ttl),
            )
        )
        consent = await tx.session.get(ConsentRow, (persona["cpf"], client["client_id"]))
        if consent is None:
            tx.session.add(ConsentRow(cpf=persona["cpf"], client_id=client["client_id"], scopes=req.scopes))
        else:
            consent.scopes = sorted(set(consent.scopes) | set(req.scopes))
        emit_in(
            tx,
            ConsentGranted(client_id=client["client_id"], cpf=persona["cpf"], scopes=req.scopes, how=how),
            client,
            story,
        )
    return code


async def remembered_consent(lc: LoginContext, cpf: str, client_id: str, scopes: list[str]) -> bool:
    async with lc.runtime.db.session() as session:
        consent = await session.get(ConsentRow, (cpf, client_id))
    return consent is not None and set(scopes) <= set(consent.scopes)


async def open_session(
    lc: LoginContext, persona: dict, client_id: str, story: str, ente: str | None = None
) -> tuple[str, SessionRow]:
    token = secrets.token_urlsafe(32)
    row = SessionRow(
        id_hash=hash_secret(token),
        cpf=persona["cpf"],
        auth_time=int(clock.timestamp(ente)),  # the client's ente's virtual clock, like iat and exp
        amr=list(persona.get("amr") or ["passwd"]),
        clients=[client_id],
        story_key=f"{client_id}/{story}",
    )
    async with lc.runtime.transaction() as tx:
        tx.session.add(row)
    return token, row


async def current_session(lc: LoginContext, token: str | None) -> SessionRow | None:
    if not token:
        return None
    async with lc.runtime.db.session() as session:
        row = await session.get(SessionRow, hash_secret(token))
    return row if row is not None and row.ended_at is None else None


async def remember_client(lc: LoginContext, token: str, client_id: str, story: str) -> None:
    """The browser session now also serves this client; its logout joins this login's story."""
    async with lc.runtime.transaction() as tx:
        row = await tx.session.get(SessionRow, hash_secret(token))
        if row is None:
            return
        if client_id not in row.clients:
            row.clients = [*row.clients, client_id]
        row.story_key = f"{client_id}/{story}"
