"""``GET /authorize``: which requests the real platform accepts (reference acesso-govbr.md §2.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sandbox_kernel.events.models.login import AuthorizeCheck
from sandbox_kernel.redirect_uris import redirect_uri_allowed

from .errors import AuthorizeError, page_error

PKCE_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url(SHA-256) without padding


@dataclass
class AuthorizeRequest:
    client_id: str
    redirect_uri: str
    scopes: list[str]
    state: str | None
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    login_hint: str | None = None
    legacy_omissions: list[str] = field(default_factory=list)  # what a legacy client left out

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def parse_scope(raw: str | None) -> list[str]:
    """Scopes come space-separated, '+'-joined (the roteiro's examples) or %20-joined: accept all."""
    if not raw:
        return []
    return list(dict.fromkeys(s for s in re.split(r"[\s+]+", raw) if s))


def validate(params: dict[str, str], client: dict | None) -> AuthorizeRequest:
    """Raise AuthorizeError for the first rule broken, in the order the platform would notice them."""
    client_id = params.get("client_id", "")
    if client is None or client.get("kind") != "login":
        raise page_error(
            AuthorizeCheck.UNKNOWN_CLIENT, f"Cliente {client_id!r} não cadastrado.", "um client_id registrado"
        )
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri_allowed(redirect_uri, client["redirect_uris"], client.get("allow_loopback", False)):
        registered = ", ".join(client["redirect_uris"]) or "(nenhuma)"
        raise page_error(
            AuthorizeCheck.REDIRECT_URI_MISMATCH,
            "A redirect_uri não está cadastrada para este cliente.",
            f"uma destas URIs, exatamente: {registered}"
            + (" ou http://localhost:*" if client.get("allow_loopback") else ""),
        )
    if params.get("response_type") != "code":
        raise AuthorizeError(
            "unsupported_response_type", "response_type deve ser code.", AuthorizeCheck.RESPONSE_TYPE, "code"
        )
    scopes = parse_scope(params.get("scope"))
    if "openid" not in scopes:
        raise AuthorizeError(
            "invalid_scope", "O escopo openid é obrigatório.", AuthorizeCheck.SCOPE_OPENID, "openid"
        )
    extra = [s for s in scopes if s not in client["scopes"]]
    if extra:
        raise AuthorizeError(
            "invalid_scope",
            f"Escopos não autorizados para este cliente: {' '.join(extra)}.",
            AuthorizeCheck.SCOPE_NOT_REGISTERED,
            " ".join(client["scopes"]),
        )
    legacy = client.get("legacy_mode", False)
    omissions: list[str] = []
    for name in ("state", "nonce"):
        if not params.get(name):
            if not legacy:
                raise AuthorizeError(
                    "invalid_request",
                    f"O parâmetro {name} é obrigatório.",
                    AuthorizeCheck(f"{name}_missing"),
                    name,
                )
            omissions.append(name)
    challenge, method = params.get("code_challenge"), params.get("code_challenge_method")
    if challenge or method:
        if method != "S256":
            raise AuthorizeError(
                "invalid_request", "code_challenge_method deve ser S256.", AuthorizeCheck.PKCE_METHOD, "S256"
            )
        if not challenge or not PKCE_CHALLENGE.match(challenge):
            raise AuthorizeError(
                "invalid_request",
                "code_challenge inválido: use BASE64URL(SHA256(code_verifier)), 43 caracteres.",
                AuthorizeCheck.PKCE_CHALLENGE_FORMAT,
                "43 caracteres base64url",
            )
    elif client.get("pkce_required", True) and not legacy:
        raise AuthorizeError(
            "invalid_request",
            "PKCE é obrigatório: envie code_challenge e code_challenge_method=S256.",
            AuthorizeCheck.PKCE_MISSING,
            "S256",
        )
    else:
        omissions.append("pkce")
    return AuthorizeRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        state=params.get("state") or None,
        nonce=params.get("nonce") or None,
        code_challenge=challenge or None,
        code_challenge_method=method or None,
        login_hint=params.get("login_hint") or None,
        legacy_omissions=omissions,
    )
