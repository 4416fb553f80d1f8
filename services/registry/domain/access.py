"""Who is calling: the admin (``SANDBOX_ADMIN_TOKEN``) or an ente, by its API key.

Ente keys look like ``sbx_<ibge>_<random>`` so the ente is found without scanning; only a hash is kept.
An ente key reads and manages that ente only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sandbox_kernel.secrets import new_secret

from .errors import Forbidden


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


def key_version(api_key_hash: str) -> str:
    """A short, non-secret name for the current key: it changes when the key is rotated.

    Derived from the stored hash (a digest of a digest of a 256-bit random key), so it reveals nothing
    about the key; holders of a key (the console's sessions) compare it to notice a rotation.
    """
    return hashlib.sha256(api_key_hash.encode()).hexdigest()[:16]
