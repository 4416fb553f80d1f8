"""POST /token (§2.2): the kernel's OAuth core checks the client and the code; this module mints the
tokens and answers in the roteiro's own error format.

Client authentication in all three forms real clients use: HTTP Basic (the roteiro), client_id and
client_secret in the form body (the official PHP example) and every parameter in the POST query string
with an empty body (the official Java example). Codes are single-use: a replayed code gets ``invalid_grant``
and revokes every token issued from it.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox_kernel.clock import clock
from sandbox_kernel.events.models.login import TokenIssued, TokenRejected
from sandbox_kernel.faults.hooks import take_effect
from sandbox_kernel.faults.id_token import faulted_id_token
from sandbox_kernel.oauth import store
from sandbox_kernel.oauth.domain import (
    CODE_VERIFIER_LENGTH,
    VERIFIER_RULE,
    Refusal,
    TokenCheck,
    TokenRequest,
    VerifierPolicy,
    shown_client_id,
)
from sandbox_kernel.oauth.http import token_request

from ..context import LoginContext, ctx, emit_in
from ..domain import tokens
from ..domain.errors import token_error
from ..storage import now
from ..storage import oauth as tables

router = APIRouter(tags=["Acesso GOV.BR: token"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post("/token", summary="Troca o code por access_token e id_token")
async def token(request: Request) -> JSONResponse:
    lc = ctx(request)
    req = await token_request(request)
    client = await lc.registry.client(req.client_id) if req.client_id else None
    try:
        return await _exchange(lc, req, client)
    except Refusal as refusal:
        revoked = 0
        if refusal.check is TokenCheck.CODE_REPLAYED:
            async with lc.runtime.transaction() as tx:
                revoked = await store.revoke_from_code(tx.session, tables, req.get("code") or "")
        await lc.emit(
            TokenRejected(
                client_id=shown_client_id(req.client_id, client),
                client_auth=req.auth,
                revoked_tokens=revoked,
                **refusal.fields(),
            ),
            client,
            refusal.story or "token",
        )
        error = token_error(refusal)
        return JSONResponse(error.body(), status_code=error.status, headers=NO_STORE)


async def _exchange(lc: LoginContext, req: TokenRequest, client: dict | None) -> JSONResponse:
    policy = (
        VerifierPolicy.STRICT if client and client.get("pkce_verifier_strict") else VerifierPolicy.LENIENT
    )
    async with lc.runtime.db.session() as session:
        # The code expires on the ente's virtual clock (govbr-sandbox clock advance).
        moment = now(client.get("ente")) if client else None
        prepared = await store.prepare(session, tables, req, client, "login", policy, moment)
    row = prepared.row
    assert client is not None
    # Everything slow (the registry, RSA) happens before the write transaction, which stays short.
    persona = await lc.registry.persona(row.cpf)
    if persona is None:
        raise Refusal(
            TokenCheck.PERSONA_GONE, "A persona deste code não existe mais.", row.cpf, story=row.story
        )
    grant = tokens.Grant(
        client["client_id"], row.cpf, row.scopes, row.nonce, row.extra["auth_time"], row.extra["amr"]
    )
    access_ttl = int(client.get("access_token_ttl", 3599))
    issued_at = int(clock.timestamp(client.get("ente")))  # the ente's virtual clock: exp/iat follow it
    access = tokens.access_token_claims(grant, persona, lc.issuer, access_ttl, now=issued_at)
    id_claims = tokens.id_token_claims(grant, persona, client, lc.issuer, lc.claim_urls(), now=issued_at)
    kid, key = await _signing_key(lc, client, row.cpf, max(access_ttl, int(client.get("id_token_ttl", 60))))
    id_token = tokens.sign(key, kid, id_claims)
    id_token = await faulted_id_token(
        lc.runtime,
        id_token,
        key,
        ente=client.get("ente"),
        client_id=client["client_id"],
        persona=row.cpf,
    )
    body = {
        "access_token": tokens.sign(key, kid, access),
        "token_type": "Bearer",
        "expires_in": access_ttl,
        "scope": " ".join(grant.scopes),
        "id_token": id_token,
    }
    async with lc.runtime.transaction() as tx:
        await store.redeem(
            tx.session,
            tables,
            row,
            id=access["jti"],
            id_token_jti=id_claims["jti"],
            expires_at=now(client.get("ente")) + timedelta(seconds=access_ttl + 1),
        )
        emit_in(
            tx,
            TokenIssued(
                client_id=client["client_id"],
                cpf=row.cpf,
                scopes=row.scopes,
                client_auth=req.auth,
                expires_in=access_ttl,
                id_token_ttl=int(client.get("id_token_ttl", 60)),
                jti=access["jti"],
                warnings=list(prepared.warnings),
                warning=_explain(prepared.warnings, req),
            ),
            client,
            row.story,
        )
    return JSONResponse(body, headers=NO_STORE)


async def _signing_key(lc: LoginContext, client: dict, cpf: str, lifetime: int):
    """The current key, or the next one (a new ``kid``) when a ``jwks_rotation`` rule of the ente hits."""
    rule = await take_effect(
        lc.runtime,
        ("jwks_rotation",),
        ente=client.get("ente"),
        client_id=client["client_id"],
        persona=cpf,
        method="POST",
        path="/token",
    )
    if rule is None:
        return lc.key.kid, lc.key.key
    return lc.key.sign_with_next(lifetime + 1)


def _explain(warnings: tuple[str, ...], req: TokenRequest) -> str | None:
    if CODE_VERIFIER_LENGTH not in warnings:
        return None
    length = len(req.get("code_verifier") or "")
    return f"code_verifier com {length} caracteres aceito; a regra é {VERIFIER_RULE}"
