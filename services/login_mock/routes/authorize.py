"""GET /authorize, the login page and the consent page: the browser half of the code flow (§2.1).

Unknown client or unregistered redirect_uri: an error page, never a redirect. Every other refusal goes
back to the client as ``error=...&state=...``. ``login_hint=<cpf>`` on an auto-approve client completes
without pages (headless CI).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sandbox_kernel.events.models.login import (
    AuthenticationCheck,
    AuthenticationFailed,
    AuthorizeRejected,
    AuthorizeRequested,
    ConsentDenied,
    UserAuthenticated,
)
from sandbox_kernel.faults.hooks import authorize_refusal
from sandbox_kernel.oauth.store import AUTHORIZATION_TTL

from ..codes import current_session, issue_code, open_session, remember_client, remembered_consent
from ..context import SESSION_COOKIE, TEMPLATES, LoginContext, ctx
from ..domain.authorize import AuthorizeRequest, validate
from ..domain.claims import display_cpf
from ..domain.errors import AuthorizeError
from ..storage import AuthorizationRow, SessionRow, aware, now

router = APIRouter(tags=["Acesso GOV.BR: autorização"])

LEVEL_LABELS = {"bronze": "Bronze", "prata": "Prata", "ouro": "Ouro"}
SCOPE_DATA = {
    "openid": "CPF (identificação da conta gov.br)",
    "email": "Endereço de e-mail",
    "phone": "Número de telefone celular",
    "profile": "Nome, nome social e foto",
    "govbr_confiabilidades": "Níveis e selos de confiabilidade da conta",
    "govbr_confiabilidades_idtoken": "Nível de confiabilidade no token de identificação",
    "govbr_empresa": "Empresas vinculadas (CNPJ, razão social, atuação)",
    "govbr_recupera_certificadox509": "Tipo do certificado digital usado no login",
}


def redirect_to_client(req_or_uri, params: dict) -> RedirectResponse:
    uri = req_or_uri if isinstance(req_or_uri, str) else req_or_uri.redirect_uri
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return RedirectResponse(f"{uri}{'&' if '?' in uri else '?'}{query}", status_code=302)


def error_params(error: str, description: str) -> dict:
    """Errors sent back by redirect: the OAuth key and the roteiro's ``erro_description`` (§6), both."""
    return {"error": error, "error_description": description, "erro_description": description}


def error_page(
    request: Request, title: str, message: str, status: int = 400, detail: str | None = None
) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request, "erro.html", {"title": title, "message": message, "detail": detail}, status_code=status
    )


@router.get(
    "/authorize", summary="Início do fluxo authorization code (PKCE S256, state e nonce obrigatórios)"
)
async def authorize(request: Request) -> Response:
    lc = ctx(request)
    params = dict(request.query_params)
    client = await lc.registry.client(params.get("client_id", ""))
    story = secrets.token_urlsafe(12)
    try:
        req = validate(params, client)
    except AuthorizeError as exc:
        return await _rejected(request, lc, exc, params, client, story)
    assert client is not None  # validate() refused an unknown client
    refusal = await authorize_refusal(lc.runtime, client, req.login_hint)
    if refusal:  # a fault rule of the ente: answered as a refused authorization is
        return redirect_to_client(req, refusal | {"state": req.state})
    headless = bool(client.get("auto_approve") and req.login_hint)
    requested = AuthorizeRequested(
        client_id=req.client_id,
        redirect_uri=req.redirect_uri,
        scopes=req.scopes,
        pkce=req.code_challenge is not None,
        legacy_omissions=req.legacy_omissions,
        headless=headless,
    )
    if headless:
        return await _headless(lc, req, client, story, requested)
    await lc.emit(requested, client, story)
    async with lc.runtime.transaction() as tx:
        tx.session.add(
            AuthorizationRow(
                id=story,
                client_id=req.client_id,
                ente=client.get("ente"),
                redirect_uri=req.redirect_uri,
                scopes=req.scopes,
                state=req.state,
                nonce=req.nonce,
                request=req.as_dict(),
                expires_at=now() + AUTHORIZATION_TTL,
            )
        )
    if await _session_for(lc, request, client) is not None:  # logged in already: gov.br does not ask again
        return RedirectResponse(f"/consent?authorization_id={story}", status_code=302)
    return RedirectResponse(
        f"/login?{urlencode({'client_id': req.client_id, 'authorization_id': story})}", 302
    )


async def _rejected(request, lc: LoginContext, exc: AuthorizeError, params, client, story) -> Response:
    redirect_uri = params.get("redirect_uri")
    await lc.emit(
        AuthorizeRejected(
            client_id=params.get("client_id", ""),
            **exc.refusal_fields(),
            redirect_uri=redirect_uri,
            redirected=exc.redirectable,
        ),
        client,
        story,
    )
    if not exc.redirectable:
        return error_page(request, "Não foi possível continuar", exc.description, 400, exc.expected)
    return redirect_to_client(
        redirect_uri, {**error_params(exc.error, exc.description), "state": params.get("state")}
    )


async def _headless(
    lc: LoginContext, req: AuthorizeRequest, client: dict, story: str, requested: AuthorizeRequested
) -> Response:
    """login_hint on an auto-approve client: authenticate, consent and issue the code in one commit."""
    persona = await lc.registry.persona(req.login_hint or "")
    problem = _login_problem(persona, client)
    if problem:
        await lc.emit(requested, client, story)
        await lc.emit(
            AuthenticationFailed(
                client_id=req.client_id, cpf=req.login_hint, check=problem[0], reason=problem[1]
            ),
            client,
            story,
        )
        return redirect_to_client(req, {**error_params("access_denied", problem[1]), "state": req.state})
    assert persona is not None
    amr = list(persona.get("amr") or ["passwd"])
    authenticated = UserAuthenticated(
        client_id=req.client_id, cpf=persona["cpf"], nivel=persona["nivel"], amr=amr, method="login_hint"
    )
    code = await issue_code(
        lc,
        req,
        client,
        persona,
        story,
        auth_time=int(now(client.get("ente")).timestamp()),  # the ente's virtual clock, like iat
        amr=amr,
        how="auto_approve",
        before=[requested, authenticated],
    )
    return redirect_to_client(req, {"code": code, "state": req.state})


async def _session_for(lc: LoginContext, request: Request, client: dict) -> SessionRow | None:
    """The browser's gov.br session, if its persona is one this client may log in.

    Personas belong to an ente: a session opened through another ente's client does not carry over
    (it would hand this client a persona its own login page refuses as unknown).
    """
    session = await current_session(lc, request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    persona = await lc.registry.persona(session.cpf)
    problem = _login_problem(persona, client)
    if problem is not None and problem[0] is AuthenticationCheck.UNKNOWN_PERSONA:
        return None
    return session


def _login_problem(persona: dict | None, client: dict) -> tuple[AuthenticationCheck, str] | None:
    other_ente = persona is not None and persona.get("ente") not in (None, client.get("ente"))
    if persona is None or (other_ente and not client.get("platform")):
        return AuthenticationCheck.UNKNOWN_PERSONA, "CPF não encontrado entre as personas do sandbox."
    if persona.get("bloqueada"):
        return AuthenticationCheck.BLOCKED, "Conta bloqueada. Procure o atendimento gov.br."
    return None


async def _pending(lc: LoginContext, authorization_id: str) -> tuple[AuthorizeRequest, dict] | None:
    async with lc.runtime.db.session() as session:
        row = await session.get(AuthorizationRow, authorization_id)
    if row is None or row.status != "pending" or aware(row.expires_at) < now():
        return None
    client = await lc.registry.client(row.client_id)
    if client is None:
        return None
    return AuthorizeRequest(**row.request), client


async def _finish(lc: LoginContext, authorization_id: str) -> None:
    async with lc.runtime.transaction() as tx:
        row = await tx.session.get(AuthorizationRow, authorization_id)
        if row is not None:
            row.status = "done"


@router.get(
    "/login", response_class=HTMLResponse, summary="Página de login (personas com um clique, ou CPF e senha)"
)
async def login_page(
    request: Request, authorization_id: str = "", client_id: str = "", erro: str | None = None
):
    lc = ctx(request)
    pending = await _pending(lc, authorization_id)
    if pending is None:
        return error_page(
            request,
            "Sessão expirada",
            "Este pedido de login expirou ou não existe. Volte ao serviço e tente de novo.",
        )
    req, client = pending
    personas = await lc.registry.personas(client.get("ente"), every_ente=bool(client.get("platform")))
    cards = [
        {
            "cpf": p["cpf"],
            "cpf_formatado": display_cpf(p["cpf"]),
            "nome": p.get("nome_social") or p["nome"],
            "nivel": p["nivel"],
            "nivel_label": LEVEL_LABELS[p["nivel"]],
            "descricao": p.get("descricao") or "",
            "bloqueada": p.get("bloqueada", False),
        }
        for p in personas
    ]
    return TEMPLATES.TemplateResponse(
        request,
        "login.html",
        {"authorization_id": authorization_id, "client": client, "personas": cards, "erro": erro},
    )


@router.post("/login", summary="Autentica a persona escolhida (clique) ou pelo CPF e senha")
async def login_submit(
    request: Request,
    authorization_id: str = Form(...),
    cpf: str = Form(...),
    senha: str | None = Form(None),
    modo: str = Form("persona"),
) -> Response:
    lc = ctx(request)
    pending = await _pending(lc, authorization_id)
    if pending is None:
        return error_page(request, "Sessão expirada", "Este pedido de login expirou ou não existe.")
    req, client = pending
    digits = "".join(ch for ch in cpf if ch.isdigit())
    persona = await lc.registry.persona(digits)
    problem = _login_problem(persona, client)
    if (
        problem is None
        and persona is not None  # no problem means a persona was found
        and modo == "senha"
        and not hmac.compare_digest((senha or "").encode(), persona["senha"].encode())
    ):
        problem = (AuthenticationCheck.WRONG_PASSWORD, "CPF ou senha inválidos.")
    if problem:
        await lc.emit(
            AuthenticationFailed(
                client_id=client["client_id"], cpf=digits or None, check=problem[0], reason=problem[1]
            ),
            client,
            authorization_id,
        )
        if problem[0] is AuthenticationCheck.BLOCKED:
            return error_page(request, "Conta bloqueada", problem[1], 403)
        query = urlencode(
            {"authorization_id": authorization_id, "client_id": client["client_id"], "erro": problem[1]}
        )
        return RedirectResponse(f"/login?{query}", status_code=303)
    assert persona is not None
    token, session = await open_session(
        lc, persona, client["client_id"], authorization_id, client.get("ente")
    )
    await lc.emit(
        UserAuthenticated(
            client_id=client["client_id"],
            cpf=persona["cpf"],
            nivel=persona["nivel"],
            amr=session.amr,
            method="senha" if modo == "senha" else "persona",
        ),
        client,
        authorization_id,
    )
    response = RedirectResponse(f"/consent?authorization_id={authorization_id}", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/")
    return response


@router.get("/consent", response_class=HTMLResponse, summary="Autorização de uso de dados pessoais")
async def consent_page(request: Request, authorization_id: str = ""):
    lc = ctx(request)
    pending = await _pending(lc, authorization_id)
    if pending is None:
        return error_page(request, "Sessão expirada", "Este pedido de login expirou ou não existe.")
    req, client = pending
    session = await _session_for(lc, request, client)
    if session is None:
        query = urlencode({"client_id": client["client_id"], "authorization_id": authorization_id})
        return RedirectResponse(f"/login?{query}", status_code=302)
    persona = await lc.registry.persona(session.cpf)
    if persona is None or persona.get("bloqueada"):
        return error_page(request, "Conta bloqueada", "Esta conta não pode entrar no momento.", 403)
    await remember_client(lc, request.cookies[SESSION_COOKIE], client["client_id"], authorization_id)
    if await remembered_consent(lc, session.cpf, client["client_id"], req.scopes):
        await _finish(lc, authorization_id)
        code = await issue_code(
            lc,
            req,
            client,
            persona,
            authorization_id,
            auth_time=session.auth_time,
            amr=session.amr,
            how="lembrado",
        )
        return redirect_to_client(req, {"code": code, "state": req.state})
    items = [SCOPE_DATA.get(s, s) for s in req.scopes]
    return TEMPLATES.TemplateResponse(
        request,
        "consent.html",
        {"authorization_id": authorization_id, "client": client, "persona": persona, "items": items},
    )


@router.post("/consent", summary="Autorizar ou Cancelar")
async def consent_submit(
    request: Request, authorization_id: str = Form(...), decisao: str = Form(...)
) -> Response:
    lc = ctx(request)
    pending = await _pending(lc, authorization_id)
    session = await _session_for(lc, request, pending[1]) if pending is not None else None
    if pending is None or session is None:
        return error_page(request, "Sessão expirada", "Este pedido de login expirou ou não existe.")
    req, client = pending
    await _finish(lc, authorization_id)
    if decisao != "autorizar":
        await lc.emit(ConsentDenied(client_id=client["client_id"], cpf=session.cpf), client, authorization_id)
        return redirect_to_client(
            req,
            {**error_params("access_denied", "O usuário negou a autorização."), "state": req.state},
        )
    persona = await lc.registry.persona(session.cpf)
    if persona is None:
        return error_page(request, "Conta não encontrada", "A persona desta sessão não existe mais.")
    code = await issue_code(
        lc, req, client, persona, authorization_id, auth_time=session.auth_time, amr=session.amr, how="clique"
    )
    return redirect_to_client(req, {"code": code, "state": req.state})
