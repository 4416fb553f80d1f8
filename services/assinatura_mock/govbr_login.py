"""Authentication delegated to login_mock, the way the real CAS delegates to gov.br.

assinatura_mock is itself an OIDC client of login_mock (a platform client, registered at start): a user
already logged in at gov.br is not asked again, and one who is not sees the gov.br login page. PKCE verifier
and nonce are derived from the authorization id with a key only this process holds, so nothing about the
delegation needs storing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from sandbox_kernel.registry_client import RegistryClient, RegistryUnavailable

log = logging.getLogger("govbr_sandbox.assinatura")

CLIENT_ID = "assinatura-govbr-sandbox"
CALLBACK_PATH = "/sandbox/govbr/retorno"
HOST_ENTE = "3550308"  # the seed's ente holds the platform client (platform clients serve every ente)


@dataclass
class GovbrLogin:
    issuer: str  # login_mock's issuer, with the trailing slash
    callback: str
    secret: str
    key: bytes

    def _derive(self, authorization_id: str, purpose: str) -> str:
        digest = hmac.new(self.key, f"{purpose}:{authorization_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest + digest[:16]).rstrip(b"=").decode()  # 64 chars

    def authorize_url(self, authorization_id: str) -> str:
        verifier = self._derive(authorization_id, "pkce")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "scope": "openid profile",
            "redirect_uri": self.callback,
            "state": authorization_id,
            "nonce": self._derive(authorization_id, "nonce")[:32],
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.issuer}authorize?{urlencode(query)}"

    async def cpf_for(self, code: str, authorization_id: str) -> str:
        """Exchange the code and read the CPF from userinfo (the ``sub``)."""
        async with httpx.AsyncClient(timeout=10) as http:
            token = await http.post(
                f"{self.issuer}token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.callback,
                    "code_verifier": self._derive(authorization_id, "pkce"),
                    "client_id": CLIENT_ID,
                    "client_secret": self.secret,
                },
            )
            token.raise_for_status()
            info = await http.get(
                f"{self.issuer}userinfo", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
            )
            info.raise_for_status()
        return info.json()["sub"]


async def connect(registry: RegistryClient, issuer: str, own_url: str) -> GovbrLogin | None:
    """Register (or refresh) our gov.br client; None when the registry cannot be reached (picker fallback)."""
    callback = own_url.rstrip("/") + CALLBACK_PATH
    spec = {
        "client_id": CLIENT_ID,
        "nome": "Assinatura GOV.BR (ITI) do sandbox",
        "redirect_uris": [callback],
        "allow_loopback": True,
        "scopes": ["openid", "profile"],
        "platform": True,
    }
    try:
        secret = await registry.ensure_login_client(HOST_ENTE, spec)
    except (RegistryUnavailable, httpx.HTTPError, KeyError) as exc:
        log.warning("login via gov.br (login_mock) indisponível, usando a escolha de persona: %s", exc)
        return None
    return GovbrLogin(issuer=issuer, callback=callback, secret=secret, key=secrets.token_bytes(32))
