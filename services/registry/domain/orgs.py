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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sandbox_kernel.tramita_shapes import REST_UNIT_FIELDS

from .ibge import UF, UF_BY_CODE, UFS, InvalidIbgeCode, uf_of, valid_estado_code, valid_municipio_code

FEDERAL_EXECUTIVE_REPOSITORY_ID = 1
FEDERAL_LEGISLATIVE_REPOSITORY_ID = 21
STATE_REPOSITORY_ID_OFFSET = 100


# Refusal motives (reference §3.3).
MOTIVOS_RECUSA: dict[str, str] = {
    "01": "Formato de componente digital não suportado",
    "02": "Componente digital corrompido",
    "03": "Falta de componentes digitais",
    "04": "Espécie documental não mapeada no destinatário",
    "99": "Outro",
}

MUNICIPAL_SIGLA_MAX = 5  # PEN: "não passar de 5 dígitos" for prefeituras and câmaras
_DIGITS = re.compile(r"^[0-9]+$")


# ---------------------------------------------------------------------------------------------- errors


class OrgError(ValueError):
    """Domain error carrying the Tramita ``codigoErro`` the HTTP layer should answer with (§2.15)."""

    codigo_erro = "0001"

    def __init__(self, mensagem: str) -> None:
        super().__init__(mensagem)
        self.mensagem = mensagem


class InvalidOrgRequest(OrgError):
    """Bad filter or argument: field-validation error 0001."""


class UnitNotInRepository(OrgError):
    """The unit does not exist in the given repository: 0055 (reference §5, lookup)."""

    codigo_erro = "0055"


# ---------------------------------------------------------------------------------------------- models


class EnteKind(StrEnum):
    MUNICIPIO = "municipio"
    ESTADO = "estado"
    UNIAO = "uniao"


class RobotKind(StrEnum):
    ACCEPT = "accept"  # downloads everything and sends the recibo de conclusão
    REFUSE = "refuse"  # refuses with ``motivo`` / ``justificativa``
    SILENT = "silent"  # never acts: the trâmite stays pending (tests timeouts and pendências)
    SEND = "send"  # periodically sends sample processes to ``target_unit_id``


class Repository(BaseModel):
    """A structure repository, exactly as ``GET repositorios-de-estruturas`` lists it."""

    model_config = ConfigDict(extra="forbid")

    id: int = Field(..., ge=1)
    nome: str = Field(..., min_length=1)
    ativo: bool = True

    def as_rest(self) -> dict[str, Any]:
        return self.model_dump()


class HierarchyLevel(BaseModel):
    """One entry of ``hierarquia``."""

    model_config = ConfigDict(extra="forbid")

    numeroDeIdentificacaoDaEstrutura: str
    nome: str
    sigla: str


class RobotBehaviour(BaseModel):
    """What the tramita mock does when a robot unit is involved in a trâmite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RobotKind
    motivo: str | None = Field(None, description="Motivo de recusa (§3.3), só para kind=refuse.")
    justificativa: str | None = Field(None, description="Texto da recusa, só para kind=refuse.")
    target_repository_id: int | None = Field(None, description="Repositório do destino, só para kind=send.")
    target_unit_id: str | None = Field(None, description="Estrutura de destino, só para kind=send.")

    @model_validator(mode="after")
    def _consistent(self) -> RobotBehaviour:
        refusal = (self.motivo, self.justificativa)
        target = (self.target_repository_id, self.target_unit_id)
        if self.kind is RobotKind.REFUSE:
            if self.motivo not in MOTIVOS_RECUSA:
                raise ValueError(
                    f"motivo de recusa inválido: {self.motivo!r} (válidos: {', '.join(MOTIVOS_RECUSA)})"
                )
            if not (self.justificativa or "").strip():
                raise ValueError("um robô que recusa precisa de uma justificativa")
        elif any(value is not None for value in refusal):
            raise ValueError("motivo e justificativa só se aplicam a robôs que recusam")
        if self.kind is RobotKind.SEND:
            if any(value is None for value in target):
                raise ValueError("um robô que envia precisa de target_repository_id e target_unit_id")
            if not _DIGITS.match(self.target_unit_id or ""):
                raise ValueError(f"target_unit_id deve conter só dígitos: {self.target_unit_id!r}")
        elif any(value is not None for value in target):
            raise ValueError("target_repository_id e target_unit_id só se aplicam a robôs que enviam")
        return self


def _digits_id(value: object) -> object:
    # Ids come from integer sequences; the REST shape wants them as strings of digits.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Unit(BaseModel):
    """An organisational structure: REST fields (camelCase, §5) first, sandbox-only fields after."""

    model_config = ConfigDict(extra="forbid")

    # REST shape (§5). Do not rename: `as_rest()` emits these keys as they are.
    numeroDeIdentificacaoDaEstrutura: str = Field(..., pattern=r"^[0-9]+$")
    nome: str = Field(..., min_length=1)
    sigla: str = Field(..., min_length=1)
    ativo: bool = True
    unidadeReceptora: bool = False
    aptoParaReceberTramites: bool = True
    codigoNoOrgaoEntidade: str = ""
    codigoUnidadeReceptora: str = ""
    tipoDeTramitacao: int = 0  # meaning of the values is unconfirmed; the real sample shows 0
    hierarquia: list[HierarchyLevel] = Field(default_factory=list)

    # Sandbox only: never part of the REST body.
    repository_id: int = Field(..., ge=1)
    parent_id: str | None = Field(None, pattern=r"^[0-9]+$")
    ente: str | None = Field(
        None, description="Código IBGE do ente dono da unidade (None: nós do próprio repositório)."
    )
    permite_envio: bool = Field(True, description="Filtro permiteEnvio: a unidade pode enviar trâmites.")
    robot: RobotBehaviour | None = None

    @field_validator("numeroDeIdentificacaoDaEstrutura", "parent_id", mode="before")
    @classmethod
    def _ids_as_strings(cls, value: object) -> object:
        return _digits_id(value)

    @property
    def id(self) -> str:
        return self.numeroDeIdentificacaoDaEstrutura

    def as_rest(self) -> dict[str, Any]:
        """The unit exactly as the real API returns it."""
        return self.model_dump(include=set(REST_UNIT_FIELDS))

    def as_level(self) -> HierarchyLevel:
        return HierarchyLevel(numeroDeIdentificacaoDaEstrutura=self.id, nome=self.nome, sigla=self.sigla)


# ---------------------------------------------------------------------------------------------- repositories


def state_repository_id(uf: UF) -> int:
    return STATE_REPOSITORY_ID_OFFSET + uf.code


def state_repository_name(uf: UF) -> str:
    return uf.nome if uf.sigla == "DF" else f"Estado - {uf.nome}"


def repository_id_for_ente(ibge: str, kind: str) -> int:
    """The repository where an ente's units live."""
    if _kind(kind) is EnteKind.UNIAO:
        return FEDERAL_EXECUTIVE_REPOSITORY_ID
    return state_repository_id(uf_of(ibge))


def default_repositories() -> list[Repository]:
    federal = [
        Repository(id=FEDERAL_EXECUTIVE_REPOSITORY_ID, nome="Poder Executivo Federal"),
        Repository(id=FEDERAL_LEGISLATIVE_REPOSITORY_ID, nome="Poder Legislativo Federal"),
    ]
    states = [Repository(id=state_repository_id(uf), nome=state_repository_name(uf)) for uf in UFS]
    return federal + states


# ---------------------------------------------------------------------------------------------- building units


def new_unit(
    next_id: Callable[[], int],
    *,
    repository_id: int,
    nome: str,
    sigla: str,
    parent: Unit | None = None,
    ente: str | None = None,
    apto_para_receber: bool = True,
    permite_envio: bool = True,
    robot: RobotBehaviour | None = None,
) -> Unit:
    """A unit with a fresh id; ``parent`` fills ``parent_id`` and ``hierarquia`` (parent first)."""
    if parent is not None and parent.repository_id != repository_id:
        raise InvalidOrgRequest(
            "a unidade e a unidade superior precisam estar no mesmo repositório de estruturas"
        )
    return Unit(
        numeroDeIdentificacaoDaEstrutura=next_id(),
        nome=nome,
        sigla=sigla,
        aptoParaReceberTramites=apto_para_receber,
        hierarquia=build_hierarchy(parent),
        repository_id=repository_id,
        parent_id=parent.id if parent else None,
        ente=ente,
        permite_envio=permite_envio,
        robot=robot,
    )


def build_hierarchy(parent: Unit | None) -> list[HierarchyLevel]:
    """``hierarquia`` of a child of ``parent``: the parent, then the parent's own ancestors."""
    return [] if parent is None else [parent.as_level(), *parent.hierarquia]


# First-level nodes of a state repository: (sigla prefix, name prefix) — PEN manual, ESTADOS_MUNICIPIOS.
_STATE_ROOTS = (
    ("PEE", "Poder Executivo Estadual"),
    ("PLE", "Poder Legislativo Estadual"),
    ("PEM", "Poderes Executivos Municipais"),
    ("PLM", "Poderes Legislativos Municipais"),
)


def _state_root(uf: UF, prefix: str, nome: str, next_id: Callable[[], int]) -> Unit:
    # Grouping node: it neither receives nor sends trâmites.
    return new_unit(
        next_id,
        repository_id=state_repository_id(uf),
        nome=f"{nome} {uf.nome_com_preposicao}",
        sigla=f"{prefix}{uf.sigla}",
        apto_para_receber=False,
        permite_envio=False,
    )


def state_root_units(uf: UF, next_id: Callable[[], int]) -> list[Unit]:
    """The four first-level nodes of a state repository (PEE, PLE, PEM, PLM + UF), created once per repository."""
    return [_state_root(uf, prefix, nome, next_id) for prefix, nome in _STATE_ROOTS]


_STOPWORDS = frozenset({"D", "DA", "DAS", "DE", "DI", "DO", "DOS", "E"})


def _fold(text: str) -> str:
    """Accent- and case-insensitive form used for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _significant_words(nome: str) -> list[str]:
    words = [w for w in re.split(r"[^A-Z0-9]+", _fold(nome).upper()) if w]
    significant = [w for w in words if w not in _STOPWORDS]
    return significant or words


def _sigla_candidates(words: list[str], prefix: str, max_len: int) -> list[str]:
    initials = "".join(w[0] for w in words)
    stems = [
        initials,
        words[0][:2] + "".join(w[0] for w in words[1:]),  # São Pedro → SAP when SP is taken
        "".join(words)[:3],
        words[0][:3],
    ]
    base = (prefix + initials)[:max_len]
    # Numbered fallbacks keep the result within max_len even when every letter variant is taken.
    numbered = [f"{base[: max_len - len(str(n))]}{n}" for n in range(2, 100)]
    seen: dict[str, None] = {}
    for candidate in [(prefix + stem)[:max_len] for stem in stems] + numbered:
        seen.setdefault(candidate, None)
    return list(seen)


def unique_sigla(nome: str, taken: Iterable[str], *, prefix: str = "", max_len: int = 10) -> str:
    """A deterministic acronym of ``nome`` (initials of its significant words) not in ``taken``."""
    words = _significant_words(nome)
    if not words:
        raise InvalidOrgRequest(
            f"não é possível derivar uma sigla de {nome!r}: o nome não tem letras nem dígitos"
        )
    used = {s.upper() for s in taken}
    for candidate in _sigla_candidates(words, prefix, max_len):
        if candidate not in used:
            return candidate
    raise InvalidOrgRequest(f"todas as siglas derivadas de {nome!r} já estão em uso")


def municipal_sigla(nome: str, taken: set[str]) -> str:
    """Acronym of a prefeitura: "PM" + initials, at most 5 characters (São Paulo → PMSP)."""
    return unique_sigla(nome, taken, prefix="PM", max_len=MUNICIPAL_SIGLA_MAX)


def _kind(kind: str) -> EnteKind:
    try:
        return EnteKind(kind)
    except ValueError:
        valid = ", ".join(k.value for k in EnteKind)
        raise InvalidOrgRequest(f"tipo de ente desconhecido: {kind!r} (válidos: {valid})") from None


def _root(units: Sequence[Unit], repository_id: int, sigla: str) -> Unit | None:
    return next(
        (u for u in units if u.repository_id == repository_id and u.parent_id is None and u.sigla == sigla),
        None,
    )


def _state_roots(
    uf: UF, existing: Sequence[Unit], next_id: Callable[[], int]
) -> tuple[list[Unit], list[Unit]]:
    """(PEE, PLE, PEM, PLM to use, those newly created): reuse the repository's nodes when present."""
    repository_id = state_repository_id(uf)
    roots: list[Unit] = []
    created: list[Unit] = []
    for prefix, nome in _STATE_ROOTS:
        root = _root(existing, repository_id, f"{prefix}{uf.sigla}")
        if root is None:
            root = _state_root(uf, prefix, nome, next_id)
            created.append(root)
        roots.append(root)
    return roots, created


def _robots(
    next_id: Callable[[], int],
    *,
    parent: Unit | None,
    repository_id: int,
    ente: str,
    label: str,
    target: Unit,
) -> list[Unit]:
    """Counterpart units the tramita mock drives; the send robot targets the ente's protocol unit."""
    behaviours = (
        ("Robô Aceita", "RBACE", RobotBehaviour(kind=RobotKind.ACCEPT)),
        (
            "Robô Recusa",
            "RBREC",
            RobotBehaviour(
                kind=RobotKind.REFUSE,
                motivo="99",
                justificativa="Recusa automática do robô do sandbox, para testar o fluxo de recusa.",
            ),
        ),
        (
            "Robô Envia",
            "RBENV",
            RobotBehaviour(
                kind=RobotKind.SEND, target_repository_id=target.repository_id, target_unit_id=target.id
            ),
        ),
        ("Robô Silencioso", "RBSIL", RobotBehaviour(kind=RobotKind.SILENT)),
    )
    return [
        new_unit(
            next_id,
            repository_id=repository_id,
            nome=f"{nome} - {label}",
            sigla=sigla,
            parent=parent,
            ente=ente,
            # Only the send robot originates trâmites; it does not take any in.
            apto_para_receber=behaviour.kind is not RobotKind.SEND,
            permite_envio=behaviour.kind is RobotKind.SEND,
            robot=behaviour,
        )
        for nome, sigla, behaviour in behaviours
    ]


def _organisation(
    next_id: Callable[[], int],
    *,
    head: tuple[str, str],
    parts: Sequence[tuple[str, str]],
    parent: Unit | None,
    repository_id: int,
    ente: str,
) -> tuple[list[Unit], Unit]:
    """An organisation unit plus its sub-units; returns (units, protocol unit = last part)."""
    org = new_unit(
        next_id, repository_id=repository_id, nome=head[0], sigla=head[1], parent=parent, ente=ente
    )
    children = [
        new_unit(next_id, repository_id=repository_id, nome=nome, sigla=sigla, parent=org, ente=ente)
        for nome, sigla in parts
    ]
    return [org, *children], children[-1]


_MUNICIPAL_PARTS = (
    ("Gabinete do Prefeito", "GAB"),
    ("Secretaria Municipal de Administração", "SEMAD"),
    ("Secretaria Municipal de Saúde", "SMS"),
    ("Protocolo Geral", "PROT"),
)
_STATE_PARTS = (
    ("Secretaria de Estado da Fazenda", "SEFAZ"),
    ("Secretaria de Estado da Saúde", "SES"),
    ("Secretaria de Estado da Administração", "SEAD"),
    ("Protocolo Geral", "PROT"),
)
_FEDERAL_PARTS = (
    ("Gabinete", "GAB"),
    ("Secretaria-Executiva", "SE"),
    ("Protocolo Central", "PROT"),
)


def _governo_name(uf: UF) -> str:
    return (
        "Governo do Distrito Federal" if uf.sigla == "DF" else f"Governo do Estado {uf.nome_com_preposicao}"
    )


def default_units_for_ente(
    ibge: str,
    nome: str,
    kind: str,
    next_id: Callable[[], int],
    *,
    existing: Iterable[Unit] = (),
    taken_siglas: set[str] | None = None,
) -> list[Unit]:
    """The default units of a new ente, parents before children (insert them in order).

    ``existing`` are units already stored: the state repository's first-level nodes are reused when
    present (otherwise created and returned too) and the prefeitura acronym avoids the siglas in use.
    A caller with many units may pass just the roots in ``existing`` and the siglas in ``taken_siglas``.

    - município (7-digit code): "Prefeitura Municipal de <nome>" under PEM<UF> with sub-units;
    - estado (2-digit UF code): "Governo do Estado do/da/de <UF>" under PEE<UF> with secretarias;
    - união (code not validated: it is not an IBGE UF/município code): an organisation named ``nome``
      at the root of repository 1.
    Robots (accept, refuse, send, silent) go under PEE<UF>, or at the root of repository 1 for the união.
    """
    ente_kind = _kind(kind)
    if not nome.strip():
        raise InvalidOrgRequest("o nome do ente é obrigatório")
    existing = list(existing)
    if ente_kind is EnteKind.UNIAO:
        return _federal_units(ibge, nome, next_id, existing)
    _check_ente_code(ibge, ente_kind)
    uf = uf_of(ibge)
    repository_id = state_repository_id(uf)
    roots, created = _state_roots(uf, existing, next_id)
    pee, _ple, pem, _plm = roots
    if ente_kind is EnteKind.MUNICIPIO:
        taken = (
            taken_siglas
            if taken_siglas is not None
            else {u.sigla for u in existing if u.repository_id == repository_id}
        )
        head = (f"Prefeitura Municipal de {nome}", municipal_sigla(nome, taken))
        org_parent, parts = pem, _MUNICIPAL_PARTS
    else:
        head, org_parent, parts = (_governo_name(uf), f"GOV{uf.sigla}"), pee, _STATE_PARTS
    org_units, protocol = _organisation(
        next_id, head=head, parts=parts, parent=org_parent, repository_id=repository_id, ente=ibge
    )
    robots = _robots(next_id, parent=pee, repository_id=repository_id, ente=ibge, label=nome, target=protocol)
    return [*created, *org_units, *robots]


def _check_ente_code(ibge: str, kind: EnteKind) -> None:
    if kind is EnteKind.MUNICIPIO and not valid_municipio_code(ibge):
        raise InvalidIbgeCode(
            f"código IBGE de município inválido: {ibge!r} (7 dígitos com dígito verificador)"
        )
    if kind is EnteKind.ESTADO and not valid_estado_code(ibge):
        codes = ", ".join(f"{c:02d}" for c in UF_BY_CODE)
        raise InvalidIbgeCode(f"código IBGE de estado inválido: {ibge!r} (válidos: {codes})")


def _federal_units(ibge: str, nome: str, next_id: Callable[[], int], existing: list[Unit]) -> list[Unit]:
    if not ibge.strip():
        raise InvalidOrgRequest("o código do ente é obrigatório")
    repository_id = FEDERAL_EXECUTIVE_REPOSITORY_ID
    taken = {u.sigla for u in existing if u.repository_id == repository_id}
    head = (nome, unique_sigla(nome, taken))
    org_units, protocol = _organisation(
        next_id, head=head, parts=_FEDERAL_PARTS, parent=None, repository_id=repository_id, ente=ibge
    )
    robots = _robots(
        next_id, parent=None, repository_id=repository_id, ente=ibge, label=nome, target=protocol
    )
    return [*org_units, *robots]


# ---------------------------------------------------------------------------------------------- queries


def _norm_id(unit_id: int | str) -> str:
    text = str(unit_id).strip()
    if not _DIGITS.match(text):
        raise InvalidOrgRequest(f"numeroDeIdentificacaoDaEstrutura deve conter só dígitos: {unit_id!r}")
    return str(int(text))  # "0159098" and 159098 name the same unit


def _sort_key(unit: Unit) -> tuple[str, int]:
    # Name order (SEI sorts by name too), id as tie-break so that paging is stable.
    return _fold(unit.nome), int(unit.id)


def find_unit(units: Iterable[Unit], repository_id: int, unit_id: int | str) -> Unit:
    """The unit ``unit_id`` of repository ``repository_id``; 0055 when it is not there."""
    wanted = _norm_id(unit_id)
    for unit in units:
        if unit.repository_id == repository_id and _norm_id(unit.id) == wanted:
            return unit
    raise UnitNotInRepository(
        f"A estrutura organizacional {wanted} não está vinculada ao repositório de estruturas {repository_id}."
    )


def _descendant_ids(units: Sequence[Unit], root_id: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for unit in units:
        if unit.parent_id is not None:
            children.setdefault(_norm_id(unit.parent_id), []).append(_norm_id(unit.id))
    found: set[str] = set()
    pending = list(children.get(root_id, []))
    while pending:
        current = pending.pop()
        if current not in found:  # guards against a parent cycle in stored data
            found.add(current)
            pending.extend(children.get(current, []))
    return found


def _contains(haystack: str, needle: str | None) -> bool:
    return not needle or _fold(needle) in _fold(haystack)


def search_units(
    units: Iterable[Unit],
    *,
    repository_id: int,
    apenas_ativas: bool | None = None,
    sigla: str | None = None,
    nome: str | None = None,
    permite_recebimento: bool | None = None,
    permite_envio: bool | None = None,
    raiz: int | str | None = None,
    registro_inicial: int = 0,
    quantidade: int | None = None,
) -> tuple[list[Unit], int]:
    """``GET repositorios-de-estruturas/{idRep}/estruturas-organizacionais``: (page, totalDeRegistros).

    The boolean filters restrict only when true, as clients send them (SEI passes ``permiteRecebimento``
    and ``permiteEnvio`` only when set, ``apenasAtivas`` always true). ``nome``/``sigla`` are accent- and
    case-insensitive substrings. ``raiz`` keeps the descendants of that unit (not the unit itself); an
    empty or non-numeric ``raiz`` is ignored because SEI's ``listarEstruturas`` can send the search text
    there. Results are ordered by name, then id; ``totalDeRegistros`` counts them before paging.
    """
    if registro_inicial < 0:
        raise InvalidOrgRequest(f"registroInicial não pode ser negativo: {registro_inicial}")
    if quantidade is not None and quantidade < 0:
        raise InvalidOrgRequest(f"quantidadeDeRegistros não pode ser negativo: {quantidade}")
    pool = [u for u in units if u.repository_id == repository_id]
    selected = pool
    if raiz is not None and _DIGITS.match(str(raiz).strip()):
        root = find_unit(pool, repository_id, raiz)
        below = _descendant_ids(pool, _norm_id(root.id))
        selected = [u for u in selected if _norm_id(u.id) in below]
    selected = [
        u
        for u in selected
        if (not apenas_ativas or u.ativo)
        and (not permite_recebimento or u.aptoParaReceberTramites)
        and (not permite_envio or u.permite_envio)
        and _contains(u.sigla, sigla)
        and _contains(u.nome, nome)
    ]
    selected.sort(key=_sort_key)
    end = None if quantidade is None else registro_inicial + quantidade
    return selected[registro_inicial:end], len(selected)


def children_of(
    units: Iterable[Unit], unit_id: int | str, nome: str | None = None, *, repository_id: int | None = None
) -> list[Unit]:
    """``GET …/estruturas-organizacionais/{id}/filhas?nome=``: direct children, ordered by name.

    Raises 0055 when ``unit_id`` is not among ``units`` (restricted to ``repository_id`` when given).
    """
    pool = [u for u in units if repository_id is None or u.repository_id == repository_id]
    wanted = _norm_id(unit_id)
    if not any(_norm_id(u.id) == wanted for u in pool):
        where = (
            f"ao repositório de estruturas {repository_id}"
            if repository_id is not None
            else "a nenhum repositório"
        )
        raise UnitNotInRepository(f"A estrutura organizacional {wanted} não está vinculada {where}.")
    found = [
        u
        for u in pool
        if u.parent_id is not None and _norm_id(u.parent_id) == wanted and _contains(u.nome, nome)
    ]
    return sorted(found, key=_sort_key)
