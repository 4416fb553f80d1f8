"""Minting the access token and id_token as the real platform shapes them (§3.2, §3.3).

RS256 with one key whose ``kid`` is configurable (``rsa1`` like the real one); the JOSE header is exactly
``{"kid", "alg"}`` as the roteiro's tokens decode to.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from joserfc import jwt
from joserfc.jwk import RSAKey

from sandbox_kernel.documents import format_cnpj, format_cpf_sub

from . import claims as c


@dataclass
class Grant:
    """What an authorization code stands for."""

    client_id: str
    cpf: str
    scopes: list[str]
    nonce: str | None
    auth_time: int
    amr: list[str]


def sign(key: RSAKey, kid: str, payload: dict) -> str:
    return jwt.encode({"kid": kid, "alg": "RS256"}, payload, key, default_type=None)


def access_token_claims(
    grant: Grant, persona: dict, issuer: str, lifetime: int, now: int | None = None
) -> dict:
    now = now or int(time.time())
    payload = {
        "aud": grant.client_id,
        "sub": persona["cpf"],
        "scope": grant.scopes,
        "amr": grant.amr,
        "iss": issuer,
        "exp": now + lifetime + 1,  # expires_in is 3599 while exp - iat is 3600, as the roteiro shows
        "iat": now,
        "preferred_username": persona["cpf"],
        "jti": str(uuid.uuid4()),
    }
    company = c.company_certificate(persona)
    if company:
        payload["cnpj"] = format_cnpj(company["cnpj"])
    return payload


def id_token_claims(
    grant: Grant, persona: dict, client: dict, issuer: str, urls: dict, now: int | None = None
) -> dict:
    now = now or int(time.time())
    sub = format_cpf_sub(persona["cpf"]) if client.get("sub_format") == "formatted" else persona["cpf"]
    payload = {
        "sub": sub,
        "preferred_username": persona["cpf"],
        **c.profile_claims(
            persona, grant.scopes, urls, verified_as_string=client.get("verified_as_string", False)
        ),
        "amr": grant.amr,
        "iss": issuer,
        "aud": grant.client_id,
        "auth_time": grant.auth_time,
        "scope": grant.scopes,
        "exp": now + int(client.get("id_token_ttl", 60)),
        "iat": now,
        "jti": str(uuid.uuid4()),
    }
    if grant.nonce:
        payload["nonce"] = grant.nonce
    if "govbr_confiabilidades_idtoken" in grant.scopes:
        payload["reliability_info"] = c.reliability_info(persona)
    company = c.company_certificate(persona)
    if company:
        payload["cnpj"] = format_cnpj(company["cnpj"])
        payload["cnpj_certificate_name"] = company["razao_social"]
    return payload
