"""Registering, changing, rotating and removing the OAuth clients of an ente."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from sandbox_kernel.app import Transaction
from sandbox_kernel.events.models.registry import (
    ApplicationChanged,
    ApplicationDeleted,
    ApplicationRegistered,
    CredentialRotated,
)
from sandbox_kernel.secrets import hash_secret, new_secret

from ..domain.clients import CLIENT_MODELS, ClientBase, generated_client_id
from ..domain.errors import Conflict, Invalid, NotFound
from ..storage import ApplicationRow


def public_view(row: ApplicationRow) -> dict:
    """What any authorised reader sees. The secret hash stays private to the services (see internal_view)."""
    return {
        "client_id": row.client_id,
        "ente": row.ente,
        "kind": row.kind,
        **{k: v for k, v in row.config.items() if k != "client_id"},
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "secret_rotated_at": row.secret_rotated_at.isoformat() if row.secret_rotated_at else None,
    }


def internal_view(row: ApplicationRow) -> dict:
    """For the emulators (admin only): they verify client secrets against the hash."""
    return {**public_view(row), "secret_hash": row.secret_hash}


async def get_application(tx: Transaction, client_id: str, kind: str | None = None) -> ApplicationRow:
    row = await tx.session.get(ApplicationRow, client_id)
    if row is None or (kind and row.kind != kind):
        raise NotFound(f"Aplicação {client_id!r} não encontrada.")
    return row


async def register(
    tx: Transaction, ente: str, kind: str, spec: ClientBase, *, secret: str | None = None
) -> tuple[ApplicationRow, str]:
    """``secret`` is for the seed only (a historic public test secret); clients get a fresh random one."""
    client_id = spec.client_id or generated_client_id(ente, spec.nome)
    if await tx.session.get(ApplicationRow, client_id) is not None:
        raise Conflict(f"Já existe uma aplicação com client_id {client_id!r}.")
    secret = secret or new_secret()
    config = spec.model_dump(mode="json") | {"client_id": client_id}
    row = ApplicationRow(
        client_id=client_id, ente=ente, kind=kind, secret_hash=hash_secret(secret), config=config
    )
    tx.session.add(row)
    await tx.session.flush()  # a duplicate raced in commits as a conflict, not a 500
    tx.emit(
        ApplicationRegistered(
            client_id=client_id,
            kind=kind,  # type: ignore[arg-type]
            nome=spec.nome,
            redirect_uris=spec.redirect_uris,
            allow_loopback=spec.allow_loopback,
            scopes=config.get("scopes", []),
            auto_approve=spec.auto_approve,
        ),
        key=client_id,
        subject=client_id,
        ente=ente,
    )
    return row, secret


async def update(tx: Transaction, row: ApplicationRow, changes: dict) -> ApplicationRow:
    if "client_id" in changes and changes["client_id"] != row.client_id:
        raise Invalid("client_id", "o client_id não pode ser alterado; registre outra aplicação")
    model = CLIENT_MODELS[row.kind]
    try:
        merged = model.model_validate(row.config | changes)
    except ValueError as exc:  # pydantic ValidationError is a ValueError
        raise Invalid.from_validation(exc) from None
    new_config = merged.model_dump(mode="json") | {"client_id": row.client_id}
    changed = sorted(k for k in new_config if new_config[k] != row.config.get(k))
    row.config = new_config
    if changed:
        tx.emit(
            ApplicationChanged(client_id=row.client_id, kind=row.kind, changed_fields=changed),  # type: ignore[arg-type]
            key=row.client_id,
            subject=row.client_id,
            ente=row.ente,
        )
    return row


async def rotate_secret(tx: Transaction, row: ApplicationRow) -> str:
    secret = new_secret()
    row.secret_hash = hash_secret(secret)
    row.secret_rotated_at = datetime.now(UTC)
    tx.emit(
        CredentialRotated(credential="client_secret", client_id=row.client_id, ente=row.ente),
        key=row.client_id,
        subject=row.client_id,
        ente=row.ente,
    )
    return secret


async def delete(tx: Transaction, row: ApplicationRow) -> None:
    await tx.session.delete(row)
    tx.emit(
        ApplicationDeleted(client_id=row.client_id, kind=row.kind),  # type: ignore[arg-type]
        key=row.client_id,
        subject=row.client_id,
        ente=row.ente,
    )


async def list_for(tx: Transaction, ente: str, kind: str) -> list[ApplicationRow]:
    query = select(ApplicationRow).where(ApplicationRow.ente == ente, ApplicationRow.kind == kind)
    return list((await tx.session.scalars(query.order_by(ApplicationRow.client_id))).all())
