"""Entes (tenants) in the database: creating one gives it an API key, its org units and its topics;
deleting removes all (the database cascades)."""

from __future__ import annotations

from sqlalchemy import delete, select

from sandbox_kernel.app import Transaction
from sandbox_kernel.events.models.registry import CredentialRotated, EnteCreated, EnteDeleted
from sandbox_kernel.secrets import hash_secret

from ..domain.access import key_version, new_api_key
from ..domain.entes import EnteSpec, topics_of
from ..domain.errors import Conflict, NotFound
from ..storage import EnteRow
from . import structures


def view(row: EnteRow, namespace: str) -> dict:
    return {
        "ibge": row.ibge,
        "nome": row.nome,
        "uf": row.uf,
        "tipo": row.tipo,
        "lab": row.lab,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "api_key_version": key_version(row.api_key_hash),
        "topics": topics_of(row.ibge, namespace),
    }


async def get_ente(tx: Transaction, ibge: str) -> EnteRow:
    row = await tx.session.get(EnteRow, ibge)
    if row is None:
        raise NotFound(f"Ente {ibge} não encontrado.")
    return row


async def create_ente(tx: Transaction, spec: EnteSpec, lab: str | None = None) -> tuple[EnteRow, str]:
    if await tx.session.get(EnteRow, spec.ibge) is not None:
        raise Conflict(f"O ente {spec.ibge} já existe.")
    api_key = new_api_key(spec.ibge)
    row = EnteRow(
        ibge=spec.ibge, nome=spec.nome, uf=spec.uf, tipo=spec.tipo, api_key_hash=hash_secret(api_key), lab=lab
    )
    tx.session.add(row)
    await tx.session.flush()
    await structures.create_default_units(tx, row)
    tx.emit(
        EnteCreated(ibge=row.ibge, nome=row.nome, uf=row.uf, tipo=row.tipo, lab=lab),
        key=row.ibge,
        subject=row.ibge,
        ente=row.ibge,
    )
    return row, api_key


async def rotate_api_key(tx: Transaction, row: EnteRow) -> str:
    api_key = new_api_key(row.ibge)
    row.api_key_hash = hash_secret(api_key)
    tx.emit(
        CredentialRotated(credential="api_key", ente=row.ibge), key=row.ibge, subject=row.ibge, ente=row.ibge
    )
    return api_key


async def delete_ente(tx: Transaction, row: EnteRow) -> None:
    # The database cascades to applications, systems, certificates, personas and units of the ente.
    await tx.session.execute(delete(EnteRow).where(EnteRow.ibge == row.ibge))
    tx.emit(EnteDeleted(ibge=row.ibge), key=row.ibge, subject=row.ibge, ente=row.ibge)


async def list_entes(tx: Transaction, only: str | None = None, lab: str | None = None) -> list[EnteRow]:
    query = select(EnteRow).order_by(EnteRow.ibge)
    if only:
        query = query.where(EnteRow.ibge == only)
    if lab:
        query = query.where(EnteRow.lab == lab)
    return list((await tx.session.scalars(query)).all())
