"""GET /ente: the ente's clients, systems, personas, units, topics and ready-to-paste snippets.

Secrets are never shown again: a new client_secret can be generated (POST /ente/segredo, CSRF-checked)
and appears once, on the answer page. System certificates (public) can be downloaded; private keys were
handed out once, when the system was created.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, Response

from sandbox_kernel.registry_client import RegistryUnavailable
from sandbox_kernel.services import SERVICES

from ..auth import Principal, csrf_ok
from ..context import console_of
from .common import page_principal, render

router = APIRouter(include_in_schema=False)


def _ibge_for(principal: Principal, ibge: str | None) -> str | None:
    """An ente key sees its own ente whatever is asked; the admin picks one."""
    return ibge if principal.admin else principal.ente


async def _ente_context(request: Request, ibge: str) -> dict | None:
    console = console_of(request)
    registry = console.registry
    ente = await registry.ente(ibge)
    if ente is None:
        return None
    settings = console.runtime.settings
    urls = {s.name: s.url(settings) for s in SERVICES.values()}
    personas = await registry.personas(ibge)
    units = await registry.units_of_ente(ibge)
    return {
        "ente": ente,
        "login_clients": await registry.clients(ibge, "login"),
        "assinatura_clients": await registry.clients(ibge, "assinatura"),
        "systems": await registry.systems(ibge),
        "personas": personas,
        "units": units,
        "urls": urls,
        "issuer": settings.login_issuer_url,
        "persona_exemplo": next((p["cpf"] for p in personas if p.get("nivel") == "ouro"), None)
        or (personas[0]["cpf"] if personas else "99900000188"),
    }


@router.get("/ente")
async def ente_page(request: Request, ibge: str | None = None) -> Response:
    principal = await page_principal(request)
    target = _ibge_for(principal, ibge)
    if target is None:
        entes = await console_of(request).registry.entes()
        return render(request, "entes.html", principal, entes=entes)
    try:
        context = await _ente_context(request, target)
    except RegistryUnavailable:
        return render(request, "erro.html", principal, 503, mensagem="O registry não respondeu.")
    if context is None:
        return render(request, "erro.html", principal, 404, mensagem=f"Ente {target} não encontrado.")
    return render(request, "ente.html", principal, **context)


@router.post("/ente/segredo")
async def new_secret(
    request: Request,
    kind: str = Form(...),
    client_id: str = Form(...),
    ibge: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    principal = await page_principal(request)
    if not csrf_ok(principal.csrf, csrf):
        return render(request, "erro.html", principal, 400, mensagem="Pedido sem o token do formulário.")
    target = _ibge_for(principal, ibge or None)
    if kind not in ("login", "assinatura") or target is None:
        return render(request, "erro.html", principal, 400, mensagem="Aplicação inválida.")
    secret = await console_of(request).registry.rotate_secret(target, kind, client_id)
    if secret is None:
        return render(request, "erro.html", principal, 404, mensagem="Aplicação não encontrada neste ente.")
    return render(request, "segredo.html", principal, client_id=client_id, secret=secret, ibge=target)


@router.get("/ente/sistemas/{system_id}/certificado.pem")
async def certificate(request: Request, system_id: str, ibge: str | None = None) -> Response:
    principal = await page_principal(request)
    target = _ibge_for(principal, ibge)
    systems = await console_of(request).registry.systems(target) if target else []
    system = next((s for s in systems if s["id"] == system_id), None)
    if system is None or not system.get("certificate"):
        return PlainTextResponse("Sistema ou certificado não encontrado neste ente.", status_code=404)
    return PlainTextResponse(
        system["certificate"]["certificate_pem"],
        media_type="application/x-pem-file",
        headers={"Content-Disposition": f'attachment; filename="{system_id}.crt"'},
    )
