"""Console test stack, shared by the module: registry, login_mock, assinatura_mock and the console as real
processes on one broker, and a two-trainee lab (two isolated entes with their own keys and clients).

Trainees drive the real platforms over HTTP (headless login with login_hint + auto_approve, a signature
through the ITI API) and the console is read through its pages (Chromium) and its gateway.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sandbox_kernel.secrets import admin_token
from sandbox_kernel.settings import Settings
from sandbox_kernel.testing.processes import ServiceProcess, free_port

MARIA = "99900000188"  # global persona: ouro, regular CPF
LOOPBACK = "http://127.0.0.1:9/retorno"  # never called: headless flows read the code from Location


@dataclass
class Trainee:
    ibge: str
    nome: str
    api_key: str
    login_client: str
    login_secret: str
    sign_client: str
    sign_secret: str


@dataclass
class Stack:
    settings: Settings
    admin: str
    registry: ServiceProcess
    login: ServiceProcess
    assinatura: ServiceProcess
    console: ServiceProcess
    lab: str
    trainees: list[Trainee]

    def api(self, key: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.registry.url}/sandbox/registry",
            headers={"Authorization": f"Bearer {key or self.admin}"},
            timeout=30,
        )

    def gateway(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.console.url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _query(response: httpx.Response) -> dict:
    assert response.status_code in (302, 303), (response.status_code, response.text[:300])
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


def headless_login(stack: Stack, trainee: Trainee, *, wrong_verifier: bool = False) -> httpx.Response:
    """authorize (login_hint, auto_approve) → token → userinfo, as a municipal app does it in CI."""
    verifier, challenge = _pkce()
    base = stack.login.url
    with httpx.Client(timeout=30) as http:
        code = _query(
            http.get(
                f"{base}/authorize",
                params={
                    "response_type": "code",
                    "client_id": trainee.login_client,
                    "scope": "openid email profile",
                    "redirect_uri": LOOPBACK,
                    "state": "s1",
                    "nonce": "n1",
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                    "login_hint": MARIA,
                },
            )
        )["code"]
        token = http.post(
            f"{base}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": LOOPBACK,
                "code_verifier": verifier + ("x" if wrong_verifier else ""),
            },
            auth=(trainee.login_client, trainee.login_secret),
        )
        if wrong_verifier:
            return token
        assert token.status_code == 200, token.text
        userinfo = http.get(
            f"{base}/userinfo/", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
        )
        assert userinfo.status_code == 200, userinfo.text
        return userinfo


def headless_signature(stack: Stack, trainee: Trainee) -> bytes:
    """ITI: authorize (login_hint, auto_approve) → token → assinarPKCS7 of a document's SHA-256."""
    base = stack.assinatura.url
    with httpx.Client(timeout=60) as http:
        code = _query(
            http.get(
                f"{base}/oauth2.0/authorize",
                params={
                    "response_type": "code",
                    "client_id": trainee.sign_client,
                    "scope": "sign",
                    "redirect_uri": LOOPBACK,
                    "state": "s1",
                    "login_hint": MARIA,
                },
            )
        )["code"]
        token = http.post(
            f"{base}/oauth2.0/token",
            data={
                "code": code,
                "client_id": trainee.sign_client,
                "client_secret": trainee.sign_secret,
                "grant_type": "authorization_code",
                "redirect_uri": LOOPBACK,
            },
        )
        assert token.status_code == 200, token.text
        digest = base64.b64encode(hashlib.sha256(b"documento da prefeitura").digest()).decode()
        signed = http.post(
            f"{base}/externo/v2/assinarPKCS7",
            json={"hashBase64": digest},
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        assert signed.status_code == 200, signed.text
        return signed.content


@pytest.fixture(scope="module")
def stack(sandbox_kafka, tmp_path_factory):
    root = tmp_path_factory.mktemp("console")
    previous = os.environ.get("SANDBOX_ASSINATURA_PKI_DIR")
    os.environ["SANDBOX_ASSINATURA_PKI_DIR"] = str(tmp_path_factory.getbasetemp() / "console-assinatura-pki")
    settings = Settings(
        data_dir=root / "data",
        kafka_bootstrap_servers=sandbox_kafka,
        topic_namespace=f"t{uuid.uuid4().hex[:10]}",
        registry_port=free_port(),
        login_port=free_port(),
        assinatura_port=free_port(),
        tramita_port=free_port(),
        console_port=free_port(),
    )
    started: list[ServiceProcess] = []
    try:
        for name in ("registry", "login", "assinatura", "console"):
            proc = ServiceProcess(name, settings, root / f"{name}.log")
            started.append(proc)
            proc.start(timeout=120)
        token, _ = admin_token(settings)
        lab = "turma-console"
        with httpx.Client(
            base_url=f"{started[0].url}/sandbox/registry",
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        ) as api:
            created = api.post("/labs", json={"nome": lab, "trainees": 2, "personas_por_aluno": 1})
            assert created.status_code == 201, created.text
            trainees = []
            for row in created.json()["trainees"]:
                for kind, client in (
                    ("login", row["login_client_id"]),
                    ("assinatura", row["assinatura_client_id"]),
                ):
                    patched = api.patch(
                        f"/entes/{row['ibge']}/{kind}-clients/{client}", json={"auto_approve": True}
                    )
                    assert patched.status_code == 200, patched.text
                trainees.append(
                    Trainee(
                        row["ibge"],
                        row["ente"],
                        row["api_key"],
                        row["login_client_id"],
                        row["login_client_secret"],
                        row["assinatura_client_id"],
                        row["assinatura_client_secret"],
                    )
                )
        yield Stack(settings, token, *started, lab=lab, trainees=trainees)
    finally:
        for proc in reversed(started):
            proc.stop()
        if previous is None:
            os.environ.pop("SANDBOX_ASSINATURA_PKI_DIR", None)
        else:
            os.environ["SANDBOX_ASSINATURA_PKI_DIR"] = previous
