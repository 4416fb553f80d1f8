"""Acesso GOV.BR (login_mock) events: one story per login session, keyed ``<client_id>/<session>``.

The session is the id given at ``GET /authorize``; the code, the token rows and the browser session keep it,
so the token, userinfo, API, logout and refusal events of that login share its key (and partition).
Refusals say which check failed (a closed enum) and what was expected. Never a code, token, secret or verifier.
"""

from __future__ import annotations

from enum import StrEnum

from ...oauth.domain import ClientAuth, TokenCheck
from ..catalog import EventData, catalog
from .common import RefusalData

SESSION_KEY = "`<client_id>/<sessão>`: a sessão de login aberta no GET /authorize (todos os eventos dela)."
TOKEN_KEY = (
    SESSION_KEY + " Recusas que não se ligam a um code (cliente desconhecido, segredo errado, code "
    "desconhecido) usam a chave estável `<client_id ou desconhecido>/token`."
)
API_KEY = (
    SESSION_KEY
    + " Um token autêntico expirado ou revogado fica na sessão que o emitiu; sem token, ou com um "
    "que o sandbox não assinou, a chamada não se liga a uma sessão: chave estável `desconhecido/api`."
)


class AuthorizeCheck(StrEnum):
    """Why GET /authorize was refused (acesso-govbr.md §2.1)."""

    UNKNOWN_CLIENT = "unknown_client"
    REDIRECT_URI_MISMATCH = "redirect_uri_mismatch"
    RESPONSE_TYPE = "response_type"
    SCOPE_OPENID = "scope_openid"
    SCOPE_NOT_REGISTERED = "scope_not_registered"
    STATE_MISSING = "state_missing"
    NONCE_MISSING = "nonce_missing"
    PKCE_METHOD = "pkce_method"
    PKCE_CHALLENGE_FORMAT = "pkce_challenge_format"
    PKCE_MISSING = "pkce_missing"


class AuthenticationCheck(StrEnum):
    """Why a persona could not log in."""

    UNKNOWN_PERSONA = "unknown_persona"  # no such CPF, or a persona of another ente
    BLOCKED = "blocked"
    WRONG_PASSWORD = "wrong_password"


class ApiCheck(StrEnum):
    """Why an API call (userinfo, confiabilidades, empresas, x509, foto) was refused (acesso-govbr.md §6)."""

    MISSING_BEARER = "missing_bearer"
    SIGNATURE_OR_EXPIRY = "signature_or_expiry"
    NOT_AN_ACCESS_TOKEN = "not_an_access_token"
    REVOKED = "revoked"
    PERSONA_GONE = "persona_gone"
    SCOPE = "scope"
    CPF_MISMATCH = "cpf_mismatch"


@catalog.register(
    "login", "authorize", "requested", "GET /authorize aceito: o fluxo de login começou.", key=SESSION_KEY
)
class AuthorizeRequested(EventData):
    client_id: str
    redirect_uri: str
    scopes: list[str]
    pkce: bool
    legacy_omissions: list[str]
    headless: bool


@catalog.register(
    "login",
    "authorize",
    "rejected",
    "GET /authorize recusado: qual regra falhou e o que era esperado.",
    key=SESSION_KEY + " Cliente desconhecido: `desconhecido/<sessão>`.",
)
class AuthorizeRejected(RefusalData):
    client_id: str
    check: AuthorizeCheck
    redirect_uri: str | None
    redirected: bool


@catalog.register(
    "login",
    "user",
    "authenticated",
    "A persona se autenticou (clique, CPF e senha, ou login_hint).",
    key=SESSION_KEY,
)
class UserAuthenticated(EventData):
    client_id: str
    cpf: str
    nivel: str
    amr: list[str]
    method: str


@catalog.register(
    "login", "authentication", "failed", "CPF ou senha errados, ou conta bloqueada.", key=SESSION_KEY
)
class AuthenticationFailed(RefusalData):
    client_id: str
    cpf: str | None
    check: AuthenticationCheck


@catalog.register(
    "login",
    "consent",
    "granted",
    "A persona autorizou o uso dos dados pedidos pelos escopos.",
    key=SESSION_KEY,
)
class ConsentGranted(EventData):
    client_id: str
    cpf: str
    scopes: list[str]
    how: str  # "clique", "lembrado" (consent given before) or "auto_approve" (headless login_hint)


@catalog.register(
    "login",
    "consent",
    "denied",
    "A persona clicou em Cancelar: o cliente recebe error=access_denied.",
    key=SESSION_KEY,
)
class ConsentDenied(EventData):
    client_id: str
    cpf: str


@catalog.register("login", "token", "issued", "POST /token emitiu access_token e id_token.", key=SESSION_KEY)
class TokenIssued(EventData):
    client_id: str
    cpf: str
    scopes: list[str]
    client_auth: ClientAuth
    expires_in: int
    id_token_ttl: int
    jti: str
    warnings: list[str] = []  # ids of rules bent to accept a real client (e.g. code_verifier_length)
    warning: str | None = None  # the same, for people: which rule and what the client sent


@catalog.register(
    "login",
    "token",
    "rejected",
    "POST /token recusado: qual verificação falhou e o que era esperado.",
    key=TOKEN_KEY,
)
class TokenRejected(RefusalData):
    client_id: str | None
    check: TokenCheck
    client_auth: ClientAuth | None
    revoked_tokens: int = 0


@catalog.register(
    "login",
    "userinfo",
    "served",
    "GET /userinfo respondeu; quais claims foram entregues.",
    key=SESSION_KEY,
)
class UserinfoServed(EventData):
    client_id: str
    cpf: str
    claims: list[str]


@catalog.register(
    "login",
    "api",
    "served",
    "Uma API (confiabilidades, empresas, x509, foto, selo) respondeu.",
    key=SESSION_KEY,
)
class ApiServed(EventData):
    api: str
    client_id: str
    cpf: str
    path: str


@catalog.register(
    "login",
    "api",
    "rejected",
    "Uma chamada de API foi recusada (token inválido, escopo, CPF de outro).",
    key=API_KEY,
)
class ApiRejected(RefusalData):
    api: str
    error: str
    check: ApiCheck
    client_id: str | None
    path: str


@catalog.register(
    "login",
    "logout",
    "completed",
    "GET/POST /logout encerrou a sessão gov.br.",
    key=SESSION_KEY
    + " A sessão vem do cookie gov.br ou do id_token_hint; sem nenhum dos dois: `<client_id>/logout`.",
)
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
    key="`desconhecido/jwk` (não pertence a uma sessão).",
)
class SigningKeyRotated(EventData):
    kid: str
