"""The closed set of ways an Acesso GOV.BR request is refused, with the platform's own error codes.

``check`` names the rule for the event stream; ``expected`` says what would have passed, so a developer
reading the events learns why, not only that, a request failed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class OAuthError(Exception):
    error: str  # the OAuth/platform error code sent to the client
    description: str  # Portuguese, sent to the client
    check: str  # which rule failed (events)
    expected: str | None = None  # what would have passed (events)
    status: int = 400

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


def page_error(check: str, description: str, expected: str | None = None) -> AuthorizeError:
    error = AuthorizeError("invalid_request", description, check, expected)
    error.redirectable = False
    return error


@dataclass
class ApiError(Exception):
    """API gateway errors (userinfo, confiabilidades, empresas): ACCESSTOKEN_* codes."""

    code: str
    title: str
    status: int = 401
    check: str = ""

    def body(self) -> dict:
        # Gateway envelope of the newer APIs plus the roteiro's error/erro_description keys.
        return {
            "errors": [{"status": self.status, "code": self.code, "title": self.title}],
            "error": self.code,
            "error_description": self.title,
            "erro_description": self.title,
        }


def token_invalid(why: str) -> ApiError:
    return ApiError("ACCESSTOKEN_MUSTBEVALID", "O access token informado não é válido.", 401, why)


def scope_missing(expected: str, received: list[str]) -> ApiError:
    title = f"Escopo requerido não encontrado. Valor esperado: '{expected}', valor recebido: '{' '.join(received)}'."
    return ApiError("ACCESSTOKEN_SCOPE_MUSTCONTAINSEXPECTEDSCOPE", title, 401, "scope")
