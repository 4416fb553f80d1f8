"""Acesso GOV.BR (login_mock) events: one story per login session, keyed ``<client_id>/<session>``.

Refusals say which check failed and what was expected. Never a code, token, secret or verifier.
"""

from __future__ import annotations

from ..catalog import EventData, catalog


@catalog.register("login", "authorize", "requested", "GET /authorize aceito: o fluxo de login começou.")
class AuthorizeRequested(EventData):
    client_id: str
    redirect_uri: str
    scopes: list[str]
    pkce: bool
    legacy_omissions: list[str]
    headless: bool


@catalog.register(
    "login", "authorize", "rejected", "GET /authorize recusado: qual regra falhou e o que era esperado."
)
class AuthorizeRejected(EventData):
    client_id: str
    check: str
    reason: str
    expected: str | None
    redirect_uri: str | None
    redirected: bool


@catalog.register(
    "login", "user", "authenticated", "A persona se autenticou (clique, CPF e senha, ou login_hint)."
)
class UserAuthenticated(EventData):
    client_id: str
    cpf: str
    nivel: str
    amr: list[str]
    method: str


@catalog.register("login", "authentication", "failed", "CPF ou senha errados, ou conta bloqueada.")
class AuthenticationFailed(EventData):
    client_id: str
    cpf: str | None
    check: str
    reason: str


@catalog.register("login", "consent", "granted", "A persona autorizou o uso dos dados pedidos pelos escopos.")
class ConsentGranted(EventData):
    client_id: str
    cpf: str
    scopes: list[str]
    how: str  # "clique", "lembrado" (consent given before) or "auto_approve" (headless login_hint)


@catalog.register(
    "login", "consent", "denied", "A persona clicou em Cancelar: o cliente recebe error=access_denied."
)
class ConsentDenied(EventData):
    client_id: str
    cpf: str


@catalog.register("login", "token", "issued", "POST /token emitiu access_token e id_token.")
class TokenIssued(EventData):
    client_id: str
    cpf: str
    scopes: list[str]
    client_auth: str
    expires_in: int
    id_token_ttl: int
    jti: str


@catalog.register(
    "login", "token", "rejected", "POST /token recusado: qual verificação falhou e o que era esperado."
)
class TokenRejected(EventData):
    client_id: str | None
    check: str
    reason: str
    expected: str | None
    client_auth: str | None
    revoked_tokens: int = 0


@catalog.register("login", "userinfo", "served", "GET /userinfo respondeu; quais claims foram entregues.")
class UserinfoServed(EventData):
    client_id: str
    cpf: str
    claims: list[str]


@catalog.register("login", "api", "served", "Uma API (confiabilidades, empresas, x509, foto) respondeu.")
class ApiServed(EventData):
    api: str
    client_id: str
    cpf: str
    path: str


@catalog.register(
    "login", "api", "rejected", "Uma chamada de API foi recusada (token inválido, escopo, CPF de outro)."
)
class ApiRejected(EventData):
    api: str
    error: str
    check: str
    client_id: str | None
    path: str


@catalog.register("login", "logout", "completed", "GET/POST /logout encerrou a sessão gov.br.")
class LogoutCompleted(EventData):
    cpf: str | None
    post_logout_redirect_uri: str | None
    redirected: bool
    reason: str | None


@catalog.register(
    "login",
    "signing_key",
    "rotated",
    "A chave de assinatura dos tokens foi trocada (o JWKS publica só a nova).",
)
class SigningKeyRotated(EventData):
    kid: str
