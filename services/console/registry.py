"""What the console reads from the registry: who a key belongs to, names for narration, an ente's setup.

A key is checked by asking the registry itself (``RegistryClient.whoami``). Everything else is read with
the admin token and scoped by the console (the caller's ente only).
"""

from __future__ import annotations

import time

import httpx

from sandbox_kernel.registry_client import RegistryClient, RegistryUnavailable
from sandbox_kernel.settings import Settings

from .domain.narration import Names

NAMES_TTL = 15.0


class ConsoleRegistry(RegistryClient):
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(settings, ttl=2.0, transport=transport)
        self._names: tuple[float, Names] | None = None

    async def names(self) -> Names:
        """Persona names and app names for narration, refreshed every few seconds."""
        if self._names and time.monotonic() - self._names[0] < NAMES_TTL:
            return self._names[1]
        try:
            personas = await self.personas(every_ente=True)
            apps: dict[str, str] = {}
            for ente in await self._get("/entes") or []:
                for kind in ("login-clients", "assinatura-clients"):
                    for app in await self._get(f"/entes/{ente['ibge']}/{kind}") or []:
                        apps[app["client_id"]] = app.get("nome") or app["client_id"]
        except RegistryUnavailable:
            return self._names[1] if self._names else Names()
        names = Names(
            personas={p["cpf"]: (p.get("nome", ""), p.get("nivel", "")) for p in personas},
            apps=apps,
        )
        self._names = (time.monotonic(), names)
        return names

    async def ente(self, ibge: str, *, fresh: bool = False) -> dict | None:
        return await self._get(f"/entes/{ibge}", fresh=fresh)

    async def entes(self, lab: str | None = None) -> list[dict]:
        return await self._get("/entes", {"lab": lab} if lab else None) or []

    async def clients(self, ibge: str, kind: str) -> list[dict]:
        return await self._get(f"/entes/{ibge}/{kind}-clients") or []

    async def systems(self, ibge: str) -> list[dict]:
        return await self._get(f"/entes/{ibge}/systems") or []

    async def rotate_secret(self, ibge: str, kind: str, client_id: str) -> str | None:
        """A new client_secret (the old one stops working), or None when the client is not this ente's."""
        response = await self._http.post(f"/entes/{ibge}/{kind}-clients/{client_id}/secret")
        if response.status_code in (403, 404):
            return None
        if response.status_code >= 400:
            raise RegistryUnavailable(f"registry respondeu {response.status_code}")
        self.invalidate()
        return response.json()["client_secret"]
