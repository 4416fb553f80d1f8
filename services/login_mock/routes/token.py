"""POST /token (§2.2): what happens, in order, and how each refusal looks.

Client authentication in all three forms real clients use: HTTP Basic (the roteiro), client_id and
client_secret in the form body (the official PHP example) and every parameter in the POST query string
with an empty body (the official Java example). Codes are single-use: a replayed code gets ``invalid_grant``
and revokes every token issued from it.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from urllib.parse import unquote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select, update

from sandbox_kernel.clock import clock
from sandbox_kernel.events.models.login import TokenIssued, TokenRejected
from sandbox_kernel.faults.id_token import faulted_id_token
from sandbox_kernel.secrets import hash_secret, verify_secret
from sandbox_kernel.storage import dml_result

from ..context import LoginContext, ctx, emit_in
from ..domain import tokens
from ..domain.errors import OAuthError
from ..domain.pkce import verifier_problem
from ..storage import CodeRow, TokenRow, aware, now

router = APIRouter(tags=["Acesso GOV.BR: token"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def token_params(request: Request) -> tuple[dict[str, str], str | None, str | None, str | None]:
    """(params, client_id, client_secret, how the client authenticated)."""
    params = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" in content_type or "multipart/form-data" in content_type:
        form = await request.form()
        body = {k: v for k, v in form.items() if isinstance(v, str)}
    else:
        body = {}
    merged = {**params, **body}
    basic = _basic(request.headers.get("authorization", ""))
    if basic:
        return merged, basic[0], basic[1], "client_secret_basic"
    if "client_secret" in body:
        return merged, merged.get("client_id"), body["client_secret"], "client_secret_post"
    if "client_secret" in params:
        return merged, merged.get("client_id"), params["client_secret"], "query"
    return merged, merged.get("client_id"), None, None


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (unquote(client_id), unquote(secret)) if sep else None


@router.post("/token", summary="Troca o code por access_token e id_token")
async def token(request: Request) -> JSONResponse:
    lc = ctx(request)
    params, client_id, secret, client_auth = await token_params(request)
    client = await lc.registry.client(client_id or "") if client_id else None
    try:
        return await _exchange(lc, params, client_id, secret, client_auth, client)
    except OAuthError as exc:
        revoked = await revoke_from_code(lc, exc.code_hash) if exc.check == "code_replayed" else 0  # type: ignore[attr-defined]  # the refusal carries its story and code for the handler
        await lc.emit(
            TokenRejected(
                client_id=client_id,
                check=exc.check,
                reason=exc.description,
                expected=exc.expected,
                client_auth=client_auth,
                revoked_tokens=revoked,
            ),
            client,
            getattr(exc, "story", "token"),
        )
        return JSONResponse(exc.body(), status_code=exc.status, headers=NO_STORE)


async def _exchange(lc: LoginContext, params, client_id, secret, client_auth, client) -> JSONResponse:
    if params.get("grant_type") != "authorization_code":
        raise OAuthError(
            "unsupported_grant_type",
            "grant_type deve ser authorization_code.",
            "grant_type",
            "authorization_code",
        )
    if client is None or client.get("kind") != "login":
        raise OAuthError(
            "invalid_client", "Cliente desconhecido.", "unknown_client", "um client_id registrado", 401
        )
    if not verify_secret((secret or "").strip(), client["secret_hash"]):
        expected = "o client_secret do cliente (Basic, corpo ou query)"
        raise OAuthError(
            "unauthorized", "Bad credentials", "bad_secret" if secret else "missing_secret", expected, 401
        )
    code = params.get("code") or ""
    code_hash = hash_secret(code)
    async with lc.runtime.db.session() as session:
        row = await session.get(CodeRow, code_hash) if code else None
    _check_code(row, client, params)
    assert row is not None
    # Everything slow (the registry, RSA) happens before the write transaction, which stays short.
    persona = await lc.registry.persona(row.cpf)
    if persona is None:
        raise OAuthError("invalid_grant", "A persona deste code não existe mais.", "persona_gone", row.cpf)
    grant = tokens.Grant(client["client_id"], row.cpf, row.scopes, row.nonce, row.auth_time, row.amr)
    access_ttl = int(client.get("access_token_ttl", 3599))
    moment = int(clock.timestamp(client.get("ente")))  # the ente's virtual clock: exp/iat follow it
    access = tokens.access_token_claims(grant, persona, lc.issuer, access_ttl, now=moment)
    id_claims = tokens.id_token_claims(grant, persona, client, lc.issuer, lc.claim_urls(), now=moment)
    id_token = tokens.sign(lc.key.key, lc.key.kid, id_claims)
    id_token = await faulted_id_token(
        lc.runtime,
        id_token,
        lc.key.key,
        ente=client.get("ente"),
        client_id=client["client_id"],
        persona=row.cpf,
    )
    body = {
        "access_token": tokens.sign(lc.key.key, lc.key.kid, access),
        "token_type": "Bearer",
        "expires_in": access_ttl,
        "scope": " ".join(grant.scopes),
        "id_token": id_token,
    }
    async with lc.runtime.transaction() as tx:
        # Single use, even under concurrent requests: only one UPDATE finds used_at still empty.
        claimed = await tx.session.execute(
            update(CodeRow)
            .where(CodeRow.code_hash == code_hash, CodeRow.used_at.is_(None))
            .values(used_at=now())
        )
        if dml_result(claimed).rowcount != 1:
            raise _replayed(row)
        tx.session.add(
            TokenRow(
                jti=access["jti"],
                code_hash=code_hash,
                client_id=client["client_id"],
                cpf=row.cpf,
                expires_at=now(client.get("ente")) + timedelta(seconds=access_ttl + 1),
            )
        )
        emit_in(
            tx,
            TokenIssued(
                client_id=client["client_id"],
                cpf=row.cpf,
                scopes=row.scopes,
                client_auth=client_auth or "none",
                expires_in=access_ttl,
                id_token_ttl=int(client.get("id_token_ttl", 60)),
                jti=access["jti"],
            ),
            client,
            row.session,
        )
    return JSONResponse(body, headers=NO_STORE)


def _check_code(row: CodeRow | None, client: dict, params: dict) -> None:
    if row is None:
        raise OAuthError(
            "invalid_grant",
            "Código de autorização inválido.",
            "unknown_code",
            "um code emitido pelo /authorize",
        )
    error = None
    if row.client_id != client["client_id"]:
        error = OAuthError(
            "invalid_grant", "O code foi emitido para outro cliente.", "client_mismatch", row.client_id
        )
    elif row.used_at is not None:
        error = _replayed(row)
    elif aware(row.expires_at) < now(client.get("ente")):
        error = OAuthError(
            "invalid_grant", "Código de autorização expirado.", "code_expired", "usar o code em até 60 s"
        )
    elif params.get("redirect_uri") != row.redirect_uri:
        error = OAuthError(
            "invalid_grant",
            "redirect_uri diferente da usada no /authorize.",
            "redirect_mismatch",
            row.redirect_uri,
        )
    elif row.code_challenge:
        problem = verifier_problem(params.get("code_verifier"), row.code_challenge)
        if problem:
            error = OAuthError(
                "invalid_grant", problem, "pkce_mismatch", "BASE64URL(SHA256(code_verifier)) = code_challenge"
            )
    if error is not None:
        error.story = row.session  # type: ignore[attr-defined]  # the refusal carries its story and code for the handler
        raise error


def _replayed(row: CodeRow) -> OAuthError:
    error = OAuthError(
        "invalid_grant", "Código de autorização já utilizado.", "code_replayed", "um code nunca usado"
    )
    error.story = row.session  # type: ignore[attr-defined]  # the refusal carries its story and code for the handler
    error.code_hash = row.code_hash  # type: ignore[attr-defined]  # the refusal carries its story and code for the handler
    return error


async def revoke_from_code(lc: LoginContext, code_hash: str) -> int:
    async with lc.runtime.transaction() as tx:
        rows = (
            await tx.session.scalars(
                select(TokenRow).where(TokenRow.code_hash == code_hash, TokenRow.revoked_at.is_(None))
            )
        ).all()
        for row in rows:
            row.revoked_at = now()
    return len(rows)
