"""``sandbox_faults``: fault rules and the virtual clock from a test, cleaned up afterwards.

    rule = await sandbox_faults.add("3550308", service="login", endpoint="token", status=503, count=1)
    await sandbox_faults.advance_clock("3550308", "8d")

After each change the helper asks the emulators to re-read the registry (``POST /sandbox/overrides/refresh``),
so the next request already sees it: pass the in-process clients with ``sync=`` (``sandbox_service``
clients), or let it reach the services on their ports (``sandbox_process``).
"""

from __future__ import annotations

import asyncio
import builtins  # the helper's own list() shadows the builtin in annotations

import httpx
import pytest

from ..faults.engine import POLL_SECONDS
from ..secrets import admin_token
from ..services import local_verify
from ..settings import Settings

SYNCED = ("login", "assinatura", "tramita")


class FaultsHelper:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        token, _ = admin_token(settings)
        self.registry = httpx.AsyncClient(
            base_url=f"{settings.registry_base_url}/sandbox/registry",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        self.clients: list[httpx.AsyncClient] = []  # in-process services to keep in step
        self._touched: set[str] = set()

    async def add(self, ente: str = "3550308", **spec) -> dict:
        response = await self.registry.post(f"/entes/{ente}/faults", json=spec)
        if response.status_code != 201:
            raise AssertionError(f"regra recusada ({response.status_code}): {response.text}")
        self._touched.add(ente)
        rule = response.json()
        service = spec.get("service")
        await self._until_seen(
            lambda name, view: name != service or rule["id"] in view["faults"], f"a regra {rule['id']}"
        )
        return rule

    async def remove(self, rule: dict | str, ente: str = "3550308") -> None:
        rule_id = rule["id"] if isinstance(rule, dict) else rule
        await self.registry.delete(f"/entes/{ente}/faults/{rule_id}")
        await self.sync()

    async def list(self, ente: str = "3550308") -> list[dict]:
        return (await self.registry.get(f"/entes/{ente}/faults")).json()

    async def advance_clock(self, ente: str, by: str | float) -> dict:
        response = await self.registry.post(f"/entes/{ente}/clock/advance", json={"by": by})
        if response.status_code != 200:
            raise AssertionError(f"relógio recusado ({response.status_code}): {response.text}")
        self._touched.add(ente)
        offset = response.json()["offset_seconds"]
        await self._until_seen(
            lambda _, view: view["clocks"].get(ente, 0.0) == offset, f"o relógio de {ente} em {offset}s"
        )
        return response.json()

    async def reset_clock(self, ente: str) -> dict:
        response = await self.registry.delete(f"/entes/{ente}/clock")
        await self._until_seen(lambda _, view: ente not in view["clocks"], f"o relógio de {ente} zerado")
        return response.json()

    async def _until_seen(self, seen, what: str, timeout: float = 15.0) -> None:
        """Refresh until every emulator in reach applies the change: a refresh can miss the registry (busy,
        restarting) and answer ``refreshed: false``; the next request must not run on the old state."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            await self.sync()
            views = await self._views()
            if all(seen(name, view) for name, view in views):  # none in reach: sync() already waited a poll
                return
            if loop.time() > deadline:
                raise AssertionError(f"os emuladores não aplicaram {what} em {timeout:.0f}s: {views}")
            await asyncio.sleep(0.1)

    async def _views(self) -> builtins.list[tuple[str, dict]]:
        """(service, GET /sandbox/overrides) of every emulator in reach."""
        views: builtins.list[tuple[str, dict]] = []
        for client in self.clients:
            app = getattr(client, "app", client)
            engine = getattr(getattr(app, "state", None), "faults", None)
            if engine is not None:
                view = {"clocks": engine.clock.offsets(), "faults": [r.id for r in engine.rules]}
                views.append((engine.service, view))
            elif isinstance(client, httpx.AsyncClient):
                response = await client.get("/sandbox/overrides")
                if response.status_code == 200:
                    views.append((response.json()["service"], response.json()))
        for name in SYNCED:
            port = self.settings.port_of(name)
            for scheme in ("http", "https"):
                url = f"{scheme}://{self.settings.host}:{port}/sandbox/overrides"
                async with httpx.AsyncClient(verify=local_verify(self.settings), timeout=3) as http:
                    try:
                        response = await http.get(url)
                    except (httpx.HTTPError, OSError):
                        continue
                if response.status_code == 200:
                    views.append((response.json()["service"] or name, response.json()))
                    break
        return views

    async def sync(self) -> None:
        """Every emulator re-reads clocks and rules now (or, if none is reachable, after one poll)."""
        reached = 0
        for client in self.clients:  # httpx clients on in-process apps, or the apps themselves
            engine = getattr(getattr(client, "state", None), "faults", None)
            if engine is not None:
                reached += await engine.refresh()
            else:
                reached += await _refresh(client, "/sandbox/overrides/refresh")
        for name in SYNCED:
            port = self.settings.port_of(name)
            for scheme in ("http", "https"):
                url = f"{scheme}://{self.settings.host}:{port}/sandbox/overrides/refresh"
                async with httpx.AsyncClient(verify=local_verify(self.settings), timeout=3) as http:
                    if await _refresh(http, url):
                        reached += 1
                        break
        if not reached:
            await asyncio.sleep(POLL_SECONDS + 0.2)

    async def cleanup(self) -> None:
        for ente in self._touched:
            await self.registry.delete(f"/entes/{ente}/faults")
            await self.registry.delete(f"/entes/{ente}/clock")
        if self._touched:
            await self.sync()
        await self.registry.aclose()


async def _refresh(client: httpx.AsyncClient, url: str) -> bool:
    try:
        response = await client.post(url)
    except (httpx.HTTPError, OSError):
        return False
    return response.status_code == 200


@pytest.fixture
async def sandbox_faults(sandbox_settings):
    helper = FaultsHelper(sandbox_settings)
    try:
        yield helper
    finally:
        await helper.cleanup()
