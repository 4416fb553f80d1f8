"""Assinatura GOV.BR (ITI) events: the OAuth side (CAS), the signature API and the sandbox verifier.

Never a secret: no authorization code, access token, client secret or private key. A refusal says which
check failed (``verificacao``) and what was expected (``esperado``), so a developer can fix the request.
Key: the client_id for the OAuth story, the signature request id for signatures.
"""

from __future__ import annotations

from typing import Literal

from ..catalog import EventData, catalog

TokenKind = Literal["sign", "signature_session"]


@catalog.register(
    "assinatura",
    "authorization",
    "requested",
    "GET /oauth2.0/authorize recebido com cliente e redirect_uri válidos.",
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
)
class AuthorizationDenied(EventData):
    autorizacao_id: str | None = None
    client_id: str | None
    verificacao: str
    motivo: str
    esperado: str | None = None
    recebido: str | None = None
    cpf: str | None = None


@catalog.register(
    "assinatura",
    "consent",
    "failed",
    "Código de autorização errado na tela de consentimento (o usuário pode tentar de novo).",
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
)
class AuthorizationGranted(EventData):
    autorizacao_id: str
    client_id: str
    cpf: str
    nivel: str
    scopes: list[str]
    via: Literal["consentimento", "auto_approve"]
    code_expires_in: int


@catalog.register("assinatura", "token", "issued", "POST /oauth2.0/token: access token emitido.")
class TokenIssued(EventData):
    autorizacao_id: str
    client_id: str
    cpf: str
    token_kind: TokenKind
    expires_in: int
    assinaturas_permitidas: int
    client_auth: Literal["client_secret_post", "client_secret_basic"]
    parametros_em: list[str]


@catalog.register(
    "assinatura",
    "token",
    "rejected",
    "POST /oauth2.0/token recusado: diz qual verificação falhou e o que era esperado.",
)
class TokenRejected(EventData):
    client_id: str | None
    verificacao: str
    motivo: str
    esperado: str
    status: int
    autorizacao_id: str | None = None


@catalog.register(
    "assinatura",
    "certificate",
    "issued",
    "Certificado do usuário emitido sob demanda pela AC Final do sandbox.",
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
    "assinatura", "signature", "created", "POST /externo/v2/assinarPKCS7: CMS (PKCS#7) destacado devolvido."
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
)
class SignatureRefused(EventData):
    assinatura_id: str
    endpoint: str
    verificacao: str
    motivo: str
    esperado: str
    status: int
    client_id: str | None = None
    cpf: str | None = None
    autorizacao_id: str | None = None


@catalog.register(
    "assinatura",
    "verification",
    "completed",
    "POST /sandbox/verificar: relatório de conformidade, como o VALIDAR.",
)
class VerificationCompleted(EventData):
    verificacao_id: str
    veredito: Literal["valida", "invalida", "indeterminada"]
    tipo: Literal["p7s", "pdf"]
    problemas: list[str]
    cpf: str | None = None
    certificado_serial: str | None = None
