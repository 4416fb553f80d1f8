"""Personas domain: CPF/CNPJ validation, the shipped default personas, the generator and persona files."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from pydantic import ValidationError

from registry.domain.personas import (
    SEAL_CATALOGUE,
    Persona,
    PersonaFileError,
    default_personas,
    generate_personas,
    load_persona_file,
    validation_issues,
)
from sandbox_kernel.documents import (
    format_cnpj,
    format_cpf,
    generate_cnpj,
    generate_cpf,
    only_digits,
    valid_cnpj,
    valid_cpf,
)

# --- an independent, textbook implementation of the check digits (Receita Federal's mod-11 rule) -----------


def ref_cpf_ok(digits: str) -> bool:
    if len(digits) != 11 or not digits.isdigit() or digits == digits[0] * 11:
        return False
    for n in (9, 10):
        total = 0
        for pos in range(n):
            total += int(digits[pos]) * (n + 1 - pos)
        dv = (total * 10) % 11
        if dv == 10:
            dv = 0
        if dv != int(digits[n]):
            return False
    return True


def ref_cnpj_ok(digits: str) -> bool:
    if len(digits) != 14 or not digits.isdigit() or digits == digits[0] * 14:
        return False
    for n in (12, 13):
        weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2][13 - n :]
        total = sum(int(d) * w for d, w in zip(digits[:n], weights, strict=True))
        dv = 11 - total % 11
        if dv >= 10:
            dv = 0
        if dv != int(digits[n]):
            return False
    return True


# Widely published worked examples of the algorithms.
KNOWN_CPF = "52998224725"
KNOWN_CNPJ = "11222333000181"


def test_reference_implementations_agree_with_published_examples():
    assert ref_cpf_ok(KNOWN_CPF) and not ref_cpf_ok("52998224726")
    assert ref_cnpj_ok(KNOWN_CNPJ) and not ref_cnpj_ok("11222333000182")


@pytest.mark.parametrize("cpf", [KNOWN_CPF, "529.982.247-25", "99900000188", "999.000.001-88"])
def test_valid_cpf_accepts_plain_and_formatted(cpf):
    assert valid_cpf(cpf)


@pytest.mark.parametrize(
    "cpf",
    [
        "52998224724",  # wrong second check digit
        "52998224715",  # wrong first check digit
        "00000000000",
        "11111111111",
        "999.999.999-99",
        "5299822472",  # 10 digits
        "529982247250",  # 12 digits
        "529.982.247-2a",
        "",
        "abc",
    ],
)
def test_valid_cpf_rejects(cpf):
    assert not valid_cpf(cpf)


def test_valid_cpf_matches_reference_on_random_numbers():
    rng = random.Random(2024)
    # Random 11-digit strings are ~1% valid; generate_cpf outputs are all valid: mix both.
    samples = ["".join(rng.choice("0123456789") for _ in range(11)) for _ in range(3000)]
    samples += [generate_cpf(rng) for _ in range(300)]
    assert sum(ref_cpf_ok(s) for s in samples) >= 300
    for s in samples:
        assert valid_cpf(s) == ref_cpf_ok(s), s


@pytest.mark.parametrize("cnpj", [KNOWN_CNPJ, "11.222.333/0001-81", "99000001000101"])
def test_valid_cnpj_accepts_plain_and_formatted(cnpj):
    assert valid_cnpj(cnpj)


@pytest.mark.parametrize(
    "cnpj", ["11222333000180", "11222333000191", "00000000000000", "22.222.222/2222-22", "1122233300018", "x"]
)
def test_valid_cnpj_rejects(cnpj):
    assert not valid_cnpj(cnpj)


def test_valid_cnpj_matches_reference_on_random_numbers():
    rng = random.Random(7)
    samples = ["".join(rng.choice("0123456789") for _ in range(14)) for _ in range(3000)]
    samples += [generate_cnpj(rng) for _ in range(300)]
    for s in samples:
        assert valid_cnpj(s) == ref_cnpj_ok(s), s


def test_formatting_and_digits():
    assert format_cpf(KNOWN_CPF) == "529.982.247-25"
    assert format_cpf("529.982.247-25") == "529.982.247-25"
    assert format_cnpj(KNOWN_CNPJ) == "11.222.333/0001-81"
    assert only_digits("11.222.333/0001-81") == KNOWN_CNPJ
    with pytest.raises(ValueError):
        format_cpf("123")
    with pytest.raises(ValueError):
        format_cnpj("123")


def test_generators_are_deterministic_and_valid():
    a = [generate_cpf(random.Random(5)) for _ in range(3)]
    assert len(set(a)) == 1 and ref_cpf_ok(a[0]) and a[0].isdigit()
    rng = random.Random(5)
    cnpjs = [generate_cnpj(rng) for _ in range(200)]
    assert all(ref_cnpj_ok(c) for c in cnpjs)
    again = random.Random(5)
    assert cnpjs == [generate_cnpj(again) for _ in range(200)]


# --- seal catalogue ------------------------------------------------------------------------------------------


def test_seal_catalogue_matches_reference_table():
    assert len(SEAL_CATALOGUE) == 30
    assert (SEAL_CATALOGUE["801"].slug, SEAL_CATALOGUE["801"].level) == ("certificado_digital", "ouro")
    assert (SEAL_CATALOGUE["601"].slug, SEAL_CATALOGUE["601"].level) == ("balcao_nai_previdencia", "bronze")
    assert (SEAL_CATALOGUE["301"].level, SEAL_CATALOGUE["301"].discontinued) == ("prata", True)
    assert {i for i, s in SEAL_CATALOGUE.items() if s.level == "ouro"} == {"701", "702", "801", "901"}


# --- the Persona model ---------------------------------------------------------------------------------------


def persona_data(**overrides) -> dict:
    data = {
        "cpf": "99900000188",
        "nome": "Maria da Silva Santos",
        "email": "maria@exemplo.test",
        "email_verificado": True,
        "telefone": "+5561900000001",
        "telefone_verificado": True,
        "data_nascimento": "1985-03-12",
        "senha": "Senha@123",
        "selos": [{"id": "201", "updated_at": "2024-02-10T09:15:00-03:00"}],
        "nivel": "bronze",
    }
    data.update(overrides)
    return data


def test_persona_normalises_formatted_cpf_and_phone():
    p = Persona.model_validate(persona_data(cpf="999.000.001-88", telefone="+55 (61) 90000-0001"))
    assert p.cpf == "99900000188"
    assert p.telefone == "+5561900000001"
    assert p.formatted_cpf == "999.000.001-88"
    assert p.initials == "MS"
    assert p.amr == ["passwd"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"cpf": "99900000189"}, "cpf", "dígitos verificadores"),
        ({"cpf": 99900000188}, "cpf", "aspas"),
        ({"nivel": "ouro"}, "nivel", "exige ao menos um selo de nível ouro"),
        (
            {"selos": [{"id": "604", "updated_at": "2024-02-10T09:15:00-03:00"}], "nivel": "bronze"},
            "nivel",
            "selo 604",
        ),
        ({"selos": [{"id": "999", "updated_at": "2024-02-10T09:15:00-03:00"}]}, "selos[0].id", "catálogo"),
        ({"selos": [{"id": "201", "updated_at": "2024-02-10T09:15:00"}]}, "selos[0].updated_at", "fuso"),
        ({"amr": ["passwd", "senha_forte"]}, "amr", "desconhecido"),
        ({"amr": ["x509_token"]}, "amr", "'x509'"),
        ({"email": None, "email_verificado": True}, "email_verificado", "sem 'email'"),
        ({"telefone": 5561900000001}, "telefone", "aspas"),
        ({"telefone": "61 9000"}, "telefone", "+5561999990000"),
        ({"bloqueada": "sim"}, "bloqueada", "true ou false"),
        ({"apelido": "Mari"}, "apelido", "campo desconhecido"),
        ({"situacao_cpf": "suspensa"}, "situacao_cpf", "'regular', 'cancelada' ou 'falecido'"),
        ({"ente": "355030"}, "ente", "IBGE"),
        ({"data_nascimento": "2999-01-01"}, "data_nascimento", "futuro"),
        (
            {"empresas": [{"cnpj": "11222333000180", "razao_social": "X Ltda", "atuacao": "SOCIO"}]},
            "empresas[0].cnpj",
            "CNPJ",
        ),
        (
            {"empresas": [{"cnpj": KNOWN_CNPJ, "razao_social": "X Ltda", "atuacao": "DONO"}]},
            "empresas[0].atuacao",
            "não permitido",
        ),
    ],
)
def test_persona_rejects_inconsistent_data(overrides, field, words):
    with pytest.raises(ValidationError) as caught:
        Persona.model_validate(persona_data(**overrides))
    issues = validation_issues(caught.value)
    assert field in {i.field for i in issues}
    assert words in " ".join(i.reason for i in issues)


def test_persona_level_is_that_of_the_highest_seal():
    selos = [
        {"id": "201", "updated_at": "2024-02-10T09:15:00-03:00"},
        {"id": "604", "updated_at": "2024-02-10T09:15:00-03:00"},
        {"id": 801, "updated_at": "2024-02-10T09:15:00-03:00"},  # unquoted YAML id
    ]
    assert Persona.model_validate(persona_data(selos=selos, nivel="ouro")).selos[2].id == "801"
    with pytest.raises(ValidationError):
        Persona.model_validate(persona_data(selos=selos, nivel="prata"))


# --- default personas ----------------------------------------------------------------------------------------


def test_default_personas_cover_every_scenario():
    personas = default_personas()
    assert 15 <= len(personas) <= 30
    first = personas[0]
    assert (first.nivel, first.situacao_cpf, first.bloqueada) == ("ouro", "regular", False)
    assert first.email and first.email_verificado and first.telefone and first.telefone_verificado

    assert {p.nivel for p in personas} == {"bronze", "prata", "ouro"}
    assert {p.situacao_cpf for p in personas} == {"regular", "cancelada", "falecido"}
    assert any(p.bloqueada for p in personas)
    assert any(p.email and not p.email_verificado for p in personas)
    assert any(p.telefone and not p.telefone_verificado for p in personas)
    assert any(p.nome_social for p in personas)
    roles = {e.atuacao for p in personas for e in p.empresas}
    assert roles == {"SOCIO", "CONTADOR", "REPRESENTANTE_LEGAL", "NAO_ATUANTE"}
    assert any(e.cadastrador for p in personas for e in p.empresas)
    assert any(
        p.nivel == "ouro" and "x509" in p.amr and any(e.atuacao == "REPRESENTANTE_LEGAL" for e in p.empresas)
        for p in personas
    )
    assert any(p.age_on(date.today()) < 18 for p in personas)
    assert all(p.descricao and p.ente is None for p in personas)


def test_default_personas_have_unique_valid_synthetic_documents():
    personas = default_personas()
    cpfs = [p.cpf for p in personas]
    assert len(set(cpfs)) == len(cpfs)
    assert all(ref_cpf_ok(c) for c in cpfs)
    assert all(ref_cnpj_ok(e.cnpj) for p in personas for e in p.empresas)
    assert KNOWN_CPF not in cpfs


# --- generator -----------------------------------------------------------------------------------------------


def test_generator_is_deterministic():
    assert generate_personas(25, seed=42) == generate_personas(25, seed=42)
    assert generate_personas(25, seed=42) != generate_personas(25, seed=43)


def test_generator_output_is_valid_unique_and_varied():
    personas = generate_personas(300, seed=1)
    cpfs = [p.cpf for p in personas]
    assert len(set(cpfs)) == 300 and all(ref_cpf_ok(c) for c in cpfs)
    cnpjs = [e.cnpj for p in personas for e in p.empresas]
    assert cnpjs and len(set(cnpjs)) == len(cnpjs) and all(ref_cnpj_ok(c) for c in cnpjs)
    # every generated persona survives a round trip through the strict model
    assert all(Persona.model_validate(p.model_dump()) == p for p in personas)
    assert len({p.nome for p in personas}) > 200


def test_a_few_generated_personas_already_cover_levels_statuses_and_roles():
    personas = generate_personas(10, seed=99)
    assert {p.nivel for p in personas} == {"bronze", "prata", "ouro"}
    assert {p.situacao_cpf for p in personas} == {"regular", "cancelada", "falecido"}
    assert any(p.bloqueada for p in personas)
    assert {e.atuacao for p in personas for e in p.empresas} >= {
        "SOCIO",
        "CONTADOR",
        "REPRESENTANTE_LEGAL",
        "NAO_ATUANTE",
    }
    assert personas[0].situacao_cpf == "regular" and not personas[0].bloqueada


def test_generator_ente():
    local = generate_personas(5, seed=42, ente="3550308")
    assert all(p.ente == "3550308" for p in local)
    assert all(p.ente is None for p in generate_personas(5, seed=42))
    # the same seed in two entes must not hand out the same CPFs
    other = generate_personas(5, seed=42, ente="3304557")
    assert not {p.cpf for p in local} & {p.cpf for p in other}
    assert generate_personas(0, seed=1) == []
    with pytest.raises(ValueError):
        generate_personas(-1, seed=1)


# --- persona files -------------------------------------------------------------------------------------------

GOOD_YAML = """
- cpf: "99900000188"
  nome: Maria da Silva Santos
  data_nascimento: 1985-03-12
  senha: "Senha@123"
  selos: [{id: "201", updated_at: 2024-02-10T09:15:00-03:00}]
  nivel: bronze
"""


def test_load_yaml_and_json_files(tmp_path):
    yaml_file = tmp_path / "personas.yaml"
    yaml_file.write_text(GOOD_YAML, encoding="utf-8")
    [p] = load_persona_file(yaml_file)
    assert (p.cpf, p.nivel, p.email) == ("99900000188", "bronze", None)

    json_file = tmp_path / "personas.json"
    json_file.write_text(json.dumps({"personas": [persona_data(cpf="999.000.002-69")]}), encoding="utf-8")
    [q] = load_persona_file(json_file)
    assert q.cpf == "99900000269" and q.data_nascimento == date(1985, 3, 12)


def test_file_error_names_file_entry_and_field(tmp_path):
    entries = [persona_data(cpf=c) for c in ("99900000188", "99900000269", "99900000340", "99900000420")]
    entries[3]["nivel"] = "platina"
    path = tmp_path / "personas.yaml"
    path.write_text(json.dumps(entries), encoding="utf-8")  # JSON is valid YAML
    with pytest.raises(PersonaFileError) as caught:
        load_persona_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: entrada 3 (cpf 99900000420): campo 'nivel': ")
    assert "platina" in message
    [issue] = caught.value.issues
    assert (issue.entry, issue.field) == (3, "nivel")


def test_file_error_for_nested_field_and_entry_without_cpf(tmp_path):
    bad_seal = persona_data()
    bad_seal["selos"][0]["id"] = "123"
    no_cpf = persona_data(nome="Sem CPF")
    del no_cpf["cpf"]
    path = tmp_path / "p.json"
    path.write_text(json.dumps([bad_seal, no_cpf]), encoding="utf-8")
    with pytest.raises(PersonaFileError) as caught:
        load_persona_file(path)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{path}: entrada 0 (cpf 99900000188): campo 'selos[0].id': selo '123'")
    assert lines[1] == f"{path}: entrada 1 (nome 'Sem CPF'): campo 'cpf': campo obrigatório"


def test_duplicate_cpf_in_file_is_an_error(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(json.dumps([persona_data(), persona_data(cpf="999.000.001-88")]), encoding="utf-8")
    with pytest.raises(PersonaFileError) as caught:
        load_persona_file(path)
    assert "entrada 1 (cpf 999.000.001-88): campo 'cpf'" in str(caught.value)
    assert "entrada 0" in str(caught.value).split("campo 'cpf'")[1]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.yaml", "personas:\n  - nome: x\n    nome: y\n", "chave 'nome' repetida"),
        ("b.yaml", "- cpf: [\n", "YAML inválido na linha"),
        ("c.json", '[{"cpf": "1",}]', "JSON inválido na linha 1"),
        ("d.yaml", "pessoas: []\n", "lista de personas"),
        ("e.txt", "[]", "extensão não suportada"),
        ("f.yaml", "- just a string\n", "entrada 0: esperado um objeto"),
        ("g.yaml", GOOD_YAML.replace('"Senha@123"', "123456"), "campo 'senha': esperado texto"),
    ],
)
def test_malformed_files(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PersonaFileError) as caught:
        load_persona_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert expected in str(caught.value)


def test_every_problem_of_a_file_is_reported(tmp_path):
    entries = [persona_data(cpf="99900000189"), persona_data(cpf="99900000269", bloqueada="sim")]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(PersonaFileError) as caught:
        load_persona_file(path)
    assert [(i.entry, i.field) for i in caught.value.issues] == [(0, "cpf"), (1, "bloqueada")]
    assert "deve ser true ou false" in str(caught.value)
