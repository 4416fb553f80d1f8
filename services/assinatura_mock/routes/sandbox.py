"""Sandbox-only endpoints (never real paths): the CA chain to install in validators, the CRLs and policy URL
the certificates point to, and the VALIDAR-like verifier."""

from __future__ import annotations

import uuid

import anyio
from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from sandbox_kernel.events.models.assinatura import VerificationCompleted

from .. import pages
from ..context import ctx_of
from ..domain import certificates as certs
from ..domain import verify

router = APIRouter(prefix="/sandbox", tags=["sandbox"])


@router.get(
    "/cadeia.pem", summary="Cadeia de ACs do sandbox (Final, Intermediária, Raiz e AC EAT da TSA), PEM"
)
async def cadeia_pem(request: Request) -> Response:
    return Response(ctx_of(request).pki.chain_pem(), media_type="application/x-pem-file")


@router.get("/cadeia.p7b", summary="A mesma cadeia como PKCS#7 (.p7b, DER), como o Cadeia_GovBr-der.p7b")
async def cadeia_p7b(request: Request) -> Response:
    return Response(
        ctx_of(request).pki.chain_p7b(),
        media_type="application/x-pkcs7-certificates",
        headers={"Content-Disposition": 'attachment; filename="cadeia-govbr-sandbox.p7b"'},
    )


@router.get("/raiz.pem", summary="Só a AC Raiz do sandbox (âncora de confiança)")
async def raiz_pem(request: Request) -> Response:
    return Response(ctx_of(request).pki.root.cert_pem, media_type="application/x-pem-file")


@router.get("/lcr/{stem}.crl", summary="LCR (vazia) de uma AC do sandbox, DER")
async def lcr(stem: str, request: Request) -> Response:
    pki = ctx_of(request).pki
    issuer = pki.crl_issuer(stem)
    if issuer is None:
        return PlainTextResponse("LCR desconhecida", status_code=404)
    crl = certs.empty_crl(issuer)
    return Response(crl.public_bytes(serialization.Encoding.DER), media_type="application/pkix-crl")


@router.get("/dpc", summary="Declaração de práticas (texto) da AC do sandbox")
async def dpc() -> HTMLResponse:
    return HTMLResponse(pages.dpc())


def _trust(request: Request) -> verify.Trust:
    pki = ctx_of(request).pki
    return verify.Trust(
        root=pki.root.certificate, cas=[k.certificate for k in (pki.intermediate, pki.final, pki.eat)]
    )


@router.get("/verificar", summary="Página para enviar um PDF assinado, ou um .p7s e o arquivo original")
async def verificar_page() -> HTMLResponse:
    return HTMLResponse(pages.verify_form())


@router.post(
    "/verificar",
    summary="Relatório de conformidade (como o VALIDAR): multipart com `assinatura` (.p7s ou PDF) e `arquivo`",
)
async def verificar(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()  # multipart: needs python-multipart
    signature = form.get("assinatura") or form.get("p7s") or form.get("pdf")
    original = form.get("arquivo") or form.get("original")
    as_html = form.get("formato") == "html" or request.query_params.get("formato") == "html"
    if signature is None or isinstance(signature, str):
        message = "Envie o campo de arquivo 'assinatura' (o .p7s ou o PDF assinado) e, para .p7s, o campo 'arquivo'."
        if as_html:
            return HTMLResponse(pages.bad_request(message), status_code=400)
        return JSONResponse({"erro": "dados_invalidos", "mensagem": message}, status_code=400)
    data = await signature.read()
    content = await original.read() if original is not None and not isinstance(original, str) else None
    trust = _trust(request)
    if data.startswith(b"%PDF-"):
        report = await anyio.to_thread.run_sync(verify.verify_pdf, data, trust)
    else:
        report = await anyio.to_thread.run_sync(verify.verify_detached, data, content, trust)
    verification_id = uuid.uuid4().hex
    async with ctx.runtime.transaction() as tx:
        tx.emit(
            VerificationCompleted(
                verificacao_id=verification_id,
                veredito=report.veredito,
                tipo=report.tipo,
                problemas=report.problemas,
                cpf=(report.assinante or {}).get("cpf"),
                certificado_serial=(report.assinante or {}).get("certificado_serial"),
            ),
            key=verification_id,
            subject=verification_id,
        )
    body = {"verificacao_id": verification_id, **report.as_dict()}
    if as_html:
        return HTMLResponse(pages.verify_report(body))
    return JSONResponse(body)
