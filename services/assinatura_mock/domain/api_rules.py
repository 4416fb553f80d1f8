"""The rules of the signature API (reference assinatura-govbr.md §3, §4.3), as refusals the routes answer.

- 401 (Spring-style JSON, the CAS's own format: the real API's is unconfirmed, §8): Bearer missing, token
  unknown, expired or used up (``sign`` signs once; ``signature_session`` up to its limit);
- 403 with the manual's plain-text messages: bronze account, CPF not regular;
- 400 plain text naming the mistake: a body that is not JSON, a hash that is not Base64 of 32 bytes.

Pure: the caller hands in the token's fields, the persona and the body.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sandbox_kernel.events.models.assinatura import SignatureCheck

from .hashes import HashError, parse_hash_base64
from .personas import signing_problem

HOW_TO_SEND = 'Content-Type: application/json e corpo {"hashBase64": "<Base64 dos 32 bytes do SHA-256>"}'


@dataclass
class Refusal(Exception):
    status: int
    check: SignatureCheck  # the closed set published in AsyncAPI (a plain string is checked against it)
    reason: str
    expected: str
    body: str | None = None  # plain text for 400/403; None → Spring JSON (401)

    def __post_init__(self) -> None:
        self.check = SignatureCheck(self.check)


def missing_bearer() -> Refusal:
    return Refusal(
        401,
        SignatureCheck.TOKEN_MISSING,
        "cabeçalho Authorization: Bearer ausente",
        "Authorization: Bearer <access_token>",
    )


def unknown_token() -> Refusal:
    return Refusal(
        401,
        SignatureCheck.TOKEN_UNKNOWN,
        "access token desconhecido",
        "o access_token devolvido por /oauth2.0/token",
    )


def check_token(
    *, expires_at: dt.datetime, uses: int, max_uses: int, kind: str, now: dt.datetime, consuming: bool
) -> None:
    """Raise the refusal for an expired token, or for a used-up one when this call would sign."""
    if expires_at < now:
        raise Refusal(
            401,
            SignatureCheck.TOKEN_EXPIRED,
            "access token expirado",
            "um token novo (expires_in segundos de validade)",
        )
    if consuming and uses >= max_uses:
        raise used_up(kind, max_uses)


def used_up(kind: str, max_uses: int) -> Refusal:
    if kind == "sign":
        return Refusal(
            401,
            SignatureCheck.TOKEN_USED,
            "o token sign já assinou um hash (vale uma assinatura)",
            "um novo token, ou o escopo signature_session para várias assinaturas",
        )
    return Refusal(
        401,
        SignatureCheck.SESSION_LIMIT,
        f"o token signature_session já fez {max_uses} assinaturas",
        f"até {max_uses} assinaturas por token; peça um novo token",
    )


def check_signer(persona: dict | None) -> dict:
    """The persona behind the token, if it may sign now (checked before each certificate and signature)."""
    if persona is None:
        raise Refusal(
            401,
            SignatureCheck.PERSONA_GONE,
            "a persona do token não existe mais no registry",
            "uma persona existente",
        )
    problem = signing_problem(persona)
    if problem:
        raise Refusal(
            403, SignatureCheck(problem.check), problem.message, problem.expected, body=problem.message
        )
    return persona


def hash_from_body(body: bytes) -> bytes:
    """The 32 digest bytes of an ``assinarPKCS7`` body ``{"hashBase64": ...}``."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise Refusal(
            400,
            SignatureCheck.BODY_INVALID,
            "o corpo não é um objeto JSON",
            HOW_TO_SEND,
            body='Corpo inválido: envie JSON {"hashBase64": "<Base64 dos 32 bytes do SHA-256>"}.',
        )
    try:
        return parse_hash_base64(data.get("hashBase64"))
    except HashError as exc:
        raise Refusal(
            400, SignatureCheck(exc.check), str(exc), "Base64 padrão dos 32 bytes do SHA-256", body=str(exc)
        ) from None
