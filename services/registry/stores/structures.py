"""Org structures for Tramita: the repositories and units the tramita service serves, owned by entes."""

from __future__ import annotations

from sqlalchemy import select

from sandbox_kernel.app import Transaction
from sandbox_kernel.events.models.registry import UnitChanged

from ..domain.errors import Invalid, NotFound
from ..domain.orgs import Unit, default_repositories, default_units_for_ente, repository_id_for_ente
from ..storage import CounterRow, EnteRow, RepositoryRow, UnitRow

FIRST_UNIT_ID = 100_001  # real ids are six-digit numbers ("159098")
MAX_ID = 2**31 - 1  # INTEGER columns: a bigger id cannot exist, and PostgreSQL would refuse to look it up


def stored_id(text: str | int) -> int | None:
    """The integer key of an id the caller sent, or None when no row can have it (so: not found)."""
    text = str(text).strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ID else None


def brief(unit: Unit) -> dict:
    return {
        "numeroDeIdentificacaoDaEstrutura": unit.id,
        "nome": unit.nome,
        "sigla": unit.sigla,
        "repositorio": unit.repository_id,
        "robot": unit.robot.model_dump(mode="json", exclude_none=True) if unit.robot else None,
    }


def full(unit: Unit) -> dict:
    """REST fields plus the sandbox ones (repository, parent, ente, robot) that the tramita service needs."""
    return unit.model_dump(mode="json")


def _unit(row: UnitRow) -> Unit:
    return Unit.model_validate(row.doc)


async def ensure_repositories(tx: Transaction) -> None:
    have = set((await tx.session.scalars(select(RepositoryRow.id))).all())
    for repo in default_repositories():
        if repo.id not in have:
            tx.session.add(RepositoryRow(id=repo.id, nome=repo.nome, ativo=repo.ativo))
    await tx.session.flush()


async def repositories(tx: Transaction) -> list[RepositoryRow]:
    await ensure_repositories(tx)
    return list((await tx.session.scalars(select(RepositoryRow).order_by(RepositoryRow.id))).all())


async def get_repository(tx: Transaction, repository_id: int) -> RepositoryRow:
    key = stored_id(repository_id)
    row = await tx.session.get(RepositoryRow, key) if key is not None else None
    if row is None:
        raise NotFound(f"Repositório de estruturas {repository_id} não encontrado.")
    return row


class UnitIds:
    """Unit ids from a stored counter, handed out synchronously to the pure domain builders."""

    def __init__(self, counter: CounterRow) -> None:
        self.counter = counter

    def __call__(self) -> int:
        self.counter.value += 1
        return self.counter.value


async def unit_ids(tx: Transaction) -> UnitIds:
    query = select(CounterRow).where(CounterRow.name == "unit_id").with_for_update()
    counter = (await tx.session.scalars(query)).first()
    if counter is None:
        counter = CounterRow(name="unit_id", value=FIRST_UNIT_ID - 1)
        tx.session.add(counter)
    return UnitIds(counter)


async def units_in_repository(tx: Transaction, repository_id: int) -> list[Unit]:
    rows = await tx.session.scalars(select(UnitRow).where(UnitRow.repository_id == repository_id))
    return [_unit(r) for r in rows]


async def units_of_ente(tx: Transaction, ibge: str) -> list[Unit]:
    rows = await tx.session.scalars(select(UnitRow).where(UnitRow.ente == ibge).order_by(UnitRow.id))
    return [_unit(r) for r in rows]


async def get_unit(tx: Transaction, unit_id: str) -> tuple[UnitRow, Unit]:
    key = stored_id(unit_id)
    row = await tx.session.get(UnitRow, key) if key is not None else None
    if row is None:
        raise NotFound(f"Estrutura organizacional {unit_id} não encontrada.")
    return row, _unit(row)


def add_unit(tx: Transaction, unit: Unit, created: bool = True) -> UnitRow:
    row = UnitRow(
        id=int(unit.id),
        repository_id=unit.repository_id,
        ente=unit.ente,
        parent_id=int(unit.parent_id) if unit.parent_id else None,
        sigla=unit.sigla,
        doc=unit.model_dump(mode="json"),
    )
    tx.session.add(row)
    emit_unit(tx, unit, created)
    return row


def emit_unit(tx: Transaction, unit: Unit, created: bool) -> None:
    tx.emit(
        UnitChanged(
            numeroDeIdentificacaoDaEstrutura=unit.id,
            nome=unit.nome,
            sigla=unit.sigla,
            repositorio=unit.repository_id,
            robot=unit.robot.kind.value if unit.robot else None,
            created=created,
        ),
        key=unit.id,
        subject=f"estrutura/{unit.id}",
        ente=unit.ente,
    )


async def create_default_units(tx: Transaction, ente: EnteRow) -> list[Unit]:
    await ensure_repositories(tx)
    repository_id = repository_id_for_ente(ente.ibge, ente.tipo)
    # Only the roots and the siglas matter here; parsing every unit of a big repository would not.
    in_repo = UnitRow.repository_id == repository_id
    roots = await tx.session.scalars(select(UnitRow).where(in_repo, UnitRow.parent_id.is_(None)))
    taken = set((await tx.session.scalars(select(UnitRow.sigla).where(in_repo))).all())
    ids = await unit_ids(tx)
    units = default_units_for_ente(
        ente.ibge, ente.nome, ente.tipo, ids, existing=[_unit(r) for r in roots], taken_siglas=taken
    )
    for unit in units:
        add_unit(tx, unit)
    await tx.session.flush()
    return units


async def require_units_of(tx: Transaction, ibge: str, unit_ids_: list[str]) -> None:
    own = {u.id for u in await units_of_ente(tx, ibge)}
    foreign = [u for u in unit_ids_ if u not in own]
    if foreign:
        raise Invalid("unidades", f"unidades que não são deste ente: {', '.join(foreign)}")
