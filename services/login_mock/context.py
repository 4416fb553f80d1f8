"""What every login_mock route needs: settings, the registry, the signing key, pages and event emission."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request

from sandbox_kernel.app import ServiceRuntime, Transaction, runtime_of
from sandbox_kernel.events.catalog import EventData
from sandbox_kernel.pages import PageRenderer
from sandbox_kernel.registry_client import RegistryClient

from .keys import SigningKey

TEMPLATES = PageRenderer(Path(__file__).parent / "templates")
SESSION_COOKIE = "govbr_sandbox_sessao"


@dataclass
class LoginContext:
    runtime: ServiceRuntime
    registry: RegistryClient
    key: SigningKey

    @property
    def issuer(self) -> str:
        return self.runtime.settings.login_issuer_url

    def url(self, path: str) -> str:
        return self.issuer + path.lstrip("/")

    def claim_urls(self) -> dict:
        return {"picture": self.url("userinfo/picture"), "profile": self.url("sandbox/perfil")}

    async def emit(
        self, event: EventData, client: dict | None, story: str, subject: str | None = None
    ) -> None:
        """One event in its own transaction, on the client's ente topic, keyed ``<client>/<story>``."""
        async with self.runtime.transaction() as tx:
            emit_in(tx, event, client, story, subject)


def emit_in(
    tx: Transaction, event: EventData, client: dict | None, story: str, subject: str | None = None
) -> None:
    client_id = client["client_id"] if client else "desconhecido"
    tx.emit(
        event,
        key=f"{client_id}/{story}",
        subject=subject or client_id,
        ente=client.get("ente") if client else None,
    )


def ctx(request: Request) -> LoginContext:
    return request.app.state.login


def runtime(request: Request) -> ServiceRuntime:
    return runtime_of(request)
