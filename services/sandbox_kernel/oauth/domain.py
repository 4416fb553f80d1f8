"""Pure rules of the authorization-code grant (RFC 6749 §4.1, RFC 7636): no web framework, no storage.

A refusal is a typed value: which check failed (a closed enum, published in AsyncAPI), why (Portuguese,
what was wrong and what to change), what would have passed and where the rule is documented. Both emulators
word their refusals here, once; each maps a check to its platform's own error body.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol
from urllib.parse import parse_qsl, unquote, unquote_plus

from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from ..secrets import hash_secret, verify_secret


def aware(value: datetime) -> datetime:
    """SQLite drops the zone; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class Refusal(Exception):
    """Why a request was refused: the one shape of every refusal event (``check``, ``reason``, ``expected``,
    ``reference``). ``story`` is the partition key's story when the request could be tied to one."""

    check: StrEnum
    reason: str
    expected: str | None = None
    reference: str | None = None
    story: str | None = field(default=None, compare=False)

    def fields(self) -> dict:
        """The refusal shape for an event's data."""
        return {
            "check": self.check,
            "reason": self.reason,
            "expected": self.expected,
            "reference": self.reference,
        }


class TokenCheck(StrEnum):
    """Every way a token request can fail, in the order they are checked."""

    GRANT_TYPE = "grant_type"
    UNKNOWN_CLIENT = "unknown_client"
    MISSING_SECRET = "missing_secret"
    BAD_SECRET = "bad_secret"
    CODE_MISSING = "code_missing"
    UNKNOWN_CODE = "unknown_code"
    CLIENT_MISMATCH = "client_mismatch"
    CODE_REPLAYED = "code_replayed"
    CODE_EXPIRED = "code_expired"
    REDIRECT_MISMATCH = "redirect_mismatch"
    VERIFIER_MISSING = "pkce_verifier_missing"
    VERIFIER_LENGTH = "pkce_verifier_length"
    VERIFIER_FORMAT = "pkce_verifier_format"
    PKCE_MISMATCH = "pkce_mismatch"
    PERSONA_GONE = "persona_gone"


class ClientAuth(StrEnum):
    """How the client sent its secret (token events say it: helps find the one form a client uses)."""

    BASIC = "client_secret_basic"  # Authorization: Basic (the roteiro)
    POST = "client_secret_post"  # form body (the official PHP example)
    QUERY = "query"  # POST query string with an empty body (the official Java example)
    NONE = "none"


# --- the token request -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenRequest:
    """A token request's parameters, wherever they came from (query string, form or JSON body, Basic)."""

    values: dict[str, str]
    sources: tuple[str, ...]  # "query", "corpo" (form), "json": where the parameters were
    client_id: str | None
    secret_candidates: tuple[str, ...]  # the secret as sent, and its unquoted forms
    auth: ClientAuth

    def get(self, name: str) -> str | None:
        return self.values.get(name) or None


def read_token_request(
    query: list[tuple[str, str]],
    body: bytes | dict[str, str],
    authorization: str | None,
) -> TokenRequest:
    """Clients send parameters in the query string (empty body, any Content-Type), a form body, or both; a few
    send JSON. Accept them all, whatever the Content-Type says; the body wins over the query."""
    query_values = dict(query)
    body_values, body_source = _body_values(body)
    values = {**query_values, **body_values}
    sources = tuple(s for s, present in (("query", query_values), (body_source, body_values)) if present)
    basic_id, basic_secret = extract_basic_authorization({"Authorization": authorization or ""})
    if basic_id is not None and basic_secret is not None:
        # RFC 6749 §2.3.1 form-encodes both parts, but many clients send them raw: try each reading.
        raw = _raw_basic(authorization or "")
        candidates = tuple(dict.fromkeys([unquote_plus(raw[1]), unquote(raw[1]), raw[1]]))
        return TokenRequest(values, sources, unquote_plus(raw[0]), candidates, ClientAuth.BASIC)
    if body_values.get("client_secret"):
        auth, secret = ClientAuth.POST, body_values["client_secret"]
    elif query_values.get("client_secret"):
        auth, secret = ClientAuth.QUERY, query_values["client_secret"]
    else:
        return TokenRequest(values, sources, values.get("client_id") or None, (), ClientAuth.NONE)
    return TokenRequest(values, sources, values.get("client_id") or None, (secret.strip(),), auth)


def _body_values(body: bytes | dict[str, str]) -> tuple[dict[str, str], str]:
    if isinstance(body, dict):
        return body, "corpo"
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return {}, "json"
        if isinstance(data, dict):
            return {k: str(v) for k, v in data.items() if isinstance(v, str | int)}, "json"
        return {}, "json"
    return dict(parse_qsl(text, keep_blank_values=True)), "corpo"


def _raw_basic(header: str) -> tuple[str, str]:
    decoded = base64.b64decode(header.split(None, 1)[1]).decode("utf-8", "replace")
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def shown_client_id(client_id: str | None, client: dict | None) -> str | None:
    """The client_id that events and messages repeat. An unregistered long value is often the secret sent
    in the wrong field (swapped HTTP Basic credentials): only its start and length are shown."""
    if client is not None or not client_id or len(client_id) <= 24:
        return client_id
    return f"{client_id[:4]}…({len(client_id)} caracteres)"


def authenticate(request: TokenRequest, client: dict | None, kind: str) -> Refusal | None:
    """grant_type, then the client (registered, of this emulator's ``kind``), then its secret."""
    if request.get("grant_type") != "authorization_code":
        return Refusal(
            TokenCheck.GRANT_TYPE,
            f"grant_type deve ser authorization_code (recebido: {(request.get('grant_type') or '')[:40]!r}).",
            "grant_type=authorization_code",
        )
    if client is None or client.get("kind") != kind:
        who = (
            "client_id ausente"
            if not request.client_id
            else f"client_id {shown_client_id(request.client_id, None)!r} não cadastrado"
        )
        return Refusal(
            TokenCheck.UNKNOWN_CLIENT,
            f"Cliente desconhecido: {who}.",
            "um client_id cadastrado no registry (parâmetro client_id ou HTTP Basic)",
        )
    expected = "o client_secret atual do cliente (HTTP Basic, corpo ou query string)"
    if not request.secret_candidates:
        return Refusal(TokenCheck.MISSING_SECRET, "client_secret ausente.", expected)
    if not any(verify_secret(s, client.get("secret_hash")) for s in request.secret_candidates):
        return Refusal(TokenCheck.BAD_SECRET, "client_secret não confere.", expected)
    return None


# --- codes -------------------------------------------------------------------------------------------------


def new_code(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def code_hash(code: str) -> str:
    """Codes are stored hashed: a database dump does not hand out working codes."""
    return hash_secret(code)


class CodeView(Protocol):
    client_id: str
    redirect_uri: str
    code_challenge: str | None
    story: str
    expires_at: datetime
    used_at: datetime | None


class VerifierPolicy(StrEnum):
    """What to do with a code_verifier longer than RFC 7636's 128 characters."""

    LENIENT = "lenient"  # accept it with a warning (the official PHP example sends 171 characters)
    STRICT = "strict"  # refuse it, as the roteiro's 43–128 rule says


VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]+$")
CODE_VERIFIER_LENGTH = "code_verifier_length"  # the rule bent for the official PHP example (a warning id)
VERIFIER_RULE = "code_verifier de 43 a 128 caracteres [A-Za-z0-9-._~] (RFC 7636 §4.1; acesso-govbr.md §2.2)"


@dataclass(frozen=True)
class CodeOutcome:
    warnings: tuple[str, ...] = ()


def check_code(
    row: CodeView | None,
    client_id: str,
    redirect_uri: str | None,
    verifier: str | None,
    now: datetime,
    policy: VerifierPolicy = VerifierPolicy.STRICT,
) -> CodeOutcome:
    """Raise the first broken rule as a Refusal (tied to the code's story), else the warnings to report."""
    if row is None:
        raise Refusal(
            TokenCheck.UNKNOWN_CODE,
            "Código de autorização inválido ou desconhecido.",
            "o code recebido no redirect_uri",
        )
    try:
        return _check_row(row, client_id, redirect_uri, verifier, now, policy)
    except Refusal as refusal:
        refusal.story = row.story
        raise


def _check_row(row, client_id, redirect_uri, verifier, now, policy) -> CodeOutcome:
    if row.client_id != client_id:
        raise Refusal(
            TokenCheck.CLIENT_MISMATCH,
            "O code foi emitido para outro cliente.",
            f"um code emitido para {client_id}",
        )
    if row.used_at is not None:
        raise replayed(row.story)
    if aware(row.expires_at) < now:
        raise Refusal(
            TokenCheck.CODE_EXPIRED,
            "Código de autorização expirado.",
            "usar o code logo após o redirecionamento (validade curta)",
        )
    if redirect_uri != row.redirect_uri:
        raise Refusal(
            TokenCheck.REDIRECT_MISMATCH,
            f"redirect_uri {redirect_uri!r} diferente da usada no authorize.",
            f"exatamente a redirect_uri do authorize: {row.redirect_uri}",
        )
    if row.code_challenge:
        return CodeOutcome(pkce_warnings(verifier, row.code_challenge, policy))
    return CodeOutcome()


def pkce_warnings(verifier: str | None, challenge: str, policy: VerifierPolicy) -> tuple[str, ...]:
    """RFC 7636 S256 check. A verifier over 128 characters passes with a warning unless ``policy`` is strict."""
    if not verifier:
        raise Refusal(
            TokenCheck.VERIFIER_MISSING, "code_verifier ausente (o authorize usou PKCE).", VERIFIER_RULE
        )
    too_long = len(verifier) > 128
    if len(verifier) < 43 or (too_long and policy is VerifierPolicy.STRICT):
        raise Refusal(
            TokenCheck.VERIFIER_LENGTH,
            f"code_verifier deve ter de 43 a 128 caracteres (recebido: {len(verifier)}).",
            VERIFIER_RULE,
            "acesso-govbr.md §2.2",
        )
    if not VERIFIER.match(verifier):
        raise Refusal(
            TokenCheck.VERIFIER_FORMAT,
            "code_verifier só pode ter os caracteres [A-Za-z0-9-._~].",
            VERIFIER_RULE,
            "acesso-govbr.md §2.2",
        )
    if not hmac.compare_digest(create_s256_code_challenge(verifier), challenge):
        raise Refusal(
            TokenCheck.PKCE_MISMATCH,
            "code_verifier não corresponde ao code_challenge (S256).",
            "BASE64URL(SHA256(code_verifier)) igual ao code_challenge",
            "acesso-govbr.md §2.1",
        )
    if too_long:
        return (CODE_VERIFIER_LENGTH,)
    return ()


def replayed(story: str | None) -> Refusal:
    return Refusal(
        TokenCheck.CODE_REPLAYED,
        "Código de autorização já utilizado.",
        "um code novo (cada code vale uma vez)",
        "RFC 6749 §4.1.2 (o code não pode ser usado mais de uma vez; os tokens emitidos com ele são revogados)",
        story=story,
    )
