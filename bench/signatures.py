"""Signatures per second: ``POST /externo/v2/assinarPKCS7`` on a real assinatura_mock process, against
what one core can do with ``openssl speed rsa2048``.

    python bench/signatures.py [--seconds 20] [--concurrency 8]

An embedded broker, the registry and the assinatura service run as real processes in a temp data dir.
Each of ``--concurrency`` workers gets a ``signature_session`` token through the real headless OAuth flow
(client ``devLocal`` from ``seed.json`` is auto-approved: GET /oauth2.0/authorize with ``login_hint`` →
302 with the code → POST /oauth2.0/token) and signs random SHA-256 hashes for a fixed time, taking a
fresh token whenever one is used up (100 signatures, or a 401). Then ``openssl speed rsa2048`` gives the
RSA-2048 sign/s of one core: the physical limit, since each signature of the sandbox costs two RSA signs
(the user's and the TSA's timestamp) plus a database commit and an event.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from stack import percentiles_ms, sandbox_stack

CLIENT_ID = "devLocal"
REDIRECT = "http://127.0.0.1:9/cb"
PERSONA = "99900000188"  # ouro, CPF regular
SESSION_LIMIT = 100  # signatures per signature_session token (SANDBOX_ASSINATURA_SESSION_LIMIT default)
SIGN_PATH = "/externo/v2/assinarPKCS7"


async def session_token(client: httpx.AsyncClient, secret: str) -> str:
    """A ``signature_session`` access token through the headless code flow."""
    response = await client.get(
        "/oauth2.0/authorize",
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "scope": "signature_session",
            "redirect_uri": REDIRECT,
            "state": "s",
            "login_hint": PERSONA,
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"authorize answered {response.status_code}: {response.text[:300]}")
    code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
    response = await client.post(
        "/oauth2.0/token",
        data={
            "code": code,
            "client_id": CLIENT_ID,
            "client_secret": secret,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
        },
    )
    if response.status_code != 200:
        raise RuntimeError(f"token answered {response.status_code}: {response.text[:300]}")
    return response.json()["access_token"]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux ``/proc``; ``None`` elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def random_hash() -> str:
    return base64.b64encode(hashlib.sha256(secrets.token_bytes(64)).digest()).decode()


async def load(
    base_url: str, secret: str, seconds: float, concurrency: int, server_pid: int
) -> tuple[list[float], int, int, float | None]:
    """Run the workers for ``seconds``: (latencies of the successful signatures, tokens taken, failures,
    CPU seconds the server used meanwhile)."""
    latencies: list[float] = []
    tokens = 0
    failures = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        # Warm-up: the first signature issues the persona's certificate (an RSA-2048 key pair).
        warm = await session_token(client, secret)
        response = await client.post(
            SIGN_PATH, json={"hashBase64": random_hash()}, headers={"Authorization": f"Bearer {warm}"}
        )
        if response.status_code != 200:
            raise RuntimeError(f"assinarPKCS7 answered {response.status_code}: {response.text[:300]}")
        cpu_before = cpu_seconds(server_pid)
        deadline = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal tokens, failures
            token, used = None, 0
            while time.monotonic() < deadline:
                if token is None or used >= SESSION_LIMIT:
                    token, used = await session_token(client, secret), 0
                    tokens += 1
                start = time.perf_counter()
                response = await client.post(
                    SIGN_PATH,
                    json={"hashBase64": random_hash()},
                    headers={"Authorization": f"Bearer {token}"},
                )
                elapsed = time.perf_counter() - start
                if response.status_code == 200:
                    latencies.append(elapsed)
                    used += 1
                elif response.status_code == 401:
                    token = None  # used up or expired: take a fresh one
                else:
                    failures += 1

        await asyncio.gather(*[worker() for _ in range(concurrency)])
        cpu_after = cpu_seconds(server_pid)
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return latencies, tokens, failures, cpu


def openssl_rsa2048(seconds: int = 3) -> float:
    """RSA-2048 sign/s of one core, from ``openssl speed``."""
    openssl = shutil.which("openssl")
    if not openssl:
        raise SystemExit("openssl not found")
    output = subprocess.run(
        [openssl, "speed", "-seconds", str(seconds), "rsa2048"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # "rsa 2048 bits 0.000712s 0.000021s   1404.5  47619.0"  (sign, verify, sign/s, verify/s)
    match = re.search(r"^rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"could not parse openssl speed output:\n{output}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with sandbox_stack("registry", "assinatura") as stack:
        assinatura = stack.process("assinatura")
        secret = json.loads((stack.data_dir / "seed.json").read_text())["assinatura_client"]["client_secret"]
        print(
            f"{args.concurrency} concurrent clients, {args.seconds:.0f} s, assinarPKCS7 "
            f"(signature_session tokens, {SESSION_LIMIT} signatures each)\n"
        )
        latencies, tokens, failures, cpu = asyncio.run(
            load(assinatura.url, secret, args.seconds, args.concurrency, assinatura.process.pid)
        )
    limit = openssl_rsa2048()
    if not latencies:
        raise SystemExit(f"no successful signature ({failures} failures)")
    rate = len(latencies) / args.seconds
    p50, p99 = percentiles_ms(latencies)
    print(
        f"{'govbr-sandbox assinatura':<26} {rate:8.1f} signatures/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
        f"({len(latencies)} signatures, {tokens} tokens, {failures} failures)"
    )
    print(f"{'openssl speed rsa2048':<26} {limit:8.1f} sign/s (one core)")
    if cpu is not None:
        print(
            f"{'assinatura process CPU':<26} {cpu / args.seconds:8.0%} of one core, "
            f"{cpu / len(latencies) * 1000:.1f} ms CPU per signature"
        )
    print(f"\nratio signatures / openssl sign/s: {rate / limit:.2f} (target ≥ 0.25)")
    print(
        "limit: each signature costs two RSA-2048 signs (the user's and the TSA's timestamp) plus a DB "
        "commit and an event, all in one Python process; at this rate the RSA signs take "
        f"{2 * rate / limit:.0%} of one core, the rest is Python (CMS/ASN.1, SQLAlchemy + SQLite commit, "
        "outbox event, HTTP)"
    )


if __name__ == "__main__":
    os.environ.setdefault("SANDBOX_LOG_LEVEL", "warning")
    # The broker's start-up probe logs a connection error until the broker listens: not a failure.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    main()
