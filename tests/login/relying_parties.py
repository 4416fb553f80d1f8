"""Two small gov.br relying parties for the active readiness run, served over real HTTP on loopback.

``careful``: an authlib OIDC client — PKCE, state consumed once, id_token verified against the JWKS (RS256
only) with iss, aud, exp, iat and nonce checked — the way the roteiro asks. ``naive``: decodes the id_token
payload without verifying anything (as many real integrations do) and trusts whatever comes back.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets

import httpx
import uvicorn
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oidc.core import CodeIDToken
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from sandbox_kernel.testing.processes import free_port

RS256_ONLY = JsonWebToken(["RS256"])


def relying_party(issuer: str, client_id: str, secret: str, port: int, careful: bool) -> Starlette:
    redirect_uri = f"http://127.0.0.1:{port}/retorno"
    pending: dict[str, dict] = {}

    def oauth() -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id,
            secret,
            scope="openid email profile",
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
        )

    async def entrar(request: Request):
        state, nonce, verifier = (
            secrets.token_urlsafe(16),
            secrets.token_urlsafe(16),
            secrets.token_urlsafe(48),
        )
        async with oauth() as client:
            url, _ = client.create_authorization_url(
                f"{issuer}authorize", state=state, nonce=nonce, code_verifier=verifier
            )
        pending[state] = {"nonce": nonce, "verifier": verifier}
        return RedirectResponse(url, 302)

    async def retorno(request: Request):
        state = request.query_params.get("state", "")
        session = pending.pop(state, None) if careful else pending.get(state)  # naive: a state never expires
        if session is None:
            return HTMLResponse("Sessão de login desconhecida", 400)
        async with oauth() as client:
            try:
                token = await client.fetch_token(
                    f"{issuer}token", code=request.query_params["code"], code_verifier=session["verifier"]
                )
            except Exception as exc:
                return HTMLResponse(f"Falha no login: {exc}", 400 if careful else 500)
            if careful:
                try:
                    jwks = JsonWebKey.import_key_set((await client.get(f"{issuer}jwk")).json())
                    claims = RS256_ONLY.decode(
                        token["id_token"],
                        jwks,
                        claims_cls=CodeIDToken,
                        claims_options={
                            "iss": {"essential": True, "value": issuer},
                            "aud": {"essential": True, "value": client_id},
                            "nonce": {"essential": True, "value": session["nonce"]},
                        },
                    )
                    claims.validate(leeway=5)
                except Exception as exc:
                    return HTMLResponse(f"id_token recusado: {type(exc).__name__}", 401)
            else:
                payload = token["id_token"].split(".")[1]
                claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            userinfo = await client.get(
                f"{issuer}userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
            )
        if userinfo.status_code != 200:
            return HTMLResponse("userinfo falhou", 502)
        return HTMLResponse(f"Olá, {userinfo.json().get('name', claims.get('sub'))}")

    return Starlette(routes=[Route("/entrar", entrar), Route("/retorno", retorno)])


@contextlib.asynccontextmanager
async def serving(app: Starlette, port: int):
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(100):
            with contextlib.suppress(httpx.HTTPError):
                async with httpx.AsyncClient() as http:
                    await http.get(f"http://127.0.0.1:{port}/entrar")
                break
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


__all__ = ["free_port", "relying_party", "serving"]
