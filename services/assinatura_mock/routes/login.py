"""The CAS login step of /oauth2.0/authorize ("who is the user"), in one place.

The real CAS delegates authentication to gov.br (Login Único); so does the sandbox: ``begin`` sends the
browser to login_mock's /authorize as an OIDC client (see ``govbr_login``), and the callback resolves the
persona. When login_mock cannot be used (registry unreachable), a persona picker stands in
(``GET/POST /oauth2.0/login``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import pages
from ..authorization import load_pending, user_identified
from ..context import Context, ctx_of
from ..govbr_login import CALLBACK_PATH
from ..storage import AuthorizationRow
from ..web import form_fields

router = APIRouter(tags=["CAS (OAuth)"])

LOGIN_PATH = "/oauth2.0/login"


async def begin(request: Request, ctx: Context, auth: AuthorizationRow, login_hint: str | None) -> Response:
    """Start authenticating the user of authorization ``auth``: at gov.br (login_mock), as the real CAS does."""
    govbr = await ctx.govbr_login()
    if govbr is not None:
        return RedirectResponse(govbr.authorize_url(auth.id), status_code=302)
    query = {"autorizacao": auth.id} | ({"login_hint": login_hint} if login_hint else {})
    return RedirectResponse(f"{LOGIN_PATH}?{urlencode(query)}", status_code=302)


@router.get(CALLBACK_PATH, include_in_schema=False)
async def govbr_callback(
    request: Request, state: str = "", code: str | None = None, error: str | None = None
) -> Response:
    """Back from gov.br: find out who logged in and go on to the consent page."""
    ctx = ctx_of(request)
    auth = await load_pending(ctx, state)
    govbr = await ctx.govbr_login()
    if auth is None or govbr is None:
        return HTMLResponse(pages.expired(), status_code=400)
    if error or not code:
        return HTMLResponse(
            pages.bad_request(f"O login gov.br não foi concluído ({error or 'sem code'})."), 400
        )
    try:
        cpf = await govbr.cpf_for(code, auth.id)
    except httpx.HTTPError as exc:
        return HTMLResponse(pages.bad_request(f"Falha ao trocar o code no gov.br: {type(exc).__name__}"), 502)
    persona = await ctx.registry.persona(cpf)
    if persona is None or persona.get("ente") not in (None, auth.ente):
        return HTMLResponse(
            pages.bad_request("Esta conta gov.br não é uma persona deste ente."), status_code=403
        )
    return await user_identified(request, ctx, auth, persona)


@router.get(LOGIN_PATH, summary="Sandbox: escolha da persona (substitui o login gov.br)")
async def picker(
    request: Request, autorizacao: str = Query(...), login_hint: str | None = Query(None)
) -> Response:
    ctx = ctx_of(request)
    auth = await load_pending(ctx, autorizacao)
    if auth is None:
        return HTMLResponse(pages.expired(), status_code=400)
    client = await ctx.registry.client(auth.client_id) or {}
    personas = await ctx.registry.personas(auth.ente)
    return HTMLResponse(
        pages.persona_picker(auth.id, client.get("nome", auth.client_id), personas, login_hint)
    )


@router.post(LOGIN_PATH, summary="Sandbox: persona escolhida")
async def pick(request: Request) -> Response:
    fields = await form_fields(request)
    autorizacao, cpf = fields.get("autorizacao", ""), fields.get("cpf", "")
    ctx = ctx_of(request)
    auth = await load_pending(ctx, autorizacao)
    if auth is None:
        return HTMLResponse(pages.expired(), status_code=400)
    persona = await ctx.registry.persona(cpf)
    if persona is None or persona.get("ente") not in (None, auth.ente):
        return HTMLResponse(pages.bad_request(f"Nenhuma persona com o CPF {cpf}."), status_code=400)
    if persona.get("bloqueada"):
        return HTMLResponse(
            pages.bad_request("Conta bloqueada: o login gov.br foi recusado."), status_code=403
        )
    return await user_identified(request, ctx, auth, persona)
