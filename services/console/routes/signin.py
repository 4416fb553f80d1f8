"""GET/POST /entrar and POST /sair: sign-in with an ente API key or the admin token, logout."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from sandbox_kernel.events.models.console import ConsoleSessionStarted, ConsoleSigninFailed
from sandbox_kernel.registry_client import RegistryUnavailable

from ..auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, csrf_ok, end_session, from_session, start_session
from ..context import console_of
from .common import render

router = APIRouter(tags=["entrar"])
log = logging.getLogger("govbr_sandbox.console")
WRONG_KEY = "Chave inválida. Confira a chave de API do ente (ou o token de administrador) e tente de novo."


def _form(request: Request, status_code: int = 200, erro: str | None = None) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "entrar.html", None, status_code=status_code, csrf=token, erro=erro)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/entrar")
    return response


@router.get("/entrar", include_in_schema=False)
async def signin_page(request: Request) -> Response:
    try:
        signed_in = await from_session(request)
    except RegistryUnavailable:
        signed_in = None  # the form says so if the key cannot be checked either
    if signed_in:
        return RedirectResponse("/", status_code=303)
    return _form(request)


@router.post("/entrar", include_in_schema=False)
async def signin(request: Request, chave: str = Form(""), csrf: str = Form("")) -> Response:
    console = console_of(request)
    if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        return _form(request, 400, "O formulário expirou. Tente de novo.")
    try:
        principal = await console.keys.check(chave)
    except RegistryUnavailable:
        return _form(request, 503, "O registry não respondeu; não foi possível conferir a chave agora.")
    if principal is None:
        log.info("console sign-in refused (invalid key)")
        async with console.runtime.transaction() as tx:
            tx.emit(ConsoleSigninFailed(motivo="chave_invalida"), key="entrar", subject="entrar")
        return _form(request, 401, WRONG_KEY)
    token = await start_session(console, principal)
    async with console.runtime.transaction() as tx:
        tx.emit(
            ConsoleSessionStarted(papel="admin" if principal.admin else "ente", ente=principal.ente),
            key=f"console/{principal.ente or 'admin'}",
            subject="sessao",
            ente=principal.ente,
        )
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=console.options.secure_cookie or console.runtime.settings.https,
        max_age=int(console.options.session_hours * 3600),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/entrar")
    return response


@router.post("/sair", include_in_schema=False)
async def signout(request: Request, csrf: str = Form("")) -> Response:
    principal = await from_session(request, check_key=False)  # ending a session needs only its CSRF
    if principal is not None and not csrf_ok(principal.csrf, csrf):
        return render(request, "erro.html", principal, 400, mensagem="Pedido sem o token do formulário.")
    await end_session(request)
    response = RedirectResponse("/entrar", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
