"""Headless code flows per second: the sandbox's login_mock against the npm ``oauth2-mock-server``.

    python bench/login_flow.py [--seconds 20] [--concurrency 16]

One load generator (httpx, ``--concurrency`` workers) runs full flows — GET /authorize (auto-approved) →
POST /token → GET /userinfo — for a fixed time against each server in turn, and prints both rates and
their ratio. The sandbox does more per flow than the peer (PKCE, client secret, single-use code in the
database, signed id_token, events through the outbox), which is the point of comparing.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import time
from urllib.parse import parse_qs, urlsplit

import httpx
from stack import percentiles_ms, sandbox_stack

from sandbox_kernel.testing.processes import free_port

REDIRECT = "http://127.0.0.1:9/callback"
PERSONA = "99900000188"


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
        b"="
    ).decode()


async def sandbox_flow(client: httpx.AsyncClient, app: dict) -> None:
    verifier, challenge = _pkce()
    params = {
        "response_type": "code",
        "client_id": app["client_id"],
        "scope": "openid email profile",
        "redirect_uri": REDIRECT,
        "state": secrets.token_hex(4),
        "nonce": secrets.token_hex(4),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "login_hint": PERSONA,
    }
    location = (await client.get("/authorize", params=params)).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    token = await client.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        auth=(app["client_id"], app["client_secret"]),
    )
    token.raise_for_status()
    info = await client.get("/userinfo", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    info.raise_for_status()


async def peer_flow(client: httpx.AsyncClient, _app: dict) -> None:
    params = {
        "response_type": "code",
        "client_id": "bench",
        "scope": "openid",
        "redirect_uri": REDIRECT,
        "state": secrets.token_hex(4),
    }
    location = (await client.get("/authorize", params=params)).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    token = await client.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "bench",
        },
    )
    token.raise_for_status()
    info = await client.get("/userinfo", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    info.raise_for_status()


async def load(base_url: str, flow, app: dict, seconds: float, concurrency: int) -> tuple[int, list[float]]:
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await flow(client, app)  # warm-up

        async def worker() -> None:
            while time.monotonic() < deadline:
                start = time.perf_counter()
                await flow(client, app)
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*[worker() for _ in range(concurrency)])
    return len(latencies), latencies


def start_peer(port: int) -> subprocess.Popen:
    npx = shutil.which("npx")
    if not npx:
        raise SystemExit("npx not found: install Node.js to compare with oauth2-mock-server")
    process = subprocess.Popen(
        [npx, "--yes", "oauth2-mock-server", "-a", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # npx runs node as a child: stop the whole group at the end
    )
    for _ in range(600):
        try:
            if (
                httpx.get(f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=1).status_code
                == 200
            ):
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("oauth2-mock-server did not start")


def report(name: str, flows: int, latencies: list[float], seconds: float) -> float:
    rate = flows / seconds
    p50, p99 = percentiles_ms(latencies)
    print(f"{name:<22} {rate:8.1f} flows/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   ({flows} flows)")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with sandbox_stack("registry", "login") as stack:
        app = httpx.post(
            f"{stack.url('registry')}/sandbox/registry/entes/3550308/login-clients",
            json={"nome": "bench", "redirect_uris": [REDIRECT], "auto_approve": True},
            headers={"Authorization": f"Bearer {stack.admin_token}"},
        ).json()
        peer_port = free_port()
        peer = start_peer(peer_port)
        try:
            print(
                f"{args.concurrency} concurrent clients, {args.seconds:.0f} s each, authorize → token → userinfo\n"
            )
            flows, lat = asyncio.run(
                load(stack.url("login"), sandbox_flow, app, args.seconds, args.concurrency)
            )
            ours = report("govbr-sandbox login", flows, lat, args.seconds)
            flows, lat = asyncio.run(
                load(f"http://127.0.0.1:{peer_port}", peer_flow, {}, args.seconds, args.concurrency)
            )
            theirs = report("oauth2-mock-server", flows, lat, args.seconds)
            print(f"\nratio sandbox / oauth2-mock-server: {ours / theirs:.2f}x (target ≥ 1.0x)")
        finally:
            os.killpg(peer.pid, signal.SIGTERM)


if __name__ == "__main__":
    os.environ.setdefault("SANDBOX_LOG_LEVEL", "warning")
    main()
