"""GET /oauth2.0/authorize and the consent screen (reference assinatura-govbr.md §2.2).

authorize → (who is the user: ``routes.login.begin``) → consent with the SMS code (``12345`` in the sandbox,
as in staging) → redirect to ``redirect_uri`` with ``code`` and ``state``. Clients with ``auto_approve``
skip the pages for ``login_hint=<cpf>`` (headless CI).
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sandbox_kernel.events.models import assinatura as events
from sandbox_kernel.oauth.store import AUTHORIZATION_TTL
from sandbox_kernel.redirect_uris import redirect_uri_allowed
from sandbox_kernel.registry_client import RegistryUnavailable

from .. import authorization, pages
from ..context import Context, ctx_of, story_key
from ..domain import oauth
from ..domain.personas import account_problem, signing_problem
from ..storage import AuthorizationRow, now
from ..web import form_fields
from . import login

router = APIRouter(tags=["CAS (OAuth)"])

MAX_CONSENT_ATTEMPTS = 5


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)


@router.get("/oauth2.0/authorize", summary="Início da autorização (como cas.staging.iti.br)")
async def authorize(
    request: Request,
    response_type: str | None = Query(None),
    client_id: str | None = Query(None),
    scope: str | None = Query(None),
    redirect_uri: str | None = Query(None),
    state: str | None = Query(None),
    nonce: str | None = Query(None),
    login_hint: str | None = Query(None),
) -> Response:
    ctx = ctx_of(request)
    try:
        client = await ctx.registry.client(client_id or "")
    except RegistryUnavailable as exc:
        return _html(pages.bad_request(f"Serviço indisponível: {exc}"), 503)
    if client is None or client.get("kind") != "assinatura":
        reason = (
            "client_id ausente"
            if not client_id
            else f"client_id {client_id!r} não cadastrado como cliente de assinatura"
        )
        await authorization.deny(
            ctx,
            client=None,
            client_id=client_id,
            check=events.AuthorizationCheck.CLIENT_ID,
            reason=reason,
            expected="um client_id de assinatura cadastrado no registry",
        )
        return _html(pages.unauthorized(reason), 401)
    registered = client.get("redirect_uris", [])
    if not redirect_uri or not redirect_uri_allowed(
        redirect_uri, registered, client.get("allow_loopback", False)
    ):
        expected = "idêntica a uma das cadastradas: " + (", ".join(registered) or "(nenhuma)")
        if client.get("allow_loopback"):
            expected += " ou qualquer http://127.0.0.1:*, http://localhost:*"
        await authorization.deny(
            ctx,
            client=client,
            client_id=client_id,
            check=events.AuthorizationCheck.REDIRECT_URI,
            reason="redirect_uri ausente ou diferente da cadastrada",
            expected=expected,
            received=redirect_uri,
        )
        return _html(
            pages.unauthorized(f"redirect_uri {redirect_uri!r} não confere com a cadastrada ({expected})."),
            401,
        )
    if response_type != "code":
        reason = f"response_type deve ser code (recebido: {response_type!r})"
        await authorization.deny(
            ctx,
            client=client,
            client_id=client_id,
            check=events.AuthorizationCheck.RESPONSE_TYPE,
            reason=reason,
            expected="code",
            received=response_type,
        )
        return _html(pages.bad_request(reason), 400)
    try:
        scopes = oauth.parse_scope(scope, client.get("scopes"))
    except oauth.ScopeError as exc:
        await authorization.deny(
            ctx,
            client=client,
            client_id=client_id,
            check=events.AuthorizationCheck.SCOPE,
            reason=str(exc),
            expected="sign ou signature_session, mais govbr e/ou icp_brasil",
            received=scope,
        )
        return _html(pages.bad_request(f"Escopo inválido: {exc}."), 400)

    hint = "".join(c for c in (login_hint or "") if c.isdigit()) or None
    headless = bool(client.get("auto_approve") and hint)
    auth = AuthorizationRow(
        id=secrets.token_urlsafe(24),
        client_id=client["client_id"],
        ente=client.get("ente"),
        redirect_uri=redirect_uri,
        scopes=list(scopes.scopes),
        state=state,
        nonce=nonce,
        expires_at=now() + AUTHORIZATION_TTL,
    )
    async with ctx.runtime.transaction() as tx:
        tx.session.add(auth)
        tx.emit(
            events.AuthorizationRequested(
                autorizacao_id=auth.id,
                client_id=auth.client_id,
                redirect_uri=redirect_uri,
                scopes=auth.scopes,
                state_presente=state is not None,
                nonce_presente=nonce is not None,
                login_hint=hint,
                headless=headless,
            ),
            key=story_key(auth.client_id, auth.id),
            subject=auth.client_id,
            ente=auth.ente,
        )
    if headless:
        return await _headless(ctx, auth, client, hint or "")
    return await login.begin(request, ctx, auth, hint)


async def _headless(ctx: Context, auth: AuthorizationRow, client: dict, hint: str) -> Response:
    """login_hint on an auto-approve client: the same account checks as the login (ente, bloqueada), no pages.

    Headless CI gets the code even for a bronze persona or an irregular CPF: the real CAS issued tokens to
    bronze accounts too (FeliciLab got the 403 from the API, §3.1), so CI can test those 403s."""
    persona = await ctx.registry.persona(hint)
    problem = account_problem(persona, auth.ente)
    if problem is not None:
        check, reason, expected = problem
        await _deny(ctx, auth, check, reason, hint, expected=expected)
        status = 403 if check is events.AuthorizationCheck.BLOCKED else 400
        return _html(pages.bad_request(f"login_hint {hint}: {reason}"), status)
    assert persona is not None
    return RedirectResponse(
        await authorization.grant(ctx, auth, persona, via="auto_approve"), status_code=302
    )


@router.get("/oauth2.0/consent", summary="Tela de autorização de uso do certificado")
async def consent_page(request: Request, autorizacao: str = Query(...)) -> Response:
    ctx = ctx_of(request)
    auth = await authorization.load_pending(ctx, autorizacao)
    if auth is None or auth.cpf is None:
        return _html(pages.expired(), 400)
    return await _consent_or_refusal(ctx, auth, error=None)


async def _consent_or_refusal(ctx: Context, auth: AuthorizationRow, error: str | None) -> Response:
    client = await ctx.registry.client(auth.client_id) or {}
    persona = await ctx.registry.persona(auth.cpf or "")
    if persona is None:
        return _html(pages.expired(), 400)
    problem = signing_problem(persona)
    if problem and problem.check == "nivel":
        # §4.3: bronze accounts get the manual's message instead of the consent screen.
        await _deny(
            ctx,
            auth,
            events.AuthorizationCheck.LEVEL,
            problem.message,
            persona["cpf"],
            expected=problem.expected,
        )
        return _html(pages.bronze(problem.message), 403)
    scopes = oauth.parse_scope(" ".join(auth.scopes))
    return _html(
        pages.consent(
            auth.id,
            client.get("nome", auth.client_id),
            persona,
            error=error,
            certificate_choice=scopes.certificate_choice,
            hint_code=ctx.options.consent_code,
        ),
        200 if error is None else 400,
    )


async def _deny(
    ctx: Context,
    auth: AuthorizationRow,
    check: events.AuthorizationCheck,
    reason: str,
    cpf: str | None,
    expected: str | None = None,
) -> None:
    """Close the authorization as denied and say why in the event stream, in one commit."""
    async with ctx.runtime.transaction() as tx:
        row = await tx.session.get(AuthorizationRow, auth.id)
        if row is not None:
            row.status = "denied"
        tx.emit(
            events.AuthorizationDenied(
                autorizacao_id=auth.id,
                client_id=auth.client_id,
                check=check,
                reason=reason,
                expected=expected,
                reference="assinatura-govbr.md §2.2",
                cpf=cpf,
            ),
            key=story_key(auth.client_id, auth.id),
            subject=auth.client_id,
            ente=auth.ente,
        )


@router.post("/oauth2.0/consent", summary="Confirma (ou cancela) a autorização com o código recebido")
async def consent_submit(request: Request) -> Response:
    fields = await form_fields(request)
    autorizacao, codigo = fields.get("autorizacao", ""), fields.get("codigo", "")
    acao = fields.get("acao", "autorizar")
    ctx = ctx_of(request)
    auth = await authorization.load_pending(ctx, autorizacao)
    if auth is None or auth.cpf is None:
        return _html(pages.expired(), 400)
    if acao == "cancelar":
        await _deny(
            ctx, auth, events.AuthorizationCheck.CANCELLED, "o usuário cancelou a autorização", auth.cpf
        )
        return RedirectResponse(
            oauth.redirect_with(auth.redirect_uri, {"error": "access_denied", "state": auth.state}),
            status_code=303,
        )
    persona = await ctx.registry.persona(auth.cpf)
    if persona is None:
        return _html(pages.expired(), 400)
    if codigo.strip() != ctx.options.consent_code:
        async with ctx.runtime.transaction() as tx:
            row = await tx.session.get(AuthorizationRow, auth.id)
            assert row is not None
            row.attempts += 1
            attempts = row.attempts
            if attempts >= MAX_CONSENT_ATTEMPTS:
                row.status = "denied"
            tx.emit(
                events.ConsentFailed(
                    autorizacao_id=auth.id,
                    client_id=auth.client_id,
                    cpf=auth.cpf,
                    tentativas=attempts,
                    esperado=f"o código enviado por SMS (no sandbox: {ctx.options.consent_code})",
                ),
                key=story_key(auth.client_id, auth.id),
                subject=auth.client_id,
                ente=auth.ente,
            )
        if attempts >= MAX_CONSENT_ATTEMPTS:
            return _html(
                pages.bad_request("Número máximo de tentativas excedido. Volte ao sistema e comece de novo."),
                400,
            )
        left = MAX_CONSENT_ATTEMPTS - attempts
        return await _consent_or_refusal(
            ctx,
            auth,
            error=f"Código de autorização inválido. Tente novamente ({left} tentativa(s) restante(s)).",
        )
    return RedirectResponse(
        await authorization.grant(ctx, auth, persona, via="consentimento"), status_code=303
    )
