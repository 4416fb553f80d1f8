"""OAuth rules of the ITI's CAS (reference assinatura-govbr.md §2): scopes, codes, tokens and the exact
error bodies. Pure: no web framework, no storage.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

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
    return f"OC-{secrets.randbelow(10**6)}-{secrets.token_urlsafe(24)}"


def new_access_token() -> str:
    """Opaque, shaped like the manual's example since 2024-11: a JWS header over an encrypted payload (§2.3).

    Clients must not parse it; the sandbox stores only its SHA-256."""
    header = _b64url(json.dumps({"alg": "HS256"}, separators=(",", ":")).encode())
    inner = _b64url(
        json.dumps({"zip": "DEF", "enc": "A128CBC-HS256", "alg": "dir"}, separators=(",", ":")).encode()
    )
    return f"{header}.{inner}..{secrets.token_urlsafe(48)}.{secrets.token_urlsafe(16)}.{secrets.token_urlsafe(32)}"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


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


class TokenCheck(StrEnum):
    """Every way a token request can fail, in the order they are checked."""

    GRANT_TYPE = "grant_type"
    CLIENT_ID = "client_id"
    CLIENT_SECRET = "client_secret"
    CODE_MISSING = "code_ausente"
    CODE_UNKNOWN = "code_desconhecido"
    CODE_USED = "code_ja_usado"
    CODE_EXPIRED = "code_expirado"
    CODE_CLIENT = "code_de_outro_cliente"
    REDIRECT_URI = "redirect_uri"


# §2.3: a wrong client/secret/redirect_uri gives the Spring-style 401 JSON; a used or invalid code gives
# 400 with the plain text body ``error=invalid_request``.
SPRING_401 = {TokenCheck.CLIENT_ID, TokenCheck.CLIENT_SECRET, TokenCheck.REDIRECT_URI}
INVALID_REQUEST_BODY = "error=invalid_request"


@dataclass(frozen=True)
class TokenRefusal:
    check: TokenCheck
    reason: str  # what was wrong (Portuguese, for the event)
    expected: str  # what would have worked

    @property
    def status(self) -> int:
        return 401 if self.check in SPRING_401 else 400


def spring_error(status: int, path: str, now_ms: int, message: str = "No message available") -> dict:
    """The Spring Boot error body the CAS answers (§2.3), field order included."""
    error = {401: "Unauthorized", 403: "Forbidden", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
    return {"timestamp": now_ms, "status": status, "error": error, "message": message, "path": path}


@dataclass(frozen=True)
class TokenParams:
    """The token request's parameters, wherever they came from."""

    values: dict[str, str]
    sources: tuple[str, ...]  # "query", "corpo" (form), "json"
    basic: tuple[str, str] | None  # HTTP Basic client credentials

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value else None

    @property
    def client_id(self) -> str | None:
        return self.basic[0] if self.basic else self.get("client_id")

    @property
    def client_secret(self) -> str | None:
        return self.basic[1] if self.basic else self.get("client_secret")


def collect_token_params(query: list[tuple[str, str]], body: bytes, authorization: str | None) -> TokenParams:
    """§2.3: clients send the parameters in the query string (empty body, any Content-Type), in a form body,
    or both; a few send JSON. Accept them all, whatever the Content-Type says; body wins over query."""
    values: dict[str, str] = {}
    sources: list[str] = []
    if query:
        values.update(dict(query))
        sources.append("query")
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            values.update({k: str(v) for k, v in data.items() if isinstance(v, str | int)})
            sources.append("json")
    elif text:
        form = parse_qsl(text, keep_blank_values=True)
        if form:
            values.update(dict(form))
            sources.append("corpo")
    return TokenParams(values, tuple(sources), basic_credentials(authorization))


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """``Authorization: Basic base64(client_id:client_secret)`` (RFC 6749 §2.3.1 form-encodes both parts)."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if ":" not in decoded:
        return None
    client_id, secret = decoded.split(":", 1)
    return unquote_plus(client_id), unquote_plus(secret)


# --- bearer tokens on the signature API --------------------------------------------------------------------

_BEARER = re.compile(r"^\s*Bearer\s+(\S+)\s*$", re.IGNORECASE)


def bearer_token(header: str | None) -> str | None:
    match = _BEARER.match(header or "")
    return match.group(1) if match else None
