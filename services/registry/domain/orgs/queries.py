"""Reading units: find one, search with the real API's filters, list children."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .building import fold
from .model import DIGITS, InvalidOrgRequest, Unit, UnitNotInRepository


def _norm_id(unit_id: int | str) -> str:
    text = str(unit_id).strip()
    if not DIGITS.match(text):
        raise InvalidOrgRequest(f"numeroDeIdentificacaoDaEstrutura deve conter só dígitos: {unit_id!r}")
    return str(int(text))  # "0159098" and 159098 name the same unit


def _sort_key(unit: Unit) -> tuple[str, int]:
    # Name order (SEI sorts by name too), id as tie-break so that paging is stable.
    return fold(unit.nome), int(unit.id)


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
    return not needle or fold(needle) in fold(haystack)


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
    if raiz is not None and DIGITS.match(str(raiz).strip()):
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
