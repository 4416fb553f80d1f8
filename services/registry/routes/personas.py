"""/sandbox/registry/personas: synthetic citizens. Global ones are the admin's; an ente may add its own."""

from __future__ import annotations

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict, Field

from sandbox_kernel.app import Transaction

from ..domain.errors import NotFound
from ..domain.personas import Persona, generate_personas
from ..stores import entes
from ..stores import personas as personas_store
from .deps import PREFIX, Caller, CallerDep, TxDep

router = APIRouter(prefix=f"{PREFIX}/personas", tags=["personas"])


class GenerateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantidade: int = Field(..., ge=1, le=1000)
    semente: int = Field(0, description="Mesma semente, mesmas personas.")
    ente: str | None = Field(
        None, pattern=r"^(\d{2}|\d{7})$", description="Código IBGE do ente dono (vazio: personas globais)."
    )


def _owner_check(who: Caller, ente: str | None) -> None:
    """Global personas (ente None) are the admin's; an ente key writes its own ente's only."""
    who.require_ente(ente)


@router.get("", summary="Personas visíveis: as globais e as do seu ente")
async def list_(ente: str | None = None, who: Caller = CallerDep, tx: Transaction = TxDep) -> list:
    if who.admin:
        rows = await personas_store.visible(tx, ente, include_all=ente is None)
    else:
        rows = await personas_store.visible(tx, who.ente)
    return [personas_store.view(r) for r in rows]


@router.post("", status_code=201)
async def create(persona: Persona, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    if not who.admin and persona.ente is None:
        persona = persona.model_copy(update={"ente": who.ente})  # an ente's persona is its own
    _owner_check(who, persona.ente)
    if persona.ente:
        await entes.get_ente(tx, persona.ente)
    return personas_store.view(await personas_store.create(tx, persona))


@router.post(
    "/generate", status_code=201, summary="Gera N personas determinísticas (mesma semente, mesmas pessoas)"
)
async def generate(spec: GenerateSpec, who: Caller = CallerDep, tx: Transaction = TxDep) -> list:
    ente = spec.ente if who.admin else who.ente
    _owner_check(who, ente)
    if ente:
        await entes.get_ente(tx, ente)
    rows = await personas_store.add_all(tx, generate_personas(spec.quantidade, spec.semente, ente))
    return [personas_store.view(r) for r in rows]


@router.get("/{cpf}")
async def get(cpf: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    row = await personas_store.get_persona(tx, cpf)
    if not who.can_see(row.ente):
        raise NotFound(f"Persona com CPF {cpf} não encontrada.")
    return personas_store.view(row)


@router.put("/{cpf}", summary="Substitui a persona inteira")
async def put(cpf: str, data: dict = Body(...), who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    row = await personas_store.get_persona(tx, cpf)
    _owner_check(who, row.ente)
    data = {"ente": row.ente, **data}
    _owner_check(who, data.get("ente"))
    return personas_store.view(await personas_store.replace(tx, row, data))


@router.patch("/{cpf}", summary="Altera campos da persona (ex.: nivel e selos)")
async def patch(
    cpf: str, changes: dict = Body(...), who: Caller = CallerDep, tx: Transaction = TxDep
) -> dict:
    row = await personas_store.get_persona(tx, cpf)
    _owner_check(who, row.ente)
    merged = row.doc | changes
    _owner_check(who, merged.get("ente"))
    return personas_store.view(await personas_store.replace(tx, row, merged))


@router.delete("/{cpf}", status_code=204)
async def delete(cpf: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> Response:
    row = await personas_store.get_persona(tx, cpf)
    _owner_check(who, row.ente)
    await personas_store.delete(tx, row)
    return Response(status_code=204)
