"""The signature API (reference assinatura-govbr.md §3): GET /externo/v2/certificadoPublico and
POST /externo/v2/assinarPKCS7, both with ``Authorization: Bearer <access_token>``.

The rules (which refusal, which status and body) are in ``domain.api_rules``; this module reads the token
row and the persona, signs off the event loop, counts the use atomically and emits the events.
"""

from __future__ import annotations

import time
import uuid
from functools import partial

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from sandbox_kernel.events.models.assinatura import SignatureCheck, SignatureCreated, SignatureRefused
from sandbox_kernel.oauth import store
from sandbox_kernel.registry_client import RegistryUnavailable

from ..context import Context, ctx_of, story_key
from ..domain import api_rules as rules
from ..domain import cms, oauth, tsa
from ..domain.api_rules import Refusal
from ..faults import expired_copy, sign_fault
from ..storage import TokenRow, aware, now
from ..storage import oauth as tables
from ..user_certificates import certificate_for

router = APIRouter(prefix="/externo/v2", tags=["API de assinatura"])

CERT_PATH = "/externo/v2/certificadoPublico"
SIGN_PATH = "/externo/v2/assinarPKCS7"


async def _refuse(
    ctx: Context, refusal: Refusal, path: str, request_id: str, token: TokenRow | None
) -> Response:
    async with ctx.runtime.transaction() as tx:
        tx.emit(
            SignatureRefused(
                assinatura_id=request_id,
                endpoint=path,
                check=refusal.check,
                reason=refusal.reason,
                expected=refusal.expected,
                reference="assinatura-govbr.md §3",
                status=refusal.status,
                client_id=token.client_id if token else None,
                cpf=token.cpf if token else None,
                autorizacao_id=token.story if token else None,
            ),
            # A token that is not ours ties the refusal to no story: a stable fallback key.
            key=story_key(token.client_id, token.story) if token else "desconhecido/api",
            subject=token.client_id if token else None,
            ente=token.ente if token else None,
        )
    if refusal.body is None:
        body = oauth.spring_error(refusal.status, path, int(time.time() * 1000), refusal.reason)
        return JSONResponse(body, status_code=refusal.status)
    return PlainTextResponse(refusal.body, status_code=refusal.status)


async def _token(ctx: Context, request: Request, *, consuming: bool) -> TokenRow:
    value = oauth.bearer_token(request.headers.get("authorization"))
    if value is None:
        raise rules.missing_bearer()
    row = await ctx.token(value)
    if row is None:
        raise rules.unknown_token()
    rules.check_token(
        expires_at=aware(row.expires_at),
        uses=row.uses,
        max_uses=row.max_uses,
        kind=row.kind,
        now=now(),
        consuming=consuming,
    )
    return row


async def _persona(ctx: Context, row: TokenRow) -> dict:
    return rules.check_signer(await ctx.registry.persona(row.cpf))


@router.get("/certificadoPublico", summary="Certificado do usuário (PEM)")
async def certificado_publico(request: Request) -> Response:
    ctx = ctx_of(request)
    request_id = uuid.uuid4().hex
    row: TokenRow | None = None
    try:
        row = await _token(ctx, request, consuming=False)
        persona = await _persona(ctx, row)
        pair = await certificate_for(
            ctx, persona, row.client_id, row.ente, story_key(row.client_id, row.story)
        )
    except Refusal as refusal:
        return await _refuse(ctx, refusal, CERT_PATH, request_id, row)
    except RegistryUnavailable as exc:
        return PlainTextResponse(f"Serviço indisponível: {exc}", status_code=503)
    # A Spring controller returning a String answers text/plain (the real Content-Type is unconfirmed, §8).
    return Response(pair.cert_pem, media_type="text/plain")


@router.post("/assinarPKCS7", summary="Assina um hash SHA-256: devolve o CMS (PKCS#7) destacado, binário")
async def assinar_pkcs7(request: Request) -> Response:
    ctx = ctx_of(request)
    request_id = uuid.uuid4().hex
    row: TokenRow | None = None
    try:
        row = await _token(ctx, request, consuming=True)
        digest = rules.hash_from_body(await request.body())
        persona = await _persona(ctx, row)
        if await sign_fault(ctx, row, "bronze_forbidden"):  # fault rules of the ente (faults.py)
            raise Refusal(
                403,
                SignatureCheck.LEVEL,
                oauth.BRONZE_MESSAGE,
                "conta gov.br nível prata ou ouro",
                body=oauth.BRONZE_MESSAGE,
            )
        signer = await certificate_for(
            ctx, persona, row.client_id, row.ente, story_key(row.client_id, row.story)
        )
        if await sign_fault(ctx, row, "expired_certificate"):
            signer = expired_copy(ctx, persona, signer)
        no_stamp = await sign_fault(ctx, row, "no_timestamp")
        options = ctx.options
        moment = now(row.ente)  # the ente's virtual clock signs and stamps
        stamp = (
            tsa.stamper(ctx.pki.tsa, ctx.pki.alvara, moment) if options.timestamp and not no_stamp else None
        )
        build = partial(
            cms.sign_hash,
            digest,
            signer,
            signing_time=moment.replace(microsecond=0),
            timestamp=stamp,
            encoding=options.encoding,
        )
        der = await anyio.to_thread.run_sync(build)
        async with ctx.runtime.transaction() as tx:
            # Count the use atomically: concurrent calls with a sign token cannot both succeed.
            used = await store.count_use(tx.session, tables, row.id)
            if used is None:
                raise rules.used_up(row.kind, row.max_uses)
            tx.emit(
                SignatureCreated(
                    assinatura_id=request_id,
                    autorizacao_id=row.story,
                    client_id=row.client_id,
                    cpf=row.cpf,
                    hash_base64=_b64(digest),
                    certificado_serial=format(signer.certificate.serial_number, "x"),
                    token_kind=row.kind,
                    usadas_na_sessao=used,
                    restantes=row.max_uses - used,
                    carimbo_do_tempo=options.timestamp and not no_stamp,
                    codificacao=options.encoding,
                    bytes=len(der),
                ),
                key=story_key(row.client_id, row.story),
                subject=row.client_id,
                ente=row.ente,
            )
    except Refusal as refusal:
        return await _refuse(ctx, refusal, SIGN_PATH, request_id, row)
    except RegistryUnavailable as exc:
        return PlainTextResponse(f"Serviço indisponível: {exc}", status_code=503)
    return Response(der, media_type="application/octet-stream")


def _b64(raw: bytes) -> str:
    import base64

    return base64.b64encode(raw).decode()
