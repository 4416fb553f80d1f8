"""id_token faults: the eight ways an identity provider's token goes wrong, made the way they happen for real.

Each one is a token a correct OIDC client must refuse (the tests prove it with authlib): wrong ``iss``,
wrong ``aud``, wrong ``nonce``, expired, not yet valid, a bad signature, a ``kid`` the JWKS does not have,
and ``alg: none``. Callable from Python (``corrupt_id_token``) so other tools — the readiness report —
can build the same tokens without a running emulator.
"""

from __future__ import annotations

import base64
import json
import secrets

from joserfc import jwt
from joserfc.jwk import RSAKey

from .catalog import ID_TOKEN_EFFECTS

HOUR = 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def split(token: str) -> tuple[dict, dict]:
    """Header and claims of a compact JWS, unverified."""
    header, payload, _ = token.split(".")
    return json.loads(_unb64(header)), json.loads(_unb64(payload))


def corrupt_claims(effect: str, claims: dict) -> dict:
    """The claims a claim-level fault changes (iss, aud, nonce, exp/iat/nbf); others leave them as they are."""
    claims = dict(claims)
    iat = int(claims.get("iat", 0))
    if effect == "id_token_wrong_iss":
        claims["iss"] = "https://sso.acesso.gov.br.invalido.example/"
    elif effect == "id_token_wrong_aud":
        claims["aud"] = f"outro-cliente-{secrets.token_hex(4)}"
    elif effect == "id_token_wrong_nonce":
        claims["nonce"] = f"nonce-injetado-{secrets.token_hex(6)}"
    elif effect == "id_token_expired":
        claims["iat"], claims["exp"] = iat - 2 * HOUR, iat - HOUR
        if "auth_time" in claims:
            claims["auth_time"] = iat - 2 * HOUR
    elif effect == "id_token_not_yet_valid":
        claims["iat"], claims["nbf"], claims["exp"] = iat + HOUR, iat + HOUR, iat + 2 * HOUR
    return claims


def corrupt_id_token(effect: str, token: str, key: RSAKey) -> str:
    """A faulty copy of a good id_token signed with ``key`` (the provider's current signing key)."""
    if effect not in ID_TOKEN_EFFECTS:
        raise ValueError(
            f"efeito de id_token desconhecido: {effect!r}; permitidos: {', '.join(ID_TOKEN_EFFECTS)}"
        )
    header, claims = split(token)
    if effect == "id_token_alg_none":
        unsigned = {"alg": "none", **{k: v for k, v in header.items() if k != "alg"}}
        return f"{_b64(json.dumps(unsigned).encode())}.{_b64(json.dumps(claims).encode())}."
    if effect == "id_token_bad_signature":
        head, payload, signature = token.split(".")
        raw = bytearray(_unb64(signature))
        raw[len(raw) // 2] ^= 0xFF  # one flipped byte: still the right length, never verifies
        return f"{head}.{payload}.{_b64(bytes(raw))}"
    if effect == "id_token_unknown_kid":
        stranger = RSAKey.generate_key(2048)  # a key the JWKS never published, under a kid it does not have
        return jwt.encode(
            {**header, "kid": f"rotacionada-{secrets.token_hex(3)}"}, claims, stranger, default_type=None
        )
    return jwt.encode(header, corrupt_claims(effect, claims), key, default_type=None)


async def faulted_id_token(
    runtime, token: str, key: RSAKey, *, ente: str | None, client_id: str | None, persona: str | None
) -> str:
    """The id_token to send: ``token`` itself, or a faulty copy when a rule of the ente says so."""
    engine = getattr(runtime, "faults", None)
    if engine is None or not engine.has_rules():
        return token
    rule = await engine.take(
        endpoint="token",
        method="POST",
        path="/token",
        ente=ente,
        client_id=client_id,
        persona=persona,
        effects=ID_TOKEN_EFFECTS,
    )
    return corrupt_id_token(rule.effect, token, key) if rule else token
