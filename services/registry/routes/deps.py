"""Shared router plumbing: who is calling, the runtime and a transaction per request.

The caller is the admin (``SANDBOX_ADMIN_TOKEN``) or an ente, by its API key. Ente keys look like
``sbx_<ibge>_<random>`` so the ente is found without scanning; only a hash is kept.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator

from fastapi import Depends, Request

from sandbox_kernel.app import ServiceRuntime, Transaction, runtime_of
from sandbox_kernel.secrets import bearer_credential, verify_secret

from ..domain.access import Caller
from ..domain.errors import Unauthorized
from ..storage import EnteRow


async def caller(request: Request) -> Caller:
    token = bearer_credential(request.headers.get("authorization"))
    if token is None:
        raise Unauthorized("Envie Authorization: Bearer <token de administrador ou chave de API do ente>.")
    admin_token: str = request.app.state.admin_token
    if hmac.compare_digest(token.encode(), admin_token.encode()):
        return Caller(admin=True)
    parts = token.split("_", 2)
    if len(parts) == 3 and parts[0] == "sbx" and parts[1].isdigit():
        async with runtime_of(request).db.session() as session:
            ente = await session.get(EnteRow, parts[1])
        if ente is not None and verify_secret(token, ente.api_key_hash):
            return Caller(admin=False, ente=ente.ibge)
    raise Unauthorized("Token inválido.")


PREFIX = "/sandbox/registry"
CallerDep = Depends(caller)


async def transaction(request: Request) -> AsyncIterator[Transaction]:
    """One transaction per request: everything it changes, and its events, commit together or not at all."""
    async with runtime_of(request).transaction() as tx:
        yield tx


# scope="function": commit before the response leaves. The default ("request") commits after it is sent, so a
# client reading right after a 201 could miss what it just created, or get a 201 for a write that then failed.
TxDep = Depends(transaction, scope="function")


def runtime(request: Request) -> ServiceRuntime:
    return runtime_of(request)


__all__ = ["PREFIX", "Caller", "CallerDep", "TxDep", "runtime"]
