"""The "who is the user" step of /oauth2.0/authorize, in one replaceable place.

The real CAS delegates authentication to gov.br (Login Único). For now the sandbox shows a persona picker
(``GET/POST /oauth2.0/login``). To delegate to login_mock as an OIDC client, replace ``begin`` with a
redirect to login_mock's /authorize (state = the authorization id) and add a callback route that resolves
the persona and calls ``authorization.user_identified`` exactly as ``pick`` does below.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from . import pages
from .authorization import load_pending, user_identified
from .context import Context, ctx_of
from .storage import AuthorizationRow
from .web import form_fields

router = APIRouter(tags=["CAS (OAuth)"])

LOGIN_PATH = "/oauth2.0/login"


async def begin(request: Request, ctx: Context, auth: AuthorizationRow, login_hint: str | None) -> Response:
    """Start authenticating the user of authorization ``auth``."""
    query = {"autorizacao": auth.id} | ({"login_hint": login_hint} if login_hint else {})
    return RedirectResponse(f"{LOGIN_PATH}?{urlencode(query)}", status_code=302)


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
