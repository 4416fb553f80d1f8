"""Entes (tenants): creating one gives it an API key, its org units and its topics; deleting removes all."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import delete, select

from sandbox_kernel.app import Transaction
from sandbox_kernel.events.catalog import EVENT_SERVICES
from sandbox_kernel.events.models.registry import CredentialRotated, EnteCreated, EnteDeleted
from sandbox_kernel.events.topics import topic_for
from sandbox_kernel.secrets import hash_secret

from . import structures
from .auth import new_api_key
from .domain.ibge import UFS, valid_estado_code, valid_municipio_code
from .errors import Conflict, NotFound
from .storage import EnteRow

UF_BY_SIGLA = {uf.sigla: uf for uf in UFS}


class EnteSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ibge: str = Field(
        ..., description="Município: 7 dígitos com dígito verificador. Estado: código da UF (2 dígitos)."
    )
    nome: str = Field(..., min_length=2, max_length=200)
    uf: str | None = Field(None, description="Sigla da UF (obrigatória para município e estado).")
    tipo: Literal["municipio", "estado", "uniao"] = "municipio"

    @field_validator("uf")
    @classmethod
    def _uf(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        if value not in UF_BY_SIGLA:
            raise ValueError(f"UF desconhecida: {value!r}")
        return value

    @model_validator(mode="after")
    def _code_matches_kind(self):
        if self.tipo == "uniao":
            if self.ibge != "0000000":
                raise ValueError("ibge: a União usa o código 0000000")
            return self
        if not self.uf:
            raise ValueError("uf: obrigatória para município e estado")
        uf = UF_BY_SIGLA[self.uf]
        if self.tipo == "municipio":
            if not valid_municipio_code(self.ibge):
                raise ValueError(
                    f"ibge: código de município inválido: {self.ibge!r} (7 dígitos, dígito verificador do IBGE)"
                )
        elif not valid_estado_code(self.ibge):
            raise ValueError(f"ibge: código de estado inválido: {self.ibge!r} (2 dígitos da UF)")
        if not self.ibge.startswith(f"{uf.code:02d}"):
            raise ValueError(
                f"ibge: o código {self.ibge} não é da UF {self.uf} (começaria por {uf.code:02d})"
            )
        return self


def topics_of(ibge: str, namespace: str) -> dict[str, str]:
    return {service: topic_for(service, ibge, namespace) for service in EVENT_SERVICES}


def view(row: EnteRow, namespace: str) -> dict:
    return {
        "ibge": row.ibge,
        "nome": row.nome,
        "uf": row.uf,
        "tipo": row.tipo,
        "lab": row.lab,
        "created_at": row.created_at.isoformat() if row.created_at else None,
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
