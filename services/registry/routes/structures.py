"""/sandbox/registry/repositorios, /estruturas: the org-structure directory Tramita serves.

Like the real platform's directory, every authenticated caller may read it (systems address units of
other entes); only the owning ente or the admin changes a unit.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from sandbox_kernel.app import Transaction

from ..domain.errors import Invalid
from ..domain.orgs import OrgError, RobotBehaviour, Unit, build_hierarchy, children_of, search_units
from ..stores import entes, structures
from .deps import PREFIX, Caller, CallerDep, TxDep

router = APIRouter(prefix=PREFIX, tags=["estruturas (Tramita)"])


class UnitSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nome: str = Field(..., min_length=2, max_length=200)
    sigla: str = Field(..., min_length=1, max_length=20)
    parent_id: str = Field(..., description="Unidade-mãe (do próprio ente).")
    aptoParaReceberTramites: bool = True
    robot: RobotBehaviour | None = None


class UnitChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nome: str | None = Field(None, min_length=2, max_length=200)
    ativo: bool | None = None
    aptoParaReceberTramites: bool | None = None
    robot: RobotBehaviour | None = None


@router.get("/repositorios", summary="Repositórios de estruturas (como GET repositorios-de-estruturas)")
async def repositories(who: Caller = CallerDep, tx: Transaction = TxDep) -> list:
    return [{"id": r.id, "nome": r.nome, "ativo": r.ativo} for r in await structures.repositories(tx)]


@router.get(
    "/repositorios/{repository_id}/estruturas", summary="Busca com os filtros reais; inclui campos do sandbox"
)
async def search(
    repository_id: int,
    apenasAtivas: bool | None = None,
    sigla: str | None = None,
    nome: str | None = None,
    permiteRecebimento: bool | None = None,
    permiteEnvio: bool | None = None,
    numeroDeIdentificacaoDaEstruturaRaizDaConsulta: str | None = None,
    registroInicial: int = Query(0, ge=0),
    quantidadeDeRegistros: int | None = Query(None, ge=0),
    who: Caller = CallerDep,
    tx: Transaction = TxDep,
) -> dict:
    await structures.get_repository(tx, repository_id)
    try:
        page, total = search_units(
            await structures.units_in_repository(tx, repository_id),
            repository_id=repository_id,
            apenas_ativas=apenasAtivas,
            sigla=sigla,
            nome=nome,
            permite_recebimento=permiteRecebimento,
            permite_envio=permiteEnvio,
            raiz=numeroDeIdentificacaoDaEstruturaRaizDaConsulta,
            registro_inicial=registroInicial,
            quantidade=quantidadeDeRegistros,
        )
    except OrgError as exc:
        raise Invalid("consulta", str(exc)) from None
    return {"estruturas": [structures.full(u) for u in page], "totalDeRegistros": total}


@router.get("/estruturas/{unit_id}")
async def get_unit(unit_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    _, unit = await structures.get_unit(tx, unit_id)
    return structures.full(unit)


@router.get("/estruturas/{unit_id}/filhas")
async def children(
    unit_id: str, nome: str | None = None, who: Caller = CallerDep, tx: Transaction = TxDep
) -> list:
    _, unit = await structures.get_unit(tx, unit_id)
    pool = await structures.units_in_repository(tx, unit.repository_id)
    return [structures.full(u) for u in children_of(pool, unit.id, nome, repository_id=unit.repository_id)]


@router.get("/entes/{ibge}/estruturas", summary="As unidades do ente (inclui os robôs)")
async def units_of_ente(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> list:
    who.require_ente(ibge)
    await entes.get_ente(tx, ibge)
    return [structures.full(u) for u in await structures.units_of_ente(tx, ibge)]


@router.post("/entes/{ibge}/estruturas", status_code=201, summary="Cria uma unidade sob outra do ente")
async def create_unit(ibge: str, spec: UnitSpec, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_ente(ibge)
    await entes.get_ente(tx, ibge)
    _, parent = await structures.get_unit(tx, spec.parent_id)
    if parent.ente != ibge:
        raise Invalid("parent_id", f"a unidade {spec.parent_id} não é deste ente")
    siblings = await structures.units_in_repository(tx, parent.repository_id)
    if any(u.sigla.casefold() == spec.sigla.casefold() for u in siblings):
        raise Invalid("sigla", f"a sigla {spec.sigla!r} já existe neste repositório")
    ids = await structures.unit_ids(tx)
    try:
        unit = Unit(
            numeroDeIdentificacaoDaEstrutura=str(ids()),
            nome=spec.nome,
            sigla=spec.sigla,
            aptoParaReceberTramites=spec.aptoParaReceberTramites,
            hierarquia=build_hierarchy(parent),
            repository_id=parent.repository_id,
            parent_id=parent.id,
            ente=ibge,
            robot=spec.robot,
        )
    except ValueError as exc:
        raise Invalid.from_validation(exc) from None
    structures.add_unit(tx, unit)
    return structures.full(unit)


@router.patch(
    "/estruturas/{unit_id}", summary="Altera nome, situação, recebimento ou o comportamento de robô"
)
async def change_unit(
    unit_id: str, changes: UnitChanges, who: Caller = CallerDep, tx: Transaction = TxDep
) -> dict:
    row, unit = await structures.get_unit(tx, unit_id)
    who.require_ente(unit.ente)
    update = changes.model_dump(exclude_unset=True)
    unit = Unit.model_validate(unit.model_dump() | update)
    row.doc = unit.model_dump(mode="json")
    structures.emit_unit(tx, unit, created=False)
    return structures.full(unit)
