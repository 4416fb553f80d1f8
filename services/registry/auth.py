"""Who is calling: the admin (``SANDBOX_ADMIN_TOKEN``) or an ente, by its API key.

Ente keys look like ``sbx_<ibge>_<random>`` so the ente is found without scanning; only a hash is kept.
An ente key reads and manages that ente only.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request

from sandbox_kernel.app import runtime_of
from sandbox_kernel.secrets import new_secret, verify_secret

from .errors import Forbidden, Unauthorized
from .storage import EnteRow


@dataclass(frozen=True)
class Caller:
    admin: bool
    ente: str | None = None

    def require_admin(self) -> None:
        if not self.admin:
            raise Forbidden("Esta operação exige o token de administrador (SANDBOX_ADMIN_TOKEN).")

    def require_ente(self, ibge: str | None) -> None:
        """Admin, or the key of this very ente. ``None`` means a global object: admin only."""
        if self.admin:
            return
        if ibge is None or ibge != self.ente:
            raise Forbidden("A chave de API informada não dá acesso a este ente.")

    def can_see(self, ibge: str | None) -> bool:
        return self.admin or ibge is None or ibge == self.ente


def new_api_key(ibge: str) -> str:
    return new_secret(f"sbx_{ibge}_")


async def caller(request: Request) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
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
