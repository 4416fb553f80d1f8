"""Structure repositories and organisational structures (reference tramita-govbr.md §5).

Repositories
    ``1`` Poder Executivo Federal (SIORG) and ``21`` Poder Legislativo Federal keep their real ids.
    Each UF gets one repository named "Estado - <Nome do Estado>" (PEN's rule), with the stable id
    ``100 + código IBGE da UF`` (São Paulo → 135, Acre → 112) so that ids never depend on creation order.
    The Distrito Federal repository is named just "Distrito Federal", as the current PEN manual prescribes.

Units
    ``Unit`` carries the REST fields exactly as ``GET …/estruturas-organizacionais`` returns them, plus
    sandbox-only fields (repository, parent, ente, robot behaviour) that ``Unit.as_rest()`` leaves out.

    ``hierarquia`` is ordered **parent first** (index 0 = immediate parent, last = repository root) and
    never contains the unit itself. The real order is unconfirmed; parent first is what both known
    clients read naturally: SUAP shows ``nome - h[0].sigla / h[1].sigla / …`` and SEI shows
    ``sigla / hierarquia[…].sigla`` dropping the last levels (the generic top of the tree).

    A state repository has four first-level nodes (PEE<UF>, PLE<UF>, PEM<UF>, PLM<UF>); each município
    is a "Prefeitura Municipal de <Nome>" under PEM<UF> with an acronym of at most 5 characters, and the
    estado is "Governo do Estado do/da/de <Nome>" under PEE<UF>. Every ente also gets robot counterpart
    units (accept / refuse / send / silent) that the tramita mock drives.

Modules: ``model`` (vocabulary, errors, models), ``repositories``, ``building`` (new units and the
default units of an ente), ``queries`` (find, search, children). Import from here.
"""

from __future__ import annotations

from .building import (
    build_hierarchy,
    default_units_for_ente,
    fold,
    municipal_sigla,
    new_unit,
    state_root_units,
    unique_sigla,
)
from .model import (
    DIGITS,
    FEDERAL_EXECUTIVE_REPOSITORY_ID,
    FEDERAL_LEGISLATIVE_REPOSITORY_ID,
    MOTIVOS_RECUSA,
    MUNICIPAL_SIGLA_MAX,
    STATE_REPOSITORY_ID_OFFSET,
    EnteKind,
    HierarchyLevel,
    InvalidOrgRequest,
    OrgError,
    Repository,
    RobotBehaviour,
    RobotKind,
    Unit,
    UnitNotInRepository,
    parse_ente_kind,
)
from .queries import children_of, find_unit, search_units
from .repositories import (
    default_repositories,
    repository_id_for_ente,
    state_repository_id,
    state_repository_name,
)

__all__ = [
    "DIGITS",
    "EnteKind",
    "FEDERAL_EXECUTIVE_REPOSITORY_ID",
    "FEDERAL_LEGISLATIVE_REPOSITORY_ID",
    "HierarchyLevel",
    "InvalidOrgRequest",
    "MOTIVOS_RECUSA",
    "MUNICIPAL_SIGLA_MAX",
    "OrgError",
    "Repository",
    "RobotBehaviour",
    "RobotKind",
    "STATE_REPOSITORY_ID_OFFSET",
    "Unit",
    "UnitNotInRepository",
    "build_hierarchy",
    "children_of",
    "default_repositories",
    "default_units_for_ente",
    "find_unit",
    "fold",
    "municipal_sigla",
    "new_unit",
    "parse_ente_kind",
    "repository_id_for_ente",
    "search_units",
    "state_repository_id",
    "state_repository_name",
    "state_root_units",
    "unique_sigla",
]
