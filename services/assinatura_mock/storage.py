"""The assinatura_mock tables (all prefixed ``assinatura_``).

Codes and access tokens are stored as SHA-256 digests only: a leaked database gives no usable credential.
Citizens' private keys are kept here (PEM), next to their certificates, because the service signs with them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sandbox_kernel.clock import clock
from sandbox_kernel.oauth.domain import aware as aware  # re-exported for the routes
from sandbox_kernel.oauth.store import oauth_tables

metadata = MetaData()


# The one UTC clock of the sandbox (virtual per ente): ``now()`` is real UTC, ``now(ente)`` the ente's time.
now = clock.now


class Base(DeclarativeBase):
    metadata = metadata


class UserCertificateRow(Base):
    """A citizen's certificate and key, issued on demand and reused while valid (§4.1)."""

    __tablename__ = "assinatura_certificates"

    serial: Mapped[str] = mapped_column(String(64), primary_key=True)
    cpf: Mapped[str] = mapped_column(String(11), index=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    key_pem: Mapped[str] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


# The authorization-code grant's tables, shared with login_mock through the kernel's OAuth core.
oauth = oauth_tables(Base, "assinatura")
AuthorizationRow = oauth.Authorization
CodeRow = oauth.Code
TokenRow = oauth.Token
