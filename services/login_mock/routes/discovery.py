"""GET /.well-known/openid-configuration (§2.7) and GET|POST /jwk (§2.3).

The discovery document mirrors what was observed on the real one: issuer with a trailing slash, jwks_uri
``/jwk``, userinfo without the slash, no ``end_session_endpoint`` and no ``code_challenge_methods_supported``
(so libraries that auto-configure from discovery must be told to use PKCE, as with the real platform).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox_kernel.acesso_scopes import ACESSO_GOVBR_SCOPES
from sandbox_kernel.faults.hooks import rule_active

from ..context import ctx

router = APIRouter(tags=["Acesso GOV.BR: descoberta"])


@router.get("/.well-known/openid-configuration")
async def discovery(request: Request) -> dict:
    lc = ctx(request)
    return {
        "issuer": lc.issuer,
        "authorization_endpoint": lc.url("authorize"),
        "token_endpoint": lc.url("token"),
        "userinfo_endpoint": lc.url("userinfo"),
        "jwks_uri": lc.url("jwk"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": list(ACESSO_GOVBR_SCOPES),
        "claims_supported": [
            "sub",
            "name",
            "preferred_username",
            "profile",
            "picture",
            "email",
            "email_verified",
            "phone_number",
            "phone_number_verified",
        ],
    }


@router.get("/jwk", summary="A chave pública de assinatura (keys[0], a que os clientes leem)")
@router.post("/jwk", include_in_schema=False)
async def jwk(request: Request) -> JSONResponse:
    """One key; during a ``jwks_rotation`` fault the next key too, after it (keys.py)."""
    lc = ctx(request)
    return JSONResponse(lc.key.jwks(announce_next=rule_active(lc.runtime, "jwks_rotation")))
