"""The login step of a scenario: a headless login (``login_hint`` on an auto-approve client) and the token
exchange, then — when asked — the id_token checked the way a correct OIDC client checks it.

The client model is the common one: it read discovery and the JWKS once (at the start of the scenario, before
its fault rules) and keeps them; on a ``kid`` it does not know it fetches ``/jwk`` again (authlib's
integrations, oidc-client, Spring do so). During a rotation the token's ``kid`` is not ``keys[0]`` — the key
that clients which read ``keys[0]`` blindly use (reference acesso-govbr.md §2.3, "client pitfall").
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from ..faults.id_token import split
from .model import LoginArgs

if TYPE_CHECKING:
    from .runner import Run

LEEWAY = 120


class Provider:
    """What the client cached of the provider: issuer and JWKS, as fetched when the scenario started."""

    def __init__(self, issuer: str, jwks: dict) -> None:
        self.issuer, self.jwks = issuer, jwks

    @classmethod
    async def fetch(cls, run: Run) -> Provider:
        discovery = (await run.login.get("/.well-known/openid-configuration")).json()
        return cls(discovery["issuer"], (await run.login.get("/jwk")).json())


def validate(id_token: str, jwks: dict, issuer: str, client_id: str, nonce: str) -> dict:
    """The checks of OIDC Core §3.1.3.7 a client makes (signature by ``kid``, iss, aud, nonce, exp, iat)."""
    token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])  # type: ignore[arg-type]  # a JWKS as fetched
    JWTClaimsRegistry(
        now=int(time.time()),
        leeway=LEEWAY,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(token.claims)
    return token.claims


def _kids(jwks: dict) -> list[str]:
    return [k.get("kid") for k in jwks.get("keys") or []]


async def check_id_token(run: Run, args: LoginArgs, id_token: str, client_id: str, nonce: str) -> None:
    cached = run.provider
    assert cached is not None
    kid = split(id_token)[0].get("kid")
    if args.check_id_token == "valid":
        try:
            validate(id_token, cached.jwks, cached.issuer, client_id, nonce)
        except (JoseError, ValueError) as exc:
            raise AssertionError(
                f"login: o id_token (kid {kid}) não valida com o JWKS em cache ({', '.join(_kids(cached.jwks))}): "
                f"{exc}"
            ) from None
        run.log.append(f"id_token válido (kid {kid})")
        return
    in_use = _kids(cached.jwks)[0]
    if kid == in_use:
        raise AssertionError(f"login: o id_token foi assinado com a chave em uso (kid {kid}), sem rotação")
    if kid not in _kids(cached.jwks):
        try:
            validate(id_token, cached.jwks, cached.issuer, client_id, nonce)
        except (JoseError, ValueError):
            run.log.append(f"kid {kid} ausente do JWKS em cache: o cliente busca o /jwk de novo")
        else:
            raise AssertionError(f"login: o JWKS em cache validou um kid que ele não tem ({kid})")
    fresh = (await run.login.get("/jwk")).json()
    try:
        validate(id_token, fresh, cached.issuer, client_id, nonce)
    except (JoseError, ValueError) as exc:
        raise AssertionError(
            f"login: nem o JWKS atual ({', '.join(_kids(fresh))}) valida o id_token (kid {kid}): {exc}"
        ) from None
    run.log.append(f"id_token com o kid novo {kid} validado com o /jwk atual ({', '.join(_kids(fresh))})")


async def login(run: Run, args: LoginArgs) -> None:
    client = run.clients[args.client]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code",
        "client_id": client["client_id"],
        "scope": " ".join(client["scopes"]),
        "redirect_uri": client["redirect_uri"],
        "state": secrets.token_hex(6),
        "nonce": secrets.token_hex(6),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "login_hint": args.persona,
    }
    response = await run.login.get("/authorize", params=params)
    if response.status_code != 302:
        raise AssertionError(f"login: /authorize respondeu {response.status_code} em vez de redirecionar")
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}
    if args.expect_error or "error" in query:
        if query.get("error") != args.expect_error:
            raise AssertionError(
                f"login: /authorize voltou com {query.get('error') or 'code'}, esperado {args.expect_error or 'code'}"
            )
        run.log.append(f"login: /authorize recusou com {args.expect_error}, como esperado")
        return
    form = {
        "grant_type": "authorization_code",
        "code": query["code"],
        "redirect_uri": client["redirect_uri"],
        "code_verifier": verifier,
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
    }
    token = await run.login.post("/token", data=form)
    if token.status_code != args.expect_status:
        raise AssertionError(
            f"login: /token respondeu {token.status_code}, esperado {args.expect_status}: {token.text[:200]}"
        )
    run.log.append(f"login de {args.persona}: /token {token.status_code}")
    if args.check_id_token and token.status_code == 200:
        await check_id_token(run, args, token.json()["id_token"], client["client_id"], params["nonce"])
    if args.replay_code:
        replay = await run.login.post("/token", data=form)
        if replay.status_code != 400 or replay.json().get("error") != "invalid_grant":
            raise AssertionError(f"login: o code reusado foi aceito ({replay.status_code})")
        run.log.append("code reusado recusado com invalid_grant")
