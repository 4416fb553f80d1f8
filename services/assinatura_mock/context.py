"""What the routers share: the kernel runtime, the registry client, the signing PKI and the settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fastapi import Request

from sandbox_kernel.app import ServiceRuntime
from sandbox_kernel.faults.middleware import FaultContext
from sandbox_kernel.pki import Issued
from sandbox_kernel.registry_client import RegistryClient

from .domain import oauth
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

    async def token(self, value: str) -> TokenRow | None:
        """The row of an opaque access token (by its digest), cached afterwards: only the use count changes,
        and it is counted atomically in the database when signing (a stale count here only delays the
        refusal to that UPDATE)."""
        token_hash = oauth.digest(value)
        row = self.token_cache.get(token_hash)
        if row is None:
            async with self.runtime.db.sessionmaker() as session:
                row = await session.get(TokenRow, token_hash)
            if row is not None:
                if len(self.token_cache) > 10_000:
                    self.token_cache.clear()
                self.token_cache[row.id] = row
        return row

    async def fault_owner(self, scope, headers: dict[str, str], fault: FaultContext) -> None:
        """Whose request this is, for fault rules: the middleware cannot read an opaque bearer token, we can.
        So status, latency and drop rules on /externo/v2 narrow to an ente, client and persona."""
        value = oauth.bearer_token(headers.get("authorization"))
        row = await self.token(value) if value else None
        if row is not None:
            fault.ente, fault.client_id, fault.persona = row.ente, row.client_id, row.cpf

    def cert_lock(self, cpf: str) -> asyncio.Lock:
        return self.cert_locks.setdefault(cpf, asyncio.Lock())


def story_key(client_id: str | None, story: str) -> str:
    """The partition key of a signature authorization's story: ``<client_id>/<autorizacao_id>``."""
    return f"{client_id or 'desconhecido'}/{story}"


def ctx_of(request: Request) -> Context:
    return request.app.state.assinatura
