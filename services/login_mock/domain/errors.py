"""The closed set of ways an Acesso GOV.BR request is refused, with the platform's own error codes.

``check`` names the rule for the event stream; ``expected`` says what would have passed, so a developer
reading the events learns why, not only that, a request failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sandbox_kernel.events.models.login import ApiCheck, AuthorizeCheck
from sandbox_kernel.oauth.domain import Refusal, TokenCheck


@dataclass
class OAuthError(Exception):
    error: str  # the OAuth/platform error code sent to the client
    description: str  # Portuguese, sent to the client
    check: StrEnum  # which rule failed (events)
    expected: str | None = None  # what would have passed (events)
    status: int = 400
    reference: str | None = "acesso-govbr.md §2.1"

    def refusal_fields(self) -> dict:
        """The one refusal shape for the event (the description is the reason)."""
        return Refusal(self.check, self.description, self.expected, self.reference).fields()

    def body(self) -> dict:
        # The roteiro documents "erro_description"; OAuth libraries read "error_description": send both.
        return {
            "error": self.error,
            "error_description": self.description,
            "erro_description": self.description,
        }


class AuthorizeError(OAuthError):
    """An /authorize refusal. ``redirectable`` is False when the client or redirect_uri is untrusted:
    then the user sees an error page and nothing is sent to that URI."""

    redirectable: bool = True


def page_error(check: AuthorizeCheck, description: str, expected: str | None = None) -> AuthorizeError:
    error = AuthorizeError("invalid_request", description, check, expected)
    error.redirectable = False
    return error


@dataclass
class ApiError(Exception):
    """API gateway errors (userinfo, confiabilidades, empresas): ACCESSTOKEN_* codes."""

    code: str
    title: str
    status: int = 401
    check: ApiCheck = ApiCheck.SIGNATURE_OR_EXPIRY
    expected: str | None = None
    story: str | None = None  # the login session when the token was ours (the refusal joins its story)
    client_id: str | None = None

    def body(self) -> dict:
        # Gateway envelope of the newer APIs plus the roteiro's error/erro_description keys.
        return {
            "errors": [{"status": self.status, "code": self.code, "title": self.title}],
            "error": self.code,
            "error_description": self.title,
            "erro_description": self.title,
        }


def token_invalid(why: ApiCheck, story: str | None = None, client_id: str | None = None) -> ApiError:
    """``story``/``client_id`` when the token is authentic (ours, signature checked): the refusal then
    belongs to that client's ente and login story (a revoked or expired token is the ente's mistake)."""
    return ApiError(
        "ACCESSTOKEN_MUSTBEVALID",
        "O access token informado não é válido.",
        401,
        why,
        "um access_token vigente emitido pelo /token (Authorization: Bearer)",
        story,
        client_id,
    )


def scope_missing(expected: str, received: list[str], story: str, client_id: str) -> ApiError:
    title = f"Escopo requerido não encontrado. Valor esperado: '{expected}', valor recebido: '{' '.join(received)}'."
    return ApiError(
        "ACCESSTOKEN_SCOPE_MUSTCONTAINSEXPECTEDSCOPE",
        title,
        401,
        ApiCheck.SCOPE,
        f"o escopo {expected} pedido no /authorize",
        story,
        client_id,
    )


# POST /token: the roteiro's error codes for each check of the kernel's OAuth core (§2.2, §6).
TOKEN_ERRORS: dict[TokenCheck, tuple[str, int]] = {
    TokenCheck.GRANT_TYPE: ("unsupported_grant_type", 400),
    TokenCheck.UNKNOWN_CLIENT: ("invalid_client", 401),
    TokenCheck.MISSING_SECRET: ("unauthorized", 401),
    TokenCheck.BAD_SECRET: ("unauthorized", 401),
}


def token_error(refusal: Refusal) -> OAuthError:
    error, status = TOKEN_ERRORS.get(refusal.check, ("invalid_grant", 400))  # type: ignore[call-overload]
    # A wrong secret gets the platform's terse Spring message; the event says which check failed.
    description = "Bad credentials" if error == "unauthorized" else refusal.reason
    return OAuthError(error, description, refusal.check, refusal.expected, status, refusal.reference)
