"""Assinatura GOV.BR (ITI) events: the OAuth side (CAS), the signature API and the sandbox verifier.

Never a secret: no authorization code, access token, client secret or private key. A refusal says which
check failed (``check``, a closed enum), why (``reason``) and what was expected (``expected``), so a developer
can fix the request. One story per signature authorization, keyed ``<client_id>/<autorizacao_id>``: the
authorize request, its code, the token, the certificate and every signature made with that token.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from ...oauth.domain import ClientAuth, TokenCheck
from ..catalog import EventData, catalog
from .common import RefusalData

TokenKind = Literal["sign", "signature_session"]

STORY_KEY = (
    "`<client_id>/<autorizacao_id>`: uma autorização de assinatura (authorize → code → token → certificado "
    "→ assinaturas)."
)


class AuthorizationCheck(StrEnum):
    """Why GET /oauth2.0/authorize (or its consent) was refused (assinatura-govbr.md §2.2, §4.3)."""

    CLIENT_ID = "client_id"
    REDIRECT_URI = "redirect_uri"
    RESPONSE_TYPE = "response_type"
    SCOPE = "scope"
    LOGIN_HINT = "login_hint"  # no persona with that CPF, or one of another ente
    BLOCKED = "bloqueada"
    LEVEL = "nivel"
    CANCELLED = "cancelado"


class SignatureCheck(StrEnum):
    """Why certificadoPublico or assinarPKCS7 was refused (assinatura-govbr.md §3)."""

    TOKEN_MISSING = "token_ausente"
    TOKEN_UNKNOWN = "token_desconhecido"
    TOKEN_EXPIRED = "token_expirado"
    TOKEN_USED = "token_ja_usado"
    SESSION_LIMIT = "limite_da_sessao"
    PERSONA_GONE = "usuario_removido"
    LEVEL = "nivel"
    CPF_STATUS = "situacao_cpf"
    BODY_INVALID = "corpo_invalido"
    HASH_MISSING = "hash_ausente"
    HASH_EMPTY = "hash_vazio"
    HASH_NOT_TEXT = "hash_nao_texto"
    HASH_HEX = "hash_hexadecimal"
    HASH_BASE64URL = "hash_base64url"
    HASH_NOT_BASE64 = "hash_nao_base64"
    HASH_BASE64_OF_HEX = "hash_base64_de_hexadecimal"
    HASH_SIZE = "hash_tamanho"


@catalog.register(
    "assinatura",
    "authorization",
    "requested",
    "GET /oauth2.0/authorize recebido com cliente e redirect_uri válidos.",
    key=STORY_KEY,
)
class AuthorizationRequested(EventData):
    autorizacao_id: str
    client_id: str
    redirect_uri: str
    scopes: list[str]
    state_presente: bool
    nonce_presente: bool
    login_hint: str | None = None
    headless: bool


@catalog.register(
    "assinatura",
    "authorization",
    "denied",
    "O pedido de autorização foi recusado (cliente, redirect_uri, escopo, usuário bronze ou cancelamento).",
    key=STORY_KEY
    + " Recusas antes de existir a autorização (cliente, redirect_uri, response_type, escopo): chave estável "
    "`<client_id ou desconhecido>/authorize`.",
)
class AuthorizationDenied(RefusalData):
    autorizacao_id: str | None = None
    client_id: str | None
    check: AuthorizationCheck
    recebido: str | None = None
    cpf: str | None = None


@catalog.register(
    "assinatura",
    "consent",
    "failed",
    "Código de autorização errado na tela de consentimento (o usuário pode tentar de novo).",
    key=STORY_KEY,
)
class ConsentFailed(EventData):
    autorizacao_id: str
    client_id: str
    cpf: str
    tentativas: int
    esperado: str


@catalog.register(
    "assinatura",
    "authorization",
    "granted",
    "O usuário autorizou o uso do certificado (ou o cliente aprova sozinho com login_hint); o code foi emitido.",
    key=STORY_KEY,
)
class AuthorizationGranted(EventData):
    autorizacao_id: str
    client_id: str
    cpf: str
    nivel: str
    scopes: list[str]
    via: Literal["consentimento", "auto_approve"]
    code_expires_in: int


@catalog.register(
    "assinatura", "token", "issued", "POST /oauth2.0/token: access token emitido.", key=STORY_KEY
)
class TokenIssued(EventData):
    autorizacao_id: str
    client_id: str
    cpf: str
    token_kind: TokenKind
    expires_in: int
    assinaturas_permitidas: int
    client_auth: ClientAuth
    parametros_em: list[str]


@catalog.register(
    "assinatura",
    "token",
    "rejected",
    "POST /oauth2.0/token recusado: diz qual verificação falhou e o que era esperado.",
    key=STORY_KEY
    + " Recusas que não se ligam a um code (cliente, segredo, code desconhecido): chave estável "
    "`<client_id ou desconhecido>/token`.",
)
class TokenRejected(RefusalData):
    client_id: str | None
    check: TokenCheck
    status: int
    autorizacao_id: str | None = None


@catalog.register(
    "assinatura",
    "certificate",
    "issued",
    "Certificado do usuário emitido sob demanda pela AC Final do sandbox.",
    key=STORY_KEY + " (a autorização cujo token pediu o certificado)",
)
class UserCertificateIssued(EventData):
    cpf: str
    nome: str
    serial: str
    fingerprint_sha256: str
    emissor: str
    not_before: str
    not_after: str
    client_id: str


@catalog.register(
    "assinatura",
    "signature",
    "created",
    "POST /externo/v2/assinarPKCS7: CMS (PKCS#7) destacado devolvido.",
    key=STORY_KEY + " (a autorização do token usado)",
)
class SignatureCreated(EventData):
    assinatura_id: str
    autorizacao_id: str
    client_id: str
    cpf: str
    hash_base64: str
    certificado_serial: str
    token_kind: TokenKind
    usadas_na_sessao: int
    restantes: int
    carimbo_do_tempo: bool
    codificacao: Literal["ber", "der"]
    bytes: int


@catalog.register(
    "assinatura",
    "signature",
    "refused",
    "certificadoPublico ou assinarPKCS7 recusado (token, hash, nível da conta, situação do CPF): diz por quê.",
    key=STORY_KEY
    + " Token ausente ou desconhecido (não se liga a uma autorização): chave estável `desconhecido/api`.",
)
class SignatureRefused(RefusalData):
    assinatura_id: str
    endpoint: str
    check: SignatureCheck
    status: int
    client_id: str | None = None
    cpf: str | None = None
    autorizacao_id: str | None = None


@catalog.register(
    "assinatura",
    "verification",
    "completed",
    "POST /sandbox/verificar: relatório de conformidade, como o VALIDAR.",
    key="`<verificacao_id>` (cada verificação é sua própria história).",
)
class VerificationCompleted(EventData):
    verificacao_id: str
    veredito: Literal["valida", "invalida", "indeterminada"]
    tipo: Literal["p7s", "pdf"]
    problemas: list[str]
    cpf: str | None = None
    certificado_serial: str | None = None
