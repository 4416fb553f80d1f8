"""Personas in the database: global ones (ente None) and those an ente added for itself."""

from __future__ import annotations

from sqlalchemy import or_, select

from sandbox_kernel.app import Transaction
from sandbox_kernel.documents import only_digits
from sandbox_kernel.events.models.registry import PersonaChanged, PersonaCreated, PersonaDeleted

from ..domain.errors import Conflict, Invalid, NotFound
from ..domain.personas import Persona, default_personas
from ..storage import PersonaRow


def view(row: PersonaRow) -> dict:
    return row.doc


async def get_persona(tx: Transaction, cpf: str) -> PersonaRow:
    row = await tx.session.get(PersonaRow, only_digits(cpf))
    if row is None:
        raise NotFound(f"Persona com CPF {cpf} não encontrada.")
    return row


async def create(tx: Transaction, persona: Persona) -> PersonaRow:
    if await tx.session.get(PersonaRow, persona.cpf) is not None:
        raise Conflict(f"Já existe uma persona com o CPF {persona.cpf}.")
    row = PersonaRow(cpf=persona.cpf, ente=persona.ente, doc=persona.model_dump(mode="json"))
    tx.session.add(row)
    tx.emit(
        PersonaCreated(cpf=persona.cpf, nome=persona.nome, nivel=persona.nivel, ente=persona.ente),
        key=persona.cpf,
        subject=f"persona/{persona.cpf}",
        ente=persona.ente,
    )
    return row


async def replace(tx: Transaction, row: PersonaRow, data: dict) -> PersonaRow:
    try:
        persona = Persona.model_validate(data)
    except ValueError as exc:
        raise Invalid.from_validation(exc) from None
    if persona.cpf != row.cpf:
        raise Invalid("cpf", "o CPF de uma persona não muda; crie outra persona")
    new_doc = persona.model_dump(mode="json")
    changed = sorted(k for k in new_doc.keys() | row.doc.keys() if new_doc.get(k) != row.doc.get(k))
    row.doc, row.ente = new_doc, persona.ente
    if changed:
        tx.emit(
            PersonaChanged(cpf=row.cpf, changed_fields=changed, ente=row.ente),
            key=row.cpf,
            subject=f"persona/{row.cpf}",
            ente=row.ente,
        )
    return row


async def delete(tx: Transaction, row: PersonaRow) -> None:
    await tx.session.delete(row)
    tx.emit(
        PersonaDeleted(cpf=row.cpf, ente=row.ente), key=row.cpf, subject=f"persona/{row.cpf}", ente=row.ente
    )


async def visible(tx: Transaction, ente: str | None, include_all: bool = False) -> list[PersonaRow]:
    """Global personas plus the ente's own (or every persona, for the admin without a filter)."""
    query = select(PersonaRow).order_by(PersonaRow.ente.is_not(None), PersonaRow.cpf)
    if not include_all:
        query = query.where(or_(PersonaRow.ente.is_(None), PersonaRow.ente == ente))
    return list((await tx.session.scalars(query)).all())


async def load_defaults(tx: Transaction) -> int:
    added = 0
    for persona in default_personas():
        if await tx.session.get(PersonaRow, persona.cpf) is None:
            await create(tx, persona)
            added += 1
    return added


async def add_all(tx: Transaction, personas: list[Persona]) -> list[PersonaRow]:
    return [await create(tx, p) for p in personas]
