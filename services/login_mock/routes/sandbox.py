"""Sandbox-only endpoints of login_mock (never real paths): personas, key rotation, confiabilidades catalogue."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from sandbox_kernel.documents import format_cpf
from sandbox_kernel.events.models.login import SigningKeyRotated
from sandbox_kernel.redirect_uris import redirect_uri_allowed
from sandbox_kernel.secrets import is_admin_bearer

from ..codes import current_session
from ..context import SESSION_COOKIE, TEMPLATES, ctx
from ..domain.claims import LEVEL_IDS
from .authorize import error_page

router = APIRouter(tags=["sandbox"])

# The seal the sandbox grants to reach each level (reference acesso-govbr.md §4.3).
LEVEL_SEAL = {"prata": ("602", "Banco do Brasil (internet banking)"), "ouro": ("801", "Certificado digital")}
ORDER = ["bronze", "prata", "ouro"]


@router.get("/sandbox/personas", summary="Personas oferecidas pela página de login (cpf, nome, nível)")
async def personas(request: Request, client_id: str | None = None) -> list:
    lc = ctx(request)
    ente = None
    if client_id:
        client = await lc.registry.client(client_id)
        ente = client.get("ente") if client else None
    return [
        {
            "cpf": p["cpf"],
            "nome": p.get("nome_social") or p["nome"],
            "nivel": p["nivel"],
            "bloqueada": p.get("bloqueada", False),
        }
        for p in await lc.registry.personas(ente)
    ]


@router.post("/sandbox/jwk/rotate", summary="Troca a chave de assinatura (o /jwk continua com uma só chave)")
async def rotate(request: Request, kid: str | None = None) -> Response:
    """Every ente shares the signing key, so only the admin rotates it (one ente: fault ``jwks_rotation``)."""
    lc = ctx(request)
    if not is_admin_bearer(lc.runtime.settings, request.headers.get("authorization")):
        return JSONResponse(
            {
                "error": "unauthorized",
                "error_description": "A rotação global da chave exige o token de administrador "
                "(Authorization: Bearer <SANDBOX_ADMIN_TOKEN>); para um ente só, use a falha jwks_rotation.",
            },
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    new_kid = lc.key.rotate(kid)
    await lc.emit(SigningKeyRotated(kid=new_kid), None, "jwk")
    return JSONResponse({"kid": new_kid})


@router.get("/confiabilidades/", response_class=HTMLResponse, summary="Catálogo de confiabilidades (§2.9)")
async def catalogue(request: Request, client_id: str = "", niveis: str = "", redirect_uri: str = ""):
    """The signed-in citizen raises their own level, as on gov.br: it needs the gov.br session."""
    lc = ctx(request)
    session = await current_session(lc, request.cookies.get(SESSION_COOKIE))
    persona = await lc.registry.persona(session.cpf) if session else None
    wanted = [n for n in niveis.replace("(", "").replace(")", "").replace("/", ",").split(",") if n]
    return TEMPLATES.TemplateResponse(
        request,
        "confiabilidades.html",
        {
            "client_id": client_id,
            "niveis": niveis,
            "wanted": [
                {"id": n, "nome": next((k for k, v in LEVEL_IDS.items() if v == n), n)} for n in wanted
            ],
            "redirect_uri": redirect_uri,
            "persona": persona
            and {
                "cpf_formatado": format_cpf(persona["cpf"]),
                "nome": persona["nome"],
                "nivel": persona["nivel"],
            },
            "seals": LEVEL_SEAL,
        },
    )


@router.post("/confiabilidades/", include_in_schema=False)
async def raise_level(
    request: Request,
    nivel: str = Form(...),
    client_id: str = Form(""),
    redirect_uri: str = Form(""),
) -> Response:
    """Give the session's persona the seal of the chosen level (in the registry), then go back to the client.

    Only the persona of the gov.br session cookie (HttpOnly, SameSite=Lax: a form posted from another
    site does not carry it), never a CPF from the form: nobody raises someone else's level.
    """
    lc = ctx(request)
    session = await current_session(lc, request.cookies.get(SESSION_COOKIE))
    persona = await lc.registry.persona(session.cpf) if session else None
    back = "/confiabilidades/?" + urlencode({"client_id": client_id, "redirect_uri": redirect_uri})
    if persona is None:
        return error_page(
            request,
            "Entre com gov.br",
            "Para aumentar o nível da conta, entre primeiro com gov.br pelo serviço que pediu o nível.",
            401,
        )
    if nivel not in LEVEL_SEAL:
        return RedirectResponse(back, 303)
    if ORDER.index(nivel) > ORDER.index(persona["nivel"]):
        seal_id, _ = LEVEL_SEAL[nivel]
        seals = [s for s in persona["selos"] if s["id"] != seal_id]
        seals.append({"id": seal_id, "updated_at": datetime.now(UTC).isoformat()})
        await lc.registry.patch_persona(persona["cpf"], {"nivel": nivel, "selos": seals})
    client = await lc.registry.client(client_id) if client_id else None
    if (
        client
        and redirect_uri
        and redirect_uri_allowed(redirect_uri, client["redirect_uris"], client.get("allow_loopback", False))
    ):
        return RedirectResponse(redirect_uri, status_code=303)
    return RedirectResponse(back, 303)
