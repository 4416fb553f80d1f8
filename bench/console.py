"""A class streaming at once: N SSE clients on the console's gateway under a steady event load.

    python bench/console.py [--clients 30] [--rate 40] [--seconds 20]

Starts registry, login_mock and the console as real processes on an embedded broker. A loader commits
``--rate`` events per second in login_mock (``POST /sandbox/ping?ente=...``, each one a real outbox commit)
while ``--clients`` streams read ``GET /api/eventos`` with the ente's key, as trainees' pages do. Prints the
events per second fanned out to all clients and the p50/p99 delay from the event's commit (its CloudEvent
``time``, stamped in the committing transaction) to its arrival on a client's stream.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx

# This file is named console.py: once stack is imported, bench/ leaves sys.path so that it does not
# shadow the console package the sandbox imports.
BENCH = str(Path(__file__).resolve().parent)
sys.path.insert(0, BENCH)
from stack import percentiles_ms, sandbox_stack  # noqa: E402

sys.path[:] = [p for p in sys.path if p not in (BENCH, "")]


async def _client(url: str, key: str, latencies: list[float], ready: asyncio.Event) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(timeout=None) as http,
        http.stream(
            "GET", f"{url}/api/eventos", params={"desde": "fim", "tipo": "login.ping"}, headers=headers
        ) as r,
    ):
        ready.set()
        named = False  # "event: estado" messages tell the stream's state; events come unnamed
        async for line in r.aiter_lines():
            if line.startswith("event: "):
                named = True
            elif line == "":
                named = False
            elif line.startswith("data: ") and not named:
                now = time.time()
                event = json.loads(line[6:])
                committed = datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()
                latencies.append(now - committed)


def _load(login_url: str, ente: str, rate: float, seconds: float, sent) -> None:
    """Another process: a steady stream of committed events, as the platforms make them."""
    count = 0
    start = time.monotonic()
    with httpx.Client(timeout=10) as http:
        while (elapsed := time.monotonic() - start) < seconds:
            http.post(f"{login_url}/sandbox/ping", params={"ente": ente, "message": f"carga {count}"})
            count += 1
            ahead = count / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
    sent.put((count, elapsed))


def _ente_key(stack) -> str:
    with httpx.Client(
        base_url=f"{stack.url('registry')}/sandbox/registry",
        headers={"Authorization": f"Bearer {stack.admin_token}"},
    ) as api:
        created = api.post("/entes", json={"ibge": "5300108", "nome": "Brasília (bench)", "uf": "DF"})
        created.raise_for_status()
        return created.json()["api_key"]


async def run(stack, key: str, clients: int, rate: float, seconds: float) -> None:
    console = stack.url("console")
    latencies: list[float] = []
    readies = [asyncio.Event() for _ in range(clients)]
    tasks = [asyncio.create_task(_client(console, key, latencies, r)) for r in readies]
    await asyncio.gather(*(r.wait() for r in readies))
    sent = multiprocessing.get_context("spawn").Queue()
    loader = multiprocessing.get_context("spawn").Process(
        target=_load, args=(stack.url("login"), "5300108", rate, seconds, sent)
    )
    loader.start()
    count, elapsed = await asyncio.to_thread(sent.get)
    loader.join()
    deadline = time.monotonic() + 10
    while len(latencies) < count * clients and time.monotonic() < deadline:
        await asyncio.sleep(0.1)  # the last events are still on their way
    received = len(latencies)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    p50, p99 = percentiles_ms(latencies)
    print(f"console gateway: {clients} SSE clients, {count} events committed in {elapsed:.1f} s")
    print(f"  fanned out: {received} events ({received / max(1, count * clients):.1%} of {count}×{clients})")
    print(f"  {received / elapsed:.0f} events/s delivered to all clients together")
    print(f"  delay commit → stream: p50 {p50:.1f} ms, p99 {p99:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--rate", type=float, default=40.0, help="events committed per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with sandbox_stack("registry", "login", "console") as stack:
        asyncio.run(run(stack, _ente_key(stack), args.clients, args.rate, args.seconds))


if __name__ == "__main__":
    main()
