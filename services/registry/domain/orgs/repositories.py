"""Structure repositories: two federal ones with their real ids, one per UF with a stable id."""

from __future__ import annotations

from ..ibge import UF, UFS, uf_of
from .model import (
    FEDERAL_EXECUTIVE_REPOSITORY_ID,
    FEDERAL_LEGISLATIVE_REPOSITORY_ID,
    STATE_REPOSITORY_ID_OFFSET,
    EnteKind,
    Repository,
    parse_ente_kind,
)


def state_repository_id(uf: UF) -> int:
    return STATE_REPOSITORY_ID_OFFSET + uf.code


def state_repository_name(uf: UF) -> str:
    return uf.nome if uf.sigla == "DF" else f"Estado - {uf.nome}"


def repository_id_for_ente(ibge: str, kind: str) -> int:
    """The repository where an ente's units live."""
    if parse_ente_kind(kind) is EnteKind.UNIAO:
        return FEDERAL_EXECUTIVE_REPOSITORY_ID
    return state_repository_id(uf_of(ibge))


def default_repositories() -> list[Repository]:
    federal = [
        Repository(id=FEDERAL_EXECUTIVE_REPOSITORY_ID, nome="Poder Executivo Federal"),
        Repository(id=FEDERAL_LEGISLATIVE_REPOSITORY_ID, nome="Poder Legislativo Federal"),
    ]
    states = [Repository(id=state_repository_id(uf), nome=state_repository_name(uf)) for uf in UFS]
    return federal + states
