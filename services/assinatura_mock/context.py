"""What the routers share: the kernel runtime, the registry client, the signing PKI and the settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fastapi import Request

from sandbox_kernel.app import ServiceRuntime
from sandbox_kernel.pki import Issued
from sandbox_kernel.registry_client import RegistryClient

from .domain.certificates import SigningPKI
from .govbr_login import GovbrLogin, connect
from .settings import AssinaturaSettings
from .storage import TokenRow


@dataclass
class Context:
    runtime: ServiceRuntime
    registry: RegistryClient
    pki: SigningPKI
    options: AssinaturaSettings  # this service's own settings (the kernel's are runtime.settings)
    # One issuing at a time per CPF, so two concurrent first calls do not make two certificates.
    cert_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    # The current certificate and key per CPF, so a signature session does not reload the PEMs each time.
    cert_cache: dict[str, Issued] = field(default_factory=dict)
    # Token rows by hash (only their immutable fields are trusted from here; uses are counted in the DB).
    token_cache: dict[str, TokenRow] = field(default_factory=dict)
    # Our gov.br (login_mock) client, connected on first use: the registry may start after us.
    govbr: GovbrLogin | None = None

    async def govbr_login(self) -> GovbrLogin | None:
        if self.options.login != "govbr":
            return None
        if self.govbr is None:
            settings = self.runtime.settings
            self.govbr = await connect(self.registry, settings.login_issuer_url, self.public_url)
        return self.govbr

    @property
    def public_url(self) -> str:
        return (self.options.public_url or self.runtime.url).rstrip("/")

    def remember_token(self, row: TokenRow) -> None:
        if len(self.token_cache) > 10_000:
            self.token_cache.clear()
        self.token_cache[row.id] = row

    def cert_lock(self, cpf: str) -> asyncio.Lock:
        return self.cert_locks.setdefault(cpf, asyncio.Lock())


def story_key(client_id: str | None, story: str) -> str:
    """The partition key of a signature authorization's story: ``<client_id>/<autorizacao_id>``."""
    return f"{client_id or 'desconhecido'}/{story}"


def ctx_of(request: Request) -> Context:
    return request.app.state.assinatura
