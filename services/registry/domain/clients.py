"""OAuth client applications of an ente: Acesso GOV.BR login clients and ITI assinatura clients.

Pure validation; messages in Portuguese because they go straight back to the person registering.
"""

from __future__ import annotations

import re
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sandbox_kernel.acesso_scopes import ACESSO_GOVBR_SCOPES
from sandbox_kernel.redirect_uris import redirect_uri_problem

CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{2,127}$")

LOGIN_SCOPES = ACESSO_GOVBR_SCOPES
DEFAULT_LOGIN_SCOPES = [
    "openid",
    "email",
    "phone",
    "profile",
    "govbr_confiabilidades",
    "govbr_confiabilidades_idtoken",
]
# ITI scopes (reference assinatura-govbr.md §2): sign xor signature_session, plus govbr and/or icp_brasil.
ASSINATURA_SCOPES = ("sign", "signature_session", "govbr", "icp_brasil")

AppKind = Literal["login", "assinatura"]


def check_uris(uris: list[str], field: str) -> list[str]:
    for i, uri in enumerate(uris):
        problem = redirect_uri_problem(uri)
        if problem:
            raise ValueError(f"{field}[{i}] {uri!r}: {problem}")
    if len(set(uris)) != len(uris):
        raise ValueError(f"{field}: há URIs repetidas")
    return uris


def _known_scopes(scopes: list[str], known: tuple[str, ...]) -> list[str]:
    unknown = [s for s in scopes if s not in known]
    if unknown:
        raise ValueError(f"escopo desconhecido: {', '.join(unknown)} (conhecidos: {', '.join(known)})")
    return list(dict.fromkeys(scopes))


class ClientBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str | None = Field(None, description="Gerado quando omitido.")
    nome: str = Field(..., min_length=1, max_length=200)
    redirect_uris: list[str] = Field(default_factory=list, description="Comparação exata.")
    allow_loopback: bool = Field(
        False, description="Aceita também qualquer http://127.0.0.1:* e http://localhost:*."
    )
    auto_approve: bool = Field(
        False, description="Login sem páginas para CI: login_hint=<cpf> volta direto com code."
    )

    @field_validator("client_id")
    @classmethod
    def _client_id(cls, value: str | None) -> str | None:
        if value is not None and not CLIENT_ID.match(value):
            raise ValueError(
                "client_id deve ter de 3 a 128 caracteres: letras, dígitos, '.', '_', ':' ou '-'"
            )
        return value

    @field_validator("redirect_uris")
    @classmethod
    def _redirects(cls, value: list[str]) -> list[str]:
        return check_uris(value, "redirect_uris")

    @model_validator(mode="after")
    def _some_redirect(self):
        if not self.redirect_uris and not self.allow_loopback:
            raise ValueError("informe ao menos uma redirect_uri ou ative allow_loopback")
        return self


class LoginClient(ClientBase):
    """An Acesso GOV.BR client (reference acesso-govbr.md)."""

    post_logout_redirect_uris: list[str] = Field(default_factory=list, description="Comparação exata.")
    scopes: list[str] = Field(default_factory=lambda: list(DEFAULT_LOGIN_SCOPES))
    pkce_required: bool = True
    pkce_verifier_strict: bool = Field(
        False,
        description="Recusa code_verifier com mais de 128 caracteres (o exemplo PHP oficial manda 171); "
        "por padrão é aceito com um aviso no evento token.issued.",
    )
    legacy_mode: bool = Field(
        False, description="Tolera ausência de PKCE, state e nonce, como integrações antigas."
    )
    access_token_ttl: int = Field(3599, ge=30, le=86400, description="expires_in do /token.")
    id_token_ttl: int = Field(
        60, ge=30, le=86400, description="60 s como diz o roteiro; 600 s como o exemplo."
    )
    sub_format: Literal["digits", "formatted"] = Field(
        "digits",
        description="sub do id_token: 12345678900 (padrão) ou 123456789-00 (como um exemplo do roteiro).",
    )
    platform: bool = Field(
        False,
        description="Cliente de plataforma (ex.: o assinatura_mock como cliente do gov.br): aceita personas de todos os entes.",
    )
    verified_as_string: bool = Field(
        False,
        description='email_verified/phone_number_verified como "true" (exemplo do id_token) em vez de true.',
    )

    @field_validator("post_logout_redirect_uris")
    @classmethod
    def _logout_redirects(cls, value: list[str]) -> list[str]:
        return check_uris(value, "post_logout_redirect_uris")

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str]) -> list[str]:
        value = _known_scopes(value, LOGIN_SCOPES)
        if "openid" not in value:
            raise ValueError("o escopo openid é obrigatório")
        return value


class AssinaturaClient(ClientBase):
    """An ITI signature client (reference assinatura-govbr.md)."""

    scopes: list[str] = Field(default_factory=lambda: list(ASSINATURA_SCOPES))

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str]) -> list[str]:
        value = _known_scopes(value, ASSINATURA_SCOPES)
        if not {"sign", "signature_session"} & set(value):
            raise ValueError("inclua sign e/ou signature_session")
        return value


CLIENT_MODELS: dict[str, type[ClientBase]] = {"login": LoginClient, "assinatura": AssinaturaClient}


def generated_client_id(ente: str, nome: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", nome.lower()).strip("-")[:40] or "app"
    return f"{ente}.{slug}.{uuid.uuid4().hex[:6]}"
