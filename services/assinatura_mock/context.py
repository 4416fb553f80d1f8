"""What the routers share: the kernel runtime, the registry client, the signing PKI and the options."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fastapi import Request

from sandbox_kernel.app import ServiceRuntime
from sandbox_kernel.registry_client import RegistryClient

from .options import AssinaturaOptions
from .pki_store import SigningPKI


@dataclass
class Context:
    runtime: ServiceRuntime
    registry: RegistryClient
    pki: SigningPKI
    options: AssinaturaOptions
    # One issuing at a time per CPF, so two concurrent first calls do not make two certificates.
    cert_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def cert_lock(self, cpf: str) -> asyncio.Lock:
        return self.cert_locks.setdefault(cpf, asyncio.Lock())


def ctx_of(request: Request) -> Context:
    return request.app.state.assinatura
