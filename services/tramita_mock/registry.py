"""The registry as the Tramita mock needs it: the kernel's RegistryClient plus systems per ente."""

from __future__ import annotations

import httpx

from sandbox_kernel.registry_client import RegistryClient, RegistryUnavailable
from sandbox_kernel.tramita_shapes import REST_UNIT_FIELDS


def unit_as_rest(unit: dict) -> dict:
    return {k: unit[k] for k in REST_UNIT_FIELDS if k in unit}


class TramitaRegistry(RegistryClient):
    async def entes(self) -> list[dict]:
        return await self._get("/entes") or []

    async def systems_of_ente(self, ente: str) -> list[dict]:
        return await self._get(f"/entes/{ente}/systems") or []

    async def system_for_unit(self, ente: str | None, unit_id: str) -> str | None:
        """The system (SPE) that represents ``unit_id``: whose certificate gets the pendência."""
        if not ente:
            return None
        for system in await self.systems_of_ente(ente):
            if str(unit_id) in {str(u) for u in system.get("unidades") or []} and system.get("certificate"):
                return system["id"]
        return None

    async def create_system(self, ente: str, nome: str, unidades: list[str]) -> dict:
        """``POST /entes/{ibge}/systems``: the bundle with the private key comes only in this answer."""
        try:
            response = await self._http.post(
                f"/entes/{ente}/systems", json={"nome": nome, "unidades": unidades}
            )
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(f"registry inacessível: {type(exc).__name__}") from None
        if response.status_code != 201:
            raise RegistryUnavailable(f"registry respondeu {response.status_code}: {response.text[:300]}")
        self.invalidate()
        return response.json()

    async def ca_pem(self) -> bytes:
        response = await self._http.get("/ca.pem")
        response.raise_for_status()
        return response.content
