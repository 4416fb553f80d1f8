"""Building units: new units, hierarchies, acronyms and the default units of a new ente."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from ..ibge import UF, UF_BY_CODE, InvalidIbgeCode, uf_of, valid_estado_code, valid_municipio_code
from .model import (
    FEDERAL_EXECUTIVE_REPOSITORY_ID,
    MUNICIPAL_SIGLA_MAX,
    EnteKind,
    HierarchyLevel,
    InvalidOrgRequest,
    RobotBehaviour,
    RobotKind,
    Unit,
    parse_ente_kind,
)
from .repositories import state_repository_id


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


def fold(text: str) -> str:
    """Accent- and case-insensitive form used for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _significant_words(nome: str) -> list[str]:
    words = [w for w in re.split(r"[^A-Z0-9]+", fold(nome).upper()) if w]
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
    ente_kind = parse_ente_kind(kind)
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
