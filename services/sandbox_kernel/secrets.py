"""Secrets the sandbox makes: the admin token, client secrets and API keys.

Stored secrets are hashed (SHA-256 is enough: they are 256-bit random values, not passwords a person
chose), compared in constant time, and shown to the user exactly once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from .settings import Settings

ADMIN_TOKEN_FILE = "admin-token"


def new_secret(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def hash_secret(value: str) -> str:
    return "sha256$" + hashlib.sha256(value.encode()).hexdigest()


def verify_secret(value: str, stored_hash: str | None) -> bool:
    if not stored_hash or not value:
        return False
    return hmac.compare_digest(hash_secret(value), stored_hash)


def admin_token_path(settings: Settings) -> Path:
    return settings.data_dir / ADMIN_TOKEN_FILE


def admin_token(settings: Settings) -> tuple[str, bool]:
    """The admin token: ``SANDBOX_ADMIN_TOKEN``, else the one kept in the data dir, else a new one.

    Returns ``(token, created)``. Creation is atomic (O_EXCL), so services starting together agree.
    """
    if settings.admin_token:
        return settings.admin_token, False
    path = admin_token_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = new_secret("sbx_admin_")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip(), False
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
    return token, True


def bearer_credential(authorization: str | None) -> str | None:
    """The credential of an ``Authorization: Bearer <credential>`` header (scheme case-insensitive), else None."""
    scheme, _, credential = (authorization or "").partition(" ")
    return credential.strip() or None if scheme.lower() == "bearer" else None


def is_admin_bearer(settings: Settings, authorization: str | None) -> bool:
    """``Authorization: Bearer <admin token>``: sandbox controls that reach every ente ask for it."""
    token = bearer_credential(authorization)
    expected, _ = admin_token(settings)
    return token is not None and hmac.compare_digest(token.encode(), expected.encode())
