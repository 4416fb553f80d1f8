"""OAuth rules of the ITI's CAS (reference assinatura-govbr.md §2): scopes, codes, tokens and the exact
error bodies. Pure: no web framework, no storage.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sandbox_kernel.oauth import domain as kernel_oauth
from sandbox_kernel.oauth.domain import TokenCheck
from sandbox_kernel.secrets import hash_secret

TokenKind = Literal["sign", "signature_session"]
KNOWN_SCOPES = ("sign", "signature_session", "govbr", "icp_brasil")
TOKEN_TYPE = "bearer"

# §3.1: the manual's two 403 messages, plain text.
BRONZE_MESSAGE = (
    "Cidadão não possui a identidade (Prata ou Ouro) necessária para uso da assinatura eletrônica digital."
)
CPF_MESSAGE = (
    "CPF com situação cancelada, nula ou falecido na Receita Federal não permite uso da assinatura "
    "eletrônica digital."
)
# §4.3: what systems must show bronze users, with the upgrade link.
UPGRADE_URL = "https://confiabilidades.acesso.gov.br/"


# --- scope (§2.2) ------------------------------------------------------------------------------------------


class ScopeError(ValueError):
    """A scope the CAS would refuse; the message (Portuguese) says what to send instead."""


@dataclass(frozen=True)
class ScopeRequest:
    kind: TokenKind
    govbr: bool
    icp_brasil: bool
    scopes: tuple[str, ...]

    @property
    def certificate_choice(self) -> Literal["govbr", "icp_brasil", "escolha"]:
        """Neither or only govbr: GOV.BR certificate; only icp_brasil: a PSC; both: the user chooses."""
        if self.icp_brasil and self.govbr:
            return "escolha"
        return "icp_brasil" if self.icp_brasil else "govbr"


def parse_scope(scope: str | None, allowed: list[str] | None = None) -> ScopeRequest:
    """Space-separated (``+`` in the URL decodes to a space); exactly one of sign / signature_session."""
    items = [s for s in (scope or "").split() if s]
    if not items:
        raise ScopeError("informe o parâmetro scope: sign ou signature_session (mais govbr e/ou icp_brasil)")
    unknown = [s for s in items if s not in KNOWN_SCOPES]
    if unknown:
        raise ScopeError(f"escopo desconhecido: {', '.join(unknown)} (válidos: {', '.join(KNOWN_SCOPES)})")
    kinds = [s for s in KNOWN_SCOPES[:2] if s in items]
    if len(kinds) != 1:
        raise ScopeError(
            "o escopo deve ter exatamente um de sign ou signature_session"
            + (" (são mutuamente exclusivos)" if len(kinds) == 2 else "")
        )
    if allowed is not None:
        missing = [s for s in dict.fromkeys(items) if s not in allowed]
        if missing:
            raise ScopeError(f"escopo não liberado para este cliente: {', '.join(missing)}")
    return ScopeRequest(kinds[0], "govbr" in items, "icp_brasil" in items, tuple(dict.fromkeys(items)))  # type: ignore[arg-type]  # kinds[0] was checked against the Literal kinds above


def max_signatures(kind: TokenKind, session_limit: int = 100) -> int:
    """§2.2: ``sign`` signs exactly one hash; ``signature_session`` up to 100 while valid."""
    return 1 if kind == "sign" else session_limit


# --- codes and tokens --------------------------------------------------------------------------------------


def new_code() -> str:
    """CAS-style opaque code (``OC-<n>-<random>``)."""
    return kernel_oauth.new_code(f"OC-{secrets.randbelow(10**6)}-")


def new_access_token() -> str:
    """Opaque, shaped like the manual's example since 2024-11: a JWS header over an encrypted payload (§2.3).

    Clients must not parse it; the sandbox stores only its SHA-256."""
    header = _b64url(json.dumps({"alg": "HS256"}, separators=(",", ":")).encode())
    inner = _b64url(
        json.dumps({"zip": "DEF", "enc": "A128CBC-HS256", "alg": "dir"}, separators=(",", ":")).encode()
    )
    return f"{header}.{inner}..{secrets.token_urlsafe(48)}.{secrets.token_urlsafe(16)}.{secrets.token_urlsafe(32)}"


def digest(value: str) -> str:
    """Access tokens are stored (and looked up) by this digest only."""
    return hash_secret(value)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token_response(access_token: str, expires_in: int) -> dict:
    """Exactly the documented body, nothing more (no refresh_token, id_token or scope)."""
    return {"access_token": access_token, "token_type": TOKEN_TYPE, "expires_in": expires_in}


def redirect_with(uri: str, params: dict[str, str | None]) -> str:
    """``redirect_uri`` plus ``code`` and ``state`` (kept after the client's own query parameters)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- POST /oauth2.0/token ----------------------------------------------------------------------------------


# §2.3: a wrong client/secret/redirect_uri gives the Spring-style 401 JSON; a used or invalid code gives
# 400 with the plain text body ``error=invalid_request``.
SPRING_401 = {
    TokenCheck.UNKNOWN_CLIENT,
    TokenCheck.MISSING_SECRET,
    TokenCheck.BAD_SECRET,
    TokenCheck.REDIRECT_MISMATCH,
}
INVALID_REQUEST_BODY = "error=invalid_request"


def token_status(check: TokenCheck) -> int:
    return 401 if check in SPRING_401 else 400


def spring_error(status: int, path: str, now_ms: int, message: str = "No message available") -> dict:
    """The Spring Boot error body the CAS answers (§2.3), field order included."""
    error = {401: "Unauthorized", 403: "Forbidden", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
    return {"timestamp": now_ms, "status": status, "error": error, "message": message, "path": path}


# --- bearer tokens on the signature API --------------------------------------------------------------------

_BEARER = re.compile(r"^\s*Bearer\s+(\S+)\s*$", re.IGNORECASE)


def bearer_token(header: str | None) -> str | None:
    match = _BEARER.match(header or "")
    return match.group(1) if match else None
