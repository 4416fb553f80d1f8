"""Org-structure domain of the registry: IBGE codes, repositories, default units, search (reference §5)."""

from __future__ import annotations

from itertools import count

import pytest
from pydantic import ValidationError

from registry.domain.ibge import (
    CHECK_DIGIT_EXCEPTIONS,
    UF_BY_SIGLA,
    UFS,
    InvalidIbgeCode,
    municipio_check_digit,
    municipio_code,
    uf_of,
    valid_estado_code,
    valid_municipio_code,
)
from registry.domain.orgs import (
    MUNICIPAL_SIGLA_MAX,
    InvalidOrgRequest,
    RobotBehaviour,
    RobotKind,
    Unit,
    UnitNotInRepository,
    children_of,
    default_repositories,
    default_units_for_ente,
    find_unit,
    municipal_sigla,
    search_units,
    state_root_units,
)

REST_KEYS = [
    "numeroDeIdentificacaoDaEstrutura",
    "nome",
    "sigla",
    "ativo",
    "unidadeReceptora",
    "aptoParaReceberTramites",
    "codigoNoOrgaoEntidade",
    "codigoUnidadeReceptora",
    "tipoDeTramitacao",
    "hierarquia",
]
SP_REPOSITORY = 135


def ids(start: int = 1000):
    counter = count(start)
    return lambda: next(counter)


def by_sigla(units: list[Unit], sigla: str) -> Unit:
    (unit,) = [u for u in units if u.sigla == sigla]
    return unit


@pytest.fixture
def sao_paulo() -> list[Unit]:
    return default_units_for_ente("3550308", "São Paulo", "municipio", ids())


# ------------------------------------------------------------------------------------------- IBGE


@pytest.mark.parametrize("code", ["3550308", "3304557", "5300108", "1100015"])
def test_real_municipio_codes_are_valid(code):
    assert valid_municipio_code(code)


@pytest.mark.parametrize(
    "code", ["3550307", "3304550", "355030", "35503080", "35503O8", " 3550308", "３５５０３０８", ""]
)
def test_wrong_check_digit_or_shape_is_invalid(code):
    assert not valid_municipio_code(code)


@pytest.mark.parametrize("code", sorted(CHECK_DIGIT_EXCEPTIONS))
def test_known_exceptions_are_valid_although_their_digit_does_not_conform(code):
    assert municipio_check_digit(code[:6]) != int(code[6])
    assert valid_municipio_code(code)


def test_required_exceptions_are_listed():
    required = {
        "2201919",
        "2202251",
        "2201988",
        "2611533",
        "3117836",
        "3152131",
        "4305871",
        "5203939",
        "5203962",
    }
    assert required <= CHECK_DIGIT_EXCEPTIONS


def test_check_digit_of_sao_paulo():
    assert municipio_check_digit("355030") == 8


@pytest.mark.parametrize("prefix", ["20", "34", "99", "00"])
def test_code_with_correct_digit_but_unknown_uf_is_invalid(prefix):
    first6 = f"{prefix}5030"
    assert not valid_municipio_code(f"{first6}{municipio_check_digit(first6)}")


def test_exception_digits_do_not_make_neighbours_valid():
    assert not valid_municipio_code("2201918")


def test_ufs_table():
    assert len(UFS) == 27
    assert len({uf.code for uf in UFS}) == 27
    assert len({uf.sigla for uf in UFS}) == 27
    sp = UF_BY_SIGLA["SP"]
    assert (sp.code, sp.nome, sp.ibge) == (35, "São Paulo", "35")
    assert UF_BY_SIGLA["RJ"].nome_com_preposicao == "do Rio de Janeiro"


def test_uf_of_municipio_and_estado_codes():
    assert uf_of("3550308").sigla == "SP"
    assert uf_of("3304557").sigla == "RJ"
    assert uf_of("29").sigla == "BA"
    with pytest.raises(InvalidIbgeCode):
        uf_of("3550307")
    with pytest.raises(InvalidIbgeCode):
        uf_of("20")


@pytest.mark.parametrize(
    ("code", "valid"),
    [("35", True), ("53", True), ("11", True), ("20", False), ("5", False), ("035", False), ("SP", False)],
)
def test_estado_codes(code, valid):
    assert valid_estado_code(code) is valid


def test_generated_municipio_codes_are_valid_and_in_their_uf():
    for uf in UFS:
        for base in (0, 1, 4321, 9999):
            code = municipio_code(uf.code, base)
            assert len(code) == 7
            assert valid_municipio_code(code)
            assert uf_of(code) == uf
    assert municipio_code(35, 5030) == "3550308"


@pytest.mark.parametrize(("uf_code", "base"), [(20, 1), (35, -1), (35, 10000)])
def test_generating_a_code_rejects_bad_input(uf_code, base):
    with pytest.raises(InvalidIbgeCode):
        municipio_code(uf_code, base)


# ------------------------------------------------------------------------------------------- repositories


def test_default_repositories():
    repositories = default_repositories()
    by_id = {r.id: r for r in repositories}
    assert len(repositories) == 29 == len(by_id)
    assert by_id[1].nome == "Poder Executivo Federal"
    assert by_id[21].nome == "Poder Legislativo Federal"
    assert by_id[SP_REPOSITORY].nome == "Estado - São Paulo"
    assert by_id[112].nome == "Estado - Acre"
    assert by_id[153].nome == "Distrito Federal"
    assert all(r.ativo for r in repositories)
    assert repositories[0].as_rest() == {"id": 1, "nome": "Poder Executivo Federal", "ativo": True}


# ------------------------------------------------------------------------------------------- default units


def test_state_root_units():
    roots = state_root_units(UF_BY_SIGLA["BA"], ids())
    assert [u.sigla for u in roots] == ["PEEBA", "PLEBA", "PEMBA", "PLMBA"]
    assert roots[2].nome == "Poderes Executivos Municipais da Bahia"
    assert all(u.repository_id == 129 and u.parent_id is None and u.hierarquia == [] for u in roots)
    assert not any(u.aptoParaReceberTramites for u in roots)


def test_municipio_units_have_the_exact_rest_shape(sao_paulo):
    for unit in sao_paulo:
        rest = unit.as_rest()
        assert list(rest) == REST_KEYS
        assert rest["numeroDeIdentificacaoDaEstrutura"].isdigit()
        assert rest["tipoDeTramitacao"] == 0
        for level in rest["hierarquia"]:
            assert list(level) == ["numeroDeIdentificacaoDaEstrutura", "nome", "sigla"]
    assert len({u.id for u in sao_paulo}) == len(sao_paulo)


def test_municipio_hierarchy_is_parent_first(sao_paulo):
    pem = by_sigla(sao_paulo, "PEMSP")
    prefeitura = by_sigla(sao_paulo, "PMSP")
    assert prefeitura.nome == "Prefeitura Municipal de São Paulo"
    assert prefeitura.parent_id == pem.id
    assert prefeitura.ente == "3550308"
    assert prefeitura.repository_id == SP_REPOSITORY
    assert [h.sigla for h in prefeitura.hierarquia] == ["PEMSP"]
    for sigla in ("SEMAD", "SMS", "PROT"):
        unit = by_sigla(sao_paulo, sigla)
        assert unit.parent_id == prefeitura.id
        assert [h.numeroDeIdentificacaoDaEstrutura for h in unit.hierarquia] == [prefeitura.id, pem.id]


def test_municipal_siglas_fit_in_five_characters(sao_paulo):
    municipal = [u for u in sao_paulo if u.ente == "3550308" and u.robot is None]
    assert len(municipal) >= 4
    assert all(len(u.sigla) <= MUNICIPAL_SIGLA_MAX for u in municipal)


def test_municipio_robots(sao_paulo):
    pee = by_sigla(sao_paulo, "PEESP")
    robots = {u.robot.kind: u for u in sao_paulo if u.robot}
    assert set(robots) == {RobotKind.ACCEPT, RobotKind.REFUSE, RobotKind.SEND, RobotKind.SILENT}
    for unit in robots.values():
        assert unit.parent_id == pee.id
        assert unit.repository_id == SP_REPOSITORY
        assert unit.ente == "3550308"
        assert "robot" not in unit.as_rest()
    refuse = robots[RobotKind.REFUSE].robot
    assert refuse.motivo == "99" and refuse.justificativa
    send = robots[RobotKind.SEND].robot
    assert (send.target_repository_id, send.target_unit_id) == (SP_REPOSITORY, by_sigla(sao_paulo, "PROT").id)
    assert robots[RobotKind.ACCEPT].aptoParaReceberTramites
    assert not robots[RobotKind.SEND].aptoParaReceberTramites


def test_second_municipio_reuses_the_state_roots_and_gets_a_free_sigla(sao_paulo):
    more = default_units_for_ente("3548906", "São Pedro", "municipio", ids(2000), existing=sao_paulo)
    assert not [u for u in more if u.parent_id is None]  # no new first-level node
    prefeitura = next(u for u in more if u.nome == "Prefeitura Municipal de São Pedro")
    assert prefeitura.parent_id == by_sigla(sao_paulo, "PEMSP").id
    assert prefeitura.sigla != "PMSP" and len(prefeitura.sigla) <= 5


def test_estado_units():
    units = default_units_for_ente("33", "Rio de Janeiro", "estado", ids())
    governo = next(u for u in units if u.nome.startswith("Governo"))
    assert governo.nome == "Governo do Estado do Rio de Janeiro"
    assert governo.repository_id == 133
    assert governo.parent_id == by_sigla(units, "PEERJ").id
    assert [u.sigla for u in units if u.parent_id == governo.id] == ["SEFAZ", "SES", "SEAD", "PROT"]
    assert {u.robot.kind for u in units if u.robot} == set(RobotKind)


def test_uniao_units_live_in_repository_1():
    units = default_units_for_ente("0", "Ministério da Gestão e da Inovação", "uniao", ids())
    assert {u.repository_id for u in units} == {1}
    org = units[0]
    assert (org.sigla, org.parent_id, org.hierarquia) == ("MGI", None, [])
    assert any(u.robot and u.robot.kind is RobotKind.SEND for u in units)


@pytest.mark.parametrize(
    ("ibge", "kind", "error"),
    [
        ("3550307", "municipio", InvalidIbgeCode),
        ("35", "municipio", InvalidIbgeCode),
        ("3550308", "estado", InvalidIbgeCode),
        ("20", "estado", InvalidIbgeCode),
        ("3550308", "prefeitura", InvalidOrgRequest),
    ],
)
def test_bad_ente_is_rejected(ibge, kind, error):
    with pytest.raises(error):
        default_units_for_ente(ibge, "Qualquer", kind, ids())


@pytest.mark.parametrize(
    ("nome", "expected"),
    [
        ("São Paulo", "PMSP"),
        ("Rio de Janeiro", "PMRJ"),
        ("Belo Horizonte", "PMBH"),
        ("São José dos Campos", "PMSJC"),
    ],
)
def test_municipal_sigla(nome, expected):
    assert municipal_sigla(nome, set()) == expected


def test_municipal_sigla_avoids_taken_and_stays_short():
    taken: set[str] = set()
    for _ in range(40):
        sigla = municipal_sigla("Santa Rita do Passa Quatro", taken)
        assert len(sigla) <= 5 and sigla not in taken
        taken.add(sigla)
    assert municipal_sigla("Santa Rita do Passa Quatro", set()) == "PMSRP"
    assert municipal_sigla("São Pedro", {"pmsp"}) != "PMSP"


def test_robot_behaviour_validation():
    with pytest.raises(ValidationError):
        RobotBehaviour(kind=RobotKind.REFUSE, justificativa="sem motivo")
    with pytest.raises(ValidationError):
        RobotBehaviour(kind=RobotKind.REFUSE, motivo="05", justificativa="motivo inexistente")
    with pytest.raises(ValidationError):
        RobotBehaviour(kind=RobotKind.REFUSE, motivo="01", justificativa="  ")
    with pytest.raises(ValidationError):
        RobotBehaviour(kind=RobotKind.SEND)
    with pytest.raises(ValidationError):
        RobotBehaviour(kind=RobotKind.ACCEPT, motivo="99")
    assert RobotBehaviour(kind="refuse", motivo="04", justificativa="Espécie não mapeada").motivo == "04"


# ------------------------------------------------------------------------------------------- search


def search(units, **filters):
    found, total = search_units(units, repository_id=SP_REPOSITORY, **filters)
    return [u.sigla for u in found], total


def test_search_filters_by_repository(sao_paulo):
    bahia = default_units_for_ente("2927408", "Salvador", "municipio", ids(5000))
    siglas, total = search(sao_paulo + bahia)
    assert total == len(sao_paulo) == len(siglas)
    assert "PEEBA" not in siglas


def test_search_nome_and_sigla_ignore_accents_and_case(sao_paulo):
    assert search(sao_paulo, nome="saude") == (["SMS"], 1)
    assert search(sao_paulo, nome="ADMINISTRAÇAO")[0] == ["SEMAD"]
    assert search(sao_paulo, sigla="pmS") == (["PMSP"], 1)
    assert search(sao_paulo, nome="inexistente") == ([], 0)


def test_search_boolean_filters(sao_paulo):
    by_sigla(sao_paulo, "SMS").ativo = False
    assert "SMS" not in search(sao_paulo, apenas_ativas=True)[0]
    assert "SMS" in search(sao_paulo, apenas_ativas=False)[0]
    receivers = search(sao_paulo, permite_recebimento=True)[0]
    assert "PEESP" not in receivers and "RBENV" not in receivers and "PROT" in receivers
    senders = search(sao_paulo, permite_envio=True)[0]
    assert "RBENV" in senders and "RBACE" not in senders and "PEMSP" not in senders


def test_search_raiz_returns_descendants_only(sao_paulo):
    pem = by_sigla(sao_paulo, "PEMSP")
    siglas, total = search(sao_paulo, raiz=pem.id)
    assert sorted(siglas) == sorted(["PMSP", "GAB", "SEMAD", "SMS", "PROT"])
    assert total == 5
    assert search(sao_paulo, raiz=int(pem.id), nome="secretaria")[1] == 2
    assert search(sao_paulo, raiz="")[1] == len(sao_paulo)  # SEI may send an empty raiz
    with pytest.raises(UnitNotInRepository):
        search(sao_paulo, raiz="999999")


def test_search_paging(sao_paulo):
    everything, total = search(sao_paulo)
    page1, total1 = search(sao_paulo, registro_inicial=0, quantidade=5)
    page2, total2 = search(sao_paulo, registro_inicial=5, quantidade=5)
    last, _ = search(sao_paulo, registro_inicial=10, quantidade=5)
    assert total == total1 == total2 == len(sao_paulo) == 13
    assert page1 + page2 + last == everything
    assert len(last) == 3
    assert search(sao_paulo, registro_inicial=50) == ([], 13)
    with pytest.raises(InvalidOrgRequest):
        search(sao_paulo, registro_inicial=-1)
    with pytest.raises(InvalidOrgRequest):
        search(sao_paulo, quantidade=-1)


def test_search_orders_by_name(sao_paulo):
    found, _ = search_units(sao_paulo, repository_id=SP_REPOSITORY, raiz=by_sigla(sao_paulo, "PMSP").id)
    assert [u.nome for u in found] == [
        "Gabinete do Prefeito",
        "Protocolo Geral",
        "Secretaria Municipal de Administração",
        "Secretaria Municipal de Saúde",
    ]


def test_search_order_ignores_accents():
    names = ["Fazenda", "Éden", "Zona", "Área"]
    units = [
        Unit(numeroDeIdentificacaoDaEstrutura=i, nome=n, sigla=n[:3], repository_id=1)
        for i, n in enumerate(names, 1)
    ]
    found, _ = search_units(units, repository_id=1)
    assert [u.nome for u in found] == ["Área", "Éden", "Fazenda", "Zona"]


def test_children_of(sao_paulo):
    prefeitura = by_sigla(sao_paulo, "PMSP")
    assert {u.sigla for u in children_of(sao_paulo, prefeitura.id)} == {"GAB", "SEMAD", "SMS", "PROT"}
    assert [u.sigla for u in children_of(sao_paulo, int(prefeitura.id), nome="saúde")] == ["SMS"]
    assert children_of(sao_paulo, by_sigla(sao_paulo, "SMS").id) == []
    with pytest.raises(UnitNotInRepository):
        children_of(sao_paulo, prefeitura.id, repository_id=1)


def test_find_unit_outside_the_repository_is_0055(sao_paulo):
    prot = by_sigla(sao_paulo, "PROT")
    assert find_unit(sao_paulo, SP_REPOSITORY, prot.id) is prot
    with pytest.raises(UnitNotInRepository) as excinfo:
        find_unit(sao_paulo, 1, prot.id)
    assert excinfo.value.codigo_erro == "0055"
    assert "não está vinculada" in excinfo.value.mensagem
