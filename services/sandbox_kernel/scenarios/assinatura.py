"""The sign step of a scenario: the ITI flow a signing system runs (reference assinatura-govbr.md §2, §3).

``GET /oauth2.0/authorize`` with ``login_hint`` on an auto-approve client (the sandbox's headless path: the
code comes back without pages, even for a bronze account — the real CAS also issued tokens to bronze accounts
and refused at the API), ``POST /oauth2.0/token`` with the form body, then ``POST /externo/v2/assinarPKCS7``
``{"hashBase64": ...}`` once per hash with the same token. A 200 must be a CMS SignedData whose
``messageDigest`` is the hash sent; the last answer is compared with what the step expects (status, text).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx
from asn1crypto import cms

from .model import SignArgs

if TYPE_CHECKING:
    from .runner import Run

SIGN = "/externo/v2/assinarPKCS7"


def signed_digest(body: bytes) -> bytes:
    """The ``messageDigest`` signed attribute of a detached CMS SignedData (raises if it is not one)."""
    info = cms.ContentInfo.load(body)
    if info["content_type"].native != "signed_data":
        raise ValueError(f"conteúdo {info['content_type'].native}, esperado signed_data")
    signer = info["content"]["signer_infos"][0]
    for attribute in signer["signed_attrs"]:
        if attribute["type"].native == "message_digest":
            return attribute["values"][0].native
    raise ValueError("o CMS não tem o atributo messageDigest")


async def access_token(http: httpx.AsyncClient, client: dict, args: SignArgs) -> str:
    state = secrets.token_hex(6)
    params = {
        "response_type": "code",
        "client_id": client["client_id"],
        "scope": args.scope,
        "redirect_uri": client["redirect_uri"],
        "state": state,
        "nonce": secrets.token_hex(6),
        "login_hint": args.persona,
    }
    response = await http.get("/oauth2.0/authorize", params=params)
    if response.status_code != 302:
        raise AssertionError(
            f"sign: /oauth2.0/authorize respondeu {response.status_code} em vez de redirecionar: "
            f"{response.text[:200]}"
        )
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}
    if "code" not in query or query.get("state") != state:
        raise AssertionError(f"sign: /oauth2.0/authorize voltou sem code ou com outro state: {query}")
    token = await http.post(
        "/oauth2.0/token",
        data={
            "code": query["code"],
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
            "grant_type": "authorization_code",
            "redirect_uri": client["redirect_uri"],
        },
    )
    if token.status_code != 200:
        raise AssertionError(f"sign: /oauth2.0/token respondeu {token.status_code}: {token.text[:200]}")
    return token.json()["access_token"]


async def sign(run: Run, args: SignArgs) -> None:
    client = run.clients[args.client]
    http = run.assinatura
    bearer = {"Authorization": f"Bearer {await access_token(http, client, args)}"}
    for number in range(1, args.hashes + 1):
        digest = hashlib.sha256(f"{run.scenario.name} {secrets.token_hex(8)} {number}".encode()).digest()
        response = await http.post(
            SIGN, json={"hashBase64": base64.b64encode(digest).decode()}, headers=bearer
        )
        last = number == args.hashes
        wanted = args.expect_status if last else 200
        if response.status_code != wanted:
            raise AssertionError(
                f"sign: assinatura {number} de {args.hashes} respondeu {response.status_code}, esperado {wanted}: "
                f"{response.text[:200]}"
            )
        if response.status_code == 200:
            try:
                ok = signed_digest(response.content) == digest
            except ValueError as exc:
                raise AssertionError(f"sign: a resposta da assinatura {number} não é um CMS: {exc}") from None
            if not ok:
                raise AssertionError(f"sign: o CMS da assinatura {number} assina outro hash")
        if last and args.expect_text is not None and args.expect_text not in response.text:
            raise AssertionError(f"sign: a resposta não contém {args.expect_text!r}: {response.text[:300]!r}")
    run.log.append(
        f"{args.hashes} assinatura(s) de {args.persona} com um token {args.scope}: a última respondeu "
        f"{args.expect_status}"
    )
